//! Working-day calendars: UK bank holidays and O(1) due-date arithmetic from precomputed tables.
//!
//! This crate answers "what date is 45 working days after 1 December?" for the interpreter and
//! for `waymark days`. It does no file reading and no printing: it takes text and dates, and
//! returns dates, counts and [`Diagnostic`]s. Start from [`builtin`], which gives the calendar of
//! a UK division, and [`Calendar::add_working_days`]. Files a user supplies are read by the CLI
//! and handed over as text to [`parse_calendar_file`].
//!
//! # How days are counted
//!
//! - **Working days** are Monday to Friday, except the calendar's holidays.
//! - **N working days after X** counts from the day after X; the N-th working day is the answer.
//!   X itself never counts, so an X at a weekend counts as if it were the next working day.
//!   **0 working days after X** is X if X is a working day, otherwise the next working day.
//! - **N working days before X** counts back the same way from the day before X.
//! - **Working days between A and B** are the working days after A up to and including B, so
//!   that `working_days_between(a, add_working_days(a, n)) == n` for every n but 0.
//! - **Days, weeks and months** ignore weekends and holidays. N weeks is 7N days. N months keeps
//!   the day of the month, clamped to the month's end (31 January + 1 month = 28 or 29 February).
//!   The answer is not moved off a weekend or holiday.
//! - **Hours** count round the clock on [`chrono::NaiveDateTime`]s. An event known only by its
//!   date is taken as happening at 23:59:59 that day ([`end_of_day`]), so "24 hours after a
//!   referral on 2 March" is due by the end of 3 March and nobody is marked late for want of
//!   a time.
//!
//! # Where holidays come from
//!
//! Each built-in calendar uses the data files in `data/` for 2010-2030 (published dates, with
//! one-off days such as jubilees) and computes other years from the standing rules
//! ([`rule_holidays`]). [`Calendar::computed_years`] says when an answer depends on computed
//! years, so the caller can warn (WM0405). All tables cover 1990-2100; a date outside gives
//! [`OutOfRange`] (WM0404).
//!
//! # Speed
//!
//! Each calendar precomputes two small tables over all 40,542 covered days (see `table.rs`),
//! so adding working days is two array look-ups, whatever the number of days.

mod calendar;
mod closures;
mod continuous;
mod date;
mod error;
mod explain;
mod govuk;
mod holidays;
mod shipped;
mod table;
mod unit;

pub use calendar::{Calendar, DayOff};
pub use closures::parse_closures;
pub use continuous::{add_days, add_hours, add_hours_to_date, add_months, add_weeks, end_of_day};
pub use date::{
    DateError, FIRST_YEAR, LAST_YEAR, day_number, first_date, is_leap_year, is_weekend, last_date,
    ordinal, parse_date, why_no_such_day,
};
pub use error::{OutOfRange, computed_holidays_warning};
pub use explain::{Counted, Direction, Note};
pub use govuk::{is_govuk_json, parse_govuk};
pub use holidays::{Division, Holiday, HolidayKind, easter_sunday, rule_holidays};
pub use shipped::{SHIPPED_FIRST_YEAR, SHIPPED_LAST_YEAR};
pub use unit::Unit;

use std::sync::OnceLock;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};

/// The names of the built-in calendars, the default first.
pub fn builtin_names() -> &'static [&'static str] {
    &["england-and-wales", "scotland", "northern-ireland"]
}

/// The built-in calendar with this name (see [`builtin_names`]), built on first use and shared.
pub fn builtin(name: &str) -> Option<&'static Calendar> {
    Division::from_name(name).map(builtin_division)
}

/// The built-in calendar of a division, built on first use and shared.
pub fn builtin_division(division: Division) -> &'static Calendar {
    static CALENDARS: [OnceLock<Calendar>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match division {
        Division::EnglandAndWales => &CALENDARS[0],
        Division::Scotland => &CALENDARS[1],
        Division::NorthernIreland => &CALENDARS[2],
    };
    slot.get_or_init(|| Calendar::for_division(division))
}

/// The default calendar, England and Wales.
pub fn default_calendar() -> &'static Calendar {
    builtin_division(Division::EnglandAndWales)
}

/// The division named `name`, or a WM0403 diagnostic at `span` (with "did you mean").
pub fn division_named(name: &str, span: Span) -> Result<Division, Box<Diagnostic>> {
    if let Some(division) = Division::from_name(name) {
        return Ok(division);
    }
    let help = match did_you_mean(name, builtin_names().iter().copied()) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None => format!("the divisions are {}", builtin_names().join(", ")),
    };
    let diagnostic = Diagnostic::new(
        Code::UnknownDivision,
        span,
        format!("`{name}` is not a UK bank-holiday division"),
    )
    .label("unknown division")
    .help(help);
    Err(Box::new(diagnostic))
}

/// What a calendar file held.
#[derive(Clone, Debug)]
pub enum CalendarFile {
    /// A GOV.UK bank-holidays file: a whole calendar, for the division asked for.
    BankHolidays(Calendar),
    /// A closures file: days to add to another calendar with [`Calendar::with_closures`].
    Closures(Vec<Holiday>),
}

/// Reads a calendar file's text, telling the two formats apart by content: a GOV.UK JSON file
/// (its `division` is used), or a closures list. `name` names the calendar in messages.
pub fn parse_calendar_file(
    name: &str,
    text: &str,
    file: FileId,
    division: Division,
) -> Result<CalendarFile, Vec<Diagnostic>> {
    if is_govuk_json(text) {
        parse_govuk(name, text, file, division)
            .map(CalendarFile::BankHolidays)
            .map_err(|diagnostic| vec![*diagnostic])
    } else {
        parse_closures(text, file).map(CalendarFile::Closures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_name_resolves() {
        for name in builtin_names() {
            assert_eq!(builtin(name).map(Calendar::name), Some(*name));
        }
        assert!(builtin("wales").is_none());
        assert_eq!(default_calendar().name(), "england-and-wales");
    }

    #[test]
    fn unknown_division_suggests_a_name() {
        let error = division_named("scotand", Span::default()).unwrap_err();
        assert_eq!(error.code, Code::UnknownDivision);
        assert_eq!(error.help, "did you mean `scotland`?");
        assert_eq!(
            division_named("scotland", Span::default()),
            Ok(Division::Scotland)
        );
    }

    #[test]
    fn file_format_is_told_by_content() {
        let json = r#"{"england-and-wales":{"events":[]}}"#;
        let file = FileId(0);
        let ew = Division::EnglandAndWales;
        assert!(matches!(
            parse_calendar_file("a", json, file, ew),
            Ok(CalendarFile::BankHolidays(_))
        ));
        assert!(matches!(
            parse_calendar_file("b", "2025-12-24\n", file, ew),
            Ok(CalendarFile::Closures(days)) if days.len() == 1
        ));
        assert!(parse_calendar_file("c", "Christmas Eve\n", file, ew).is_err());
    }
}
