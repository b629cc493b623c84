//! Deadlines: every step timed (or saying why not), every clock sure to have started, targets
//! before limits, and no step due before a step that must come first.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::flow::{FlowAnalysis, certain_limit};
use std::collections::HashMap;
use waymark_compile::{
    Clock, Deadline, FactIndex, FactKind, Guard, Procedure, Step, StepIndex, StepKind, Test, Unit,
};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    // What each decision's outcome leads to, worked out once per outcome a clock names.
    let mut branches = HashMap::new();
    for step_id in procedure.step_ids() {
        let step = procedure.step(step_id);
        timing_stated(procedure, flow, step_id, diagnostics);
        for deadline in &step.deadlines {
            clock_starts(procedure, flow, step_id, deadline, diagnostics);
            if let Clock::AfterOutcome(decision, outcome) = deadline.clock {
                let leads_here = branches
                    .entry((decision, outcome))
                    .or_insert_with(|| flow.reached_through(procedure, decision, outcome));
                outcome_leads_here(procedure, step_id, deadline, leads_here, diagnostics);
            }
        }
        targets_within_limits(procedure, step, diagnostics);
    }
    due_after_later_step(procedure, flow, diagnostics);
}

/// WM0304, WM0315, WM0316.
fn timing_stated(
    procedure: &Procedure,
    flow: &FlowAnalysis,
    step_id: StepIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let step = procedure.step(step_id);
    if starts_clocks(step) && step.deadlines.is_empty() && step.untimed.is_none() {
        diagnostics.push(
            Diagnostic::new(
                Code::StepWithoutDeadline,
                step.name_span,
                format!("`{}` has no deadline", step.id),
            )
            .label("no `due` line and no `untimed` reason")
            .help(deadline_to_suggest(procedure, flow, step_id)),
        );
    }
    if step.untimed.is_some() && !step.deadlines.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::UntimedWithDeadline,
                step.name_span,
                format!("`{}` is marked `untimed` but also has a deadline", step.id),
            )
            .label("both untimed and timed")
            .related(step.deadlines[0].span, "this deadline")
            .help("delete the `untimed` line, or the deadline if the guidance really sets no time"),
        );
    }
    if step.overrun_needs_reason && step.limits().next().is_none() {
        diagnostics.push(
            Diagnostic::new(
                Code::OverrunWithoutLimit,
                step.name_span,
                format!(
                    "`{}` needs a reason for overrunning, but has no limit to overrun",
                    step.id
                ),
            )
            .label("no `due` line")
            .help("add the limit as a `due` line (a `target` alone is not a limit)"),
        );
    }
}

/// Tasks, decisions and together blocks are the items that need a time, and the ones whose
/// record can start a clock.
fn starts_clocks(step: &Step) -> bool {
    matches!(
        step.kind,
        StepKind::Task | StepKind::Decision | StepKind::Together { .. }
    )
}

/// WM0304's help: a deadline counted from a step this procedure really has, which every path
/// to the step passes first (so WM0308 will not follow), else from a date fact.
fn deadline_to_suggest(procedure: &Procedure, flow: &FlowAnalysis, step_id: StepIndex) -> String {
    const UNTIMED: &str = "`untimed \"why the guidance sets no time\"`";
    let mut before = flow.immediate_dominator(step_id);
    while let Some(id) = before {
        let candidate = procedure.step(id);
        if starts_clocks(candidate) && !candidate.id.contains(' ') {
            return format!(
                "add a deadline such as `due 5 working days after {}`, or {UNTIMED}",
                candidate.id
            );
        }
        before = flow.immediate_dominator(id);
    }
    // A fact every case has comes first: an optional one would need `when ... is known`.
    let date_fact = procedure
        .facts
        .iter()
        .filter(|fact| fact.kind == FactKind::Date)
        .min_by_key(|fact| fact.optional);
    let nothing_before = match step_id == procedure.start {
        true => "nothing comes before the start step to start its clock",
        false => "no step comes before it on every path",
    };
    match date_fact {
        Some(fact) => format!(
            "{nothing_before}: count from a date fact, such as `due 5 working days after fact {}`, or add {UNTIMED}",
            fact.id
        ),
        None => {
            format!("{nothing_before}: add {UNTIMED}, or count from a fact declared `is a date`")
        }
    }
}

