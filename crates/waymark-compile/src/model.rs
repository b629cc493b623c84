//! The resolved procedure: every name looked up, every guard typed, every deadline tied to the
//! event that starts its clock. The interpreter, the exporters and the comparer read only this.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::graph::FlowGraph;
use chrono::NaiveDate;
use std::cmp::Ordering;
use waymark_diagnostics::{FileId, Span};
pub use waymark_syntax::{DeadlineKind, Unit};

/// Index of a step in [`Procedure::steps`]; it is also the step's node index in the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepIndex(pub u32);

/// Index of a role in [`Procedure::roles`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleIndex(pub u32);

/// Index of a fact in [`Procedure::facts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactIndex(pub u32);

/// Index of a source document in [`Procedure::sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceIndex(pub u32);

/// A whole procedure, with the sub-procedures it uses merged in.
#[derive(Clone, Debug)]
pub struct Procedure {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub effective: Option<NaiveDate>,
    /// The calendar named in the header (`england-and-wales` when none is named).
    pub calendar: String,
    pub sources: Vec<Source>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
    pub steps: Vec<Step>,
    pub start: StepIndex,
    /// The procedures merged in with `use`, in the order they were first used.
    pub used: Vec<UsedProcedure>,
    pub graph: FlowGraph,
    /// Which together block each step's work belongs to (a parent tree).
    pub nesting: crate::nesting::Nesting,
    /// The file of the procedure itself (used files are in [`UsedProcedure`]).
    pub file: FileId,
    /// Step ids to steps, built on the first [`Procedure::step_named`]: a scan per lookup made
    /// comparing two versions of 90,000 steps quadratic.
    pub(crate) step_names: std::sync::OnceLock<std::collections::HashMap<String, StepIndex>>,
}

#[derive(Clone, Debug)]
pub struct UsedProcedure {
    pub id: String,
    pub title: String,
    /// The file as the first `use` line naming the procedure wrote it (`"section47.wm"`), for
    /// a drawing that points to the procedure's own chart.
    pub path: String,
    pub file: FileId,
    pub start: StepIndex,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub updated: Option<NaiveDate>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Role {
    pub id: String,
    pub title: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub id: String,
    pub title: String,
    pub kind: FactKind,
    pub optional: bool,
    pub span: Span,
    /// For a decision's outcome named in a condition (`when strategy_discussion is section47`):
    /// the decision. Such a fact is one of the decision's outcomes, known once the decision is
    /// recorded; a case never gives it.
    pub decided_by: Option<StepIndex>,
    /// `, recorded at strategy_discussion`: the step whose record gives the fact (`"facts"` on
    /// the event). Known only once that step is recorded; for a step that may repeat, its
    /// latest record gives the value. A case never gives it up front.
    pub recorded_at: Option<StepIndex>,
}

impl Fact {
    /// The step whose record makes the fact known (a decision for its outcome, the step a fact
    /// is recorded at), or `None` for a fact the case gives up front.
    pub fn known_at(&self) -> Option<StepIndex> {
        self.decided_by.or(self.recorded_at)
    }
}

/// The values a fact can take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// One of the listed words; a value is stored as its index in the list.
    OneOf(Vec<String>),
    Date,
    Number,
    YesNo,
}

impl FactKind {
    /// The kind in words, for messages: "one of level2, level3, level4", "a date".
    pub fn describe(&self) -> String {
        match self {
            FactKind::OneOf(values) => format!("one of {}", values.join(", ")),
            FactKind::Date => "a date".to_string(),
            FactKind::Number => "a number".to_string(),
            FactKind::YesNo => "yes or no".to_string(),
        }
    }
}

/// What kind of node a step is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Something done in a case.
    Task,
    /// A step whose result is one of its outcomes.
    Decision,
    /// The start of work done together; the work is its `members`, and `needed` says whether
    /// every piece must be done (`all of`) or one is enough (`any of`).
    Together {
        members: Vec<StepIndex>,
        join: StepIndex,
        needed: Needed,
    },
    /// Where the pieces of a together block meet again. It has no line of its own.
    Join { together: StepIndex },
    /// One occurrence of a scheduled checkpoint, e.g. `review_15`.
    Checkpoint {
        series: String,
        offset: u32,
        until: Option<StepIndex>,
    },
    /// Work due again and again while a case is at the `during` step, for the cases `when`
    /// holds of (every case when there is no condition).
    Recurring {
        every: u32,
        unit: Unit,
        during: StepIndex,
        when: Option<Guard>,
    },
    /// A terminal outcome: the case is closed.
    End,
}

/// How many pieces of a together block must be done for the block to be done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Needed {
    /// `all of a, b`: every piece, the block done on the date of the last.
    #[default]
    All,
    /// `any of a, b`: at least one piece (and/or), the block done on the date of the first;
    /// the pieces not done by then are not needed.
    Any,
}

