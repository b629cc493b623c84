//! When each step on the path was reached and done, what later record shows the case moved
//! past it, where the case could be now, and whether it reached an end. Passes over the steps
//! in the procedure's order (forwards, then backwards), following only edges that go forward
//! in that order, so a loop back is never followed round.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::{Index, Replay, earlier, later};
use crate::case::When;
use crate::plan::{Kind, Shape};
use waymark_compile::{StepIndex, StepKind};

impl Replay<'_, '_> {
    pub(super) fn progress(&mut self) {
        self.reach_and_do();
        self.find_later_records();
        self.find_ready_and_end();
    }

    /// Forwards: a step is reached when the step before it on the path was done (or, when
    /// that was not recorded, when that step was itself reached); a step is done on its first
    /// record (noted with the records), or, waived without a date, on the day it was reached.
    /// A decision that may repeat leads on from its latest occurrence, which chose the way.
    fn reach_and_do(&mut self) {
        let path = std::mem::take(&mut self.path);
        for &id in &path {
            // By the plan's shape: the step itself is opened only for its details.
            let shape = self.shape(id);
            match shape.kind {
                Kind::Task | Kind::Decision | Kind::End => {
                    self.do_step(id);
                    let state = self.state(id);
                    let (reached, onward) = (state.reached, state.onward);
                    let finished = state.done.is_some() || state.waived;
                    let mut progress = state.done.or(reached);
                    let mut done = state.done;
                    // A decision that may repeat moves on when its latest occurrence decided;
                    // a step that may repeat after it (the safety plan of every meeting) moves
                    // on no earlier than the latest occurrence that reached it.
                    if shape.repeats
                        && let Some(latest) = self.latest_record(id)
                    {
                        (progress, done) = (Some(latest.on), Some(latest.on));
                        if shape.kind == Kind::Task {
                            progress = super::later(progress, reached);
                        }
                    }
                    if let Some(next) = onward {
                        self.reach(shape.rank, next, progress, done);
                    }
                    self.finish_piece(shape, finished, progress);
                }
                Kind::Together => {
                    let StepKind::Together { members, .. } = &self.step(id).kind else {
                        continue;
                    };
                    let (reached, after_done) = (self.state(id).reached, self.state(id).after_done);
                    for &member in members {
                        self.reach(shape.rank, member, reached, after_done);
                    }
                }
                Kind::Join => {
                    let StepKind::Join { together } = &self.step(id).kind else {
                        continue;
                    };
                    let pieces = shape.pieces;
                    let any_of = self.step(*together).kind.any_of_join().is_some();
                    let state = self.state_mut(id);
                    if state.pieces_done >= pieces {
                        // Every piece: on the day of the last. Any-of work: of the first.
                        state.done = match any_of {
                            true => state.first_piece_done,
                            false => state.reached,
                        };
                    }
                    let progress = match any_of {
                        true => state.done.or(state.reached),
                        false => state.reached,
                    };
                    let (done, onward) = (state.done, state.onward);
                    self.state_mut(*together).done = done;
                    if let Some(next) = onward {
                        self.reach(shape.rank, next, progress, done);
                    }
                    self.finish_piece(shape, done.is_some(), progress);
                }
                _ => {}
            }
        }
        self.path = path;
    }

    /// Marks a step on the path without a record done by its dateless waiver, if it has one.
    fn do_step(&mut self, id: StepIndex) {
        let state = self.state(id);
        if state.first.is_some() {
            return;
        }
        if let Some(event) = state.dateless_waiver.get() {
            let state = self.state_mut(id);
            // On the day the step before it was done: with no record of that, no date.
            state.done = state.after_done;
            state.waived = true;
            state.event = Index::of(event);
        }
    }

    /// `next` is reached at `when` from a step of rank `from` (the latest such moment counts),
    /// unless the edge loops back; `done` is when that step was done, if it was.
    fn reach(&mut self, from: u32, next: StepIndex, when: Option<When>, done: Option<When>) {
        if self.shape(next).rank <= from {
            return;
        }
        let state = self.state_mut(next);
        state.reached = later(state.reached, when);
        state.after_done = later(state.after_done, done);
    }

    /// A step (of `shape`) that finishes a piece of a together block moves its join on.
    fn finish_piece(&mut self, shape: &Shape, done: bool, progress: Option<When>) {
        let Some(join) = shape.piece_join else {
            return;
        };
        // A skipped optional piece counts towards work done together (the block needs only the
        // rest), never towards any-of work (it is no piece done).
        let skipped = !done && shape.optional && !self.is_any_of_join(join);
        let state = self.state_mut(join);
        state.reached = later(state.reached, progress);
        state.pieces_done += u32::from(done || skipped);
        if done {
            state.first_piece_done = earlier(state.first_piece_done, progress);
        }
    }

    fn is_any_of_join(&self, join: StepIndex) -> bool {
        match self.step(join).kind {
            StepKind::Join { together } => self.step(together).kind.any_of_join().is_some(),
            _ => false,
        }
    }

