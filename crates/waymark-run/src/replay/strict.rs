//! `--strict`: the reading for audits of recording practice. Records apply in order until the
//! first one that does not fit (a gap before it, a branch not taken, a repeat, a record out of
//! order or after the end); the case then leaves the procedure there, and later records are
//! not applied.
//!
//! The first misfit is found by replaying ever longer runs of the records: the first run with
//! a deviation names the record that does not fit (the last applied, or an earlier one it
//! shows to be out of place). That costs a replay per record, for
//! the cases that do not fit only; strict reading is for audits, not for a nation's caseload.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::records::Record;
use super::{Replay, Scratch};
use crate::case::Case;
use crate::plan::Plan;
use crate::report::{CaseReport, Left};
use chrono::NaiveDate;

pub(super) fn run(
    plan: &Plan,
    case: Case,
    as_of: NaiveDate,
    ignored: usize,
    records: &[Record],
    scratch: &mut Scratch,
) -> CaseReport {
    let whole = Replay::run(plan, &case, records, scratch);
    if whole.deviations.is_empty() {
        let finished = whole.finish(as_of, scratch);
        return finished.report(case, ignored, None);
    }
    whole.release(scratch);
    let mut first_misfit = None;
    for end in 1..=records.len() {
        let deviations = Replay::run(plan, &case, &records[..end], scratch).release(scratch);
        if deviations.is_empty() {
            continue;
        }
        // The last record applied showed the misfit, but the record at fault may be an earlier
        // one (a review dated before the referral it counts from): the first one named.
        let position = |event: usize| records[..end].iter().position(|r| r.event == event);
        let cut = deviations
            .iter()
            .filter_map(|deviation| deviation.record.and_then(position))
            .min()
            .unwrap_or(end - 1);
        let at_fault = records[cut].event;
        let deviations = deviations
            .into_iter()
            .filter(|deviation| deviation.record == Some(at_fault))
            .collect();
        first_misfit = Some((cut, deviations));
        break;
    }
    let Some((cut, deviations)) = first_misfit else {
        // Only a dateless waiver can misfit with no dated record: nothing to stop at.
        let finished = Replay::run(plan, &case, records, scratch).finish(as_of, scratch);
        return finished.report(case, ignored, None);
    };
    let misfit = records[cut];
    let before = Replay::run(plan, &case, &records[..cut], scratch);
    let left = Left {
        step: misfit.step,
        on: Some(misfit.on),
        line: case.events[misfit.event].line,
        expected: before.open_steps(),
    };
    let finished = before.finish(as_of, scratch);
    let mut report = finished.report(case, ignored, Some(left));
    report.deviations = deviations;
    // The records from the misfit on were not applied, and do not fit.
    report.records += (records.len() - cut) as u32;
    report
}
