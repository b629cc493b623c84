//! Steps 1 and 2 of the layout: loops are broken and each step gets its column (the length of
//! the longest path to it); then boxes that nothing leaves slide right where their lane is less
//! crowded. The result, a `Layering`, is laid out in one band or cut into several.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::{EdgeSpec, NodeSize, Spacing};

/// How many columns right a box that nothing leaves may move, and what each column costs
/// (in the units of `Layering::lane_cost`): a longer line must buy a clearly shorter lane.
pub(super) const SLIDE: usize = 3;
pub(super) const SLIDE_COST: f64 = 1.0;

/// A flow with its loops broken and its columns chosen, ready to be laid out in one band or
/// several.
pub(super) struct Layering {
    pub(super) nodes: Vec<NodeSize>,
    pub(super) valid: Vec<bool>,
    pub(super) reversed: Vec<bool>,
    pub(super) layer: Vec<usize>,
    /// Per lane, the least height of its strip.
    pub(super) lanes: Vec<i32>,
}

impl Layering {
    pub(super) fn new(
        nodes: &[NodeSize],
        edges: &[EdgeSpec],
        lanes: &[i32],
        spacing: &Spacing,
    ) -> Layering {
        let mut lanes = lanes.to_vec();
        if lanes.is_empty() {
            lanes.push(0);
        }
        let nodes: Vec<NodeSize> = nodes
            .iter()
            .map(|n| NodeSize {
                lane: n.lane.min(lanes.len() - 1),
                width: n.width.max(1),
                height: n.height.max(1),
                port: n.port.clamp(0, n.height.max(1)),
            })
            .collect();
        let valid: Vec<bool> = edges
            .iter()
            .map(|e| e.from < nodes.len() && e.to < nodes.len())
            .collect();
        let reversed = break_cycles(nodes.len(), edges, &valid);
        let layer = assign_layers(nodes.len(), edges, &valid, &reversed);
        let mut flow = Layering {
            nodes,
            valid,
            reversed,
            layer,
            lanes,
        };
        flow.slide_sinks(edges, spacing);
        flow
    }

    /// How many columns the flow has.
    pub(super) fn column_count(&self) -> usize {
        self.layer.iter().map(|l| l + 1).max().unwrap_or(0)
    }

    /// Moves boxes that nothing leaves (ends, checkpoints) up to a few columns right, where
    /// that makes their lane's fullest columns less full. A lane is as tall as its fullest
    /// column, so six outcomes ending side by side in one column, or a checkpoint under the
    /// step that starts its clock, would otherwise make the whole lane tall.
    pub(super) fn slide_sinks(&mut self, edges: &[EdgeSpec], spacing: &Spacing) {
        let count = self.nodes.len();
        let mut leaves = vec![false; count];
        let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (index, edge) in edges.iter().enumerate() {
            if let Some((from, to)) = directed(edge, self.valid[index], self.reversed[index]) {
                leaves[from] = true;
                incoming[to].push(from);
            }
        }
        let last = self.layer.iter().copied().max().unwrap_or(0);
        for sink in 0..count {
            if leaves[sink] || incoming[sink].is_empty() {
                continue;
            }
            let lane = self.nodes[sink].lane;
            let here = self.layer[sink];
            let mut best = (self.lane_cost(lane, edges, spacing), here);
            for column in here + 1..=(here + SLIDE).min(last) {
                self.layer[sink] = column;
                let cost =
                    self.lane_cost(lane, edges, spacing) + SLIDE_COST * (column - here) as f64;
                if cost < best.0 {
                    best = (cost, column);
                }
            }
            self.layer[sink] = best.1;
        }
    }

    /// How crowded a lane's columns are: the sum of the fourth powers of their heights, so
    /// that the fullest columns count most (a lane is as tall as its fullest), in units of
    /// 100 drawing units.
    pub(super) fn lane_cost(&self, lane: usize, edges: &[EdgeSpec], spacing: &Spacing) -> f64 {
        let columns = self.column_count();
        let mut heights = vec![0i32; columns];
        let mut items = vec![0i32; columns];
        for (node, size) in self.nodes.iter().enumerate() {
            if size.lane == lane {
                heights[self.layer[node]] += size.height;
                items[self.layer[node]] += 1;
            }
        }
        for (index, edge) in edges.iter().enumerate() {
            let Some((from, to)) = directed(edge, self.valid[index], self.reversed[index]) else {
                continue;
            };
            if self.nodes[to].lane != lane {
                continue;
            }
            for column in self.layer[from] + 1..self.layer[to] {
                heights[column] += spacing.pass_height;
                items[column] += 1;
            }
        }
        heights
            .iter()
            .zip(&items)
            .map(|(height, items)| {
                let full = height + spacing.row_gap * (items - 1).max(0);
                (f64::from(full) / 100.0).powi(4)
            })
            .sum()
    }
}

/// Which edges to reverse so that the rest form no cycle: the back edges of a depth-first walk.
pub(super) fn break_cycles(count: usize, edges: &[EdgeSpec], valid: &[bool]) -> Vec<bool> {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, edge) in edges.iter().enumerate() {
        if valid[index] && edge.from != edge.to {
            outgoing[edge.from].push(index);
        }
    }
    let mut reversed = vec![false; edges.len()];
    // 0 = not seen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; count];
    for root in 0..count {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&edge) = outgoing[node].get(*next) {
                *next += 1;
                let to = edges[edge].to;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => reversed[edge] = true,
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

/// The (from, to) of an edge once back edges are turned round; `None` for self-loops and
/// edges to nodes that do not exist.
pub(super) fn directed(edge: &EdgeSpec, valid: bool, reversed: bool) -> Option<(usize, usize)> {
    if !valid || edge.from == edge.to {
        None
    } else if reversed {
        Some((edge.to, edge.from))
    } else {
        Some((edge.from, edge.to))
    }
}

/// Longest-path layering over the acyclic edges.
pub(super) fn assign_layers(
    count: usize,
    edges: &[EdgeSpec],
    valid: &[bool],
    reversed: &[bool],
) -> Vec<usize> {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut incoming = vec![0usize; count];
    for (index, edge) in edges.iter().enumerate() {
        if let Some((from, to)) = directed(edge, valid[index], reversed[index]) {
            outgoing[from].push(to);
            incoming[to] += 1;
        }
    }
    let mut layer = vec![0usize; count];
    let mut ready: Vec<usize> = (0..count).rev().filter(|n| incoming[*n] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &outgoing[node] {
            layer[to] = layer[to].max(layer[node] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    layer
}
