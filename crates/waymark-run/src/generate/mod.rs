//! A deterministic, seeded generator of synthetic cases, for tests and benches.
//!
//! Each case is a walk through the procedure: the start, then each open step done a few days
//! after it was reached (sometimes late, sometimes waived), decisions by a random outcome, the
//! facts recorded at a step (`recorded at`) given on its record, so the ways they decide are
//! taken too, checkpoints and recurring work recorded along the way, and about one case in
//! eight stopped part-way so that it is still open. By default the records are then made as
//! messy as real exports (`messy.rs`: gaps, records typed up late or dated early, repeats,
//! outcomes before the record they follow, clock times in any order, records after the case
//! closed, lines in any order); [`Records::Fitting`] keeps the walk as it is. Case `n` of seed
//! `s` is always the same line, whichever thread writes it, so a million cases can be generated
//! in parallel. The cases are invented: no real child, family or worker.
#![allow(
    clippy::indexing_slicing,
    reason = "indexes are drawn from ranges of the lists' own lengths"
)]

mod messy;

use crate::plan::Plan;
use crate::render::{push_date, push_json_string};
use chrono::NaiveDate;
use std::fmt::Write;
use waymark_compile::{FactIndex, FactKind, FactValue, StepIndex, StepKind, Unit};

/// A small, fast, seedable random number generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from 0 up to (not including) `n`; 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        match n {
            0 => 0,
            n => self.next_u64() % n,
        }
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// How the generated records are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Records {
    /// As messy as real exports: the default.
    #[default]
    Realistic,
    /// Exactly as the walk did the work: every record fits the procedure.
    Fitting,
}

/// Appends case number `index` of `seed` as one JSON Lines line (with its newline), with
/// realistic records.
pub fn case_line(plan: &Plan, seed: u64, index: u64, out: &mut String) {
    case_line_with(plan, seed, index, Records::Realistic, out);
}

/// Appends case number `index` of `seed`, its records kept as `records` says.
pub fn case_line_with(plan: &Plan, seed: u64, index: u64, records: Records, out: &mut String) {
    let mut random = Random::new(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    let facts = facts(plan, &mut random);
    let mut events = walk(plan, &facts, &mut random);
    if records == Records::Realistic {
        messy::mess_up(plan, &mut events, &mut random);
    }
    let _ = write!(out, "{{\"case\":\"G{index:07}\",\"facts\":{{");
    let mut first = true;
    for (fact, value) in plan.procedure.facts.iter().zip(&facts) {
        let Some(value) = value else {
            continue;
        };
        if !first {
            out.push(',');
        }
        first = false;
        push_json_string(out, &fact.id);
        out.push(':');
        push_fact_value(out, value, &fact.kind);
    }
    out.push_str("},\"events\":[");
    for (n, event) in events.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str("{\"step\":");
        push_json_string(out, &plan.procedure.step(event.step).id);
        out.push_str(",\"on\":\"");
        push_date(out, event.on);
        if let Some((hour, minute)) = event.time {
            let _ = write!(out, "T{hour:02}:{minute:02}");
        }
        out.push('"');
        if let Some(outcome) = event.outcome {
            let step = plan.procedure.step(event.step);
            if let Some(outcome) = step.outcomes.get(outcome) {
                out.push_str(",\"outcome\":");
                push_json_string(out, &outcome.id);
            }
        }
        if let Some(role) = event.by {
            out.push_str(",\"by\":");
            push_json_string(out, &plan.procedure.role(role).id);
        }
        if let Some(role) = event.approved_by {
            out.push_str(",\"approved_by\":");
            push_json_string(out, &plan.procedure.role(role).id);
        }
        if !event.facts.is_empty() {
            out.push_str(",\"facts\":{");
            for (n, (fact, value)) in event.facts.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                let fact = plan.procedure.fact(*fact);
                push_json_string(out, &fact.id);
                out.push(':');
                push_fact_value(out, value, &fact.kind);
            }
            out.push('}');
        }
        if event.waived {
            out.push_str(",\"waived\":true,\"reason\":\"recorded by the generator\"");
        } else if event.reason {
            out.push_str(",\"reason\":\"waiting for a report from another agency\"");
        }
        out.push('}');
    }
    out.push_str("]}\n");
}

