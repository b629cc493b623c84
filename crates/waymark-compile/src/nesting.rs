//! Which together block each step's work belongs to, as a tree: each step knows the innermost
//! block whose work it is part of, and a step's enclosing blocks are a walk up the tree.
//!
//! A block's work is what its pieces lead to: the steps reached from its members along routes,
//! into nested blocks (their pieces and their join) and on from there, up to its own join. The
//! check asks which blocks enclose a step, and which limits a join finishes. Keeping every
//! enclosing block for every step cost steps x depth (27 s and 811 MB for blocks nested
//! 10,000 deep); the tree is built in one walk over the steps and holds one parent each.
#![allow(
    clippy::indexing_slicing,
    reason = "every list here is sized to the procedure's steps, and a step index taken from a route, member or join is checked against that count before it is used"
)]

use crate::model::{Procedure, Step, StepIndex, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

/// The parent tree of together blocks. See the module's notes.
#[derive(Clone, Debug, Default)]
pub struct Nesting {
    /// Per step, the innermost together block whose work it is part of.
    parent: Vec<Option<StepIndex>>,
    /// Per step, how many blocks enclose it.
    depth: Vec<u32>,
}

/// Where a block's walk is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    NotBegun,
    Open,
    Finished,
}

/// A block whose work is being walked, with the steps still to look at.
struct Frame {
    block: usize,
    join: usize,
    pending: Vec<usize>,
}

impl Nesting {
    /// Builds the tree in one walk: each block's work is walked once, and a nested block met
    /// in it is walked to the end before its parent's walk goes on from the nested join, so
    /// each step is claimed by the innermost block whose work it is. A step met again (work
    /// that two blocks' pieces both lead to) is not walked again: the outermost block
    /// finished so far that holds it becomes a child of the block that met it, if it has no
    /// parent yet. Where blocks' work only partly overlaps, which no real procedure does, each
    /// step keeps the one chain of blocks found first (walking every block's whole work, as
    /// the check did, would list them all, at the quadratic cost this tree avoids).
    pub fn new(steps: &[Step]) -> Nesting {
        let count = steps.len();
        let mut parent: Vec<Option<usize>> = vec![None; count];
        let mut walk = vec![Walk::NotBegun; count];
        // The outermost block found so far above each finished block, with paths halved as
        // they are followed, so that "is this work already inside the block being walked?"
        // costs next to nothing however deep the nesting.
        let mut outer: Vec<usize> = (0..count).collect();
        let mut frames: Vec<Frame> = Vec::new();
        for root in 0..count {
            if walk[root] != Walk::NotBegun {
                continue;
            }
            let Some(frame) = open(steps, root) else {
                continue;
            };
            walk[root] = Walk::Open;
            frames.push(frame);
            while let Some(frame) = frames.last_mut() {
                let Some(step) = frame.pending.pop() else {
                    let block = frame.block;
                    frames.pop();
                    walk[block] = Walk::Finished;
                    if let Some(up) = parent[block] {
                        outer[block] = up;
                    }
                    continue;
                };
                let block = frame.block;
                if step == frame.join || step == block || step >= count {
                    continue;
                }
                if let Some(owner) = parent[step] {
                    adopt(&mut parent, &mut outer, &walk, owner, block);
                    continue;
                }
                if walk[step] != Walk::NotBegun {
                    // A block walked before (as an outermost one), or one still open below
                    // this one (a loop back to it): its work is its own already.
                    if walk[step] == Walk::Finished {
                        adopt(&mut parent, &mut outer, &walk, step, block);
                        if parent[step] == Some(block) {
                            frame.pending.push(join_of(steps, step));
                        }
                    }
                    continue;
                }
                parent[step] = Some(block);
                match open(steps, step) {
                    // The nested block's work first; this walk goes on from its join.
                    Some(nested) => {
                        frame.pending.push(nested.join);
                        walk[step] = Walk::Open;
                        frames.push(nested);
                    }
                    None => frame
                        .pending
                        .extend(steps[step].routes.iter().map(|r| r.target.0 as usize)),
                }
            }
        }
        let depth = depths(&parent);
        Nesting {
            parent: parent.into_iter().map(|p| p.map(step_id)).collect(),
            depth,
        }
    }

