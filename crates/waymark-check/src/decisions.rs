//! Branches: every decision outcome leads somewhere, and branches on facts cover every case.
#![allow(
    clippy::indexing_slicing,
    reason = "step and fact ids index lists sized to the procedure's, and each choice indexes the domain it was counted from"
)]

use waymark_compile::{FactIndex, FactKind, FactValue, Guard, Procedure, RouteWhen, Step};
use waymark_diagnostics::{Code, Diagnostic};

/// Branches on more combinations of values than this are not enumerated.
const MAX_COMBINATIONS: usize = 4096;

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for step in &procedure.steps {
        outcomes_handled(step, diagnostics);
        branches_cover_every_case(procedure, step, diagnostics);
        outcome_routes_cover_every_case(procedure, step, diagnostics);
    }
}

/// WM0306.
fn outcomes_handled(step: &Step, diagnostics: &mut Vec<Diagnostic>) {
    // Marked in one pass over the routes: a scan of the routes per outcome was quadratic.
    let mut handled = vec![false; step.outcomes.len()];
    for route in &step.routes {
        if let Some(index) = route.when.outcome()
            && let Some(slot) = handled.get_mut(index)
        {
            *slot = true;
        }
    }
    for (index, outcome) in step.outcomes.iter().enumerate() {
        if !handled[index] {
            diagnostics.push(
                Diagnostic::new(
                    Code::OutcomeNotHandled,
                    outcome.span,
                    format!(
                        "the decision `{}` never says where `{}` leads",
                        step.id, outcome.id
                    ),
                )
                .label("no `on` line for this outcome")
                .help(format!(
                    "add `on {} then <step>` under the decision",
                    outcome.id
                )),
            );
        }
    }
}

/// WM0307. When a step moves on only by conditions (no plain `then`, no `otherwise`), every
/// combination of the facts they test must take some route. Facts with a fixed list of values
/// (`one of`, `yes or no`, plus "not known" when optional) are enumerated; branches that test
/// numbers or dates are not judged.
fn branches_cover_every_case(
    procedure: &Procedure,
    step: &Step,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let guards: Vec<&Guard> = step
        .routes
        .iter()
        .filter_map(|r| match &r.when {
            RouteWhen::Guard(g) => Some(g),
            _ => None,
        })
        .collect();
    let unconditional = step
        .routes
        .iter()
        .any(|r| matches!(r.when, RouteWhen::Always | RouteWhen::Otherwise));
    if guards.is_empty() || unconditional {
        return;
    }
    let Some(missing) = missing_cases(procedure, &guards) else {
        return;
    };
    let first = step
        .routes
        .iter()
        .find(|r| matches!(r.when, RouteWhen::Guard(_)))
        .map_or(step.name_span, |r| r.span);
    diagnostics.push(
        Diagnostic::new(Code::GuardNotExhaustive, first, format!("`{}` has no way on for a case where {missing}", step.id))
            .label("these conditions leave cases out")
            .related(step.name_span, "the step")
            .help("add a `then ... when` line for the missing values, or an `otherwise` line for every other case"),
    );
}

/// WM0339. The routes of one outcome of a decision, when each has a condition of its own (no
/// plain `on OUTCOME then`, no `on OUTCOME otherwise`), must together take every case decided
/// that way, judged as WM0307 judges a step's branches.
fn outcome_routes_cover_every_case(
    procedure: &Procedure,
    step: &Step,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !step
        .routes
        .iter()
        .any(|r| matches!(r.when, RouteWhen::OutcomeWhen(..)))
    {
        return;
    }
    // Per outcome: its conditions, whether a route takes every other case, its first route.
    let mut outcomes: Vec<(Vec<&Guard>, bool, Option<waymark_diagnostics::Span>)> =
        vec![(Vec::new(), false, None); step.outcomes.len()];
    for route in &step.routes {
        let Some(slot) = route.when.outcome().and_then(|o| outcomes.get_mut(o)) else {
            continue;
        };
        slot.2.get_or_insert(route.span);
        match route.when.guard() {
            Some(guard) => slot.0.push(guard),
            None => slot.1 = true,
        }
    }
    for (outcome, (guards, unconditional, first)) in step.outcomes.iter().zip(outcomes) {
        let Some(first) = first.filter(|_| !unconditional && !guards.is_empty()) else {
            continue;
        };
        let Some(missing) = missing_cases(procedure, &guards) else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::OutcomeRoutesNotExhaustive,
                first,
                format!(
                    "when `{}` decides `{}`, it has no way on for a case where {missing}",
                    step.id, outcome.id
                ),
            )
            .label("these conditions leave cases out")
            .related(outcome.span, "the outcome")
            .help(format!(
                "add an `on {} then ... when` line for the missing values, or end the \
                 outcome's routes with `on {} otherwise <step>` for every other case",
                outcome.id, outcome.id
            )),
        );
    }
}

