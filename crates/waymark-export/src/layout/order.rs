//! Step 4 of the layout: the order of the items within each column, kept grouped by lane, chosen
//! by barycentre sweeps to reduce crossing lines.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::layered::Layered;
use std::collections::BTreeMap;

impl Layered {
    /// A first order: depth-first from the first node, so a path's items line up.
    pub(super) fn initial_order(&mut self) {
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

    pub(super) fn update_positions(&mut self) {
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
    pub(super) fn reorder(&mut self, items: &[usize]) {
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
    pub(super) fn order(&mut self) {
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
    pub(super) fn sort_column(&mut self, column: usize, forward: bool) {
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
    pub(super) fn crossings(&mut self) -> u64 {
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
}

/// Inversions in a sequence (merge sort), the crossings between two columns.
pub(super) fn inversions(values: &mut [usize]) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_crossings_as_inversions() {
        assert_eq!(inversions(&mut [0, 1, 2]), 0);
        assert_eq!(inversions(&mut [2, 1, 0]), 3);
        assert_eq!(inversions(&mut [1, 0, 2, 0]), 3);
    }
}
