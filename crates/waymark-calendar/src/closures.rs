//! The closures file: a plain list of extra days off, one line each.
//!
//! ```text
//! # Anytown children's services: office closures
//! 2025-12-24  Christmas Eve
//! 2025-12-29 to 2025-12-31  Christmas closure
//! 2026-06-15
//! ```
//!
//! A line is a date written `YYYY-MM-DD`, or a range `FIRST to LAST` (both days included),
//! then an optional description. Lines starting with `#` are comments; blank lines are ignored.
//! The shipped bank-holiday files (`data/*.txt`) use the same format.

use crate::date::{DateError, day_number, parse_date, why_no_such_day};
use crate::error::out_of_range_message;
use crate::holidays::{Holiday, HolidayKind};
use chrono::NaiveDate;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// A range longer than this is taken to be a slip (`2025-12-29 to 2052-12-31`), not a plan.
const LONGEST_RANGE_DAYS: i64 = 366;

/// The description given to a closure line that has none.
const UNNAMED: &str = "closure";

/// Reads a closures file. Every bad line is reported, not just the first.
pub fn parse_closures(text: &str, file: FileId) -> Result<Vec<Holiday>, Vec<Diagnostic>> {
    let (days, diagnostics) = parse_lines(text, file, HolidayKind::Closure);
    if diagnostics.is_empty() {
        Ok(days)
    } else {
        Err(diagnostics)
    }
}

/// Reads every line it can, collecting the days and a diagnostic for each line it cannot.
pub(crate) fn parse_lines(
    text: &str,
    file: FileId,
    kind: HolidayKind,
) -> (Vec<Holiday>, Vec<Diagnostic>) {
    let mut days = Vec::new();
    let mut diagnostics = Vec::new();
    // A byte-order mark (Notepad writes one) is not part of the first date; skip it, keeping
    // offsets true to the file.
    let (text, mut offset) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    for raw in text.split_inclusive('\n') {
        let line = Line::new(raw, offset, file);
        offset += raw.len();
        match line.parse(kind) {
            Ok(parsed) => days.extend(parsed),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (days, diagnostics)
}

/// One line of the file, with where it starts so that diagnostics point at the right bytes.
struct Line<'a> {
    text: &'a str,
    start: usize,
    file: FileId,
}

/// A word of a line and its byte range in the file.
struct Word<'a> {
    text: &'a str,
    span: Span,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str, start: usize, file: FileId) -> Self {
        let text = raw.trim_end_matches(['\n', '\r']);
        Line { text, start, file }
    }

    /// The first word at or after byte `from` of the line, and the byte where it ends.
    fn word(&self, from: usize) -> Option<(Word<'a>, usize)> {
        let rest = self.text.get(from..)?;
        let skipped = rest.len() - rest.trim_start().len();
        let begin = from + skipped;
        let word = self.text.get(begin..)?.split_whitespace().next()?;
        let end = begin + word.len();
        let span = Span::new(self.file, self.start + begin, self.start + end);
        Some((Word { text: word, span }, end))
    }

    fn parse(&self, kind: HolidayKind) -> Result<Vec<Holiday>, Box<Diagnostic>> {
        let trimmed = self.text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(Vec::new());
        }
        let Some((first_word, mut end)) = self.word(0) else {
            return Ok(Vec::new());
        };
        let first = date_word(&first_word)?;
        let mut last = (first, first_word.span);
        if let Some((word, after)) = self.word(end).filter(|(word, _)| word.text == "to") {
            let Some((last_word, after_last)) = self.word(after) else {
                return Err(missing_range_end(word.span));
            };
            last = (date_word(&last_word)?, last_word.span);
            end = after_last;
        }
        let name = self.text.get(end..).unwrap_or_default().trim();
        let name = if name.is_empty() { UNNAMED } else { name };
        expand(first, last.0, first_word.span.to(last.1), name, kind)
    }
}

/// The date a word holds, or a diagnostic saying why it is not one.
fn date_word(word: &Word) -> Result<NaiveDate, Box<Diagnostic>> {
    let date = parse_date(word.text).map_err(|error| match error {
        DateError::Shape => Diagnostic::new(
            Code::CalendarFileMalformed,
            word.span,
            format!("expected a date written YYYY-MM-DD, found `{}`", word.text),
        )
        .label("not a date")
        .help(
            "each line is a date and an optional description, e.g. `2025-12-24  Christmas Eve`, \
             or a range, e.g. `2025-12-29 to 2025-12-31  Christmas closure`; \
             lines starting with `#` are comments",
        ),
        DateError::NoSuchDay => Diagnostic::new(
            Code::CalendarBadDate,
            word.span,
            format!("`{}` is not a real date", word.text),
        )
        .label(why_no_such_day(word.text))
        .help("check the day and the month; dates are written YYYY-MM-DD"),
    });
    let date = date.map_err(Box::new)?;
    if day_number(date).is_none() {
        let message = out_of_range_message(date);
        let diagnostic = Diagnostic::new(Code::DateOutOfRange, word.span, message)
            .label("outside the years Waymark covers")
            .help("remove the line, or check the year for a typing slip");
        return Err(Box::new(diagnostic));
    }
    Ok(date)
}