impl Needed {
    /// The words that list the pieces: `all of` or `any of`.
    pub fn keyword(self) -> &'static str {
        match self {
            Needed::All => "all of",
            Needed::Any => "any of",
        }
    }
}

impl StepKind {
    /// For a together block whose pieces are alternatives (`any of`): its join.
    pub fn any_of_join(&self) -> Option<StepIndex> {
        match self {
            StepKind::Together {
                join,
                needed: Needed::Any,
                ..
            } => Some(*join),
            _ => None,
        }
    }
}

/// A step, decision, together block, checkpoint, recurring obligation or end.
#[derive(Clone, Debug)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub kind: StepKind,
    /// The procedure (by id) whose file declares this step.
    pub procedure: String,
    /// The item's first line.
    pub span: Span,
    /// The step's name on that line.
    pub name_span: Span,
    pub roles: Vec<RoleRule>,
    pub deadlines: Vec<Deadline>,
    pub untimed: Option<String>,
    pub waivable: bool,
    /// `may repeat`: every record of the step is an occurrence, not a repeat; a decision's
    /// branch follows its latest occurrence.
    pub repeats: bool,
    /// `optional "why"`: the step may not happen at all. A case that moves past it unrecorded
    /// has no gap there, and its due date binds only work that was done.
    pub optional: Option<Optional>,
    pub overrun_needs_reason: bool,
    pub outcomes: Vec<Outcome>,
    pub routes: Vec<Route>,
    pub cites: Vec<Citation>,
    /// `approved by manager`: a step done needs a recorded sign-off by one of these roles.
    pub approval: Option<Approval>,
    /// `extendable by up to 10 working days with reason, approved by manager`: how far a case
    /// may move the step's limits counted after an event.
    pub extension: Option<Extension>,
}

/// An `optional` line: why the step may not happen, and where that is said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Optional {
    pub reason: String,
    pub span: Span,
}

/// `extendable by up to 10 working days with reason, approved by manager`: a case may move the
/// step's limits counted after an event by what it records, up to `amount` `unit`s in all,
/// each extension with its reason and, when `approvers` are named, a sign-off by one of them.
#[derive(Clone, Debug)]
pub struct Extension {
    pub amount: u32,
    pub unit: Unit,
    /// Who may approve an extension; none named: a recorded reason is enough.
    pub approvers: Vec<RoleIndex>,
    /// The whole line.
    pub span: Span,
    /// The bound as written: `10 working days`.
    pub bound_span: Span,
}

/// `approved by manager or cp_chair`: who may sign a step off.
#[derive(Clone, Debug)]
pub struct Approval {
    pub roles: Vec<RoleIndex>,
    pub span: Span,
}

impl Step {
    /// Whether a case at this step can move on by itself (ends cannot; checkpoints and recurring
    /// work run alongside the path rather than on it).
    pub fn is_on_path(&self) -> bool {
        !matches!(
            self.kind,
            StepKind::Checkpoint { .. } | StepKind::Recurring { .. }
        )
    }

    pub fn is_end(&self) -> bool {
        matches!(self.kind, StepKind::End)
    }

    /// Where a case moves on from this step, going by its facts: the first `then ... when`
    /// whose condition holds, else a plain `then`, else `otherwise`. (Decisions move on by
    /// their outcome instead.)
    pub fn route_by_facts(
        &self,
        fact_value: &impl Fn(FactIndex) -> Option<FactValue>,
    ) -> Option<StepIndex> {
        // One pass (this runs for every step of every case): the first condition that holds
        // wins at once; the first plain `then` and `otherwise` are kept in case none does.
        let (mut always, mut otherwise) = (None, None);
        for route in &self.routes {
            match &route.when {
                RouteWhen::Guard(guard) if guard.holds(fact_value) => return Some(route.target),
                RouteWhen::Always if always.is_none() => always = Some(route.target),
                RouteWhen::Otherwise if otherwise.is_none() => otherwise = Some(route.target),
                _ => {}
            }
        }
        always.or(otherwise)
    }

    /// Where a decision moves on once it has decided `outcome`: the routes of that outcome are
    /// tried in the order written, and the first whose condition holds (a plain `on ... then`
    /// and `otherwise` always hold) is taken. `fact_value` is read only for routes with a
    /// condition, so a decision without them costs one scan of its routes.
    pub fn route_by_outcome(
        &self,
        outcome: usize,
        fact_value: &impl Fn(FactIndex) -> Option<FactValue>,
    ) -> Option<StepIndex> {
        self.routes
            .iter()
            .find(|route| match &route.when {
                RouteWhen::Outcome(o) | RouteWhen::OutcomeOtherwise(o) => *o == outcome,
                RouteWhen::OutcomeWhen(o, guard) => *o == outcome && guard.holds(fact_value),
                RouteWhen::Always | RouteWhen::Guard(_) | RouteWhen::Otherwise => false,
            })
            .map(|route| route.target)
    }

