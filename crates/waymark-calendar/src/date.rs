//! Dates as the tables see them: the supported range, day numbers, and strict `YYYY-MM-DD` text.
//!
//! Every date the tables know is a *day number*: days since 1 January [`FIRST_YEAR`]. That day
//! was a Monday, so a day number's weekday is just its remainder after dividing by 7.
#![allow(
    clippy::indexing_slicing,
    reason = "the tables are built at compile time and indexed by year, month and day numbers inside the ranges they were built for"
)]

use chrono::{Datelike, NaiveDate, Weekday};

/// The first year the tables cover.
pub const FIRST_YEAR: i32 = 1990;
/// The last year the tables cover.
pub const LAST_YEAR: i32 = 2100;

/// How many days the tables cover: 1990-01-01 to 2100-12-31 inclusive (111 years, 27 of them
/// leap years). A test checks this against chrono.
pub(crate) const DAY_COUNT: usize = 111 * 365 + 27;

// Day numbers are stored as `u16` to keep the tables small; this is where that stops fitting.
const _: () = assert!(DAY_COUNT < u16::MAX as usize);

/// The first date the tables cover, 1990-01-01.
pub fn first_date() -> NaiveDate {
    date_of(0)
}

/// The last date the tables cover, 2100-12-31.
pub fn last_date() -> NaiveDate {
    date_of(DAY_COUNT - 1)
}

/// The day number of `date` (days since 1 January [`FIRST_YEAR`]), or `None` outside the
/// covered years. From the year's first day and the day of the year: cheaper than counting
/// from chrono's epoch, and this runs for every date of every case.
pub fn day_number(date: NaiveDate) -> Option<usize> {
    let year = usize::try_from(date.year() - FIRST_YEAR).ok()?;
    Some(usize::from(*YEAR_STARTS.get(year)?) + date.ordinal0() as usize)
}

const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

/// The day number of 1 January of each covered year.
const YEAR_STARTS: [u16; YEARS] = {
    let mut starts = [0u16; YEARS];
    let mut index = 0;
    let mut day = 0;
    while index < YEARS {
        starts[index] = day;
        day += if is_leap_year(FIRST_YEAR + index as i32) {
            366
        } else {
            365
        };
        index += 1;
    }
    starts
};

/// The date of a day number. Only called with numbers below [`DAY_COUNT`], which always exist.
///
/// A look-up in a table of every covered date (160 KB, made when Waymark is compiled, so
/// there is no set-up to check for on each call): it makes adding working days about half as
/// fast again as asking chrono each time.
pub(crate) fn date_of(day: usize) -> NaiveDate {
    DATES.get(day).copied().unwrap_or(NaiveDate::MIN)
}

/// Whether `year` has a 29 February (the Gregorian rule).
pub const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in each month of a common year.
const DAYS_IN_MONTH: [u16; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

static DATES: [NaiveDate; DAY_COUNT] = {
    let mut dates = [NaiveDate::MIN; DAY_COUNT];
    let mut day = 0;
    let mut year = FIRST_YEAR;
    while year <= LAST_YEAR {
        let mut month = 0;
        while month < 12 {
            let length = DAYS_IN_MONTH[month] + (month == 1 && is_leap_year(year)) as u16;
            let mut date = 1;
            while date <= length {
                dates[day] = match NaiveDate::from_ymd_opt(year, month as u32 + 1, date as u32) {
                    Some(date) => date,
                    None => NaiveDate::MIN,
                };
                day += 1;
                date += 1;
            }
            month += 1;
        }
        year += 1;
    }
    dates
};

/// Saturday or Sunday. (1990-01-01, day number 0, was a Monday.)
pub(crate) fn is_weekend_day(day: usize) -> bool {
    day % 7 >= 5
}

/// Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Why a text is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not written as `YYYY-MM-DD` (four, two and two digits).
    Shape,
    /// Written correctly but no such day, e.g. `2026-02-30`.
    NoSuchDay,
}

/// Reads a date written exactly `YYYY-MM-DD`, the only way Waymark writes dates.
///
/// Stricter than chrono's parser on purpose: `2026-2-3` or `+2026-02-03` are more likely typing
/// slips than intended dates, so they are refused rather than guessed at.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, byte)| match i {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        return Err(DateError::Shape);
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|digits| digits.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(DateError::Shape);
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(DateError::NoSuchDay)
}

/// Why a correctly shaped date does not exist, e.g. "February 2026 has 28 days".
pub fn why_no_such_day(text: &str) -> String {
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|digits| digits.parse::<u32>().ok())
    };
    let (Some(year), Some(month)) = (number(0..4), number(5..7)) else {
        return "it is not written YYYY-MM-DD".to_string();
    };
    if !(1..=12).contains(&month) {
        return "months run from 01 to 12".to_string();
    }
    let this = NaiveDate::from_ymd_opt(year as i32, month, 1);
    let next = NaiveDate::from_ymd_opt(year as i32 + i32::from(month == 12), month % 12 + 1, 1);
    match (this, next) {
        (Some(this), Some(next)) => format!(
            "{} {year} has {} days",
            this.format("%B"),
            next.signed_duration_since(this).num_days()
        ),
        _ => "no such day".to_string(),
    }
}

/// 1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st: for "the 45th working day".
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_from_the_first_covered_day_like_chrono() {
        let first = first_date();
        for date in first.iter_days().take(DAY_COUNT + 1) {
            let expected = (date - first).num_days() as usize;
            let number = day_number(date);
            match expected < DAY_COUNT {
                true => assert_eq!(number, Some(expected), "{date}"),
                false => assert_eq!(number, None, "{date}"),
            }
            if let Some(number) = number {
                assert_eq!(date_of(number), date);
            }
        }
        assert_eq!(
            day_number(NaiveDate::from_ymd_opt(1989, 12, 31).unwrap()),
            None
        );
    }

    #[test]
    fn range_constants_agree_with_chrono() {
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap();
        assert_eq!(
            first.weekday(),
            Weekday::Mon,
            "weekday arithmetic assumes a Monday"
        );
        assert_eq!(
            last.signed_duration_since(first).num_days() + 1,
            DAY_COUNT as i64
        );
        assert_eq!(first_date(), first);
        assert_eq!(last_date(), last);
    }

    #[test]
    fn day_numbers_round_trip() {
        for day in [0, 1, 6, 7, 12_345, DAY_COUNT - 1] {
            let date = date_of(day);
            assert_eq!(day_number(date), Some(day));
            assert_eq!(is_weekend_day(day), is_weekend(date), "{date}");
        }
        assert_eq!(day_number(first_date().pred_opt().unwrap()), None);
        assert_eq!(day_number(last_date().succ_opt().unwrap()), None);
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(
            parse_date("2026-03-27"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 27).unwrap())
        );
        assert_eq!(parse_date("2026-02-30"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("2026-13-01"), Err(DateError::NoSuchDay));
        for bad in [
            "2026-2-03",
            "26-02-03",
            "+026-02-03",
            "2026/02/03",
            "2026-02-03x",
            "",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::Shape), "{bad}");
        }
    }

    #[test]
    fn says_why_a_day_does_not_exist() {
        assert_eq!(why_no_such_day("2026-02-30"), "February 2026 has 28 days");
        assert_eq!(why_no_such_day("2024-02-30"), "February 2024 has 29 days");
        assert_eq!(why_no_such_day("2025-12-32"), "December 2025 has 31 days");
        assert_eq!(why_no_such_day("2026-13-01"), "months run from 01 to 12");
    }
}
