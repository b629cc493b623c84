//! What running a case gives: a row per step (and per checkpoint or recurring occurrence) with
//! its status, where the case stands, and what is due next.

use crate::case::{BadCase, Case, When};
use crate::due::Due;
use chrono::NaiveDate;
use waymark_compile::{FactIndex, FactValue, Procedure, RoleIndex, StepIndex};

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
    /// Not recorded, with no due date to judge it by, though the case has moved past it: a
    /// later step on its path was recorded. A recording gap, not a missed deadline.
    NotRecorded,
    /// Waived, with a reason.
    Waived,
    /// Not needed in this case: a branch not taken, a guard false, a checkpoint after its stage.
    NotApplicable,
    /// One of the alternatives of any-of work (`any of a, b`), not done when another piece
    /// finished the block: not needed, neither pending nor overdue.
    NotNeeded,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Met,
        Status::Late,
        Status::Pending,
        Status::Overdue,
        Status::NotRecorded,
        Status::Waived,
        Status::NotApplicable,
        Status::NotNeeded,
    ];

    /// The word used in every output format.
    pub fn word(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Pending => "pending",
            Status::Overdue => "overdue",
            Status::NotRecorded => "not_recorded",
            Status::Waived => "waived",
            Status::NotApplicable => "not_applicable",
            Status::NotNeeded => "not_needed",
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
    /// Only with `--strict`: a record came that the procedure does not expect at that point,
    /// and the replay stopped there.
    Left,
    /// Every record of the case is dated after the as-of date: it had not begun by then.
    NotStarted,
}

impl State {
    pub const ALL: [State; 4] = [State::Open, State::Closed, State::Left, State::NotStarted];

    pub fn word(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Left => "left",
            State::NotStarted => "not_started",
        }
    }
}

/// One step of a case (one occurrence, for checkpoints' series and recurring work).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub step: StepIndex,
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
    /// For a done step that says `approved by`: whether a sign-off by one of its approvers was
    /// recorded.
    pub approval: Option<bool>,
    /// For a step every role of whose `by a and b` rule must record, not done yet: the roles
    /// with no record so far.
    pub awaiting: Vec<RoleIndex>,
    /// For a step that may repeat: how many times it was recorded (the row's `done` is the
    /// first).
    pub occurrences: Option<u32>,
    /// For a step extended in this case (`extendable` in the procedure, `extended_by` in the
    /// case): the extension granted and the due date it gives. `status` is judged by that date;
    /// `due` stays the unextended one.
    /// (Boxed: a rare field, kept out of every other row's size.)
    pub extension: Option<Box<Extended>>,
}

/// An extension granted to a step in one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extended {
    /// How much longer, in the unit of the step's `extendable` line: at most its bound.
    pub by: u32,
    /// The due date with the extension; `None` while no limit it moves applies.
    pub due: Option<Due>,
    /// The status the unextended due date gives: an extension hides nothing.
    pub unextended: Option<Status>,
}

impl Row {
    pub(crate) fn new(step: StepIndex, status: Status) -> Row {
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
            approval: None,
            awaiting: Vec::new(),
            occurrences: None,
            extension: None,
        }
    }
}

/// The record that took a case out of its procedure, with `--strict`.
#[derive(Clone, Debug, PartialEq)]
pub struct Left {
    pub step: StepIndex,
    pub on: Option<When>,
    pub line: usize,
    /// The steps that were open then: what was expected instead.
    pub expected: Vec<StepIndex>,
}

/// A way a case's records do not fit its procedure. The replay never stops at one: each is
/// noted and the records still count for their own steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviationKind {
    /// A step on the path the case took has no record, though a later step on that path does.
    NotRecorded,
    /// A record dated before a step the procedure puts ahead of it, or after one it puts
    /// behind it.
    OutOfOrder,
    /// A record of a step off the path the case took (a branch not taken).
    Unexpected,
    /// A second record of a step already done.
    Repeated,
    /// A record dated after the case reached an end.
    AfterEnd,
    /// A record of a step that says `approved by`, with no sign-off by one of its approvers.
    NotApproved,
    /// An extension recorded without its reason: not applied.
    ExtensionWithoutReason,
    /// An extension not approved by a role the procedure names for it: not applied.
    ExtensionNotApproved,
    /// An extension that takes the step past the bound: applied only up to the bound.
    ExtensionOverBound,
    /// An extension recorded after the limit it extends had passed, or before that limit's
    /// clock started: applied, but granted out of time.
    ExtensionOutOfTime,
}

