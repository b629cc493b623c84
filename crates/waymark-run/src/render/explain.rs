//! How a case's due dates were reached, for `waymark run --explain CASE`: for each row, every
//! deadline line of the step (the one that governs, and why the others do not), its citations,
//! the clock event and its date, how the count was made, and the weekends and bank holidays
//! skipped. Only one case is explained at a time, so listing the days skipped is affordable.

use super::text::{date_text, due_text, when_text};
use crate::case::When;
use crate::plan::Plan;
use crate::replay::due_dates::{ClockStart, clock_start, deadline_shift};
use crate::report::{CaseReport, Row, State, Status};
use std::fmt::Write;
use waymark_calendar::{Counted, Note};
use waymark_compile::{Clock, Deadline, DeadlineKind, Step, StepKind, Unit};
use waymark_diagnostics::Span;

/// Where a span is and what its line says: `("procedures/assessment.wm:183", "due 45 ...")`.
pub type Locate<'a> = &'a dyn Fn(Span) -> (String, String);

/// The explanation of every row of a case, as text.
pub fn explain(plan: &Plan, report: &CaseReport, locate: Locate<'_>) -> String {
    let procedure = plan.procedure;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Case {} as of {}, procedure `{}` (\"{}\"), calendar {}.",
        report.case.id,
        date_text(report.as_of),
        procedure.id,
        procedure.title,
        plan.calendar.name()
    );
    let state = match (report.state, report.end) {
        (State::Closed, Some(end)) => format!("is closed at `{}`", procedure.step(end).id),
        (State::NotStarted, _) => format!(
            "had not started by {}: every dated record is after that day, and the summary leaves \
             it out of its counts",
            date_text(report.as_of)
        ),
        (state, _) => format!("is {}", state.word()),
    };
    let _ = writeln!(out, "The case {state}.");
    if report.ignored_after_as_of > 0 {
        let _ = writeln!(
            out,
            "{} event(s) dated after {} were ignored.",
            report.ignored_after_as_of,
            date_text(report.as_of)
        );
    }
    if let Some(effective) = procedure.effective
        && report.state != State::NotStarted
        && super::summary::began_before(report, effective)
    {
        let _ = writeln!(
            out,
            "It began before this version of the procedure took effect on {}; it is judged by \
             this version's rules throughout, steps done before then included.",
            date_text(effective)
        );
    }
    explain_deviations(plan, report, &mut out);
    for row in &report.rows {
        out.push('\n');
        explain_row(plan, report, row, locate, &mut out);
    }
    out
}

/// Each way the records do not fit, with what happened and what the procedure expected.
fn explain_deviations(plan: &Plan, report: &CaseReport, out: &mut String) {
    if let Some(left) = &report.left {
        let _ = writeln!(
            out,
            "Read strictly, the case left the procedure at `{}` (line {}); later records were not applied.",
            plan.procedure.step(left.step).id,
            left.line
        );
    }
    if report.deviations.is_empty() {
        // A case not started has no record by the as-of date to fit or not.
        if report.state != State::NotStarted {
            let _ = writeln!(out, "Every record fits the procedure.");
        }
        return;
    }
    let _ = writeln!(
        out,
        "{} of its {} records fit the procedure (fit {}). Deviations:",
        report.fitting,
        report.records,
        super::fit_text(report)
    );
    for deviation in &report.deviations {
        let (happened, expected) = super::deviation_words(plan, report, deviation);
        let _ = writeln!(out, "- {}: {happened}", deviation.kind.word());
        let _ = writeln!(out, "  the procedure expected {expected}");
    }
}

