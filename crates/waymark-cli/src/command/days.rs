//! `waymark days`: working-day arithmetic for people who just need a date.
//!
//! The words of the request are parsed here, calendar files are read here, and the answer is
//! printed here; all the counting is done by `waymark-calendar`. The plain output is the answer
//! alone (a date, or a count for `between`) so scripts can use it; `--explain` shows the working.

use crate::Exit;
use crate::calendar::resolve_calendar;
use crate::exit::Failure;
use crate::output::{print_diagnostics, shown};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use waymark_calendar::{
    Calendar, Counted, DateError, DayOff, Direction, HolidayKind, Note, OutOfRange, Unit,
    computed_holidays_warning, default_calendar, parse_date, why_no_such_day,
};
use waymark_diagnostics::{Code, Diagnostic, FileId, Sources, Span};

const AFTER_HELP: &str = "\
Examples:
  waymark days 2025-12-01 +45                  45 working days after 1 December 2025
  waymark days 2026-04-07 -10                  10 working days before 7 April 2026
  waymark days 2026-05-01 -4w                  4 weeks (28 days) before 1 May 2026
  waymark days 2026-05-01 +3d                  3 calendar days after
  waymark days 2026-01-31 +1m                  1 month after: 2026-02-28 (a short month ends early)
  waymark days 2026-01-10 -0                   a Saturday: the working day before, 2026-01-09
  waymark days between 2026-01-05 2026-03-02   working days after the first date, up to the second
  waymark days 2025-12-01 +45 --explain        also list the weekends and holidays skipped

Amounts: +N or -N working days (also +Nwd), +Nd calendar days, +Nw weeks, +Nm months.
N working days after a date count from the next day; the N-th working day is the answer.
+0 gives the date itself if it is a working day, else the next working day; -0 gives the date
itself, else the working day before it.

Calendars (default england-and-wales):
  --calendar scotland                     built-in: england-and-wales, scotland, northern-ireland
  --calendar bank-holidays.json           GOV.UK's file from www.gov.uk/bank-holidays.json,
                                          England and Wales part
  --calendar bank-holidays.json#scotland  the same file, Scotland part
  --calendar closures.txt                 extra days off on top of England and Wales: one
                                          `YYYY-MM-DD  description` a line, or
                                          `YYYY-MM-DD to YYYY-MM-DD  description`
  --calendar scotland --calendar closures.txt    closures on top of another calendar

Exit codes: 0 answer printed, 1 a calendar file has problems, 2 bad request (date, amount,
flag or file name) or the answer cannot be written (a full disk). See docs/calendar.md for the rules in full.";

/// Count working days (or days, weeks, months) from a date.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DaysArgs {
    /// A date, e.g. `2025-12-01`, or the word `between`.
    #[arg(value_name = "DATE")]
    pub first: String,

    /// An amount such as `+45`, `-10`, `-4w`, `+3d` or `+2m` (after `between`: the first date).
    #[arg(value_name = "AMOUNT", allow_hyphen_values = true)]
    pub second: Option<String>,

    /// After `between`: the second date.
    #[arg(value_name = "DATE2")]
    pub third: Option<String>,

    /// A built-in calendar name, a GOV.UK bank-holidays file (`FILE` or `FILE#DIVISION`) or a
    /// closures file. Give it again to add closures files to a calendar.
    #[arg(long, value_name = "NAME|FILE")]
    pub calendar: Vec<String>,

    /// Show the working: every weekend day and holiday skipped, with holiday names.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: DaysArgs) -> Exit {
    let mut sources = Sources::new();
    let words: Vec<String> = [Some(args.first), args.second, args.third]
        .into_iter()
        .flatten()
        .collect();
    let line = CommandLine::new(&words, &mut sources);
    let outcome = parse_request(&line)
        .and_then(|request| {
            Ok((
                request,
                resolve_calendar(&args.calendar, default_calendar(), &mut sources)?,
            ))
        })
        .and_then(|(request, calendar)| answer(&request, &calendar, &line, args.explain));
    match outcome {
        Ok(warnings) => {
            print_diagnostics(&warnings, &sources);
            Exit::Success
        }
        Err(failure) => failure.report(&sources),
    }
}

/// A usage error with its code, which ends the message (as every command's usage errors do).
fn coded(code: Code, message: impl Into<String>, help: impl Into<String>) -> Failure {
    Failure::usage(format!("{} ({code})", message.into())).help(help)
}

// ---------------------------------------------------------------------------------------------
// The request: `DATE AMOUNT` or `between DATE DATE`