/// WM0308. The clock of a deadline must be certain to have started when the case reaches the
/// step: the clock step on every path there, or the clock fact known whenever the deadline applies.
fn clock_starts(
    procedure: &Procedure,
    flow: &FlowAnalysis,
    step_id: StepIndex,
    deadline: &Deadline,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let step = procedure.step(step_id);
    if deadline.clock.step() == Some(step_id) {
        diagnostics.push(counts_from_itself(step, deadline));
        return;
    }
    match deadline.clock {
        Clock::AfterStep(event) | Clock::AfterOutcome(event, _) => {
            // Checkpoints are scheduled by their clock step, so theirs always starts. A clock
            // from an optional step is WM0340's, whatever the path (optional.rs).
            if matches!(step.kind, StepKind::Checkpoint { .. })
                || procedure.step(event).optional.is_some()
                || !flow.is_reachable(step_id)
                || flow.done_before(procedure, event, step_id)
            {
                return;
            }
            if let Some(block) = flow.optional_piece_before(procedure, event, step_id) {
                diagnostics.push(crate::any_of::clock_from_piece(
                    procedure, step_id, deadline, event, block,
                ));
                return;
            }
            let clock = &procedure.step(event).id;
            let path = flow
                .path_avoiding(procedure, event, step_id)
                .unwrap_or_default();
            let shown: Vec<&str> = path
                .iter()
                .map(|s| procedure.step(*s).id.as_str())
                .filter(|id| !id.contains(' '))
                .collect();
            let mut diagnostic = Diagnostic::new(
                Code::ClockMayNotStart,
                deadline.span,
                format!("`{}` may be reached without `{clock}`, so this deadline's clock may never start", step.id),
            )
            .label(format!("counts from `{clock}`"))
            .related(procedure.step(event).name_span, "the clock step")
            .help(format!("count from a step that every path to `{}` passes through, such as the start, or change the routes so that every path to it passes `{clock}`", step.id));
            if !shown.is_empty() {
                diagnostic = diagnostic.note(format!(
                    "one path that skips `{clock}`: {}",
                    shown.join(" -> ")
                ));
            }
            diagnostics.push(diagnostic);
        }
        Clock::BeforeStep(later) | Clock::BeforeEachStep(later) => {
            if !flow.is_reachable(step_id) || !flow.done_before(procedure, later, step_id) {
                return;
            }
            let later_id = &procedure.step(later).id;
            // Before each occurrence: the first one can never be met, however often it repeats.
            let message = match deadline.clock.each_occurrence_of() {
                Some(_) => format!(
                    "`{}` is due before each `{later_id}`, but the first `{later_id}` is always done before `{}` is reached",
                    step.id, step.id
                ),
                None => format!(
                    "`{}` is due before `{later_id}`, but `{later_id}` is always done before `{}` is reached",
                    step.id, step.id
                ),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::CountsBackFromEarlierStep,
                    deadline.span,
                    message,
                )
                .label(format!("counts back from `{later_id}`"))
                .related(procedure.step(later).name_span, "always done first")
                .help(format!("count back from a step that comes after `{}`, or count forwards: `after {later_id}`", step.id)),
            );
        }
        Clock::AfterFact(fact) | Clock::BeforeFact(fact) => {
            let declared = procedure.fact(fact);
            if !declared.optional || guard_requires_known(deadline.guard.as_ref(), fact) {
                return;
            }
            diagnostics.push(
                Diagnostic::new(
                    Code::ClockMayNotStart,
                    deadline.span,
                    format!(
                        "`{}` is optional, so this deadline may have no date to count from",
                        declared.id
                    ),
                )
                .label(format!("counts from `{}`", declared.id))
                .related(declared.span, "declared optional here")
                .help(format!(
                    "add `when {} is known` to the end of this line",
                    declared.id
                )),
            );
        }
    }
}

