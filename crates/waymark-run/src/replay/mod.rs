//! The replay: one case's records against the procedure, every record counted for its own step.
//!
//! Real records are incomplete and out of order, so the replay never stops at a record that
//! does not fit (that is `--strict`'s reading, `strict.rs`). It works in stages, each a pass
//! over the steps in the procedure's order ([`Plan::rank`]):
//! 1. `records.rs`: the records in the order they apply: by date, and within a day in the
//!    procedure's order; each step's first record.
//! 2. `path.rs`: the path the case took: from the start along the routes its facts choose, and
//!    at each decision the branch its recorded outcome chooses (or, when the decision was not
//!    recorded, the branch its later records show).
//! 3. `progress.rs`: when each step on the path was reached and done, and for each step the
//!    first record of a later step (which shows the case moved past it).
//! 4. `deviations.rs`: what did not fit: gaps, records out of order, on branches not taken,
//!    repeated, or after the case closed.
//! 5. `rows.rs`: a row per step with its due date (`due_dates.rs`) and status.
//!
//! The work per case is linear in records plus steps in the common case; `docs/cases.md` gives
//! the rules in words.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

mod any_of;
#[cfg(test)]
mod any_of_tests;
mod deviations;
pub mod due_dates;
mod each;
#[cfg(test)]
mod each_tests;
pub(crate) mod extension;
#[cfg(test)]
mod optional_tests;
mod path;
mod progress;
#[cfg(test)]
mod recorded_tests;
mod records;
#[cfg(test)]
mod recurring_tests;
#[cfg(test)]
mod repeat_tests;
#[cfg(test)]
mod route_tests;
mod rows;
mod scratch;
mod signoff;
mod strict;
#[cfg(test)]
mod test_cases;
#[cfg(test)]
mod tests;

use crate::case::{Case, When};
use crate::plan::{Kind, Plan, Shape};
use crate::report::{CaseReport, Deviation, Left, State, Warning};
use chrono::NaiveDate;
use records::Record;
use scratch::{SCRATCH, Scratch};
use waymark_compile::StepIndex;

/// How to read a case's records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reading {
    /// Every record counts for its own step; misfits are listed as deviations.
    #[default]
    Replay,
    /// The first record that does not fit ends the case as `left` (for audits of recording
    /// practice).
    Strict,
}

/// Runs one case as it stood at the end of `as_of`, every record counted.
pub fn run_case(plan: &Plan, case: Case, as_of: NaiveDate) -> CaseReport {
    run_case_with(plan, case, as_of, Reading::Replay)
}

/// Runs one case as it stood at the end of `as_of`, read as `reading` says.
pub fn run_case_with(plan: &Plan, case: Case, as_of: NaiveDate, reading: Reading) -> CaseReport {
    SCRATCH.with_borrow_mut(|scratch| {
        let (ignored, dateless) = records::in_order(plan, &case, as_of, &mut scratch.records);
        scratch.dateless = dateless;
        // Most cases have no extension: one look at the events, not one per pass that asks.
        scratch.extended = case.events.iter().any(|event| event.extended_by.is_some());
        if scratch.extended {
            extension::hold(&case, &mut scratch.records);
        }
        let held = signoff::hold_partial(plan, &case, &mut scratch.records);
        let records = std::mem::take(&mut scratch.records);
        let mut report = match reading {
            Reading::Replay => {
                let finished = Replay::run(plan, &case, &records, scratch).finish(as_of, scratch);
                finished.report(case, ignored, None)
            }
            Reading::Strict => strict::run(plan, case, as_of, ignored, &records, scratch),
        };
        scratch.records = records;
        signoff::judge(plan, &mut report, held);
        if scratch.extended {
            extension::judge(plan, &mut report);
        }
        report
    })
}

/// What the replay knows of one step of one case.
#[derive(Clone, Copy, Debug, Default)]
struct StepState {
    /// The step's first record, as an index into the records in applied order.
    first: Index,
    /// A waiver recorded without a date (an index into the case's events): it applies when
    /// the step is reached.
    dateless_waiver: Index,
    /// On the path the case took.
    on_path: bool,
    /// Behind a decision not recorded: the case may still go there.
    possible: bool,
    /// Where the case moved on from this step (a task's or join's route, a decision's branch).
    onward: Option<StepIndex>,
    reached: Option<When>,
    /// When the step before it on the path was done (not merely reached).
    after_done: Option<When>,
    done: Option<When>,
    waived: bool,
    /// The event that did (or waived) the step.
    event: Index,
    /// The first record (in applied order) of a later step on the path.
    after: Index,
    /// Every step before it on the path was done or passed, so the case could be at it.
    ready: bool,
    /// For a join: how many pieces of its together block have finished, and how many were
    /// passed (done or shown passed by a later record).
    pieces_done: u32,
    pieces_passed: u32,
    /// For a join: when the first of its pieces finished (any-of work is done then).
    first_piece_done: Option<When>,
    /// The latest date recorded on the path ahead of it.
    latest_ahead: Option<chrono::NaiveDate>,
}

