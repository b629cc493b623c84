//! Calendar files from users may hold anything: the readers never panic, and every diagnostic
//! points inside the text, on character boundaries, so it can be shown.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use proptest::prelude::*;
use waymark_calendar::{Division, parse_calendar_file};
use waymark_diagnostics::FileId;

const CLOSURES: &str = "# closures\n2025-12-29 to 2025-12-31  Christmas closure\n2026-01-02\n";
const GOVUK: &str = r#"{"england-and-wales":{"division":"england-and-wales","events":[
{"title":"New Year’s Day","date":"2026-01-01","notes":"","bunting":true}]}}"#;

/// Checks one text: no panic, and spans that fit the text.
fn read(text: &str) -> Result<(), TestCaseError> {
    for division in Division::ALL {
        if let Err(diagnostics) = parse_calendar_file("f", text, FileId(0), division) {
            prop_assert!(!diagnostics.is_empty());
            for diagnostic in diagnostics {
                let span = diagnostic.primary.span;
                let (start, end) = (span.start as usize, span.end as usize);
                prop_assert!(start <= end && end <= text.len(), "{span:?} in {text:?}");
                prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            }
        }
    }
    Ok(())
}

/// `text` with the characters from `at` (a fraction of its length) replaced by `insert`.
fn mutate(text: &str, at: f64, cut: usize, insert: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let position = ((chars.len() as f64) * at) as usize;
    let mut out: String = chars.iter().take(position).collect();
    out.push_str(insert);
    out.extend(chars.iter().skip(position + cut));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn any_text(text in "\\PC{0,80}") {
        read(&text)?;
    }

    #[test]
    fn damaged_files(
        which in 0..2usize,
        at in 0.0..1.0f64,
        cut in 0..6usize,
        insert in r#"["{}\[\]:,0-9a-z\n é-]{0,4}"#,
    ) {
        let base = if which == 0 { CLOSURES } else { GOVUK };
        read(&mutate(base, at, cut, &insert))?;
    }
}
