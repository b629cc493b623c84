//! [`Calendar`]: a set of days off, and every question about working days answered from tables.
#![allow(
    clippy::indexing_slicing,
    reason = "day numbers come from `day_number`, which gives only days inside the table"
)]

use crate::continuous::{add_days, add_hours_to_date, add_months, add_weeks, covered};
use crate::date::{DAY_COUNT, FIRST_YEAR, LAST_YEAR, date_of, day_number, is_weekend};
use crate::error::OutOfRange;
use crate::holidays::{Division, Holiday, rule_holidays};
use crate::shipped;
use crate::table::Table;
use crate::unit::Unit;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// A day that is not a working day, and why: a weekend, a holiday, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayOff<'a> {
    pub date: NaiveDate,
    /// The holiday or closure on this day, if any. `None` means an ordinary weekend day.
    pub holiday: Option<&'a Holiday>,
}

impl<'a> DayOff<'a> {
    /// The holiday that took this day off, when it is not a weekend day anyway. A holiday on a
    /// Saturday or Sunday changes no count, so every explanation tallies it as a weekend day.
    pub fn weekday_holiday(&self) -> Option<&'a Holiday> {
        self.holiday.filter(|_| !is_weekend(self.date))
    }

    /// "Saturday", "Christmas Day", or "Saturday, Christmas closure".
    pub fn reason(&self) -> String {
        let weekday = is_weekend(self.date).then(|| self.date.format("%A").to_string());
        match (weekday, self.holiday) {
            (Some(weekday), Some(holiday)) => format!("{weekday}, {}", holiday.name),
            (Some(weekday), None) => weekday,
            (None, Some(holiday)) => holiday.name.clone(),
            (None, None) => String::new(),
        }
    }
}

/// A working-day calendar: weekends, plus a list of holidays and closures, plus the tables built
/// from them. Built once and then only read, so it can be shared freely.
#[derive(Clone)]
pub struct Calendar {
    name: String,
    /// Sorted by date, at most one per date, all within the covered years.
    holidays: Vec<Holiday>,
    /// Years whose bank holidays came from the rules rather than published dates, sorted.
    computed: Vec<i32>,
    table: Table,
}