/// An index into the case's records or events, or none. Kept as the index plus one, so that
/// none is zero: the four of a step's state are cleared together, in one wide store (every
/// step's state is cleared for every case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Index(Option<std::num::NonZeroU32>);

impl Index {
    /// (A case's records and events are counted in `u32` here, as everywhere in the replay:
    /// never near its largest value, the one index that would read as none.)
    fn of(index: u32) -> Index {
        Index(std::num::NonZeroU32::new(index.wrapping_add(1)))
    }

    fn get(self) -> Option<u32> {
        self.0.map(|plus_one| plus_one.get() - 1)
    }

    fn is_some(self) -> bool {
        self.0.is_some()
    }

    fn is_none(self) -> bool {
        self.0.is_none()
    }

    /// The earlier of two records (indexes in applied order) that may be missing: the one
    /// there, when only one is. (Compared as kept: one more than each keeps their order.)
    fn sooner(self, other: Index) -> Index {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Index(Some(a.min(b))),
            (a, None) => Index(a),
            (None, b) => Index(b),
        }
    }
}

/// One case being replayed.
pub(crate) struct Replay<'a, 'p> {
    plan: &'a Plan<'p>,
    case: &'a Case,
    records: &'a [Record],
    steps: Vec<StepState>,
    /// The end the case reached, and when.
    end: Option<(StepIndex, When)>,
    deviations: Vec<Deviation>,
    misfits: Vec<bool>,
    warnings: Vec<Warning>,
    /// A list of steps or records for one stage's work, reused.
    list: Vec<StepIndex>,
    /// A list of records (indexes) for one stage's work, reused.
    record_list: Vec<u32>,
    /// The steps on the case's path, in the procedure's order.
    path: Vec<StepIndex>,
    /// Some record on the path is dated before a record of a step ahead of it.
    maybe_out_of_order: bool,
    /// For work due before or after each occurrence of a step: how its records paired with
    /// the occurrences (found with the deviations, used again for the rows).
    each_paired: Vec<each::Paired>,
    /// Emptied lists for pairing such work, kept from case to case.
    each_spares: Vec<(each::Lists, each::Pairs)>,
    /// Some event of the case is an extension (most cases have none: no step is extended).
    extended: bool,
    /// How many of the case's events are waivers without a date.
    dateless: usize,
}

impl<'a, 'p> Replay<'a, 'p> {
    /// Replays `records` (in applied order) and the case's dateless waivers.
    fn run(
        plan: &'a Plan<'p>,
        case: &'a Case,
        records: &'a [Record],
        scratch: &mut Scratch,
    ) -> Replay<'a, 'p> {
        let mut steps = std::mem::take(&mut scratch.steps);
        steps.clear();
        steps.resize(plan.procedure.steps.len(), StepState::default());
        let mut misfits = std::mem::take(&mut scratch.misfits);
        misfits.clear();
        misfits.resize(records.len(), false);
        let mut replay = Replay {
            plan,
            case,
            records,
            steps,
            end: None,
            deviations: crate::scratch::deviations(),
            misfits,
            warnings: Vec::new(),
            list: std::mem::take(&mut scratch.list),
            record_list: std::mem::take(&mut scratch.record_list),
            path: std::mem::take(&mut scratch.path),
            maybe_out_of_order: false,
            each_paired: std::mem::take(&mut scratch.each_paired),
            each_spares: std::mem::take(&mut scratch.each_spares),
            extended: scratch.extended,
            dateless: scratch.dateless,
        };
        replay.note_records();
        replay.walk_path(scratch);
        replay.progress();
        replay.find_deviations();
        for (position, record) in records.iter().enumerate() {
            replay.check_role(record.event, position);
        }
        replay
    }

    /// Hands the working space back and gives what the report says of the case.
    fn finish(mut self, as_of: NaiveDate, scratch: &mut Scratch) -> Finished {
        let rows = self.rows(as_of);
        let next = rows::next_due(&rows, as_of, |step| self.optional(step));
        let at = match self.end {
            Some(_) => Vec::new(),
            None => self.open_steps(),
        };
        let records = (self.records.len() + self.dateless) as u32;
        let misfits = self.misfits.iter().filter(|misfit| **misfit).count() as u32;
        let end = self.end.map(|(end, _)| end);
        let warnings = std::mem::take(&mut self.warnings);
        let deviations = self.release(scratch);
        Finished {
            as_of,
            end,
            at,
            next,
            rows,
            deviations,
            records,
            fitting: records - misfits,
            warnings,
        }
    }