fn explain_row(plan: &Plan, report: &CaseReport, row: &Row, locate: Locate<'_>, out: &mut String) {
    let step = plan.procedure.step(row.step);
    let name = match row.occurrence {
        Some(n) => format!("{} #{n}", step.id),
        None => step.id.clone(),
    };
    let (place, _) = locate(step.name_span);
    let _ = writeln!(
        out,
        "{name} \"{}\" ({place}): {}",
        step.title,
        row.status.word()
    );
    for cite in &step.cites {
        let source = plan.procedure.source(cite.source);
        let section = cite
            .section
            .as_ref()
            .map_or(String::new(), |s| format!(", in \"{s}\""));
        let _ = writeln!(
            out,
            "  cites {} (\"{}\"): \"{}\"{section}",
            source.id, source.title, cite.phrase
        );
    }
    if row.status == Status::NotApplicable {
        let _ = writeln!(out, "  {}", why_not_applicable(plan, report, step));
        return;
    }
    if row.status == Status::NotNeeded {
        let _ = writeln!(out, "  {}", why_not_needed(plan, report, row.step));
        return;
    }
    if let Some(optional) = &step.optional {
        let _ = writeln!(
            out,
            "  optional ({}): never overdue; judged against its due date only if done",
            optional.reason
        );
    }
    if let StepKind::Recurring {
        every,
        unit,
        during,
        ..
    } = &step.kind
    {
        explain_recurring(plan, row, *every, *unit, plan.procedure.step(*during), out);
    } else if step.deadlines.is_empty() {
        match &step.untimed {
            Some(reason) => {
                let _ = writeln!(out, "  no deadline: untimed, \"{reason}\"");
            }
            None => {
                let _ = writeln!(out, "  no deadline");
            }
        }
    } else {
        for (index, deadline) in step.deadlines.iter().enumerate() {
            let governs = match deadline.kind {
                DeadlineKind::Limit => row.due_rule == Some(index),
                DeadlineKind::Target => row.target_rule == Some(index),
            };
            explain_deadline(plan, report, row, deadline, governs, locate, out);
        }
    }
    explain_extension(plan, report, row, locate, out);
    explain_result(report, row, out);
    explain_signoff(plan, report, row, out);
    if let Some(occurrences) = row.occurrences {
        explain_occurrences(report, row.step, step, occurrences, out);
    }
    explain_recorded(plan, report, row, out);
}

/// The facts recorded at this step (`fact unanimous ..., recorded at strategy_discussion`):
/// what its latest record gives, the value later conditions read.
fn explain_recorded(plan: &Plan, report: &CaseReport, row: &Row, out: &mut String) {
    let recorded = (plan.procedure.facts.iter().enumerate())
        .filter(|(_, fact)| fact.recorded_at == Some(row.step));
    for (index, fact) in recorded {
        let Some(latest) = report.case.latest_record(row.step, report.as_of) else {
            continue;
        };
        let on = latest
            .on
            .map_or_else(String::new, |on| format!(", {},", when_text(on)));
        let _ = match latest.recorded(waymark_compile::FactIndex(index as u32)) {
            Some(value) => writeln!(
                out,
                "  records `{}`: its latest record{on} gives {}, which conditions read",
                fact.id,
                value_text(&fact.kind, value)
            ),
            None => writeln!(
                out,
                "  records `{}`: its latest record{on} does not give it, so it is not known",
                fact.id
            ),
        };
    }
}

/// A fact's value as a case file writes it.
fn value_text(kind: &waymark_compile::FactKind, value: waymark_compile::FactValue) -> String {
    use waymark_compile::{FactKind, FactValue};
    match (kind, value) {
        (FactKind::OneOf(words), FactValue::Choice(index)) => {
            words.get(index as usize).cloned().unwrap_or_default()
        }
        (_, FactValue::YesNo(yes)) => if yes { "yes" } else { "no" }.to_string(),
        (_, FactValue::Number(number)) => number.to_string(),
        (_, FactValue::Date(date)) => date.to_string(),
        (_, FactValue::Choice(index)) => index.to_string(),
    }
}

