//! Where a line's label goes: just above the line where it enters its box, in the gap before
//! the box's column; stacked clear of other labels there, and written once where two lines with
//! the same words run into their box together.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::layered::Layered;
use super::place::Columns;
use super::route::BACK_OFFSET;
use super::{EdgeSpec, Point, Spacing};

/// How far a label's bottom is above the line it names (see `label_point`).
pub(super) const LABEL_CLEAR: i32 = 3;

impl Layered {
    /// Per gap (the one after each column), the room the labels in it need: a label sits in
    /// the gap before the box its line ends at.
    pub(super) fn label_room(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Vec<i32> {
        let mut label_room = vec![0i32; self.columns.len()];
        for (index, chain) in self.chains.iter().enumerate() {
            let (Some(&last), Some(edge)) = (chain.last(), edges.get(index)) else {
                continue;
            };
            let target = if self.reversed[index] { chain[0] } else { last };
            let layer = self.items[target].layer;
            if edge.label_width > 0 && layer > 0 {
                label_room[layer - 1] = label_room[layer - 1].max(edge.label_width + spacing.track);
            }
        }
        label_room
    }

    /// Where an edge's label goes: right of the tracks in the gap before the box it ends at, on
    /// the line it enters that box along. `points` is the line drawn forward.
    pub(super) fn label_point(
        &self,
        points: &[Point],
        edge: &EdgeSpec,
        reversed: bool,
        chain: &[usize],
        columns: &Columns,
        spacing: &Spacing,
    ) -> Option<Point> {
        if edge.label_width <= 0 {
            return None;
        }
        if reversed {
            // A line back to an earlier column enters its box from the right, just below the
            // line forward: label it there, under the line.
            let end = points.first()?;
            return Some(Point {
                x: end.x + spacing.track / 2,
                y: end.y + BACK_OFFSET + 2 + edge.label_height,
            });
        }
        let target = *chain.last()?;
        let layer = self.items[target].layer;
        let end = points.last()?;
        if layer == 0 {
            return Some(Point {
                x: end.x - edge.label_width,
                y: end.y - LABEL_CLEAR,
            });
        }
        let gap = layer - 1;
        let after_tracks = columns.track_x(gap, columns.tracks.in_gap[gap], spacing);
        let x = after_tracks.min(columns.x[layer] - edge.label_width - spacing.track / 2);
        Some(Point {
            x,
            y: end.y - LABEL_CLEAR,
        })
    }
}

/// The labels of one band's lines, placed line by line in the order of the lines.
pub(super) struct Labels {
    /// Per line so far, where its label would go before it is stacked clear of others.
    natural: Vec<Option<Point>>,
    /// The labels placed so far: bottom-left corner and height.
    taken: Vec<(Point, i32)>,
    /// Per line so far, where its label goes.
    pub(super) placed: Vec<Option<Point>>,
}

impl Labels {
    pub(super) fn with_capacity(count: usize) -> Labels {
        Labels {
            natural: Vec::with_capacity(count),
            taken: Vec::new(),
            placed: Vec::with_capacity(count),
        }
    }

    /// A line with no label to place (a loop, or a line to a box that does not exist).
    pub(super) fn skip(&mut self) {
        self.natural.push(None);
        self.placed.push(None);
    }

    /// Whether the words on line `index`, whose label would go at `at`, are written already:
    /// the same words on two lines that run into their box together are written once, where
    /// the lines are one, by the label of the earlier line. `paths` are the lines so far.
    pub(super) fn said_already(
        &self,
        index: usize,
        at: Option<Point>,
        path: &[Point],
        edges: &[EdgeSpec],
        reversed: &[bool],
        paths: &[Vec<Point>],
    ) -> bool {
        let edge = &edges[index];
        edge.same_label.is_some_and(|other| {
            let (Some(at), Some(Some(there))) = (at, self.natural.get(other)) else {
                return false;
            };
            let shared = |path: &[Point]| {
                runs_along(path, at.y + LABEL_CLEAR, at.x, at.x + edge.label_width)
            };
            !reversed[index]
                && !reversed[other]
                && at == *there
                && edges[other].label_width == edge.label_width
                && shared(path)
                && shared(&paths[other])
        })
    }

    /// Places the next line's label, which would go at `at`: nowhere when its words are `said`
    /// already, else stacked clear of the labels placed before.
    pub(super) fn add(&mut self, at: Option<Point>, said: bool, edge: &EdgeSpec) {
        self.natural.push(at);
        let placed = at.filter(|_| !said).map(|at| self.stack(at, edge));
        self.placed.push(placed);
    }

    /// Labels of lines that end at the same place are stacked, not drawn over each other: the
    /// label moves up until it covers none placed before.
    fn stack(&mut self, mut at: Point, edge: &EdgeSpec) -> Point {
        // Each label spans its height up from its bottom-left corner. The label only moves up,
        // so the labels beside it (overlapping it across) are taken once, highest top first:
        // those whose top is above the label's bottom are a growing prefix, and one of them
        // covers the label exactly when the lowest bottom in that prefix is below its top.
        // (Scanning every placed label for every step up was cubic: a decision with 40,000
        // outcomes into one box never finished.)
        let step = edge.label_height.max(1);
        let mut beside: Vec<(i32, i32)> = self
            .taken
            .iter()
            .filter(|(other, _)| {
                other.x < at.x + edge.label_width && at.x < other.x + edge.label_width
            })
            .map(|&(other, height)| (other.y, other.y - height.max(1)))
            .collect();
        beside.sort_by_key(|&(top, _)| std::cmp::Reverse(top));
        let mut next = 0;
        let mut lowest_bottom = i32::MAX;
        loop {
            while let Some(&(top, bottom)) = beside.get(next) {
                if top <= at.y - step {
                    break;
                }
                lowest_bottom = lowest_bottom.min(bottom);
                next += 1;
            }
            if lowest_bottom < at.y {
                at.y -= step;
            } else {
                break;
            }
        }
        self.taken.push((at, edge.label_height));
        at
    }
}

/// Whether a path runs horizontally at height `y` all the way from `from` to `to`.
pub(super) fn runs_along(path: &[Point], y: i32, from: i32, to: i32) -> bool {
    path.windows(2).any(|pair| {
        let (a, b) = (pair[0], pair[1]);
        a.y == y && b.y == y && a.x.min(b.x) <= from && to <= a.x.max(b.x)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::fixtures::{SPACING, edge, node};
    use crate::layout::layout;

    #[test]
    fn the_same_words_on_two_lines_into_one_box_are_written_once() {
        // 0 -> {1, 2} -> 3, and both lines into 3 carry a label of the same width.
        let nodes = [node(0), node(0), node(0), node(0)];
        let mut edges = vec![edge(0, 1), edge(0, 2), edge(1, 3), edge(2, 3)];
        let two = layout(&nodes, &edges, 1, &SPACING);
        assert!(two.labels[2].is_some() && two.labels[3].is_some());
        assert_ne!(
            two.labels[2], two.labels[3],
            "stacked, not drawn over each other"
        );
        edges[3].same_label = Some(2);
        let one = layout(&nodes, &edges, 1, &SPACING);
        assert_eq!(one.labels[2], two.labels[2]);
        assert_eq!(one.labels[3], None);
        assert_eq!(one.edges, two.edges);
        // A label said once sits where both lines run together.
        let at = one.labels[2].unwrap();
        for path in &one.edges[2..4] {
            assert!(
                runs_along(path, at.y + LABEL_CLEAR, at.x, at.x + 30),
                "{path:?}"
            );
        }
    }
}
