//! The syntax tree: what the author wrote, with a span on every node, before any name is resolved.

use chrono::NaiveDate;
use waymark_diagnostics::{FileId, Span};

/// The calendar's unit of time: one type from the text to the due date.
pub use waymark_calendar::Unit;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub file: FileId,
    pub header: Option<Header>,
    pub uses: Vec<Use>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
    pub starts: Vec<Name>,
    pub items: Vec<Item>,
}

/// A name as written, e.g. `initial_visit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A quoted text, unescaped, e.g. `"Initial visit"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// A calendar date as written, e.g. `2025-12-10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dated {
    pub date: NaiveDate,
    pub span: Span,
}

/// A whole number as written, e.g. the `45` of `45 working days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number {
    pub value: u32,
    pub span: Span,
}

/// `procedure assessment "Child and Family Assessment"` and its detail lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub id: Name,
    pub title: Option<Text>,
    pub version: Option<Text>,
    pub effective: Option<Dated>,
    pub calendar: Option<Name>,
    pub sources: Vec<Source>,
    pub span: Span,
}

/// `source protocol "Local Protocol for Assessment and Support" updated 2025-12-10`
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: Name,
    pub title: Text,
    pub updated: Option<Dated>,
    pub span: Span,
}

/// `use section47 from "section47.wm"`
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub procedure: Name,
    pub path: Text,
    pub span: Span,
}

/// `role manager "Social Work Manager"`
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub id: Name,
    pub title: Option<Text>,
    pub span: Span,
}

/// `fact threshold is one of level2, level3, level4`
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub id: Name,
    pub title: Option<Text>,
    pub kind: FactKind,
    pub optional: bool,
    /// `, recorded at strategy_discussion`: the step whose record gives the fact.
    pub recorded_at: Option<Name>,
    pub span: Span,
}

/// The values a fact can take.
#[derive(Clone, Debug, PartialEq)]
pub enum FactKind {
    OneOf(Vec<Name>),
    Date,
    Number,
    YesNo,
}

/// The kinds of item a case moves through (or, for checkpoints and recurring work, that run
/// alongside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Step,
    Decision,
    Together,
    Checkpoint,
    Recurring,
    End,
}

impl ItemKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Step => "step",
            ItemKind::Decision => "decision",
            ItemKind::Together => "together",
            ItemKind::Checkpoint => "checkpoint",
            ItemKind::Recurring => "recurring",
            ItemKind::End => "end",
        }
    }
}

/// A step, decision, together block, checkpoint, recurring obligation or end, with its details.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub id: Name,
    pub title: Option<Text>,
    /// The span of the item's first line.
    pub span: Span,
    pub clauses: Vec<Clause>,
}

/// One detail line of an item.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClauseKind {
    /// `by social_worker or family_practitioner when threshold is level3`
    By {
        roles: Vec<Name>,
        guard: Option<Guard>,
        /// How the roles are joined: `or` (any one may act) or `and` (every one must act).
        join: RoleJoin,
    },
    /// `approved by manager` (or `approved by manager or cp_chair`): a recorded sign-off by
    /// another role.
    Approved { roles: Vec<Name> },
    /// `due ...` (the limit) or `target ...`
    Deadline(Deadline),
    /// `extendable by up to 10 working days with reason, approved by manager`
    Extendable(Extension),
    /// `overrun needs reason`
    OverrunNeedsReason,
    /// `untimed "the clock starts here"`
    Untimed(Text),
    /// `waivable with reason`
    Waivable,
    /// `may repeat`: every record of the step is an occurrence.
    MayRepeat,
    /// `optional "only when an agency cannot attend"`: the step may not happen at all.
    Optional(Text),
    /// `outcomes section47, section17`
    Outcomes(Vec<Name>),
    /// `on section47 then section47_enquiry`, or with a condition of its own: `on section47
    /// then enquiry when age is under_16`, `on section47 otherwise other_enquiry`.
    On {
        outcome: Name,
        target: Name,
        condition: OnCondition,
    },
    /// `then assessment_plan when threshold is level4`
    Then { target: Name, guard: Option<Guard> },
    /// `otherwise early_help_referral`
    Otherwise(Name),
    /// `all of initial_visit, child_seen_alone`
    AllOf(Vec<Name>),
    /// `any of legal_planning_referral, legal_representative_invited`: at least one piece.
    AnyOf(Vec<Name>),
    /// `at 5, 15, 30 working days after referral`
    At {
        offsets: Vec<Number>,
        unit: UnitWord,
        clock: Clock,
    },
    /// `every 6 weeks while child_protection_plan`, optionally `when threshold is level3`
    Every {
        amount: Number,
        unit: UnitWord,
        during: Name,
        guard: Option<Guard>,
    },
    /// `until assessment_complete`
    Until(Name),
    /// `cite protocol "45 working days" in "Timescales"`
    Cite(Cite),
}