/// Who must act and who signs off: for a `by a and b` step, the roles it awaits; for a step
/// that says `approved by`, the sign-off found, or its absence.
fn explain_signoff(plan: &Plan, report: &CaseReport, row: &Row, out: &mut String) {
    let step = plan.procedure.step(row.step);
    if !row.awaiting.is_empty() {
        let _ = writeln!(
            out,
            "  every role named must record it; still awaiting: {}",
            super::role_names(plan, &row.awaiting)
        );
    } else if row.done.is_some() && step.roles.iter().any(|rule| rule.all) {
        let _ = writeln!(
            out,
            "  every role named must record it: done on the day the last of them did"
        );
    }
    let (Some(approval), Some(approved)) = (&step.approval, row.approval) else {
        return;
    };
    let words = plan.procedure.approval_words(approval, false);
    if !approved {
        let _ = writeln!(
            out,
            "  sign-off: none recorded, but the procedure says `{words}`: not approved"
        );
        return;
    }
    let signed = report.case.events.iter().find(|event| {
        event.step == row.step
            && event.on.is_some_and(|on| on.date <= report.as_of)
            && event
                .approved_by
                .is_some_and(|role| approval.roles.contains(&role))
    });
    if let Some(event) = signed
        && let Some(role) = event.approved_by
    {
        let _ = writeln!(
            out,
            "  sign-off: approved by {} (line {}), as the procedure says (`{words}`)",
            plan.procedure.role(role).id,
            event.line
        );
    }
}

/// A step that may be extended: the rule, each extension recorded (granted, or why not), and
/// the due date the granted ones give, with the status the unextended one would give.
fn explain_extension(
    plan: &Plan,
    report: &CaseReport,
    row: &Row,
    locate: Locate<'_>,
    out: &mut String,
) {
    use crate::replay::extension::{Refusal, grant};
    let step = plan.procedure.step(row.step);
    let Some(extension) = &step.extension else {
        return;
    };
    let (place, _) = locate(extension.span);
    let rule = plan.procedure.extension_words(extension);
    let _ = writeln!(out, "  {place}: `{rule}`");
    let granted = grant(&report.case, row.step, extension, report.as_of);
    if granted.records.is_empty() {
        let _ = writeln!(out, "    no extension recorded");
        return;
    }
    for (index, refusal) in &granted.records {
        let Some(event) = report.case.events.get(*index) else {
            continue;
        };
        let amount = extension.unit.amount_words(event.extended_by.unwrap_or(0));
        let when = event.on.map_or_else(String::new, when_text);
        let verdict = match refusal {
            None => "granted".to_string(),
            Some(Refusal::NoReason) => "not applied: no reason recorded".to_string(),
            Some(Refusal::NotApproved) => {
                "not applied: not approved by a role the procedure names".to_string()
            }
            Some(Refusal::OverBound) => "applied only up to the bound".to_string(),
        };
        let reason = event.reason.as_deref().map_or(String::new(), |reason| {
            format!(", \"{}\"", super::text::shown(reason))
        });
        let approver = event.approved_by.map_or(String::new(), |role| {
            format!(", approved by {}", plan.procedure.role(role).id)
        });
        let _ = writeln!(
            out,
            "    extended by {amount} on {when} (line {}){approver}{reason}: {verdict}",
            event.line
        );
    }
    let Some(extended) = row.extension.as_deref() else {
        let _ = writeln!(out, "    no extension applies: the due date is as written");
        return;
    };
    let total = extension.unit.amount_words(extended.by);
    match extended.due {
        Some(due) => {
            let _ = writeln!(
                out,
                "    the limits counted after an event move on by {total} (a limit counted back \
                 from a later event does not): due {}",
                due_text(due)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "    extended by {total}; no limit it moves applies yet"
            );
        }
    }
    if let Some(unextended) = extended.unextended {
        let _ = writeln!(
            out,
            "    without the extension, by {}: {}",
            row.due.map_or_else(|| "-".to_string(), due_text),
            unextended.word()
        );
    }
}

/// A step that may repeat: how often it was recorded, which occurrence is its done date, and
/// for a decision, which occurrence decided the way on.
fn explain_occurrences(
    report: &CaseReport,
    id: waymark_compile::StepIndex,
    step: &Step,
    occurrences: u32,
    out: &mut String,
) {
    let times = match occurrences {
        // A case recorded past the step without it: "recorded 0 times" would read as a count.
        0 => "no occurrence recorded".to_string(),
        1 => "recorded once".to_string(),
        n => format!("recorded {n} times"),
    };
    let _ = writeln!(
        out,
        "  may repeat: {times}; it counts as done on its first occurrence"
    );
    if step.kind != StepKind::Decision || occurrences < 2 {
        return;
    }
    let latest = report.case.latest_record(id, report.as_of);
    if let Some((Some(on), outcome)) = latest.map(|event| (event.on, event.outcome)) {
        let decided = outcome
            .and_then(|o| step.outcomes.get(o))
            .map_or("no outcome".to_string(), |o| format!("`{}`", o.id));
        let _ = writeln!(
            out,
            "  the latest occurrence, {}, decided {decided}: the case goes that way, and the branches earlier occurrences chose are not taken",
            when_text(on)
        );
    }
}

