//! A case read for one version of a procedure, carried over to another version by renaming
//! ids, so that comparing versions reads and checks each case once.
//!
//! Carrying over is only done where it gives exactly the case that checking the line against
//! the other version would give; anything else (a step, role or outcome the other version
//! lacks, a fact whose kind changed, a waiver it does not allow) answers `None`, and the
//! caller reads the line again for that version, which also words the problem.

use crate::case::{Case, Event};
use crate::plan::Plan;
use waymark_compile::{FactIndex, RoleIndex, Step, StepIndex, StepKind};

/// Which id in the other version each id of one version's case data becomes.
pub struct Translation {
    steps: Vec<Option<StepMap>>,
    roles: Vec<Option<RoleIndex>>,
    /// By fact of the other version: the fact it is in this one, and whether a case must give
    /// it. `None` when some fact cannot be carried over at all.
    facts: Option<Vec<(Option<FactIndex>, bool)>>,
    /// Whether every case can be carried over (but for a required fact given as `null`, or
    /// facts given on a record).
    total: bool,
}

/// What an event of one step becomes in the other version.
struct StepMap {
    to: StepIndex,
    /// By outcome index: the other version's index of the outcome with the same name.
    outcomes: Vec<Option<usize>>,
    decision: bool,
    waivable: bool,
    /// Recurring work needs a date even on a waiver.
    recurring: bool,
    /// Both versions let the step be extended, counted in the same unit: a recorded amount
    /// means the same in both.
    extension_carries: bool,
}

impl Translation {
    /// How cases checked against `from` carry over to `to`.
    pub fn new(from: &Plan, to: &Plan) -> Translation {
        let steps: Vec<Option<StepMap>> = from
            .procedure
            .steps
            .iter()
            .map(|step| step_map(step, to))
            .collect();
        let roles: Vec<Option<RoleIndex>> = from
            .procedure
            .roles
            .iter()
            .map(|role| to.role_named(&role.id))
            .collect();
        let facts = fact_map(from, to);
        let total = facts.as_ref().is_some_and(|facts| {
            // A required fact in `to` that `from` does not require could be missing.
            facts.iter().all(|&(fact, required)| {
                !required || fact.is_some_and(|id| !from.procedure.fact(id).optional)
            })
        }) && roles.iter().all(Option::is_some)
            && from
                .procedure
                .steps
                .iter()
                .zip(&steps)
                .all(|(step, map)| carries_every_event(step, map.as_ref()));
        Translation {
            steps,
            roles,
            facts,
            total,
        }
    }

    /// Whether every case checked against the one version carries over to the other (a case
    /// giving `null` for a required fact, and one whose records give facts, aside: those are
    /// read again). When not, comparing versions reads each line once and checks it against
    /// both instead.
    pub fn is_total(&self) -> bool {
        self.total
    }

    /// The case as checking it against the other version would give it, or `None` when that
    /// needs more than renaming (read the line again for that version).
    pub fn carry_over(&self, case: &Case) -> Option<Case> {
        let facts = self
            .facts
            .as_ref()?
            .iter()
            .map(|&(from, required)| {
                let value = from.and_then(|id| case.fact(id));
                match (value, required) {
                    // Given as null, or not given? Only a fresh reading can tell.
                    (None, true) => Err(()),
                    (value, _) => Ok(value),
                }
            })
            .collect::<Result<Vec<_>, ()>>()
            .ok()?;
        let mut events = crate::scratch::events();
        events.reserve(case.events.len());
        for event in &case.events {
            events.push(self.event(event)?);
        }
        Some(Case {
            id: case.id.clone(),
            line: case.line,
            facts,
            events,
        })
    }

    fn event(&self, event: &Event) -> Option<Event> {
        // Facts a record gives are few: read such a line again rather than renaming them.
        if !event.facts.is_empty() {
            return None;
        }
        let map = self.steps.get(event.step.0 as usize)?.as_ref()?;
        if event.waived && !map.waivable
            || event.on.is_none() && map.recurring
            || event.extended_by.is_some() && !map.extension_carries
        {
            return None;
        }
        let outcome = match (event.outcome, map.decision) {
            (Some(index), true) => Some((*map.outcomes.get(index)?)?),
            (None, false) => None,
            _ => return None,
        };
        let by = match event.by {
            Some(role) => Some((*self.roles.get(role.0 as usize)?)?),
            None => None,
        };
        let approved_by = match event.approved_by {
            Some(role) => Some((*self.roles.get(role.0 as usize)?)?),
            None => None,
        };
        Some(Event {
            step: map.to,
            outcome,
            by,
            approved_by,
            ..event.clone()
        })
    }
}

/// Whether every event a case may record for `step` carries over by `map`.
fn carries_every_event(step: &Step, map: Option<&StepMap>) -> bool {
    if matches!(step.kind, StepKind::Together { .. } | StepKind::Join { .. }) {
        return true; // never recorded
    }
    let Some(map) = map else {
        return false;
    };
    let decision = matches!(step.kind, StepKind::Decision);
    let recurring = matches!(step.kind, StepKind::Recurring { .. });
    decision == map.decision
        && map.outcomes.iter().all(Option::is_some)
        && (!step.waivable || map.waivable && (recurring || !map.recurring))
        && (step.extension.is_none() || map.extension_carries)
}

fn step_map(step: &Step, to: &Plan) -> Option<StepMap> {
    let id = to.step_named(&step.id)?;
    let other = to.procedure.step(id);
    if matches!(
        other.kind,
        StepKind::Together { .. } | StepKind::Join { .. }
    ) {
        return None;
    }
    Some(StepMap {
        to: id,
        outcomes: step
            .outcomes
            .iter()
            .map(|outcome| other.outcomes.iter().position(|o| o.id == outcome.id))
            .collect(),
        decision: other.kind == StepKind::Decision,
        waivable: other.waivable,
        recurring: matches!(other.kind, StepKind::Recurring { .. }),
        extension_carries: match (&step.extension, &other.extension) {
            (Some(mine), Some(theirs)) => mine.unit == theirs.unit,
            _ => false,
        },
    })
}

/// Facts carry over when every fact of `from` is in `to` with the same kind (a case giving a
/// fact `to` lacks would be refused there) and every fact only `to` has is optional.
fn fact_map(from: &Plan, to: &Plan) -> Option<Vec<(Option<FactIndex>, bool)>> {
    for fact in &from.procedure.facts {
        let other = to.procedure.fact(to.fact_named(&fact.id)?);
        let recorded_at = |plan: &Plan, fact: &waymark_compile::Fact| {
            fact.recorded_at
                .map(|step| plan.procedure.step(step).id.clone())
        };
        // A fact recorded at a step in one version and given up front (or at another step) in
        // the other is read differently: read the line again.
        if other.kind != fact.kind
            || other.decided_by.is_some() != fact.decided_by.is_some()
            || recorded_at(to, other) != recorded_at(from, fact)
        {
            return None;
        }
    }
    to.procedure
        .facts
        .iter()
        .map(|fact| {
            let from_id = from.fact_named(&fact.id);
            let required = !fact.optional && fact.known_at().is_none();
            (from_id.is_some() || !required).then_some((from_id, required))
        })
        .collect()
}
