//! Every table-driven answer agrees with a slow, obviously-correct reference that walks the
//! calendar one day at a time and asks "weekend? holiday?" of each day.
//!
//! Dates are drawn from the whole covered range and, more densely, from around Christmas and
//! Easter of every year, where holidays cluster and substitute days fall. The calendars are the
//! three built-in divisions and England and Wales with a closures file. Altogether the tests
//! below try 120,300 random cases (counts set explicitly in each `cases`).
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use std::sync::OnceLock;
use waymark_calendar::{
    Calendar, Holiday, HolidayKind, Unit, builtin, builtin_names, easter_sunday, first_date,
    is_weekend, last_date,
};

/// The three built-in calendars, and England and Wales with a Christmas closure every year.
fn calendars() -> &'static [Calendar] {
    static CALENDARS: OnceLock<Vec<Calendar>> = OnceLock::new();
    CALENDARS.get_or_init(|| {
        let mut all: Vec<Calendar> = builtin_names()
            .iter()
            .map(|name| builtin(name).unwrap().clone())
            .collect();
        let closures: Vec<Holiday> = (1990..=2100)
            .flat_map(|year| {
                [
                    (year, 12, 24),
                    (year, 12, 29),
                    (year, 12, 30),
                    (year, 12, 31),
                ]
            })
            .map(|(y, m, d)| Holiday {
                date: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                name: "office closed".into(),
                kind: HolidayKind::Closure,
            })
            .collect();
        all.push(all[0].with_closures("closures", &closures));
        all
    })
}

fn calendar() -> impl Strategy<Value = &'static Calendar> {
    (0..calendars().len()).prop_map(|index| &calendars()[index])
}

/// A date somewhere in (or just outside) the covered years, often near Christmas or Easter.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let span = last_date().signed_duration_since(first_date()).num_days();
    prop_oneof![
        (0..=span).prop_map(|offset| shift(first_date(), offset)),
        (1990..=2100, -20i64..=20).prop_map(|(year, offset)| {
            shift(NaiveDate::from_ymd_opt(year, 12, 25).unwrap(), offset)
        }),
        (1990..=2100, -20i64..=20)
            .prop_map(|(year, offset)| shift(easter_sunday(year).unwrap(), offset)),
    ]
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap()
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap()
    }
}

fn covered(date: NaiveDate) -> bool {
    first_date() <= date && date <= last_date()
}

// ---- The naive reference: one day at a time. ----

fn working(calendar: &Calendar, date: NaiveDate) -> bool {
    !is_weekend(date) && calendar.holiday(date).is_none()
}

/// The day after (or before) `date`, if it is still covered.
fn step(date: NaiveDate, forward: bool) -> Option<NaiveDate> {
    let next = if forward {
        date.succ_opt()?
    } else {
        date.pred_opt()?
    };
    covered(next).then_some(next)
}

fn naive_add(calendar: &Calendar, date: NaiveDate, n: i64) -> Option<NaiveDate> {
    if !covered(date) {
        return None;
    }
    let mut day = date;
    if n == 0 {
        while !working(calendar, day) {
            day = step(day, true)?;
        }
        return Some(day);
    }
    let mut left = n.abs();
    loop {
        day = step(day, n > 0)?;
        if working(calendar, day) {
            left -= 1;
            if left == 0 {
                return Some(day);
            }
        }
    }
}

fn naive_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Option<i64> {
    if !covered(from) || !covered(to) {
        return None;
    }
    let count = |first: NaiveDate, last: NaiveDate| {
        first
            .iter_days()
            .take_while(|day| *day <= last)
            .filter(|day| working(calendar, *day))
            .count() as i64
    };
    Some(if to >= from {
        from.succ_opt().map_or(0, |first| count(first, to))
    } else {
        -from.pred_opt().map_or(0, |last| count(to, last))
    })
}

fn naive_add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    let mut day = date;
    for _ in 0..n.abs() {
        day = step(day, n > 0)?;
    }
    covered(date).then_some(day)
}

fn naive_add_months(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    let months = i64::from(date.year()) * 12 + i64::from(date.month0()) + n;
    let (year, month) = (
        months.div_euclid(12) as i32,
        months.rem_euclid(12) as u32 + 1,
    );
    let last_day = (28..=31)
        .rev()
        .find(|day| NaiveDate::from_ymd_opt(year, month, *day).is_some())?;
    let answer = NaiveDate::from_ymd_opt(year, month, date.day().min(last_day))?;
    (covered(date) && covered(answer)).then_some(answer)
}

// ---- The properties. ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 40_000, ..ProptestConfig::default() })]

    #[test]
    fn add_working_days_matches(calendar in calendar(), date in any_date(), n in -130i64..=130) {
        let fast = calendar.add_working_days(date, n).ok();
        prop_assert_eq!(fast, naive_add(calendar, date, n), "{} {} {:+}", calendar.name(), date, n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 30_000, ..ProptestConfig::default() })]

    #[test]
    fn working_days_between_matches(
        calendar in calendar(),
        from in any_date(),
        offset in -200i64..=200,
    ) {
        let to = shift(from, offset);
        let fast = calendar.working_days_between(from, to).ok();
        prop_assert_eq!(fast, naive_between(calendar, from, to), "{} {} {}", calendar.name(), from, to);
    }

    #[test]
    fn between_undoes_add(calendar in calendar(), date in any_date(), n in -130i64..=130) {
        prop_assume!(n != 0);
        if let Ok(due) = calendar.add_working_days(date, n) {
            prop_assert_eq!(calendar.working_days_between(date, due), Ok(n));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn single_day_questions_match(calendar in calendar(), date in any_date()) {
        let is_working = calendar.is_working_day(date).ok();
        prop_assert_eq!(is_working, covered(date).then(|| working(calendar, date)));
        prop_assert_eq!(calendar.next_working_day(date).ok(), naive_add(calendar, date, 1));
        prop_assert_eq!(calendar.previous_working_day(date).ok(), naive_add(calendar, date, -1));
        prop_assert_eq!(calendar.working_day_on_or_after(date).ok(), naive_add(calendar, date, 0));
        prop_assert_eq!(calendar.day_off(date).is_some(), is_working == Some(false));
    }

    #[test]
    fn calendar_units_match(calendar in calendar(), date in any_date(), n in -100i64..=100) {
        prop_assert_eq!(calendar.shift(date, n, Unit::Days).ok(), naive_add_days(date, n));
        prop_assert_eq!(calendar.shift(date, n, Unit::Weeks).ok(), naive_add_days(date, 7 * n));
        prop_assert_eq!(calendar.shift(date, n, Unit::Months).ok(), naive_add_months(date, n));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Long jumps, to reach the ends of the tables. Few cases: each walks up to 56,000 days.
    #[test]
    fn long_jumps_match(calendar in calendar(), date in any_date(), n in -40_000i64..=40_000) {
        prop_assert_eq!(calendar.add_working_days(date, n).ok(), naive_add(calendar, date, n));
    }
}