fn why_not_applicable(plan: &Plan, report: &CaseReport, step: &Step) -> String {
    match &step.kind {
        StepKind::Checkpoint { until, .. } => {
            why_checkpoint_not_applicable(plan, report, step, *until)
        }
        _ if report.state == State::Closed => {
            "not applicable: the case closed on another path".to_string()
        }
        _ => "not applicable: on a branch this case did not take (a decision's other outcome, \
              or a condition on its facts that is false)"
            .to_string(),
    }
}

/// "not needed: one of the alternatives of `legal_work` (any of ...), done on ... by ...".
/// Why a checkpoint occurrence is not needed in this case, by the first of the replay's
/// reasons that applies (`replay/rows.rs`, `checkpoint_row`).
fn why_checkpoint_not_applicable(
    plan: &Plan,
    report: &CaseReport,
    step: &Step,
    until: Option<waymark_compile::StepIndex>,
) -> String {
    let name = |id: waymark_compile::StepIndex| plan.procedure.step(id).id.as_str();
    let clock = step.deadlines.iter().find_map(|d| d.clock.step());
    let clock_done = clock.and_then(|clock| done_of(report, clock));
    let due = clock_done.and_then(|_| checkpoint_due(plan, report, step));
    let closed = report.end.filter(|_| report.state == State::Closed);
    match (clock, due, until) {
        (Some(clock), None, _) if clock_done.is_none() && closed.is_some() => format!(
            "not applicable: the case closed without `{}` being done, so its clock never started",
            name(clock)
        ),
        (Some(clock), None, _) if clock_done.is_none() => format!(
            "not applicable: its clock `{}` is not on this case's path",
            name(clock)
        ),
        (_, Some(due), Some(until)) if done_of(report, until).is_some_and(|d| d.date < due) => {
            format!(
                "not applicable: the stage it reviews ended (`{}` was done {}) before it fell due on {due}",
                name(until),
                done_of(report, until).map_or(String::new(), when_text)
            )
        }
        (_, Some(due), _) if closed.is_some() => format!(
            "not applicable: the case closed (at `{}`) before it fell due on {due}",
            closed.map_or("", name)
        ),
        (_, _, Some(until)) => format!(
            "not applicable: the stage it reviews (`{}`) is not on this case's path",
            name(until)
        ),
        _ => "not applicable: its clock is not on this case's path".to_string(),
    }
}

/// The date a checkpoint occurrence falls due in this case, from its clock's record.
fn checkpoint_due(plan: &Plan, report: &CaseReport, step: &Step) -> Option<chrono::NaiveDate> {
    let fact = |id| report.fact(plan.procedure, id);
    let done = |id| done_of(report, id);
    let decided = |id, outcome| report.case.first_decided(id, outcome, report.as_of);
    step.deadlines.iter().find_map(
        |deadline| match clock_start(deadline, &fact, &done, &decided) {
            ClockStart::Started(from, amount) => {
                deadline_shift(plan.calendar, deadline, from, amount)
                    .ok()
                    .map(|due| due.date())
            }
            _ => None,
        },
    )
}

fn why_not_needed(plan: &Plan, report: &CaseReport, step: waymark_compile::StepIndex) -> String {
    let procedure = plan.procedure;
    if let Some(optional) = &procedure.step(step).optional {
        return format!(
            "not needed: optional ({}), and the case moved on without it",
            optional.reason
        );
    }
    if let Some(anchor) = plan.each_of(step)
        && let Some(optional) = &procedure.step(anchor).optional
    {
        return format!(
            "not needed: it is due before each `{}`, and none was held (optional: {})",
            procedure.step(anchor).id,
            optional.reason
        );
    }
    let finished = procedure.nesting.enclosing(step).find_map(|block| {
        let StepKind::Together { members, .. } = &procedure.step(block).kind else {
            return None;
        };
        procedure.step(block).kind.any_of_join()?;
        let done = done_of(report, block)?;
        Some((block, members, done))
    });
    let Some((block, members, done)) = finished else {
        return "not needed: other work of its block was done instead".to_string();
    };
    let names: Vec<&str> = (members.iter())
        .map(|m| procedure.step(*m).id.as_str())
        .collect();
    // The piece that finished the block: the first one done (it may have carried on to
    // further steps, whose last record is the block's date).
    let by = (members.iter())
        .filter_map(|m| done_of(report, *m).map(|d| (d.date, *m)))
        .min()
        .map_or(String::new(), |(_, m)| {
            format!(", by `{}`", procedure.step(m).id)
        });
    format!(
        "not needed: `{}` needs any one of {}, and was done on {}{by}",
        procedure.step(block).id,
        names.join(", "),
        when_text(done)
    )
}

