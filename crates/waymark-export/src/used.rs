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
use waymark_compile::{Procedure, StepIndex, UsedProcedure};

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
    // A box sits in the lane of its procedure's start (past an optional start, the step
    // every case reaches: information an absent agency may share is not the meeting).
    for (used, at) in procedure.used.iter().zip(&box_of) {
        let first = first_required(procedure, used.start);
        let start = nodes.iter().position(|node| node.steps.contains(&first));
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
    let mut id = format!("used_{}", safe_id(&used.id));
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
fn safe_id(id: &str) -> String {
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

/// `start`, or, while that is an optional step, the step it leads on to (a bounded walk, so a
/// loop of optional steps cannot hold it).
fn first_required(procedure: &Procedure, start: StepIndex) -> StepIndex {
    let mut step = start;
    for _ in 0..procedure.steps.len() {
        let here = procedure.step(step);
        match (&here.optional, here.routes.first()) {
            (Some(_), Some(route)) => step = route.target,
            _ => break,
        }
    }
    step
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

#[cfg(test)]
mod tests {
    use super::{box_used, remap_links};
    use crate::chart::{Chart, Comparison, Link, LinkKind, Mark, Shape, chart, mark_compared};
    use waymark_compile::{Loader, Procedure};
    use waymark_diagnostics::FileId;

    const OUTER: &str = r#"procedure outer "Outer"
use inner from "inner.wm"
role manager "Social Work Manager"
role chair "Chair"
start referral

step referral "Referral received"
  by manager
  untimed "the clock starts here"
  then outcome

decision outcome "Outcome"
  by manager
  untimed "no limit"
  outcomes into_inner, also_inner, to_middle, stop
  on into_inner then inner
  on also_inner then inner
  on to_middle then inner_middle
  on stop then closed

checkpoint review "Review"
  by manager
  at 5, 10 working days after inner_middle

end closed "Closed"
"#;

    const INNER: &str = r#"procedure inner "Inner procedure"
role manager "Social Work Manager"
role chair "Chair"
start inner_start

step inner_start "Inner start"
  by manager
  untimed "no limit"
  then inner_middle

step inner_middle "Inner middle"
  by chair
  untimed "no limit"
  then inner_done

end inner_done "Inner done"
"#;

    /// Loads `inner.wm` as the text it holds.
    struct Inner(String);

    impl Loader for Inner {
        fn load(&mut self, _from: FileId, path: &str) -> Result<(FileId, String), String> {
            match path {
                "inner.wm" => Ok((FileId(1), self.0.clone())),
                _ => Err(format!("no {path}")),
            }
        }
    }

    fn outer() -> Procedure {
        outer_using(INNER)
    }

    fn outer_using(inner: &str) -> Procedure {
        let parsed = waymark_syntax::parse(FileId(0), OUTER);
        let compiled = waymark_compile::compile(parsed.document, &mut Inner(inner.to_string()));
        compiled.procedure.unwrap()
    }

    #[test]
    fn a_box_whose_procedure_starts_with_optional_work_sits_in_the_next_steps_lane() {
        // The Chair may do optional work first; the Manager's step is the one every case
        // reaches, so the box is drawn in the Manager's lane.
        let inner = INNER
            .replace(
                "  by manager\n  untimed \"no limit\"\n  then inner_middle",
                "  by chair\n  untimed \"no limit\"\n  optional \"now and then\"\n  then inner_middle",
            )
            .replace(
                "  by chair\n  untimed \"no limit\"\n  then inner_done",
                "  by manager\n  untimed \"no limit\"\n  then inner_done",
            );
        let procedure = outer_using(&inner);
        let boxed = box_used(&procedure, chart(&procedure));
        let used = boxed.nodes.iter().find(|n| n.shape == Shape::Used).unwrap();
        assert_eq!(boxed.lanes[used.lane].title, "Social Work Manager");
        let unboxed = chart(&procedure);
        let start = unboxed
            .nodes
            .iter()
            .find(|n| n.id.contains("inner_start"))
            .unwrap();
        assert_eq!(
            unboxed.lanes[start.lane].title, "Chair",
            "the optional start is the Chair's"
        );
    }

    /// Each link as (from id, to id, label).
    fn lines(chart: &Chart) -> Vec<(String, String, Option<String>)> {
        chart
            .links
            .iter()
            .map(|l| {
                (
                    chart.nodes[l.from].id.clone(),
                    chart.nodes[l.to].id.clone(),
                    l.label.clone(),
                )
            })
            .collect()
    }

    fn line(from: &str, to: &str, label: Option<&str>) -> (String, String, Option<String>) {
        (from.to_string(), to.to_string(), label.map(str::to_string))
    }

    #[test]
    fn a_used_procedure_becomes_one_box_with_the_lines_in_and_out_of_it() {
        let procedure = outer();
        let boxed = box_used(&procedure, chart(&procedure));
        let ids: Vec<&str> = boxed.nodes.iter().map(|n| n.id.as_str()).collect();
        // The inner steps and their end are gone into the box, in the place of the first.
        assert_eq!(
            ids,
            [
                "start",
                "referral",
                "outcome",
                "review",
                "closed",
                "used_inner"
            ]
        );
        let used = &boxed.nodes[5];
        assert_eq!(used.shape, Shape::Used);
        assert_eq!(used.title, "Inner procedure");
        assert_eq!(used.notes, ["drawn in full on its own chart: inner.wm"]);
        assert_eq!(used.steps.len(), 3, "the box stands for every inner step");
        assert_eq!(
            lines(&boxed),
            [
                line("start", "referral", None),
                line("referral", "outcome", None),
                // Entering lines keep their words, one line each.
                line("outcome", "used_inner", Some("into inner")),
                line("outcome", "used_inner", Some("also inner")),
                line("outcome", "used_inner", Some("to middle")),
                line("outcome", "closed", Some("stop")),
                // The checkpoint's clock starts inside: its line leaves from the box.
                line("used_inner", "review", None),
            ]
        );
        assert_eq!(boxed.links[6].kind, LinkKind::Schedule);
        // The Chair did only inner work: the lane is dropped; the box is in its start's lane.
        let lanes: Vec<&str> = boxed.lanes.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(lanes, ["Social Work Manager"]);
        assert!(boxed.nodes.iter().all(|n| n.lane == 0));
    }

    #[test]
    fn a_box_is_outlined_as_changed_when_a_step_inside_changed() {
        let procedure = outer();
        let compared = |comparison: &Comparison| {
            let chart = mark_compared(
                &procedure,
                box_used(&procedure, chart(&procedure)),
                comparison,
            );
            chart
                .nodes
                .into_iter()
                .find(|n| n.shape == Shape::Used)
                .unwrap()
        };
        let mut comparison = Comparison::default();
        assert_eq!(compared(&comparison).mark, Mark::Same);
        comparison.changed.insert("inner_middle".to_string());
        let changed = compared(&comparison);
        assert_eq!(changed.mark, Mark::Changed);
        assert_eq!(
            changed.notes.last().unwrap(),
            "changed inside: Inner middle"
        );
        // One new step inside is a change to the box; every step new is a new procedure.
        comparison.changed.clear();
        comparison.added.insert("inner_done".to_string());
        assert_eq!(compared(&comparison).mark, Mark::Changed);
        for id in ["inner_start", "inner_middle"] {
            comparison.added.insert(id.to_string());
        }
        assert_eq!(compared(&comparison).mark, Mark::Added);
    }

    #[test]
    fn a_procedure_that_uses_none_is_drawn_as_it_was() {
        let parsed = waymark_syntax::parse(FileId(0), INNER);
        let procedure = waymark_compile::compile(parsed.document, &mut Inner(INNER.to_string()))
            .procedure
            .unwrap();
        let inline = chart(&procedure);
        assert_eq!(box_used(&procedure, inline.clone()), inline);
    }

    #[test]
    fn lines_are_moved_to_the_box_and_drawn_once() {
        let link = |from, to, label: Option<&str>| Link {
            from,
            to,
            label: label.map(str::to_string),
            kind: LinkKind::Flow,
            route: None,
        };
        // Nodes 1 and 2 are one used procedure's, drawn as the box at 1; node 3 is outer.
        let new_index = [0, 1, 1, 2];
        let owner = [None, Some(0), Some(0), None];
        let links = [
            link(0, 1, Some("strategy discussion")),
            link(0, 2, Some("strategy discussion")),
            link(1, 2, None),
            link(2, 3, None),
            link(1, 3, None),
            link(0, 2, Some("emergency")),
        ];
        let moved = remap_links(&links, &new_index, &owner);
        assert_eq!(
            moved,
            [
                link(0, 1, Some("strategy discussion")),
                link(1, 2, None),
                link(0, 1, Some("emergency")),
            ]
        );
    }
}
