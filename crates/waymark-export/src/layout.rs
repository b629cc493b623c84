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

use std::collections::BTreeMap;

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
    Flow::new(nodes, edges, &vec![0; lanes], spacing).one_band(edges, spacing)
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
    let flow = Flow::new(nodes, edges, lanes, spacing);
    let unwrapped = flow.one_band(edges, spacing);
    let columns = flow.layer.iter().map(|l| l + 1).max().unwrap_or(0);
    let mut best_fit = (wrapping.fit)(&unwrapped);
    let mut best = None;
    for count in 2..=wrapping.most_bands.min(columns) {
        let mut starts = flow.band_starts(edges, &unwrapped, count);
        let mut candidate = flow.in_bands(edges, spacing, &starts, wrapping);
        let mut fit = (wrapping.fit)(&candidate);
        // The cuts were chosen from the unwrapped widths; how tall each band comes out is
        // only known once it is laid out, so nudge each cut while that helps. Small flows
        // only: each try is a whole layout.
        if nodes.len() <= NUDGE_NODES {
            for _ in 0..8 {
                let mut moved = false;
                for band in 1..count {
                    for delta in [-2isize, -1, 1, 2] {
                        let Some(start) = starts[band].checked_add_signed(delta) else {
                            continue;
                        };
                        let after = starts.get(band + 1).copied().unwrap_or(columns);
                        if start <= starts[band - 1] || start >= after {
                            continue;
                        }
                        let mut tried = starts.clone();
                        tried[band] = start;
                        let laid = flow.in_bands(edges, spacing, &tried, wrapping);
                        let tried_fit = (wrapping.fit)(&laid);
                        if tried_fit > fit {
                            (starts, candidate, fit) = (tried, laid, tried_fit);
                            moved = true;
                        }
                    }
                }
                if !moved {
                    break;
                }
            }
        }
        // Every band more makes the reader follow more connectors, so it must buy clearly
        // larger print, not a rounding error's worth.
        if fit > best_fit * 1.02 {
            best_fit = fit;
            best = Some(candidate);
        }
    }
    best.unwrap_or(unwrapped)
}

/// How many columns right a box that nothing leaves may move, and what each column costs
/// (in the units of `Flow::lane_cost`): a longer line must buy a clearly shorter lane.
const SLIDE: usize = 3;
const SLIDE_COST: f64 = 1.0;

/// Up to how many nodes the cuts between bands are tuned by laying out the bands again.
const NUDGE_NODES: usize = 200;

/// A flow with its loops broken and its columns chosen, ready to be laid out in one band or
/// several.
struct Flow {
    nodes: Vec<NodeSize>,
    valid: Vec<bool>,
    reversed: Vec<bool>,
    layer: Vec<usize>,
    /// Per lane, the least height of its strip.
    lanes: Vec<i32>,
}

/// Where a line that leaves its band comes in again, in reading order: (band, x, y) of the
/// connector it comes in by, then the edge's index.
type ArrivalKey = (usize, i32, i32, usize);

/// What an edge of one band's layout draws of the whole flow's edge.
enum Piece {
    Whole(usize),
    /// From the source to the connector it leaves the band by (a node of the band).
    Leave(usize, usize),
    /// From the connector it comes into the band by to the target.
    Arrive(usize, usize),
}

impl Flow {
    fn new(nodes: &[NodeSize], edges: &[EdgeSpec], lanes: &[i32], spacing: &Spacing) -> Flow {
        let mut lanes = lanes.to_vec();
        if lanes.is_empty() {
            lanes.push(0);
        }
        let nodes: Vec<NodeSize> = nodes
            .iter()
            .map(|n| NodeSize {
                lane: n.lane.min(lanes.len() - 1),
                width: n.width.max(1),
                height: n.height.max(1),
                port: n.port.clamp(0, n.height.max(1)),
            })
            .collect();
        let valid: Vec<bool> = edges
            .iter()
            .map(|e| e.from < nodes.len() && e.to < nodes.len())
            .collect();
        let reversed = break_cycles(nodes.len(), edges, &valid);
        let layer = assign_layers(nodes.len(), edges, &valid, &reversed);
        let mut flow = Flow {
            nodes,
            valid,
            reversed,
            layer,
            lanes,
        };
        flow.slide_sinks(edges, spacing);
        flow
    }

    /// Moves boxes that nothing leaves (ends, checkpoints) up to a few columns right, where
    /// that makes their lane's fullest columns less full. A lane is as tall as its fullest
    /// column, so six outcomes ending side by side in one column, or a checkpoint under the
    /// step that starts its clock, would otherwise make the whole lane tall.
    fn slide_sinks(&mut self, edges: &[EdgeSpec], spacing: &Spacing) {
        let count = self.nodes.len();
        let mut leaves = vec![false; count];
        let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (index, edge) in edges.iter().enumerate() {
            if let Some((from, to)) = directed(edge, self.valid[index], self.reversed[index]) {
                leaves[from] = true;
                incoming[to].push(from);
            }
        }
        let last = self.layer.iter().copied().max().unwrap_or(0);
        for sink in 0..count {
            if leaves[sink] || incoming[sink].is_empty() {
                continue;
            }
            let lane = self.nodes[sink].lane;
            let here = self.layer[sink];
            let mut best = (self.lane_cost(lane, edges, spacing), here);
            for column in here + 1..=(here + SLIDE).min(last) {
                self.layer[sink] = column;
                let cost =
                    self.lane_cost(lane, edges, spacing) + SLIDE_COST * (column - here) as f64;
                if cost < best.0 {
                    best = (cost, column);
                }
            }
            self.layer[sink] = best.1;
        }
    }

