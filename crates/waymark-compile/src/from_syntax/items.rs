//! The second pass: each item's details, and the guards on them.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use super::Resolver;
use super::references::Use;
use super::{Details, checkpoint_offsets};
use crate::model::*;
use crate::names::Namespace;
use waymark_diagnostics::{Code, Diagnostic, Span};
use waymark_syntax::{self as syntax, ClauseKind, Document, Item, ItemKind};

/// A decision's outcomes with a lookup by name, so resolving its `on` lines is linear (a
/// scan per line made a decision with 40,000 outcomes take seconds).
#[derive(Default)]
pub(super) struct OutcomeNames<'a> {
    list: &'a [Outcome],
    by_name: std::collections::HashMap<&'a str, usize>,
}

impl<'a> OutcomeNames<'a> {
    fn new(list: &'a [Outcome]) -> Self {
        let by_name = list
            .iter()
            .enumerate()
            .map(|(index, outcome)| (outcome.id.as_str(), index))
            .collect();
        OutcomeNames { list, by_name }
    }
}

impl Resolver<'_> {
    // ----------------------------------------------------------------------------------------
    // Second pass: each item's details.

    pub(super) fn resolve_items(&mut self, document: &Document) {
        for (index, item) in document.items.iter().enumerate() {
            let steps = self
                .item_steps
                .get(&(document.file.0, index as u32))
                .cloned()
                .unwrap_or_default();
            let Some(&first) = steps.first() else {
                continue;
            };
            match item.kind {
                ItemKind::Checkpoint => self.resolve_checkpoint(item, &steps),
                ItemKind::Together => self.resolve_together(item, first, steps.get(1).copied()),
                _ => self.resolve_step(item, first),
            }
        }
    }

    /// A decision's outcomes, from its `outcomes` line.
    pub(super) fn declare_outcomes(&mut self, document: &Document) {
        for (index, item) in document.items.iter().enumerate() {
            let names = item.clauses.iter().find_map(|clause| match &clause.kind {
                ClauseKind::Outcomes(names) => Some(names),
                _ => None,
            });
            let (Some(names), ItemKind::Decision) = (names, item.kind) else {
                continue;
            };
            let step = self
                .item_steps
                .get(&(document.file.0, index as u32))
                .and_then(|steps| steps.first().copied());
            let outcomes = self.outcomes(names);
            if let Some(target) = step.and_then(|step| self.steps.get_mut(step.0 as usize)) {
                target.outcomes = outcomes;
            }
        }
    }

    pub(super) fn resolve_step(&mut self, item: &Item, step: StepIndex) {
        let mut details = Details::default();
        // Declared with every decision's outcomes, before any detail.
        let outcomes = self
            .steps
            .get(step.0 as usize)
            .map(|step| step.outcomes.clone())
            .unwrap_or_default();
        for clause in &item.clauses {
            if let ClauseKind::Every {
                amount,
                unit,
                during,
                guard,
            } = &clause.kind
            {
                self.resolve_every(step, *amount, *unit, during, guard.as_ref());
            }
        }
        let named = OutcomeNames::new(&outcomes);
        for clause in &item.clauses {
            self.detail(clause, step, &named, &mut details);
        }
        self.finish(step, details, outcomes);
    }

    pub(super) fn resolve_together(
        &mut self,
        item: &Item,
        together: StepIndex,
        join: Option<StepIndex>,
    ) {
        let mut details = Details::default();
        for clause in &item.clauses {
            if let ClauseKind::AllOf(names) | ClauseKind::AnyOf(names) = &clause.kind {
                let members = self.pieces(item, names, clause);
                if let Some(StepKind::Together { members: slot, .. }) =
                    self.steps.get_mut(together.0 as usize).map(|s| &mut s.kind)
                {
                    *slot = members;
                }
            } else {
                self.detail(clause, together, &OutcomeNames::default(), &mut details);
            }
        }
        // The block moves on once every piece is done, so its routes leave from the join.
        let routes = std::mem::take(&mut details.routes);
        self.finish(together, details, Vec::new());
        if let Some(join) = join.and_then(|join| self.steps.get_mut(join.0 as usize)) {
            join.routes = routes;
        }
    }

    pub(super) fn resolve_checkpoint(&mut self, item: &Item, steps: &[StepIndex]) {
        let mut until = None;
        let mut clock = None;
        for clause in &item.clauses {
            match &clause.kind {
                ClauseKind::Until(name) => until = self.step_ref(name, Use::Until),
                ClauseKind::At {
                    clock: at_clock, ..
                } => clock = self.clock(at_clock),
                _ => {}
            }
        }
        for (&step, (offset, unit)) in steps.iter().zip(checkpoint_offsets(item)) {
            let mut details = Details::default();
            for clause in &item.clauses {
                self.detail(clause, step, &OutcomeNames::default(), &mut details);
            }
            if let Some(clock) = clock {
                let span = item
                    .clauses
                    .iter()
                    .find(|c| matches!(c.kind, ClauseKind::At { .. }))
                    .map_or(item.span, |c| c.span);
                details.deadlines.push(Deadline {
                    kind: DeadlineKind::Limit,
                    amount: offset,
                    unit: unit.unit,
                    clock,
                    guard: None,
                    span,
                });
                if let Clock::AfterStep(clock_step) | Clock::AfterOutcome(clock_step, _) = clock {
                    self.schedules.push((clock_step, step));
                }
            }
            if let Some(StepKind::Checkpoint { until: slot, .. }) =
                self.steps.get_mut(step.0 as usize).map(|s| &mut s.kind)
            {
                *slot = until;
            }
            self.finish(step, details, Vec::new());
        }
    }

    pub(super) fn resolve_every(
        &mut self,
        step: StepIndex,
        amount: syntax::Number,
        unit: syntax::UnitWord,
        during: &syntax::Name,
        guard: Option<&syntax::Guard>,
    ) {
        let Some(during) = self.step_ref(during, Use::While) else {
            return;
        };
        let when = match guard {
            Some(guard) => match self.guard(guard) {
                Some(guard) => Some(guard),
                None => return,
            },
            None => None,
        };
        if let Some(target) = self.steps.get_mut(step.0 as usize) {
            target.kind = StepKind::Recurring {
                every: amount.value,
                unit: unit.unit,
                during,
                when,
            };
        }
        self.schedules.push((during, step));
    }

    /// Resolves one detail line into `details`. Lines handled by the item's own resolver
    /// (`outcomes`, `all of`, `at`, `every`, `until`) are skipped here.
    pub(super) fn detail(
        &mut self,
        clause: &syntax::Clause,
        step: StepIndex,
        outcomes: &OutcomeNames<'_>,
        details: &mut Details,
    ) {
        match &clause.kind {
            ClauseKind::By { roles, guard, join } => {
                if *join == syntax::RoleJoin::All && self.repeats(step) {
                    self.joint_roles_on_repeated_work(step, clause.span);
                    return;
                }
                self.role_rule(roles, *join, guard.as_ref(), clause.span, details)
            }
            ClauseKind::Approved { roles } => {
                let ids = self.distinct_roles(roles);
                if !ids.is_empty() {
                    details.approval = Some(Approval {
                        roles: ids,
                        span: clause.span,
                    });
                }
            }
            ClauseKind::Deadline(deadline) => details
                .deadlines
                .extend(self.deadline(deadline, clause.span)),
            ClauseKind::Extendable(extension) => {
                details.extension = self.extension(extension, clause.span);
            }
            ClauseKind::OverrunNeedsReason => details.overrun = true,
            ClauseKind::Untimed(reason) => details.untimed = Some(reason.value.clone()),
            ClauseKind::Waivable => details.waivable = true,
            ClauseKind::MayRepeat => details.repeats = true,
            ClauseKind::Optional(reason) => {
                details.optional = Some(Optional {
                    reason: reason.value.clone(),
                    span: clause.span,
                });
            }
            ClauseKind::On {
                outcome,
                target,
                condition,
            } => details.routes.extend(self.on_route(
                step,
                outcomes,
                (outcome, condition),
                target,
                clause.span,
            )),
            ClauseKind::Then { target, guard } => {
                let when = match guard {
                    Some(guard) => self.guard(guard).map(RouteWhen::Guard),
                    None => Some(RouteWhen::Always),
                };
                details.routes.extend(self.route(target, when, clause.span));
            }
            ClauseKind::Otherwise(target) => {
                details
                    .routes
                    .extend(self.route(target, Some(RouteWhen::Otherwise), clause.span))
            }
            ClauseKind::Cite(cite) => details.cites.extend(self.citation(cite, clause.span)),
            ClauseKind::Outcomes(_)
            | ClauseKind::AllOf(_)
            | ClauseKind::AnyOf(_)
            | ClauseKind::At { .. }
            | ClauseKind::Every { .. }
            | ClauseKind::Until(_) => {}
        }
    }

    pub(super) fn finish(&mut self, step: StepIndex, details: Details, outcomes: Vec<Outcome>) {
        let Some(target) = self.steps.get_mut(step.0 as usize) else {
            return;
        };
        target.roles = details.roles;
        target.deadlines = details.deadlines;
        target.untimed = details.untimed;
        target.waivable = details.waivable;
        target.repeats = details.repeats;
        target.optional = details.optional;
        target.overrun_needs_reason = details.overrun;
        target.routes = details.routes;
        target.cites = details.cites;
        target.approval = details.approval;
        target.outcomes = outcomes;
        target.extension = details.extension;
        self.each_clock_alone(step);
        self.extension_units(step);
    }

    /// An `extendable` line: its bound (zero allows nothing, WM0230) and its approvers.
    fn extension(&mut self, extension: &syntax::Extension, span: Span) -> Option<Extension> {
        let bound_span = extension.amount.span.to(extension.unit.span);
        if extension.amount.value == 0 {
            self.report(
                Diagnostic::new(
                    Code::ExtensionOfNothing,
                    extension.amount.span,
                    "this extension allows no extra time: its bound is zero",
                )
                .label("a bound of zero")
                .help(
                    "give the longest extension the guidance allows, such as `extendable by up \
                     to 10 working days with reason`, or delete the line",
                ),
            );
            return None;
        }
        Some(Extension {
            amount: extension.amount.value,
            unit: extension.unit.unit,
            approvers: self.distinct_roles(&extension.approvers),
            span,
            bound_span,
        })
    }

    /// An extension counts in hours only on limits in hours, and in days, weeks or months only
    /// on limits counted in those (WM0231): moving a due day by hours, or a due time by days,
    /// would invent or lose a time of day.
    fn extension_units(&mut self, step: StepIndex) {
        let Some(target) = self.steps.get(step.0 as usize) else {
            return;
        };
        let Some(extension) = &target.extension else {
            return;
        };
        let hours = extension.unit == Unit::Hours;
        let Some(limit) = target
            .extendable_limits()
            .find(|limit| (limit.unit == Unit::Hours) != hours)
        else {
            return;
        };
        let diagnostic = Diagnostic::new(
            Code::ExtensionUnitMismatch,
            extension.bound_span,
            format!(
                "this extension counts in {}, but the limit it extends counts in {}",
                extension.unit.words(2u32),
                limit.unit.words(2u32)
            ),
        )
        .label("not the limit's kind of unit")
        .related(limit.span, "the limit")
        .help(match hours {
            true => "count the extension in days, as the limit is counted: `extendable by up to 2 working days ...`",
            false => "count the extension in hours, as the limit is counted: `extendable by up to 24 hours ...`",
        });
        self.report(diagnostic);
    }

    pub(super) fn role_rule(
        &mut self,
        names: &[syntax::Name],
        join: syntax::RoleJoin,
        guard: Option<&syntax::Guard>,
        span: Span,
        details: &mut Details,
    ) {
        if let syntax::RoleJoin::Mixed(and) = join {
            // "a or b and c" could mean two different rules; make the author pick one.
            self.report(
                Diagnostic::new(
                    Code::RolesJoinedBothWays,
                    and,
                    "this `by` line joins its roles with both `or` and `and`",
                )
                .label("`and` after `or`")
                .help(
                    "write `by a or b` when any one of them may act, `by a and b` when every \
                     one must; for both kinds of rule, use two `by` lines with conditions",
                ),
            );
            return;
        }
        let roles = self.distinct_roles(names);
        let guard = match guard {
            Some(guard) => match self.guard(guard) {
                Some(guard) => Some(guard),
                None => return,
            },
            None => None,
        };
        if !roles.is_empty() {
            let all = join == syntax::RoleJoin::All;
            details.roles.push(RoleRule {
                roles,
                all,
                guard,
                span,
            });
        }
    }

    /// Whether `step` is a checkpoint occurrence or recurring work: work done again and again,
    /// whose records are occurrences rather than one record per role.
    fn repeats(&self, step: StepIndex) -> bool {
        self.steps.get(step.0 as usize).is_some_and(|s| {
            matches!(
                s.kind,
                StepKind::Checkpoint { .. } | StepKind::Recurring { .. }
            )
        })
    }

    fn joint_roles_on_repeated_work(&mut self, step: StepIndex, span: Span) {
        // A checkpoint's lines are resolved once per occurrence: say it once.
        let said = self
            .diagnostics
            .iter()
            .any(|d| d.code == Code::JointRolesOnRepeatedWork && d.primary.span == span);
        if said {
            return;
        }
        let what = match self.steps.get(step.0 as usize).map(|s| &s.kind) {
            Some(StepKind::Checkpoint { .. }) => "a checkpoint",
            _ => "recurring work",
        };
        self.report(
            Diagnostic::new(
                Code::JointRolesOnRepeatedWork,
                span,
                format!("`by ... and ...` is given for {what}"),
            )
            .label("every role must act: not for work done again and again")
            .help(
                "each record of it is an occurrence, so a record per role cannot be told from \
                 a second occurrence; use `by a or b`, or make the joint work a step of its own",
            ),
        );
    }

    /// The roles a `by` or `approved by` line names, each looked up once; a role named twice
    /// is reported (it would be a rule that says nothing more, or a sign-off by nobody new).
    fn distinct_roles(&mut self, names: &[syntax::Name]) -> Vec<RoleIndex> {
        let mut roles: Vec<RoleIndex> = Vec::with_capacity(names.len());
        for (index, name) in names.iter().enumerate() {
            if let Some(earlier) = names[..index].iter().find(|n| n.text == name.text) {
                self.report(
                    Diagnostic::new(
                        Code::RoleNamedTwice,
                        name.span,
                        format!("the role `{}` is named twice on this line", name.text),
                    )
                    .label("named again")
                    .related(earlier.span, "first named here")
                    .help("name each role once"),
                );
                continue;
            }
            roles.extend(self.role(name));
        }
        roles
    }

    pub(super) fn deadline(&mut self, deadline: &syntax::Deadline, span: Span) -> Option<Deadline> {
        let clock = self.clock(&deadline.clock)?;
        let guard = match &deadline.guard {
            Some(guard) => Some(self.guard(guard)?),
            None => None,
        };
        Some(Deadline {
            kind: deadline.kind,
            amount: deadline.amount.value,
            unit: deadline.unit.unit,
            clock,
            guard,
            span,
        })
    }

    pub(super) fn clock(&mut self, clock: &syntax::Clock) -> Option<Clock> {
        match clock {
            syntax::Clock::AfterStep(name) => self.step_ref(name, Use::Clock).map(Clock::AfterStep),
            syntax::Clock::AfterFact(name) => self.date_fact(name, false).map(Clock::AfterFact),
            syntax::Clock::BeforeFact(name) => self.date_fact(name, true).map(Clock::BeforeFact),
            syntax::Clock::BeforeStep(name) => {
                self.step_ref(name, Use::Clock).map(Clock::BeforeStep)
            }
            syntax::Clock::BeforeEachStep(name) => {
                self.step_ref(name, Use::Clock).map(Clock::BeforeEachStep)
            }
            syntax::Clock::BeforeEachFact(name) => {
                self.before_each_fact(name);
                None
            }
            syntax::Clock::AfterOutcome(decision, outcome) => {
                let step = self.step_ref(decision, Use::Clock)?;
                self.clock_outcome(step, decision, outcome)
                    .map(|index| Clock::AfterOutcome(step, index))
            }
        }
    }

    /// The outcome named in `after DECISION is OUTCOME`, as an index into the decision's
    /// outcomes: only a decision has outcomes, and only those on its `outcomes` line.
    fn clock_outcome(
        &mut self,
        step: StepIndex,
        decision: &syntax::Name,
        outcome: &syntax::Name,
    ) -> Option<u32> {
        let target = self.steps.get(step.0 as usize)?;
        if target.kind != StepKind::Decision {
            let what = super::references::describe_kind(&target.kind);
            self.report(
                Diagnostic::new(
                    Code::OutcomeOfNonDecision,
                    outcome.span,
                    format!(
                        "`{}` has no outcomes to count from: it is {what}, not a decision",
                        decision.text
                    ),
                )
                .label("an outcome is named here")
                .related(
                    target.name_span,
                    format!("`{}` is declared here", decision.text),
                )
                .help(format!(
                    "count from the step itself, `after {}`, or name a decision and one of its \
                     outcomes: `after strategy_discussion is section47`",
                    decision.text
                )),
            );
            return None;
        }
        if let Some(index) = target.outcomes.iter().position(|o| o.id == outcome.text) {
            return Some(index as u32);
        }
        let declared: Vec<&str> = target.outcomes.iter().map(|o| o.id.as_str()).collect();
        let help = match waymark_diagnostics::did_you_mean(&outcome.text, declared.iter().copied())
        {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "count from one of the outcomes of `{}`: {}",
                decision.text,
                declared.join(", ")
            ),
        };
        let diagnostic = Diagnostic::new(
            Code::UnknownClockOutcome,
            outcome.span,
            format!(
                "the decision `{}` has no outcome `{}` to count from",
                decision.text, outcome.text
            ),
        )
        .label("not one of the decision's outcomes")
        .related(
            target.name_span,
            format!("`{}` is declared here", decision.text),
        )
        .help(help);
        self.report(diagnostic);
        None
    }

    /// A fact a deadline counts from (`after fact X`) or back from (`before`, when
    /// `backwards`): it must be a date.
    pub(super) fn date_fact(&mut self, name: &syntax::Name, backwards: bool) -> Option<FactIndex> {
        let fact = self.fact(name)?;
        let kind = &self.facts[fact.0 as usize].kind;
        if *kind == FactKind::Date {
            return self.clock_fact_given_up_front(fact, name).then_some(fact);
        }
        let (message, help) = match backwards {
            true => (
                format!(
                    "`before` counts back from a date, but `{}` is {}",
                    name.text,
                    kind.describe()
                ),
                "`before fact NAME` needs a fact declared `is a date`, such as an expected \
                 delivery date; to count forwards from a step, write `after STEP`",
            ),
            false => (
                format!(
                    "a deadline can only count from a date, but `{}` is {}",
                    name.text,
                    kind.describe()
                ),
                "count from a step (`after referral`) or from a fact declared `is a date`",
            ),
        };
        self.report(
            Diagnostic::new(Code::MisplacedClock, name.span, message)
                .label("not a date fact")
                .help(help),
        );
        None
    }

    pub(super) fn route(
        &mut self,
        target: &syntax::Name,
        when: Option<RouteWhen>,
        span: Span,
    ) -> Option<Route> {
        let target = self.step_ref(target, Use::Route)?;
        Some(Route {
            target,
            when: when?,
            span,
        })
    }

    pub(super) fn on_route(
        &mut self,
        step: StepIndex,
        outcomes: &OutcomeNames<'_>,
        (outcome, condition): (&syntax::Name, &syntax::OnCondition),
        target: &syntax::Name,
        span: Span,
    ) -> Option<Route> {
        let Some(&index) = outcomes.by_name.get(outcome.text.as_str()) else {
            let decision = self.steps[step.0 as usize].id.clone();
            let declared: Vec<&str> = outcomes.list.iter().map(|o| o.id.as_str()).collect();
            let help =
                match waymark_diagnostics::did_you_mean(&outcome.text, declared.iter().copied()) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None => format!(
                        "add `{}` to the decision's `outcomes` line, or handle one of: {}",
                        outcome.text,
                        declared.join(", ")
                    ),
                };
            self.report(
                Diagnostic::new(
                    Code::UnknownOutcome,
                    outcome.span,
                    format!(
                        "the decision `{decision}` has no outcome `{}`",
                        outcome.text
                    ),
                )
                .label("not one of the decision's outcomes")
                .help(help),
            );
            return None;
        };
        let when = match condition {
            syntax::OnCondition::Always => Some(RouteWhen::Outcome(index)),
            syntax::OnCondition::Otherwise => Some(RouteWhen::OutcomeOtherwise(index)),
            syntax::OnCondition::When(guard) => self.guard(guard).map(|guard| {
                self.route_tests_own_decision(step, &guard);
                RouteWhen::OutcomeWhen(index, guard)
            }),
        };
        self.route(target, when, span)
    }

    /// WM0239: a route's condition that tests what its own decision decided repeats the
    /// route's outcome, or can never hold.
    fn route_tests_own_decision(&mut self, step: StepIndex, guard: &Guard) {
        for condition in guard.any_of.iter().flatten() {
            if self.facts[condition.fact.0 as usize].decided_by != Some(step) {
                continue;
            }
            let decision = self.steps[step.0 as usize].id.clone();
            self.report(
                Diagnostic::new(
                    Code::RouteTestsOwnDecision,
                    condition.span,
                    format!(
                        "this condition tests what `{decision}` decided, on a route that \
                         `{decision}` itself chooses by its outcome"
                    ),
                )
                .label("the route's outcome already says this")
                .help(
                    "delete the condition; a route's condition may test facts, a fact recorded \
                     at a step (this decision's own record may give one), or what an earlier \
                     decision decided",
                ),
            );
        }
    }

    pub(super) fn outcomes(&mut self, names: &[syntax::Name]) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = Vec::new();
        // Where each name was first declared: a scan of `outcomes` per name was quadratic.
        let mut first: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for name in names {
            match first.get(name.text.as_str()) {
                Some(span) => {
                    let span = *span;
                    self.duplicate("outcome", name, span);
                }
                None => {
                    first.insert(&name.text, name.span);
                    outcomes.push(Outcome {
                        id: name.text.clone(),
                        span: name.span,
                    });
                }
            }
        }
        outcomes
    }

    pub(super) fn member(&mut self, name: &syntax::Name) -> Option<StepIndex> {
        self.step_ref(name, Use::Member)
    }

    pub(super) fn citation(&mut self, cite: &syntax::Cite, span: Span) -> Option<Citation> {
        let source = self.lookup(
            Namespace::Source,
            &cite.source,
            "source document",
            "declare it in the header: `source NAME \"TITLE\"`",
        )?;
        Some(Citation {
            source: SourceIndex(source as u32),
            phrase: cite.phrase.value.clone(),
            section: cite.section.as_ref().map(|s| s.value.clone()),
            span,
            phrase_span: cite.phrase.span,
        })
    }

    pub(super) fn role(&mut self, name: &syntax::Name) -> Option<RoleIndex> {
        self.lookup(
            Namespace::Role,
            name,
            "role",
            "declare it with `role NAME \"TITLE\"`",
        )
        .map(|i| RoleIndex(i as u32))
    }

    pub(super) fn fact(&mut self, name: &syntax::Name) -> Option<FactIndex> {
        if self.names.find(Namespace::Fact, &name.text).is_none()
            && let Some(decided) = self.decision_outcome(&name.text)
        {
            return Some(decided);
        }
        self.lookup(
            Namespace::Fact,
            name,
            "fact",
            "declare it with `fact NAME is ...`",
        )
        .map(|i| FactIndex(i as u32))
    }

    /// A decision's outcome, read as a fact by conditions: made the first time a condition
    /// names the decision (a declared fact of the same name comes first).
    fn decision_outcome(&mut self, name: &str) -> Option<FactIndex> {
        let step = StepIndex(self.names.find(Namespace::Step, name)? as u32);
        let outcomes = self.decision_outcomes.get(&step)?.clone();
        let decision = &self.steps[step.0 as usize];
        let fact = FactIndex(self.facts.len() as u32);
        let decided = Fact {
            id: decision.id.clone(),
            title: decision.title.clone(),
            kind: FactKind::OneOf(outcomes),
            optional: true,
            span: decision.name_span,
            decided_by: Some(step),
            recorded_at: None,
        };
        self.names.insert(Namespace::Fact, name, fact.0 as usize);
        self.facts.push(decided);
        Some(fact)
    }

    // ----------------------------------------------------------------------------------------
    // Guards.

    pub(super) fn guard(&mut self, guard: &syntax::Guard) -> Option<Guard> {
        let mut any_of = Vec::new();
        let mut ok = true;
        for all in &guard.any_of {
            let mut conditions = Vec::new();
            for condition in all {
                match self.condition(condition) {
                    Some(condition) => conditions.push(condition),
                    None => ok = false,
                }
            }
            any_of.push(conditions);
        }
        ok.then_some(Guard {
            any_of,
            span: guard.span,
        })
    }

    pub(super) fn condition(&mut self, condition: &syntax::Condition) -> Option<Condition> {
        let fact = self.fact(&condition.fact)?;
        let test = crate::types::type_test(
            &self.facts[fact.0 as usize],
            &condition.test,
            self.diagnostics,
        )?;
        Some(Condition {
            fact,
            test,
            span: condition.span,
        })
    }
}
