//! JSON Lines: one object per case, written by hand with a fixed key order.
#![allow(
    clippy::indexing_slicing,
    reason = "each row start list has one entry per status"
)]

use super::Printer;
use super::text::{
    due_text, needs_escape, push_json_date, push_json_date_ending_row, push_json_string,
    push_number, push_when,
};
use crate::case::{BadCase, InputFile};
use crate::due::Due;
use crate::report::{CaseReport, Deviation, Row, State, Status};
use chrono::NaiveDate;
use std::fmt::Write;

impl Printer<'_, '_> {
    pub(super) fn json_case(&self, report: &CaseReport, out: &mut String) {
        // The fixed pieces around the id and the state, each written with its neighbours in
        // one copy (and the state's word, in place of a copy of a length looked up).
        let id = &report.case.id;
        if needs_escape(id) {
            out.push_str("{\"case\":");
            push_json_string(out, id);
            out.push_str(",\"line\":");
        } else {
            out.push_str("{\"case\":\"");
            out.push_str(id);
            out.push_str("\",\"line\":");
        }
        push_number(out, report.case.line as u64);
        out.push_str(",\"as_of\":");
        push_json_date(out, Some(report.as_of));
        out.push_str(match report.state {
            State::Open => ",\"state\":\"open\",\"end\":",
            State::Closed => ",\"state\":\"closed\",\"end\":",
            State::Left => ",\"state\":\"left\",\"end\":",
            State::NotStarted => ",\"state\":\"not_started\",\"end\":",
        });
        match report.end {
            Some(end) => self.push_json_name(end, out),
            None => out.push_str("null"),
        }
        // The fields most cases give as they are (no steps at hand, nothing left, nothing
        // ignored, no deviations, no warnings) are written each with its neighbours in one piece.
        if report.at.is_empty() {
            out.push_str(",\"at\":[],\"next\":");
        } else {
            out.push_str(",\"at\":");
            self.json_names(&report.at, out);
            out.push_str(",\"next\":");
        }
        match report.next.and_then(|index| report.rows.get(index)) {
            Some(row) => {
                out.push_str("{\"step\":");
                self.push_json_name(row.step, out);
                if let Some(occurrence) = row.occurrence {
                    out.push_str(",\"occurrence\":");
                    push_number(out, u64::from(occurrence));
                }
                out.push_str(",\"due\":");
                let due = crate::replay::extension::judged_due(row);
                push_json_date(out, due.map(Due::date));
                out.push('}');
            }
            None => out.push_str("null"),
        }
        let usual = report.left.is_none() && report.ignored_after_as_of == 0;
        // Most cases: nothing left or ignored, every record fitting, no deviations.
        if usual && report.deviations.is_empty() && report.fitting >= report.records {
            out.push_str(
                ",\"left\":null,\"ignored_after_as_of\":0,\"fit\":1.0,\"deviations\":[],\"steps\":[",
            );
        } else {
            match usual {
                true => out.push_str(",\"left\":null,\"ignored_after_as_of\":0,\"fit\":"),
                false => self.json_left(report, out),
            }
            self.json_fit_and_deviations(report, out);
        }
        self.json_rows(report, out);
        if report.warnings.is_empty() {
            out.push_str("],\"warnings\":[],\"errors\":[]}\n");
            return;
        }
        out.push_str("],\"warnings\":[");
        for (index, warning) in report.warnings.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"line\":{},\"message\":", warning.line);
            push_json_string(out, &warning.message);
            out.push('}');
        }
        out.push_str("],\"errors\":[]}\n");
    }

    /// `fit`'s value, `deviations` and the start of `steps`.
    fn json_fit_and_deviations(&self, report: &CaseReport, out: &mut String) {
        super::push_fit(out, report);
        if report.deviations.is_empty() {
            out.push_str(",\"deviations\":[],\"steps\":[");
        } else {
            out.push_str(",\"deviations\":[");
            for (index, deviation) in report.deviations.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                self.json_deviation(deviation, out);
            }
            out.push_str("],\"steps\":[");
        }
    }

    /// The rows of `steps`, without the comma after the last.
    fn json_rows(&self, report: &CaseReport, out: &mut String) {
        // Each row is written with the comma after it (most are copied whole, comma and all);
        // the last row's is taken back.
        let mut rows = report.rows.as_slice();
        while let Some((row, rest)) = rows.split_first() {
            // Rows of steps not applicable mostly come one after another, in the order of the
            // steps: such a run is copied in one piece.
            if plain_not_applicable(row) {
                let first = row.step.0 as usize;
                let more = (rest.iter().enumerate())
                    .take_while(|(at, next)| {
                        plain_not_applicable(next) && next.step.0 as usize == first + at + 1
                    })
                    .count();
                if let Some(run) = self.json_not_applicable.run(first, more + 1) {
                    out.push_str(run);
                    rows = rest.get(more..).unwrap_or_default();
                    continue;
                }
            }
            self.json_row(report, row, out);
            rows = rest;
        }
        if !report.rows.is_empty() {
            out.pop();
        }
    }

    /// `,"left":…,"ignored_after_as_of":…,"fit":`, for a case that left the procedure or
    /// ignored records.
    fn json_left(&self, report: &CaseReport, out: &mut String) {
        out.push_str(",\"left\":");
        match &report.left {
            Some(left) => {
                out.push_str("{\"step\":");
                self.push_json_name(left.step, out);
                out.push_str(",\"on\":");
                push_json_date(out, left.on.map(|on| on.date));
                let _ = write!(out, ",\"line\":{},\"expected\":", left.line);
                self.json_names(&left.expected, out);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"ignored_after_as_of\":");
        push_number(out, report.ignored_after_as_of as u64);
        out.push_str(",\"fit\":");
    }

    fn json_names(&self, ids: &[waymark_compile::StepIndex], out: &mut String) {
        out.push('[');
        for (index, id) in ids.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            self.push_json_name(*id, out);
        }
        out.push(']');
    }

    /// One row of `steps`, and the comma after it.
    fn json_row(&self, report: &CaseReport, row: &Row, out: &mut String) {
        // A step not applicable (or not needed) with no dates prints no other field.
        let no_dates = matches!(row.status, Status::NotApplicable | Status::NotNeeded)
            && row.due.is_none()
            && row.done.is_none();
        let texts = self.json_row_texts(row.step, row.status);
        match row.occurrence {
            // Most rows: the row, or its start, was written once, when the printer was made.
            None if no_dates => {
                out.push_str(&texts.empty);
                return;
            }
            None if row.due.is_none() && row.target.is_none() => out.push_str(&texts.undated),
            None => {
                out.push_str(&texts.start);
                push_due_and_target(row, out);
            }
            Some(occurrence) => {
                out.push_str("{\"step\":");
                self.push_json_name(row.step, out);
                out.push_str(",\"occurrence\":");
                push_number(out, u64::from(occurrence));
                out.push_str(",\"status\":\"");
                out.push_str(row.status.word());
                out.push_str("\",\"due\":");
                if no_dates {
                    out.push_str(NO_DATES);
                    return;
                }
                push_due_and_target(row, out);
            }
        }
        let done = row.done.map(|done| done.date);
        let rare = has_rare_fields(row);
        let event = row.event.and_then(|index| report.case.events.get(index));
        if !rare && event.is_none_or(|event| event.outcome.is_none() && event.reason.is_none()) {
            // Most rows end with their done date: it is copied with the row's end, in one
            // piece. (A row with a latest outcome has occurrences, one of the rare fields.)
            push_json_date_ending_row(out, done);
            return;
        }
        push_json_date(out, done);
        if rare {
            self.json_rare_fields(row, out);
        }
        if let Some(event) = event {
            if let Some(outcome) = event.outcome {
                out.push_str(self.json_outcome(row.step, outcome));
            }
            if let Some(reason) = &event.reason {
                out.push_str(",\"reason\":");
                push_json_string(out, reason);
            }
        }
        if let Some(latest) = super::latest_outcome(self.plan, report, row) {
            out.push_str(",\"latest_outcome\":");
            push_json_string(out, latest);
        }
        out.push_str("},");
    }

    /// The fields most rows lack, in their place in the row: occurrences, times, whether a
    /// target was met, a reason recorded or a sign-off, an extension, roles still to record.
    fn json_rare_fields(&self, row: &Row, out: &mut String) {
        if let Some(occurrences) = row.occurrences {
            out.push_str(",\"occurrences\":");
            push_number(out, u64::from(occurrences));
        }
        if let Some(due @ Due::At(_)) = row.due {
            out.push_str(",\"due_at\":\"");
            out.push_str(&due_text(due));
            out.push('"');
        }
        if let Some(target @ Due::At(_)) = row.target {
            out.push_str(",\"target_at\":\"");
            out.push_str(&due_text(target));
            out.push('"');
        }
        if let Some(done) = row.done.filter(|done| done.time.is_some()) {
            out.push_str(",\"done_at\":\"");
            push_when(out, done);
            out.push('"');
        }
        match row.target_met {
            Some(true) => out.push_str(",\"target_met\":true"),
            Some(false) => out.push_str(",\"target_met\":false"),
            None => {}
        }
        match row.reason_recorded {
            Some(true) => out.push_str(",\"reason_recorded\":true"),
            Some(false) => out.push_str(",\"reason_recorded\":false"),
            None => {}
        }
        match row.approval {
            Some(true) => out.push_str(",\"approval\":\"recorded\""),
            Some(false) => out.push_str(",\"approval\":\"missing\""),
            None => {}
        }
        if let Some(extended) = row.extension.as_deref().copied() {
            self.json_extension(row, extended, out);
        }
        if !row.awaiting.is_empty() {
            out.push_str(",\"awaiting\":[");
            for (index, role) in row.awaiting.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_json_string(out, &self.plan.procedure.role(*role).id);
            }
            out.push(']');
        }
    }

    /// An extended row: `extended_by` (as the procedure counts it), `extended_due` (and
    /// `extended_due_at` for hours) and `unextended_status`, the status without the extension.
    fn json_extension(&self, row: &Row, extended: crate::report::Extended, out: &mut String) {
        if let Some(extension) = &self.plan.procedure.step(row.step).extension {
            out.push_str(",\"extended_by\":");
            push_json_string(out, &extension.unit.amount_words(extended.by));
        }
        out.push_str(",\"extended_due\":");
        push_json_date(out, extended.due.map(Due::date));
        if let Some(due @ Due::At(_)) = extended.due {
            out.push_str(",\"extended_due_at\":\"");
            out.push_str(&due_text(due));
            out.push('"');
        }
        if let Some(unextended) = extended.unextended {
            out.push_str(",\"unextended_status\":\"");
            out.push_str(unextended.word());
            out.push('"');
        }
    }

    fn json_deviation(&self, deviation: &Deviation, out: &mut String) {
        out.push_str("{\"kind\":\"");
        out.push_str(deviation.kind.word());
        out.push_str("\",\"step\":");
        self.push_json_name(deviation.step, out);
        out.push_str(",\"on\":");
        push_json_date(out, deviation.on.map(|on| on.date));
        out.push_str(",\"line\":");
        match deviation.line {
            Some(line) => push_number(out, line as u64),
            None => out.push_str("null"),
        }
        out.push_str(",\"expected\":");
        self.json_names(&deviation.expected, out);
        out.push('}');
    }

    /// The step's name as a quoted JSON string, escaped once when the printer was made.
    fn push_json_name(&self, id: waymark_compile::StepIndex, out: &mut String) {
        out.push_str(
            self.json_names
                .get(id.0 as usize)
                .map_or("null", String::as_str),
        );
    }

    /// The texts of the step's row in `status`.
    fn json_row_texts(&self, step: waymark_compile::StepIndex, status: Status) -> &RowTexts {
        static NONE: RowTexts = RowTexts {
            start: String::new(),
            empty: String::new(),
            undated: String::new(),
        };
        self.json_rows
            .get(step.0 as usize)
            .map_or(&NONE, |rows| &rows[status as usize])
    }

    /// `,"outcome":"name"` for the decision's outcome (nothing for one it does not have).
    fn json_outcome(&self, step: waymark_compile::StepIndex, outcome: usize) -> &str {
        self.json_outcomes
            .get(step.0 as usize)
            .and_then(|outcomes| outcomes.get(outcome))
            .map_or("", String::as_str)
    }
}

