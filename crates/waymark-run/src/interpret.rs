//! Running one case through the procedure: apply its events in date order, then give every
//! step a row with its due date and status. See `docs/cases.md` for the rules in words.
//!
//! The work per case is linear in events plus steps: one pass over the events (sorted), one
//! walk of the graph from the open steps to find what is still possible, one pass over the
//! steps for rows. Due dates are O(1) calendar look-ups.

use crate::case::{Case, When};
use crate::due::{ClockStart, clock_start, governing, shift};
use crate::plan::Plan;
use crate::report::{CaseReport, Left, Row, State, Status, Warning};
use chrono::NaiveDate;
use waymark_compile::{DeadlineKind, FactId, FactValue, RouteWhen, Step, StepId, StepKind};

/// Runs one case as it stood on `as_of`.
pub fn run_case(plan: &Plan, case: Case, as_of: NaiveDate) -> CaseReport {
    SCRATCH.with_borrow_mut(|scratch| run_with(plan, case, as_of, scratch))
}

/// Working space kept from case to case on each thread, so running a case allocates only what
/// its report keeps, and not even that when the last report was handed back ([`recycle`]).
#[derive(Default)]
struct Scratch {
    steps: Vec<StepState>,
    order: Vec<usize>,
    work: Vec<Work>,
    /// The lists of a report already printed, to be filled again. Memory just used is still in
    /// the processor's cache; fresh memory for every case's rows cost a fifth of the run time.
    /// Two of each: comparing versions runs every case twice.
    spare_rows: Vec<Vec<Row>>,
    spare_events: Vec<Vec<crate::case::Event>>,
}

/// How many reports' lists a thread keeps for reuse.
const SPARES: usize = 2;

/// Hands a report that is no longer needed back to this thread, so the next case run on it
/// fills the same memory (faster than dropping it).
pub fn recycle(report: CaseReport) {
    let CaseReport { mut rows, case, .. } = report;
    let mut events = case.events;
    rows.clear();
    events.clear();
    SCRATCH.with_borrow_mut(|scratch| {
        if scratch.spare_rows.len() < SPARES {
            scratch.spare_rows.push(rows);
        }
        if scratch.spare_events.len() < SPARES {
            scratch.spare_events.push(events);
        }
    });
}

/// An empty list for a case's events, from a recycled report when there is one.
pub(crate) fn spare_events() -> Vec<crate::case::Event> {
    SCRATCH.with_borrow_mut(|scratch| scratch.spare_events.pop().unwrap_or_default())
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

fn run_with(plan: &Plan, case: Case, as_of: NaiveDate, scratch: &mut Scratch) -> CaseReport {
    let mut run = Run::new(plan, &case, scratch);
    let ignored = event_order(&case, as_of, &mut scratch.order);
    for &index in &scratch.order {
        if !run.apply(index) {
            let event = &case.events[index];
            run.left = Some(Left {
                step: event.step,
                on: event.on,
                line: event.line,
                expected: run.open_steps(),
            });
            break;
        }
    }
    let state = match (&run.left, run.end) {
        (Some(_), _) => State::Left,
        (None, Some(_)) => State::Closed,
        (None, None) => State::Open,
    };
    let rows = run.rows(state, as_of, scratch.spare_rows.pop().unwrap_or_default());
    let next = next_due(&rows);
    let at = run.open_steps();
    scratch.steps = std::mem::take(&mut run.steps);
    scratch.work = std::mem::take(&mut run.work);
    CaseReport {
        as_of,
        state,
        end: run.end,
        at,
        next,
        left: run.left,
        ignored_after_as_of: ignored,
        rows,
        warnings: run.warnings,
        case,
    }
}

/// The events to apply, in order: by date, then by time among events of the same day that
/// have one (date-only events keep their place), ties in input order. Events after `as_of`
/// are left out and counted; waivers without a date are applied when their step is reached.
fn event_order(case: &Case, as_of: NaiveDate, order: &mut Vec<usize>) -> usize {
    let mut ignored = 0;
    order.clear();
    for (index, event) in case.events.iter().enumerate() {
        match event.on {
            Some(on) if on.date > as_of => ignored += 1,
            Some(_) => order.push(index),
            None => {}
        }
    }
    let date = |i: usize| case.events[i].on.map(|on| on.date);
    let time = |i: usize| case.events[i].on.and_then(|on| on.time);
    order.sort_by_key(|&i| date(i));
    let mut start = 0;
    while start < order.len() {
        let day = date(order[start]);
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| date(i) == day)
                .count();
        let slots: Vec<usize> = (start..end).filter(|&k| time(order[k]).is_some()).collect();
        if slots.len() > 1 {
            let mut timed: Vec<usize> = slots.iter().map(|&k| order[k]).collect();
            timed.sort_by_key(|&i| time(i));
            for (slot, index) in slots.into_iter().zip(timed) {
                order[slot] = index;
            }
        }
        start = end;
    }
    ignored
}

