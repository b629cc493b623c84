//! A block per case for the terminal, coloured when it is one.

use super::text::{date_text, due_text, when_text};
use super::{Printer, bad_case_lines};
use crate::case::BadCase;
use crate::plan::Plan;
use crate::report::{CaseReport, Row, State, Status};
use std::fmt::Write;

pub(crate) struct Paint {
    pub colour: bool,
}

impl Paint {
    pub(crate) fn status(&self, status: Status, width: usize) -> String {
        let word = format!("{:<width$}", status.word());
        let code = match status {
            Status::Met => "32",
            Status::Late => "31",
            Status::Overdue => "1;31",
            Status::Pending => "33",
            Status::NotRecorded => "35",
            Status::Waived => "36",
            Status::NotApplicable | Status::NotNeeded => "2",
        };
        self.wrap(code, &word)
    }

    pub(crate) fn wrap(&self, code: &str, text: &str) -> String {
        match self.colour {
            true => format!("\x1b[{code}m{text}\x1b[0m"),
            false => text.to_string(),
        }
    }
}

impl Printer<'_, '_> {
    pub(super) fn table_case(&self, report: &CaseReport, colour: bool, out: &mut String) {
        let plan = self.plan;
        let paint = Paint { colour };
        let width = self.name_width;
        let at: Vec<&str> = report.at.iter().map(|id| self.step_name(*id)).collect();
        let where_ = match (report.state, report.end) {
            (State::Closed, Some(end)) => format!("closed at {}", self.step_name(end)),
            (State::Left, Some(end)) => {
                format!(
                    "left the procedure after closing at {}",
                    self.step_name(end)
                )
            }
            (State::Left, None) if !at.is_empty() => {
                format!("left the procedure while at {}", at.join(", "))
            }
            (State::Left, None) => "left the procedure".to_string(),
            (State::NotStarted, _) => {
                "not started: every dated record is after the as-of date".to_string()
            }
            (state, _) if at.is_empty() => state.word().to_string(),
            (state, _) => format!("{} at {}", state.word(), at.join(", ")),
        };
        let _ = writeln!(
            out,
            "{}  {where_}  (line {}, as of {})",
            paint.wrap("1", &super::text::shown(&report.case.id)),
            report.case.line,
            date_text(report.as_of)
        );
        let _ = writeln!(
            out,
            "  {:<width$}  {:<14}  {:<16}  {:<16}  {:<16}  note",
            "step", "status", "due", "target", "done"
        );
        for row in &report.rows {
            let name = match row.occurrence {
                Some(occurrence) => format!("{} #{occurrence}", self.step_name(row.step)),
                None => self.step_name(row.step).to_string(),
            };
            let text = |value: Option<String>| value.unwrap_or_else(|| "-".to_string());
            let note = row_note(plan, report, row);
            let line = format!(
                "  {name:<width$}  {}  {:<16}  {:<16}  {:<16}  {note}",
                paint.status(row.status, 14),
                text(row.due.map(due_text)),
                text(row.target.map(due_text)),
                text(row.done.map(when_text)),
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if let Some(row) = report.next.and_then(|index| report.rows.get(index))
            && let Some(due) = crate::replay::extension::judged_due(row)
        {
            let _ = writeln!(
                out,
                "  next: {} due {}",
                self.step_name(row.step),
                due_text(due)
            );
        }
        if let Some(left) = &report.left {
            let expected: Vec<&str> = left.expected.iter().map(|id| self.step_name(*id)).collect();
            let expected = match expected.is_empty() {
                true => "nothing: the case had closed".to_string(),
                false => expected.join(", "),
            };
            let _ = writeln!(
                out,
                "  {}: `{}` on {} (line {}) is not allowed at that point; expected {expected}",
                paint.wrap("1;31", "left the procedure"),
                self.step_name(left.step),
                left.on.map_or_else(|| "-".to_string(), when_text),
                left.line
            );
        }
        if !report.deviations.is_empty() {
            let _ = writeln!(
                out,
                "  {} (fit {}):",
                paint.wrap("33", "deviations"),
                super::fit_text(report)
            );
            for deviation in &report.deviations {
                let (happened, _) = super::deviation_words(plan, report, deviation);
                let _ = writeln!(out, "    {:<12}  {happened}", deviation.kind.word());
            }
        }
        if report.ignored_after_as_of > 0 {
            let _ = writeln!(
                out,
                "  {} event(s) dated after the as-of date ignored",
                report.ignored_after_as_of
            );
        }
        for warning in &report.warnings {
            let _ = writeln!(
                out,
                "  {} (line {}): {}",
                paint.wrap("33", "warning"),
                warning.line,
                super::text::shown(&warning.message)
            );
        }
        out.push('\n');
    }
}

fn row_note(plan: &Plan, report: &CaseReport, row: &Row) -> String {
    let mut notes = Vec::new();
    let event = row.event.and_then(|index| report.case.events.get(index));
    if let Some(outcome) = event.and_then(|e| e.outcome)
        && let Some(outcome) = plan.procedure.step(row.step).outcomes.get(outcome)
    {
        notes.push(format!("outcome {}", outcome.id));
    }
    if let Some(occurrences) = row.occurrences.filter(|n| *n > 1) {
        notes.push(format!("{occurrences} occurrences"));
        if let Some(latest) = super::latest_outcome(plan, report, row) {
            notes.push(format!("the latest decided {latest}"));
        }
    }
    match row.reason_recorded {
        Some(true) => notes.push("reason recorded".to_string()),
        Some(false) => notes.push("no reason recorded".to_string()),
        None => {}
    }
    if row.target_met == Some(false) {
        notes.push("target missed".to_string());
    }
    match row.approval {
        Some(true) => notes.push("approved".to_string()),
        Some(false) => notes.push("approval missing".to_string()),
        None => {}
    }
    notes.extend(super::extension_note(plan, row));
    if !row.awaiting.is_empty() {
        notes.push(format!(
            "awaiting {}",
            super::role_names(plan, &row.awaiting)
        ));
    }
    if row.status == Status::Waived
        && let Some(reason) = event.and_then(|e| e.reason.as_deref())
    {
        notes.push(format!("reason: {}", super::text::shown(reason)));
    }
    notes.join("; ")
}

pub(super) fn table_bad(bad: &BadCase, colour: bool, out: &mut String) {
    let paint = Paint { colour };
    let id = bad
        .id
        .as_deref()
        .map_or("(no case id)".into(), super::text::shown);
    let _ = writeln!(
        out,
        "{}  {} (line {})",
        paint.wrap("1", &id),
        paint.wrap("1;31", "not run: the case data has problems"),
        bad.line
    );
    for line in bad_case_lines(bad) {
        let _ = writeln!(out, "  {}", super::without_severity(&line));
    }
    out.push('\n');
}
