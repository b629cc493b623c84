//! Where to cut a flow too long for its page into bands: about equally wide, where few lines
//! cross from one band to the next.

use super::columns::Flow;
use super::{EdgeSpec, Layout};

impl Flow {
    /// The first column of each band, for `count` bands: about equally wide, cut where few
    /// lines cross from one band to the next (each crossing costs a pair of connectors).
    pub(super) fn band_starts(
        &self,
        edges: &[EdgeSpec],
        unwrapped: &Layout,
        count: usize,
    ) -> Vec<usize> {
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
        pub(super) const CONNECTOR_COST: i64 = 120;
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
}
