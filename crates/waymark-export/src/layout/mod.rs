//! A layered (Sugiyama-style) layout with horizontal lanes, shared by the SVG drawing and the
//! BPMN diagram. The flow runs left to right in columns (layers); each lane is a horizontal band
//! across every column; edges run orthogonally between the columns.
//!
//! The steps, in order:
//! 1. Cycles are broken by reversing the back edges of a depth-first walk from node 0 (then from
//!    any node not yet reached, in index order).
//! 2. Each node's column is the length of the longest path to it (longest-path layering).
//! 3. An edge that spans several columns gets a dummy point in each column between, so that it
//!    passes through a column where no box is.
//! 4. Within each column, items are kept grouped by lane and ordered by barycentre sweeps (the
//!    mean position of their neighbours in the column before, then after), keeping the order
//!    with the fewest crossings.
//! 5. Boxes that nothing leaves (ends, checkpoints) may move a few columns right, where their
//!    lane is less crowded. Each lane is as tall as its fullest column (and as the least height
//!    asked for it, such as the room for its name); within a column a lane's items stack in
//!    order and slide towards the items they are joined to.
//!    Columns are as wide as their widest box; the gap after a column is wide enough for its
//!    vertical tracks and the labels of the edges that end in the next column.
//! 6. Edges leave a box from its right side at its port height, run to a vertical track in the
//!    gap, and enter the next item from its left side. Boxes in a column never share a height,
//!    so no segment crosses a box.
//!
//! [`layout_wrapped`] can also cut the columns into bands stacked top to bottom, each with
//! every lane, choosing how many bands by how well the result fits a page; a line to another
//! band runs into a connector and goes on from its twin. [`layout`] never wraps (BPMN).
//!
//! Everything is in whole units (SVG pixels, BPMN diagram units) and deterministic.
//!
//! The files, in the order the work is done: `columns.rs` (steps 1, 2 and the sliding of
//! step 5), `layered.rs` (step 3), `order.rs` (step 4), `lanes.rs` (lane heights and where in
//! its lane each box sits), `place.rs`, `route.rs` and `labels.rs` (step 6), `bands.rs` and
//! `connectors.rs` (wrapping), `problems.rs` (the checks the tests run on a finished layout).

mod bands;
mod columns;
mod connectors;
#[cfg(test)]
mod fixtures;
mod labels;
mod lanes;
mod layered;
mod order;
mod place;
mod problems;
mod route;

pub use problems::problems;

use columns::Layering;
use layered::Layered;

/// A box to place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeSize {
    pub width: i32,
    pub height: i32,
    /// Where edges attach, measured down from the top of the box (usually `height / 2`).
    pub port: i32,
    /// Index of the lane the box sits in.
    pub lane: usize,
}

/// An edge to route, between indexes of the nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeSpec {
    pub from: usize,
    pub to: usize,
    /// Room its label needs (zero when it has none), placed just before the target.
    pub label_width: i32,
    pub label_height: i32,
    /// An earlier edge (its index) into the same box whose label reads the same. Where the two
    /// lines run into the box together, past the label's whole width, the label is written
    /// once, for both: drawn twice it would only say the same thing twice.
    pub same_label: Option<usize>,
}

/// Distances, in drawing units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spacing {
    /// Room left of the first column (for lane headers).
    pub left: i32,
    /// Room above the first lane (for a title).
    pub top: i32,
    /// Room right of the last column.
    pub right: i32,
    /// Room inside a lane above its first row and below its last.
    pub lane_padding: i32,
    pub lane_min_height: i32,
    /// The height of a lane with nothing in it (in a band of a wrapped drawing).
    pub empty_lane_height: i32,
    /// Between rows of a lane.
    pub row_gap: i32,
    /// The least gap between two columns.
    pub column_gap: i32,
    /// Between two vertical tracks in a gap, and between tracks and boxes.
    pub track: i32,
    /// The height an edge passing through a column takes up.
    pub pass_height: i32,
}

/// A placed box: its top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Rect {
    pub fn right(&self) -> i32 {
        self.x + self.width
    }

    pub fn bottom(&self) -> i32 {
        self.y + self.height
    }

    /// Whether the two rectangles share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// A point of an edge's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// A lane's strip across one band of the drawing: it spans the band's whole width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Strip {
    pub y: i32,
    pub height: i32,
}

/// Where a line that leaves one band of a wrapped drawing picks up again in another, like the
/// lettered connectors of a paper flowchart. Its first piece is `Layout::edges[edge]`, which
/// ends at `leave`; the rest is `path`, from `arrive` into the edge's target.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Connector {
    /// Index of the edge it continues.
    pub edge: usize,
    /// The box of the circle the line runs into, in the band of the edge's source.
    pub leave: Rect,
    /// The box of the circle it starts again from, in the band of the edge's target.
    pub arrive: Rect,
    pub path: Vec<Point>,
}