fn missing_range_end(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(
            Code::CalendarFileMalformed,
            span,
            "a range needs a last date after `to`",
        )
        .label("no date after this")
        .help("write a range as `2025-12-29 to 2025-12-31  Christmas closure`"),
    )
}

/// Every day from `first` to `last`, both included, as days off named `name`.
fn expand(
    first: NaiveDate,
    last: NaiveDate,
    span: Span,
    name: &str,
    kind: HolidayKind,
) -> Result<Vec<Holiday>, Box<Diagnostic>> {
    let length = last.signed_duration_since(first).num_days() + 1;
    if length < 1 {
        let diagnostic = Diagnostic::new(
            Code::CalendarFileMalformed,
            span,
            format!("the range ends on {last}, before it starts on {first}"),
        )
        .label("ends before it starts")
        .help("write the earlier date first: `FIRST to LAST`");
        return Err(Box::new(diagnostic));
    }
    if length > LONGEST_RANGE_DAYS {
        let diagnostic = Diagnostic::new(
            Code::CalendarFileMalformed,
            span,
            format!("the range is {length} days long, more than a year"),
        )
        .label("longer than a year")
        .help("check the years for a typing slip; a long closure can be split into yearly ranges");
        return Err(Box::new(diagnostic));
    }
    let days = first
        .iter_days()
        .take(length as usize)
        .map(|date| Holiday {
            date,
            name: name.to_string(),
            kind,
        })
        .collect();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_diagnostics::SourceFile;

    fn parse(text: &str) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        parse_closures(text, FileId(0)).map(|days| {
            days.into_iter()
                .map(|day| (day.date.to_string(), day.name))
                .collect()
        })
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_offsets_stay_true() {
        let days = parse("\u{feff}2025-12-24  Christmas Eve\n").unwrap();
        assert_eq!(
            days,
            [("2025-12-24".to_string(), "Christmas Eve".to_string())]
        );
        let text = "\u{feff}2025-12-24 to 2025-12-23\n";
        let diagnostics = parse(text).unwrap_err();
        let span = diagnostics[0].primary.span;
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(text[start..end].starts_with("2025-12-2"), "{span:?}");
    }

    /// The code, line and column of each diagnostic.
    fn problems(text: &str) -> Vec<(Code, usize, usize)> {
        let file = SourceFile::new("closures.txt", text);
        let diagnostics = parse(text).unwrap_err();
        diagnostics
            .iter()
            .map(|d| {
                let (line, column) = file.line_column(d.primary.span.start);
                (d.code, line, column)
            })
            .collect()
    }

    #[test]
    fn reads_days_ranges_and_comments() {
        let text = "# Office closures\n\
                    \n\
                    2025-12-24  Christmas Eve\r\n\
                    \t2025-12-29 to 2025-12-31   Christmas  closure \n\
                    2026-06-15\n";
        let days = parse(text).unwrap();
        let pair = |date: &str, name: &str| (date.to_string(), name.to_string());
        assert_eq!(
            days,
            [
                pair("2025-12-24", "Christmas Eve"),
                pair("2025-12-29", "Christmas  closure"),
                pair("2025-12-30", "Christmas  closure"),
                pair("2025-12-31", "Christmas  closure"),
                pair("2026-06-15", "closure"),
            ]
        );
        assert_eq!(parse("").unwrap(), []);
    }

    #[test]
    fn points_at_each_bad_line() {
        let text = "2025-12-24  fine\n\
                    24/12/2025  Christmas Eve\n\
                    2025-02-30  no such day\n\
                    2025-12-29 to\n  2025-12-31 to 2025-12-29  backwards\n\
                    2151-01-01  far future\n\
                    2025-01-01 to 2027-01-01  too long\n";
        assert_eq!(
            problems(text),
            [
                (Code::CalendarFileMalformed, 2, 1),
                (Code::CalendarBadDate, 3, 1),
                (Code::CalendarFileMalformed, 4, 12),
                (Code::CalendarFileMalformed, 5, 3),
                (Code::DateOutOfRange, 6, 1),
                (Code::CalendarFileMalformed, 7, 1),
            ]
        );
    }

    #[test]
    fn bad_date_says_why() {
        let diagnostics = parse("2026-02-29 leap?\n").unwrap_err();
        assert_eq!(diagnostics[0].primary.text, "February 2026 has 28 days");
        assert_eq!(diagnostics[0].primary.span.len(), 10);
    }

    #[test]
    fn word_to_alone_is_a_description_only_after_a_range() {
        // "to" directly after the date starts a range, so a missing end date is reported ...
        assert!(parse("2025-12-24 to\n").is_err());
        // ... but later in the description it is just a word.
        let days = parse("2025-12-24  closed to visitors\n").unwrap();
        assert_eq!(days[0].1, "closed to visitors");
    }
}