    /// The innermost together block whose work `step` is part of.
    pub fn parent(&self, step: StepIndex) -> Option<StepIndex> {
        self.parent.get(step.0 as usize).copied().flatten()
    }

    /// The together blocks whose work `step` is part of, innermost first.
    pub fn enclosing(&self, step: StepIndex) -> impl Iterator<Item = StepIndex> + '_ {
        std::iter::successors(self.parent(step), |block| self.parent(*block))
    }

    /// How many together blocks enclose `step`.
    pub fn depth(&self, step: StepIndex) -> usize {
        self.depth.get(step.0 as usize).map_or(0, |d| *d as usize)
    }

    /// The deepest nesting of any step: how many blocks enclose it.
    pub fn deepest(&self) -> usize {
        self.depth.iter().max().map_or(0, |d| *d as usize)
    }

    /// WM0217: together blocks nested more than `limit` deep, for a stage that cannot take
    /// them (the drawings Waymark lays out itself: see `waymark_export::DEEPEST_LAID_OUT`).
    /// Points at the first block that is one too many.
    pub fn too_deep(&self, procedure: &Procedure, limit: usize, what: &str) -> Option<Diagnostic> {
        if self.deepest() < limit {
            return None;
        }
        let block = procedure.step_ids().find(|step| {
            self.depth(*step) == limit
                && matches!(procedure.step(*step).kind, StepKind::Together { .. })
        })?;
        let step = procedure.step(block);
        Some(
            Diagnostic::new(
                Code::TogetherNestedTooDeep,
                step.name_span,
                format!(
                    "together blocks are nested more than {limit} deep at `{}`, too deep for {what}",
                    step.id
                ),
            )
            .label("this block is one too many")
            .help("flatten the work: list the pieces done at once in one `all of` line, or move a nested block's work into a sub-procedure with `use`; `waymark check`, `run` and the Mermaid and DOT drawings take any depth"),
        )
    }
}

fn step_id(index: usize) -> StepIndex {
    StepIndex(index as u32)
}

/// The walk of a together block's work, or none for a step that is not one.
fn open(steps: &[Step], block: usize) -> Option<Frame> {
    match &steps.get(block)?.kind {
        StepKind::Together { members, join, .. } => Some(Frame {
            block,
            join: join.0 as usize,
            pending: members.iter().map(|m| m.0 as usize).collect(),
        }),
        _ => None,
    }
}

fn join_of(steps: &[Step], block: usize) -> usize {
    match &steps[block].kind {
        StepKind::Together { join, .. } => join.0 as usize,
        _ => block,
    }
}

/// `block`'s walk met work already claimed, by `owner` or a block inside it: the outermost
/// finished block holding that work, if it has no parent yet, is part of `block`'s work.
fn adopt(
    parent: &mut [Option<usize>],
    outer: &mut [usize],
    walk: &[Walk],
    owner: usize,
    block: usize,
) {
    let top = outermost(outer, owner);
    if top != block && walk[top] == Walk::Finished && parent[top].is_none() {
        parent[top] = Some(block);
        outer[top] = block;
    }
}

/// The outermost block found so far above `block`, halving the path on the way.
fn outermost(outer: &mut [usize], mut block: usize) -> usize {
    while outer[block] != block {
        outer[block] = outer[outer[block]];
        block = outer[block];
    }
    block
}

/// How many blocks enclose each step, each found once: walk up to a step whose depth is known,
/// then fill in the chain on the way back.
fn depths(parent: &[Option<usize>]) -> Vec<u32> {
    const UNKNOWN: u32 = u32::MAX;
    let mut depth = vec![UNKNOWN; parent.len()];
    let mut chain = Vec::new();
    for start in 0..parent.len() {
        let mut at = Some(start);
        let mut known = 0;
        while let Some(step) = at {
            if depth[step] != UNKNOWN {
                known = depth[step];
                break;
            }
            chain.push(step);
            at = parent[step];
        }
        while let Some(step) = chain.pop() {
            if parent[step].is_some() {
                known += 1;
            }
            depth[step] = known;
        }
    }
    depth
}
