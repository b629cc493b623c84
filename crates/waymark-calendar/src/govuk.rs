//! GOV.UK's bank-holidays file (<https://www.gov.uk/bank-holidays.json>).
//!
//! ```json
//! {"england-and-wales": {"division": "england-and-wales", "events": [
//!     {"title": "New Year’s Day", "date": "2018-01-01", "notes": "", "bunting": true}, ...]},
//!  "scotland": {...}, "northern-ireland": {...}}
//! ```
//!
//! Only `events`, `title` and `date` are read; other keys are ignored. The file covers the years
//! its events fall in; outside them the calendar falls back to shipped data, then to the rules.

use crate::calendar::Calendar;
use crate::date::{DateError, FIRST_YEAR, LAST_YEAR, parse_date, why_no_such_day};
use crate::holidays::{Division, Holiday};
use chrono::{Datelike, NaiveDate};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// Whether `text` looks like a JSON file (and so, for Waymark, a GOV.UK file): its first
/// non-blank character is `{`.
pub fn is_govuk_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Reads a GOV.UK bank-holidays file and builds the calendar of one of its divisions.
/// `name` is what the calendar is called in messages, usually the file name.
pub fn parse_govuk(
    name: &str,
    text: &str,
    file: FileId,
    division: Division,
) -> Result<Calendar, Box<Diagnostic>> {
    // A byte-order mark is not JSON; skip it but keep offsets true to the file.
    let skipped = text.len() - text.trim_start_matches('\u{feff}').len();
    let json = text.get(skipped..).unwrap_or_default();
    let Divisions(divisions) = serde_json::from_str(json)
        .map_err(|error| Box::new(json_error(&error, json, skipped, file)))?;
    let Some(chosen) = divisions.get(division.name()) else {
        return Err(Box::new(missing_division(
            division, &divisions, file, json, skipped,
        )));
    };
    let mut by_year: BTreeMap<i32, Vec<Holiday>> = BTreeMap::new();
    for event in &chosen.events {
        let holiday = Holiday::bank(event.date.0, event.title.trim());
        by_year
            .entry(event.date.0.year())
            .or_default()
            .push(holiday);
    }
    let name = format!("{name}#{division}");
    Ok(Calendar::with_published_years(name, division, by_year))
}

/// The divisions of the file by name. A name given twice is an error: a JSON map would keep the
/// last silently, so one of two different lists of holidays would be dropped without a word.
struct Divisions(BTreeMap<String, GovUkDivision>);

impl<'de> Deserialize<'de> for Divisions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Divisions;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of divisions")
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Divisions, M::Error> {
                let mut divisions = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    if divisions.contains_key(&name) {
                        return Err(M::Error::custom(format!("{REPEATED}{name}")));
                    }
                    let division: GovUkDivision = map.next_value()?;
                    divisions.insert(name, division);
                }
                Ok(Divisions(divisions))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[derive(Deserialize)]
struct GovUkDivision {
    events: Vec<GovUkEvent>,
}

#[derive(Deserialize)]
struct GovUkEvent {
    title: String,
    date: GovUkDate,
}

struct GovUkDate(NaiveDate);

// Date errors are raised inside serde, which only carries a message; these prefixes tell
// `json_error` which code to give them.
const SHAPE: &str = "waymark-date-shape:";
const NO_SUCH_DAY: &str = "waymark-no-such-day:";
const OUT_OF_RANGE: &str = "waymark-out-of-range:";
const REPEATED: &str = "waymark-repeated-division:";

impl<'de> Deserialize<'de> for GovUkDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match parse_date(&text) {
            // Years such as 0001 or 9999 are typing slips (closures files give WM0404 too).
            Ok(date) if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) => {
                Err(D::Error::custom(format!("{OUT_OF_RANGE}{text}")))
            }
            Ok(date) => Ok(GovUkDate(date)),
            Err(DateError::Shape) => Err(D::Error::custom(format!("{SHAPE}{text}"))),
            Err(DateError::NoSuchDay) => Err(D::Error::custom(format!("{NO_SUCH_DAY}{text}"))),
        }
    }
}

