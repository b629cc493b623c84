//! The state graph: one node per step, an edge for every way a case can move on.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::model::{Step, StepIndex, StepKind};
use petgraph::Direction;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, EdgeFiltered, EdgeRef};

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

/// The procedure as a graph (petgraph inside). Node `i` is step `StepIndex(i)`. Callers ask it
/// the few questions below; none of them sees petgraph.
#[derive(Clone, Debug, Default)]
pub struct FlowGraph {
    graph: DiGraph<StepIndex, Edge>,
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
            if let StepKind::Together { members, join, .. } = &step.kind {
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

    /// How many steps (nodes) and edges the graph has.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// The steps any edge leads to from `step` (moves and schedules), the latest added first.
    pub fn all_next(&self, step: StepIndex) -> impl Iterator<Item = StepIndex> + '_ {
        self.graph
            .neighbors(node(step))
            .map(|next| StepIndex(next.index() as u32))
    }

    /// The steps any edge comes from into `step` (for a checkpoint or recurring work, the
    /// step whose clock starts it).
    pub fn all_previous(&self, step: StepIndex) -> impl Iterator<Item = StepIndex> + '_ {
        self.graph
            .neighbors_directed(node(step), Direction::Incoming)
            .map(|previous| StepIndex(previous.index() as u32))
    }

    /// The case's moves (every edge but schedules), as (from, to), in the order added.
    pub fn moves(&self) -> impl Iterator<Item = (StepIndex, StepIndex)> + '_ {
        self.edges()
            .filter(|(_, _, edge)| edge.is_flow())
            .map(|(from, to, _)| (from, to))
    }

    /// Which steps a case can reach from `from` by its moves, as a flag per step (the steps
    /// themselves included). Iterative: no recursion however long the path.
    pub fn reachable_from(&self, from: impl IntoIterator<Item = StepIndex>) -> Vec<bool> {
        let moves = EdgeFiltered::from_fn(&self.graph, |edge| edge.weight().is_flow());
        let mut reached = vec![false; self.graph.node_count()];
        for start in from {
            if reached.get(start.0 as usize).copied().unwrap_or(true) {
                continue;
            }
            let mut walk = Dfs::new(&moves, node(start));
            while let Some(found) = walk.next(&moves) {
                if let Some(flag) = reached.get_mut(found.index()) {
                    *flag = true;
                }
            }
        }
        reached
    }

    /// The loops of the case's moves: groups of steps each of which leads to every other
    /// (a step in no loop is a group of its own). Kosaraju's walk keeps its own stack;
    /// petgraph's Tarjan recursed once per step and overflowed on a loop of 90,000 steps.
    pub fn strongly_connected(&self) -> Vec<Vec<StepIndex>> {
        let moves = EdgeFiltered::from_fn(&self.graph, |edge| edge.weight().is_flow());
        kosaraju_scc(&moves)
            .into_iter()
            .map(|group| {
                group
                    .into_iter()
                    .map(|n| StepIndex(n.index() as u32))
                    .collect()
            })
            .collect()
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
fn node(step: StepIndex) -> NodeIndex {
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