/// A row's `due` and `target`, up to `"done":`. Inlined: it runs for most rows, and as a call
/// it cost a third more than its work.
#[inline(always)]
fn push_due_and_target(row: &Row, out: &mut String) {
    push_json_date(out, row.due.map(Due::date));
    match row.target {
        // Most rows: one copy rather than three.
        None => out.push_str(UNTARGETED),
        Some(target) => {
            out.push_str(",\"target\":");
            push_json_date(out, Some(target.date()));
            out.push_str(",\"done\":");
        }
    }
}

/// Between a row's `due` and its `done` date when it has no target.
const UNTARGETED: &str = r#","target":null,"done":"#;

/// Whether a row is a step not applicable with no dates and no occurrence: a row written whole
/// from [`RowTexts::empty`].
fn plain_not_applicable(row: &Row) -> bool {
    row.status == Status::NotApplicable
        && row.occurrence.is_none()
        && row.due.is_none()
        && row.done.is_none()
}

/// Whether a row has any field [`Printer::json_rare_fields`] writes: most rows have none, and
/// skip them all after one test.
fn has_rare_fields(row: &Row) -> bool {
    row.occurrences.is_some()
        || matches!(row.due, Some(Due::At(_)))
        || matches!(row.target, Some(Due::At(_)))
        || row.done.is_some_and(|done| done.time.is_some())
        || row.target_met.is_some()
        || row.reason_recorded.is_some()
        || row.approval.is_some()
        || row.extension.is_some()
        || !row.awaiting.is_empty()
}

