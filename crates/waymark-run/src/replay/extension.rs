//! Extensions of a deadline (`extendable by up to 10 working days with reason, approved by
//! manager`), around the replay.
//!
//! A record with `extended_by` is an extension granted on its date, not the step done. Kept
//! apart from the replay's stages so that a case without one costs a scan of its events:
//! - before the replay, [`hold`] takes the extension records out of the records it applies;
//! - while rows are made, [`Replay::extend`] moves a step's limits counted after an event by
//!   the extensions [`grant`] allows (never past the bound; a limit counted back from a later
//!   event is not moved), and keeps the status the unextended due date gives, so nothing is
//!   hidden;
//! - after it, [`judge`] counts the extension records and makes a deviation of each one that
//!   was refused: without its reason, without its approval, or past the bound.

use super::Replay;
use super::due_dates::{ClockStart, clock_start, shift};
use super::records::Record;
use crate::case::{Case, When};
use crate::due::Due;
use crate::plan::Plan;
use crate::report::{CaseReport, Deviation, DeviationKind, Extended, Row};
use chrono::{NaiveDate, NaiveTime};
use waymark_compile::{Extension, StepIndex};

/// Why an extension record was not applied, or not in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No reason recorded: not applied.
    NoReason,
    /// The procedure names approvers, and none of them approved it: not applied.
    NotApproved,
    /// Applied only up to the bound.
    OverBound,
}

impl Refusal {
    fn deviation(self) -> DeviationKind {
        match self {
            Refusal::NoReason => DeviationKind::ExtensionWithoutReason,
            Refusal::NotApproved => DeviationKind::ExtensionNotApproved,
            Refusal::OverBound => DeviationKind::ExtensionOverBound,
        }
    }
}

/// What a case's extension records of one step add up to, up to the as-of date.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Grant {
    /// The extension applied, in the extension's unit: at most its bound.
    pub by: u32,
    /// Every extension record of the step up to the as-of date, in date order (indexes into
    /// the case's events), each with why it was refused, if it was.
    pub records: Vec<(usize, Option<Refusal>)>,
}

/// The extension records of `step` up to the end of `as_of`, in date order (then time, then
/// file order), judged one by one: each needs its reason and, when the procedure names
/// approvers, one of them as its `approved_by`; together they never pass the bound.
pub(crate) fn grant(
    case: &Case,
    step: StepIndex,
    extension: &Extension,
    as_of: NaiveDate,
) -> Grant {
    let mut records: Vec<(When, usize)> = (case.events.iter().enumerate())
        .filter(|(_, event)| event.step == step && event.extended_by.is_some())
        .filter_map(|(index, event)| event.on.map(|on| (on, index)))
        .filter(|(on, _)| on.date <= as_of)
        .collect();
    records.sort_by_key(|(on, index)| (on.date, on.time.unwrap_or(NaiveTime::MIN), *index));
    let mut grant = Grant::default();
    for (_, index) in records {
        let Some(event) = case.events.get(index) else {
            continue;
        };
        let amount = event.extended_by.unwrap_or(0);
        let approved = extension.approvers.is_empty()
            || event
                .approved_by
                .is_some_and(|role| extension.approvers.contains(&role));
        let refusal = if event.reason.is_none() {
            Some(Refusal::NoReason)
        } else if !approved {
            Some(Refusal::NotApproved)
        } else if grant.by.saturating_add(amount) > extension.amount {
            grant.by = extension.amount;
            Some(Refusal::OverBound)
        } else {
            grant.by += amount;
            None
        };
        grant.records.push((index, refusal));
    }
    grant
}

/// Takes the extension records out of the records the replay applies: they extend a step, they
/// do not do it. Does nothing (but look) for a case with none.
pub(super) fn hold(case: &Case, records: &mut Vec<Record>) {
    if case.events.iter().any(|event| event.extended_by.is_some()) {
        records.retain(|record| {
            case.events
                .get(record.event)
                .is_none_or(|event| event.extended_by.is_none())
        });
    }
}

