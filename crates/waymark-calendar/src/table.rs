//! The precomputed tables that make every working-day question one or two array look-ups.
//!
//! Two arrays describe which of the [`DAY_COUNT`] covered days are working days:
//!
//! - `before[d]`: how many working days come before day number `d` (so `before[d + 1] -
//!   before[d]` is 1 for a working day, 0 otherwise);
//! - `working[k]`: the day number of working day `k`, counting from 0. It inverts `before`.
//!
//! Adding working days is then: look up how many working days precede the start, add, and look
//! the answer up in `working`. No loop walks day by day, so 45 working days cost the same as 4.
//! Both arrays hold `u16` (day numbers fit, see `date.rs`): about 140 KB for a calendar.

use crate::date::{DAY_COUNT, is_weekend_day};

#[derive(Clone)]
pub(crate) struct Table {
    before: Vec<u16>,
    working: Vec<u16>,
}

impl Table {
    /// Builds the tables; `is_holiday[d]` says whether day number `d` is a holiday.
    /// (`is_holiday` has [`DAY_COUNT`] entries; missing entries count as ordinary days.)
    pub fn new(is_holiday: &[bool]) -> Table {
        let mut before = Vec::with_capacity(DAY_COUNT + 1);
        let mut working = Vec::with_capacity(DAY_COUNT);
        for day in 0..DAY_COUNT {
            before.push(working.len() as u16);
            let holiday = is_holiday.get(day).copied().unwrap_or(false);
            if !holiday && !is_weekend_day(day) {
                working.push(day as u16);
            }
        }
        before.push(working.len() as u16);
        Table { before, working }
    }

    /// Working days before day number `day` (`day` may be `DAY_COUNT`).
    fn before(&self, day: usize) -> i64 {
        i64::from(self.before.get(day).copied().unwrap_or(0))
    }

    pub fn is_working(&self, day: usize) -> bool {
        self.before(day + 1) > self.before(day)
    }

    /// The day number of working day `ordinal`, or `None` past either end of the table.
    fn working_day(&self, ordinal: i64) -> Option<usize> {
        let index = usize::try_from(ordinal).ok()?;
        self.working.get(index).map(|day| usize::from(*day))
    }

    /// The `n`-th working day after `day` (n > 0), or before it (n < 0), never counting `day`
    /// itself. For n = 0: `day` if it is a working day, else the next working day.
    /// `None` when the answer falls outside the table.
    pub fn add(&self, day: usize, n: i64) -> Option<usize> {
        let ordinal = match n {
            // Working days up to and including `day`, then n - 1 more (ordinals count from 0).
            1.. => self.before(day + 1).checked_add(n - 1)?,
            // The first working day at or after `day` has the ordinal `before(day)`.
            0 => self.before(day),
            // The last working day before `day` has ordinal `before(day) - 1`.
            _ => self.before(day).checked_add(n)?,
        };
        self.working_day(ordinal)
    }

    /// Working days after `from` up to and including `to`. When `to` is earlier, minus the working
    /// days from `to` up to but not including `from`, so that `between(d, add(d, n)) == n`
    /// for every n except 0.
    pub fn between(&self, from: usize, to: usize) -> i64 {
        if to >= from {
            self.before(to + 1) - self.before(from + 1)
        } else {
            self.before(to) - self.before(from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with holidays on the given day numbers. Day 0 is a Monday.
    fn table(holidays: &[usize]) -> Table {
        let mut is_holiday = vec![false; DAY_COUNT];
        for day in holidays {
            is_holiday[*day] = true;
        }
        Table::new(&is_holiday)
    }

    #[test]
    fn adds_over_weekends_and_holidays() {
        let t = table(&[2]); // Wednesday of the first week off
        assert_eq!(t.add(0, 1), Some(1)); // Monday + 1 = Tuesday
        assert_eq!(t.add(1, 1), Some(3)); // Tuesday + 1 skips Wednesday
        assert_eq!(t.add(3, 2), Some(7)); // Thursday + 2 skips the weekend to Monday
        assert_eq!(t.add(5, 1), Some(7)); // Saturday + 1 = Monday
        assert_eq!(t.add(5, 0), Some(7)); // Saturday + 0 rolls on to Monday
        assert_eq!(t.add(4, 0), Some(4)); // a working day + 0 is itself
        assert_eq!(t.add(7, -1), Some(4)); // Monday - 1 = Friday
        assert_eq!(t.add(6, -1), Some(4)); // Sunday - 1 = Friday
        assert_eq!(t.add(3, -1), Some(1)); // Thursday - 1 skips Wednesday
    }

    #[test]
    fn refuses_to_leave_the_table() {
        let t = table(&[]);
        assert_eq!(t.add(0, -1), None);
        assert_eq!(t.add(DAY_COUNT - 1, 1), None);
        assert_eq!(t.add(0, i64::MAX), None);
        assert_eq!(t.add(0, i64::MIN), None);
    }

    #[test]
    fn counts_between() {
        let t = table(&[2]);
        assert_eq!(t.between(0, 0), 0);
        assert_eq!(t.between(0, 7), 4); // Tue, Thu, Fri, Mon
        assert_eq!(t.between(7, 0), -4); // Mon (day 0), Tue, Thu, Fri
        assert_eq!(t.between(5, 7), 1);
        for (from, n) in [(0, 3), (5, 1), (7, -1), (6, -2), (9, -5)] {
            let to = t.add(from, n).unwrap();
            assert_eq!(t.between(from, to), n, "from {from} by {n}");
        }
    }
}
