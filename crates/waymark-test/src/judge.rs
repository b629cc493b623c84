//! A prepared test run through `waymark-run` (the code `waymark run` uses), and each
//! expectation judged against the report: passed or not, what actually happened in words, and
//! the procedure line that decided it.

use crate::prepare::{Check, Prepared, StepWant, Want};
use waymark_compile::StepIndex;
use waymark_diagnostics::Span;
use waymark_run::render::{due_text, when_text};
use waymark_run::replay::due_dates::{ClockStart, clock_start};
use waymark_run::{CaseReport, Plan, Reading, Row, State, Status};

/// One expectation, judged.
#[derive(Clone, Debug)]
pub struct Judged {
    /// The `expect` line.
    pub span: Span,
    /// What the line says, as written after `expect`.
    pub expected: String,
    pub passed: bool,
    /// What the case shows, in words.
    pub actual: String,
    /// The procedure line behind the actual result: the deadline that set a due date, the
    /// step, the end reached.
    pub decided_by: Option<Span>,
}

/// Runs a prepared test and judges each of its expectations, in file order.
pub fn judge(plan: &Plan, prepared: &Prepared) -> (CaseReport, Vec<Judged>) {
    let report =
        waymark_run::run_case_with(plan, prepared.case.clone(), prepared.as_of, Reading::Replay);
    let judged = prepared
        .checks
        .iter()
        .map(|check| judge_one(plan, &report, check))
        .collect();
    (report, judged)
}

fn judge_one(plan: &Plan, report: &CaseReport, check: &Check) -> Judged {
    let (passed, actual, decided_by) = match &check.what {
        Want::Step(want) => judge_step(plan, report, want),
        Want::State { state, end } => {
            let passed = report.state == *state && (end.is_none() || report.end == *end);
            let decided_by = report.end.map(|end| plan.procedure.step(end).span);
            (passed, state_words(plan, report), decided_by)
        }
        Want::At(steps) => {
            let mut wanted = steps.clone();
            wanted.sort();
            wanted.dedup();
            let mut open = report.at.clone();
            open.sort();
            (wanted == open, open_words(plan, report), None)
        }
        Want::Next(step) => {
            let next = report.next.and_then(|index| report.rows.get(index));
            let actual = match next {
                Some(row) => format!("next due: {}", row_words(plan, row)),
                None => "nothing is due next".to_string(),
            };
            (
                next.is_some_and(|row| row.step == *step),
                actual,
                next.and_then(|row| rule_span(plan, row)),
            )
        }
        Want::Deviation(kind, step) => {
            let found = report
                .deviations
                .iter()
                .any(|d| d.kind == *kind && d.step == *step);
            (
                found,
                deviation_words(plan, report),
                Some(plan.procedure.step(*step).span),
            )
        }
        Want::NoDeviations => (
            report.deviations.is_empty(),
            deviation_words(plan, report),
            None,
        ),
    };
    Judged {
        span: check.expectation.span,
        expected: check.expectation.text.clone(),
        passed,
        actual,
        decided_by,
    }
}

fn judge_step(plan: &Plan, report: &CaseReport, want: &StepWant) -> (bool, String, Option<Span>) {
    let StepWant {
        step,
        occurrence,
        status,
        due,
        target,
        skipping,
        approval,
        awaiting,
        extended,
    } = want;
    let row = report
        .rows
        .iter()
        .find(|row| row.step == *step && (occurrence.is_none() || row.occurrence == *occurrence));
    let Some(row) = row else {
        let name = &plan.procedure.step(*step).id;
        let actual = match occurrence {
            Some(n) => format!("`{name}` has no occurrence {n} in this case"),
            None => format!("`{name}` has no row in this case's report"),
        };
        return (false, actual, Some(plan.procedure.step(*step).span));
    };
    let mut passed = status.is_none_or(|s| s == row.status);
    passed &= due.is_none_or(|d| d == row.due.map(|due| due.date()));
    passed &= target.is_none_or(|t| Some(t) == row.target.map(|due| due.date()));
    passed &= approval.is_none_or(|a| Some(a) == row.approval);
    passed &= awaiting.as_ref().is_none_or(|roles| *roles == row.awaiting);
    let extended_due = row
        .extension
        .as_ref()
        .and_then(|e| e.due)
        .map(|due| due.date());
    passed &= extended.is_none_or(|date| date == extended_due);
    let mut actual = row_words(plan, row);
    if approval.is_some() || awaiting.is_some() {
        actual.push_str(&signoff_words(plan, row));
    }
    if let Some(names) = skipping {
        let skipped = holidays_skipped(plan, report, row);
        passed &= skipped.as_ref() == Some(names);
        actual.push_str(&match skipped {
            Some(days) if days.is_empty() => "; its due date skips no holidays".to_string(),
            Some(days) => format!("; its due date skips {}", days.join(", ")),
            None => "; it has no working-day due date to skip holidays".to_string(),
        });
    }
    let decided_by = match target {
        Some(_) if due.is_none() => row
            .target_rule
            .and_then(|i| plan.procedure.step(row.step).deadlines.get(i))
            .map(|d| d.span),
        _ => rule_span(plan, row),
    };
    (passed, actual, decided_by)
}