/// The layout: boxes, lanes and edge paths, in the order they were given.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    /// The bands of the drawing, top to bottom, each with every lane's strip in lane order. A
    /// drawing that is not wrapped has one band.
    pub bands: Vec<Vec<Strip>>,
    /// Each edge's path from its source to its target, orthogonal; for an edge that continues
    /// in another band, the path to its connector.
    pub edges: Vec<Vec<Point>>,
    /// Where each edge's label goes: the bottom-left corner of its label box.
    pub labels: Vec<Option<Point>>,
    /// Edges that continue in another band, in the order of the bands they leave.
    pub connectors: Vec<Connector>,
    /// Each node's column (counted along the whole flow, before it is wrapped).
    pub columns: Vec<usize>,
    /// Each node's band.
    pub band_of: Vec<usize>,
    pub width: i32,
    pub height: i32,
}

/// Lays out the boxes in `lanes` lanes, in one band. Nodes whose lane is out of range go in
/// the last lane; edges to a node that does not exist are left out (their path is empty).
pub fn layout(nodes: &[NodeSize], edges: &[EdgeSpec], lanes: usize, spacing: &Spacing) -> Layout {
    Layering::new(nodes, edges, &vec![0; lanes], spacing).one_band(edges, spacing)
}

/// How a flow too long for its page is wrapped into bands.
pub struct Wrapping<'a> {
    /// The side of a connector's circle.
    pub connector: i32,
    /// The room between two bands.
    pub band_gap: i32,
    /// The most bands to try.
    pub most_bands: usize,
    /// How well a layout suits the page, larger being better: the SVG gives the scale at which
    /// the finished drawing fits its sheet.
    pub fit: &'a dyn Fn(&Layout) -> f64,
}

/// Lays out the boxes like [`layout`], wrapping the flow into as many bands as suit the page
/// best. Each band repeats every lane; a line to a box in another band runs into a connector
/// and picks up again from a connector in that band.
///
/// `lanes` holds, for each lane, the least height of its strip in every band (the room the
/// lane's name needs, say), on top of the spacing's least heights.
pub fn layout_wrapped(
    nodes: &[NodeSize],
    edges: &[EdgeSpec],
    lanes: &[i32],
    spacing: &Spacing,
    wrapping: &Wrapping,
) -> Layout {
    let flow = Layering::new(nodes, edges, lanes, spacing);
    let unwrapped = flow.one_band(edges, spacing);
    let mut best_fit = (wrapping.fit)(&unwrapped);
    let mut best = None;
    for count in 2..=wrapping.most_bands.min(flow.column_count()) {
        let (candidate, fit) = flow.in_count_bands(count, edges, &unwrapped, spacing, wrapping);
        // Every band more makes the reader follow more connectors, so it must buy clearly
        // larger print, not a rounding error's worth.
        if fit > best_fit * 1.02 {
            best_fit = fit;
            best = Some(candidate);
        }
    }
    best.unwrap_or(unwrapped)
}

impl Layering {
    fn one_band(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Layout {
        let mut graph = Layered::new(
            &self.nodes,
            edges,
            &self.valid,
            &self.reversed,
            &self.layer,
            spacing,
        );
        graph.order();
        graph.assign_lines(&self.lanes, spacing);
        graph.place(edges, spacing)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{SPACING, edge, node};
    use super::*;

    #[test]
    fn a_chain_runs_left_to_right_on_one_line() {
        let nodes = [node(0), node(0), node(0)];
        let edges = [edge(0, 1), edge(1, 2)];
        let layout = layout(&nodes, &edges, 1, &SPACING);
        assert_eq!(layout.columns, [0, 1, 2]);
        assert!(layout.boxes[0].right() < layout.boxes[1].x);
        assert_eq!(layout.boxes[0].y, layout.boxes[2].y);
        assert_eq!(layout.edges[0].len(), 2, "{:?}", layout.edges[0]);
        assert!(problems(&layout, &edges).is_empty());
    }

    #[test]
    fn fork_join_and_lanes_do_not_overlap() {
        // 0 -> 1 -> {2, 3, 4} -> 5 (join), 4 -> 6 -> 5, 5 -> 0 (a loop back)
        let nodes = [
            node(0),
            node(1),
            node(2),
            node(2),
            node(1),
            node(0),
            node(2),
        ];
        let edges = [
            edge(0, 1),
            edge(1, 2),
            edge(1, 3),
            edge(1, 4),
            edge(2, 5),
            edge(3, 5),
            edge(4, 6),
            edge(6, 5),
            edge(5, 0),
            edge(3, 3),
        ];
        let layout = layout(&nodes, &edges, 3, &SPACING);
        assert_eq!(problems(&layout, &edges), Vec::<String>::new());
        for (rect, node) in layout.boxes.iter().zip(&nodes) {
            let band = layout.bands[0][node.lane];
            assert!(rect.y >= band.y && rect.bottom() <= band.y + band.height);
        }
        assert!(layout.edges.iter().all(|p| p.len() >= 2));
        // The loop back is drawn from 5 to 0.
        let back = &layout.edges[8];
        assert_eq!(back.first().map(|p| p.x), Some(layout.boxes[5].x));
    }

    #[test]
    fn survives_nonsense() {
        let layout = layout(&[node(9)], &[edge(0, 5), edge(0, 0)], 0, &SPACING);
        assert_eq!(layout.boxes.len(), 1);
        assert!(layout.edges[0].is_empty());
        let empty = super::layout(&[], &[], 2, &SPACING);
        assert!(empty.boxes.is_empty());
    }
}
