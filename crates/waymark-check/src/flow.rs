//! Facts about the graph that several checks share: what is reachable, what must have happened
//! before what (a dominator tree, with together blocks counted as done only when all their work
//! is), and per together block the steps of its work that set a limit.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::dominators::immediate_dominators;
use std::collections::VecDeque;
use waymark_compile::{Deadline, Procedure, StepIndex, StepKind};

pub struct FlowAnalysis {
    /// Reachable from the start by moves of the case (schedules not followed).
    pub reachable: Vec<bool>,
    /// Pre- and post-order numbers in the dominator tree, for O(1) "dominates" queries.
    enter: Vec<u32>,
    leave: Vec<u32>,
    /// Per together block, the steps of its work (in step order) with a limit that is certain
    /// to be met by its join: unconditional, counted forwards, on the case's path.
    pub limited_work: Vec<Vec<StepIndex>>,
    /// The dominator tree's children lists.
    pub children: Vec<Vec<StepIndex>>,
    /// Each step's immediate dominator: the nearest step every path to it passes through.
    parent: Vec<Option<StepIndex>>,
}

impl FlowAnalysis {
    pub fn new(procedure: &Procedure) -> FlowAnalysis {
        let count = procedure.steps.len();
        let start = procedure.start;
        let reachable = procedure.graph.reachable_from([start]);
        let dominators = immediate_dominators(
            count,
            start.0 as usize,
            self::moves(procedure).map(|(from, to)| (from.0 as usize, to.0 as usize)),
        );
        let mut children = vec![Vec::new(); count];
        let mut parents = vec![None; count];
        for step in procedure.step_ids() {
            if step == procedure.start || !reachable[step.0 as usize] {
                continue;
            }
            if let Some(parent) = dominators[step.0 as usize] {
                children[parent].push(step);
                parents[step.0 as usize] = Some(StepIndex(parent as u32));
            }
        }
        let (enter, leave) = number_tree(procedure.start, &children, count);
        let limited_work = limited_work(procedure);
        FlowAnalysis {
            reachable,
            enter,
            leave,
            limited_work,
            children,
            parent: parents,
        }
    }

    /// The nearest other step that every path from the start to `step` passes through; `None`
    /// for the start and for steps the start does not reach.
    pub fn immediate_dominator(&self, step: StepIndex) -> Option<StepIndex> {
        self.parent.get(step.0 as usize).copied().flatten()
    }

    /// The steps a case can reach once `decision` decides `outcome` (the target of that
    /// outcome's route, and everything reachable from it), as a flag per step.
    pub fn reached_through(
        &self,
        procedure: &Procedure,
        decision: StepIndex,
        outcome: u32,
    ) -> Vec<bool> {
        let targets = procedure.step(decision).routes.iter().filter_map(|route| {
            (route.when.outcome() == Some(outcome as usize)).then_some(route.target)
        });
        procedure.graph.reachable_from(targets)
    }

