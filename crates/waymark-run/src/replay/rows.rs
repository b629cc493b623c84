//! A row per step (and per checkpoint or recurring occurrence) with its due date and status.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::due_dates::{governing, shift};
use super::extension::judged_due;
use super::{Replay, StepState};
use crate::case::When;
use crate::plan::{DeadlineKinds, Kind, RoleRules, Shape};
use crate::report::{Row, Status, Warning};
use chrono::NaiveDate;
use waymark_compile::{StepIndex, StepKind, Unit};

/// The pending row with the earliest due date (ties: the first row). Optional work whose due
/// date has passed is left out: it may never be done, and is not what is due next.
pub(super) fn next_due(
    rows: &[Row],
    as_of: NaiveDate,
    optional: impl Fn(StepIndex) -> bool,
) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, row)| row.status == Status::Pending)
        .filter(|(_, row)| {
            !(row.due.is_some_and(|due| due.has_passed(as_of)) && optional(row.step))
        })
        .filter_map(|(index, row)| judged_due(row).map(|due| (due.moment(), index)))
        .min()
        .map(|(_, index)| index)
}

/// Adds a fresh row to `rows`. (Made where it lies: a row built aside and moved in is a call
/// to copy its 168 bytes, for every row of every case.)
fn push_row(rows: &mut Vec<Row>, step: StepIndex, status: Status) {
    let at = rows.len();
    rows.resize_with(at + 1, || Row::new(step, status));
}

