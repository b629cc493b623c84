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
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included, Unbounded};

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
    /// The labels placed so far, by the x of their left edge.
    taken: BTreeMap<i32, Heights>,
    /// Per line so far, where its label goes.
    pub(super) placed: Vec<Option<Point>>,
}

/// The heights covered by the labels placed at one x: each label covers the open span
/// `(y - height, y)` up from its bottom-left corner at `y`. Spans that overlap or touch are
/// kept as one, so a stack of a thousand labels is one entry. That loses nothing: a label, at
/// least one unit tall, that overlaps the union of two touching spans overlaps one of them.
/// Keyed by the span's lower edge (its largest y), the value is its upper edge.
#[derive(Default)]
struct Heights(BTreeMap<i32, i32>);

impl Heights {
    /// The upper edge of the highest span that overlaps `(low, high)`, if any does. The spans
    /// are apart, so that is the first whose lower edge is under `low` (a greater y).
    fn covering(&self, low: i32, high: i32) -> Option<i32> {
        let (_, &upper) = self.0.range((Excluded(low), Unbounded)).next()?;
        (upper < high).then_some(upper)
    }

    /// Adds the span `(upper, lower)`, merged with those it overlaps or touches.
    fn add(&mut self, mut upper: i32, mut lower: i32) {
        let joined: Vec<(i32, i32)> = self
            .0
            .range((Included(upper), Unbounded))
            .take_while(|&(_, &other_upper)| other_upper <= lower)
            .map(|(&other_lower, &other_upper)| (other_lower, other_upper))
            .collect();
        for (other_lower, other_upper) in joined {
            self.0.remove(&other_lower);
            upper = upper.min(other_upper);
            lower = lower.max(other_lower);
        }
        self.0.insert(lower, upper);
    }
}

impl Labels {
    pub(super) fn with_capacity(count: usize) -> Labels {
        Labels {
            natural: Vec::with_capacity(count),
            taken: BTreeMap::new(),
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
    /// label moves up, a whole label height at a time, until it covers none placed before
    /// beside it (less than its own width away across).
    ///
    /// Each move goes straight past the highest label in the way, to the first height that
    /// clears it: every height between would overlap that label too. Stepping up one height
    /// at a time past every label placed before was quadratic (3.2 s for a decision with
    /// 5,000 outcomes into one box), and so was gathering and sorting those labels.
    fn stack(&mut self, mut at: Point, edge: &EdgeSpec) -> Point {
        let step = edge.label_height.max(1);
        let width = edge.label_width;
        if width > 0 {
            let beside = (
                Excluded(at.x.saturating_sub(width)),
                Excluded(at.x.saturating_add(width)),
            );
            loop {
                let highest_in_way = self
                    .taken
                    .range(beside)
                    .filter_map(|(_, heights)| heights.covering(at.y - step, at.y))
                    .min();
                let Some(upper) = highest_in_way else { break };
                // The lowest whole number of steps up that puts the label's bottom at or
                // above `upper`.
                let steps = (at.y - upper + step - 1) / step;
                at.y -= steps * step;
            }
        }
        self.taken
            .entry(at.x)
            .or_default()
            .add(at.y - edge.label_height.max(1), at.y);
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

    /// Stacking as it was written before (commit 4747564), one label height at a time: the
    /// reference the quick stacking must agree with exactly.
    fn stack_stepwise(taken: &mut Vec<(Point, i32)>, mut at: Point, edge: &EdgeSpec) -> Point {
        let step = edge.label_height.max(1);
        let mut beside: Vec<(i32, i32)> = taken
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
        taken.push((at, edge.label_height));
        at
    }

    #[test]
    fn labels_stack_where_stepping_one_height_at_a_time_puts_them() {
        // Labels of mixed sizes into a few nearby places, some starting inside a stack and
        // some between labels, so that gaps of every size are met.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below) as i32
        };
        for round in 0..200 {
            let mut quick = Labels::with_capacity(0);
            let mut stepwise = Vec::new();
            for _ in 0..(1 + round % 60) {
                let edge = EdgeSpec {
                    label_width: next(40) - 2,
                    label_height: next(20) - 1,
                    ..edge(0, 1)
                };
                let at = Point {
                    x: 100 + next(5) * 10 + next(3),
                    y: 500 - next(8) * 7,
                };
                assert_eq!(
                    quick.stack(at, &edge),
                    stack_stepwise(&mut stepwise, at, &edge),
                    "round {round}"
                );
            }
        }
    }

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
