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
//! 5. Each lane has rows; an item takes the row nearest its neighbours' rows in the column
//!    before. Rows and lanes are as tall as their tallest item; columns as wide as their
//!    widest box; the gap after a column is wide enough for its vertical tracks and the labels
//!    of the edges that end in the next column.
//! 6. Edges leave a box from its right side at its port height, run to a vertical track in the
//!    gap, and enter the next item from its left side. Boxes in a column never share a height,
//!    so no segment crosses a box.
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

/// A lane's band: it spans the whole width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Band {
    pub y: i32,
    pub height: i32,
}

/// The layout: boxes, lanes and edge paths, in the order they were given.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Layout {
    pub boxes: Vec<Rect>,
    pub lanes: Vec<Band>,
    /// Each edge's path from its source to its target, orthogonal.
    pub edges: Vec<Vec<Point>>,
    /// Where each edge's label goes: the bottom-left corner of its label box.
    pub labels: Vec<Option<Point>>,
    /// Each node's column.
    pub columns: Vec<usize>,
    pub width: i32,
    pub height: i32,
}

/// Lays out the boxes in `lanes` lanes. Nodes whose lane is out of range go in the last lane;
/// edges to a node that does not exist are left out (their path is empty).
pub fn layout(nodes: &[NodeSize], edges: &[EdgeSpec], lanes: usize, spacing: &Spacing) -> Layout {
    let lanes = lanes.max(1);
    let nodes: Vec<NodeSize> = nodes
        .iter()
        .map(|n| NodeSize {
            lane: n.lane.min(lanes - 1),
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
    let mut graph = Layered::new(&nodes, edges, &valid, &reversed, &layer, spacing);
    graph.order(lanes);
    graph.assign_rows(lanes);
    graph.place(lanes, edges, spacing)
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
    row: usize,
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
                row: 0,
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
                    row: 0,
                });
                chain.push(items.len() - 1);
            }
            chain.push(to);
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

    /// Barycentre sweeps within lanes, keeping the order with the fewest crossings.
    fn order(&mut self, lanes: usize) {
        let _ = lanes;
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

    /// Gives each item a row in its lane: the row nearest its neighbours' rows in the column
    /// before, keeping the column's order.
    fn assign_rows(&mut self, lanes: usize) {
        let mut rows_in_lane = vec![1usize; lanes];
        for column in &self.columns {
            let mut counts = vec![0usize; lanes];
            for item in column {
                counts[self.items[*item].lane] += 1;
            }
            for (lane, count) in counts.iter().enumerate() {
                rows_in_lane[lane] = rows_in_lane[lane].max(*count);
            }
        }
        for column in 0..self.columns.len() {
            let order = self.columns[column].clone();
            let mut start = 0;
            while start < order.len() {
                let lane = self.items[order[start]].lane;
                let end = order[start..]
                    .iter()
                    .position(|i| self.items[*i].lane != lane)
                    .map_or(order.len(), |p| start + p);
                let group = &order[start..end];
                let rows = rows_in_lane[lane];
                let mut previous: Option<usize> = None;
                for (index, &item) in group.iter().enumerate() {
                    let same_lane: Vec<usize> = self.before[item]
                        .iter()
                        .filter(|n| self.items[**n].lane == lane)
                        .map(|n| self.items[*n].row)
                        .collect();
                    let wanted = if same_lane.is_empty() {
                        index
                    } else {
                        let sum: usize = same_lane.iter().sum();
                        (sum + same_lane.len() / 2) / same_lane.len()
                    };
                    let lowest = previous.map_or(0, |p| p + 1);
                    let highest = rows - (group.len() - index);
                    let row = wanted.clamp(lowest, highest.max(lowest));
                    self.items[item].row = row;
                    previous = Some(row);
                }
                start = end;
            }
        }
    }

    /// Coordinates for every item, lane and edge.
    fn place(&self, lanes: usize, edges: &[EdgeSpec], spacing: &Spacing) -> Layout {
        // Rows: the tallest extents above and below the line edges attach at.
        let mut extents: Vec<Vec<(i32, i32)>> = vec![Vec::new(); lanes];
        for item in &self.items {
            let rows = &mut extents[item.lane];
            if rows.len() <= item.row {
                rows.resize(item.row + 1, (0, 0));
            }
            let row = &mut rows[item.row];
            row.0 = row.0.max(item.above);
            row.1 = row.1.max(item.below);
        }
        let mut bands = Vec::with_capacity(lanes);
        let mut row_line: Vec<Vec<i32>> = Vec::with_capacity(lanes);
        let mut y = spacing.top;
        for rows in &extents {
            let mut lines = Vec::with_capacity(rows.len());
            let mut inner = y + spacing.lane_padding;
            for (index, (above, below)) in rows.iter().enumerate() {
                if index > 0 {
                    inner += spacing.row_gap;
                }
                lines.push(inner + above);
                inner += above + below;
            }
            let content = inner + spacing.lane_padding - y;
            let height = content.max(spacing.lane_min_height);
            // Centre short content in a lane that has a minimum height.
            let shift = (height - content) / 2;
            for line in &mut lines {
                *line += shift;
            }
            bands.push(Band { y, height });
            row_line.push(lines);
            y += height;
        }
        let total_height = y;
        let line_of = |item: &Item| {
            row_line
                .get(item.lane)
                .and_then(|lines| lines.get(item.row))
                .copied()
                .unwrap_or(spacing.top)
        };

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
        let mut paths = Vec::with_capacity(edges.len());
        let mut labels = Vec::with_capacity(edges.len());
        let mut taken: Vec<(Point, i32)> = Vec::new();
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
            // Labels of lines that end at the same place are stacked, not drawn over each other.
            let label = label.map(|mut at| {
                while taken.iter().any(|&(other, height)| {
                    let apart = height.max(edge.label_height).max(1);
                    other.x < at.x + edge.label_width
                        && at.x < other.x + edge.label_width
                        && (other.y - at.y).abs() < apart
                }) {
                    at.y -= edge.label_height.max(1);
                }
                taken.push((at, edge.label_height));
                at
            });
            paths.push(simplified);
            labels.push(label);
        }
        Layout {
            boxes,
            lanes: bands,
            edges: paths,
            labels,
            columns: self
                .items
                .iter()
                .filter(|i| i.node.is_some())
                .map(|i| i.layer)
                .collect(),
            width: total_width,
            height: total_height,
        }
    }
}

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
            y: end.y - 3,
        });
    }
    let gap = layer - 1;
    let after_tracks = track_x(gap, tracks_in_gap[gap]);
    let x = after_tracks.min(column_x[layer] - edge.label_width - spacing.track / 2);
    Some(Point { x, y: end.y - 3 })
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