/// The request words as one line of text, so diagnostics can point at a word.
struct CommandLine<'a> {
    words: &'a [String],
    file: FileId,
    starts: Vec<usize>,
}

impl<'a> CommandLine<'a> {
    fn new(words: &'a [String], sources: &mut Sources) -> Self {
        let mut starts = Vec::new();
        let mut text = String::new();
        for word in words {
            if !text.is_empty() {
                text.push(' ');
            }
            starts.push(text.len());
            text.push_str(word);
        }
        let file = sources.add("command line", text);
        CommandLine {
            words,
            file,
            starts,
        }
    }

    /// The span of word `index`.
    fn span(&self, index: usize) -> Span {
        let start = self.starts.get(index).copied().unwrap_or(0);
        let length = self.words.get(index).map_or(0, String::len);
        Span::new(self.file, start, start + length)
    }
}

enum Request {
    /// `DATE AMOUNT`: the date, how many, of what.
    Shift(NaiveDate, i64, Unit),
    /// `DATE -0`: the date if it is a working day, else the working day before it (as `due 0
    /// working days before` counts in a procedure).
    OnOrBefore(NaiveDate),
    /// `between DATE DATE`.
    Between(NaiveDate, NaiveDate),
}

fn parse_request(line: &CommandLine) -> Result<Request, Failure> {
    let words: Vec<&str> = line.words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["between", from, to] => Ok(Request::Between(date_word(from)?, date_word(to)?)),
        ["between", ..] => Err(coded(
            Code::RequestMalformed,
            "`between` needs two dates",
            "write `waymark days between 2026-01-05 2026-03-02`",
        )),
        [date, amount] => {
            let date = date_word(date)?;
            let (n, unit) = amount_word(amount)?;
            match n == 0 && unit == Unit::WorkingDays && amount.starts_with('-') {
                true => Ok(Request::OnOrBefore(date)),
                false => Ok(Request::Shift(date, n, unit)),
            }
        }
        [_] => Err(coded(
            Code::RequestMalformed,
            "a date needs an amount after it",
            "write e.g. `waymark days 2025-12-01 +45` for 45 working days after the date",
        )),
        _ => Err(coded(
            Code::RequestMalformed,
            format!("cannot read the request `{}`", shown(&words.join(" "))),
            "write `waymark days DATE AMOUNT` (e.g. `2025-12-01 +45`) or \
             `waymark days between DATE DATE`; see `waymark days --help`",
        )),
    }
}

/// A date of the request. One outside 1990-2100 is left to the calendar, which reports it as
/// WM0404 pointing at the word.
fn date_word(word: &str) -> Result<NaiveDate, Failure> {
    real_date(word, &format!("`{}`", shown(word)))
        .map_err(|(message, help)| coded(Code::DateArgumentInvalid, message, help))
}

