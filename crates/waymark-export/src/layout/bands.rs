//! Where to cut a flow too long for its page into bands: about equally wide, where few lines
//! cross from one band to the next; then, for small flows, each cut nudged while the laid-out
//! bands fit the page better.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::columns::Layering;
use super::{EdgeSpec, Layout, Spacing, Wrapping};

/// Up to how many nodes the cuts between bands are tuned by laying out the bands again.
const NUDGE_NODES: usize = 200;

/// Above this many columns the cuts are chosen one by one near their even places
/// ([`Layering::band_starts_near_even`]): the exact choice costs columns squared per band, which
/// took minutes on a chain of 40,000 steps.
const EXACT_CUT_COLUMNS: usize = 1_000;

/// What each pair of connectors costs when choosing the cuts, against the squared widths of the
/// bands: a cut through many lines must buy clearly evener bands.
const CONNECTOR_COST: i64 = 120;

impl Layering {
    /// The flow wrapped into `count` bands, and how well that fits the page.
    pub(super) fn in_count_bands(
        &self,
        count: usize,
        edges: &[EdgeSpec],
        unwrapped: &Layout,
        spacing: &Spacing,
        wrapping: &Wrapping,
    ) -> (Layout, f64) {
        let starts = self.band_starts(edges, unwrapped, count);
        let laid = self.in_bands(edges, spacing, &starts, wrapping);
        let fit = (wrapping.fit)(&laid);
        // The cuts were chosen from the unwrapped widths; how tall each band comes out is
        // only known once it is laid out, so nudge each cut while that helps. Small flows
        // only: each try is a whole layout.
        if self.nodes.len() <= NUDGE_NODES {
            self.nudge_cuts(edges, spacing, wrapping, (starts, laid, fit))
        } else {
            (laid, fit)
        }
    }

    /// Moves each cut up to two columns either way while that makes the layout fit the page
    /// better, for at most eight rounds. `tried` is the cuts, their layout and its fit.
    fn nudge_cuts(
        &self,
        edges: &[EdgeSpec],
        spacing: &Spacing,
        wrapping: &Wrapping,
        tried: (Vec<usize>, Layout, f64),
    ) -> (Layout, f64) {
        let (mut starts, mut laid, mut fit) = tried;
        let columns = self.column_count();
        for _ in 0..8 {
            let mut moved = false;
            for band in 1..starts.len() {
                for delta in [-2isize, -1, 1, 2] {
                    let Some(start) = starts[band].checked_add_signed(delta) else {
                        continue;
                    };
                    let after = starts.get(band + 1).copied().unwrap_or(columns);
                    if start <= starts[band - 1] || start >= after {
                        continue;
                    }
                    let mut nudged = starts.clone();
                    nudged[band] = start;
                    let nudged_laid = self.in_bands(edges, spacing, &nudged, wrapping);
                    let nudged_fit = (wrapping.fit)(&nudged_laid);
                    if nudged_fit > fit {
                        (starts, laid, fit) = (nudged, nudged_laid, nudged_fit);
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        (laid, fit)
    }

    /// The first column of each band, for `count` bands: about equally wide, cut where few
    /// lines cross from one band to the next (each crossing costs a pair of connectors).
    fn band_starts(&self, edges: &[EdgeSpec], unwrapped: &Layout, count: usize) -> Vec<usize> {
        let columns = self.column_count();
        let left = self.column_lefts(unwrapped);
        let cut = self.lines_cut(edges);
        if columns > EXACT_CUT_COLUMNS {
            return band_starts_near_even(&left, &cut, count);
        }
        let ideal = i64::from((left[columns] - left[0]).max(1)) / count as i64;
        let band_cost = |from: usize, to: usize| {
            let width = i64::from(left[to] - left[from]);
            width * width / ideal.max(1)
        };
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

    /// Where each column starts along the unwrapped flow, and last, where the flow ends.
    fn column_lefts(&self, unwrapped: &Layout) -> Vec<i32> {
        let columns = self.column_count();
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
        left
    }

    /// Per column, how many lines are cut when a band starts there.
    fn lines_cut(&self, edges: &[EdgeSpec]) -> Vec<i64> {
        // A difference array: +1 where a line's span of columns begins, -1 past its end, then
        // a running sum. Adding 1 to every column a line spans was quadratic on long lines.
        let mut change = vec![0i64; self.column_count() + 2];
        for (index, edge) in edges.iter().enumerate() {
            if !self.valid[index] || edge.from == edge.to {
                continue;
            }
            let (a, b) = (self.layer[edge.from], self.layer[edge.to]);
            change[a.min(b) + 1] += 1;
            change[a.max(b) + 1] -= 1;
        }
        let mut running = 0;
        let mut cut: Vec<i64> = change
            .iter()
            .map(|step| {
                running += step;
                running
            })
            .collect();
        cut.truncate(self.column_count() + 1);
        cut
    }
}

/// The cuts for a long flow, in linear time: each cut goes where the fewest lines cross within
/// a quarter band of its even place (the nearest such column when several tie). `left` is each
/// column's start and last the flow's end; `cut` is the lines crossing a cut at each column.
fn band_starts_near_even(left: &[i32], cut: &[i64], count: usize) -> Vec<usize> {
    let columns = left.len().saturating_sub(1);
    let (first, end) = (
        i64::from(left.first().copied().unwrap_or(0)),
        i64::from(left.last().copied().unwrap_or(0)),
    );
    let ideal = ((end - first) / count.max(1) as i64).max(1);
    let mut starts = vec![0];
    let mut column = 1;
    for band in 1..count {
        let even = first + ideal * band as i64;
        let (low, high) = (even - ideal / 4, even + ideal / 4);
        // Columns start in order, so the window is the run of columns whose start is in it.
        while column < columns && i64::from(left[column]) < low {
            column += 1;
        }
        let mut best: Option<(i64, i64, usize)> = None;
        let mut at = column;
        while at < columns && i64::from(left[at]) <= high {
            let key = (cut[at], (i64::from(left[at]) - even).abs(), at);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
            at += 1;
        }
        let previous = starts.last().copied().unwrap_or(0);
        let chosen = best.map_or(column, |(_, _, at)| at).max(previous + 1);
        if chosen >= columns {
            break;
        }
        starts.push(chosen);
        column = chosen + 1;
    }
    // Fewer columns than bands leaves the rest empty; keep the count the caller asked for.
    while starts.len() < count {
        let next = starts
            .last()
            .map_or(0, |s| s + 1)
            .min(columns.saturating_sub(1));
        starts.push(next);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::band_starts_near_even;

    #[test]
    fn long_flows_are_cut_near_even_places_where_few_lines_cross() {
        // Ten columns 10 wide; a line crosses every cut except at column 6.
        let left: Vec<i32> = (0..=10).map(|c| c * 10).collect();
        let mut cut = vec![1i64; 11];
        cut[6] = 0;
        assert_eq!(band_starts_near_even(&left, &cut, 2), [0, 6]);
        assert_eq!(band_starts_near_even(&left, &[0; 11], 5), [0, 2, 4, 6, 8]);
    }
}