/// A diagnostic for a JSON error, pointing at the line and column serde_json reports.
fn json_error(error: &serde_json::Error, json: &str, skipped: usize, file: FileId) -> Diagnostic {
    let at = byte_offset(json, error.line(), error.column());
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let bare = full.strip_suffix(&position).unwrap_or(&full);
    if let Some(text) = bare.strip_prefix(NO_SUCH_DAY) {
        let span = quoted_span(json, at, skipped, file);
        return Diagnostic::new(
            Code::CalendarBadDate,
            span,
            format!("`{text}` is not a real date"),
        )
        .label(why_no_such_day(text))
        .help("check the day and the month; dates are written YYYY-MM-DD");
    }
    if let Some(text) = bare.strip_prefix(OUT_OF_RANGE) {
        let span = quoted_span(json, at, skipped, file);
        return Diagnostic::new(
            Code::DateOutOfRange,
            span,
            format!("`{text}` is outside {FIRST_YEAR}-{LAST_YEAR}, the years Waymark covers"),
        )
        .label("outside the years Waymark counts in")
        .help("check the year: it is almost always a typing slip");
    }
    if let Some(name) = bare.strip_prefix(REPEATED) {
        let span = quoted_span(json, at, skipped, file);
        return Diagnostic::new(
            Code::CalendarFileMalformed,
            span,
            format!("the division `{name}` is given twice"),
        )
        .label("a second list for this division")
        .help(
            "keep one list of events per division; download a fresh copy from \
             https://www.gov.uk/bank-holidays.json",
        );
    }
    if let Some(text) = bare.strip_prefix(SHAPE) {
        let span = quoted_span(json, at, skipped, file);
        return Diagnostic::new(
            Code::CalendarFileMalformed,
            span,
            format!("expected a date written YYYY-MM-DD, found `{text}`"),
        )
        .label("not a date")
        .help("GOV.UK writes dates as \"2026-12-25\"");
    }
    let end = json
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8());
    Diagnostic::new(
        Code::CalendarFileMalformed,
        Span::new(file, skipped + at, skipped + end),
        format!("this is not a GOV.UK bank-holidays file: {bare}"),
    )
    .label(bare.to_string())
    .help(
        "a GOV.UK file maps each division to its `events`, each with a `title` and a `date`; \
         download a fresh copy from https://www.gov.uk/bank-holidays.json",
    )
}

/// The byte offset of serde_json's 1-based line and column, moved back to the start of the
/// character it falls in (the column can land inside a character such as `é`).
fn byte_offset(json: &str, line: usize, column: usize) -> usize {
    let line_start: usize = json
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + column.saturating_sub(1)).min(json.len());
    while !json.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The span of the quoted string whose closing quote is at (or just before) `at`.
fn quoted_span(json: &str, at: usize, skipped: usize, file: FileId) -> Span {
    let head = json.get(..at).unwrap_or_default();
    let close = if json.as_bytes().get(at) == Some(&b'"') {
        at
    } else {
        head.rfind('"').unwrap_or(at)
    };
    let open = json
        .get(..close)
        .and_then(|h| h.rfind('"'))
        .unwrap_or(close);
    Span::new(file, skipped + open, skipped + close + 1)
}

