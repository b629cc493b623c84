//! Case reports as text: JSON Lines (`json.rs`), CSV rows (`csv.rs`), a table for the terminal
//! (`table.rs`), an explanation of one case (`explain.rs`) and the caseload summary
//! (`summary.rs`). Written by hand into one `String` per batch, with a fixed key order, so the
//! bytes never depend on hashing, threads or the serde version.
#![allow(
    clippy::indexing_slicing,
    reason = "`shown` counts digits of a four-digit array, at most four"
)]

mod csv;
pub mod explain;
mod json;
mod summary;
mod table;
mod text;

pub use csv::CSV_HEADER;
pub use summary::{StepSummary, Summary};
pub use text::{due_text, push_csv_field, push_csv_number, shown, when_text};
pub(crate) use text::{push_date, push_json_string};

use crate::case::{BadCase, InputFile};
use crate::plan::Plan;
use crate::replay::extension::OutOfTime;
use crate::report::{CaseReport, CaseResult, Deviation, DeviationKind, Status};
use chrono::NaiveDate;
use waymark_compile::StepIndex;

/// How to print cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines: one object per case.
    Json,
    /// One row per case and step.
    Csv,
    /// For people: a block per case, coloured when `colour` is set.
    Table { colour: bool },
}

/// Appends one case in `format`. (To print many cases, make a [`Printer`] once.)
pub fn render(
    plan: &Plan,
    outcome: &CaseResult,
    format: Format,
    as_of: NaiveDate,
    out: &mut String,
) {
    Printer::new(plan).render(outcome, format, as_of, out);
}

/// A procedure's names ready to print, made once for many cases: every report names the same
/// steps, and most JSON rows start with the same few bytes.
pub struct Printer<'a, 'p> {
    pub plan: &'a Plan<'p>,
    /// Per step: its name as a JSON string, quoted and escaped.
    json_names: Vec<String>,
    /// Per step and status: the start of its JSON row, and the whole row with no dates.
    json_rows: Vec<[json::RowTexts; Status::ALL.len()]>,
    /// Per step and outcome: `,"outcome":"name"`, the field of a decision's row.
    json_outcomes: Vec<Vec<String>>,
    /// Every step's whole JSON row when it is not applicable, one after another in the order
    /// of the steps, for runs of such rows.
    json_not_applicable: json::RowRuns,
    /// The width of a table's step column.
    name_width: usize,
}

impl<'a, 'p> Printer<'a, 'p> {
    pub fn new(plan: &'a Plan<'p>) -> Self {
        let json_names: Vec<String> = plan
            .procedure
            .steps
            .iter()
            .map(|step| {
                let mut quoted = String::new();
                push_json_string(&mut quoted, &step.id);
                quoted
            })
            .collect();
        let json_rows: Vec<[json::RowTexts; Status::ALL.len()]> = json_names
            .iter()
            .map(|name| Status::ALL.map(|status| json::RowTexts::new(name, status)))
            .collect();
        let json_not_applicable = json::RowRuns::new(&json_rows, Status::NotApplicable);
        let json_outcomes = plan
            .procedure
            .steps
            .iter()
            .map(|step| {
                step.outcomes
                    .iter()
                    .map(|outcome| {
                        let mut field = String::from(",\"outcome\":");
                        push_json_string(&mut field, &outcome.id);
                        field
                    })
                    .collect()
            })
            .collect();
        Printer {
            plan,
            json_names,
            json_rows,
            json_outcomes,
            json_not_applicable,
            name_width: name_width(plan),
        }
    }

    /// Appends one case in `format`.
    pub fn render(&self, outcome: &CaseResult, format: Format, as_of: NaiveDate, out: &mut String) {
        match (format, outcome) {
            (Format::Json, CaseResult::Ran(report)) => self.json_case(report, out),
            (Format::Json, CaseResult::Bad(bad)) => json::json_bad(bad, as_of, out),
            (Format::Csv, CaseResult::Ran(report)) => self.csv_case(report, out),
            (Format::Csv, CaseResult::Bad(bad)) => csv::csv_bad(bad, as_of, out),
            (Format::Table { colour }, CaseResult::Ran(report)) => {
                self.table_case(report, colour, out);
            }
            (Format::Table { colour }, CaseResult::Bad(bad)) => table::table_bad(bad, colour, out),
        }
    }

    fn step_name(&self, id: StepIndex) -> &'p str {
        &self.plan.procedure.step(id).id
    }
}

/// The width of the step column of a table: the longest row name (with ` #N` for recurring
/// work and work due before each occurrence of a step), at least 4.
pub(crate) fn name_width(plan: &Plan) -> usize {
    plan.row_steps()
        .iter()
        .map(|id| {
            let step = plan.procedure.step(*id);
            let extra = match step.kind {
                waymark_compile::StepKind::Recurring { .. } => 4,
                _ if plan.each_of(*id).is_some() => 4,
                _ => 0,
            };
            step.id.len() + extra
        })
        .max()
        .unwrap_or(0)
        .max(4)
}

