//! What running a case gives: a row per step (and per checkpoint or recurring occurrence) with
//! its status, where the case stands, and what is due next.

use crate::case::{BadCase, Case, When};
use crate::due::Due;
use chrono::NaiveDate;
use waymark_compile::StepId;

/// The status of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Done on or before its due date (or done, with no due date).
    Met,
    /// Done after its due date.
    Late,
    /// Not done; the due date has not passed, or there is none yet.
    Pending,
    /// Not done, and the due date has passed.
    Overdue,
    /// Waived, with a reason.
    Waived,
    /// Not needed in this case: a branch not taken, a guard false, a checkpoint after its stage.
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Met,
        Status::Late,
        Status::Pending,
        Status::Overdue,
        Status::Waived,
        Status::NotApplicable,
    ];

    /// The word used in every output format.
    pub fn word(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Pending => "pending",
            Status::Overdue => "overdue",
            Status::Waived => "waived",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// Where a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Under way: some steps are open.
    Open,
    /// It reached an end.
    Closed,
    /// An event came that the procedure does not allow at that point.
    Left,
}

impl State {
    pub const ALL: [State; 3] = [State::Open, State::Closed, State::Left];

    pub fn word(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Left => "left",
        }
    }
}

/// One step of a case (one occurrence, for checkpoints' series and recurring work).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub step: StepId,
    /// For recurring work: which occurrence, from 1.
    pub occurrence: Option<u32>,
    pub status: Status,
    pub due: Option<Due>,
    /// The index in the step's `deadlines` of the limit that set `due`.
    pub due_rule: Option<usize>,
    pub target: Option<Due>,
    pub target_rule: Option<usize>,
    pub done: Option<When>,
    /// For a late step whose procedure says `overrun needs reason`: whether one was recorded.
    pub reason_recorded: Option<bool>,
    /// For a done step with a target: whether the target was met.
    pub target_met: Option<bool>,
    /// The event that did (or waived) the step, as an index into the case's events.
    pub event: Option<usize>,
    /// For recurring work: the moment this occurrence is counted from.
    pub counted_from: Option<When>,
}

impl Row {
    pub(crate) fn new(step: StepId, status: Status) -> Row {
        Row {
            step,
            occurrence: None,
            status,
            due: None,
            due_rule: None,
            target: None,
            target_rule: None,
            done: None,
            reason_recorded: None,
            target_met: None,
            event: None,
            counted_from: None,
        }
    }
}

/// The event that took a case out of its procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Left {
    pub step: StepId,
    pub on: Option<When>,
    pub line: usize,
    /// The steps that were open then: what was expected instead.
    pub expected: Vec<StepId>,
}

/// Something odd in a case that does not stop it running, such as a role not allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// One case, run.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseReport {
    pub case: Case,
    pub as_of: NaiveDate,
    pub state: State,
    /// The end reached, for a closed case.
    pub end: Option<StepId>,
    /// The open steps, in declaration order.
    pub at: Vec<StepId>,
    /// The index in `rows` of what is due next.
    pub next: Option<usize>,
    pub left: Option<Left>,
    /// Events dated after the as-of date, which were not applied.
    pub ignored_after_as_of: usize,
    pub rows: Vec<Row>,
    pub warnings: Vec<Warning>,
}

/// A case run, or a case whose data could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Ran(Box<CaseReport>),
    Bad(BadCase),
}

impl Outcome {
    pub fn case_id(&self) -> Option<&str> {
        match self {
            Outcome::Ran(report) => Some(&report.case.id),
            Outcome::Bad(bad) => bad.id.as_deref(),
        }
    }
}
