//! Boxes, lines and spacing the layout's unit tests share.

use super::{EdgeSpec, Layout, NodeSize, Spacing, Wrapping};

pub(super) const SPACING: Spacing = Spacing {
    left: 10,
    top: 10,
    right: 10,
    lane_padding: 10,
    lane_min_height: 40,
    empty_lane_height: 40,
    row_gap: 12,
    column_gap: 30,
    track: 6,
    pass_height: 8,
};

/// A box of the same size in every test, in `lane`.
pub(super) fn node(lane: usize) -> NodeSize {
    NodeSize {
        width: 100,
        height: 40,
        port: 20,
        lane,
    }
}

/// A labelled line.
pub(super) fn edge(from: usize, to: usize) -> EdgeSpec {
    EdgeSpec {
        from,
        to,
        label_width: 30,
        label_height: 12,
        same_label: None,
    }
}

/// A page that favours narrow drawings, so that a long chain is wrapped into up to three bands.
pub(super) fn narrow_page() -> Wrapping<'static> {
    Wrapping {
        connector: 20,
        band_gap: 10,
        most_bands: 3,
        fit: &narrow_fit,
    }
}

fn narrow_fit(layout: &Layout) -> f64 {
    1e6 / f64::from(layout.width.max(1))
}