/// The first and last years Waymark counts in (its calendar table's range).
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A date from the command line: written YYYY-MM-DD, real, and within 1990-2100 (a mistyped
/// year would otherwise give a silently wrong answer). `flag` names the flag, if any, for the
/// message. The error is a message and a hint.
pub(crate) fn date_in_range(word: &str, flag: &str) -> Result<NaiveDate, (String, String)> {
    let quoted = if flag.is_empty() {
        format!("`{}`", shown(word))
    } else {
        format!("`{flag} {}`", shown(word))
    };
    let date = real_date(word, &quoted)?;
    if !YEARS.contains(&date.year()) {
        return Err((
            format!(
                "{quoted} is outside {}-{}, the years Waymark covers",
                YEARS.start(),
                YEARS.end()
            ),
            "check the year: a date this far away is almost always a typing slip".to_string(),
        ));
    }
    Ok(date)
}

/// A date written YYYY-MM-DD that exists; `quoted` is how the message shows the word.
fn real_date(word: &str, quoted: &str) -> Result<NaiveDate, (String, String)> {
    parse_date(word).map_err(|error| match error {
        DateError::Shape => (
            format!("{quoted} is not a date written YYYY-MM-DD"),
            "write dates with the year first, e.g. `2026-03-02` for 2 March 2026".to_string(),
        ),
        DateError::NoSuchDay => (
            format!("{quoted} is not a real date: {}", why_no_such_day(word)),
            "check the day and the month".to_string(),
        ),
    })
}

/// `+45`, `-10`, `45`, `+45wd` (working days), `+3d`, `-4w`, `+2m`.
fn amount_word(word: &str) -> Result<(i64, Unit), Failure> {
    let bad = || {
        coded(
            Code::AmountInvalid,
            format!("`{}` is not an amount", shown(word)),
            "write a sign, a number and an optional unit: `+45` (working days), `-10` (working \
             days before), `+3d` (calendar days), `-4w` (weeks), `+2m` (months)",
        )
    };
    let (sign, rest) = match word.as_bytes().first() {
        Some(b'-') => (-1, word.get(1..).unwrap_or_default()),
        Some(b'+') => (1, word.get(1..).unwrap_or_default()),
        _ => (1, word),
    };
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(digits_end);
    // No suffix means working days.
    let unit = match suffix {
        "" => Unit::WorkingDays,
        suffix => Unit::from_suffix(suffix).ok_or_else(bad)?,
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| {
        coded(
            Code::AmountInvalid,
            format!("`{}` is too large an amount", shown(word)),
            "the answer must fall within 1990-2100, so no amount needs more than five digits",
        )
    })?;
    Ok((sign * n, unit))
}

// ---------------------------------------------------------------------------------------------
// The answer, and its explanation

/// Prints the answer (and with `explain`, the working); returns any warnings to show.
fn answer(
    request: &Request,
    calendar: &Calendar,
    line: &CommandLine,
    explain: bool,
) -> Result<Vec<Diagnostic>, Failure> {
    let date_span = line.span(usize::from(matches!(request, Request::Between(..))));
    let out_of_range =
        |error: OutOfRange| Failure::usage("").with(vec![error.diagnostic(date_span)]);
    let (start, end) = match *request {
        Request::Shift(date, n, unit) => {
            let due = calendar.shift(date, n, unit).map_err(out_of_range)?;
            if explain {
                explain_shift(calendar, date, n, unit).map_err(out_of_range)?;
            }
            println!("{due}");
            (date, due)
        }
        Request::OnOrBefore(date) => {
            let due = calendar
                .working_day_on_or_before(date)
                .map_err(out_of_range)?;
            if explain {
                explain_on_or_before(calendar, date, due);
            }
            println!("{due}");
            (due, date)
        }
        Request::Between(from, to) => {
            let count = calendar
                .working_days_between(from, to)
                .map_err(out_of_range)?;
            if explain {
                explain_between(calendar, from, to, count);
            }
            println!("{count}");
            (from, to)
        }
    };
    let computed = calendar.computed_years(start, end);
    Ok(computed_holidays_warning(&computed, date_span)
        .into_iter()
        .collect())
}

/// Prints how `-0` was counted: the date itself, or the working day before it.
fn explain_on_or_before(calendar: &Calendar, date: NaiveDate, due: NaiveDate) {
    println!(
        "Counting 0 working days before {} (calendar: {}).",
        long_date(date),
        calendar.name()
    );
    println!(
        "0 working days before means the date itself if it is a working day, else the one before it."
    );
    if let Some(day_off) = calendar.day_off(date) {
        let why = day_off
            .weekday_holiday()
            .map_or("a weekend day", |holiday| holiday.name.as_str());
        println!("{} is not a working day: {why}.", long_date(date));
    }
    println!("The answer is {}.", long_date(due));
}

/// Prints how `n` units after `date` was counted: the facts are the calendar's [`Counted`].
fn explain_shift(
    calendar: &Calendar,
    date: NaiveDate,
    n: i64,
    unit: Unit,
) -> Result<(), OutOfRange> {
    let counted = calendar.explain_shift(date, n, unit)?;
    let count = counted.count;
    let direction = counted.direction.word();
    let from = long_date(date);
    let to = long_date(counted.due);
    match unit {
        Unit::WorkingDays => explain_working_days(calendar, &counted),
        Unit::CalendarDays => {
            println!("{} {direction} {from} is {to}.", unit.amount_words(count));
            println!("Calendar days count weekends and holidays like any other day.");
        }
        Unit::Weeks => {
            let days = count.saturating_mul(7);
            println!(
                "{} ({days} days) {direction} {from} is {to}.",
                unit.amount_words(count)
            );
            println!("Weeks are 7 calendar days each; weekends and holidays count.");
        }
        // `waymark days` takes no hours (they have no suffix), but counted from the end of the
        // date they read the same.
        Unit::Months | Unit::Hours => {
            println!("{} {direction} {from} is {to}.", unit.amount_words(count))
        }
    }
    for note in &counted.notes {
        match note {
            Note::MonthEnd { day } => {
                let month = counted.due.format("%B %Y");
                println!("{month} has no day {day}, so the answer is its last day.");
            }
            Note::NotMoved(day_off) => {
                let why = day_off
                    .holiday
                    .map_or("weekend", |holiday| holiday.name.as_str());
                println!("Note: {to} is not a working day ({why}).");
            }
            Note::SameWorkingDay => {}
        }
    }
    Ok(())
}

fn explain_working_days(calendar: &Calendar, counted: &Counted) {
    let count = counted.count;
    let direction = counted.direction.word();
    let from = long_date(counted.from);
    let name = calendar.name();
    println!(
        "Counting {} {direction} {from} (calendar: {name}).",
        Unit::WorkingDays.amount_words(count)
    );
    let same_day = counted.notes.contains(&Note::SameWorkingDay);
    match (same_day, counted.direction) {
        (true, _) => println!(
            "0 working days means the date itself if it is a working day, else the next one."
        ),
        (false, Direction::After) => println!("The count starts the day after {from}."),
        (false, Direction::Before) => println!("The count goes back from the day before {from}."),
    }
    list_days_off(&counted.skipped);
    match same_day {
        true => println!("The answer is {}.", long_date(counted.due)),
        false => println!(
            "The {} working day {direction} is {}.",
            waymark_calendar::ordinal(count),
            long_date(counted.due)
        ),
    }
}

fn explain_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate, count: i64) {
    let (first, last) = (long_date(from), long_date(to));
    let name = calendar.name();
    if to >= from {
        println!(
            "Counting working days after {first} up to and including {last} (calendar: {name})."
        );
    } else {
        println!(
            "Counting working days from {last} up to the day before {first}, as a negative \
             number (calendar: {name})."
        );
    }
    list_days_off(&calendar.days_off_between(from, to).unwrap_or_default());
    println!("{count} {}.", Unit::WorkingDays.words(count.unsigned_abs()));
}

