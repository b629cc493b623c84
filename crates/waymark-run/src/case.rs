//! Case data, checked: one case's facts and events as the replay meets them. Reading and
//! checking them is `read/`; every check that does not depend on the path the case takes is
//! made there, so the replay only meets well-formed cases.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use waymark_compile::{FactIndex, FactValue, RoleIndex, StepIndex};
use waymark_diagnostics::Code;

/// When an event happened: a date, and the time of day when the case file gives one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct When {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl When {
    pub fn day(date: NaiveDate) -> When {
        When { date, time: None }
    }

    /// The moment for ordering: a date-only event counts as the end of its day.
    pub fn latest_moment(self) -> NaiveDateTime {
        match self.time {
            Some(time) => self.date.and_time(time),
            None => waymark_calendar::end_of_day(self.date),
        }
    }
}

/// One recorded event of a case, checked against the procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub step: StepIndex,
    /// `None` only for a waiver recorded without a date: it applies when the step is reached.
    pub on: Option<When>,
    /// The index of the outcome in the decision's `outcomes`.
    pub outcome: Option<usize>,
    pub by: Option<RoleIndex>,
    pub reason: Option<String>,
    pub waived: bool,
    /// The role that signed the record off, for a step that says `approved by`; on an
    /// extension, the role that approved the extension.
    pub approved_by: Option<RoleIndex>,
    /// The facts the record gives: those the procedure declares `recorded at` its step.
    pub facts: Vec<(FactIndex, FactValue)>,
    /// A record of an extension, not of the step done: how much longer the step may take, in
    /// the unit of its `extendable` line.
    pub extended_by: Option<u32>,
    /// The 1-based line the event came from (the case's line for JSON Lines).
    pub line: usize,
}

/// A case ready to run: facts by [`FactIndex`], events in input order.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: String,
    /// The 1-based line the case starts on.
    pub line: usize,
    pub facts: Vec<Option<FactValue>>,
    pub events: Vec<Event>,
}

impl Event {
    /// The value this record gives a fact recorded at its step, if it gives one.
    pub fn recorded(&self, id: FactIndex) -> Option<FactValue> {
        self.facts
            .iter()
            .find(|(fact, _)| *fact == id)
            .map(|(_, value)| *value)
    }
}

impl Case {
    pub fn fact(&self, id: FactIndex) -> Option<FactValue> {
        self.facts.get(id.0 as usize).copied().flatten()
    }

    /// The latest dated record of a step up to the end of `as_of`, as the replay applies
    /// records (by date, then time, then file order): for a decision that may repeat, the
    /// occurrence that decided the way on.
    pub fn latest_record(&self, step: StepIndex, as_of: NaiveDate) -> Option<&Event> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, event)| event.step == step && event.extended_by.is_none())
            .filter_map(|(index, event)| event.on.map(|on| (on, index, event)))
            .filter(|(on, _, _)| on.date <= as_of)
            .max_by_key(|(on, index, _)| (on.date, on.time.unwrap_or(NaiveTime::MIN), *index))
            .map(|(_, _, event)| event)
    }

    /// When a decision was first recorded with an outcome, up to the end of `as_of`: the clock
    /// of `after DECISION is OUTCOME`. First as the replay applies records: by date, then time,
    /// then file order. (A scan of the case's events, made only for such clocks.)
    pub fn first_decided(
        &self,
        decision: StepIndex,
        outcome: u32,
        as_of: NaiveDate,
    ) -> Option<When> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, event)| event.step == decision && event.outcome == Some(outcome as usize))
            .filter_map(|(index, event)| event.on.map(|on| (on, index)))
            .filter(|(on, _)| on.date <= as_of)
            .min_by_key(|(on, index)| (on.date, on.time.unwrap_or(NaiveTime::MIN), *index))
            .map(|(on, _)| on)
    }
}

/// Which input file a problem is in. JSON Lines and CSV events are `Cases`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFile {
    Cases,
    Facts,
}

/// One problem with a case's data, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Its code, from the one code table (the `WM05xx` block: case data).
    pub code: Code,
    pub file: InputFile,
    pub line: usize,
    pub message: String,
}

/// A case that cannot be run: its id (when it could be read) and every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadCase {
    pub id: Option<String>,
    pub line: usize,
    pub problems: Vec<Problem>,
}
