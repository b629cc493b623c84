//! Step 3 of the layout: the flow as columns of items, a box for each step and a passing point
//! in each column a long line crosses, with the links between neighbouring columns that the
//! later steps order, stack and route.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::columns::directed;
use super::{EdgeSpec, NodeSize, Spacing, Strip};

/// An item in a column: a box, or a point an edge passes through.
#[derive(Clone, Copy, Debug)]
pub(super) struct Item {
    /// The node, for a box.
    pub(super) node: Option<usize>,
    pub(super) lane: usize,
    pub(super) width: i32,
    pub(super) above: i32,
    pub(super) below: i32,
    pub(super) layer: usize,
    /// The height edges attach at.
    pub(super) line: i32,
    /// The height of the tallest label written just above the line into it.
    pub(super) label: i32,
}

/// The graph with dummy items, one list of items per column.
pub(super) struct Layered {
    pub(super) items: Vec<Item>,
    /// Per column, the items in order.
    pub(super) columns: Vec<Vec<usize>>,
    /// Edges between items in adjacent columns (left item, right item).
    pub(super) links: Vec<(usize, usize)>,
    /// Per original edge: its chain of items from the left column to the right one.
    pub(super) chains: Vec<Vec<usize>>,
    /// Per item, its position in its column.
    pub(super) position: Vec<usize>,
    /// Per item, the items linked to it in the column before and after.
    pub(super) before: Vec<Vec<usize>>,
    pub(super) after: Vec<Vec<usize>>,
    pub(super) reversed: Vec<bool>,
    /// Each lane's strip, once lines are assigned.
    pub(super) strips: Vec<Strip>,
}

impl Layered {
    pub(super) fn new(
        nodes: &[NodeSize],
        edges: &[EdgeSpec],
        valid: &[bool],
        reversed: &[bool],
        layer: &[usize],
        spacing: &Spacing,
    ) -> Layered {
        let mut items: Vec<Item> = nodes
            .iter()
            .zip(layer)
            .enumerate()
            .map(|(index, (node, layer))| Item {
                node: Some(index),
                lane: node.lane,
                width: node.width,
                above: node.port,
                below: node.height - node.port,
                layer: *layer,
                line: 0,
                label: 0,
            })
            .collect();
        let mut links = Vec::new();
        let mut chains = Vec::with_capacity(edges.len());
        let half = spacing.pass_height / 2;
        for (index, edge) in edges.iter().enumerate() {
            let Some((from, to)) = directed(edge, valid[index], reversed[index]) else {
                chains.push(Vec::new());
                continue;
            };
            let mut chain = vec![from];
            // Passing points sit in the lane of the box the edge leads to.
            let lane = nodes[to].lane;
            for passing in layer[from] + 1..layer[to] {
                items.push(Item {
                    node: None,
                    lane,
                    width: 0,
                    above: half,
                    below: spacing.pass_height - half,
                    layer: passing,
                    line: 0,
                    label: 0,
                });
                chain.push(items.len() - 1);
            }
            chain.push(to);
            // The label goes above the line where it enters its box (a line back is labelled
            // below, where it starts).
            if edge.label_width > 0 && !reversed[index] {
                items[to].label = items[to].label.max(edge.label_height);
            }
            for pair in chain.windows(2) {
                links.push((pair[0], pair[1]));
            }
            chains.push(chain);
        }
        let column_count = items.iter().map(|i| i.layer + 1).max().unwrap_or(0);
        let mut columns: Vec<Vec<usize>> = vec![Vec::new(); column_count];
        for (index, item) in items.iter().enumerate() {
            columns[item.layer].push(index);
        }
        let mut before = vec![Vec::new(); items.len()];
        let mut after = vec![Vec::new(); items.len()];
        for &(left, right) in &links {
            after[left].push(right);
            before[right].push(left);
        }
        let mut layered = Layered {
            position: vec![0; items.len()],
            items,
            columns,
            links,
            chains,
            before,
            after,
            reversed: reversed.to_vec(),
            strips: Vec::new(),
        };
        layered.initial_order();
        layered
    }
}