impl Replay<'_, '_> {
    pub(super) fn rows(&mut self, as_of: NaiveDate) -> Vec<Row> {
        let mut rows = crate::scratch::rows();
        rows.reserve(self.plan.row_steps.len());
        let mut out_of_range = false;
        let plan = self.plan;
        for &id in &plan.row_steps {
            // By the plan's table, looked at once for the whole row: the step itself is opened
            // only for its details.
            let shape = self.shape(id);
            let details = match shape.kind {
                Kind::Checkpoint | Kind::Recurring => Some(&self.step(id).kind),
                _ => None,
            };
            match details {
                Some(StepKind::Checkpoint { until, .. }) => {
                    self.checkpoint_row(id, *until, as_of, &mut out_of_range, &mut rows);
                }
                Some(StepKind::Recurring {
                    every,
                    unit,
                    during,
                    when,
                }) => {
                    // Recurring work with a condition the case does not meet is not its work.
                    if when
                        .as_ref()
                        .is_some_and(|guard| !guard.holds(&self.fact()))
                    {
                        push_row(&mut rows, id, Status::NotApplicable);
                        continue;
                    }
                    self.recurring_rows(id, (*every, *unit), *during, as_of, &mut rows);
                }
                _ if shape
                    .each_of
                    .is_some_and(|occurs| self.has_each_rows(id, occurs)) =>
                {
                    self.each_rows(id, as_of, &mut out_of_range, &mut rows);
                }
                _ => self.step_row(id, shape, as_of, &mut out_of_range, &mut rows),
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

    /// A task's or decision's row. Done (recorded, wherever it lies): judged against its due
    /// date. On the path and not done: overdue once its due date has passed, else pending,
    /// or not recorded when it has no due date and the case has moved past it. Behind a
    /// decision still to come: pending, with no due date yet. Anywhere else: not applicable.
    fn step_row(
        &self,
        id: StepIndex,
        shape: &Shape,
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let state = self.state(id);
        let (on_path, possible, after) = (state.on_path, state.possible, state.after);
        if state.first.is_some() || on_path {
            self.timed_row((id, shape, state), as_of, out_of_range, rows);
            // A together block is not recorded itself: the case has moved past it once a step
            // after its pieces meet was recorded.
            let passed = match shape.kind {
                Kind::Task | Kind::Decision => after.is_some(),
                Kind::Together => match &self.step(id).kind {
                    StepKind::Together { join, .. } => self.state(*join).after.is_some(),
                    _ => false,
                },
                _ => false,
            };
            if let Some(row) = rows.last_mut()
                && row.status == Status::Pending
                && row.due.is_none()
                && passed
            {
                row.status = Status::NotRecorded;
            }
            self.judge_optional(id, shape, passed, rows);
            // Work due before each occurrence of a step, none occurred yet: its first.
            if shape.each_of.is_some()
                && let Some(row) = rows.last_mut()
            {
                row.occurrence = Some(1);
            } else if shape.repeats
                && let Some(row) = rows.last_mut()
            {
                row.occurrences = Some(self.occurrences(id));
            }
            if self.not_needed(id)
                && let Some(row) = rows.last_mut()
            {
                *row = Row::new(id, Status::NotNeeded);
            }
        } else if possible {
            push_row(rows, id, Status::Pending);
        } else {
            push_row(rows, id, Status::NotApplicable);
        }
    }

    /// The last row, of a step the case may skip ([`Replay::may_skip`]) and did not do: not
    /// needed once the case has moved past it or closed, else pending. Never overdue: its due date binds
    /// only work that was done.
    fn judge_optional(&self, id: StepIndex, shape: &Shape, passed: bool, rows: &mut [Row]) {
        let Some(row) = rows.last_mut() else {
            return;
        };
        if row.done.is_some() || row.status == Status::Waived || !self.may_skip_as(shape) {
            return;
        }
        // A case that reached an end without it needs it no more.
        if passed || self.end.is_some() {
            *row = Row::new(id, Status::NotNeeded);
        } else {
            row.status = Status::Pending;
        }
    }

    /// A step's row from its due date, target and what was done, added to `rows`. (Rows are
    /// filled where they lie: building one aside and copying it in stalled the processor.)
    #[inline(always)]
    fn timed_row(
        &self,
        (id, shape, state): (StepIndex, &Shape, &StepState),
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let (done, waived, event) = (state.done, state.waived, state.event);
        push_row(rows, id, Status::Pending);
        let Some(row) = rows.last_mut() else {
            return;
        };
        let deadlines = shape.deadlines;
        self.set_due_and_target(row, deadlines, |step| self.state(step).done, out_of_range);
        row.event = event.get().map(|event| event as usize);
        // The step itself is opened only when the case has an extension (or the row is late).
        if self.extended && self.step(id).extension.is_some() {
            row.extension = self.extend(id, as_of);
        }
        self.judge(row, done, waived, as_of);
    }

    /// Sets the row's due date and target, and the rules that gave them, from the governing
    /// deadlines of its step (of the `kinds` given); `done_at` says when each step a clock
    /// counts from was done.
    /// The row is fresh ([`Row::new`]): what it does not set stays `None`, unwritten.
    #[inline(always)]
    pub(super) fn set_due_and_target(
        &self,
        row: &mut Row,
        kinds: DeadlineKinds,
        done_at: impl Fn(StepIndex) -> Option<When>,
        out_of_range: &mut bool,
    ) {
        if let Some(plain) = self.plan.plain_limits[row.step.0 as usize] {
            // One sum: what `governing` gives for a single limit, without weighing rules.
            let from = done_at(plain.after);
            let due = from.and_then(|from| {
                shift(self.plan.calendar, from, plain.amount, plain.unit)
                    .inspect_err(|_| *out_of_range = true)
                    .ok()
            });
            (row.due, row.due_rule) = (due, due.map(|_| 0));
            return;
        }
        let step = self.step(row.step);
        let fact = self.fact();
        let decided = |step, outcome| self.first_decided(step, outcome);
        let calendar = self.plan.calendar;
        // Many steps have no deadline: skip the look when there is none.
        if !kinds.limit && !kinds.target {
            return;
        }
        let found = governing(calendar, step, &fact, &done_at, &decided, out_of_range);
        let (due, target) = (found.limit, found.target);
        row.due = due.map(|(due, _)| due);
        row.due_rule = due.map(|(_, rule)| rule);
        row.target = target.map(|(target, _)| target);
        row.target_rule = target.map(|(_, rule)| rule);
    }

    /// Sets the row's status from when it was done (or not) and its due date.
    #[inline(always)]
    pub(super) fn judge(&self, row: &mut Row, done: Option<When>, waived: bool, as_of: NaiveDate) {
        row.done = done;
        let status = |due: Option<crate::due::Due>| match (done, due) {
            _ if waived => Status::Waived,
            (Some(done), Some(due)) if !due.is_met_by(done) => Status::Late,
            (Some(_), _) => Status::Met,
            (None, Some(due)) if due.has_passed(as_of) => Status::Overdue,
            (None, _) => Status::Pending,
        };
        // By the extended due date, when there is an extension (one look at it): the
        // extension keeps the status the unextended date gives.
        let unextended = status(row.due);
        row.status = match &mut row.extension {
            None => unextended,
            Some(extended) => {
                extended.unextended = Some(unextended);
                status(extended.due.or(row.due))
            }
        };
        if row.status == Status::Late && self.step(row.step).overrun_needs_reason {
            let reason = row.event.and_then(|e| self.case.events[e].reason.as_ref());
            row.reason_recorded = Some(reason.is_some());
        }
        // A target is the sooner goal under a limit: work that missed the limit did not meet
        // it, even when this case's target falls later (a pre-birth limit before day 30).
        if !waived
            && let Some(done) = done
            && let Some(target) = row.target
        {
            row.target_met = Some(target.is_met_by(done) && row.status != Status::Late);
        }
    }

    /// A checkpoint occurrence's row. Not needed when its clock step is not on the case's path,
    /// or when the stage it reviews ended before it fell due.
    fn checkpoint_row(
        &self,
        id: StepIndex,
        until: Option<StepIndex>,
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let (shape, state) = (self.shape(id), self.state(id));
        self.timed_row((id, shape, state), as_of, out_of_range, rows);
        let Some(row) = rows.last_mut() else {
            return;
        };
        if row.done.is_some() || row.status == Status::Waived {
            return;
        }
        let clock_on_path =
            self.step(id)
                .deadlines
                .iter()
                .any(|deadline| match deadline.clock.step() {
                    Some(clock) => self.on_or_possible(clock),
                    None => true,
                });
        let stage_over = |due: NaiveDate| {
            until.is_some_and(|until| match self.state(until).done {
                Some(ended) => ended.date < due,
                None => !self.on_or_possible(until),
            })
        };
        // A case that closed needs no checkpoint falling due after it closed, nor one whose
        // clock never started.
        let closed = self.end.map(|(_, closed)| closed.date);
        let not_needed = match row.due {
            None => !clock_on_path || closed.is_some(),
            Some(due) => {
                !clock_on_path
                    || stage_over(due.date())
                    || closed.is_some_and(|closed| due.date() > closed)
            }
        };
        if not_needed {
            *row = Row::new(id, Status::NotApplicable);
        }
    }

    /// Rows for recurring work while the case is at `during`: each occurrence recorded, then
    /// the next one due (unless the case left `during` before it fell due, or closed).
    fn recurring_rows(
        &self,
        id: StepIndex,
        (every, unit): (u32, Unit),
        during: StepIndex,
        as_of: NaiveDate,
        rows: &mut Vec<Row>,
    ) {
        let state = self.state(during);
        let reached = self.arrived_at(during);
        let mut from = reached;
        let recorded = (self.records.iter().enumerate())
            .filter(|&(index, record)| record.step == id && !self.is_duplicate(index));
        // With no record of the step before `during`, the first occurrence may be what shows
        // the case there: it starts the clock, and is not due by a clock of its own.
        let by_record = during != self.plan.procedure.start && state.after_done.is_none();
        let starts_clock = |on: When| by_record && reached == Some(on);
        let mut occurrence = 0;
        for (_, record) in recorded {
            occurrence += 1;
            let mut row = Row::new(id, Status::Met);
            row.occurrence = Some(occurrence);
            if occurrence == 1 && starts_clock(record.on) {
                row.counted_from = Some(record.on);
            } else {
                row.counted_from = from;
                row.due = from
                    .and_then(|from| shift(self.plan.calendar, from, i64::from(every), unit).ok());
            }
            row.event = Some(record.event);
            let waived = self.case.events[record.event].waived;
            self.judge(&mut row, Some(record.on), waived, as_of);
            rows.push(row);
            // A record dated before the last one does not move the count back.
            from = super::later(from, Some(record.on));
        }
        // The next occurrence falls due only once the case has reached `during`.
        let Some(from) = from.filter(|_| reached.is_some()) else {
            if occurrence == 0 {
                let status = match self.on_or_possible(during) && self.end.is_none() {
                    true => Status::Pending,
                    false => Status::NotApplicable,
                };
                let mut row = Row::new(id, status);
                row.occurrence = Some(1);
                rows.push(row);
            }
            return;
        };
        let Ok(due) = shift(self.plan.calendar, from, i64::from(every), unit) else {
            return;
        };
        let ended = state.done;
        if ended.is_some_and(|ended| ended.date < due.date())
            || self.end.is_some() && ended.is_none()
        {
            return;
        }
        let mut row = Row::new(id, Status::Pending);
        row.occurrence = Some(occurrence + 1);
        row.counted_from = Some(from);
        row.due = Some(due);
        self.judge(&mut row, None, false, as_of);
        rows.push(row);
    }

    /// When the case got to `during`, for work that recurs while it is there: when the step
    /// before it was done. With no record of that, a record of `during` or of a later step
    /// shows the case got there, and the clock starts at the first record that shows it there
    /// (that one, or an earlier record of the recurring work itself). A step counts as reached
    /// through a step not yet done, so that gaps do not stop the replay; that is too early to
    /// start a clock: nothing recorded shows the case there then.
    pub(super) fn arrived_at(&self, during: StepIndex) -> Option<When> {
        let state = self.state(during);
        if during == self.plan.procedure.start || state.after_done.is_some() {
            return state.reached;
        }
        let record_on = |index: Option<u32>| {
            index.and_then(|index| self.records.get(index as usize).map(|record| record.on))
        };
        // Recurring records alone do not show the case got there: work recorded while the step
        // before is still to do is out of order.
        let got_there = super::earlier(state.done, record_on(state.after.get()))?;
        let recurring = self
            .plan
            .row_steps
            .iter()
            .filter_map(|id| match self.step(*id).kind {
                StepKind::Recurring { during: d, .. } if d == during => {
                    record_on(self.state(*id).first.get())
                }
                _ => None,
            });
        let first = recurring.fold(got_there, |first, on| {
            super::earlier(Some(first), Some(on)).unwrap_or(first)
        });
        // Never earlier than the path allows.
        super::later(Some(first), state.reached)
    }

    /// Warns when a record names a role the procedure does not allow for the step in this case.
    pub(super) fn check_role(&mut self, index: usize, position: usize) {
        let event = &self.case.events[index];
        let Some(by) = event.by else {
            return;
        };
        // Most records are by a role the step's rules allow whatever the facts, or by the one
        // case fact they turn on (a table per plan: one look).
        let rules = &self.plan.role_rules[event.step.0 as usize];
        let bit = RoleRules::bit(by);
        if rules.always & bit != 0 || rules.allows_by_choice(bit, &self.case.facts) {
            return;
        }
        let step = self.step(event.step);
        if step.roles.is_empty() {
            return;
        }
        // Rules that turn on one fact of the case file: one look at that fact.
        let case_fact = rules
            .on_fact
            .as_ref()
            .and_then(|(id, _)| self.case.fact(*id));
        if rules.allows_on_fact(by, case_fact) == Some(true) {
            return;
        }
        let procedure = self.plan.procedure;
        let fact = self.fact_for_record(index, position);
        let applies =
            |rule: &&waymark_compile::RoleRule| rule.guard.as_ref().is_none_or(|g| g.holds(&fact));
        // Only the rules that name the role need their conditions tested (one in three, in
        // the shipped procedures, whose rules turn on the threshold level).
        if step
            .roles
            .iter()
            .filter(|rule| rule.roles.contains(&by))
            .any(|rule| applies(&rule))
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
        let names: Vec<String> = allowed
            .iter()
            .map(|role| format!("`{}`", procedure.role(*role).id))
            .collect();
        let who = match names.len() {
            0 => "no role may do it".to_string(),
            _ => format!("only {} may do it", names.join(" or ")),
        };
        // A rule for this role that turns on a fact a record should give but none did: say
        // so, since the record may be right and the fact missing.
        let missing = step
            .roles
            .iter()
            .filter(|rule| rule.roles.contains(&by))
            .filter_map(|rule| rule.guard.as_ref())
            .flat_map(|guard| guard.any_of.iter().flatten())
            .map(|condition| condition.fact)
            .find(|id| procedure.fact(*id).recorded_at.is_some() && fact(*id).is_none());
        let who = match missing {
            Some(id) => {
                let fact = procedure.fact(id);
                let at = fact
                    .recorded_at
                    .map_or("", |at| procedure.step(at).id.as_str());
                format!(
                    "{who}; whether `{}` may depends on `{}`, which no record of `{at}` gives",
                    procedure.role(by).id,
                    fact.id
                )
            }
            None => who,
        };
        let message = format!(
            "role not allowed: `{}` was done by `{}`, but in this case {who}",
            step.id,
            procedure.role(by).id
        );
        let line = event.line;
        drop(fact);
        self.warnings.push(Warning { line, message });
    }
}