impl DeviationKind {
    pub const ALL: [DeviationKind; 10] = [
        DeviationKind::NotRecorded,
        DeviationKind::OutOfOrder,
        DeviationKind::Unexpected,
        DeviationKind::Repeated,
        DeviationKind::AfterEnd,
        DeviationKind::NotApproved,
        DeviationKind::ExtensionWithoutReason,
        DeviationKind::ExtensionNotApproved,
        DeviationKind::ExtensionOverBound,
        DeviationKind::ExtensionOutOfTime,
    ];

    /// The word used in every output format.
    pub fn word(self) -> &'static str {
        match self {
            DeviationKind::NotRecorded => "not_recorded",
            DeviationKind::OutOfOrder => "out_of_order",
            DeviationKind::Unexpected => "unexpected",
            DeviationKind::Repeated => "repeated",
            DeviationKind::AfterEnd => "after_end",
            DeviationKind::NotApproved => "not_approved",
            DeviationKind::ExtensionWithoutReason => "extension_without_reason",
            DeviationKind::ExtensionNotApproved => "extension_not_approved",
            DeviationKind::ExtensionOverBound => "extension_over_bound",
            DeviationKind::ExtensionOutOfTime => "extension_out_of_time",
        }
    }
}

/// One deviation of a case from its procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Deviation {
    pub kind: DeviationKind,
    /// The step recorded (or, for `not_recorded`, the step missing).
    pub step: StepIndex,
    /// The record's date; for `not_recorded`, the date of the later record that shows the case
    /// moved past the step.
    pub on: Option<When>,
    /// That record's line.
    pub line: Option<usize>,
    /// What the procedure expected: the steps open at that point (`unexpected`), the steps on
    /// the other side of the order (`out_of_order`), the missing step (`not_recorded`).
    pub expected: Vec<StepIndex>,
    /// For `not_recorded`: the step of the later record that shows the case moved past.
    pub shown_by: Option<StepIndex>,
    /// The record (an index into the case's events) the deviation is about: the record itself,
    /// or for `not_recorded` the later record that shows the gap.
    pub record: Option<usize>,
    /// For `out_of_order`: whether the record came after steps the procedure puts behind it
    /// (`true`), or before steps it puts ahead of it (`false`).
    pub after_later_steps: bool,
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
    pub end: Option<StepIndex>,
    /// The open steps, in declaration order.
    pub at: Vec<StepIndex>,
    /// The index in `rows` of what is due next.
    pub next: Option<usize>,
    pub left: Option<Left>,
    /// Events dated after the as-of date, which were not applied.
    pub ignored_after_as_of: usize,
    pub rows: Vec<Row>,
    /// How the records do not fit the procedure, in date order.
    pub deviations: Vec<Deviation>,
    /// How many records the case has (applied ones: not those after the as-of date), and how
    /// many of them arrived where the procedure expected them.
    pub records: u32,
    pub fitting: u32,
    pub warnings: Vec<Warning>,
}

impl CaseReport {
    /// A fact of the case as its conditions read it: the case's own; for a decision's outcome
    /// named in a condition, the outcome of the record that decided the way on; for a fact
    /// recorded at a step, what that step's latest record gives.
    pub fn fact(&self, procedure: &Procedure, id: FactIndex) -> Option<FactValue> {
        let fact = procedure.fact(id);
        if let Some(step) = fact.recorded_at {
            // A fact recorded at a step: the step's latest record gives it.
            return self.case.latest_record(step, self.as_of)?.recorded(id);
        }
        let Some(decision) = fact.decided_by else {
            return self.case.fact(id);
        };
        let outcome = match procedure.step(decision).repeats {
            // A decision that may repeat: its latest occurrence decided the way on.
            true => self.case.latest_record(decision, self.as_of)?.outcome?,
            false => {
                let row = self.rows.iter().find(|row| row.step == decision)?;
                self.case.events.get(row.event?)?.outcome?
            }
        };
        Some(FactValue::Choice(outcome as u32))
    }

    /// The share of the case's records that arrived where the procedure expected them: 1 when
    /// the case fits (or has no records).
    pub fn fit(&self) -> f64 {
        match self.records {
            0 => 1.0,
            n => f64::from(self.fitting) / f64::from(n),
        }
    }
}

/// A case run, or a case whose data could not be read.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "a result is made for every case and used at once: boxing the report cost an allocation a case"
)]
pub enum CaseResult {
    Ran(CaseReport),
    Bad(BadCase),
}

impl CaseResult {
    pub fn case_id(&self) -> Option<&str> {
        match self {
            CaseResult::Ran(report) => Some(&report.case.id),
            CaseResult::Bad(bad) => bad.id.as_deref(),
        }
    }
}
