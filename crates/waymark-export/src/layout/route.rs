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
            let mut track_ends: Vec<i32> = Vec::new();
            for (item, (low, high)) in ordered {
                let free = track_ends.iter().position(|end| *end + spacing.track < low);
                let track = match free {
                    Some(track) => track,
                    None => {
                        track_ends.push(i32::MIN);
                        track_ends.len() - 1
                    }
                };
                track_ends[track] = high;
                of.insert(item, track);
            }
            in_gap[gap] = track_ends.len();
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