/// The end of a row with no dates, from its `"due":` on, with the comma after the row.
const NO_DATES: &str = r#"null,"target":null,"done":null},"#;

/// A step's JSON row in one status, written once per plan (both parts, so that neither is cut
/// from the other for every row).
pub(super) struct RowTexts {
    /// `{"step":"name","status":"met","due":`: every row without an occurrence starts so.
    start: String,
    /// The whole row with no dates, and the comma after it: most rows of steps not applicable
    /// are exactly this.
    empty: String,
    /// The row up to its `done` date when it has neither a due date nor a target, as most rows
    /// of steps done without a deadline: `{"step":"name","status":"met","due":null,
    /// "target":null,"done":`.
    undated: String,
}

impl RowTexts {
    /// `json_name` is the step's name as a JSON string. (Pieces pushed, not `format!`: a printer
    /// is made for every block of cases, and writes sixteen of these for each step.)
    pub(super) fn new(json_name: &str, status: Status) -> RowTexts {
        let mut start = String::with_capacity(json_name.len() + 40);
        start.push_str("{\"step\":");
        start.push_str(json_name);
        start.push_str(",\"status\":\"");
        start.push_str(status.word());
        start.push_str("\",\"due\":");
        let mut empty = String::with_capacity(start.len() + NO_DATES.len());
        empty.push_str(&start);
        empty.push_str(NO_DATES);
        let mut undated = String::with_capacity(start.len() + 4 + UNTARGETED.len());
        undated.push_str(&start);
        undated.push_str("null");
        undated.push_str(UNTARGETED);
        RowTexts {
            start,
            empty,
            undated,
        }
    }
}