/// A deviation of work due before each occurrence of a step, `occurs`, in words: the gap of
/// one occurrence, a further record for one occurrence. (Others read as any step's.)
fn each_deviation_words(
    deviation: &Deviation,
    step: &str,
    occurs: &str,
    when: &str,
    after_each: bool,
) -> Option<(String, String)> {
    let side = if after_each { "after" } else { "before" };
    match deviation.kind {
        DeviationKind::NotRecorded => Some((
            format!("{step} has no record for the occurrence of {occurs} {when}"),
            format!("a record of {step} {side} each {occurs}"),
        )),
        DeviationKind::Repeated => Some((
            format!(
                "{step} was recorded again {when} for the same occurrence of {occurs}; its first record for it counts"
            ),
            format!("one record of {step} {side} each {occurs}"),
        )),
        _ => None,
    }
}

/// The problems of a bad case as lines for standard error:
/// `error[WM0502]: case C1, line 4: unknown step ...`.
pub fn bad_case_lines(bad: &BadCase) -> Vec<String> {
    let id = bad.id.as_deref().map_or("(no case id)".into(), text::shown);
    bad.problems
        .iter()
        .map(|problem| {
            let file = match problem.file {
                InputFile::Cases => "",
                InputFile::Facts => "facts file ",
            };
            format!(
                "error[{}]: case {id}, {file}line {}: {}",
                problem.code,
                problem.line,
                text::shown(&problem.message)
            )
        })
        .collect()
}

/// A line of [`bad_case_lines`] for a table or a CSV note: `WM0502 case C1, line 4: ...`.
pub(crate) fn without_severity(line: &str) -> String {
    match line
        .strip_prefix("error[")
        .and_then(|rest| rest.split_once("]: "))
    {
        Some((code, rest)) => format!("{code} {rest}"),
        None => line.to_string(),
    }
}

/// A case's fit as printed: `1.0` when every record fits, else the share rounded to at most
/// four places (`0.8333`, `0.75`, `0.0`). Whole numbers only: every case prints one.
pub(crate) fn push_fit(out: &mut String, report: &CaseReport) {
    let (fitting, records) = (u64::from(report.fitting), u64::from(report.records));
    if fitting >= records {
        out.push_str("1.0");
        return;
    }
    // Ten-thousandths, rounded half up, but never up to 1: 1.0 means every record fits.
    let share = ((fitting * 20_000 + records) / (records * 2)).min(9_999);
    out.push_str("0.");
    let digits = [share / 1000, share / 100 % 10, share / 10 % 10, share % 10];
    let shown = digits
        .iter()
        .rposition(|d| *d != 0)
        .map_or(1, |last| last + 1);
    for digit in &digits[..shown] {
        out.push(char::from(b'0' + *digit as u8));
    }
}

/// [`push_fit`] as a `String`.
pub(crate) fn fit_text(report: &CaseReport) -> String {
    let mut out = String::new();
    push_fit(&mut out, report);
    out
}

/// Roles by name, `, ` between them: "head_of_service, service_manager".
pub(crate) fn role_names(plan: &Plan, roles: &[waymark_compile::RoleIndex]) -> String {
    let names: Vec<&str> = roles
        .iter()
        .map(|role| plan.procedure.role(*role).id.as_str())
        .collect();
    names.join(", ")
}

