//! [`Counted`]: how a date was reached from another, as facts for a command to word. Both
//! `waymark days --explain` and `waymark run --explain` render it, each in its own layout.

use crate::calendar::{Calendar, DayOff};
use crate::error::OutOfRange;
use crate::unit::Unit;
use chrono::{Datelike, NaiveDate};

/// Which way a count goes from its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

impl Direction {
    /// "after" or "before".
    pub fn word(self) -> &'static str {
        match self {
            Direction::After => "after",
            Direction::Before => "before",
        }
    }
}

/// Something about a count that its numbers alone do not say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note<'a> {
    /// 0 working days: the date itself if it is a working day, else the next one. The date
    /// itself is then among the days skipped when it is not a working day.
    SameWorkingDay,
    /// Days, weeks or months ended on a day that is not a working day; the date is not moved.
    NotMoved(DayOff<'a>),
    /// Months ended in a month without this day of the month, so the answer is its last day.
    MonthEnd { day: u32 },
}

/// How `due` was counted from `from`: `count` units in `direction`, with the days off skipped
/// on the way (working days only) and any notes, in the order they are worth telling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted<'a> {
    pub from: NaiveDate,
    pub count: u64,
    pub direction: Direction,
    pub unit: Unit,
    pub due: NaiveDate,
    /// For working days, the weekend days and holidays the count passed over, by date: those
    /// [`Calendar::days_off_between`] gives, and for 0 working days those from `from` itself
    /// up to the answer. Empty for other units, which count every day.
    pub skipped: Vec<DayOff<'a>>,
    pub notes: Vec<Note<'a>>,
}

impl Calendar {
    /// How `amount` units after `date` (before it when negative) is counted: the same answer
    /// as [`Calendar::shift`], with the working. Walks the days skipped, so it is for
    /// explaining one answer, not for counting many.
    pub fn explain_shift(
        &self,
        date: NaiveDate,
        amount: i64,
        unit: Unit,
    ) -> Result<Counted<'_>, OutOfRange> {
        let due = self.shift(date, amount, unit)?;
        let direction = match amount < 0 {
            true => Direction::Before,
            false => Direction::After,
        };
        let mut notes = Vec::new();
        let skipped = match unit {
            Unit::WorkingDays if amount == 0 => {
                notes.push(Note::SameWorkingDay);
                // The day itself may be the one moved past, so the stretch starts on it.
                date.iter_days()
                    .take_while(|day| *day < due)
                    .filter_map(|day| self.day_off(day))
                    .collect()
            }
            Unit::WorkingDays => self.days_off_between(date, due)?,
            Unit::Months | Unit::CalendarDays | Unit::Weeks | Unit::Hours => {
                let month_end = unit == Unit::Months && due.day() != date.day();
                notes.extend(month_end.then(|| Note::MonthEnd { day: date.day() }));
                notes.extend(self.day_off(due).map(Note::NotMoved));
                Vec::new()
            }
        };
        Ok(Counted {
            from: date,
            count: amount.unsigned_abs(),
            direction,
            unit,
            due,
            skipped,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{builtin, parse_date};

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn england() -> &'static Calendar {
        builtin("england-and-wales").unwrap()
    }

    fn names(counted: &Counted) -> Vec<String> {
        let name = |day: &DayOff| {
            day.holiday
                .map_or("weekend".to_string(), |h| h.name.clone())
        };
        counted.skipped.iter().map(name).collect()
    }

    #[test]
    fn working_days_skip_weekends_and_named_holidays() {
        // Tuesday 23 December 2025 + 3: Christmas Day, Boxing Day and a weekend are passed over.
        let counted = england()
            .explain_shift(date("2025-12-23"), 3, Unit::WorkingDays)
            .unwrap();
        assert_eq!(counted.due, date("2025-12-30"));
        assert_eq!((counted.count, counted.direction), (3, Direction::After));
        assert_eq!(
            names(&counted),
            ["Christmas Day", "Boxing Day", "weekend", "weekend"]
        );
        assert!(counted.notes.is_empty());
    }

    #[test]
    fn counting_back_goes_before() {
        let counted = england()
            .explain_shift(date("2026-01-05"), -1, Unit::WorkingDays)
            .unwrap();
        assert_eq!(counted.due, date("2026-01-02"));
        assert_eq!((counted.count, counted.direction), (1, Direction::Before));
        assert_eq!(names(&counted), ["weekend", "weekend"]);
    }

    #[test]
    fn zero_working_days_moves_off_the_day_itself() {
        // Saturday 27 December 2025, then Sunday; Monday 29 December is the answer.
        let counted = england()
            .explain_shift(date("2025-12-27"), 0, Unit::WorkingDays)
            .unwrap();
        assert_eq!(counted.due, date("2025-12-29"));
        assert_eq!(names(&counted), ["weekend", "weekend"]);
        assert_eq!(counted.notes, [Note::SameWorkingDay]);
        // A working day is its own answer, and nothing is skipped.
        let counted = england()
            .explain_shift(date("2025-12-29"), 0, Unit::WorkingDays)
            .unwrap();
        assert_eq!(counted.due, date("2025-12-29"));
        assert!(counted.skipped.is_empty());
    }

    #[test]
    fn calendar_units_are_not_moved_off_a_day_off() {
        let counted = england()
            .explain_shift(date("2025-12-18"), 7, Unit::CalendarDays)
            .unwrap();
        assert_eq!(counted.due, date("2025-12-25"));
        assert!(counted.skipped.is_empty());
        assert!(matches!(
            counted.notes.as_slice(),
            [Note::NotMoved(day)] if day.date == date("2025-12-25") && day.holiday.is_some()
        ));
    }

    #[test]
    fn a_short_month_ends_early() {
        let counted = england()
            .explain_shift(date("2026-01-31"), 1, Unit::Months)
            .unwrap();
        assert_eq!(counted.due, date("2026-02-28"));
        assert!(counted.notes.contains(&Note::MonthEnd { day: 31 }));
    }
}