    /// How crowded a lane's columns are: the sum of the fourth powers of their heights, so
    /// that the fullest columns count most (a lane is as tall as its fullest), in units of
    /// 100 drawing units.
    fn lane_cost(&self, lane: usize, edges: &[EdgeSpec], spacing: &Spacing) -> f64 {
        let columns = self.layer.iter().map(|l| l + 1).max().unwrap_or(0);
        let mut heights = vec![0i32; columns];
        let mut items = vec![0i32; columns];
        for (node, size) in self.nodes.iter().enumerate() {
            if size.lane == lane {
                heights[self.layer[node]] += size.height;
                items[self.layer[node]] += 1;
            }
        }
        for (index, edge) in edges.iter().enumerate() {
            let Some((from, to)) = directed(edge, self.valid[index], self.reversed[index]) else {
                continue;
            };
            if self.nodes[to].lane != lane {
                continue;
            }
            for column in self.layer[from] + 1..self.layer[to] {
                heights[column] += spacing.pass_height;
                items[column] += 1;
            }
        }
        heights
            .iter()
            .zip(&items)
            .map(|(height, items)| {
                let full = height + spacing.row_gap * (items - 1).max(0);
                (f64::from(full) / 100.0).powi(4)
            })
            .sum()
    }

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

    /// The first column of each band, for `count` bands: about equally wide, cut where few
    /// lines cross from one band to the next (each crossing costs a pair of connectors).
    fn band_starts(&self, edges: &[EdgeSpec], unwrapped: &Layout, count: usize) -> Vec<usize> {
        let columns = self.layer.iter().map(|l| l + 1).max().unwrap_or(0);
        // Where each column starts along the unwrapped flow, and where the flow ends.
        let mut left = vec![i32::MAX; columns + 1];
        let mut end = 0;
        for (node, rect) in unwrapped.boxes.iter().enumerate() {
            let column = self.layer[node];
            left[column] = left[column].min(rect.x);
            end = end.max(rect.right());
        }
        left[columns] = end;
        for column in (0..columns).rev() {
            left[column] = left[column].min(left[column + 1]);
        }
        // Lines cut when a band starts at each column.
        let mut cut = vec![0i64; columns + 1];
        for (index, edge) in edges.iter().enumerate() {
            if !self.valid[index] || edge.from == edge.to {
                continue;
            }
            let (a, b) = (self.layer[edge.from], self.layer[edge.to]);
            for count in &mut cut[a.min(b) + 1..=a.max(b)] {
                *count += 1;
            }
        }
        let ideal = i64::from((end - left[0]).max(1)) / count as i64;
        let band_cost = |from: usize, to: usize| {
            let width = i64::from(left[to] - left[from]);
            width * width / ideal.max(1)
        };
        const CONNECTOR_COST: i64 = 120;
        // cost[k][c]: the cheapest way to lay columns 0..c in k bands.
        let mut cost = vec![vec![i64::MAX; columns + 1]; count + 1];
        let mut from = vec![vec![0usize; columns + 1]; count + 1];
        cost[0][0] = 0;
        for bands in 1..=count {
            for to in bands..=columns {
                for start in bands - 1..to {
                    let before = cost[bands - 1][start];
                    if before == i64::MAX {
                        continue;
                    }
                    let crossing = if start == 0 {
                        0
                    } else {
                        cut[start] * CONNECTOR_COST
                    };
                    let total = before + crossing + band_cost(start, to);
                    if total < cost[bands][to] {
                        cost[bands][to] = total;
                        from[bands][to] = start;
                    }
                }
            }
        }
        let mut starts = vec![0; count];
        let mut to = columns;
        for bands in (1..=count).rev() {
            let start = from[bands][to];
            starts[bands - 1] = start;
            to = start;
        }
        starts
    }

