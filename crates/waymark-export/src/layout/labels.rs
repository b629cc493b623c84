//! Where a line's label goes: just above the line where it enters its box.

use super::layered::Layered;
use super::route::BACK_OFFSET;
use super::{EdgeSpec, Point, Spacing};

/// How far a label's bottom is above the line it names (see `label_point`).
pub(super) const LABEL_CLEAR: i32 = 3;

/// Where an edge's label goes: right of the tracks in the gap before the box it ends at, on
/// the line it enters that box along.
#[allow(
    clippy::too_many_arguments,
    reason = "a private helper of `place`, which owns these"
)]
pub(super) fn label_point(
    points: &[Point],
    edge: &EdgeSpec,
    reversed: bool,
    column_x: &[i32],
    layered: &Layered,
    chain: &[usize],
    track_x: &dyn Fn(usize, usize) -> i32,
    tracks_in_gap: &[usize],
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
    let layer = layered.items[target].layer;
    let end = points.last()?;
    if layer == 0 {
        return Some(Point {
            x: end.x - edge.label_width,
            y: end.y - LABEL_CLEAR,
        });
    }
    let gap = layer - 1;
    let after_tracks = track_x(gap, tracks_in_gap[gap]);
    let x = after_tracks.min(column_x[layer] - edge.label_width - spacing.track / 2);
    Some(Point {
        x,
        y: end.y - LABEL_CLEAR,
    })
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
