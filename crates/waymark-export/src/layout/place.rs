//! Step 6 of the layout, for one band: where each column goes across, and coordinates for every
//! box, lane strip, line and label. How a line runs is in `route.rs`, where its label goes in
//! `labels.rs`.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::labels::Labels;
use super::layered::Layered;
use super::route::{Tracks, back_path, self_loop, simplify};
use super::{EdgeSpec, Layout, Point, Rect, Spacing};

/// Where each column sits across the band, and the vertical tracks in the gap after it.
pub(super) struct Columns {
    pub(super) x: Vec<i32>,
    pub(super) width: Vec<i32>,
    pub(super) tracks: Tracks,
    /// Where the last column ends.
    end: i32,
}

impl Columns {
    /// Where track `track` of the gap after column `gap` runs.
    pub(super) fn track_x(&self, gap: usize, track: usize, spacing: &Spacing) -> i32 {
        self.x[gap] + self.width[gap] + spacing.track * (track as i32 + 1)
    }
}

impl Layered {
    /// Coordinates for every item, lane and edge.
    pub(super) fn place(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Layout {
        let columns = self.columns_across(edges, spacing);
        let (boxes, item_box) = self.boxes(&columns);
        let mut paths: Vec<Vec<Point>> = Vec::with_capacity(edges.len());
        let mut labels = Labels::with_capacity(edges.len());
        for (index, edge) in edges.iter().enumerate() {
            let chain = &self.chains[index];
            if chain.is_empty() {
                let is_loop = edge.from == edge.to && edge.from < boxes.len();
                paths.push(if is_loop {
                    self_loop(&boxes[edge.from], self.items[edge.from].line, spacing)
                } else {
                    Vec::new()
                });
                labels.skip();
                continue;
            }
            let reversed = self.reversed[index];
            let forward = simplify(self.chain_points(chain, &item_box, &columns, spacing));
            let at = self.label_point(&forward, edge, reversed, chain, &columns, spacing);
            let path = if reversed {
                back_path(forward)
            } else {
                forward
            };
            let said = labels.said_already(index, at, &path, edges, &self.reversed, &paths);
            labels.add(at, said, edge);
            paths.push(path);
        }
        self.finished(
            boxes,
            paths,
            labels.placed,
            columns.end + spacing.right,
            spacing,
        )
    }

    /// How wide each column is and where it starts. A column is as wide as its widest box; the
    /// gap after it holds its vertical tracks and the labels of the lines into the next column.
    fn columns_across(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Columns {
        let tracks = self.tracks(spacing);
        let label_room = self.label_room(edges, spacing);
        let count = self.columns.len();
        let mut column_x = Vec::with_capacity(count);
        let mut column_width = Vec::with_capacity(count);
        let mut x = spacing.left;
        for (index, column) in self.columns.iter().enumerate() {
            let width = column
                .iter()
                .map(|i| self.items[*i].width)
                .max()
                .unwrap_or(0);
            column_x.push(x);
            column_width.push(width);
            let in_gap = tracks.in_gap[index] as i32;
            let gap = (spacing.track * (in_gap + 1) + label_room[index]).max(spacing.column_gap);
            x += width;
            if index + 1 < count {
                x += gap;
            }
        }
        Columns {
            x: column_x,
            width: column_width,
            tracks,
            end: x,
        }
    }

    /// Each node's box, and each item's (a passing point's has no width): centred in its column,
    /// with its line at the height the item was given.
    fn boxes(&self, columns: &Columns) -> (Vec<Rect>, Vec<Rect>) {
        let mut boxes =
            vec![Rect::default(); self.items.iter().filter(|i| i.node.is_some()).count()];
        let mut item_box: Vec<Rect> = Vec::with_capacity(self.items.len());
        for item in &self.items {
            let left = columns.x.get(item.layer).copied().unwrap_or(0);
            let width = columns.width.get(item.layer).copied().unwrap_or(0);
            let rect = Rect {
                x: left + (width - item.width) / 2,
                y: item.line - item.above,
                width: item.width,
                height: item.above + item.below,
            };
            if let Some(node) = item.node {
                boxes[node] = rect;
            }
            item_box.push(rect);
        }
        (boxes, item_box)
    }

    /// The band's layout, from its placed boxes, lines and labels and the lanes' strips.
    fn finished(
        &self,
        boxes: Vec<Rect>,
        paths: Vec<Vec<Point>>,
        labels: Vec<Option<Point>>,
        width: i32,
        spacing: &Spacing,
    ) -> Layout {
        let strips = self.strips.clone();
        let height = strips.last().map_or(spacing.top, |s| s.y + s.height);
        let node_count = boxes.len();
        Layout {
            boxes,
            bands: vec![strips],
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
            width,
            height,
        }
    }
}