/// WM0326. `after DECISION is OUTCOME` on a step that only the decision's other outcomes lead
/// to: with one occurrence of the decision, the clock never starts. (A decision that may
/// repeat may have gone the named way before.) `leads_here` is what the outcome leads to.
fn outcome_leads_here(
    procedure: &Procedure,
    step_id: StepIndex,
    deadline: &Deadline,
    leads_here: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Clock::AfterOutcome(decision, outcome) = deadline.clock else {
        return;
    };
    let decided = procedure.step(decision);
    // An outcome with no route is WM0306's to report; checkpoints run beside the path.
    let routed = decided
        .routes
        .iter()
        .any(|route| route.when.outcome() == Some(outcome as usize));
    if decided.repeats
        || !routed
        || leads_here.get(step_id.0 as usize).copied().unwrap_or(true)
        || !matches!(
            procedure.step(step_id).kind,
            StepKind::Task | StepKind::Decision | StepKind::Together { .. }
        )
    {
        return;
    }
    let (step, outcome) = (
        &procedure.step(step_id).id,
        procedure.outcome_id(decision, outcome),
    );
    diagnostics.push(
        Diagnostic::new(
            Code::OutcomeClockNeverStarts,
            deadline.span,
            format!(
                "`{step}` counts from `{}` deciding `{outcome}`, but only its other outcomes lead to `{step}`",
                decided.id
            ),
        )
        .label(format!("counts from `{}` deciding `{outcome}`", decided.id))
        .related(decided.name_span, "decided once: no `may repeat`")
        .help(format!(
            "name the outcome that leads to `{step}`, or add `may repeat` to `{}` if a later occurrence can lead here after one that decided `{outcome}`",
            decided.id
        )),
    );
}

/// `due 1 day before prep` on `prep` itself: a step's own record cannot start its clock.
fn counts_from_itself(step: &Step, deadline: &Deadline) -> Diagnostic {
    let (code, why) = match deadline.clock.counts_back() {
        true => (
            Code::CountsBackFromEarlierStep,
            "its due date would fall before the step is done, so it could never be met",
        ),
        false => (
            Code::ClockMayNotStart,
            "its clock would start only when the step is done, so it could never be missed",
        ),
    };
    Diagnostic::new(
        code,
        deadline.span,
        format!("`{}` counts from itself: {why}", step.id),
    )
    .label(format!("counts from `{}`", step.id))
    .help(
        "count from the step before it (such as the referral), or from a later step with `before`",
    )
}

/// Whether every alternative of the guard needs `fact` to be known.
fn guard_requires_known(guard: Option<&Guard>, fact: FactIndex) -> bool {
    guard.is_some_and(|guard| {
        guard.any_of.iter().all(|all| {
            all.iter()
                .any(|c| c.fact == fact && c.test != Test::NotKnown)
        })
    })
}

/// WM0309. A target later than the limit with the same clock, unit and condition.
fn targets_within_limits(procedure: &Procedure, step: &Step, diagnostics: &mut Vec<Diagnostic>) {
    for target in step.targets() {
        for limit in step.limits() {
            if target.clock != limit.clock
                || target.unit != limit.unit
                || guard_key(&target.guard) != guard_key(&limit.guard)
            {
                continue;
            }
            let later = match target.clock.counts_back() {
                true => target.amount < limit.amount,
                false => target.amount > limit.amount,
            };
            if later {
                diagnostics.push(
                    Diagnostic::new(Code::TargetAfterLimit, target.span, format!("the target for `{}` is later than its limit", step.id))
                        .label(format!("target: {}", describe(procedure, target)))
                        .related(limit.span, format!("limit: {}", describe(procedure, limit)))
                        .help("a target is an earlier aim inside the limit: make it earlier than the `due` line, or swap the two"),
                );
            }
        }
    }
}

/// Limits are compared only when they count the same unit from the same clock.
type LimitKey = (Clock, Unit);

/// For each clock and unit, the largest amount among the limits of steps that must come first,
/// and the step it belongs to.
type Latest = HashMap<LimitKey, (u32, StepIndex)>;

/// A key of [`Latest`] and the value it had before a step changed it.
type Change = (LimitKey, Option<(u32, StepIndex)>);