/// The cases no guard takes, in words ("`threshold` is `level4`; or where ..."), or `None`
/// when every case is taken or the facts tested cannot be enumerated.
fn missing_cases(procedure: &Procedure, guards: &[&Guard]) -> Option<String> {
    let mut facts: Vec<FactIndex> = guards
        .iter()
        .flat_map(|g| g.any_of.iter().flatten().map(|c| c.fact))
        .collect();
    facts.sort();
    facts.dedup();
    let domains = facts
        .iter()
        .map(|f| domain(procedure, *f))
        .collect::<Option<Vec<_>>>()?;
    if domains
        .iter()
        .try_fold(1usize, |n, d| n.checked_mul(d.len()))
        .is_none_or(|n| n > MAX_COMBINATIONS)
    {
        return None;
    }
    let missing = uncovered(&facts, &domains, guards);
    if missing.is_empty() {
        return None;
    }
    let shown: Vec<String> = missing
        .iter()
        .take(3)
        .map(|combo| describe_combo(procedure, &facts, combo))
        .collect();
    let more = if missing.len() > 3 {
        format!(" (and {} more)", missing.len() - 3)
    } else {
        String::new()
    };
    Some(format!("{}{more}", shown.join("; or where ")))
}

/// The values a fact can hold, `None` meaning "not known"; `None` overall when unbounded.
fn domain(procedure: &Procedure, fact: FactIndex) -> Option<Vec<Option<FactValue>>> {
    let declared = procedure.fact(fact);
    let mut values: Vec<Option<FactValue>> = match &declared.kind {
        FactKind::OneOf(options) => (0..options.len() as u32)
            .map(|i| Some(FactValue::Choice(i)))
            .collect(),
        FactKind::YesNo => vec![Some(FactValue::YesNo(true)), Some(FactValue::YesNo(false))],
        FactKind::Number | FactKind::Date => return None,
    };
    if declared.optional {
        values.push(None);
    }
    Some(values)
}

/// Every combination of values that no guard accepts, in a fixed order.
fn uncovered(
    facts: &[FactIndex],
    domains: &[Vec<Option<FactValue>>],
    guards: &[&Guard],
) -> Vec<Vec<Option<FactValue>>> {
    let mut missing = Vec::new();
    let mut choice = vec![0usize; facts.len()];
    loop {
        let combo: Vec<Option<FactValue>> =
            choice.iter().zip(domains).map(|(i, d)| d[*i]).collect();
        let value_of =
            |fact: FactIndex| facts.iter().position(|f| *f == fact).and_then(|i| combo[i]);
        if !guards.iter().any(|guard| guard.holds(&value_of)) {
            missing.push(combo);
        }
        // Advance like an odometer; stop after the last combination.
        let mut position = 0;
        loop {
            let Some(slot) = choice.get_mut(position) else {
                return missing;
            };
            *slot += 1;
            if *slot < domains[position].len() {
                break;
            }
            *slot = 0;
            position += 1;
        }
    }
}

fn describe_combo(
    procedure: &Procedure,
    facts: &[FactIndex],
    combo: &[Option<FactValue>],
) -> String {
    let parts: Vec<String> = facts
        .iter()
        .zip(combo)
        .map(|(fact, value)| {
            let declared = procedure.fact(*fact);
            match (value, &declared.kind) {
                (None, _) => format!("`{}` is not known", declared.id),
                (Some(FactValue::Choice(i)), FactKind::OneOf(options)) => format!(
                    "`{}` is `{}`",
                    declared.id,
                    options.get(*i as usize).map_or("?", String::as_str)
                ),
                (Some(FactValue::YesNo(yes)), _) => {
                    format!("`{}` is `{}`", declared.id, if *yes { "yes" } else { "no" })
                }
                (Some(_), _) => format!("`{}` has another value", declared.id),
            }
        })
        .collect();
    parts.join(" and ")
}