/// Just the name and size: the tables are tens of thousands of numbers.
impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar")
            .field("name", &self.name)
            .field("holidays", &self.holidays.len())
            .field("computed_years", &self.computed.len())
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// The built-in calendar of a division: shipped data where there is some, rules elsewhere.
    pub(crate) fn for_division(division: Division) -> Calendar {
        Calendar::with_published_years(division.name().to_string(), division, BTreeMap::new())
    }

    /// A division's calendar in which `published` (e.g. read from a GOV.UK file) gives the bank
    /// holidays for the years it has; other years come from shipped data, then from the rules.
    pub(crate) fn with_published_years(
        name: String,
        division: Division,
        mut published: BTreeMap<i32, Vec<Holiday>>,
    ) -> Calendar {
        let mut shipped = shipped::by_year(division);
        let mut holidays = Vec::new();
        let mut computed = Vec::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            if let Some(days) = published.remove(&year).or_else(|| shipped.remove(&year)) {
                holidays.extend(days);
            } else {
                holidays.extend(rule_holidays(division, year));
                computed.push(year);
            }
        }
        Calendar::build(name, holidays, computed)
    }

    fn build(name: String, mut holidays: Vec<Holiday>, computed: Vec<i32>) -> Calendar {
        holidays.retain(|holiday| day_number(holiday.date).is_some());
        // Bank holidays sort before closures on the same date, and the first of a date is kept.
        holidays.sort_by_key(|holiday| (holiday.date, holiday.kind));
        holidays.dedup_by_key(|holiday| holiday.date);
        let mut is_holiday = vec![false; DAY_COUNT];
        for day in holidays
            .iter()
            .filter_map(|holiday| day_number(holiday.date))
        {
            is_holiday[day] = true;
        }
        let table = Table::new(&is_holiday);
        Calendar {
            name,
            holidays,
            computed,
            table,
        }
    }

    /// This calendar with extra days off added, e.g. from a closures file. Where a closure
    /// falls on a bank holiday, the bank holiday's name is kept.
    pub fn with_closures(&self, label: &str, closures: &[Holiday]) -> Calendar {
        let mut holidays = self.holidays.clone();
        holidays.extend_from_slice(closures);
        let name = format!("{} + {label}", self.name);
        Calendar::build(name, holidays, self.computed.clone())
    }

    /// The calendar's name, e.g. `england-and-wales` or `england-and-wales + closures.txt`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every holiday and closure in the covered years, by date.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// The holiday or closure on `date`, if any. (Weekends are not holidays.)
    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        let index = self
            .holidays
            .binary_search_by_key(&date, |holiday| holiday.date)
            .ok()?;
        self.holidays.get(index)
    }

    /// Monday to Friday and not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, OutOfRange> {
        let day = day_number(date).ok_or(OutOfRange::Given(date))?;
        Ok(self.table.is_working(day))
    }

    /// Why `date` is not a working day, or `None` if it is one (or is outside the tables).
    pub fn day_off(&self, date: NaiveDate) -> Option<DayOff<'_>> {
        let day = day_number(date)?;
        (!self.table.is_working(day)).then(|| DayOff {
            date,
            holiday: self.holiday(date),
        })
    }

    /// The `n`-th working day after `date`, counting from the day after it, or before it when `n`
    /// is negative, counting back from the day before it. `date` itself is never counted, so a
    /// `date` at a weekend counts as if it were the next (or previous) working day.
    ///
    /// `n = 0` gives `date` itself if it is a working day, else the next working day.
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, OutOfRange> {
        let day = day_number(date).ok_or(OutOfRange::Given(date))?;
        self.table
            .add(day, n)
            .map(date_of)
            .ok_or(OutOfRange::Answer)
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
        self.add_working_days(date, 1)
    }

    /// The last working day before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
        self.add_working_days(date, -1)
    }

    /// `date` if it is a working day, else the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
        self.add_working_days(date, 0)
    }

    /// `date` if it is a working day, else the working day before it: `0 working days before`
    /// a Saturday meeting is the Friday, not the Monday after it.
    pub fn working_day_on_or_before(&self, date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
        match self.is_working_day(date)? {
            true => Ok(date),
            false => self.previous_working_day(date),
        }
    }

    /// The working days after `from` up to and including `to`.
    ///
    /// When `to` is earlier than `from` the answer is negative: minus the working days from `to`
    /// up to the day before `from`. Either way `working_days_between(d, add_working_days(d, n))`
    /// is `n` for every `n` except 0.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, OutOfRange> {
        let start = day_number(from).ok_or(OutOfRange::Given(from))?;
        let end = day_number(to).ok_or(OutOfRange::Given(to))?;
        Ok(self.table.between(start, end))
    }

    /// The days off inside the stretch [`Calendar::working_days_between`] counts, by date: after
    /// `from` up to and including `to`, or from `to` up to the day before `from` if `to` is earlier.
    /// For explaining an answer; walks the days, so keep the stretch short.
    pub fn days_off_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayOff<'_>>, OutOfRange> {
        covered(from)?;
        covered(to)?;
        let (first, last) = if to >= from {
            (from.succ_opt(), Some(to))
        } else {
            (Some(to), from.pred_opt())
        };
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let days = first
            .iter_days()
            .take_while(|date| *date <= last)
            .filter_map(|date| self.day_off(date))
            .collect();
        Ok(days)
    }

    /// `amount` units after `date` (before it when negative). See [`Unit`]. Hours count from
    /// the end of `date` (see [`crate::end_of_day`]), and the answer is the day they end on; a
    /// caller that knows the time of day counts hours with [`crate::add_hours`].
    pub fn shift(&self, date: NaiveDate, amount: i64, unit: Unit) -> Result<NaiveDate, OutOfRange> {
        match unit {
            Unit::WorkingDays => self.add_working_days(date, amount),
            Unit::CalendarDays => add_days(date, amount),
            Unit::Weeks => add_weeks(date, amount),
            Unit::Months => add_months(date, amount),
            Unit::Hours => add_hours_to_date(date, amount).map(|moment| moment.date()),
        }
    }

    /// The years from `from` to `to` (either order, both included) whose bank holidays were
    /// computed from the rules, not taken from published dates. An answer that crosses one of
    /// them deserves a WM0405 warning: see [`crate::computed_holidays_warning`].
    pub fn computed_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (low, high) = (from.year().min(to.year()), from.year().max(to.year()));
        self.computed
            .iter()
            .copied()
            .filter(|year| (low..=high).contains(year))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;
    use crate::holidays::HolidayKind;

    fn date(text: &str) -> NaiveDate {
        crate::date::parse_date(text).unwrap()
    }

    fn england() -> &'static Calendar {
        builtin("england-and-wales").unwrap()
    }

    #[test]
    fn forty_five_working_days_after_monday_1_december_2025() {
        // Counting from Tuesday 2 December 2025 in England and Wales:
        //   December: 2-5 (4), 8-12 (5), 15-19 (5), 22-24 (3; 25 Christmas Day and 26 Boxing
        //   Day are bank holidays), 29-31 (3)                               = 20
        //   January 2026: 1 January is New Year's Day; 2 (1), 5-9 (5),
        //   12-16 (5), 19-23 (5), 26-30 (5)                                 = 21, total 41
        //   February: 2, 3, 4, 5                                            = 4, total 45
        // So the 45th working day is Thursday 5 February 2026.
        let due = england().add_working_days(date("2025-12-01"), 45);
        assert_eq!(due, Ok(date("2026-02-05")));
        assert_eq!(
            england().working_days_between(date("2025-12-01"), date("2026-02-05")),
            Ok(45)
        );
    }

    #[test]
    fn fifteen_working_days_after_a_strategy_discussion_before_easter_2026() {
        // Strategy discussion on Friday 27 March 2026. Counting from Monday 30 March:
        //   30, 31 March, 1, 2 April (4); Friday 3 April is Good Friday and Monday 6 April is
        //   Easter Monday; 7-10 April (4, total 8); 13-17 April (5, total 13); 20, 21 April
        //   (total 15). So the 15th working day is Tuesday 21 April 2026.
        let due = england().add_working_days(date("2026-03-27"), 15);
        assert_eq!(due, Ok(date("2026-04-21")));
        // In Scotland Easter Monday is a working day, so the answer is a day earlier.
        let scotland = builtin("scotland").unwrap();
        assert_eq!(
            scotland.add_working_days(date("2026-03-27"), 15),
            Ok(date("2026-04-20"))
        );
    }

    #[test]
    fn one_off_bank_holidays_in_every_division() {
        let off = [
            "2011-04-29", // royal wedding
            "2012-06-04", // spring bank holiday, moved from 28 May
            "2012-06-05", // Queen's Diamond Jubilee
            "2020-05-08", // early May bank holiday, moved to VE Day
            "2022-06-02", // spring bank holiday, moved from 30 May
            "2022-06-03", // Platinum Jubilee
            "2022-09-19", // state funeral of Queen Elizabeth II
            "2023-05-08", // coronation of King Charles III
        ];
        let moved_away = ["2012-05-28", "2020-05-04", "2022-05-30"];
        for name in crate::builtin_names() {
            let calendar = builtin(name).unwrap();
            for day in off {
                assert_eq!(
                    calendar.is_working_day(date(day)),
                    Ok(false),
                    "{name} {day}"
                );
            }
            for day in moved_away {
                assert_eq!(calendar.is_working_day(date(day)), Ok(true), "{name} {day}");
            }
        }
        // 3 working days after Wednesday 27 April 2011: Thursday 28, then Tuesday 3 May
        // (Friday 29 royal wedding, Monday 2 May early May bank holiday), Wednesday 4 May.
        assert_eq!(
            england().add_working_days(date("2011-04-27"), 3),
            Ok(date("2011-05-04"))
        );
    }

    #[test]
    fn substitute_days() {
        let e = england();
        // Christmas 2021 on a Saturday: Monday 27 and Tuesday 28 December are bank holidays.
        assert_eq!(
            e.next_working_day(date("2021-12-24")),
            Ok(date("2021-12-29"))
        );
        // Christmas 2022 on a Sunday: Boxing Day Monday 26, Christmas Day moved to Tuesday 27.
        assert_eq!(
            e.next_working_day(date("2022-12-23")),
            Ok(date("2022-12-28"))
        );
        // Scotland, New Year 2022 on a Saturday: Monday 3 and Tuesday 4 January.
        let scotland = builtin("scotland").unwrap();
        assert_eq!(
            scotland.next_working_day(date("2021-12-31")),
            Ok(date("2022-01-05"))
        );
        assert_eq!(
            e.next_working_day(date("2021-12-31")),
            Ok(date("2022-01-04"))
        );
        // St Andrew's Day 2025 on a Sunday: Monday 1 December off in Scotland only.
        assert_eq!(scotland.is_working_day(date("2025-12-01")), Ok(false));
        assert_eq!(e.is_working_day(date("2025-12-01")), Ok(true));
        // Battle of the Boyne 2026 on a Sunday: Monday 13 July off in Northern Ireland.
        let ni = builtin("northern-ireland").unwrap();
        assert_eq!(ni.is_working_day(date("2026-07-13")), Ok(false));
    }

    #[test]
    fn weekend_start_counts_from_the_next_working_day() {
        // Saturday 7 March 2026 + 1 working day is Monday 9 March; + 0 rolls on to Monday too.
        assert_eq!(
            england().add_working_days(date("2026-03-07"), 1),
            Ok(date("2026-03-09"))
        );
        assert_eq!(
            england().add_working_days(date("2026-03-07"), 0),
            Ok(date("2026-03-09"))
        );
        assert_eq!(
            england().add_working_days(date("2026-03-09"), 0),
            Ok(date("2026-03-09"))
        );
        assert_eq!(
            england().add_working_days(date("2026-03-09"), -1),
            Ok(date("2026-03-06"))
        );
        assert_eq!(
            england().next_working_day(date("2026-04-02")),
            Ok(date("2026-04-07"))
        );
        assert_eq!(
            england().previous_working_day(date("2026-04-07")),
            Ok(date("2026-04-02"))
        );
        assert_eq!(
            england().working_day_on_or_after(date("2026-12-25")),
            Ok(date("2026-12-29"))
        );
    }

    #[test]
    fn shift_by_each_unit() {
        let e = england();
        let may = date("2026-05-01");
        assert_eq!(e.shift(may, -4, Unit::Weeks), Ok(date("2026-04-03")));
        assert_eq!(e.shift(may, 3, Unit::CalendarDays), Ok(date("2026-05-04")));
        assert_eq!(e.shift(may, 2, Unit::Months), Ok(date("2026-07-01")));
        assert_eq!(e.shift(may, 1, Unit::WorkingDays), Ok(date("2026-05-05")));
        // From the end of 1 May: 24 hours end on 2 May, 1 hour on 2 May just after midnight.
        assert_eq!(e.shift(may, 24, Unit::Hours), Ok(date("2026-05-02")));
        assert_eq!(e.shift(may, 1, Unit::Hours), Ok(date("2026-05-02")));
        assert_eq!(e.shift(may, -1, Unit::Hours), Ok(may));
    }

    #[test]
    fn out_of_range_dates_are_errors() {
        let far = date("2101-01-01");
        assert_eq!(
            england().add_working_days(far, 1),
            Err(OutOfRange::Given(far))
        );
        assert_eq!(england().is_working_day(far), Err(OutOfRange::Given(far)));
        assert_eq!(
            england().add_working_days(date("2100-12-30"), 5),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            england().working_days_between(date("2000-01-01"), far),
            Err(OutOfRange::Given(far))
        );
    }

    #[test]
    fn explains_the_days_off() {
        let days = england()
            .days_off_between(date("2025-12-24"), date("2025-12-29"))
            .unwrap();
        let reasons: Vec<_> = days
            .iter()
            .map(|day| (day.date.to_string(), day.reason()))
            .collect();
        let pair = |d: &str, r: &str| (d.to_string(), r.to_string());
        assert_eq!(
            reasons,
            [
                pair("2025-12-25", "Christmas Day"),
                pair("2025-12-26", "Boxing Day"),
                pair("2025-12-27", "Saturday"),
                pair("2025-12-28", "Sunday"),
            ]
        );
        // Backwards, the stretch is from the earlier date up to the day before the later one.
        let back = england()
            .days_off_between(date("2025-12-29"), date("2025-12-26"))
            .unwrap();
        assert_eq!(back.len(), 3);
    }

    #[test]
    fn closures_add_days_off_but_keep_bank_holiday_names() {
        let closure = |text: &str| Holiday {
            date: date(text),
            name: "office closed".into(),
            kind: HolidayKind::Closure,
        };
        let closures = [
            closure("2025-12-24"),
            closure("2025-12-25"),
            closure("2025-12-27"),
        ];
        let calendar = england().with_closures("closures.txt", &closures);
        assert_eq!(calendar.name(), "england-and-wales + closures.txt");
        assert_eq!(calendar.is_working_day(date("2025-12-24")), Ok(false));
        assert_eq!(
            calendar.holiday(date("2025-12-25")).unwrap().name,
            "Christmas Day"
        );
        assert_eq!(
            calendar.day_off(date("2025-12-27")).unwrap().reason(),
            "Saturday, office closed"
        );
        // The base calendar is unchanged.
        assert_eq!(england().is_working_day(date("2025-12-24")), Ok(true));
    }

    #[test]
    fn computed_years_are_reported() {
        let e = england();
        assert_eq!(
            e.computed_years(date("2025-12-01"), date("2026-02-05")),
            Vec::<i32>::new()
        );
        assert_eq!(
            e.computed_years(date("2030-12-01"), date("2031-02-05")),
            [2031]
        );
        assert_eq!(
            e.computed_years(date("2010-01-04"), date("2009-12-01")),
            [2009]
        );
        let before: Vec<i32> = (1990..=2009).collect();
        assert_eq!(
            e.computed_years(date("1990-01-01"), date("2010-01-01")),
            before
        );
    }
}