    /// The conditions on the routes of one outcome of a decision (none for most decisions).
    pub fn outcome_guards(&self, outcome: usize) -> impl Iterator<Item = &Guard> {
        self.routes
            .iter()
            .filter_map(move |route| match &route.when {
                RouteWhen::OutcomeWhen(o, guard) if *o == outcome => Some(guard),
                _ => None,
            })
    }

    /// The limits (`due` lines), without targets.
    pub fn limits(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines
            .iter()
            .filter(|d| d.kind == DeadlineKind::Limit)
    }

    /// The limits an extension moves: those counted after an event. A limit counted back from
    /// a later event (`before`) keeps the work ready in time for it; waiting longer cannot.
    pub fn extendable_limits(&self) -> impl Iterator<Item = &Deadline> {
        self.limits()
            .filter(|deadline| !deadline.clock.counts_back())
    }

    /// The targets.
    pub fn targets(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines
            .iter()
            .filter(|d| d.kind == DeadlineKind::Target)
    }
}

/// `by social_worker or family_practitioner when threshold is level3`
#[derive(Clone, Debug)]
pub struct RoleRule {
    pub roles: Vec<RoleIndex>,
    /// `by a and b`: every role named must act (a record by each); otherwise any one may.
    pub all: bool,
    pub guard: Option<Guard>,
    pub span: Span,
}

impl RoleRule {
    /// The word between the rule's roles: " and " when every one must act, else " or ".
    pub fn joiner(&self) -> &'static str {
        if self.all { " and " } else { " or " }
    }
}

/// A deadline with its clock resolved.
#[derive(Clone, Debug)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: Unit,
    pub clock: Clock,
    pub guard: Option<Guard>,
    pub span: Span,
}

impl Deadline {
    /// For work due at once, counted from an event: "same day" (that very day) or "same
    /// working day" (that day, or the next working day when it is not one).
    pub fn same_day(&self) -> Option<&'static str> {
        if self.amount != 0 || self.clock.counts_back() {
            return None;
        }
        self.unit.same_day()
    }
}

impl Clock {
    /// The step whose record starts the clock, if a step does.
    pub fn step(self) -> Option<StepIndex> {
        match self {
            Clock::AfterStep(step)
            | Clock::BeforeStep(step)
            | Clock::BeforeEachStep(step)
            | Clock::AfterOutcome(step, _) => Some(step),
            Clock::AfterFact(_) | Clock::BeforeFact(_) => None,
        }
    }

    /// Whether the deadline falls before its clock event rather than after it.
    pub fn counts_back(self) -> bool {
        matches!(
            self,
            Clock::BeforeFact(_) | Clock::BeforeStep(_) | Clock::BeforeEachStep(_)
        )
    }

    /// The step whose every occurrence this deadline counts back from (`before each STEP`):
    /// the work is then due once per occurrence.
    pub fn each_occurrence_of(self) -> Option<StepIndex> {
        match self {
            Clock::BeforeEachStep(step) => Some(step),
            _ => None,
        }
    }
}

/// The event a deadline counts from, or back from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Clock {
    /// From the day (or, for hours, the time) a step was done.
    AfterStep(StepIndex),
    /// From a date fact of the case.
    AfterFact(FactIndex),
    /// Back from a date fact of the case.
    BeforeFact(FactIndex),
    /// Back from the day a later step was done: known once that step is recorded.
    BeforeStep(StepIndex),
    /// Back from every occurrence of a step that may repeat: the work is due once before each
    /// (`crates/waymark-run/src/replay/each.rs` pairs records with occurrences).
    BeforeEachStep(StepIndex),
    /// From the first occurrence of a decision recorded with an outcome (an index into its
    /// `outcomes`): known once there is one.
    AfterOutcome(StepIndex, u32),
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub span: Span,
}

/// One way on from a step.
#[derive(Clone, Debug)]
pub struct Route {
    pub target: StepIndex,
    pub when: RouteWhen,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum RouteWhen {
    /// `then X`
    Always,
    /// `then X when ...`
    Guard(Guard),
    /// `otherwise X`
    Otherwise,
    /// `on OUTCOME then X`: the index into the decision's outcomes.
    Outcome(usize),
    /// `on OUTCOME then X when ...`: that outcome, when the condition holds.
    OutcomeWhen(usize, Guard),
    /// `on OUTCOME otherwise X`: that outcome, when no route of it above this one was taken.
    OutcomeOtherwise(usize),
}

impl RouteWhen {
    /// For a route out of a decision: the index of its outcome.
    pub fn outcome(&self) -> Option<usize> {
        match self {
            RouteWhen::Outcome(outcome)
            | RouteWhen::OutcomeWhen(outcome, _)
            | RouteWhen::OutcomeOtherwise(outcome) => Some(*outcome),
            RouteWhen::Always | RouteWhen::Guard(_) | RouteWhen::Otherwise => None,
        }
    }