fn list_days_off(days: &[DayOff]) {
    if days.is_empty() {
        println!("No weekend days or holidays were skipped.");
        return;
    }
    println!("Skipped, not working days:");
    let (mut weekend, mut bank, mut closed) = (0, 0, 0);
    for day in days {
        let weekday = day.date.format("%A").to_string();
        match day.holiday {
            Some(holiday) => println!("  {}  {weekday:<9}  {}", day.date, holiday.name),
            None => println!("  {}  {weekday}", day.date),
        }
        match day.weekday_holiday().map(|holiday| holiday.kind) {
            None => weekend += 1,
            Some(HolidayKind::Closure) => closed += 1,
            Some(HolidayKind::BankHoliday) => bank += 1,
        }
    }
    let mut parts = vec![format!("{weekend} weekend {}", plural(weekend, "day"))];
    if bank > 0 {
        parts.push(format!("{bank} bank {}", plural(bank, "holiday")));
    }
    if closed > 0 {
        parts.push(format!("{closed} closure {}", plural(closed, "day")));
    }
    let last = parts.pop().unwrap_or_default();
    match parts.is_empty() {
        true => println!("That is {last}."),
        false => println!("That is {} and {last}.", parts.join(", ")),
    }
}

/// "Monday 2025-12-01".
fn long_date(date: NaiveDate) -> String {
    format!("{} {date}", date.format("%A"))
}

fn plural(count: u64, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amounts() {
        let read = |word: &str| amount_word(word).ok();
        assert_eq!(read("+45"), Some((45, Unit::WorkingDays)));
        assert_eq!(read("45"), Some((45, Unit::WorkingDays)));
        assert_eq!(read("-10"), Some((-10, Unit::WorkingDays)));
        assert_eq!(read("+10wd"), Some((10, Unit::WorkingDays)));
        assert_eq!(read("-4w"), Some((-4, Unit::Weeks)));
        assert_eq!(read("+3d"), Some((3, Unit::CalendarDays)));
        assert_eq!(read("+2m"), Some((2, Unit::Months)));
        for bad in ["+x", "+", "", "4x", "+4 w", "--4", "+99999999999999999999"] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_help_shows_every_suffix() {
        for suffix in Unit::ALL.into_iter().filter_map(Unit::suffix) {
            let shown = [" ", ")"].map(|end| format!("+N{suffix}{end}"));
            assert!(shown.iter().any(|s| AFTER_HELP.contains(s)), "{suffix}");
            assert_eq!(
                amount_word(&format!("+2{suffix}")).ok().map(|(n, _)| n),
                Some(2)
            );
        }
    }

    #[test]
    fn ordinals() {
        let all: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 45, 101, 111]
            .map(waymark_calendar::ordinal)
            .into();
        assert_eq!(
            all,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "45th",
                "101st", "111th"
            ]
        );
    }
}