/// Problems with a layout: overlapping boxes, and edge segments that pass through a box other
/// than the two they join. Empty when the layout is sound. Used by the tests.
pub fn problems(layout: &Layout, edges: &[EdgeSpec]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, a) in layout.boxes.iter().enumerate() {
        for (j, b) in layout.boxes.iter().enumerate().skip(i + 1) {
            if a.overlaps(b) {
                found.push(format!("boxes {i} and {j} overlap: {a:?} {b:?}"));
            }
        }
    }
    for (index, (path, edge)) in layout.edges.iter().zip(edges).enumerate() {
        for pair in path.windows(2) {
            for (node, rect) in layout.boxes.iter().enumerate() {
                if node == edge.from || node == edge.to {
                    continue;
                }
                if segment_crosses(pair[0], pair[1], rect) {
                    found.push(format!(
                        "edge {index} ({} -> {}) passes through box {node}",
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
            let band = layout.lanes[node.lane];
            assert!(rect.y >= band.y && rect.bottom() <= band.y + band.height);
        }
        assert!(layout.edges.iter().all(|p| p.len() >= 2));
        // The loop back is drawn from 5 to 0.
        let back = &layout.edges[8];
        assert_eq!(back.first().map(|p| p.x), Some(layout.boxes[5].x));
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
