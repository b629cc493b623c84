//! The path a case took: from the start along the routes its facts choose; at a decision, the
//! branch of its recorded outcome (for a decision that may repeat, the outcome of its latest
//! occurrence: the branches earlier occurrences chose are not taken), and among that outcome's
//! routes the first whose own condition holds. A decision that was not recorded takes the
//! branch whose records come first (the case's later records show where it went); with no
//! record behind any branch, the decision is still to come and its branches are only possible.
//! So does a recorded decision whose outcome's routes test something not yet known, among the
//! routes of that outcome.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::{Replay, Scratch};
use crate::plan::Kind;
use waymark_compile::{RouteWhen, StepIndex, StepKind};

impl Replay<'_, '_> {
    pub(super) fn walk_path(&mut self, scratch: &mut Scratch) {
        let mut stack = std::mem::take(&mut scratch.stack);
        stack.clear();
        // Few cases meet a decision not recorded: these lists rarely allocate.
        let mut undecided = std::mem::take(&mut self.list);
        undecided.clear();
        self.walk_from(self.plan.procedure.start, &mut stack, &mut undecided);
        let mut still_to_come = Vec::new();
        // Walking an inferred branch may meet further decisions not recorded: a worklist.
        while let Some(decision) = undecided.pop() {
            match self.branch_shown_by_records(decision, scratch) {
                Some(target) => {
                    self.state_mut(decision).onward = Some(target);
                    self.walk_from(target, &mut stack, &mut undecided);
                }
                None => still_to_come.push(decision),
            }
        }
        self.mark_possible(&still_to_come, &mut stack);
        scratch.stack = stack;
        self.list = undecided;
        // Every step in the procedure's order, kept when it is on the path: written in place and
        // the list cut to what was kept (a push per step tested the list's room every time).
        let mut path = std::mem::take(&mut self.path);
        let in_order = &self.plan.in_order;
        path.clear();
        path.resize(in_order.len(), self.plan.procedure.start);
        let mut kept = 0;
        for &id in in_order {
            if let Some(slot) = path.get_mut(kept) {
                *slot = id;
            }
            kept += usize::from(self.state(id).on_path);
        }
        path.truncate(kept);
        self.path = path;
    }

