//! Any-of work (`any of a, b`): once one piece has finished the block, the pieces not done are
//! not needed: neither pending, overdue nor a recording gap. A piece recorded later still
//! counts for its own step.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record indexes were made from this case's own lists"
)]

use super::Replay;
use waymark_compile::StepIndex;

impl Replay<'_, '_> {
    /// Whether `id`, not done, is work of an any-of block that another piece has finished. A
    /// step whose own piece carried on (a later record inside the block's work) is a gap in
    /// that piece instead, as anywhere else.
    ///
    /// Asked of every step of every case: the question is answered here, without a call, for
    /// the procedures that have no any-of work.
    #[inline(always)]
    pub(super) fn not_needed(&self, id: StepIndex) -> bool {
        self.plan.any_of && self.not_needed_in_any_of(id)
    }

    fn not_needed_in_any_of(&self, id: StepIndex) -> bool {
        let state = self.state(id);
        if state.done.is_some() || state.waived {
            return false;
        }
        let nesting = &self.plan.procedure.nesting;
        let Some(block) = nesting.enclosing(id).find(|block| {
            (self.step(*block).kind.any_of_join())
                .is_some_and(|join| self.state(join).done.is_some())
        }) else {
            return false;
        };
        let passed_inside = state.after.get().is_some_and(|after| {
            let later = self.records[after as usize].step;
            nesting.enclosing(later).any(|b| b == block)
        });
        !passed_inside
    }
}
