//! How tall each lane is, and where in its lane each item sits: a lane is as tall as its fullest
//! column, and items slide towards the items they are joined to so lines run straight.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::Spacing;
use super::Strip;
use super::labels::LABEL_CLEAR;
use super::layered::{Item, Layered};

impl Layered {
    /// Gives each lane its strip and each item the height of its line (where edges attach).
    ///
    /// A lane is as tall as its fullest column, not as the sum of rows shared by every
    /// column: a tall box in one column does not push down the boxes of every other. Within a
    /// column the items of a lane keep their order and stack without overlapping, so no two
    /// boxes of a column share a height and no line crosses a box. Sweeps to the right, then
    /// to the left, slide each item towards the items it is joined to in its lane, so that
    /// lines run straight where there is room.
    pub(super) fn assign_lines(&mut self, least_heights: &[i32], spacing: &Spacing) {
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
    pub(super) fn settle(
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
}

#[cfg(test)]
mod tests {
    use crate::layout::fixtures::{SPACING, edge, narrow_page, node};
    use crate::layout::{EdgeSpec, NodeSize, layout_wrapped, problems};

    #[test]
    fn every_lane_is_at_least_as_tall_as_it_asks_in_every_band() {
        // Lane 1 is empty in some band; it still gets the height its name needs.
        let nodes: Vec<NodeSize> = (0..8).map(|i| node(usize::from(i == 6))).collect();
        let edges: Vec<EdgeSpec> = (0..7).map(|i| edge(i, i + 1)).collect();
        let wrapping = narrow_page();
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
}