/// A fact's value as JSON: a word, a date, a number, "yes" or "no".
fn push_fact_value(out: &mut String, value: &FactValue, kind: &FactKind) {
    match (value, kind) {
        (FactValue::Choice(i), FactKind::OneOf(words)) => {
            push_json_string(out, words.get(*i as usize).map_or("", String::as_str));
        }
        (FactValue::Date(date), _) => {
            out.push('"');
            push_date(out, *date);
            out.push('"');
        }
        (FactValue::Number(n), _) => {
            let _ = write!(out, "{n}");
        }
        (FactValue::YesNo(yes), _) => out.push_str(if *yes { "\"yes\"" } else { "\"no\"" }),
        _ => out.push_str("null"),
    }
}

/// Appends `count` cases with realistic records, from number `first`.
pub fn cases(plan: &Plan, seed: u64, first: u64, count: u64) -> String {
    cases_with(plan, seed, first, count, Records::Realistic)
}

/// Appends `count` cases, from number `first`, their records kept as `records` says.
pub fn cases_with(plan: &Plan, seed: u64, first: u64, count: u64, records: Records) -> String {
    let mut out = String::with_capacity(count as usize * 1024);
    for index in first..first + count {
        case_line_with(plan, seed, index, records, &mut out);
    }
    out
}

struct Generated {
    step: StepIndex,
    on: NaiveDate,
    /// A clock time, `(hour, minute)`.
    time: Option<(u32, u32)>,
    outcome: Option<usize>,
    by: Option<waymark_compile::RoleIndex>,
    /// The sign-off, for a step that says `approved by`.
    approved_by: Option<waymark_compile::RoleIndex>,
    waived: bool,
    reason: bool,
    /// The facts the record gives: those recorded at its step (`recorded at`).
    facts: Vec<(FactIndex, FactValue)>,
}

impl Generated {
    /// A dated record of a step, with nothing else: no outcome, role, waiver or reason.
    fn plain(step: StepIndex, on: NaiveDate) -> Generated {
        Generated {
            step,
            on,
            time: None,
            outcome: None,
            by: None,
            approved_by: None,
            waived: false,
            reason: false,
            facts: Vec::new(),
        }
    }
}

fn facts(plan: &Plan, random: &mut Random) -> Vec<Option<FactValue>> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    plan.procedure
        .facts
        .iter()
        .map(|fact| {
            // A decision's outcome, or a fact recorded at a step, is known from a record, never
            // given up front.
            if fact.known_at().is_some() || (fact.optional && random.chance(70)) {
                return None;
            }
            Some(any_value(&fact.kind, base, random))
        })
        .collect()
}

/// A value of the kind, dates from `base` on.
fn any_value(kind: &FactKind, base: NaiveDate, random: &mut Random) -> FactValue {
    match kind {
        FactKind::OneOf(words) => FactValue::Choice(random.below(words.len() as u64) as u32),
        FactKind::Date => FactValue::Date(
            waymark_calendar::add_days(base, random.below(400) as i64).unwrap_or(base),
        ),
        FactKind::Number => FactValue::Number(random.below(19) as u32),
        FactKind::YesNo => FactValue::YesNo(random.chance(50)),
    }
}

/// The facts the record of `step`, done `on`, gives: each fact recorded at it, an optional one
/// three times in ten, as for the case's own facts. Known from then on, for the way on and for
/// who may act.
fn recorded_facts(
    plan: &Plan,
    step: StepIndex,
    on: NaiveDate,
    known: &mut [Option<FactValue>],
    random: &mut Random,
) -> Vec<(FactIndex, FactValue)> {
    let mut given = Vec::new();
    for (index, fact) in plan.procedure.facts.iter().enumerate() {
        if fact.recorded_at != Some(step) || (fact.optional && random.chance(70)) {
            continue;
        }
        let value = any_value(&fact.kind, on, random);
        known[index] = Some(value);
        given.push((FactIndex(index as u32), value));
    }
    given
}