fn explain_deadline(
    plan: &Plan,
    report: &CaseReport,
    row: &Row,
    deadline: &Deadline,
    governs: bool,
    locate: Locate<'_>,
    out: &mut String,
) {
    let (place, line) = locate(deadline.span);
    let kind = match deadline.kind {
        DeadlineKind::Limit => "limit",
        DeadlineKind::Target => "target",
    };
    let _ = writeln!(out, "  {kind} ({place}): {}", line.trim());
    let fact = |id| report.fact(plan.procedure, id);
    // Work due before (or after) each occurrence counts from its row's own occurrence.
    let per_occurrence = |occurs| plan.each_of(row.step) == Some(occurs);
    let done_at = |id| match deadline.clock {
        Clock::BeforeEachStep(occurs) if occurs == id => row.counted_from,
        Clock::AfterStep(occurs) if occurs == id && per_occurrence(occurs) => row.counted_from,
        _ => done_of(report, id),
    };
    let decided = |id, outcome| report.case.first_decided(id, outcome, report.as_of);
    if let Some(guard) = &deadline.guard
        && !guard.holds(&fact)
    {
        let _ = writeln!(
            out,
            "    does not apply: its condition is false for this case"
        );
        return;
    }
    let (from, amount) = match clock_start(deadline, &fact, &done_at, &decided) {
        ClockStart::Started(from, amount) => (from, amount),
        ClockStart::NotYet => {
            let not_yet = match deadline.clock {
                Clock::AfterOutcome(step, outcome) => format!(
                    "no date yet: `{}` has not been recorded deciding `{}`",
                    plan.procedure.step(step).id,
                    plan.procedure.outcome_id(step, outcome)
                ),
                Clock::BeforeEachStep(step) => format!(
                    "no date yet: the occurrence of `{}` this work is for has not been recorded",
                    plan.procedure.step(step).id
                ),
                _ => format!(
                    "no date yet: `{}` has not been done",
                    plan.procedure.clock_id(deadline.clock)
                ),
            };
            let _ = writeln!(out, "    {not_yet}");
            return;
        }
        ClockStart::NoFact => {
            let _ = writeln!(
                out,
                "    does not apply: the case has no `{}`",
                plan.procedure.clock_id(deadline.clock)
            );
            return;
        }
    };
    let clock = match deadline.clock {
        Clock::AfterStep(step) if per_occurrence(step) => format!(
            "the clock is occurrence #{} of `{}`, done {}",
            row.occurrence.unwrap_or(1),
            plan.procedure.step(step).id,
            when_text(from)
        ),
        Clock::AfterStep(_) | Clock::BeforeStep(_) => format!(
            "the clock is `{}`, done {}",
            plan.procedure.clock_id(deadline.clock),
            when_text(from)
        ),
        Clock::BeforeEachStep(step) => format!(
            "the clock is occurrence #{} of `{}`, done {}",
            row.occurrence.unwrap_or(1),
            plan.procedure.step(step).id,
            when_text(from)
        ),
        Clock::AfterOutcome(step, outcome) => format!(
            "the clock is the first `{}` that decided `{}`, done {}",
            plan.procedure.step(step).id,
            plan.procedure.outcome_id(step, outcome),
            when_text(from)
        ),
        _ => format!(
            "the clock is the fact `{}`, {}",
            plan.procedure.clock_id(deadline.clock),
            when_text(from)
        ),
    };
    let _ = writeln!(out, "    {clock}");
    let Ok(due) = deadline_shift(plan.calendar, deadline, from, amount) else {
        let _ = writeln!(out, "    the date falls outside the years Waymark counts");
        return;
    };
    match amount == 0 && deadline.unit == Unit::WorkingDays && deadline.clock.counts_back() {
        true => explain_no_working_days_back(plan, from, out),
        false => explain_count(plan, from, amount, deadline.unit, out),
    }
    let verdict = match governs {
        true => "this date governs",
        false => "another date is earlier, so this one does not govern",
    };
    let _ = writeln!(out, "    {kind} {}: {verdict}", due_text(due));
}