/// A deviation in words: what happened, and what the procedure expected.
pub(crate) fn deviation_words(
    plan: &Plan,
    report: &CaseReport,
    deviation: &Deviation,
) -> (String, String) {
    let name = |id: StepIndex| format!("`{}`", plan.procedure.step(id).id);
    let names = |ids: &[StepIndex]| {
        let names: Vec<String> = ids.iter().map(|id| name(*id)).collect();
        names.join(", ")
    };
    let step = name(deviation.step);
    let when = match (deviation.on, deviation.line) {
        (Some(on), Some(line)) => format!("on {} (line {line})", when_text(on)),
        (Some(on), None) => format!("on {}", when_text(on)),
        _ => String::new(),
    };
    // A gap shown by a record of another step is no occurrence's (the case was recorded past
    // the work before the step it is due before ever happened): it reads as any step's gap.
    if let Some(occurs) = plan.each_of(deviation.step)
        && (deviation.kind != DeviationKind::NotRecorded || deviation.shown_by == Some(occurs))
        && let Some(words) = each_deviation_words(
            deviation,
            &step,
            &name(occurs),
            &when,
            plan.counts_after_each(deviation.step),
        )
    {
        return words;
    }
    match deviation.kind {
        DeviationKind::NotRecorded => (
            format!(
                "{step} has no record, but the case was recorded past it: {} {when}",
                deviation.shown_by.map_or_else(String::new, name)
            ),
            format!("a record of {step} before the steps after it"),
        ),
        DeviationKind::OutOfOrder if deviation.after_later_steps => (
            format!(
                "{step} was recorded {when}, after {}, which the procedure puts after it",
                names(&deviation.expected)
            ),
            format!("{step} before {}", names(&deviation.expected)),
        ),
        DeviationKind::OutOfOrder => (
            format!(
                "{step} was recorded {when}, before {}, which the procedure puts first",
                names(&deviation.expected)
            ),
            format!("{} before {step}", names(&deviation.expected)),
        ),
        DeviationKind::Unexpected
            if deviation.expected.is_empty()
                && matches!(
                    plan.procedure.step(deviation.step).kind,
                    waymark_compile::StepKind::Recurring { .. }
                        | waymark_compile::StepKind::Checkpoint { .. }
                ) =>
        {
            (
                format!(
                    "{step} was recorded {when}, outside the time the case was at the step it runs with"
                ),
                "no record of it then".to_string(),
            )
        }
        // Off the path while no step was open: between a decision that may repeat and the
        // occurrence that chose another way, say.
        DeviationKind::Unexpected if deviation.expected.is_empty() => (
            format!(
                "{step} was recorded {when}, off the path the case took; it still counts for {step}"
            ),
            "no record of it on the path the case took".to_string(),
        ),
        DeviationKind::Unexpected => (
            format!(
                "{step} was recorded {when}, off the path the case took; it still counts for {step}"
            ),
            format!("{} at that point", names(&deviation.expected)),
        ),
        DeviationKind::Repeated => {
            let happened = match first_and_again(plan, report, deviation) {
                Some((first, again)) if first != again => format!(
                    "{step} was recorded again {when} with another outcome, `{again}`; the first \
                     record, `{first}`, counts"
                ),
                _ => format!("{step} was recorded again {when}; its first record counts"),
            };
            (happened, format!("one record of {step}"))
        }
        DeviationKind::NotApproved => {
            let approval = plan.procedure.step(deviation.step).approval.as_ref();
            let rule = approval.map_or_else(String::new, |a| {
                format!(" ({})", plan.procedure.approval_words(a, false))
            });
            (
                format!("{step} was recorded {when} with no sign-off{rule}"),
                format!("a record of {step} with `approved_by`{rule}"),
            )
        }
        DeviationKind::ExtensionWithoutReason
        | DeviationKind::ExtensionNotApproved
        | DeviationKind::ExtensionOverBound
        | DeviationKind::ExtensionOutOfTime => extension_words(plan, report, deviation, &when),
        DeviationKind::AfterEnd => {
            let end = report.end.map_or_else(|| "an end".to_string(), name);
            // A step done once, before it closed, keeps its first record: this one is a repeat.
            // (Of a step that may repeat, it is a further occurrence.)
            let first_event = report
                .rows
                .iter()
                .find(|row| row.step == deviation.step && row.occurrence.is_none())
                .and_then(|row| row.event);
            let repeat = first_event.is_some()
                && first_event != deviation.record
                && !plan.procedure.step(deviation.step).repeats;
            let happened = match (repeat, first_and_again(plan, report, deviation)) {
                (true, Some((first, again))) if first != again => format!(
                    "{step} was recorded again {when}, after the case closed at {end}, with \
                     another outcome, `{again}`; the first record, `{first}`, counts"
                ),
                (true, _) => format!(
                    "{step} was recorded again {when}, after the case closed at {end}; its first \
                     record counts"
                ),
                (false, _) => format!(
                    "{step} was recorded {when}, after the case closed at {end}; it still counts for {step}"
                ),
            };
            (happened, "no record after the case closed".to_string())
        }
    }
}

/// For a deviation of a decision already decided: the outcome of its first record (the one
/// that counts) and of the record the deviation is about. (A decision recorded again with
/// another outcome is a disagreement, not a copy.)
fn first_and_again<'p>(
    plan: &Plan<'p>,
    report: &CaseReport,
    deviation: &Deviation,
) -> Option<(&'p str, &'p str)> {
    let outcome_of = |event: Option<usize>| {
        let outcome = report.case.events.get(event?)?.outcome?;
        let step = plan.procedure.step(deviation.step);
        step.outcomes
            .get(outcome)
            .map(|outcome| outcome.id.as_str())
    };
    let first = report
        .rows
        .iter()
        .find(|row| row.step == deviation.step && row.occurrence.is_none())
        .and_then(|row| outcome_of(row.event))?;
    Some((first, outcome_of(deviation.record)?))
}