impl Replay<'_, '_> {
    /// The step's extension in this case, if one was granted: how far, and the due date its
    /// limits then give. Limits counted after an event move by the extension; a limit counted
    /// back from a later event does not; the earliest governs, as without one.
    pub(super) fn extend(&self, id: StepIndex, as_of: NaiveDate) -> Option<Box<Extended>> {
        let step = self.step(id);
        let extension = step.extension.as_ref()?;
        let grant = grant(self.case, id, extension, as_of);
        if grant.by == 0 {
            return None;
        }
        let calendar = self.plan.calendar;
        let fact = self.fact();
        let done = |step: StepIndex| self.state(step).done;
        let decided = |step, outcome| self.first_decided(step, outcome);
        let mut due: Option<Due> = None;
        for limit in step.limits() {
            if limit
                .guard
                .as_ref()
                .is_some_and(|guard| !guard.holds(&fact))
            {
                continue;
            }
            let ClockStart::Started(from, amount) = clock_start(limit, &fact, &done, &decided)
            else {
                continue;
            };
            let Ok(mut limit_due) = shift(calendar, from, amount, limit.unit) else {
                continue;
            };
            if !limit.clock.counts_back() {
                let moved = shift(
                    calendar,
                    due_as_when(limit_due),
                    i64::from(grant.by),
                    extension.unit,
                );
                let Ok(moved) = moved else {
                    continue;
                };
                limit_due = moved;
            }
            if due.is_none_or(|current| limit_due.moment() < current.moment()) {
                due = Some(limit_due);
            }
        }
        Some(Box::new(Extended {
            by: grant.by,
            due,
            unextended: None,
        }))
    }
}

/// A due date as the moment an extension counts on from: a due day counts on from that day, a
/// due time from that time.
fn due_as_when(due: Due) -> When {
    match due {
        Due::Day(date) => When::day(date),
        Due::At(moment) => When {
            date: moment.date(),
            time: Some(moment.time()),
        },
    }
}

/// The due date a row is judged by: the extended one, when an extension moved it.
pub(crate) fn judged_due(row: &Row) -> Option<Due> {
    row.extension
        .as_ref()
        .and_then(|extended| extended.due)
        .or(row.due)
}

/// Completes a replayed case: its extension records are counted (those applied in full fit),
/// and each refused one is a deviation.
pub(super) fn judge(plan: &Plan, report: &mut CaseReport) {
    if !report
        .case
        .events
        .iter()
        .any(|event| event.extended_by.is_some())
    {
        return;
    }
    let mut added = false;
    for (index, step) in plan.procedure.steps.iter().enumerate() {
        let Some(extension) = &step.extension else {
            continue;
        };
        let id = StepIndex(index as u32);
        let grant = grant(&report.case, id, extension, report.as_of);
        for (event, refusal) in grant.records {
            report.records += 1;
            let Some(record) = report.case.events.get(event) else {
                continue;
            };
            let kind = match (refusal, record.on) {
                (Some(refusal), _) => refusal.deviation(),
                (None, Some(on)) if out_of_time(plan, report, id, on).is_some() => {
                    DeviationKind::ExtensionOutOfTime
                }
                (None, _) => {
                    report.fitting += 1;
                    continue;
                }
            };
            let (on, line) = (record.on, record.line);
            report.deviations.push(Deviation {
                kind,
                step: id,
                on,
                line: Some(line),
                expected: Vec::new(),
                shown_by: None,
                record: Some(event),
                after_later_steps: false,
            });
            added = true;
        }
    }
    if added {
        report.deviations.sort_by_key(|deviation| {
            (
                deviation.on.map(|on| on.date),
                deviation.line,
                plan.rank(deviation.step),
                deviation.kind,
            )
        });
    }
}

/// When an extension granted on `on` came out of time for the limit it extends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutOfTime {
    /// After the limit (unextended) had passed: granted afterwards.
    AfterLimit(Due),
    /// Before the limit's clock started (its step done on that date).
    BeforeClock(StepIndex, When),
}

/// Whether an extension of `step` granted on `on` came out of time, judged against the
/// limit that governs the step's row in `report` (none when no limit governs yet).
pub(crate) fn out_of_time(
    plan: &Plan,
    report: &CaseReport,
    step: StepIndex,
    on: When,
) -> Option<OutOfTime> {
    let row = (report.rows.iter()).find(|row| row.step == step && row.occurrence.is_none())?;
    let due = row.due?;
    if on.date > due.date() {
        return Some(OutOfTime::AfterLimit(due));
    }
    let limit = plan.procedure.step(step).deadlines.get(row.due_rule?)?;
    let clock = limit.clock.step().filter(|_| !limit.clock.counts_back())?;
    let started = (report.rows.iter())
        .find(|row| row.step == clock && row.occurrence.is_none())
        .and_then(|row| row.done)?;
    (on.date < started.date).then_some(OutOfTime::BeforeClock(clock, started))
}

#[cfg(test)]
#[path = "extension_tests.rs"]
mod tests;