    /// The flow laid out in bands starting at the columns `starts`, stacked top to bottom.
    fn in_bands(
        &self,
        edges: &[EdgeSpec],
        spacing: &Spacing,
        starts: &[usize],
        wrapping: &Wrapping,
    ) -> Layout {
        let count = self.nodes.len();
        let band_of: Vec<usize> = self
            .layer
            .iter()
            .map(|layer| {
                starts
                    .partition_point(|start| start <= layer)
                    .saturating_sub(1)
            })
            .collect();
        let crosses = |index: usize, edge: &EdgeSpec| {
            self.valid[index] && band_of[edge.from] != band_of[edge.to]
        };
        let mut out = Layout {
            boxes: vec![Rect::default(); count],
            edges: vec![Vec::new(); edges.len()],
            labels: vec![None; edges.len()],
            columns: self.layer.clone(),
            band_of: band_of.clone(),
            ..Layout::default()
        };
        let mut flat = *spacing;
        flat.top = 0;
        let side = wrapping.connector.max(1);
        let circle = |lane: usize| NodeSize {
            width: side,
            height: side,
            port: side / 2,
            lane,
        };
        // The bands are laid out last first, so that where a line comes into a later band is
        // known when the band it leaves is laid out (see `Layered::reorder`); then they are
        // stacked top to bottom.
        let mut laid_bands: Vec<(Layout, Vec<Piece>, Vec<usize>)> = Vec::new();
        // Per edge that comes into a band laid out already: (band, x, y) of its connector.
        let mut arrives_at: BTreeMap<usize, (usize, i32, i32)> = BTreeMap::new();
        for (band, &start) in starts.iter().enumerate().rev() {
            // A connector into the band's first column needs a column of its own before it.
            let shift = usize::from(edges.iter().enumerate().any(|(index, edge)| {
                crosses(index, edge) && band_of[edge.to] == band && self.layer[edge.to] == start
            }));
            let mut local = vec![usize::MAX; count];
            let mut sizes = Vec::new();
            let mut layers = Vec::new();
            for node in (0..count).filter(|n| band_of[*n] == band) {
                local[node] = sizes.len();
                sizes.push(self.nodes[node]);
                layers.push(self.layer[node] - start + shift);
            }
            let mut band_edges = Vec::new();
            let mut band_reversed = Vec::new();
            let mut pieces = Vec::new();
            // Per edge of the whole flow drawn whole in this band, its index in the band.
            let mut in_band: BTreeMap<usize, usize> = BTreeMap::new();
            // The connectors each box's lines leave the band by, with where they arrive.
            let mut siblings: BTreeMap<usize, Vec<(ArrivalKey, usize)>> = BTreeMap::new();
            for (index, edge) in edges.iter().enumerate() {
                if !self.valid[index] {
                    continue;
                }
                let (from, to) = (local[edge.from], local[edge.to]);
                if band_of[edge.from] == band && band_of[edge.to] == band {
                    in_band.insert(index, band_edges.len());
                    band_edges.push(EdgeSpec {
                        from,
                        to,
                        same_label: edge.same_label.and_then(|i| in_band.get(&i).copied()),
                        ..*edge
                    });
                    band_reversed.push(self.reversed[index]);
                    pieces.push(Piece::Whole(index));
                } else if band_of[edge.from] == band {
                    let connector = sizes.len();
                    sizes.push(circle(self.nodes[edge.from].lane));
                    layers.push(layers[from] + 1);
                    band_edges.push(EdgeSpec {
                        from,
                        to: connector,
                        same_label: None,
                        ..*edge
                    });
                    band_reversed.push(false);
                    pieces.push(Piece::Leave(index, connector));
                    let (to_band, x, y) =
                        arrives_at
                            .get(&index)
                            .copied()
                            .unwrap_or((usize::MAX, i32::MAX, i32::MAX));
                    siblings
                        .entry(from)
                        .or_default()
                        .push(((to_band, x, y, index), connector));
                } else if band_of[edge.to] == band {
                    let connector = sizes.len();
                    sizes.push(circle(self.nodes[edge.to].lane));
                    layers.push(layers[to] - 1);
                    band_edges.push(EdgeSpec {
                        from: connector,
                        to,
                        label_width: 0,
                        label_height: 0,
                        same_label: None,
                    });
                    band_reversed.push(false);
                    pieces.push(Piece::Arrive(index, connector));
                }
            }
            let valid = vec![true; band_edges.len()];
            let mut graph =
                Layered::new(&sizes, &band_edges, &valid, &band_reversed, &layers, &flat);
            graph.order();
            // Lines that leave one box for other bands are stacked in the order their twins
            // come in reading order (band by band, left to right, top to bottom), so the
            // letters, handed out down the stack, read in order where the lines go on too.
            for mut group in siblings.into_values().filter(|g| g.len() > 1) {
                group.sort_unstable();
                let items: Vec<usize> = group.into_iter().map(|(_, item)| item).collect();
                graph.reorder(&items);
            }
            graph.assign_lines(&self.lanes, &flat);
            let laid = graph.place(&band_edges, &flat);
            for piece in &pieces {
                if let Piece::Arrive(index, connector) = *piece {
                    let rect = laid.boxes[connector];
                    arrives_at.insert(index, (band, rect.x, rect.y));
                }
            }
            laid_bands.push((laid, pieces, local));
        }
        laid_bands.reverse();
        let mut leaving: BTreeMap<usize, Rect> = BTreeMap::new();
        let mut arriving: BTreeMap<usize, (Rect, Vec<Point>)> = BTreeMap::new();
        let mut y = spacing.top;
        for (band, (mut laid, pieces, local)) in laid_bands.into_iter().enumerate() {
            laid.shift_down(y);
            for node in (0..count).filter(|n| band_of[*n] == band) {
                out.boxes[node] = laid.boxes[local[node]];
            }
            for (piece, (path, label)) in pieces.iter().zip(laid.edges.into_iter().zip(laid.labels))
            {
                match *piece {
                    Piece::Whole(index) => {
                        out.edges[index] = path;
                        out.labels[index] = label;
                    }
                    Piece::Leave(index, connector) => {
                        out.edges[index] = path;
                        out.labels[index] = label;
                        leaving.insert(index, laid.boxes[connector]);
                    }
                    Piece::Arrive(index, connector) => {
                        arriving.insert(index, (laid.boxes[connector], path));
                    }
                }
            }
            out.bands.extend(laid.bands);
            out.width = out.width.max(laid.width);
            // `laid.height` is where the band ends, now that it is moved down.
            out.height = laid.height;
            y = laid.height + wrapping.band_gap;
        }
        for (edge, leave) in leaving {
            if let Some((arrive, path)) = arriving.remove(&edge) {
                out.connectors.push(Connector {
                    edge,
                    leave,
                    arrive,
                    path,
                });
            }
        }
        // Letters are handed out in reading order: band by band, left to right.
        out.connectors
            .sort_by_key(|c| (band_of[edges[c.edge].from], c.leave.x, c.leave.y, c.edge));
        out
    }
}

impl Layout {
    fn shift_down(&mut self, by: i32) {
        for rect in &mut self.boxes {
            rect.y += by;
        }
        for strip in self.bands.iter_mut().flatten() {
            strip.y += by;
        }
        for point in self.edges.iter_mut().flatten() {
            point.y += by;
        }
        for point in self.labels.iter_mut().flatten() {
            point.y += by;
        }
        self.height += by;
    }
}