/// The pending row with the earliest due date (ties: the first row).
fn next_due(rows: &[Row]) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, row)| row.status == Status::Pending)
        .filter_map(|(index, row)| row.due.map(|due| (due.moment(), index)))
        .min()
        .map(|(_, index)| index)
}

#[derive(Clone, Copy, Debug, Default)]
struct StepState {
    reached: Option<When>,
    done: Option<When>,
    event: Option<usize>,
    waived: bool,
    pieces_left: usize,
}

enum Work {
    Reach(StepId, When),
    Finish(StepId, When),
}

struct Run<'a, 'p> {
    plan: &'a Plan<'p>,
    case: &'a Case,
    steps: Vec<StepState>,
    /// Waivers recorded without a date: (step, event), applied when the step is reached.
    dateless: Vec<(StepId, usize)>,
    /// Events of recurring work, in the order applied: (step, event).
    occurrences: Vec<(StepId, usize)>,
    end: Option<StepId>,
    left: Option<Left>,
    work: Vec<Work>,
    warnings: Vec<Warning>,
}

impl<'a, 'p> Run<'a, 'p> {
    fn new(plan: &'a Plan<'p>, case: &'a Case, scratch: &mut Scratch) -> Self {
        let dateless = case
            .events
            .iter()
            .enumerate()
            .filter(|(_, event)| event.on.is_none())
            .map(|(index, event)| (event.step, index))
            .collect();
        Run {
            plan,
            case,
            steps: {
                let mut steps = std::mem::take(&mut scratch.steps);
                steps.clear();
                steps.resize(plan.procedure.steps.len(), StepState::default());
                steps
            },
            dateless,
            occurrences: Vec::new(),
            end: None,
            left: None,
            work: {
                let mut work = std::mem::take(&mut scratch.work);
                work.clear();
                work
            },
            warnings: Vec::new(),
        }
    }

