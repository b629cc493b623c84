//! How a line runs: right-angled, out of the right side of a box, down or up a vertical track of
//! its own in the gap between columns, into the left side of the next item; a line back runs
//! just below the line forward; a loop from a box to itself goes over the box.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::layered::Layered;
use super::place::Columns;
use super::{Point, Rect, Spacing};
use std::collections::BTreeMap;

/// How far below the line forward a line back runs.
pub(super) const BACK_OFFSET: i32 = 8;

/// The vertical tracks in the gaps between columns, so that no two vertical runs lie on top of
/// each other.
pub(super) struct Tracks {
    /// Per item whose lines change height in the gap after it, its track there.
    pub(super) of: BTreeMap<usize, usize>,
    /// Per gap (the one after each column), how many tracks it holds.
    pub(super) in_gap: Vec<usize>,
}

impl Layered {
    /// Gives the vertical run of the lines leaving each item a track in its gap. Runs are taken
    /// top to bottom; a run goes on the first track that is clear of it by a track's width.
    pub(super) fn tracks(&self, spacing: &Spacing) -> Tracks {
        let mut of = BTreeMap::new();
        let mut in_gap = vec![0usize; self.columns.len()];
        for (gap, groups) in self.vertical_spans().iter().enumerate() {
            let mut ordered: Vec<(usize, (i32, i32))> =
                groups.iter().map(|(item, span)| (*item, *span)).collect();
            ordered.sort_by_key(|(item, span)| (span.0, span.1, *item));
            let mut track_ends = TrackEnds::with_room(ordered.len());
            for (item, (low, high)) in ordered {
                let track = track_ends.first_clear(i64::from(low) - i64::from(spacing.track));
                track_ends.set(track, high);
                of.insert(item, track);
            }
            in_gap[gap] = track_ends.used;
        }
        Tracks { of, in_gap }
    }

    /// Per gap, the vertical span (top, bottom) of the lines that leave each item and change
    /// height in it. The lines that leave one item share their vertical run.
    fn vertical_spans(&self) -> Vec<BTreeMap<usize, (i32, i32)>> {
        let mut spans: Vec<BTreeMap<usize, (i32, i32)>> = vec![BTreeMap::new(); self.columns.len()];
        for &(left, right) in &self.links {
            let (a, b) = (self.items[left].line, self.items[right].line);
            if a != b {
                let span = spans[self.items[left].layer].entry(left).or_insert((a, a));
                span.0 = span.0.min(b);
                span.1 = span.1.max(b);
            }
        }
        spans
    }

    /// The corners of a line along its chain of items, left to right (not yet simplified).
    pub(super) fn chain_points(
        &self,
        chain: &[usize],
        item_box: &[Rect],
        columns: &Columns,
        spacing: &Spacing,
    ) -> Vec<Point> {
        let mut points = Vec::new();
        for pair in chain.windows(2) {
            let (left, right) = (pair[0], pair[1]);
            let (a, b) = (self.items[left].line, self.items[right].line);
            let start = Point {
                x: item_box[left].right(),
                y: a,
            };
            if points.last() != Some(&start) {
                points.push(start);
            }
            if a != b {
                let gap = self.items[left].layer;
                let track = columns.tracks.of.get(&left).copied().unwrap_or(0);
                let x = columns.track_x(gap, track, spacing);
                points.push(Point { x, y: a });
                points.push(Point { x, y: b });
            }
            points.push(Point {
                x: item_box[right].x,
                y: b,
            });
        }
        points
    }
}

/// A line back, drawn from its source: it runs just below the line forward between the same
/// boxes, so the two stay apart.
pub(super) fn back_path(mut forward: Vec<Point>) -> Vec<Point> {
    for point in &mut forward {
        point.y += BACK_OFFSET;
    }
    forward.reverse();
    forward
}

/// A loop from a box back to itself, above it.
pub(super) fn self_loop(rect: &Rect, line: i32, spacing: &Spacing) -> Vec<Point> {
    let out = rect.right() + spacing.track;
    let above = rect.y - spacing.row_gap.min(spacing.lane_padding) / 2;
    let middle = rect.x + rect.width / 2;
    vec![
        Point {
            x: rect.right(),
            y: line,
        },
        Point { x: out, y: line },
        Point { x: out, y: above },
        Point {
            x: middle,
            y: above,
        },
        Point {
            x: middle,
            y: rect.y,
        },
    ]
}

/// Drops repeated points and points in the middle of a straight run.
pub(super) fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for point in points {
        if out.last() == Some(&point) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = (a.x == b.x && b.x == point.x) || (a.y == b.y && b.y == point.y);
            if straight {
                out.pop();
            }
        }
        out.push(point);
    }
    out
}

/// Where each track in a gap ends so far, for finding the first track clear of a run in
/// logarithmic time: a tree of minimums over the tracks. Looking along every track for every
/// run was quadratic when thousands of lines leave one box.
struct TrackEnds {
    /// The tree's leaves start here (a power of two, at least the number of runs).
    leaves: usize,
    /// `min[i]` is the least end under node `i`; unused tracks end at `i64::MAX`.
    min: Vec<i64>,
    /// How many tracks are in use.
    used: usize,
}

impl TrackEnds {
    fn with_room(runs: usize) -> TrackEnds {
        let leaves = runs.max(1).next_power_of_two();
        TrackEnds {
            leaves,
            min: vec![i64::MAX; 2 * leaves],
            used: 0,
        }
    }

    /// The first track in use that ends before `limit`, or a new one.
    fn first_clear(&self, limit: i64) -> usize {
        if self.min[1] >= limit {
            return self.used;
        }
        let mut node = 1;
        while node < self.leaves {
            node = if self.min[2 * node] < limit {
                2 * node
            } else {
                2 * node + 1
            };
        }
        node - self.leaves
    }

    fn set(&mut self, track: usize, end: i32) {
        self.used = self.used.max(track + 1);
        let mut node = track + self.leaves;
        self.min[node] = i64::from(end);
        while node > 1 {
            node /= 2;
            self.min[node] = self.min[2 * node].min(self.min[2 * node + 1]);
        }
    }
}