impl ClauseKind {
    /// The keyword that starts the line, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::By { .. } => "by",
            ClauseKind::Approved { .. } => "approved",
            ClauseKind::Deadline(deadline) => match deadline.kind {
                DeadlineKind::Limit => "due",
                DeadlineKind::Target => "target",
            },
            ClauseKind::Extendable(_) => "extendable",
            ClauseKind::OverrunNeedsReason => "overrun",
            ClauseKind::Untimed(_) => "untimed",
            ClauseKind::Waivable => "waivable",
            ClauseKind::MayRepeat => "may",
            ClauseKind::Optional(_) => "optional",
            ClauseKind::Outcomes(_) => "outcomes",
            ClauseKind::On { .. } => "on",
            ClauseKind::Then { .. } => "then",
            ClauseKind::Otherwise(_) => "otherwise",
            ClauseKind::AllOf(_) => "all",
            ClauseKind::AnyOf(_) => "any",
            ClauseKind::At { .. } => "at",
            ClauseKind::Every { .. } => "every",
            ClauseKind::Until(_) => "until",
            ClauseKind::Cite(_) => "cite",
        }
    }
}

/// When a route out of a decision is taken, once the decision has the route's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum OnCondition {
    /// `on section47 then enquiry`: always.
    Always,
    /// `on section47 then enquiry when ...`: when the condition holds.
    When(Guard),
    /// `on section47 otherwise other_enquiry`: when no route of the outcome above it is taken.
    Otherwise,
}

impl OnCondition {
    /// Whether the route is taken whatever the facts (a plain `on ... then`, or `otherwise`).
    pub fn is_unconditional(&self) -> bool {
        !matches!(self, OnCondition::When(_))
    }
}

/// How the roles of a `by` line are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleJoin {
    /// One role, or `a or b`: any one of them may act.
    Any,
    /// `a and b`: every one of them must act.
    All,
    /// Both `and` and `or` on one line (an error the compiler reports); the span is the first
    /// `and`'s.
    Mixed(Span),
}

/// Whether a deadline is the limit (`due`) or a target that comes before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeadlineKind {
    Limit,
    Target,
}

/// `45 working days after referral`, `4 weeks before fact expected_delivery when ...`
#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub amount: Number,
    pub unit: UnitWord,
    pub clock: Clock,
    pub guard: Option<Guard>,
}

/// `extendable by up to 10 working days with reason, approved by manager`: how far a case may
/// move the step's limits, and who must sign the extension off (no one named: a reason is
/// enough).
#[derive(Clone, Debug, PartialEq)]
pub struct Extension {
    pub amount: Number,
    pub unit: UnitWord,
    pub approvers: Vec<Name>,
}

/// A unit as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitWord {
    pub unit: Unit,
    pub span: Span,
}

/// What a deadline counts from (or back from).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clock {
    /// `after referral`: from the day the named step was done.
    AfterStep(Name),
    /// `after fact date_of_birth`: from a date held in the case's facts.
    AfterFact(Name),
    /// `before fact expected_delivery`: back from a date held in the case's facts.
    BeforeFact(Name),
    /// `before icpc`: back from the day a later step was done (or is recorded as planned).
    BeforeStep(Name),
    /// `before each strategy_discussion`: back from every occurrence of a step that may repeat.
    BeforeEachStep(Name),
    /// `before each fact expected_delivery`: not a clock (a fact has one date), kept so that
    /// compile can say so.
    BeforeEachFact(Name),
    /// `after strategy_discussion is section47`: from the first occurrence of a decision
    /// recorded with that outcome.
    AfterOutcome(Name, Name),
}

impl Clock {
    pub fn name(&self) -> &Name {
        match self {
            Clock::AfterStep(name)
            | Clock::AfterFact(name)
            | Clock::BeforeFact(name)
            | Clock::BeforeStep(name)
            | Clock::BeforeEachStep(name)
            | Clock::BeforeEachFact(name)
            | Clock::AfterOutcome(name, _) => name,
        }
    }
}

/// `when a is x and b is known or c is not y`: alternatives (`or`) of conditions that must
/// all hold (`and`).
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    pub any_of: Vec<Vec<Condition>>,
    pub span: Span,
}

/// `threshold is level4`
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub fact: Name,
    pub test: Test,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Known,
    NotKnown,
    Is(Value),
    IsNot(Value),
    OneOf(Vec<Value>),
    AtLeast(Value),
    AtMost(Value),
    Before(Value),
    After(Value),
}

/// A value in a guard: a word (a one-of value, `yes`, `no`), a number or a date.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Word(Name),
    Number(Number),
    Date(Dated),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Word(name) => name.span,
            Value::Number(number) => number.span,
            Value::Date(date) => date.span,
        }
    }
}

/// `cite protocol "45 working days" in "Timescales"`
#[derive(Clone, Debug, PartialEq)]
pub struct Cite {
    pub source: Name,
    pub phrase: Text,
    pub section: Option<Text>,
}
