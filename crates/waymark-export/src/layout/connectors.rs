//! Laying a wrapped flow out band by band: each band is laid out on its own, a line to another
//! band running into a connector's circle and going on from its twin; then the bands are
//! stacked top to bottom and the connectors paired and lettered in reading order.

use super::columns::Flow;
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

impl Flow {
    /// The flow laid out in bands starting at the columns `starts`, stacked top to bottom.
    pub(super) fn in_bands(
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
    pub(super) fn shift_down(&mut self, by: i32) {
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
