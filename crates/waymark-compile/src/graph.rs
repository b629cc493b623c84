//! The state graph: one node per step, an edge for every way a case can move on.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::model::{Step, StepIndex, StepKind};
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// Why an edge exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The source step's route with this index (a `then`, `otherwise` or `on` line).
    Route(usize),
    /// A together block starts one of its pieces of work.
    Fork,
    /// A piece of work of a together block is finished and waits for the others.
    Join,
    /// A step starts the clock of a checkpoint, or a recurring obligation runs while at it.
    /// These are not moves of the case: checkpoints run alongside the path.
    Schedule,
}

impl Edge {
    /// Whether a case moves along this edge (everything but schedules).
    pub fn is_flow(self) -> bool {
        self != Edge::Schedule
    }
}

/// The procedure as a petgraph graph. Node `i` is step `StepIndex(i)`.
#[derive(Clone, Debug, Default)]
pub struct FlowGraph {
    pub graph: DiGraph<StepIndex, Edge>,
}

impl FlowGraph {
    /// Builds the graph from resolved steps. `schedules` are (clock step, checkpoint or
    /// recurring step) pairs.
    pub fn build(steps: &[Step], schedules: &[(StepIndex, StepIndex)]) -> FlowGraph {
        let mut graph = DiGraph::with_capacity(steps.len(), steps.len() * 2);
        let mut tails = Tails::new(steps.len());
        for index in 0..steps.len() {
            graph.add_node(StepIndex(index as u32));
        }
        for (index, step) in steps.iter().enumerate() {
            let from = NodeIndex::new(index);
            for (route, to) in step.routes.iter().enumerate() {
                graph.add_edge(from, node(to.target), Edge::Route(route));
            }
            if let StepKind::Together { members, join } = &step.kind {
                for member in members {
                    graph.add_edge(from, node(*member), Edge::Fork);
                }
                for tail in tails.of(steps, members) {
                    graph.add_edge(node(tail), node(*join), Edge::Join);
                }
            }
        }
        for (clock, step) in schedules {
            graph.add_edge(node(*clock), node(*step), Edge::Schedule);
        }
        FlowGraph { graph }
    }

    /// The steps a case can move to from `step`.
    pub fn next_steps(&self, step: StepIndex) -> impl Iterator<Item = (StepIndex, Edge)> + '_ {
        self.graph
            .edges_directed(node(step), Direction::Outgoing)
            .filter(|edge| edge.weight().is_flow())
            .map(|edge| (StepIndex(edge.target().index() as u32), *edge.weight()))
    }

    /// The steps a case can come from to reach `step`.
    pub fn previous_steps(&self, step: StepIndex) -> impl Iterator<Item = (StepIndex, Edge)> + '_ {
        self.graph
            .edges_directed(node(step), Direction::Incoming)
            .filter(|edge| edge.weight().is_flow())
            .map(|edge| (StepIndex(edge.source().index() as u32), *edge.weight()))
    }

    /// Every edge (from, to, why), in the order they were added.
    pub fn edges(&self) -> impl Iterator<Item = (StepIndex, StepIndex, Edge)> + '_ {
        self.graph.edge_references().map(|edge| {
            (
                StepIndex(edge.source().index() as u32),
                StepIndex(edge.target().index() as u32),
                *edge.weight(),
            )
        })
    }
}

/// The node of a step.
pub fn node(step: StepIndex) -> NodeIndex {
    NodeIndex::new(step.0 as usize)
}

/// Finds the tails of together blocks' work, many blocks with one set of marks: a fresh mark
/// per step for each block cost blocks x steps (quadratic for blocks nested thousands deep).
pub struct Tails {
    /// Per step, the number of the last walk that met it.
    seen: Vec<u32>,
    walk: u32,
}

impl Tails {
    pub fn new(steps: usize) -> Tails {
        Tails {
            seen: vec![0; steps],
            walk: 0,
        }
    }

    /// The steps that finish the pieces of a together block with these `members`: those
    /// reached from its members that have no way on of their own. Finishing them is how a
    /// piece of work joins the block.
    pub fn of(&mut self, steps: &[Step], members: &[StepIndex]) -> Vec<StepIndex> {
        self.walk += 1;
        let walk = self.walk;
        let mut stack: Vec<StepIndex> = members.to_vec();
        let mut tails = Vec::new();
        while let Some(step_id) = stack.pop() {
            let (Some(step), Some(seen)) = (
                steps.get(step_id.0 as usize),
                self.seen.get_mut(step_id.0 as usize),
            ) else {
                continue;
            };
            if std::mem::replace(seen, walk) == walk {
                continue;
            }
            let nested_join = match &step.kind {
                StepKind::Together { join, .. } => Some(*join),
                _ => None,
            };
            let onward: Vec<StepIndex> = match nested_join {
                // A nested block is one piece of work: carry on from where it joins.
                Some(join) => steps
                    .get(join.0 as usize)
                    .map_or(Vec::new(), |j| j.routes.iter().map(|r| r.target).collect()),
                None => step.routes.iter().map(|route| route.target).collect(),
            };
            if onward.is_empty() && step.kind != StepKind::End {
                tails.push(nested_join.unwrap_or(step_id));
            }
            stack.extend(onward);
        }
        tails.sort();
        tails
    }
}