/// Simulates one case: returns its events in the order they happened.
fn walk(plan: &Plan, facts: &[Option<FactValue>], random: &mut Random) -> Vec<Generated> {
    let procedure = plan.procedure;
    let calendar = plan.calendar;
    // The case's facts, and each decision's outcome once the decision is made.
    let mut known = facts.to_vec();
    let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let begin = waymark_calendar::add_days(base, random.below(540) as i64).unwrap_or(base);
    let stop_after = match random.chance(12) {
        true => random.below(12) as usize,
        false => usize::MAX,
    };
    let n = procedure.steps.len();
    let mut done: Vec<Option<NaiveDate>> = vec![None; n];
    let mut reached: Vec<Option<NaiveDate>> = vec![None; n];
    let mut pieces_left = vec![0usize; n];
    // (when it will be done, order of reaching, step)
    let mut open: Vec<(NaiveDate, usize, StepIndex)> = vec![(begin, 0, procedure.start)];
    reached[procedure.start.0 as usize] = Some(begin);
    let mut events = Vec::new();
    let mut order = 1;
    while let Some(position) = (0..open.len()).min_by_key(|&i| (open[i].0, open[i].1)) {
        if events.len() >= stop_after || events.len() > 4 * n + 16 {
            break;
        }
        let (on, _, id) = open.swap_remove(position);
        let step = procedure.step(id);
        let waived = step.waivable && random.chance(5);
        let outcome = (step.kind == StepKind::Decision)
            .then(|| random.below(step.outcomes.len() as u64) as usize);
        if let Some(outcome) = outcome {
            let decided = procedure
                .facts
                .iter()
                .position(|f| f.decided_by == Some(id));
            if let Some(slot) = decided.and_then(|index| known.get_mut(index)) {
                *slot = Some(FactValue::Choice(outcome as u32));
            }
        }
        let facts = recorded_facts(plan, id, on, &mut known, random);
        let fact = |id: waymark_compile::FactIndex| known.get(id.0 as usize).copied().flatten();
        let rule = step
            .roles
            .iter()
            .find(|rule| rule.guard.as_ref().is_none_or(|guard| guard.holds(&fact)));
        // Work every role must do gets a record by each (the step is done with the last);
        // otherwise one of the roles records it.
        let roles: Vec<Option<waymark_compile::RoleIndex>> = match rule {
            Some(rule) if rule.all && !waived => rule.roles.iter().copied().map(Some).collect(),
            Some(rule) => vec![
                rule.roles
                    .get(random.below(rule.roles.len() as u64) as usize)
                    .copied(),
            ],
            None => vec![None],
        };
        let approved_by = step
            .approval
            .as_ref()
            .and_then(|approval| approval.roles.first().copied())
            .filter(|_| !waived);
        // Optional work is often not done: the case moves on with no record of it.
        let skipped = step.optional.is_some() && random.chance(60);
        for role in roles.into_iter().filter(|_| !skipped) {
            events.push(Generated {
                step: id,
                on,
                time: None,
                outcome,
                by: role,
                approved_by,
                waived,
                reason: step.overrun_needs_reason && random.chance(50),
                facts: facts.clone(),
            });
        }
        done[id.0 as usize] = Some(on);
        // Move on, as the interpreter does; a finished piece may finish its together block.
        let mut finished = vec![id];
        while let Some(id) = finished.pop() {
            let step = procedure.step(id);
            let target = match outcome.filter(|_| step.kind == StepKind::Decision) {
                Some(o) => step.route_by_outcome(o, &fact),
                None => step.route_by_facts(&fact),
            };
            let mut reach = target.into_iter().collect::<Vec<_>>();
            while let Some(next) = reach.pop() {
                if reached[next.0 as usize].is_some() {
                    continue;
                }
                reached[next.0 as usize] = Some(on);
                match &procedure.step(next).kind {
                    // Any-of work: one alternative is done, the others are not needed.
                    StepKind::Together { members, join, .. }
                        if procedure.step(next).kind.any_of_join().is_some() =>
                    {
                        pieces_left[join.0 as usize] = 1;
                        let chosen = random.below(members.len() as u64) as usize;
                        reach.extend(members.get(chosen));
                    }
                    StepKind::Together { members, join, .. } => {
                        pieces_left[join.0 as usize] = members.len();
                        reach.extend(members.iter().rev());
                    }
                    StepKind::Task | StepKind::Decision => {
                        let mut delay = match random.below(20) {
                            0 => 20 + random.below(40),
                            1..=3 => random.below(15),
                            _ => random.below(4),
                        };
                        // Work due the same day (a safety plan at the meeting) is mostly done
                        // that day, as it is in practice.
                        if is_same_day_work(procedure.step(next)) && !random.chance(15) {
                            delay = 0;
                        }
                        let when = calendar.add_working_days(on, delay as i64).unwrap_or(on);
                        open.push((when, order, next));
                        order += 1;
                    }
                    _ => {}
                }
            }
            if let Some(join) = plan.shapes[id.0 as usize].piece_join {
                let left = &mut pieces_left[join.0 as usize];
                *left = left.saturating_sub(1);
                if *left == 0
                    && let StepKind::Join { together } = procedure.step(join).kind
                {
                    done[together.0 as usize] = Some(on);
                    finished.push(join);
                }
            }
        }
    }
    let fact = |id: waymark_compile::FactIndex| known.get(id.0 as usize).copied().flatten();
    side_work(plan, &done, &reached, &fact, random, &mut events);
    events
}

