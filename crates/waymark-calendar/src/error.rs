//! The one way date arithmetic can fail, and the diagnostics the caller renders from it.
//!
//! Arithmetic does not know which line of which file asked the question, so it returns plain
//! values; the caller, which holds the span, turns them into diagnostics with the methods here.

use crate::date::{FIRST_YEAR, LAST_YEAR, first_date, last_date};
use chrono::NaiveDate;
use std::fmt;
use waymark_diagnostics::{Code, Diagnostic, Span};

/// A date, or the answer to a question, lies outside the years the tables cover (WM0404).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfRange {
    /// The date asked about is outside the covered years.
    Given(NaiveDate),
    /// The date asked about is fine, but the answer would fall outside the covered years.
    Answer,
}

impl OutOfRange {
    /// The WM0404 diagnostic, pointing at `span` (the date or the deadline that asked).
    pub fn diagnostic(&self, span: Span) -> Diagnostic {
        let label = match self {
            OutOfRange::Given(_) => "outside the years Waymark covers",
            OutOfRange::Answer => "counting from here leaves the years Waymark covers",
        };
        Diagnostic::new(Code::DateOutOfRange, span, self.to_string())
            .label(label)
            .help(format!(
                "Waymark counts days from {} to {}; check the year for a typing slip",
                first_date(),
                last_date()
            ))
    }
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutOfRange::Given(date) => f.write_str(&out_of_range_message(*date)),
            OutOfRange::Answer => write!(
                f,
                "the answer would fall outside {FIRST_YEAR}-{LAST_YEAR}, the years Waymark covers"
            ),
        }
    }
}

impl std::error::Error for OutOfRange {}

/// "`2150-01-01` is outside 1990-2100, the years Waymark covers".
pub(crate) fn out_of_range_message(date: NaiveDate) -> String {
    format!("`{date}` is outside {FIRST_YEAR}-{LAST_YEAR}, the years Waymark covers")
}

/// The WM0405 warning for an answer that depends on bank holidays computed from the rules.
///
/// `years` comes from [`crate::Calendar::computed_years`]; `span` is the date or deadline that
/// asked. Returns `None` when `years` is empty, i.e. there is nothing to warn about.
pub fn computed_holidays_warning(years: &[i32], span: Span) -> Option<Diagnostic> {
    let (first, last) = (years.first()?, years.last()?);
    let which = if first == last {
        format!("{first}")
    } else {
        format!("{first}-{last}")
    };
    let diagnostic = Diagnostic::new(
        Code::ComputedHolidays,
        span,
        format!(
            "bank holidays for {which} were computed from the usual rules, not published dates"
        ),
    )
    .label("this date depends on them")
    .help(
        "one-off bank holidays (a jubilee, a state funeral) cannot be predicted; load GOV.UK's \
         bank-holidays.json with `--calendar` if it covers these years",
    );
    Some(diagnostic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_diagnostics::FileId;

    #[test]
    fn messages_name_the_range() {
        let date = NaiveDate::from_ymd_opt(2150, 1, 1).unwrap();
        assert_eq!(
            OutOfRange::Given(date).to_string(),
            "`2150-01-01` is outside 1990-2100, the years Waymark covers"
        );
        let diagnostic = OutOfRange::Answer.diagnostic(Span::new(FileId(0), 3, 7));
        assert_eq!(diagnostic.code, Code::DateOutOfRange);
        assert!(diagnostic.help.contains("1990-01-01 to 2100-12-31"));
    }

    #[test]
    fn warning_only_when_there_are_computed_years() {
        let span = Span::default();
        assert!(computed_holidays_warning(&[], span).is_none());
        let one = computed_holidays_warning(&[2031], span).unwrap();
        assert!(one.message.contains("for 2031 were"), "{}", one.message);
        let two = computed_holidays_warning(&[2031, 2032], span).unwrap();
        assert!(two.message.contains("for 2031-2032"), "{}", two.message);
        assert_eq!(two.code, Code::ComputedHolidays);
        assert!(!two.is_error());
    }
}
