//! Calendar days, weeks, months and hours: arithmetic that ignores weekends and holidays.
//!
//! These need no calendar, but they keep to the same covered years as working days do, so every
//! kind of deadline fails the same way far in the past or future.

use crate::date::day_number;
use crate::error::OutOfRange;
use chrono::{Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// The date `n` calendar days after `date` (before it when `n` is negative).
pub fn add_days(date: NaiveDate, n: i64) -> Result<NaiveDate, OutOfRange> {
    covered(date)?;
    let days = Days::new(n.unsigned_abs());
    let answer = if n >= 0 {
        date.checked_add_days(days)
    } else {
        date.checked_sub_days(days)
    };
    answer_covered(answer)
}

/// The date `n` weeks after `date`: exactly `7 × n` calendar days. "4 weeks before 1 May" is
/// 28 days before it, whatever weekday that is.
pub fn add_weeks(date: NaiveDate, n: i64) -> Result<NaiveDate, OutOfRange> {
    let days = n.checked_mul(7).ok_or(OutOfRange::Answer)?;
    add_days(date, days)
}

/// The same day of the month `n` months later (earlier when `n` is negative).
///
/// When that month is too short the answer is its last day: 31 January + 1 month is 28 February
/// (29 in a leap year), and 31 May − 1 month is 30 April. The answer never spills into the
/// following month.
pub fn add_months(date: NaiveDate, n: i64) -> Result<NaiveDate, OutOfRange> {
    covered(date)?;
    let months = u32::try_from(n.unsigned_abs()).map_err(|_| OutOfRange::Answer)?;
    let answer = if n >= 0 {
        date.checked_add_months(Months::new(months))
    } else {
        date.checked_sub_months(Months::new(months))
    };
    answer_covered(answer)
}

/// The time `hours` hours after `at` (before it when negative), counted on the clock: nights,
/// weekends and holidays all count. Times are UK local clock time; across a change to or from
/// summer time the count follows the clock on the wall, not the hours that passed.
pub fn add_hours(at: NaiveDateTime, hours: i64) -> Result<NaiveDateTime, OutOfRange> {
    covered(at.date())?;
    let answer = TimeDelta::try_hours(hours).and_then(|delta| at.checked_add_signed(delta));
    match answer {
        Some(answer) if day_number(answer.date()).is_some() => Ok(answer),
        _ => Err(OutOfRange::Answer),
    }
}

/// The moment a date-only event is taken to have happened: the last second of its day.
///
/// Recording only the date of a referral loses its time. Taking the *end* of the day means an
/// hours deadline is never earlier than it would be had the time been known, so no case is
/// marked late because a time was not written down: a referral on 2 March plus 24 hours is due
/// by 23:59:59 on 3 March.
pub fn end_of_day(date: NaiveDate) -> NaiveDateTime {
    date.and_time(LAST_SECOND)
}

/// 23:59:59. (The fallback is never used: the time exists.)
const LAST_SECOND: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// `hours` hours after an event known only by its date: counted from [`end_of_day`].
pub fn add_hours_to_date(date: NaiveDate, hours: i64) -> Result<NaiveDateTime, OutOfRange> {
    covered(date)?;
    add_hours(end_of_day(date), hours)
}

/// `Ok` if the tables cover `date`.
pub(crate) fn covered(date: NaiveDate) -> Result<(), OutOfRange> {
    match day_number(date) {
        Some(_) => Ok(()),
        None => Err(OutOfRange::Given(date)),
    }
}

fn answer_covered(answer: Option<NaiveDate>) -> Result<NaiveDate, OutOfRange> {
    answer
        .filter(|date| day_number(*date).is_some())
        .ok_or(OutOfRange::Answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        crate::date::parse_date(text).unwrap()
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn days_and_weeks() {
        assert_eq!(add_days(date("2025-12-30"), 3), Ok(date("2026-01-02")));
        assert_eq!(add_days(date("2026-03-01"), -1), Ok(date("2026-02-28")));
        // Four weeks before 1 May 2026 is 28 days before: Friday 3 April (Good Friday, but
        // calendar days do not care).
        assert_eq!(add_weeks(date("2026-05-01"), -4), Ok(date("2026-04-03")));
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(add_months(date("2026-01-31"), 1), Ok(date("2026-02-28")));
        assert_eq!(add_months(date("2028-01-31"), 1), Ok(date("2028-02-29")));
        assert_eq!(add_months(date("2026-05-31"), -1), Ok(date("2026-04-30")));
        assert_eq!(add_months(date("2026-01-15"), 12), Ok(date("2027-01-15")));
        assert_eq!(add_months(date("2026-03-31"), 0), Ok(date("2026-03-31")));
    }

    #[test]
    fn hours_run_round_the_clock() {
        assert_eq!(
            add_hours(at("2026-04-03 15:00:00"), 72),
            Ok(at("2026-04-06 15:00:00"))
        );
        assert_eq!(end_of_day(date("2026-03-02")), at("2026-03-02 23:59:59"));
        assert_eq!(
            add_hours_to_date(date("2026-03-02"), 24),
            Ok(at("2026-03-03 23:59:59"))
        );
    }

    #[test]
    fn out_of_range_is_an_error_not_a_panic() {
        let far = date("2150-01-01");
        assert_eq!(add_days(far, 1), Err(OutOfRange::Given(far)));
        assert_eq!(add_days(date("2100-12-31"), 1), Err(OutOfRange::Answer));
        assert_eq!(
            add_days(date("2000-01-01"), i64::MIN),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            add_weeks(date("2000-01-01"), i64::MAX),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            add_months(date("2000-01-01"), i64::MAX),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            add_months(date("2000-01-01"), -200 * 12),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            add_hours(at("2000-01-01 00:00:00"), i64::MAX),
            Err(OutOfRange::Answer)
        );
        assert_eq!(
            add_hours(at("1990-01-01 00:00:00"), -1),
            Err(OutOfRange::Answer)
        );
    }
}
