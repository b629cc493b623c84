//! The records of a case in the order the replay applies them, and each step's first record.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::{Index, Replay, StepState};
use crate::case::{Case, When};
use crate::plan::Plan;
use chrono::NaiveDate;
use waymark_compile::StepIndex;

/// A dated record, as the replay applies it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    /// The index of the event in the case's events.
    pub event: usize,
    pub step: StepIndex,
    /// The step's place in the procedure's order ([`Plan::rank`]), looked up once here: the
    /// records are ordered by it (it fits where the struct had padding).
    pub rank: u32,
    pub on: When,
}

/// The case's dated records up to the end of `as_of`, in the order they apply: by date, and
/// records of one day in the procedure's order (not the file's, and not by their times: a
/// clock time typed into a case system says when it was typed as often as when it was done),
/// then in file order. Gives how many records fall after `as_of` and were left out, and how
/// many events have no date (waivers that apply when their step is reached).
pub(crate) fn in_order(
    plan: &Plan,
    case: &Case,
    as_of: NaiveDate,
    records: &mut Vec<Record>,
) -> (usize, usize) {
    records.clear();
    let (mut ignored, mut dateless) = (0, 0);
    for (event, record) in case.events.iter().enumerate() {
        match record.on {
            Some(on) if on.date > as_of => ignored += 1,
            Some(on) => records.push(Record {
                event,
                step: record.step,
                rank: plan.rank(record.step),
                on,
            }),
            None => dateless += 1,
        }
    }
    // Most cases come in date order already: check before sorting. Two records of one step on
    // one day (which the procedure cannot order) go by their times, if given, then file order.
    let key = |record: &Record| {
        let time = record.on.time.unwrap_or(chrono::NaiveTime::MIN);
        (record.on.date, record.rank, time, record.event)
    };
    // Records on different days are in order by their dates alone: the rest of the key is
    // looked up only for records of one day.
    let ordered = |a: &Record, b: &Record| a.on.date < b.on.date || key(a) <= key(b);
    if !records.is_sorted_by(ordered) {
        records.sort_unstable_by_key(key);
    }
    (ignored, dateless)
}

impl Replay<'_, '_> {
    /// Notes each step's first record, which does the step (its date, whether it waived it,
    /// its event), and its dateless waiver. (A later record of a step that
    /// is done once is judged with the deviations: `repeated`, or `after_end`; of a step that
    /// may repeat, it is a further occurrence.)
    pub(super) fn note_records(&mut self) {
        // Every record counts for its own step, wherever it lies: the first does the step.
        for (index, record) in self.records.iter().enumerate() {
            let state = &mut self.steps[record.step.0 as usize];
            if state.first.is_none() {
                state.first = Index::of(index as u32);
                state.done = Some(record.on);
                state.waived = self.case.events[record.event].waived;
                state.event = Index::of(record.event as u32);
            }
        }
        // Most cases have no waiver without a date: no second look at the events.
        if self.dateless == 0 {
            return;
        }
        for (index, event) in self.case.events.iter().enumerate() {
            if event.on.is_none() {
                let state: &mut StepState = &mut self.steps[event.step.0 as usize];
                if state.dateless_waiver.is_none() {
                    state.dateless_waiver = Index::of(index as u32);
                }
            }
        }
    }

    /// Whether record `index` duplicates the one before it: the same step at the same moment
    /// (records of one step on one day lie together, by their times). Recurring work counts
    /// every other record as an occurrence; a duplicate is `repeated`.
    pub(super) fn is_duplicate(&self, index: usize) -> bool {
        let (Some(before), Some(record)) = (
            index.checked_sub(1).and_then(|i| self.records.get(i)),
            self.records.get(index),
        ) else {
            return false;
        };
        before.step == record.step && before.on == record.on
    }

    /// The latest record of `id` in applied order, if any: a scan, made only for the decisions
    /// that may repeat.
    pub(super) fn latest_record(&self, id: StepIndex) -> Option<&Record> {
        self.records.iter().rev().find(|record| record.step == id)
    }

    /// How many times `id` was recorded, a duplicate (the same moment) counted once: the
    /// occurrences of a step that may repeat.
    pub(super) fn occurrences(&self, id: StepIndex) -> u32 {
        let first = self.state(id).first.get().map_or(0, |first| first as usize);
        let records = self.records.iter().enumerate().skip(first);
        records
            .filter(|&(index, record)| record.step == id && !self.is_duplicate(index))
            .count() as u32
    }

    /// When a decision was first recorded with `outcome`, in applied order: the clock of
    /// `after DECISION is OUTCOME` (as [`crate::Case::first_decided`] finds it in a report).
    pub(super) fn first_decided(&self, id: StepIndex, outcome: u32) -> Option<When> {
        let from = self.state(id).first.get()? as usize;
        self.records.get(from..)?.iter().find_map(|record| {
            let event = self.case.events.get(record.event)?;
            (record.step == id && event.outcome == Some(outcome as usize)).then_some(record.on)
        })
    }

    /// The first record of `id`, if any.
    pub(super) fn first_record(&self, id: StepIndex) -> Option<&Record> {
        let first = self.state(id).first.get()?;
        self.records.get(first as usize)
    }
}