    fn step(&self, id: StepId) -> &'p Step {
        self.plan.procedure.step(id)
    }

    fn state(&self, id: StepId) -> &StepState {
        &self.steps[id.0 as usize]
    }

    fn state_mut(&mut self, id: StepId) -> &mut StepState {
        &mut self.steps[id.0 as usize]
    }

    fn fact(&self) -> impl Fn(FactId) -> Option<FactValue> + '_ {
        |id| self.case.fact(id)
    }

    fn done_at(&self) -> impl Fn(StepId) -> Option<When> + '_ {
        |id| self.state(id).done
    }

    /// Applies one dated event; `false` if the procedure does not allow it at this point.
    fn apply(&mut self, index: usize) -> bool {
        let event = &self.case.events[index];
        let Some(on) = event.on else {
            return true;
        };
        let id = event.step;
        let start = self.plan.procedure.start;
        let allowed = match &self.step(id).kind {
            StepKind::Checkpoint { .. } => {
                let started = self.step(id).deadlines.iter().any(|deadline| {
                    matches!(
                        clock_start(deadline, &self.fact(), &self.done_at()),
                        ClockStart::Started(..)
                    )
                });
                if started && self.state(id).done.is_none() {
                    let state = self.state_mut(id);
                    state.done = Some(on);
                    state.event = Some(index);
                    state.waived = event.waived;
                    true
                } else {
                    false
                }
            }
            StepKind::Recurring { during, .. } => {
                let ok = self.state(*during).reached.is_some();
                if ok {
                    self.occurrences.push((id, index));
                }
                ok
            }
            StepKind::End => self.end == Some(id),
            StepKind::Task | StepKind::Decision => {
                let state = *self.state(id);
                let starting = id == start && state.reached.is_none();
                let open = state.reached.is_some() && state.done.is_none();
                if self.end.is_some() || !(starting || open) {
                    false
                } else {
                    if starting {
                        self.state_mut(id).reached = Some(on);
                    }
                    self.complete(id, on, index, event.waived);
                    true
                }
            }
            StepKind::Together { .. } | StepKind::Join { .. } => false,
        };
        if allowed {
            self.check_role(index);
        }
        allowed
    }

    fn complete(&mut self, id: StepId, on: When, event: usize, waived: bool) {
        let state = self.state_mut(id);
        state.done = Some(on);
        state.event = Some(event);
        state.waived = waived;
        self.work.push(Work::Finish(id, on));
        self.drain();
    }

    /// Moves the case on from finished steps, reaching the next ones, until nothing moves.
    fn drain(&mut self) {
        while let Some(work) = self.work.pop() {
            match work {
                Work::Reach(id, on) => self.reach(id, on),
                Work::Finish(id, on) => self.finish(id, on),
            }
        }
    }

    fn reach(&mut self, id: StepId, on: When) {
        if self.state(id).reached.is_some() {
            return;
        }
        self.state_mut(id).reached = Some(on);
        match &self.step(id).kind {
            StepKind::End if self.end.is_none() => self.end = Some(id),
            StepKind::Together { members, .. } => {
                self.state_mut(id).pieces_left = members.len();
                for member in members.iter().rev() {
                    self.work.push(Work::Reach(*member, on));
                }
            }
            StepKind::Task | StepKind::Decision => {
                let waiver = self.dateless.iter().find(|(step, _)| *step == id);
                if let Some(&(_, event)) = waiver {
                    let state = self.state_mut(id);
                    state.done = Some(on);
                    state.event = Some(event);
                    state.waived = true;
                    self.work.push(Work::Finish(id, on));
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, id: StepId, on: When) {
        if let Some(target) = self.route_taken(id) {
            self.work.push(Work::Reach(target, on));
        }
        let Some(together) = self.plan.tail_of[id.0 as usize] else {
            return;
        };
        let state = self.state_mut(together);
        state.pieces_left = state.pieces_left.saturating_sub(1);
        if state.pieces_left > 0 || state.done.is_some() || state.reached.is_none() {
            return;
        }
        state.done = Some(on);
        if let StepKind::Together { join, .. } = self.step(together).kind {
            let join_state = self.state_mut(join);
            join_state.reached = Some(on);
            join_state.done = Some(on);
            self.work.push(Work::Finish(join, on));
        }
    }

    /// Where a finished step leads: a decision by its recorded outcome; any other step by the
    /// first `then ... when` that holds, else its `then`, else its `otherwise`.
    fn route_taken(&self, id: StepId) -> Option<StepId> {
        let step = self.step(id);
        if matches!(step.kind, StepKind::Decision) {
            let outcome = self
                .state(id)
                .event
                .and_then(|e| self.case.events[e].outcome)?;
            return step
                .routes
                .iter()
                .find(|route| matches!(route.when, RouteWhen::Outcome(o) if o == outcome))
                .map(|route| route.target);
        }
        self.route_by_facts(step)
    }

    fn route_by_facts(&self, step: &Step) -> Option<StepId> {
        step.route_by_facts(&self.fact())
    }

    /// The open steps (reached, not done), in declaration order; the start before it happens.
    fn open_steps(&self) -> Vec<StepId> {
        let start = self.plan.procedure.start;
        if self.state(start).reached.is_none() {
            return vec![start];
        }
        self.plan
            .procedure
            .step_ids()
            .filter(|id| {
                let state = self.state(*id);
                state.reached.is_some()
                    && state.done.is_none()
                    && matches!(self.step(*id).kind, StepKind::Task | StepKind::Decision)
            })
            .collect()
    }

    /// Warns when an event names a role the procedure does not allow for the step in this case.
    fn check_role(&mut self, index: usize) {
        let event = &self.case.events[index];
        let Some(by) = event.by else {
            return;
        };
        let step = self.step(event.step);
        if step.roles.is_empty() {
            return;
        }
        let case = self.case;
        let fact = |id| case.fact(id);
        let applies =
            |rule: &&waymark_compile::RoleRule| rule.guard.as_ref().is_none_or(|g| g.holds(&fact));
        if step
            .roles
            .iter()
            .filter(applies)
            .any(|rule| rule.roles.contains(&by))
        {
            return;
        }
        let mut allowed: Vec<_> = step
            .roles
            .iter()
            .filter(applies)
            .flat_map(|rule| rule.roles.iter().copied())
            .collect();
        allowed.sort();
        allowed.dedup();
        let procedure = self.plan.procedure;
        let names: Vec<String> = allowed
            .iter()
            .map(|role| format!("`{}`", procedure.role(*role).id))
            .collect();
        let who = match names.len() {
            0 => "no role may do it".to_string(),
            _ => format!("only {} may do it", names.join(" or ")),
        };
        let message = format!(
            "role not allowed: `{}` was done by `{}`, but in this case {who}",
            step.id,
            procedure.role(by).id
        );
        self.warnings.push(Warning {
            line: event.line,
            message,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Rows

    fn rows(&mut self, state: State, as_of: NaiveDate, mut rows: Vec<Row>) -> Vec<Row> {
        let (possible, sure) = match state {
            State::Closed => (Vec::new(), Vec::new()),
            State::Open | State::Left => (self.still_possible(true), self.still_possible(false)),
        };
        let is = |flags: &[bool], id: StepId| flags.get(id.0 as usize).copied().unwrap_or(false);
        rows.clear();
        rows.reserve(self.plan.row_steps.len());
        let mut out_of_range = false;
        for &id in &self.plan.row_steps {
            match &self.step(id).kind {
                StepKind::Checkpoint { until, .. } => {
                    let until = *until;
                    self.checkpoint_row(id, until, &possible, as_of, &mut out_of_range, &mut rows);
                }
                StepKind::Recurring {
                    every,
                    unit,
                    during,
                    when,
                } => {
                    // Recurring work with a condition the case does not meet is not its work.
                    if when
                        .as_ref()
                        .is_some_and(|guard| !guard.holds(&self.fact()))
                    {
                        rows.push(Row::new(id, Status::NotApplicable));
                        continue;
                    }
                    let (every, unit, during) = (*every, *unit, *during);
                    let open = is(&possible, during) || self.state(during).reached.is_some();
                    self.recurring_rows(id, every, unit, during, open, as_of, &mut rows);
                }
                _ => {
                    let st = *self.state(id);
                    let reachable_now = st.reached.is_some() || is(&sure, id);
                    if st.done.is_some() || reachable_now {
                        self.timed_row(id, as_of, &mut out_of_range, &mut rows);
                    } else if is(&possible, id) {
                        rows.push(Row::new(id, Status::Pending));
                    } else {
                        rows.push(Row::new(id, Status::NotApplicable));
                    }
                }
            }
        }
        if out_of_range {
            self.warnings.push(Warning {
                line: self.case.line,
                message: format!(
                    "a due date falls outside the years Waymark counts ({}-{}) and is left out",
                    waymark_calendar::FIRST_YEAR,
                    waymark_calendar::LAST_YEAR
                ),
            });
        }
        rows
    }

    /// A step's row from its due date, target and what was done, added to `rows`. (Rows are
    /// filled where they lie: building one aside and copying it in stalled the processor.)
    fn timed_row(
        &self,
        id: StepId,
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let step = self.step(id);
        let calendar = self.plan.calendar;
        let (fact, done_at) = (self.fact(), self.done_at());
        let [has_limit, has_target] = self.plan.deadline_kinds[id.0 as usize];
        let mut due_of = |kind| governing(calendar, step, kind, &fact, &done_at, out_of_range);
        let due = has_limit.then(|| due_of(DeadlineKind::Limit)).flatten();
        let target = has_target.then(|| due_of(DeadlineKind::Target)).flatten();
        let st = self.state(id);
        rows.push(Row::new(id, Status::Pending));
        let Some(row) = rows.last_mut() else {
            return;
        };
        row.due = due.map(|(due, _)| due);
        row.due_rule = due.map(|(_, rule)| rule);
        row.target = target.map(|(target, _)| target);
        row.target_rule = target.map(|(_, rule)| rule);
        row.event = st.event;
        self.judge(row, step, st.done, st.waived, as_of);
    }

    /// Sets the row's status from when it was done (or not) and its due date.
    fn judge(
        &self,
        row: &mut Row,
        step: &Step,
        done: Option<When>,
        waived: bool,
        as_of: NaiveDate,
    ) {
        row.done = done;
        row.status = match (done, row.due) {
            (Some(_), _) if waived => Status::Waived,
            (Some(done), Some(due)) if !due.is_met_by(done) => Status::Late,
            (Some(_), _) => Status::Met,
            (None, Some(due)) if due.has_passed(as_of) => Status::Overdue,
            (None, _) => Status::Pending,
        };
        if row.status == Status::Late && step.overrun_needs_reason {
            let reason = row.event.and_then(|e| self.case.events[e].reason.as_ref());
            row.reason_recorded = Some(reason.is_some());
        }
        if let (Some(done), Some(target), false) = (done, row.target, waived) {
            row.target_met = Some(target.is_met_by(done));
        }
    }

    fn checkpoint_row(
        &self,
        id: StepId,
        until: Option<StepId>,
        possible: &[bool],
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let is = |step: StepId| possible.get(step.0 as usize).copied().unwrap_or(false);
        self.timed_row(id, as_of, out_of_range, rows);
        let Some(row) = rows.last_mut() else {
            return;
        };
        if row.done.is_some() {
            return;
        }
        let not_needed = match row.due {
            // The clock has not started: needed only if the step that starts it may come.
            None => !self
                .step(id)
                .deadlines
                .iter()
                .any(|deadline| match deadline.clock {
                    waymark_compile::Clock::AfterStep(clock) => {
                        is(clock) || self.state(clock).reached.is_some()
                    }
                    _ => false,
                }),
            Some(due) => until.is_some_and(|until| match self.state(until).done {
                // The stage ended before the checkpoint fell due.
                Some(ended) => ended.date < due.date(),
                None => !is(until) && self.state(until).reached.is_none(),
            }),
        };
        if not_needed {
            *row = Row::new(id, Status::NotApplicable);
        }
    }

    /// Rows for recurring work while the case is at `during`: each occurrence recorded, then
    /// the next one due (unless the case left `during` before it fell due).
    #[allow(
        clippy::too_many_arguments,
        reason = "one call site; the pieces of a recurring step"
    )]
    fn recurring_rows(
        &self,
        id: StepId,
        every: u32,
        unit: waymark_compile::Unit,
        during: StepId,
        still_possible: bool,
        as_of: NaiveDate,
        rows: &mut Vec<Row>,
    ) {
        let step = self.step(id);
        let Some(mut from) = self.state(during).reached else {
            let status = match still_possible {
                true => Status::Pending,
                false => Status::NotApplicable,
            };
            let mut row = Row::new(id, status);
            row.occurrence = Some(1);
            rows.push(row);
            return;
        };
        let ended = self.state(during).done;
        let mut occurrence = 0;
        let recorded = self.occurrences.iter().filter(|(step, _)| *step == id);
        for &(_, event) in recorded {
            let Some(done) = self.case.events[event].on else {
                continue;
            };
            occurrence += 1;
            let mut row = Row::new(id, Status::Met);
            row.occurrence = Some(occurrence);
            row.counted_from = Some(from);
            row.due = shift(self.plan.calendar, from, i64::from(every), unit).ok();
            row.event = Some(event);
            self.judge(
                &mut row,
                step,
                Some(done),
                self.case.events[event].waived,
                as_of,
            );
            rows.push(row);
            from = done;
        }
        let Ok(due) = shift(self.plan.calendar, from, i64::from(every), unit) else {
            return;
        };
        if ended.is_some_and(|ended| ended.date < due.date())
            || self.end.is_some() && ended.is_none()
        {
            return;
        }
        let mut row = Row::new(id, Status::Pending);
        row.occurrence = Some(occurrence + 1);
        row.counted_from = Some(from);
        row.due = Some(due);
        self.judge(&mut row, step, None, false, as_of);
        rows.push(row);
    }

    /// The steps the case may still reach from where it stands, given its facts. With
    /// `through_decisions` false, decisions not yet recorded stop the walk: what lies behind
    /// them is possible but not yet due.
    fn still_possible(&self, through_decisions: bool) -> Vec<bool> {
        let procedure = self.plan.procedure;
        let mut seen = vec![false; procedure.steps.len()];
        let mut stack = self.open_steps();
        for (index, state) in self.steps.iter().enumerate() {
            let together = matches!(procedure.steps[index].kind, StepKind::Together { .. });
            if together && state.reached.is_some() && state.done.is_none() {
                stack.push(StepId(index as u32));
            }
        }
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.0 as usize], true) {
                continue;
            }
            let state = self.state(id);
            let step = self.step(id);
            match &step.kind {
                StepKind::Decision if state.done.is_none() && through_decisions => {
                    stack.extend(step.routes.iter().map(|route| route.target));
                }
                StepKind::Together { members, .. } if state.reached.is_none() => {
                    stack.extend(members.iter().copied());
                }
                StepKind::Task | StepKind::Join { .. } if state.done.is_none() => {
                    stack.extend(self.route_by_facts(step));
                }
                _ => {}
            }
            if let Some(together) = self.plan.tail_of[id.0 as usize]
                && let StepKind::Together { join, .. } = self.step(together).kind
                && self.state(join).done.is_none()
            {
                stack.push(join);
            }
        }
        seen
    }
}
