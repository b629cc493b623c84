//! The shapes of lines: right-angled runs between columns, and a loop from a box to itself.

use super::{Point, Rect, Spacing};

/// How far below the line forward a line back runs.
pub(super) const BACK_OFFSET: i32 = 8;

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