/// A row's extension in words, for the table and CSV notes: "extended by 10 working days, due
/// 2026-03-23; without the extension: late".
pub(crate) fn extension_note(plan: &Plan, row: &crate::report::Row) -> Option<String> {
    let extended = row.extension.as_deref()?;
    let unit = plan.procedure.step(row.step).extension.as_ref()?.unit;
    let mut note = format!("extended by {}", unit.amount_words(extended.by));
    if let Some(due) = extended.due {
        note.push_str(&format!(", due {}", text::due_text(due)));
    }
    if let Some(unextended) = extended.unextended {
        note.push_str(&format!("; without the extension: {}", unextended.word()));
    }
    Some(note)
}

/// A refused extension in words: what was recorded, and what the procedure allows.
fn extension_words(
    plan: &Plan,
    report: &CaseReport,
    deviation: &Deviation,
    when: &str,
) -> (String, String) {
    let step = plan.procedure.step(deviation.step);
    let Some(extension) = &step.extension else {
        return (String::new(), String::new());
    };
    let event = deviation.record.and_then(|e| report.case.events.get(e));
    let amount = event.and_then(|event| event.extended_by).unwrap_or(0);
    let extended = format!(
        "`{}` was extended by {} {when}",
        step.id,
        extension.unit.amount_words(amount)
    );
    let rule = plan.procedure.extension_words(extension);
    match deviation.kind {
        DeviationKind::ExtensionWithoutReason => (
            format!("{extended} with no reason recorded; it is not applied"),
            format!("an extension with its `reason` ({rule})"),
        ),
        DeviationKind::ExtensionNotApproved => {
            let by = event.and_then(|event| event.approved_by).map_or_else(
                || "no approval recorded".to_string(),
                |role| {
                    format!(
                        "approved by `{}`, who may not approve it",
                        plan.procedure.role(role).id
                    )
                },
            );
            (
                format!("{extended}, {by}; it is not applied"),
                format!("an extension with `approved_by` ({rule})"),
            )
        }
        DeviationKind::ExtensionOutOfTime => {
            let on = event.and_then(|event| event.on);
            let out = on.and_then(|on| {
                crate::replay::extension::out_of_time(plan, report, deviation.step, on)
            });
            let why = match out {
                Some(OutOfTime::AfterLimit(due)) => format!(
                    "after the limit it extends had passed ({})",
                    text::due_text(due)
                ),
                Some(OutOfTime::BeforeClock(clock, started)) => format!(
                    "before the limit's clock started (`{}` was done {})",
                    plan.procedure.step(clock).id,
                    when_text(started)
                ),
                None => "out of time".to_string(),
            };
            (
                format!("{extended}, {why}; it is applied, granted out of time"),
                "an extension granted while the limit it extends was running".to_string(),
            )
        }
        _ => (
            format!(
                "{extended}, past the bound: extensions may add up to {} in all; it is applied up to the bound",
                extension.unit.amount_words(extension.amount)
            ),
            format!("extensions adding up to at most the bound ({rule})"),
        ),
    }
}

/// For a decision that may repeat and was recorded more than once, the outcome of its latest
/// occurrence, which chose the way on (the row's own `outcome` is its first occurrence's).
fn latest_outcome<'p>(
    plan: &'p Plan,
    report: &CaseReport,
    row: &crate::report::Row,
) -> Option<&'p str> {
    row.occurrences.filter(|n| *n > 1)?;
    let step = plan.procedure.step(row.step);
    let latest = report.case.latest_record(row.step, report.as_of)?;
    step.outcomes
        .get(latest.outcome?)
        .map(|outcome| outcome.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_is_printed_exactly_to_four_places_at_most() {
        let share = |fitting, records| {
            let mut out = String::new();
            let case = crate::case::Case {
                id: String::new(),
                line: 1,
                facts: Vec::new(),
                events: Vec::new(),
            };
            let report = CaseReport {
                case,
                as_of: chrono::NaiveDate::MIN,
                state: crate::report::State::Open,
                end: None,
                at: Vec::new(),
                next: None,
                left: None,
                ignored_after_as_of: 0,
                rows: Vec::new(),
                deviations: Vec::new(),
                records,
                fitting,
                warnings: Vec::new(),
            };
            push_fit(&mut out, &report);
            out
        };
        assert_eq!(share(0, 0), "1.0");
        assert_eq!(share(3, 3), "1.0");
        assert_eq!(share(0, 3), "0.0");
        assert_eq!(share(3, 4), "0.75");
        assert_eq!(share(5, 6), "0.8333");
        assert_eq!(share(2, 3), "0.6667");
        assert_eq!(share(1, 10), "0.1");
        assert_eq!(share(9_999, 10_000), "0.9999");
        assert_eq!(
            share(99_999, 100_000),
            "0.9999",
            "1.0 only when every record fits"
        );
    }
}
