//! Step 6 of the layout: coordinates for every box, lane strip, line and label of one band.

use super::labels::{LABEL_CLEAR, label_point, runs_along};
use super::layered::{Item, Layered};
use super::route::{BACK_OFFSET, self_loop, simplify};
use super::{EdgeSpec, Layout, Point, Rect, Spacing};
use std::collections::BTreeMap;

impl Layered {
    /// Coordinates for every item, lane and edge.
    pub(super) fn place(&self, edges: &[EdgeSpec], spacing: &Spacing) -> Layout {
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
