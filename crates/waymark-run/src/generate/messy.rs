//! Records as messy as real exports. Each case is touched with its own chances, so a caseload
//! has a realistic mix: most cases fit, and about one in four or five has a gap. Every record
//! stays valid case data (a known step, a real date in the covered years, an outcome where a
//! decision needs one), so no case becomes a bad case: only the fit changes.
#![allow(
    clippy::indexing_slicing,
    reason = "indexes are drawn from ranges of the lists' own lengths"
)]

use super::{Generated, Random};
use crate::plan::Plan;
use waymark_compile::StepKind;

pub(super) fn mess_up(plan: &Plan, events: &mut Vec<Generated>, random: &mut Random) {
    if events.len() < 2 {
        return;
    }
    // A missing intermediate record: the plan, a piece of work, the write-up being shared.
    if random.chance(22) {
        drop_intermediate(plan, events, random);
        if random.chance(20) {
            drop_intermediate(plan, events, random);
        }
    }
    // A record typed up a day or two after work it came before (the plan after the visit).
    if random.chance(8) {
        let days = 1 + random.below(2) as i64;
        shift_one(plan, events, random, days);
    }
    // A record dated early (the child seen alone before the initial visit was logged).
    if random.chance(5) {
        let days = 1 + random.below(2) as i64;
        shift_one(plan, events, random, -days);
    }
    // An outcome recorded before the record it follows.
    if random.chance(5) {
        outcome_first(plan, events, random);
    }
    // The same step recorded twice (a second strategy meeting, a note typed twice).
    if random.chance(5) {
        repeat_one(plan, events, random);
    }
    // Events of one day with clock times in no particular order.
    if random.chance(10) {
        clock_times(events, random);
    }
    // A record after the case closed.
    if random.chance(3) {
        after_the_last(plan, events, random);
    }
    // A record of a step the case did not go through (a branch not taken, or a step entered
    // against the wrong case record).
    if random.chance(3) {
        off_the_path(plan, events, random);
    }
    // Lines exported in no particular order.
    if random.chance(10) {
        shuffle(events, random);
    }
}

/// A task or decision other than the first record: the kind of step a case system drops.
fn is_intermediate(plan: &Plan, event: &Generated, first: bool) -> bool {
    !first
        && matches!(
            plan.procedure.step(event.step).kind,
            StepKind::Task | StepKind::Decision
        )
}

fn pick(
    plan: &Plan,
    events: &[Generated],
    random: &mut Random,
    also: impl Fn(&Generated) -> bool,
) -> Option<usize> {
    let candidates: Vec<usize> = (0..events.len())
        .filter(|&i| is_intermediate(plan, &events[i], i == 0) && also(&events[i]))
        .collect();
    candidates
        .get(random.below(candidates.len() as u64) as usize)
        .copied()
}

fn drop_intermediate(plan: &Plan, events: &mut Vec<Generated>, random: &mut Random) {
    // Decisions carry the branch: real systems lose the work around them more often.
    if let Some(index) = pick(plan, events, random, |e| e.outcome.is_none()) {
        events.remove(index);
    }
}

fn shift_one(plan: &Plan, events: &mut [Generated], random: &mut Random, working_days: i64) {
    if let Some(index) = pick(plan, events, random, |_| true) {
        let event = &mut events[index];
        event.on = plan
            .calendar
            .add_working_days(event.on, working_days)
            .unwrap_or(event.on);
    }
}

/// A decision dated a working day before the record just before it.
fn outcome_first(plan: &Plan, events: &mut [Generated], random: &mut Random) {
    let decisions: Vec<usize> = (1..events.len())
        .filter(|&i| events[i].outcome.is_some())
        .collect();
    let Some(&index) = decisions.get(random.below(decisions.len() as u64) as usize) else {
        return;
    };
    let before = events[index - 1].on;
    events[index].on = plan.calendar.add_working_days(before, -1).unwrap_or(before);
}

fn repeat_one(plan: &Plan, events: &mut Vec<Generated>, random: &mut Random) {
    let Some(index) = pick(plan, events, random, |e| !e.waived) else {
        return;
    };
    let original = &events[index];
    let on = plan
        .calendar
        .add_working_days(original.on, 1 + random.below(5) as i64)
        .unwrap_or(original.on);
    let repeat = Generated {
        step: original.step,
        on,
        time: None,
        outcome: original.outcome,
        by: original.by,
        approved_by: original.approved_by,
        waived: false,
        reason: original.reason,
        facts: original.facts.clone(),
    };
    events.insert(index + 1, repeat);
}

fn clock_times(events: &mut [Generated], random: &mut Random) {
    for event in events.iter_mut() {
        if random.chance(60) {
            event.time = Some((8 + random.below(10) as u32, random.below(60) as u32));
        }
    }
}

/// A record of an ordinary step of the procedure, dated a few days after the last record.
fn after_the_last(plan: &Plan, events: &mut Vec<Generated>, random: &mut Random) {
    let Some(last) = events.iter().map(|e| e.on).max() else {
        return;
    };
    let Some(step) = some_task(plan, events, random, true) else {
        return;
    };
    let on = plan
        .calendar
        .add_working_days(last, 1 + random.below(10) as i64)
        .unwrap_or(last);
    events.push(Generated::plain(step, on));
}

/// A record of a task the case has no record of, dated on the day of one of its records.
fn off_the_path(plan: &Plan, events: &mut Vec<Generated>, random: &mut Random) {
    let Some(step) = some_task(plan, events, random, false) else {
        return;
    };
    let on = events[random.below(events.len() as u64) as usize].on;
    events.push(Generated::plain(step, on));
}

/// A task that needs no waiver to be recorded; with `any` false, one the case did not record.
fn some_task(
    plan: &Plan,
    events: &[Generated],
    random: &mut Random,
    any: bool,
) -> Option<waymark_compile::StepIndex> {
    let tasks: Vec<waymark_compile::StepIndex> = plan
        .procedure
        .step_ids()
        .filter(|id| {
            let step = plan.procedure.step(*id);
            step.kind == StepKind::Task
                && !step.waivable
                && (any || events.iter().all(|event| event.step != *id))
        })
        .collect();
    tasks
        .get(random.below(tasks.len() as u64) as usize)
        .copied()
}

fn shuffle(events: &mut [Generated], random: &mut Random) {
    for i in (1..events.len()).rev() {
        let j = random.below(i as u64 + 1) as usize;
        events.swap(i, j);
    }
}