/// WM0310. Walks the dominator tree carrying, for each (clock, unit), the latest limit of the
/// steps that must come before; a step due earlier than that is warned about.
fn due_after_later_step(
    procedure: &Procedure,
    flow: &FlowAnalysis,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut latest: Latest = HashMap::new();
    // What each step changed in `latest`, to put back when the walk leaves its subtree.
    let mut undo: Vec<Vec<Change>> = vec![Vec::new(); procedure.steps.len()];
    let mut stack: Vec<(StepIndex, bool)> = vec![(procedure.start, false)];
    while let Some((step_id, leaving)) = stack.pop() {
        if leaving {
            for (key, previous) in undo[step_id.0 as usize].drain(..).rev() {
                match previous {
                    Some(value) => latest.insert(key, value),
                    None => latest.remove(&key),
                };
            }
            continue;
        }
        compare_with_earlier(procedure, step_id, &latest, diagnostics);
        let mut changes = Vec::new();
        for (deadline, owner) in limits_done_by(procedure, flow, step_id) {
            let key = (deadline.clock, deadline.unit);
            let previous = latest.get(&key).copied();
            if previous.is_none_or(|(amount, _)| deadline.amount > amount) {
                changes.push((key, previous));
                latest.insert(key, (deadline.amount, owner));
            }
        }
        undo[step_id.0 as usize] = changes;
        stack.push((step_id, true));
        for child in flow.children[step_id.0 as usize].iter().rev() {
            stack.push((*child, false));
        }
    }
}

fn compare_with_earlier(
    procedure: &Procedure,
    step_id: StepIndex,
    latest: &Latest,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let step = procedure.step(step_id);
    for limit in step
        .limits()
        .filter(|d| d.guard.is_none() && !d.clock.counts_back())
    {
        let Some(&(amount, earlier)) = latest.get(&(limit.clock, limit.unit)) else {
            continue;
        };
        if amount <= limit.amount || earlier == step_id {
            continue;
        }
        let before = procedure.step(earlier);
        let Some(before_limit) = before
            .limits()
            .find(|d| d.clock == limit.clock && d.unit == limit.unit && d.amount == amount)
        else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::DeadlineCannotBeMet,
                limit.span,
                format!(
                    "`{}` is due before `{}`, which must be done first",
                    step.id, before.id
                ),
            )
            .label(format!("due {}", describe(procedure, limit)))
            .related(
                before_limit.span,
                format!(
                    "`{}` is due {}",
                    before.id,
                    describe(procedure, before_limit)
                ),
            )
            .help(format!(
                "if `{}` takes all its time, `{}` is late; make `{}` due no later than `{}`",
                before.id, step.id, before.id, step.id
            )),
        );
    }
}

/// The unconditional limits that are certainly met by the time a case leaves `step`: its own,
/// and, where a together block's work joins, the block's and those of all its work.
fn limits_done_by<'p>(
    procedure: &'p Procedure,
    flow: &FlowAnalysis,
    step_id: StepIndex,
) -> Vec<(&'p Deadline, StepIndex)> {
    let own = |id: StepIndex| {
        procedure
            .step(id)
            .limits()
            .filter(|d| certain_limit(d))
            .map(move |d| (d, id))
    };
    match &procedure.step(step_id).kind {
        // A together block's limit is met when all its work is done, at its join, not when
        // the work starts.
        StepKind::Together { .. } => Vec::new(),
        StepKind::Join { together } => {
            let mut limits: Vec<(&Deadline, StepIndex)> = own(*together).collect();
            for inner in &flow.limited_work[together.0 as usize] {
                limits.extend(own(*inner));
            }
            limits
        }
        _ => own(step_id).collect(),
    }
}

/// A guard without its spans, to compare two guards for sameness.
fn guard_key(guard: &Option<Guard>) -> Option<Vec<Vec<(FactIndex, Test)>>> {
    guard.as_ref().map(|g| {
        g.any_of
            .iter()
            .map(|all| all.iter().map(|c| (c.fact, c.test.clone())).collect())
            .collect()
    })
}

/// "45 working days after `referral`", "4 weeks before fact `expected_delivery`"
pub fn describe(procedure: &Procedure, deadline: &Deadline) -> String {
    let clock = deadline.clock;
    format!(
        "{} {} {}`{}`",
        deadline.unit.amount_words(deadline.amount),
        clock.direction(),
        clock.fact_prefix(),
        procedure.clock_id(clock)
    )
}
