//! Laying a wrapped flow out band by band: each band is cut out of the flow and laid out on its
//! own, a line to another band running into a connector's circle and going on from its twin;
//! then the bands are stacked top to bottom and the connectors paired and lettered in reading
//! order.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::columns::Layering;
use super::layered::Layered;
use super::{Connector, EdgeSpec, Layout, NodeSize, Point, Rect, Spacing, Wrapping};
use std::collections::BTreeMap;

/// Where a line that leaves its band comes in again, in reading order: (band, x, y) of the
/// connector it comes in by, then the edge's index.
pub(super) type ArrivalKey = (usize, i32, i32, usize);

/// What an edge of one band's layout draws of the whole flow's edge.
pub(super) enum Piece {
    Whole(usize),
    /// From the source to the connector it leaves the band by (a node of the band).
    Leave(usize, usize),
    /// From the connector it comes into the band by to the target.
    Arrive(usize, usize),
}

/// One band cut out of the flow, ready to lay out: its boxes, a connector's circle for every
/// line to or from another band, and its lines.
struct Band {
    /// Per node of the whole flow, its index in the band (for the band's own nodes).
    local: Vec<usize>,
    sizes: Vec<NodeSize>,
    layers: Vec<usize>,
    edges: Vec<EdgeSpec>,
    reversed: Vec<bool>,
    /// Per edge of the band, what it draws of the whole flow's edge.
    pieces: Vec<Piece>,
    /// Per edge of the whole flow drawn whole in this band, its index in the band.
    in_band: BTreeMap<usize, usize>,
    /// The connectors each box's lines leave the band by, with where they arrive.
    siblings: BTreeMap<usize, Vec<(ArrivalKey, usize)>>,
}

impl Layering {
    /// The flow laid out in bands starting at the columns `starts`, stacked top to bottom.
    pub(super) fn in_bands(
        &self,
        edges: &[EdgeSpec],
        spacing: &Spacing,
        starts: &[usize],
        wrapping: &Wrapping,
    ) -> Layout {
        let band_of = self.bands_of(starts);
        let mut flat = *spacing;
        flat.top = 0;
        let side = wrapping.connector.max(1);
        // The bands are laid out last first, so that where a line comes into a later band is
        // known when the band it leaves is laid out (see `Layered::reorder`); then they are
        // stacked top to bottom.
        let mut laid_bands: Vec<(Layout, Band)> = Vec::new();
        // Per edge that comes into a band laid out already: (band, x, y) of its connector.
        let mut arrives_at: BTreeMap<usize, (usize, i32, i32)> = BTreeMap::new();
        for (band, &start) in starts.iter().enumerate().rev() {
            let cut = self.cut(edges, &band_of, (band, start), side, &arrives_at);
            let laid = cut.lay_out(&self.lanes, &flat);
            for piece in &cut.pieces {
                if let Piece::Arrive(index, connector) = *piece {
                    let rect = laid.boxes[connector];
                    arrives_at.insert(index, (band, rect.x, rect.y));
                }
            }
            laid_bands.push((laid, cut));
        }
        laid_bands.reverse();
        let mut out = self.stacked(edges.len(), &band_of, laid_bands, spacing.top, wrapping);
        // Letters are handed out in reading order: band by band, left to right.
        out.connectors
            .sort_by_key(|c| (band_of[edges[c.edge].from], c.leave.x, c.leave.y, c.edge));
        out
    }

    /// Each node's band, for bands starting at the columns `starts`.
    fn bands_of(&self, starts: &[usize]) -> Vec<usize> {
        self.layer
            .iter()
            .map(|layer| {
                starts
                    .partition_point(|start| start <= layer)
                    .saturating_sub(1)
            })
            .collect()
    }

    /// Band `band`, whose first column is `start`, cut out of the flow; `side` is the size of
    /// a connector's circle.
    fn cut(
        &self,
        edges: &[EdgeSpec],
        band_of: &[usize],
        (band, start): (usize, usize),
        side: i32,
        arrives_at: &BTreeMap<usize, (usize, i32, i32)>,
    ) -> Band {
        let count = self.nodes.len();
        // A connector into the band's first column needs a column of its own before it.
        let shift = usize::from(edges.iter().enumerate().any(|(index, edge)| {
            self.valid[index]
                && band_of[edge.from] != band_of[edge.to]
                && band_of[edge.to] == band
                && self.layer[edge.to] == start
        }));
        let mut cut = Band {
            local: vec![usize::MAX; count],
            sizes: Vec::new(),
            layers: Vec::new(),
            edges: Vec::new(),
            reversed: Vec::new(),
            pieces: Vec::new(),
            in_band: BTreeMap::new(),
            siblings: BTreeMap::new(),
        };
        for node in (0..count).filter(|n| band_of[*n] == band) {
            cut.local[node] = cut.sizes.len();
            cut.sizes.push(self.nodes[node]);
            cut.layers.push(self.layer[node] - start + shift);
        }
        let circle = |lane: usize| NodeSize {
            width: side,
            height: side,
            port: side / 2,
            lane,
        };
        for (index, edge) in edges.iter().enumerate() {
            if !self.valid[index] {
                continue;
            }
            let (from_here, to_here) = (band_of[edge.from] == band, band_of[edge.to] == band);
            if from_here && to_here {
                cut.whole(index, edge, self.reversed[index]);
            } else if from_here {
                let arrives = arrives_at.get(&index).copied();
                let arrives = arrives.unwrap_or((usize::MAX, i32::MAX, i32::MAX));
                cut.leave(index, edge, circle(self.nodes[edge.from].lane), arrives);
            } else if to_here {
                cut.arrive(index, edge, circle(self.nodes[edge.to].lane));
            }
        }
        cut
    }