fn missing_division(
    division: Division,
    divisions: &BTreeMap<String, GovUkDivision>,
    file: FileId,
    json: &str,
    skipped: usize,
) -> Diagnostic {
    let brace = json.find('{').unwrap_or(0);
    let present: Vec<&str> = divisions.keys().map(String::as_str).collect();
    let help = if present.is_empty() {
        "the file holds no divisions at all; download a fresh copy".to_string()
    } else {
        format!(
            "the file has {}; choose one with `FILE#DIVISION`",
            present.join(", ")
        )
    };
    Diagnostic::new(
        Code::UnknownDivision,
        Span::new(file, skipped + brace, skipped + brace + 1),
        format!("the bank-holidays file has no `{division}` division"),
    )
    .label("divisions are listed in this object")
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_diagnostics::SourceFile;

    const SAMPLE: &str = r#"{"england-and-wales":{"division":"england-and-wales","events":[
{"title":"New Year’s Day","date":"2018-01-01","notes":"","bunting":true},
{"title":"Made-up closure","date":"2018-01-03","notes":"","bunting":false}]},
"scotland":{"division":"scotland","events":[
{"title":"2nd January","date":"2018-01-02","notes":"","bunting":true}]}}"#;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    /// The code and the line, column and text of the span of the one diagnostic.
    fn problem(text: &str) -> (Code, usize, usize, String) {
        let diagnostic = parse_govuk("h.json", text, FileId(0), Division::EnglandAndWales)
            .err()
            .unwrap();
        let file = SourceFile::new("h.json", text);
        let span = diagnostic.primary.span;
        let (line, column) = file.line_column(span.start);
        let shown = text
            .get(span.start as usize..span.end as usize)
            .unwrap()
            .to_string();
        (diagnostic.code, line, column, shown)
    }

    #[test]
    fn detects_json_by_content() {
        assert!(is_govuk_json("  \n{\"a\":1}"));
        assert!(is_govuk_json("\u{feff}{}"));
        assert!(!is_govuk_json("2025-12-24  closure\n"));
    }

    #[test]
    fn published_years_replace_shipped_ones() {
        let calendar = parse_govuk("h.json", SAMPLE, FileId(0), Division::EnglandAndWales).unwrap();
        assert_eq!(calendar.name(), "h.json#england-and-wales");
        // 2018 comes from the file alone: its made-up day counts, its Good Friday does not.
        assert_eq!(calendar.is_working_day(date("2018-01-03")), Ok(false));
        assert_eq!(calendar.is_working_day(date("2018-03-30")), Ok(true));
        // Other years come from the shipped data.
        assert_eq!(calendar.is_working_day(date("2019-04-19")), Ok(false));
        assert_eq!(
            calendar.holiday(date("2018-01-01")).unwrap().name,
            "New Year’s Day"
        );
        let scotland = parse_govuk("h.json", SAMPLE, FileId(0), Division::Scotland).unwrap();
        assert_eq!(scotland.is_working_day(date("2018-01-02")), Ok(false));
        assert_eq!(scotland.is_working_day(date("2018-01-03")), Ok(true));
    }

    #[test]
    fn bad_dates_point_at_the_date() {
        let text = SAMPLE.replace("2018-01-03", "2018-02-30");
        assert_eq!(
            problem(&text),
            (Code::CalendarBadDate, 3, 35, "\"2018-02-30\"".into())
        );
        let text = SAMPLE.replace("2018-01-03", "3 Jan 2018");
        assert_eq!(
            problem(&text),
            (Code::CalendarFileMalformed, 3, 35, "\"3 Jan 2018\"".into())
        );
    }

    #[test]
    fn years_outside_the_table_and_repeated_divisions_are_errors() {
        for year in ["0001", "9999"] {
            let text = SAMPLE.replace("2018-01-03", &format!("{year}-01-03"));
            assert_eq!(
                problem(&text),
                (Code::DateOutOfRange, 3, 35, format!("\"{year}-01-03\""))
            );
        }
        let twice = r#"{"scotland":{"events":[]},"scotland":{"events":[]}}"#;
        let (code, line, column, shown) = problem(twice);
        assert_eq!((code, line, column), (Code::CalendarFileMalformed, 1, 27));
        assert_eq!(shown, "\"scotland\"");
    }

    #[test]
    fn syntax_errors_point_at_the_spot() {
        let text = SAMPLE.replace("\"bunting\":false}", "\"bunting\":false");
        let (code, line, _, _) = problem(&text);
        assert_eq!((code, line), (Code::CalendarFileMalformed, 3));
        let (code, line, column, _) = problem("{\"england-and-wales\": [1, 2]}");
        assert_eq!((code, line, column), (Code::CalendarFileMalformed, 1, 24)); // just after the `[`
        let (code, _, _, _) =
            problem("{\"england-and-wales\": {\"events\": [{\"date\": \"2018-01-01\"}]}}");
        assert_eq!(code, Code::CalendarFileMalformed); // no title
        assert_eq!(problem("").0, Code::CalendarFileMalformed);
    }

    #[test]
    fn missing_division_is_reported() {
        let only_scotland = r#"{"scotland":{"events":[]}}"#;
        let (code, line, column, _) = problem(only_scotland);
        assert_eq!((code, line, column), (Code::UnknownDivision, 1, 1));
        let diagnostic = parse_govuk(
            "h.json",
            only_scotland,
            FileId(0),
            Division::EnglandAndWales,
        )
        .err()
        .unwrap();
        assert!(
            diagnostic.help.contains("the file has scotland"),
            "{}",
            diagnostic.help
        );
    }

    #[test]
    fn byte_order_mark_is_skipped_and_offsets_stay_true() {
        let text = format!("\u{feff}{}", SAMPLE.replace("2018-01-03", "2018-02-30"));
        let (code, line, _, shown) = problem(&text);
        assert_eq!(
            (code, line, shown.as_str()),
            (Code::CalendarBadDate, 3, "\"2018-02-30\"")
        );
        let clean = format!("\u{feff}{SAMPLE}");
        assert!(parse_govuk("h.json", &clean, FileId(0), Division::EnglandAndWales).is_ok());
    }
}