/// Which edges to reverse so that the rest form no cycle: the back edges of a depth-first walk.
fn break_cycles(count: usize, edges: &[EdgeSpec], valid: &[bool]) -> Vec<bool> {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, edge) in edges.iter().enumerate() {
        if valid[index] && edge.from != edge.to {
            outgoing[edge.from].push(index);
        }
    }
    let mut reversed = vec![false; edges.len()];
    // 0 = not seen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; count];
    for root in 0..count {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&edge) = outgoing[node].get(*next) {
                *next += 1;
                let to = edges[edge].to;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => reversed[edge] = true,
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

/// The (from, to) of an edge once back edges are turned round; `None` for self-loops and
/// edges to nodes that do not exist.
fn directed(edge: &EdgeSpec, valid: bool, reversed: bool) -> Option<(usize, usize)> {
    if !valid || edge.from == edge.to {
        None
    } else if reversed {
        Some((edge.to, edge.from))
    } else {
        Some((edge.from, edge.to))
    }
}

/// Longest-path layering over the acyclic edges.
fn assign_layers(
    count: usize,
    edges: &[EdgeSpec],
    valid: &[bool],
    reversed: &[bool],
) -> Vec<usize> {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut incoming = vec![0usize; count];
    for (index, edge) in edges.iter().enumerate() {
        if let Some((from, to)) = directed(edge, valid[index], reversed[index]) {
            outgoing[from].push(to);
            incoming[to] += 1;
        }
    }
    let mut layer = vec![0usize; count];
    let mut ready: Vec<usize> = (0..count).rev().filter(|n| incoming[*n] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &outgoing[node] {
            layer[to] = layer[to].max(layer[node] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    layer
}

/// An item in a column: a box, or a point an edge passes through.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// The node, for a box.
    node: Option<usize>,
    lane: usize,
    width: i32,
    above: i32,
    below: i32,
    layer: usize,
    /// The height edges attach at.
    line: i32,
    /// The height of the tallest label written just above the line into it.
    label: i32,
}

/// The graph with dummy items, one list of items per column.
struct Layered {
    items: Vec<Item>,
    /// Per column, the items in order.
    columns: Vec<Vec<usize>>,
    /// Edges between items in adjacent columns (left item, right item).
    links: Vec<(usize, usize)>,
    /// Per original edge: its chain of items from the left column to the right one.
    chains: Vec<Vec<usize>>,
    /// Per item, its position in its column.
    position: Vec<usize>,
    /// Per item, the items linked to it in the column before and after.
    before: Vec<Vec<usize>>,
    after: Vec<Vec<usize>>,
    reversed: Vec<bool>,
    /// Each lane's strip, once lines are assigned.
    strips: Vec<Strip>,
}

impl Layered {
    fn new(
        nodes: &[NodeSize],
        edges: &[EdgeSpec],
        valid: &[bool],
        reversed: &[bool],
        layer: &[usize],
        spacing: &Spacing,
    ) -> Layered {
        let mut items: Vec<Item> = nodes
            .iter()
            .zip(layer)
            .enumerate()
            .map(|(index, (node, layer))| Item {
                node: Some(index),
                lane: node.lane,
                width: node.width,
                above: node.port,
                below: node.height - node.port,
                layer: *layer,
                line: 0,
                label: 0,
            })
            .collect();
        let mut links = Vec::new();
        let mut chains = Vec::with_capacity(edges.len());
        let half = spacing.pass_height / 2;
        for (index, edge) in edges.iter().enumerate() {
            let Some((from, to)) = directed(edge, valid[index], reversed[index]) else {
                chains.push(Vec::new());
                continue;
            };
            let mut chain = vec![from];
            // Passing points sit in the lane of the box the edge leads to.
            let lane = nodes[to].lane;
            for passing in layer[from] + 1..layer[to] {
                items.push(Item {
                    node: None,
                    lane,
                    width: 0,
                    above: half,
                    below: spacing.pass_height - half,
                    layer: passing,
                    line: 0,
                    label: 0,
                });
                chain.push(items.len() - 1);
            }
            chain.push(to);
            // The label goes above the line where it enters its box (a line back is labelled
            // below, where it starts).
            if edge.label_width > 0 && !reversed[index] {
                items[to].label = items[to].label.max(edge.label_height);
            }
            for pair in chain.windows(2) {
                links.push((pair[0], pair[1]));
            }
            chains.push(chain);
        }
        let column_count = items.iter().map(|i| i.layer + 1).max().unwrap_or(0);
        let mut columns: Vec<Vec<usize>> = vec![Vec::new(); column_count];
        for (index, item) in items.iter().enumerate() {
            columns[item.layer].push(index);
        }
        let mut before = vec![Vec::new(); items.len()];
        let mut after = vec![Vec::new(); items.len()];
        for &(left, right) in &links {
            after[left].push(right);
            before[right].push(left);
        }
        let mut layered = Layered {
            position: vec![0; items.len()],
            items,
            columns,
            links,
            chains,
            before,
            after,
            reversed: reversed.to_vec(),
            strips: Vec::new(),
        };
        layered.initial_order();
        layered
    }

    /// A first order: depth-first from the first node, so a path's items line up.
    fn initial_order(&mut self) {
        let mut rank = vec![usize::MAX; self.items.len()];
        let mut next = 0;
        for root in 0..self.items.len() {
            if rank[root] != usize::MAX || !self.before[root].is_empty() && root != 0 {
                continue;
            }
            let mut stack = vec![root];
            while let Some(item) = stack.pop() {
                if rank[item] != usize::MAX {
                    continue;
                }
                rank[item] = next;
                next += 1;
                for &to in self.after[item].iter().rev() {
                    if rank[to] == usize::MAX {
                        stack.push(to);
                    }
                }
            }
        }
        for (item, value) in rank.iter_mut().enumerate() {
            if *value == usize::MAX {
                *value = next + item;
            }
        }
        let items = &self.items;
        for column in &mut self.columns {
            column.sort_by_key(|i| (items[*i].lane, rank[*i]));
        }
        self.update_positions();
    }

    fn update_positions(&mut self) {
        for column in &self.columns {
            for (position, item) in column.iter().enumerate() {
                self.position[*item] = position;
            }
        }
    }

    /// Puts `items`, all of one column, into the places they hold there, in the order given.
    /// Used for items joined only to one and the same item in the column before (the
    /// connectors a box's lines leave the band by): among themselves their order crosses no
    /// line.
    fn reorder(&mut self, items: &[usize]) {
        let Some(column) = items.first().map(|i| self.items[*i].layer) else {
            return;
        };
        let mut places: Vec<usize> = items.iter().map(|i| self.position[*i]).collect();
        places.sort_unstable();
        for (place, &item) in places.into_iter().zip(items) {
            self.columns[column][place] = item;
        }
        self.update_positions();
    }

    /// Barycentre sweeps within lanes, keeping the order with the fewest crossings.
    fn order(&mut self) {
        let mut best = self.columns.clone();
        let mut best_crossings = self.crossings();
        for round in 0..8 {
            let forward = round % 2 == 0;
            let count = self.columns.len();
            for step in 1..count {
                let column = if forward { step } else { count - 1 - step };
                self.sort_column(column, forward);
            }
            let crossings = self.crossings();
            if crossings < best_crossings {
                best_crossings = crossings;
                best = self.columns.clone();
            }
            if best_crossings == 0 {
                break;
            }
        }
        self.columns = best;
        self.update_positions();
    }

    /// Orders one column by the mean position of each item's neighbours in the column before
    /// (`forward`) or after, keeping lanes together.
    fn sort_column(&mut self, column: usize, forward: bool) {
        let mut keyed: Vec<(usize, f64, usize)> = self.columns[column]
            .iter()
            .map(|&item| {
                let neighbours = if forward {
                    &self.before[item]
                } else {
                    &self.after[item]
                };
                let centre = if neighbours.is_empty() {
                    self.position[item] as f64
                } else {
                    neighbours
                        .iter()
                        .map(|n| self.position[*n] as f64)
                        .sum::<f64>()
                        / neighbours.len() as f64
                };
                (self.items[item].lane, centre, item)
            })
            .collect();
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(self.position[a.2].cmp(&self.position[b.2]))
        });
        self.columns[column] = keyed.into_iter().map(|(_, _, item)| item).collect();
        for (position, item) in self.columns[column].iter().enumerate() {
            self.position[*item] = position;
        }
    }

    /// Edge crossings between adjacent columns, counted as inversions.
    fn crossings(&mut self) -> u64 {
        self.update_positions();
        let mut by_column: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for &(left, right) in &self.links {
            by_column
                .entry(self.items[left].layer)
                .or_default()
                .push((self.position[left], self.position[right]));
        }
        let mut total = 0;
        for pairs in by_column.values_mut() {
            pairs.sort_unstable();
            let mut rights: Vec<usize> = pairs.iter().map(|p| p.1).collect();
            total += inversions(&mut rights);
        }
        total
    }

    /// Gives each lane its strip and each item the height of its line (where edges attach).
    ///
    /// A lane is as tall as its fullest column, not as the sum of rows shared by every
    /// column: a tall box in one column does not push down the boxes of every other. Within a
    /// column the items of a lane keep their order and stack without overlapping, so no two
    /// boxes of a column share a height and no line crosses a box. Sweeps to the right, then
    /// to the left, slide each item towards the items it is joined to in its lane, so that
    /// lines run straight where there is room.
    fn assign_lines(&mut self, least_heights: &[i32], spacing: &Spacing) {
        let lanes = least_heights.len();
        // Per lane and column, the items of the lane in column order.
        let mut stacks: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); self.columns.len()]; lanes];
        for (column, items) in self.columns.iter().enumerate() {
            for &item in items {
                stacks[self.items[item].lane][column].push(item);
            }
        }
        // A label sits just above the line into its box, in the gap before the box's column,
        // so the line into the item above must clear it (and the first of a lane's items
        // leaves room for it under the lane's top).
        let gap_between = |a: &Item, b: &Item| {
            let gap = if a.node.is_some() && b.node.is_some() {
                spacing.row_gap
            } else {
                spacing.track
            };
            gap.max(b.label + LABEL_CLEAR + 1 - a.below - b.above)
        };
        let lead =
            |item: &Item| (item.label + LABEL_CLEAR - item.above - spacing.lane_padding).max(0);
        let stack_height = |stack: &[usize]| -> i32 {
            let items = &self.items;
            let boxes: i32 = stack
                .iter()
                .map(|i| items[*i].above + items[*i].below)
                .sum();
            let gaps: i32 = stack
                .windows(2)
                .map(|pair| gap_between(&items[pair[0]], &items[pair[1]]))
                .sum();
            let first = stack.first().map_or(0, |i| lead(&items[*i]));
            boxes + gaps + first
        };
        let mut strips = Vec::with_capacity(lanes);
        // The room each lane's items may use: (top, bottom).
        let mut room = Vec::with_capacity(lanes);
        let mut y = spacing.top;
        for (columns, lane_least) in stacks.iter().zip(least_heights) {
            let content = columns.iter().map(|s| stack_height(s)).max().unwrap_or(0);
            let empty = columns.iter().all(Vec::is_empty);
            let least = if empty {
                spacing.empty_lane_height
            } else {
                spacing.lane_min_height
            }
            .max(*lane_least);
            let height = (content + 2 * spacing.lane_padding).max(least);
            // Short content sits in the middle of a lane that has a least height.
            let top = y + (height - content) / 2;
            strips.push(Strip { y, height });
            room.push((top, top + content));
            y += height;
        }
        // Start with every stack at the top of its lane.
        for (lane, columns) in stacks.iter().enumerate() {
            for stack in columns {
                let mut top = room[lane].0 + stack.first().map_or(0, |i| lead(&self.items[*i]));
                for (index, &item) in stack.iter().enumerate() {
                    if index > 0 {
                        top += gap_between(&self.items[stack[index - 1]], &self.items[item]);
                    }
                    self.items[item].line = top + self.items[item].above;
                    top += self.items[item].above + self.items[item].below;
                }
            }
        }
        for sweep in 0..4 {
            let rightwards = sweep % 2 == 0;
            let count = self.columns.len();
            for step in 0..count {
                let column = if rightwards { step } else { count - 1 - step };
                for (lane, columns) in stacks.iter().enumerate() {
                    let stack = &columns[column];
                    if stack.is_empty() {
                        continue;
                    }
                    let wanted: Vec<i32> = stack
                        .iter()
                        .map(|&item| {
                            let neighbours = if rightwards {
                                &self.before[item]
                            } else {
                                &self.after[item]
                            };
                            let lines: Vec<i32> = neighbours
                                .iter()
                                .filter(|n| self.items[**n].lane == lane)
                                .map(|n| self.items[*n].line)
                                .collect();
                            if lines.is_empty() {
                                self.items[item].line
                            } else {
                                let sum: i64 = lines.iter().map(|l| i64::from(*l)).sum();
                                (sum / lines.len() as i64) as i32
                            }
                        })
                        .collect();
                    self.settle(stack, &wanted, room[lane], &gap_between, &lead);
                }
            }
        }
        self.strips = strips;
    }

    /// Puts a column's stack of items as near their wanted lines as their order, the gaps
    /// between them and the lane's room allow.
    fn settle(
        &mut self,
        stack: &[usize],
        wanted: &[i32],
        (top, bottom): (i32, i32),
        gap_between: &dyn Fn(&Item, &Item) -> i32,
        lead: &dyn Fn(&Item) -> i32,
    ) {
        let mut tops: Vec<i32> = Vec::with_capacity(stack.len());
        for (index, &item) in stack.iter().enumerate() {
            let item_ref = &self.items[item];
            let lowest = match index {
                0 => top + lead(item_ref),
                _ => {
                    let previous = &self.items[stack[index - 1]];
                    tops[index - 1]
                        + previous.above
                        + previous.below
                        + gap_between(previous, item_ref)
                }
            };
            tops.push((wanted[index] - item_ref.above).max(lowest));
        }
        let mut limit = bottom;
        for index in (0..stack.len()).rev() {
            let item = &self.items[stack[index]];
            let height = item.above + item.below;
            tops[index] = tops[index].min(limit - height);
            if index > 0 {
                limit = tops[index] - gap_between(&self.items[stack[index - 1]], item);
            }
        }
        for (index, &item) in stack.iter().enumerate() {
            self.items[item].line = tops[index] + self.items[item].above;
        }
    }

    /// Coordinates for every item, lane and edge.
    fn place(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Layout {
        let bands = self.strips.clone();
        let total_height = bands.last().map_or(spacing.top, |s| s.y + s.height);
        let line_of = |item: &Item| item.line;

        // Vertical segments in each gap, grouped by the item they leave from.
        let column_count = self.columns.len();
        let mut segments: Vec<BTreeMap<usize, (i32, i32)>> = vec![BTreeMap::new(); column_count];
        for &(left, right) in &self.links {
            let (a, b) = (line_of(&self.items[left]), line_of(&self.items[right]));
            if a != b {
                let span = segments[self.items[left].layer]
                    .entry(left)
                    .or_insert((a, a));
                span.0 = span.0.min(b);
                span.1 = span.1.max(b);
            }
        }
        let mut track_of: BTreeMap<usize, usize> = BTreeMap::new();
        let mut tracks_in_gap = vec![0usize; column_count];
        for (gap, groups) in segments.iter().enumerate() {
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
                track_of.insert(item, track);
            }
            tracks_in_gap[gap] = track_ends.len();
        }

        // Labels sit in the gap before the box their edge ends at.
        let mut label_room = vec![0i32; column_count];
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

        let mut column_x = Vec::with_capacity(column_count);
        let mut column_width = Vec::with_capacity(column_count);
        let mut x = spacing.left;
        for (index, column) in self.columns.iter().enumerate() {
            let width = column
                .iter()
                .map(|i| self.items[*i].width)
                .max()
                .unwrap_or(0);
            column_x.push(x);
            column_width.push(width);
            let tracks = tracks_in_gap[index] as i32;
            let gap = (spacing.track * (tracks + 1) + label_room[index]).max(spacing.column_gap);
            x += width;
            if index + 1 < column_count {
                x += gap;
            }
        }
        let total_width = x + spacing.right;

        let mut boxes =
            vec![Rect::default(); self.items.iter().filter(|i| i.node.is_some()).count()];
        let mut item_box: Vec<Rect> = Vec::with_capacity(self.items.len());
        for item in &self.items {
            let line = line_of(item);
            let left = column_x.get(item.layer).copied().unwrap_or(0);
            let width = column_width.get(item.layer).copied().unwrap_or(0);
            let rect = Rect {
                x: left + (width - item.width) / 2,
                y: line - item.above,
                width: item.width,
                height: item.above + item.below,
            };
            if let Some(node) = item.node {
                boxes[node] = rect;
            }
            item_box.push(rect);
        }

        let track_x = |gap: usize, track: usize| {
            column_x[gap] + column_width[gap] + spacing.track * (track as i32 + 1)
        };
        let mut paths: Vec<Vec<Point>> = Vec::with_capacity(edges.len());
        let mut labels = Vec::with_capacity(edges.len());
        let mut taken: Vec<(Point, i32)> = Vec::new();
        // Per edge, where its label would go before it is stacked clear of others.
        let mut natural: Vec<Option<Point>> = Vec::with_capacity(edges.len());
        for (index, edge) in edges.iter().enumerate() {
            let chain = &self.chains[index];
            if chain.is_empty() {
                let is_loop = edge.from == edge.to && edge.from < boxes.len();
                paths.push(if is_loop {
                    self_loop(&boxes[edge.from], line_of(&self.items[edge.from]), spacing)
                } else {
                    Vec::new()
                });
                labels.push(None);
                natural.push(None);
                continue;
            }
            let mut points = Vec::new();
            for pair in chain.windows(2) {
                let (left, right) = (pair[0], pair[1]);
                let (a, b) = (line_of(&self.items[left]), line_of(&self.items[right]));
                let start = Point {
                    x: item_box[left].right(),
                    y: a,
                };
                if points.last() != Some(&start) {
                    points.push(start);
                }
                if a != b {
                    let gap = self.items[left].layer;
                    let track = track_of.get(&left).copied().unwrap_or(0);
                    let x = track_x(gap, track);
                    points.push(Point { x, y: a });
                    points.push(Point { x, y: b });
                }
                points.push(Point {
                    x: item_box[right].x,
                    y: b,
                });
            }
            let simplified = simplify(points);
            let label = label_point(
                &simplified,
                edge,
                self.reversed[index],
                &column_x,
                self,
                chain,
                &track_x,
                &tracks_in_gap,
                spacing,
            );
            let mut simplified = simplified;
            if self.reversed[index] {
                // A line back runs just below the line forward between the same boxes, so
                // the two stay apart.
                for point in &mut simplified {
                    point.y += BACK_OFFSET;
                }
                simplified.reverse();
            }
            // The same words on two lines that run into their box together are written once,
            // where the lines are one: the label of the earlier line already names this one.
            let said = edge.same_label.is_some_and(|other| {
                let (Some(at), Some(Some(there))) = (label, natural.get(other)) else {
                    return false;
                };
                let shared = |path: &[Point]| {
                    runs_along(path, at.y + LABEL_CLEAR, at.x, at.x + edge.label_width)
                };
                !self.reversed[index]
                    && !self.reversed[other]
                    && at == *there
                    && edges[other].label_width == edge.label_width
                    && shared(&simplified)
                    && shared(&paths[other])
            });
            natural.push(label);
            let label = label.filter(|_| !said);
            // Labels of lines that end at the same place are stacked, not drawn over each other.
            let label = label.map(|mut at| {
                // Each label spans its height up from its bottom-left corner.
                while taken.iter().any(|&(other, height)| {
                    other.x < at.x + edge.label_width
                        && at.x < other.x + edge.label_width
                        && other.y - height.max(1) < at.y
                        && at.y - edge.label_height.max(1) < other.y
                }) {
                    at.y -= edge.label_height.max(1);
                }
                taken.push((at, edge.label_height));
                at
            });
            paths.push(simplified);
            labels.push(label);
        }
        let node_count = boxes.len();
        Layout {
            boxes,
            bands: vec![bands],
            edges: paths,
            labels,
            connectors: Vec::new(),
            columns: self
                .items
                .iter()
                .filter(|i| i.node.is_some())
                .map(|i| i.layer)
                .collect(),
            band_of: vec![0; node_count],
            width: total_width,
            height: total_height,
        }
    }
}