/// The whole rows of every step in one status, one after another in the order of the steps,
/// so that the rows of consecutive steps are one piece of text.
pub(super) struct RowRuns {
    text: String,
    /// Where each step's row starts in `text`, and the end of the last.
    starts: Vec<usize>,
}

impl RowRuns {
    pub(super) fn new(rows: &[[RowTexts; Status::ALL.len()]], status: Status) -> RowRuns {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(rows.len() + 1);
        for row in rows {
            starts.push(text.len());
            text.push_str(&row[status as usize].empty);
        }
        starts.push(text.len());
        RowRuns { text, starts }
    }

    /// The rows of `count` steps from step `first` on.
    fn run(&self, first: usize, count: usize) -> Option<&str> {
        let start = *self.starts.get(first)?;
        let end = *self.starts.get(first + count)?;
        // Cut in two steps, each checking one end (see `read::json::quick::Line::piece`).
        let (head, _) = self.text.split_at_checked(end)?;
        let (_, run) = head.split_at_checked(start)?;
        Some(run)
    }
}

pub(super) fn json_bad(bad: &BadCase, as_of: NaiveDate, out: &mut String) {
    out.push_str("{\"case\":");
    match &bad.id {
        Some(id) => push_json_string(out, id),
        None => out.push_str("null"),
    }
    let _ = write!(out, ",\"line\":{},\"as_of\":", bad.line);
    push_json_date(out, Some(as_of));
    out.push_str(
        ",\"state\":\"error\",\"end\":null,\"at\":[],\"next\":null,\"left\":null,\
         \"ignored_after_as_of\":0,\"fit\":null,\"deviations\":[],\"steps\":[],\"warnings\":[],\"errors\":[",
    );
    for (index, problem) in bad.problems.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push('{');
        if problem.file == InputFile::Facts {
            out.push_str("\"file\":\"facts\",");
        }
        let _ = write!(
            out,
            "\"code\":\"{}\",\"line\":{},\"message\":",
            problem.code, problem.line
        );
        // JSON escapes control characters itself; a long value is still cut short.
        push_json_string(out, &super::text::shown(&problem.message));
        out.push('}');
    }
    out.push_str("]}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of rows is the rows of its steps, one after another, and a run past the last
    /// step is none (its rows are then written one by one).
    #[test]
    fn a_run_of_rows_is_its_steps_rows_in_turn() {
        let names = ["\"a\"", "\"bb\"", "\"c\\\"d\"", "\"é\""];
        let rows: Vec<[RowTexts; Status::ALL.len()]> = names
            .iter()
            .map(|name| Status::ALL.map(|status| RowTexts::new(name, status)))
            .collect();
        for status in Status::ALL {
            let runs = RowRuns::new(&rows, status);
            for first in 0..names.len() {
                for count in 1..=names.len() - first {
                    let each: String = (first..first + count)
                        .map(|step| rows[step][status as usize].empty.as_str())
                        .collect();
                    assert_eq!(runs.run(first, count), Some(each.as_str()));
                }
                assert_eq!(runs.run(first, names.len() - first + 1), None);
            }
        }
    }
}
