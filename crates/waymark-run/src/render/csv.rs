//! CSV: one row per case and step.

use super::Printer;
use super::bad_case_lines;
use super::text::{due_text, push_csv_field, push_date, when_text};
use crate::case::BadCase;
use crate::report::{CaseReport, DeviationKind, Row};
use chrono::NaiveDate;
use std::fmt::Write;

/// The header line of `--format csv`.
pub const CSV_HEADER: &str = "case,as_of,state,step,occurrence,status,due,target,done,reason_recorded,target_met,note,outcome,deviation\n";

impl Printer<'_, '_> {
    pub(super) fn csv_case(&self, report: &CaseReport, out: &mut String) {
        for row in &report.rows {
            push_csv_field(out, &report.case.id);
            out.push(',');
            push_date(out, report.as_of);
            out.push(',');
            out.push_str(report.state.word());
            out.push(',');
            push_csv_field(out, self.step_name(row.step));
            out.push(',');
            if let Some(occurrence) = row.occurrence {
                let _ = write!(out, "{occurrence}");
            }
            out.push(',');
            out.push_str(row.status.word());
            for value in [
                row.due.map(due_text),
                row.target.map(due_text),
                row.done.map(when_text),
            ] {
                out.push(',');
                out.push_str(value.as_deref().unwrap_or(""));
            }
            for flag in [row.reason_recorded, row.target_met] {
                out.push(',');
                if let Some(flag) = flag {
                    let _ = write!(out, "{flag}");
                }
            }
            out.push(',');
            let event = row.event.and_then(|index| report.case.events.get(index));
            let note = match event.and_then(|event| event.reason.as_deref()) {
                Some(reason) => Some(reason.to_string()),
                // A joint step not done yet: who has still to record it.
                None if !row.awaiting.is_empty() => {
                    let awaiting = super::role_names(self.plan, &row.awaiting);
                    Some(format!("awaiting {awaiting}"))
                }
                None => None,
            };
            // An extension is said after the note, so the note's start is as before.
            let note = match (note, super::extension_note(self.plan, row)) {
                (Some(note), Some(extension)) => Some(format!("{note}; {extension}")),
                (note, extension) => note.or(extension),
            };
            if let Some(note) = note {
                push_csv_field(out, &note);
            }
            out.push(',');
            let outcome = event
                .and_then(|event| event.outcome)
                .and_then(|outcome| self.plan.procedure.step(row.step).outcomes.get(outcome));
            if let Some(outcome) = outcome {
                push_csv_field(out, &outcome.id);
            }
            out.push(',');
            self.push_deviation_kinds(report, row, out);
            out.push('\n');
        }
    }

    /// The kinds of deviation that concern a row, `;` between them: those of its step (for an
    /// occurrence, those of its record).
    fn push_deviation_kinds(&self, report: &CaseReport, row: &Row, out: &mut String) {
        let line = row
            .event
            .and_then(|index| report.case.events.get(index))
            .map(|e| e.line);
        let mut first = true;
        for kind in DeviationKind::ALL {
            let each = self.plan.each_of(row.step).is_some();
            let concerns = report.deviations.iter().any(|deviation| {
                deviation.kind == kind
                    && deviation.step == row.step
                    && match (each, row.occurrence) {
                        // Work due before each occurrence: its record's deviations, and the
                        // gap its occurrence shows.
                        (true, _) => match kind {
                            DeviationKind::NotRecorded => {
                                row.done.is_none()
                                    && row.counted_from.is_some()
                                    && deviation.on == row.counted_from
                            }
                            _ => row.event.is_some() && deviation.record == row.event,
                        },
                        (false, None) => true,
                        (false, Some(_)) => deviation.line == line,
                    }
            });
            if concerns {
                if !first {
                    out.push(';');
                }
                out.push_str(kind.word());
                first = false;
            }
        }
    }
}

pub(super) fn csv_bad(bad: &BadCase, as_of: NaiveDate, out: &mut String) {
    for line in bad_case_lines(bad) {
        push_csv_field(out, bad.id.as_deref().unwrap_or(""));
        out.push(',');
        push_date(out, as_of);
        out.push_str(",error,,,,,,,,,");
        push_csv_field(out, &super::without_severity(&line));
        out.push_str(",,\n");
    }
}