    /// The condition on facts the route tests: a step's `then ... when`, or the condition of
    /// a decision's route of its own.
    pub fn guard(&self) -> Option<&Guard> {
        match self {
            RouteWhen::Guard(guard) | RouteWhen::OutcomeWhen(_, guard) => Some(guard),
            _ => None,
        }
    }
}

/// A condition on facts: alternatives (`or`) of conditions that must all hold (`and`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guard {
    pub any_of: Vec<Vec<Condition>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub fact: FactIndex,
    pub test: Test,
    pub span: Span,
}

/// A typed test of one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    Known,
    NotKnown,
    Is(FactValue),
    IsNot(FactValue),
    OneOf(Vec<FactValue>),
    AtLeast(FactValue),
    AtMost(FactValue),
    Before(FactValue),
    After(FactValue),
}

/// A value a fact can hold in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactValue {
    /// The index of the word in a `one of` fact's list.
    Choice(u32),
    Number(u32),
    Date(NaiveDate),
    YesNo(bool),
}

#[derive(Clone, Debug)]
pub struct Citation {
    pub source: SourceIndex,
    pub phrase: String,
    pub section: Option<String>,
    pub span: Span,
    /// The span of the quoted phrase.
    pub phrase_span: Span,
}

impl Procedure {
    pub fn step(&self, id: StepIndex) -> &Step {
        // Step ids are only made by the compiler, as indexes into this vector.
        &self.steps[id.0 as usize]
    }

    pub fn role(&self, id: RoleIndex) -> &Role {
        &self.roles[id.0 as usize]
    }

    pub fn fact(&self, id: FactIndex) -> &Fact {
        &self.facts[id.0 as usize]
    }

    pub fn source(&self, id: SourceIndex) -> &Source {
        &self.sources[id.0 as usize]
    }

    /// Looks a step up by the name case files use.
    pub fn step_named(&self, name: &str) -> Option<StepIndex> {
        let names = self.step_names.get_or_init(|| {
            let mut names = std::collections::HashMap::with_capacity(self.steps.len());
            for (index, step) in self.steps.iter().enumerate() {
                // The first step of a name wins, as the scan this replaces found it first.
                names
                    .entry(step.id.clone())
                    .or_insert(StepIndex(index as u32));
            }
            names
        });
        match names.get(name) {
            None => None,
            Some(id) if self.steps.get(id.0 as usize).is_some_and(|s| s.id == name) => Some(*id),
            // Steps are public; should they have changed since the index was built, scan.
            Some(_) => self
                .steps
                .iter()
                .position(|step| step.id == name)
                .map(|i| StepIndex(i as u32)),
        }
    }

    pub fn step_ids(&self) -> impl Iterator<Item = StepIndex> + '_ {
        (0..self.steps.len() as u32).map(StepIndex)
    }
}

/// Evaluates guards against a case's facts. `None` means the fact is not known for the case.
impl Guard {
    pub fn holds(&self, fact_value: &impl Fn(FactIndex) -> Option<FactValue>) -> bool {
        self.any_of.iter().any(|all| {
            all.iter()
                .all(|condition| condition.holds(fact_value(condition.fact)))
        })
    }
}

impl Condition {
    pub fn holds(&self, value: Option<FactValue>) -> bool {
        match (&self.test, value) {
            (Test::Known, value) => value.is_some(),
            (Test::NotKnown, value) => value.is_none(),
            (_, None) => false,
            (Test::Is(expected), Some(value)) => value == *expected,
            (Test::IsNot(expected), Some(value)) => value != *expected,
            (Test::OneOf(options), Some(value)) => options.contains(&value),
            (Test::AtLeast(bound), Some(value)) => {
                compare(value, *bound).is_some_and(Ordering::is_ge)
            }
            (Test::AtMost(bound), Some(value)) => {
                compare(value, *bound).is_some_and(Ordering::is_le)
            }
            (Test::After(bound), Some(value)) => {
                compare(value, *bound).is_some_and(Ordering::is_gt)
            }
            (Test::Before(bound), Some(value)) => {
                compare(value, *bound).is_some_and(Ordering::is_lt)
            }
        }
    }
}

fn compare(value: FactValue, bound: FactValue) -> Option<Ordering> {
    match (value, bound) {
        (FactValue::Number(a), FactValue::Number(b)) => Some(a.cmp(&b)),
        (FactValue::Date(a), FactValue::Date(b)) => Some(a.cmp(&b)),
        _ => None,
    }
}