/// `0 working days before`: the day itself, or the working day before it.
fn explain_no_working_days_back(plan: &Plan, from: When, out: &mut String) {
    let _ = writeln!(
        out,
        "    count: no working days before {}: that day if it is a working day, else the working \
         day before it",
        date_text(from.date)
    );
    if let Some(day_off) = plan.calendar.day_off(from.date) {
        let _ = writeln!(
            out,
            "    {} is not a working day ({})",
            date_text(from.date),
            day_off.reason()
        );
    }
}

/// How the count from `from` was made, with the days skipped for working days. The facts come
/// from the calendar's [`Counted`]; hours are counted round the clock, with no calendar at all.
fn explain_count(plan: &Plan, from: When, amount: i64, unit: Unit, out: &mut String) {
    let counted = || plan.calendar.explain_shift(from.date, amount, unit);
    let explained = match unit {
        Unit::Hours => {
            explain_hours(from, amount, out);
            Ok(())
        }
        Unit::WorkingDays => counted().map(|counted| explain_working_days(&counted, out)),
        Unit::CalendarDays => {
            counted().map(|counted| explain_every_day(&counted, "calendar days", out))
        }
        Unit::Weeks => {
            counted().map(|counted| explain_every_day(&counted, "weeks (7 days each)", out))
        }
        Unit::Months => counted().map(|counted| {
            let words = "months (the same day of the month, or the month's last day)";
            explain_every_day(&counted, words, out)
        }),
    };
    if explained.is_err() {
        let _ = writeln!(out, "    the date falls outside the years Waymark counts");
    }
}

fn explain_working_days(counted: &Counted, out: &mut String) {
    let (count, direction) = (counted.count, counted.direction.word());
    let _ = match counted.notes.contains(&Note::SameWorkingDay) {
        true => writeln!(
            out,
            "    count: the same working day as {}: that day if it is a working day, else the \
             next one",
            date_text(counted.from)
        ),
        false => writeln!(
            out,
            "    count: {} {direction} {}, from the day {direction} it; the {} working day is \
             the date",
            Unit::WorkingDays.amount_words(count),
            date_text(counted.from),
            waymark_calendar::ordinal(count)
        ),
    };
    explain_skipped(counted, out);
}

/// A count in a unit that counts every day alike, described in `words`.
fn explain_every_day(counted: &Counted, words: &str, out: &mut String) {
    let (count, direction) = (counted.count, counted.direction.word());
    let _ = match count {
        0 => writeln!(
            out,
            "    count: the same day as {}; weekends and holidays count",
            date_text(counted.from)
        ),
        _ => writeln!(
            out,
            "    count: {count} {words} {direction} {}; weekends and holidays count",
            date_text(counted.from)
        ),
    };
    for note in &counted.notes {
        if let Note::NotMoved(day) = note {
            let _ = writeln!(
                out,
                "    note: {} is not a working day ({}), but the date is not moved",
                date_text(day.date),
                day.reason()
            );
        }
    }
}

/// The weekend days and holidays a count of working days passed over.
fn explain_skipped(counted: &Counted, out: &mut String) {
    if counted.skipped.is_empty() {
        let _ = writeln!(out, "    skipped: no weekend days or holidays");
        return;
    }
    let (mut weekend, mut holidays) = (0, Vec::new());
    for day in &counted.skipped {
        match day.weekday_holiday() {
            Some(holiday) => holidays.push(format!("{} {}", date_text(day.date), holiday.name)),
            None => weekend += 1,
        }
    }
    let days = if weekend == 1 { "day" } else { "days" };
    let _ = write!(out, "    skipped: {weekend} weekend {days}");
    match holidays.is_empty() {
        true => out.push('\n'),
        false => {
            let _ = writeln!(out, "; holidays: {}", holidays.join(", "));
        }
    }
}

