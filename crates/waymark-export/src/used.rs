//! A chart with each procedure brought in by `use` drawn as one box, in the style of a BPMN
//! call activity: the box stands for the whole used procedure, which its own chart draws in
//! full. A large procedure that uses another then fits a sheet at a size people can read.
//!
//! - The box takes the used procedure's title, a line naming the file its own chart is drawn
//!   from ("drawn in full on its own chart: section47.wm"), the lane of the used procedure's
//!   start step, and the place of its first node in the chart's order.
//! - A line into any of the used procedure's nodes goes into the box, keeping its words (the
//!   outcome "strategy discussion"); a line from one of them to a node of the outer procedure
//!   leaves from the box, keeping its words. Lines inside the used procedure, and its ends,
//!   disappear into the box, and lines drawn alike are drawn once.
//! - Every used procedure is a box of its own, one used by another too: the steps a box stands
//!   for are those its own file declares.
//! - Lanes no node sits in any more are dropped, as for any chart.
#![allow(
    clippy::indexing_slicing,
    reason = "node and lane indexes come from the chart, whose lists have one entry per node and lane"
)]

use crate::chart::{Chart, Link, Mark, Node, Shape};
use std::collections::{BTreeSet, HashMap, HashSet};
use waymark_compile::{Procedure, UsedProcedure};

/// The box's line saying where the used procedure is drawn in full.
pub fn drawn_on_own_chart(used: &UsedProcedure) -> String {
    let name = if used.path.trim().is_empty() {
        &used.id
    } else {
        &used.path
    };
    format!("drawn in full on its own chart: {name}")
}

/// The chart with every procedure `procedure` uses drawn as one box (see the module comment).
/// A procedure that uses none is drawn as it was.
pub fn box_used(procedure: &Procedure, chart: Chart) -> Chart {
    if procedure.used.is_empty() {
        return chart;
    }
    let Chart {
        id,
        title,
        lanes,
        nodes,
        links,
    } = chart;
    // Which used procedure (index into `procedure.used`) each node draws a step of.
    let used_of: HashMap<&str, usize> = procedure
        .used
        .iter()
        .enumerate()
        .map(|(index, used)| (used.id.as_str(), index))
        .collect();
    let owner: Vec<Option<usize>> = nodes
        .iter()
        .map(|node| {
            let step = node.steps.first()?;
            used_of
                .get(procedure.step(*step).procedure.as_str())
                .copied()
        })
        .collect();
    let mut taken: BTreeSet<String> = nodes.iter().map(|n| n.id.clone()).collect();
    // The new index of every old node: a node of its own, or its procedure's box.
    let mut new_index = vec![0; nodes.len()];
    let mut box_of: Vec<Option<usize>> = vec![None; procedure.used.len()];
    let mut kept: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut old_of_kept: Vec<Option<usize>> = Vec::with_capacity(nodes.len());
    for (old, node) in nodes.iter().enumerate() {
        let Some(used) = owner[old] else {
            new_index[old] = kept.len();
            kept.push(node.clone());
            old_of_kept.push(Some(old));
            continue;
        };
        if let Some(at) = box_of[used] {
            new_index[old] = at;
            kept[at].steps.extend(node.steps.iter().copied());
            continue;
        }
        box_of[used] = Some(kept.len());
        new_index[old] = kept.len();
        kept.push(used_box(&procedure.used[used], node, &mut taken));
        old_of_kept.push(None);
    }
    // A box sits in the lane of its procedure's start.
    for (used, at) in procedure.used.iter().zip(&box_of) {
        let start = nodes
            .iter()
            .position(|node| node.steps.contains(&used.start));
        if let (Some(at), Some(start)) = (at, start) {
            kept[*at].lane = nodes[start].lane;
        }
    }
    for (node, old) in kept.iter_mut().zip(&old_of_kept) {
        // A join keeps its fork when the fork is a node of its own.
        node.fork = old
            .and_then(|old| nodes[old].fork)
            .filter(|fork| owner.get(*fork).is_some_and(Option::is_none))
            .map(|fork| new_index[fork]);
    }
    let links = remap_links(&links, &new_index, &owner);
    let (lanes, kept) = drop_empty_lanes(lanes, kept);
    Chart {
        id,
        title,
        lanes,
        nodes: kept,
        links,
    }
}

/// The box for `used`, first met as `first` (whose lane it takes until its start's is known).
fn used_box(used: &UsedProcedure, first: &Node, taken: &mut BTreeSet<String>) -> Node {
    let mut id = format!("used_{}", first_safe(&used.id));
    while taken.contains(&id) {
        id.push('_');
    }
    taken.insert(id.clone());
    Node {
        id,
        shape: Shape::Used,
        title: used.title.clone(),
        who: Vec::new(),
        when: Vec::new(),
        notes: vec![drawn_on_own_chart(used)],
        approval: None,
        lane: first.lane,
        steps: first.steps.clone(),
        mark: Mark::Same,
        fork: None,
    }
}

/// A procedure id as node ids are made: letters, digits and `_`.
fn first_safe(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The links between the new nodes: each end moved to its new node, lines inside one box
/// gone, and lines drawn alike drawn once, in the order first drawn.
fn remap_links(links: &[Link], new_index: &[usize], owner: &[Option<usize>]) -> Vec<Link> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(links.len());
    for link in links {
        let (Some(&from), Some(&to)) = (new_index.get(link.from), new_index.get(link.to)) else {
            continue;
        };
        let inside = owner.get(link.from).copied().flatten().is_some()
            && owner.get(link.from) == owner.get(link.to);
        if inside {
            continue;
        }
        let link = Link {
            from,
            to,
            ..link.clone()
        };
        if seen.insert((link.from, link.to, link.label.clone(), link.kind)) {
            out.push(link);
        }
    }
    out
}

/// The lanes some node still sits in, in their order, with the nodes' lanes renumbered.
fn drop_empty_lanes(
    lanes: Vec<crate::chart::Lane>,
    mut nodes: Vec<Node>,
) -> (Vec<crate::chart::Lane>, Vec<Node>) {
    let mut used = vec![false; lanes.len()];
    for node in &nodes {
        if let Some(flag) = used.get_mut(node.lane) {
            *flag = true;
        }
    }
    let mut renumber = vec![0; lanes.len()];
    let mut kept = Vec::new();
    for (old, lane) in lanes.into_iter().enumerate() {
        if used[old] {
            renumber[old] = kept.len();
            kept.push(lane);
        }
    }
    for node in &mut nodes {
        node.lane = renumber.get(node.lane).copied().unwrap_or(0);
    }
    (kept, nodes)
}