    pub fn is_reachable(&self, step: StepIndex) -> bool {
        self.reachable
            .get(step.0 as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether every path from the start to `b` passes through `a` (a step dominates itself).
    pub fn dominates(&self, a: StepIndex, b: StepIndex) -> bool {
        let (a, b) = (a.0 as usize, b.0 as usize);
        self.is_reachable(StepIndex(a as u32))
            && self.is_reachable(StepIndex(b as u32))
            && self.enter[a] <= self.enter[b]
            && self.leave[b] <= self.leave[a]
    }

    /// Whether `event` has certainly been done by the time a case reaches `step`: it is on
    /// every path there, or it is work of a together block whose completion is.
    pub fn done_before(&self, procedure: &Procedure, event: StepIndex, step: StepIndex) -> bool {
        if event != step && self.dominates(event, step) {
            return true;
        }
        certain_blocks(procedure, event).any(|join| self.dominates(join, step))
    }

    /// The any-of block `event` is one of the alternatives of, when finishing it would have
    /// made `event` certain before `step` had the block needed all its pieces: the reason
    /// `event` may not have been done (WM0327).
    pub fn optional_piece_before(
        &self,
        procedure: &Procedure,
        event: StepIndex,
        step: StepIndex,
    ) -> Option<StepIndex> {
        let any_of = procedure
            .nesting
            .enclosing(event)
            .find(|block| procedure.step(*block).kind.any_of_join().is_some())?;
        let finished = procedure
            .nesting
            .enclosing(event)
            .filter_map(|block| join_of(procedure, block))
            .any(|join| self.dominates(join, step));
        finished.then_some(any_of)
    }

    /// One path from the start to `step` that avoids `event` (and the completion of any
    /// together block `event` is part of), for showing why a clock may never start.
    pub fn path_avoiding(
        &self,
        procedure: &Procedure,
        event: StepIndex,
        step: StepIndex,
    ) -> Option<Vec<StepIndex>> {
        let mut blocked = vec![false; procedure.steps.len()];
        blocked[event.0 as usize] = true;
        for join in certain_blocks(procedure, event) {
            blocked[join.0 as usize] = true;
        }
        let mut previous: Vec<Option<StepIndex>> = vec![None; procedure.steps.len()];
        let mut queue = VecDeque::from([procedure.start]);
        blocked[procedure.start.0 as usize] = true;
        while let Some(current) = queue.pop_front() {
            if current == step {
                let mut path = vec![step];
                while let Some(before) = previous[path[path.len() - 1].0 as usize] {
                    path.push(before);
                }
                path.reverse();
                return Some(path);
            }
            for (next, _) in procedure.graph.next_steps(current) {
                if !std::mem::replace(&mut blocked[next.0 as usize], true) {
                    previous[next.0 as usize] = Some(current);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// Numbers the dominator tree by an explicit-stack walk (no recursion: a 10,000-step chain is
/// 10,000 deep).
fn number_tree(root: StepIndex, children: &[Vec<StepIndex>], count: usize) -> (Vec<u32>, Vec<u32>) {
    let mut enter = vec![u32::MAX; count];
    let mut leave = vec![0; count];
    let mut clock = 0;
    let mut stack = vec![(root, false)];
    while let Some((step, done)) = stack.pop() {
        let index = step.0 as usize;
        if done {
            leave[index] = clock;
            clock += 1;
            continue;
        }
        enter[index] = clock;
        clock += 1;
        stack.push((step, true));
        for child in children[index].iter().rev() {
            stack.push((*child, false));
        }
    }
    (enter, leave)
}

/// Whether a limit is certain to have been met once its step is done: it holds whatever the
/// facts, and counts forwards (one counted back from a later step has no date yet).
pub fn certain_limit(deadline: &Deadline) -> bool {
    deadline.guard.is_none() && !deadline.clock.counts_back()
}

/// Per together block, the steps of its work with a limit its join finishes (see
/// [`FlowAnalysis::limited_work`]): each such step is listed under every block up the nesting tree,
/// so the cost is the steps with limits times their depth, never every step times depth.
fn limited_work(procedure: &Procedure) -> Vec<Vec<StepIndex>> {
    let mut work = vec![Vec::new(); procedure.steps.len()];
    for step in procedure.step_ids() {
        let current = procedure.step(step);
        if !current.is_on_path() || !current.limits().any(certain_limit) {
            continue;
        }
        for together in certain_enclosing(procedure, step) {
            work[together.0 as usize].push(step);
        }
    }
    work
}

/// The together blocks enclosing `step` whose completion means `step` was done, innermost
/// first: up to and not past the first whose pieces are alternatives (`any of`), since such a
/// block is done without its other pieces.
fn certain_enclosing(
    procedure: &Procedure,
    step: StepIndex,
) -> impl Iterator<Item = StepIndex> + '_ {
    procedure
        .nesting
        .enclosing(step)
        .take_while(|block| procedure.step(*block).kind.any_of_join().is_none())
}

/// The joins of [`certain_enclosing`]'s blocks.
fn certain_blocks(procedure: &Procedure, step: StepIndex) -> impl Iterator<Item = StepIndex> + '_ {
    certain_enclosing(procedure, step).filter_map(|block| join_of(procedure, block))
}

fn join_of(procedure: &Procedure, block: StepIndex) -> Option<StepIndex> {
    match &procedure.step(block).kind {
        StepKind::Together { join, .. } => Some(*join),
        _ => None,
    }
}

/// Used by the shape checks: every edge of the case's moves, as (from, to).
pub fn moves(procedure: &Procedure) -> impl Iterator<Item = (StepIndex, StepIndex)> + '_ {
    procedure.graph.moves()
}