/// Whether a step's limit is the same day as the step it counts from.
fn is_same_day_work(step: &waymark_compile::Step) -> bool {
    step.deadlines.iter().any(|deadline| {
        deadline.kind == waymark_compile::DeadlineKind::Limit
            && deadline.amount == 0
            && !deadline.clock.counts_back()
    })
}

/// Checkpoints recorded near their day (most of them), and recurring work while its step is
/// open. They run alongside the path, so they are recorded after it.
fn side_work(
    plan: &Plan,
    done: &[Option<NaiveDate>],
    reached: &[Option<NaiveDate>],
    fact: &impl Fn(waymark_compile::FactIndex) -> Option<FactValue>,
    random: &mut Random,
    events: &mut Vec<Generated>,
) {
    let calendar = plan.calendar;
    let last = events.iter().map(|e| e.on).max();
    for &id in plan.row_steps() {
        let step = plan.procedure.step(id);
        match &step.kind {
            StepKind::Checkpoint { until, .. } => {
                let Some(deadline) = step.deadlines.first() else {
                    continue;
                };
                let from = match deadline.clock {
                    // A generated case records each decision once: near enough for a checkpoint
                    // counted from one of its outcomes (a mismatch is simply recorded early).
                    waymark_compile::Clock::AfterStep(clock)
                    | waymark_compile::Clock::AfterOutcome(clock, _) => done[clock.0 as usize],
                    waymark_compile::Clock::AfterFact(f) => match fact(f) {
                        Some(FactValue::Date(date)) => Some(date),
                        _ => None,
                    },
                    waymark_compile::Clock::BeforeFact(_)
                    | waymark_compile::Clock::BeforeStep(_)
                    | waymark_compile::Clock::BeforeEachStep(_) => None,
                };
                let Some(from) = from else {
                    continue;
                };
                let Ok(due) = crate::replay::due_dates::shift(
                    calendar,
                    crate::case::When::day(from),
                    i64::from(deadline.amount),
                    deadline.unit,
                ) else {
                    continue;
                };
                let ended = until.and_then(|u| done[u.0 as usize]);
                if ended.is_some_and(|ended| ended < due.date()) || !random.chance(85) {
                    continue;
                }
                let on = calendar
                    .add_working_days(due.date(), random.below(3) as i64 - 1)
                    .unwrap_or(due.date());
                if last.is_some_and(|last| on > last) {
                    continue;
                }
                events.push(Generated::plain(id, on.max(from)));
            }
            StepKind::Recurring {
                every,
                unit,
                during,
                ..
            } => {
                let Some(mut from) = reached[during.0 as usize] else {
                    continue;
                };
                let until = done[during.0 as usize].or(last);
                for _ in 0..20 {
                    let next = match unit {
                        Unit::Hours => break,
                        Unit::WorkingDays | Unit::CalendarDays | Unit::Weeks | Unit::Months => {
                            crate::replay::due_dates::shift(
                                calendar,
                                crate::case::When::day(from),
                                i64::from(*every),
                                *unit,
                            )
                        }
                    };
                    let Ok(next) = next else {
                        break;
                    };
                    let on = calendar
                        .add_working_days(next.date(), -(random.below(3) as i64))
                        .unwrap_or(next.date())
                        .max(from);
                    if until.is_none_or(|until| on > until) {
                        break;
                    }
                    events.push(Generated::plain(id, on));
                    from = on;
                }
            }
            _ => {}
        }
    }
}