    /// Hands the working space back without making a report; gives the deviations found.
    fn release(mut self, scratch: &mut Scratch) -> Vec<Deviation> {
        scratch.steps = std::mem::take(&mut self.steps);
        scratch.misfits = std::mem::take(&mut self.misfits);
        scratch.list = std::mem::take(&mut self.list);
        scratch.record_list = std::mem::take(&mut self.record_list);
        scratch.path = std::mem::take(&mut self.path);
        each::keep_spares(&mut self.each_paired, &mut self.each_spares);
        scratch.each_paired = std::mem::take(&mut self.each_paired);
        scratch.each_spares = std::mem::take(&mut self.each_spares);
        self.deviations
    }

    fn state(&self, id: StepIndex) -> &StepState {
        &self.steps[id.0 as usize]
    }

    fn state_mut(&mut self, id: StepIndex) -> &mut StepState {
        &mut self.steps[id.0 as usize]
    }

    fn step(&self, id: StepIndex) -> &'p waymark_compile::Step {
        self.plan.procedure.step(id)
    }

    /// What the passes ask of the step, from the plan's table (one look for all of it: a pass
    /// that asks several things of a step takes the entry once).
    fn shape(&self, id: StepIndex) -> &'a Shape {
        &self.plan.shapes[id.0 as usize]
    }

    fn kind(&self, id: StepIndex) -> Kind {
        self.shape(id).kind
    }

    /// Whether the step may repeat (from the plan's table, not the step).
    fn repeats(&self, id: StepIndex) -> bool {
        self.shape(id).repeats
    }

    /// Whether the step is optional (from the plan's table, not the step).
    fn optional(&self, id: StepIndex) -> bool {
        self.shape(id).optional
    }

    /// The case's facts, each decision's outcome named in a condition (from the record that
    /// decided the way on: its first, or for a decision that may repeat, its latest), and each
    /// fact recorded at a step (from that step's latest record). Unknown until recorded.
    fn fact(
        &self,
    ) -> impl Fn(waymark_compile::FactIndex) -> Option<waymark_compile::FactValue> + '_ {
        |id| {
            let fact = self.plan.procedure.fact(id);
            if let Some(decision) = fact.decided_by {
                let outcome = self.recorded_outcome(decision)?;
                return Some(waymark_compile::FactValue::Choice(outcome as u32));
            }
            match fact.recorded_at {
                None => self.case.fact(id),
                Some(step) => self.recorded_fact(id, step, self.records.len()),
            }
        }
    }

    /// A fact recorded at `step`, as the latest record of `step` before record `before` (in
    /// applied order) gives it; a dateless waiver of the step, when it has no dated record.
    fn recorded_fact(
        &self,
        id: waymark_compile::FactIndex,
        step: StepIndex,
        before: usize,
    ) -> Option<waymark_compile::FactValue> {
        let event = match self
            .records
            .get(..before)?
            .iter()
            .rev()
            .find(|r| r.step == step)
        {
            Some(record) => record.event,
            None => self.state(step).dateless_waiver.get()? as usize,
        };
        self.case.events.get(event)?.recorded(id)
    }

    /// The facts as they stood when record `position` (in applied order, of event `event`) was
    /// made, for judging who made it: a fact recorded at its own step is the value the record
    /// itself gives; one recorded at another step, that step's latest record before it.
    fn fact_for_record(
        &self,
        event: usize,
        position: usize,
    ) -> impl Fn(waymark_compile::FactIndex) -> Option<waymark_compile::FactValue> + '_ {
        let all = self.fact();
        move |id| {
            let Some(step) = self.plan.procedure.fact(id).recorded_at else {
                return all(id);
            };
            let record = self.case.events.get(event)?;
            match record.step == step {
                true => record.recorded(id),
                false => self.recorded_fact(id, step, position),
            }
        }
    }

    /// Whether a fact a condition reads is still to be recorded: a decision's outcome or a fact
    /// recorded at a step, whose step has no record yet.
    fn fact_pending(&self, id: waymark_compile::FactIndex) -> bool {
        self.plan.procedure.fact(id).known_at().is_some_and(|step| {
            let state = self.state(step);
            state.first.is_none() && state.dateless_waiver.is_none()
        })
    }

    /// Whether the case is on, or may still come to, `id`.
    fn on_or_possible(&self, id: StepIndex) -> bool {
        let state = self.state(id);
        state.on_path || state.possible
    }

    /// The steps the case stands at: on each line of its path still open, the first step not
    /// done that no later record has passed, in declaration order.
    fn open_steps(&self) -> Vec<StepIndex> {
        let mut at: Vec<StepIndex> = self
            .plan
            .procedure
            .step_ids()
            .filter(|id| {
                let state = self.state(*id);
                state.on_path
                    && state.ready
                    && state.done.is_none()
                    && !state.waived
                    && state.after.is_none()
                    && self.kind(*id).is_recordable()
                    && !self.not_needed(*id)
            })
            .collect();
        let before = at.len();
        at.extend(self.path.iter().filter_map(|id| self.sent_back_to(*id)));
        if at.len() > before {
            at.sort();
            at.dedup();
        }
        at
    }

    /// The step a decision on a loop last sent the case back to (`on redo then plan`), while
    /// that step has not been recorded again since: the case stands there.
    fn sent_back_to(&self, decision: StepIndex) -> Option<StepIndex> {
        let back = self.state(decision).onward?;
        if !self.repeats(decision) || self.plan.rank(back) > self.plan.rank(decision) {
            return None;
        }
        let decided = self.records.iter().rposition(|r| r.step == decision)?;
        let again = self
            .records
            .get(decided + 1..)?
            .iter()
            .any(|r| r.step == back);
        (!again).then_some(back)
    }

    /// The steps open on `on`: on the path, reached by then and not done by then.
    fn open_on(&self, on: When) -> Vec<StepIndex> {
        self.plan
            .procedure
            .step_ids()
            .filter(|id| {
                let state = self.state(*id);
                let reached = *id == self.plan.procedure.start
                    || state.reached.is_some_and(|reached| reached.date <= on.date);
                state.on_path
                    && reached
                    && state.done.is_none_or(|done| done.date > on.date)
                    && self.kind(*id).is_recordable()
            })
            .collect()
    }
}