    /// The steps a case moves on to from `id` along its path, forward in the procedure's order.
    pub(super) fn next_on_path(&self, id: StepIndex, mut each: impl FnMut(StepIndex)) {
        let shape = self.shape(id);
        let forward = |next: StepIndex| self.shape(next).rank > shape.rank;
        // By the plan's shape: only a together block's step is opened, for its pieces.
        match shape.kind {
            Kind::Together => {
                if let StepKind::Together { members, .. } = &self.step(id).kind {
                    members.iter().copied().for_each(&mut each);
                }
            }
            _ => self
                .state(id)
                .onward
                .into_iter()
                .filter(|n| forward(*n))
                .for_each(&mut each),
        }
        if let Some(join) = shape.piece_join {
            each(join);
        }
    }

    /// [`Self::next_on_path`], for work that changes the replay.
    pub(super) fn for_each_next(
        &mut self,
        id: StepIndex,
        mut each: impl FnMut(&mut Self, StepIndex),
    ) {
        // The same steps as `next_on_path`, read from the plan and the procedure (which the
        // replay only borrows) so that `each` may change the replay between them.
        let plan = self.plan;
        let shape = self.shape(id);
        match shape.kind {
            Kind::Together => {
                if let StepKind::Together { members, .. } = &plan.procedure.step(id).kind {
                    for &member in members {
                        each(self, member);
                    }
                }
            }
            _ => {
                if let Some(next) = self.state(id).onward
                    && self.shape(next).rank > shape.rank
                {
                    each(self, next);
                }
            }
        }
        if let Some(join) = shape.piece_join {
            each(self, join);
        }
    }

    /// Backwards: for each step on the path, the first record of a step after it.
    fn find_later_records(&mut self) {
        let path = std::mem::take(&mut self.path);
        for &id in path.iter().rev() {
            let mut after = Index::default();
            self.next_on_path(id, |next| {
                let state = self.state(next);
                if self.kind(next).is_on_the_way() {
                    after = after.sooner(state.first);
                }
                after = after.sooner(state.after);
            });
            self.state_mut(id).after = after;
        }
        self.path = path;
    }

    /// Forwards again: the case could be at a step once every step before it on the path was
    /// done or passed. An end it could be at has been reached: the case is closed. The same
    /// pass notes each gap (a step not done that a later record passed), and whether any record
    /// on the path is dated before one ahead of it (only then is the order worked out).
    fn find_ready_and_end(&mut self) {
        let plan = self.plan;
        if let Some(start) = self.steps.get_mut(plan.procedure.start.0 as usize) {
            start.ready = true;
        }
        let path = std::mem::take(&mut self.path);
        for &id in &path {
            // The fields read, not the whole state: a copy of it for every step cost more.
            let state = self.state(id);
            let (not_done, after, ready) = (
                state.done.is_none() && !state.waived,
                state.after,
                state.ready,
            );
            let mut latest = state.latest_ahead;
            let shape = self.shape(id);
            let recordable = shape.kind.is_recordable();
            if recordable
                && not_done
                && !self.not_needed(id)
                && !self.notes_each_gaps(id)
                && !self.may_skip(id)
            {
                self.note_gap(id, after.get());
            }
            if let Some(record) = self.first_record(id) {
                let on = record.on.date;
                if latest.is_some_and(|latest| latest > on) {
                    self.maybe_out_of_order = true;
                }
                latest = Some(latest.map_or(on, |latest| latest.max(on)));
            }
            // An optional step lets the steps after it be where the case stands too.
            let optional = shape.optional;
            let passed = ready && (self.is_passed(id, shape) || optional);
            self.for_each_next(id, |replay, next| {
                let state = replay.state_mut(next);
                state.latest_ahead = state.latest_ahead.max(latest);
                if passed {
                    // A join counts the pieces passed; whether all were is settled when it is met.
                    state.ready = true;
                    state.pieces_passed += 1;
                }
            });
        }
        self.path = path;
    }

    /// Whether a case may move past the step with no record and no gap: the step is
    /// optional, or it is work due before each occurrence of an optional step that has not
    /// occurred.
    #[inline(always)]
    pub(super) fn may_skip(&self, id: StepIndex) -> bool {
        self.may_skip_as(self.shape(id))
    }

    /// [`Replay::may_skip`], for a step of `shape` (for callers that have it already).
    #[inline(always)]
    pub(super) fn may_skip_as(&self, shape: &Shape) -> bool {
        shape.optional
            || shape
                .each_of
                .is_some_and(|occurs| self.optional(occurs) && self.state(occurs).first.is_none())
    }

    /// Whether the case has gone past a step (of `shape`) it could be at (noting the end it
    /// reached).
    fn is_passed(&mut self, id: StepIndex, shape: &Shape) -> bool {
        let state = &self.steps[id.0 as usize];
        match shape.kind {
            Kind::Task | Kind::Decision => {
                state.done.is_some() || state.waived || state.after.is_some()
            }
            Kind::End => {
                let on = state.done.or(state.reached);
                if self.end.is_none() {
                    self.end = on.map(|on| (id, on));
                }
                false
            }
            Kind::Together => true,
            Kind::Join => state.pieces_passed >= shape.pieces,
            Kind::Checkpoint | Kind::Recurring => false,
        }
    }
}