/// How far a label's bottom is above the line it names (see `label_point`).
const LABEL_CLEAR: i32 = 3;

/// How far below the line forward a line back runs.
const BACK_OFFSET: i32 = 8;

/// Where an edge's label goes: right of the tracks in the gap before the box it ends at, on
/// the line it enters that box along.
#[allow(
    clippy::too_many_arguments,
    reason = "a private helper of `place`, which owns these"
)]
fn label_point(
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
fn runs_along(path: &[Point], y: i32, from: i32, to: i32) -> bool {
    path.windows(2).any(|pair| {
        let (a, b) = (pair[0], pair[1]);
        a.y == y && b.y == y && a.x.min(b.x) <= from && to <= a.x.max(b.x)
    })
}

/// A loop from a box back to itself, above it.
fn self_loop(rect: &Rect, line: i32, spacing: &Spacing) -> Vec<Point> {
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
fn simplify(points: Vec<Point>) -> Vec<Point> {
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

/// Inversions in a sequence (merge sort), the crossings between two columns.
fn inversions(values: &mut [usize]) -> u64 {
    if values.len() < 2 {
        return 0;
    }
    let middle = values.len() / 2;
    let mut count = {
        let (left, right) = values.split_at_mut(middle);
        inversions(left) + inversions(right)
    };
    let mut merged = Vec::with_capacity(values.len());
    let (mut i, mut j) = (0, middle);
    while i < middle && j < values.len() {
        if values[i] <= values[j] {
            merged.push(values[i]);
            i += 1;
        } else {
            merged.push(values[j]);
            count += (middle - i) as u64;
            j += 1;
        }
    }
    merged.extend_from_slice(&values[i..middle]);
    merged.extend_from_slice(&values[j..]);
    values.copy_from_slice(&merged);
    count
}

/// Problems with a layout: overlapping boxes (connectors' circles count as boxes), and line
/// segments that pass through a box other than the two they join. Empty when the layout is
/// sound. Used by the tests.
pub fn problems(layout: &Layout, edges: &[EdgeSpec]) -> Vec<String> {
    let mut found = Vec::new();
    let mut named: Vec<(String, Rect)> = layout
        .boxes
        .iter()
        .enumerate()
        .map(|(node, rect)| (format!("box {node}"), *rect))
        .collect();
    for connector in &layout.connectors {
        let edge = connector.edge;
        named.push((
            format!("the connector edge {edge} leaves by"),
            connector.leave,
        ));
        named.push((
            format!("the connector edge {edge} arrives by"),
            connector.arrive,
        ));
    }
    for (i, (a_name, a)) in named.iter().enumerate() {
        for (b_name, b) in named.iter().skip(i + 1) {
            if a.overlaps(b) {
                found.push(format!("{a_name} and {b_name} overlap: {a:?} {b:?}"));
            }
        }
    }
    let mut pieces: Vec<(usize, &[Point], Rect, Rect)> = Vec::new();
    for (index, (path, edge)) in layout.edges.iter().zip(edges).enumerate() {
        let (Some(from), Some(to)) = (layout.boxes.get(edge.from), layout.boxes.get(edge.to))
        else {
            continue;
        };
        match layout.connectors.iter().find(|c| c.edge == index) {
            Some(connector) => {
                pieces.push((index, path, *from, connector.leave));
                pieces.push((index, &connector.path, connector.arrive, *to));
            }
            None => pieces.push((index, path, *from, *to)),
        }
    }
    for (index, path, from, to) in pieces {
        for pair in path.windows(2) {
            for (name, rect) in &named {
                if *rect == from || *rect == to {
                    continue;
                }
                if segment_crosses(pair[0], pair[1], rect) {
                    let edge = &edges[index];
                    found.push(format!(
                        "edge {index} ({} -> {}) passes through {name}",
                        edge.from, edge.to
                    ));
                }
            }
        }
    }
    found
}

/// Whether an axis-parallel segment passes through the inside of a rectangle.
fn segment_crosses(a: Point, b: Point, rect: &Rect) -> bool {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    x0 < rect.right() && rect.x < x1.max(x0 + 1) && y0 < rect.bottom() && rect.y < y1.max(y0 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPACING: Spacing = Spacing {
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

    fn node(lane: usize) -> NodeSize {
        NodeSize {
            width: 100,
            height: 40,
            port: 20,
            lane,
        }
    }

    fn edge(from: usize, to: usize) -> EdgeSpec {
        EdgeSpec {
            from,
            to,
            label_width: 30,
            label_height: 12,
            same_label: None,
        }
    }

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
    fn wrapped_lines_from_one_box_leave_in_the_order_they_arrive() {
        // A long chain in lane 0 whose last decision fans out to boxes in every lane, some
        // of them one column further on, so the flow is wrapped and the fan crosses bands.
        let mut nodes: Vec<NodeSize> = (0..8).map(|_| node(0)).collect();
        let mut edges: Vec<EdgeSpec> = (0..7).map(|i| edge(i, i + 1)).collect();
        for (lane, then) in [(2, false), (0, true), (1, false), (2, true), (0, false)] {
            let target = nodes.len();
            nodes.push(node(lane));
            edges.push(edge(4, target));
            if then {
                nodes.push(node(lane));
                edges.push(edge(target, target + 1));
            }
        }
        let fit = |layout: &Layout| 1e6 / f64::from(layout.width.max(1));
        let wrapping = Wrapping {
            connector: 20,
            band_gap: 10,
            most_bands: 3,
            fit: &fit,
        };
        let layout = layout_wrapped(&nodes, &edges, &[0; 3], &SPACING, &wrapping);
        assert!(layout.bands.len() > 1, "{:?}", layout.bands);
        assert_eq!(problems(&layout, &edges), Vec::<String>::new());
        let crossing = edges
            .iter()
            .filter(|e| layout.band_of[e.from] != layout.band_of[e.to])
            .count();
        assert_eq!(
            layout.connectors.len(),
            crossing,
            "every line cut has both circles"
        );
        let from = |c: &Connector| edges[c.edge].from;
        for a in &layout.connectors {
            for b in &layout.connectors {
                if from(a) == from(b) && a.leave.y < b.leave.y {
                    let (ta, tb) = (edges[a.edge].to, edges[b.edge].to);
                    let arrive =
                        |c: &Connector, to: usize| (layout.band_of[to], c.arrive.x, c.arrive.y);
                    assert!(arrive(a, ta) < arrive(b, tb), "{a:?} {b:?}");
                }
            }
        }
        // Letters go in reading order of where lines leave: band by band, left to right.
        let keys: Vec<_> = layout
            .connectors
            .iter()
            .map(|c| (layout.band_of[from(c)], c.leave.x, c.leave.y))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    }

    #[test]
    fn every_lane_is_at_least_as_tall_as_it_asks_in_every_band() {
        // Lane 1 is empty in some band; it still gets the height its name needs.
        let nodes: Vec<NodeSize> = (0..8).map(|i| node(usize::from(i == 6))).collect();
        let edges: Vec<EdgeSpec> = (0..7).map(|i| edge(i, i + 1)).collect();
        let fit = |layout: &Layout| 1e6 / f64::from(layout.width.max(1));
        let wrapping = Wrapping {
            connector: 20,
            band_gap: 10,
            most_bands: 3,
            fit: &fit,
        };
        let least = [0, 90, 0];
        let layout = layout_wrapped(&nodes, &edges, &least, &SPACING, &wrapping);
        assert!(layout.bands.len() > 1, "{:?}", layout.bands);
        for band in &layout.bands {
            assert_eq!(band.len(), 3);
            assert!(band[1].height >= 90, "{band:?}");
            assert_eq!(band[2].height, SPACING.empty_lane_height, "{band:?}");
        }
        assert_eq!(problems(&layout, &edges), Vec::<String>::new());
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

    #[test]
    fn counts_crossings_as_inversions() {
        assert_eq!(inversions(&mut [0, 1, 2]), 0);
        assert_eq!(inversions(&mut [2, 1, 0]), 3);
        assert_eq!(inversions(&mut [1, 0, 2, 0]), 3);
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