/// What a replay found, to be made into a report with the case it replayed.
struct Finished {
    as_of: NaiveDate,
    end: Option<StepIndex>,
    at: Vec<StepIndex>,
    next: Option<usize>,
    rows: Vec<crate::report::Row>,
    deviations: Vec<Deviation>,
    records: u32,
    fitting: u32,
    warnings: Vec<Warning>,
}

impl Finished {
    fn report(self, case: Case, ignored: usize, left: Option<Left>) -> CaseReport {
        let state = match (&left, self.end) {
            (Some(_), _) => State::Left,
            (None, Some(_)) => State::Closed,
            // Dated records exist (extensions too), all of them after the as-of date: the case
            // had not begun then. (A case with no records at all is open at its start; a
            // waiver without a date says nothing of when.)
            (None, None) if not_started(&case, self.as_of) => State::NotStarted,
            (None, None) => State::Open,
        };
        let (mut at, mut next) = (self.at, self.next);
        if state == State::NotStarted {
            at.clear();
            next = None;
        }
        CaseReport {
            case,
            as_of: self.as_of,
            state,
            end: self.end,
            at,
            next,
            left,
            ignored_after_as_of: ignored,
            rows: self.rows,
            deviations: self.deviations,
            records: self.records,
            fitting: self.fitting,
            warnings: self.warnings,
        }
    }
}

/// Whether the case has dated records and every one of them is after `as_of`.
fn not_started(case: &Case, as_of: NaiveDate) -> bool {
    let mut dated = case.events.iter().filter_map(|event| event.on).peekable();
    dated.peek().is_some() && dated.all(|on| on.date > as_of)
}

/// The earlier of two moments that may be unknown (the one known, when only one is).
fn earlier(a: Option<When>, b: Option<When>) -> Option<When> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if later(Some(a), Some(b)) == Some(a) {
            b
        } else {
            a
        }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The later of two moments that may be unknown. A record with only a date counts as the end
/// of its day, so it is later than any time that day. (Compared as parts: this runs for every
/// step of every case.)
fn later(a: Option<When>, b: Option<When>) -> Option<When> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let b_is_later = match (a.date == b.date, a.time, b.time) {
                (false, _, _) => b.date > a.date,
                (true, None, _) => false,
                (true, Some(_), None) => true,
                (true, Some(x), Some(y)) => y > x,
            };
            Some(if b_is_later { b } else { a })
        }
        (Some(a), None) => Some(a),
        (None, b) => b,
    }
}