    /// Marks the steps the case goes through from `from`, by its facts and recorded outcomes;
    /// decisions without a recorded outcome are put in `undecided`.
    fn walk_from(
        &mut self,
        from: StepIndex,
        stack: &mut Vec<StepIndex>,
        undecided: &mut Vec<StepIndex>,
    ) {
        stack.push(from);
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut self.state_mut(id).on_path, true) {
                continue;
            }
            let step = self.step(id);
            // By the kind in the plan first: the step's own kind is opened only for its details.
            match (self.kind(id), &step.kind) {
                (Kind::Task | Kind::Join, _) if self.waits_on_a_decision(id) => {
                    undecided.push(id);
                }
                (Kind::Task | Kind::Join, _) => {
                    let onward = step.route_by_facts(&self.fact());
                    self.state_mut(id).onward = onward;
                    // A push, not `extend`: one step on, and `extend` reserves first.
                    if let Some(next) = onward {
                        stack.push(next);
                    }
                }
                (Kind::Decision, _) => match self.recorded_outcome(id) {
                    Some(outcome) if self.outcome_waits(id, outcome) => undecided.push(id),
                    Some(outcome) => {
                        let onward = step.route_by_outcome(outcome, &self.fact());
                        self.state_mut(id).onward = onward;
                        if let Some(next) = onward {
                            stack.push(next);
                        }
                    }
                    None => undecided.push(id),
                },
                (Kind::Together, StepKind::Together { members, join, .. }) => {
                    stack.push(*join);
                    stack.extend(members.iter().rev());
                }
                _ => {}
            }
        }
    }

    /// Whether a step's routes test the outcome of a decision not recorded, or a fact recorded
    /// at a step not recorded: like that decision, the step goes the way its later records show.
    #[inline(always)]
    fn waits_on_a_decision(&self, id: StepIndex) -> bool {
        self.shape(id).routes_wait && self.route_waits(id)
    }

    /// [`Self::waits_on_a_decision`], for a step whose routes may wait.
    fn route_waits(&self, id: StepIndex) -> bool {
        self.step(id).routes.iter().any(|route| match &route.when {
            RouteWhen::Guard(guard) => guard
                .any_of
                .iter()
                .flatten()
                .any(|condition| self.fact_pending(condition.fact)),
            _ => false,
        })
    }

    /// Whether the routes a decision's recorded `outcome` chooses between test the outcome of a
    /// decision not recorded, or a fact recorded at a step not recorded: the decision then
    /// goes the way its later records show, among that outcome's routes.
    fn outcome_waits(&self, id: StepIndex, outcome: usize) -> bool {
        self.plan.waiting_outcome_routes
            && self
                .step(id)
                .outcome_guards(outcome)
                .flat_map(|guard| guard.any_of.iter().flatten())
                .any(|condition| self.fact_pending(condition.fact))
    }

    /// The routes a step still to be settled may take: for a decision, those of its recorded
    /// outcome (every route when it has none).
    fn open_routes(&self, id: StepIndex) -> impl Iterator<Item = StepIndex> + '_ {
        let step = self.step(id);
        let decided = match step.kind {
            StepKind::Decision => self.recorded_outcome(id),
            _ => None,
        };
        step.routes
            .iter()
            .filter(move |route| decided.is_none_or(|o| route.when.outcome() == Some(o)))
            .map(|route| route.target)
    }

    /// The outcome recorded for a decision: by its first record (for a decision that may
    /// repeat, its latest: a further meeting decides afresh), or by a dateless waiver.
    pub(super) fn recorded_outcome(&self, id: StepIndex) -> Option<usize> {
        let state = self.state(id);
        let record = match self.repeats(id) {
            true => self.latest_record(id),
            false => self.first_record(id),
        };
        let event = match (record, state.dateless_waiver.get()) {
            (Some(record), _) => record.event,
            (None, Some(event)) => event as usize,
            (None, None) => return None,
        };
        self.case.events.get(event)?.outcome
    }

    /// For a decision not recorded: the branch behind which the earliest record lies, if any
    /// record lies behind one.
    fn branch_shown_by_records(
        &mut self,
        decision: StepIndex,
        scratch: &mut Scratch,
    ) -> Option<StepIndex> {
        // Most such decisions are still to come, with nothing recorded off the path: one look
        // at the records settles that, where exploring every branch cost a thousand
        // instructions a case.
        if !self.records_off_path() {
            return None;
        }
        let mut best: Option<(u32, StepIndex)> = None;
        for target in self.open_routes(decision) {
            if let Some(first) = self.earliest_record_behind(target, scratch)
                && best.is_none_or(|(earliest, _)| first < earliest)
            {
                best = Some((first, target));
            }
        }
        best.map(|(_, target)| target)
    }

    /// Whether some record is of a step off the path that can show a branch taken (what
    /// [`Self::earliest_record_behind`] looks for; a checkpoint or recurring work shows none).
    fn records_off_path(&self) -> bool {
        self.records.iter().any(|record| {
            !self.state(record.step).on_path
                && !matches!(self.kind(record.step), Kind::Checkpoint | Kind::Recurring)
        })
    }

    /// The earliest first record of a step the case may reach from `from` off the path
    /// (through any outcome), as an index into the records.
    fn earliest_record_behind(&self, from: StepIndex, scratch: &mut Scratch) -> Option<u32> {
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 || scratch.marks.len() != self.steps.len() {
            scratch.marks.clear();
            scratch.marks.resize(self.steps.len(), 0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let mut earliest: Option<u32> = None;
        let mut stack = std::mem::take(&mut scratch.stack_of_nexts);
        stack.clear();
        stack.push(from);
        while let Some(id) = stack.pop() {
            let mark = &mut scratch.marks[id.0 as usize];
            if *mark == generation || self.state(id).on_path {
                continue;
            }
            *mark = generation;
            if let Some(first) = self.state(id).first.get()
                && !matches!(self.kind(id), Kind::Checkpoint | Kind::Recurring)
            {
                earliest = Some(earliest.map_or(first, |e| e.min(first)));
            }
            self.push_possible_next(id, &mut stack);
        }
        scratch.stack_of_nexts = stack;
        earliest
    }

    /// Where a case may go from `id`: through any outcome of a decision, into the pieces of a
    /// together block and on after it, along the route its facts choose from anything else.
    /// (Inlined: a call per step explored saved and restored half the registers.)
    #[inline(always)]
    fn push_possible_next(&self, id: StepIndex, stack: &mut Vec<StepIndex>) {
        let step = self.step(id);
        match (self.kind(id), &step.kind) {
            (Kind::Decision, _) => stack.extend(step.routes.iter().map(|route| route.target)),
            (Kind::Together, StepKind::Together { members, join, .. }) => {
                stack.push(*join);
                stack.extend(members.iter().copied());
            }
            (Kind::Task | Kind::Join, _) if self.waits_on_a_decision(id) => {
                stack.extend(step.routes.iter().map(|route| route.target));
            }
            (Kind::Task | Kind::Join, _) => {
                if let Some(next) = step.route_by_facts(&self.fact()) {
                    stack.push(next);
                }
            }
            _ => {}
        }
    }

    /// Marks what lies behind decisions still to come: the case may go there, through any
    /// outcome, but along the routes its facts choose.
    fn mark_possible(&mut self, decisions: &[StepIndex], stack: &mut Vec<StepIndex>) {
        for &decision in decisions {
            stack.extend(self.open_routes(decision));
        }
        while let Some(id) = stack.pop() {
            let state = self.state_mut(id);
            if state.on_path || std::mem::replace(&mut state.possible, true) {
                continue;
            }
            self.push_possible_next(id, stack);
        }
    }
}