/// The deadline line that set the row's due date, else the step's own line.
fn rule_span(plan: &Plan, row: &Row) -> Option<Span> {
    let step = plan.procedure.step(row.step);
    Some(
        row.due_rule
            .and_then(|i| step.deadlines.get(i))
            .map_or(step.span, |d| d.span),
    )
}

/// The bank holidays and closures between the governing deadline's clock and the due date,
/// by name, in date order; `None` when the row has no due date.
fn holidays_skipped(plan: &Plan, report: &CaseReport, row: &Row) -> Option<Vec<String>> {
    let due = row.due?;
    let deadline = plan.procedure.step(row.step).deadlines.get(row.due_rule?)?;
    let fact = |id| report.fact(plan.procedure, id);
    let done = |id: StepIndex| {
        report
            .rows
            .iter()
            .find(|r| r.step == id)
            .and_then(|r| r.done)
    };
    let decided = |id, outcome| report.case.first_decided(id, outcome, report.as_of);
    let ClockStart::Started(from, _) = clock_start(deadline, &fact, &done, &decided) else {
        return None;
    };
    let days = plan.calendar.days_off_between(from.date, due.date()).ok()?;
    Some(
        days.iter()
            .filter_map(|day| day.holiday.map(|h| h.name.clone()))
            .collect(),
    )
}

/// "`initial_visit` is pending, due 2026-01-06" and the like.
pub fn row_words(plan: &Plan, row: &Row) -> String {
    let step = plan.procedure.step(row.step);
    let mut out = format!("`{}`", step.id);
    if let Some(n) = row.occurrence {
        out.push_str(&format!(" occurrence {n}"));
    }
    out.push_str(&format!(" is {}", row.status.word()));
    if let Some(done) = row.done {
        let verb = match row.status {
            Status::Waived => "waived",
            _ => "done",
        };
        out.push_str(&format!(" ({verb} {})", words(&when_text(done))));
    }
    match row.due {
        Some(due) => out.push_str(&format!(", due {}", words(&due_text(due)))),
        None => out.push_str(", with no due date"),
    }
    if let Some(target) = row.target {
        out.push_str(&format!(", target {}", words(&due_text(target))));
    }
    if let Some(extended) = row.extension.as_deref() {
        match extended.due {
            Some(due) => out.push_str(&format!(", extended to {}", words(&due_text(due)))),
            None => out.push_str(", extended (no limit it moves applies yet)"),
        }
    }
    out
}

/// "; its approval is missing", "; it awaits service_manager": a row's sign-off and the roles
/// it awaits, in words.
fn signoff_words(plan: &Plan, row: &Row) -> String {
    let approval = match row.approval {
        Some(true) => "; its approval is recorded",
        Some(false) => "; its approval is missing",
        None => "; no approval is judged (it is not done)",
    };
    let names: Vec<&str> = row
        .awaiting
        .iter()
        .map(|r| plan.procedure.role(*r).id.as_str())
        .collect();
    let awaiting = match names.is_empty() {
        true => "; it awaits nobody".to_string(),
        false => format!("; it awaits {}", names.join(", ")),
    };
    format!("{approval}{awaiting}")
}

/// `2026-01-11T16:00` as people write it: `2026-01-11 16:00`.
fn words(moment: &str) -> String {
    moment.replacen('T', " ", 1)
}

fn state_words(plan: &Plan, report: &CaseReport) -> String {
    match (report.state, report.end) {
        (State::Closed, Some(end)) => {
            format!("the case is closed at `{}`", plan.procedure.step(end).id)
        }
        (state, _) => format!("the case is {}", state.word()),
    }
}

fn open_words(plan: &Plan, report: &CaseReport) -> String {
    match report.at.as_slice() {
        [] => state_words(plan, report),
        open => format!(
            "the case is at {}",
            open.iter()
                .map(|id| format!("`{}`", plan.procedure.step(*id).id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn deviation_words(plan: &Plan, report: &CaseReport) -> String {
    match report.deviations.as_slice() {
        [] => "every record fits the procedure".to_string(),
        deviations => format!(
            "deviations: {}",
            deviations
                .iter()
                .map(|d| format!("{} `{}`", d.kind.word(), plan.procedure.step(d.step).id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