    /// The bands, each laid out on its own, stacked top to bottom from `top` into one layout of
    /// the whole flow, each line to another band paired with where it goes on.
    fn stacked(
        &self,
        edge_count: usize,
        band_of: &[usize],
        laid_bands: Vec<(Layout, Band)>,
        top: i32,
        wrapping: &Wrapping,
    ) -> Layout {
        let count = self.nodes.len();
        let mut out = Layout {
            boxes: vec![Rect::default(); count],
            edges: vec![Vec::new(); edge_count],
            labels: vec![None; edge_count],
            columns: self.layer.clone(),
            band_of: band_of.to_vec(),
            ..Layout::default()
        };
        let mut leaving: BTreeMap<usize, Rect> = BTreeMap::new();
        let mut arriving: BTreeMap<usize, (Rect, Vec<Point>)> = BTreeMap::new();
        let mut y = top;
        for (band, (mut laid, cut)) in laid_bands.into_iter().enumerate() {
            laid.shift_down(y);
            for node in (0..count).filter(|n| band_of[*n] == band) {
                out.boxes[node] = laid.boxes[cut.local[node]];
            }
            for (piece, (path, label)) in cut
                .pieces
                .iter()
                .zip(laid.edges.into_iter().zip(laid.labels))
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
        out
    }
}

impl Band {
    /// A line with both ends in the band, drawn whole.
    fn whole(&mut self, index: usize, edge: &EdgeSpec, reversed: bool) {
        let (from, to) = (self.local[edge.from], self.local[edge.to]);
        self.in_band.insert(index, self.edges.len());
        let same_label = edge.same_label.and_then(|i| self.in_band.get(&i).copied());
        self.edges.push(EdgeSpec {
            from,
            to,
            same_label,
            ..*edge
        });
        self.reversed.push(reversed);
        self.pieces.push(Piece::Whole(index));
    }

    /// A line to another band: it runs into a connector's circle in the column after its
    /// source. `arrives` is where it comes into its band, if that band is laid out already.
    fn leave(
        &mut self,
        index: usize,
        edge: &EdgeSpec,
        circle: NodeSize,
        arrives: (usize, i32, i32),
    ) {
        let from = self.local[edge.from];
        let connector = self.sizes.len();
        self.sizes.push(circle);
        self.layers.push(self.layers[from] + 1);
        self.edges.push(EdgeSpec {
            from,
            to: connector,
            same_label: None,
            ..*edge
        });
        self.reversed.push(false);
        self.pieces.push(Piece::Leave(index, connector));
        let (to_band, x, y) = arrives;
        self.siblings
            .entry(from)
            .or_default()
            .push(((to_band, x, y, index), connector));
    }

    /// A line from another band: it goes on from a connector's circle in the column before its
    /// target. Its label was written where it left.
    fn arrive(&mut self, index: usize, edge: &EdgeSpec, circle: NodeSize) {
        let to = self.local[edge.to];
        let connector = self.sizes.len();
        self.sizes.push(circle);
        self.layers.push(self.layers[to] - 1);
        self.edges.push(EdgeSpec {
            from: connector,
            to,
            label_width: 0,
            label_height: 0,
            same_label: None,
        });
        self.reversed.push(false);
        self.pieces.push(Piece::Arrive(index, connector));
    }

    /// The band laid out on its own, from the top of the page.
    fn lay_out(&self, lanes: &[i32], flat: &Spacing) -> Layout {
        let valid = vec![true; self.edges.len()];
        let mut graph = Layered::new(
            &self.sizes,
            &self.edges,
            &valid,
            &self.reversed,
            &self.layers,
            flat,
        );
        graph.order();
        // Lines that leave one box for other bands are stacked in the order their twins
        // come in reading order (band by band, left to right, top to bottom), so the
        // letters, handed out down the stack, read in order where the lines go on too.
        for group in self.siblings.values().filter(|g| g.len() > 1) {
            let mut group = group.clone();
            group.sort_unstable();
            let items: Vec<usize> = group.into_iter().map(|(_, item)| item).collect();
            graph.reorder(&items);
        }
        graph.assign_lines(lanes, flat);
        graph.place(&self.edges, flat)
    }
}

impl Layout {
    /// Moves a band laid out on its own down to where it is stacked.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::fixtures::{SPACING, edge, narrow_page, node};
    use crate::layout::{layout_wrapped, problems};

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
        let wrapping = narrow_page();
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
}