fn explain_hours(from: When, amount: i64, out: &mut String) {
    let direction = if amount < 0 { "before" } else { "after" };
    let start = match from.time {
        Some(_) => format!("from {}", when_text(from)),
        None => format!(
            "from the end of {} (no time was recorded)",
            date_text(from.date)
        ),
    };
    let _ = writeln!(
        out,
        "    count: {} hours {direction}, {start}, round the clock",
        amount.unsigned_abs()
    );
}

fn explain_recurring(
    plan: &Plan,
    row: &Row,
    every: u32,
    unit: Unit,
    during: &Step,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "  every {} while the case is at `{}`",
        unit.amount_words(every),
        during.id
    );
    let Some(from) = row.counted_from else {
        let _ = writeln!(
            out,
            "    no date yet: the case has not reached `{}`",
            during.id
        );
        return;
    };
    if row.due.is_none() && row.done == Some(from) {
        let _ = writeln!(
            out,
            "    no due date: this is the first record that shows the case at `{}` (the step before it has no record), so the count starts here",
            during.id
        );
        return;
    }
    let _ = writeln!(
        out,
        "    counted from {} (when the case reached `{}`, or the previous occurrence was done)",
        when_text(from),
        during.id
    );
    if let Some(due) = row.due {
        explain_count(plan, from, i64::from(every), unit, out);
        let _ = writeln!(out, "    limit {}", due_text(due));
    }
}

fn explain_result(report: &CaseReport, row: &Row, out: &mut String) {
    let event = row.event.and_then(|index| report.case.events.get(index));
    let line = event.map_or(String::new(), |e| format!(" (line {})", e.line));
    let due = crate::replay::extension::judged_due(row);
    let sentence = match (row.status, row.done, due) {
        (Status::Waived, Some(done), _) => format!(
            "waived {}{line}: {}",
            when_text(done),
            event
                .and_then(|e| e.reason.as_deref())
                .unwrap_or("no reason recorded")
        ),
        (Status::Met, Some(done), Some(due)) => format!(
            "done {}{line}, on or before {}: met",
            when_text(done),
            due_text(due)
        ),
        (Status::Met, Some(done), None) => format!("done {}{line}: met", when_text(done)),
        (Status::Late, Some(done), Some(due)) => {
            let reason = match row.reason_recorded {
                Some(true) => "; a reason was recorded, as the procedure requires",
                Some(false) => "; no reason was recorded, and the procedure requires one",
                None => "",
            };
            format!(
                "done {}{line}, after {}: late{reason}",
                when_text(done),
                due_text(due)
            )
        }
        (Status::Overdue, _, Some(due)) => format!(
            "not done by {}, and {} has passed: overdue",
            date_text(report.as_of),
            due_text(due)
        ),
        (Status::Pending, _, Some(due)) => format!("not done yet; due by {}", due_text(due)),
        (Status::Pending, _, None) => "not done yet; no due date yet".to_string(),
        (Status::NotRecorded, _, _) => "not recorded, though the case was recorded past it; \
             with no due date, this is a gap in the records, not a missed deadline"
            .to_string(),
        (status, _, _) => status.word().to_string(),
    };
    let _ = writeln!(out, "  result: {sentence}");
    if let (Some(false), Some(target)) = (row.target_met, row.target) {
        let in_time = row.done.is_some_and(|done| target.is_met_by(done));
        let _ = match in_time {
            true => writeln!(
                out,
                "  the target {} is not met: it falls after the limit, which was missed",
                due_text(target)
            ),
            false => writeln!(out, "  the target {} was missed", due_text(target)),
        };
    }
}

/// When a step was done in this case, from its rows (a together block's join has no row, but
/// nothing counts from a join).
fn done_of(report: &CaseReport, step: waymark_compile::StepIndex) -> Option<When> {
    report
        .rows
        .iter()
        .find(|row| row.step == step && row.occurrence.is_none())
        .and_then(|row| row.done)
}
