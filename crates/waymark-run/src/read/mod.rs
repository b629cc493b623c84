//! Reading case data: JSON Lines (`json/`), CSV (`csv.rs`), and checking what was read
//! against the procedure (`check.rs`). A case that cannot be run becomes a [`BadCase`] with
//! every problem and its line; the rest still run.

pub(crate) mod check;
pub mod csv;
pub(crate) mod json;
mod translate;

pub use translate::Translation;

use crate::case::{BadCase, Case, InputFile, Problem};
use crate::plan::Plan;
use check::CaseChecker;
use std::borrow::Cow;
use waymark_diagnostics::Code;

// ---------------------------------------------------------------------------------------------
// The raw shape of a case, as written in a file

/// A case as written: borrowed from the line where no escapes forced a copy.
#[derive(Debug, Default)]
pub(crate) struct RawCase<'a> {
    pub case: Cow<'a, str>,
    pub facts: RawFacts<'a>,
    pub events: Vec<RawEvent<'a>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawEvent<'a> {
    pub step: Cow<'a, str>,
    pub on: Option<Cow<'a, str>>,
    pub outcome: Option<Cow<'a, str>>,
    pub by: Option<Cow<'a, str>>,
    pub reason: Option<Cow<'a, str>>,
    pub waived: Option<bool>,
    /// The role that signed the record off (`approved by` in the procedure).
    pub approved_by: Option<Cow<'a, str>>,
    /// Facts the record gives (`"facts": {"unanimous": "no"}`): those recorded at its step.
    pub facts: RawFacts<'a>,
    /// An extension's amount as written: `10` or `10 working days`.
    pub extended_by: Option<Cow<'a, str>>,
    /// Set by the CSV reader; JSON Lines events take the case's line.
    pub line: usize,
}

/// An event's fields as text, however they were read: what the checker reads. The quick JSON
/// reader fills it straight from the line; the careful one and the CSV reader lend their own.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EventText<'t> {
    pub step: &'t str,
    /// `step` as the procedure's step, where the quick reader found it in the procedure's
    /// names as it read it (see `json::LineNames`); the checker looks up the others.
    pub step_index: Option<waymark_compile::StepIndex>,
    pub on: Option<&'t str>,
    /// `on` read as a moment already, where the reader found a plain `YYYY-MM-DD` or
    /// `YYYY-MM-DDTHH:MM` (what `check::quick_when` makes of `on`): the quick reader reads it
    /// as it finds its end.
    pub on_when: Option<crate::case::When>,
    pub outcome: Option<&'t str>,
    pub by: Option<&'t str>,
    /// `by` as the procedure's role, where the quick reader found it (as `step_index`).
    pub by_index: Option<waymark_compile::RoleIndex>,
    pub reason: Option<&'t str>,
    pub waived: Option<bool>,
    pub approved_by: Option<&'t str>,
    /// Facts the record gives; the quick reader leaves lines with them to the careful one.
    pub facts: &'t [(Cow<'t, str>, RawValue<'t>, usize)],
    pub extended_by: Option<&'t str>,
    /// Set by the CSV reader; JSON Lines events take the case's line.
    pub line: usize,
}

impl RawEvent<'_> {
    pub(crate) fn text(&self) -> EventText<'_> {
        EventText {
            step: &self.step,
            step_index: None,
            on: self.on.as_deref(),
            on_when: None,
            outcome: self.outcome.as_deref(),
            by: self.by.as_deref(),
            by_index: None,
            reason: self.reason.as_deref(),
            waived: self.waived,
            approved_by: self.approved_by.as_deref(),
            facts: &self.facts.0,
            extended_by: self.extended_by.as_deref(),
            line: self.line,
        }
    }
}

/// The facts of a case in the order written, each with its line in a facts file (0 for JSON).
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFacts<'a>(pub Vec<RawFact<'a>>);

/// One fact as written: its name, its value, and its line in a facts file (0 for JSON).
pub(crate) type RawFact<'a> = (Cow<'a, str>, RawValue<'a>, usize);

/// A fact's value as written: JSON gives strings, numbers and booleans; CSV gives strings.
#[derive(Clone, Debug)]
pub(crate) enum RawValue<'a> {
    Text(Cow<'a, str>),
    Whole(u64),
    /// Any other number, as written.
    Other(String),
    Bool(bool),
    Null,
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

/// Reads one JSON Lines line (`line` is its 1-based number) into a case, or says why not.
pub fn parse_json_line(plan: &Plan, line: usize, text: &str) -> Result<Case, BadCase> {
    parse_json_bytes(plan, line, text.as_bytes())
}

/// [`parse_json_line`] for a line as bytes; a line that is not UTF-8 is a bad case.
pub fn parse_json_bytes(plan: &Plan, line: usize, bytes: &[u8]) -> Result<Case, BadCase> {
    let [case] = parse_json_for_each([plan], line, bytes);
    case
}

/// Reads one line once and checks it against each procedure: for comparing versions whose
/// cases cannot simply be carried over from one to the other (see [`Translation`]).
pub fn parse_json_for_each<const N: usize>(
    plans: [&Plan; N],
    line: usize,
    bytes: &[u8],
) -> [Result<Case, BadCase>; N] {
    let bad = |id: Option<String>, message: String| BadCase {
        id,
        line,
        problems: vec![Problem {
            code: Code::CaseLineMalformed,
            file: InputFile::Cases,
            line,
            message,
        }],
    };
    let text = match utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let id = case_id_of(&String::from_utf8_lossy(bytes));
            let message = format!(
                "the line is not UTF-8 text (a bad byte at column {})",
                error.valid_up_to() + 1
            );
            return std::array::from_fn(|_| Err(bad(id.clone(), message.clone())));
        }
    };
    let mut checkers = plans.map(|plan| CaseChecker::new(plan, line, 16));
    // Names found by one procedure's table are that procedure's steps and roles: the quick
    // reader is given the table only when there is one procedure to check against.
    let names = plans
        .first()
        .filter(|_| N == 1)
        .map(|plan| &plan.line_names);
    let plain = json::read_plain_case(text, names, &mut |event| {
        for checker in checkers.iter_mut() {
            checker.event(event);
        }
    });
    if let Some((id, facts)) = plain {
        let cases = checkers.map(|checker| checker.finish(id.clone(), &facts));
        crate::scratch::keep_raw_facts(facts.0);
        return cases;
    }
    // Not a plain line: read it again, carefully, to say what is wrong (or to read escapes).
    let mut checkers = plans.map(|plan| CaseChecker::new(plan, line, 16));
    let read = json::read_case(text, &mut |event| {
        for checker in checkers.iter_mut() {
            checker.event(&event.text());
        }
    });
    match read {
        Ok((id, facts)) => checkers.map(|checker| checker.finish(id.clone(), &facts)),
        Err(error) => {
            let message = match error.syntax {
                true => format!(
                    "the line is not valid JSON: {} (column {})",
                    error.message, error.column
                ),
                false => format!("{} (column {})", error.message, error.column),
            };
            let id = case_id_of(text);
            std::array::from_fn(|_| Err(bad(id.clone(), message.clone())))
        }
    }
}

/// The line as text, or where it stops being UTF-8. Checked 32 bytes an instruction where the
/// processor can (the standard library's check took a sixteenth of the time spent reading a
/// case); only a line that is not UTF-8 is looked at again, to say where.
fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

// ---------------------------------------------------------------------------------------------
// Cases made in code from another source (a census)

/// One record of a case made from another source, as text: what a JSON Lines event with only
/// `step`, `on` and `outcome` holds.
#[derive(Clone, Copy, Debug)]
pub struct EventFields<'t> {
    pub step: &'t str,
    pub on: &'t str,
    pub outcome: Option<&'t str>,
}

/// Checks a case given as text fields, exactly as the JSON Lines line
/// `{"case":ID,"facts":{...},"events":[...]}` holding them would be checked: the same `Case`,
/// or the same problems, with `line` as the case's line. For readers of other formats (the
/// census), so they need not write JSON only to have it read again.
pub fn check_fields(
    plan: &Plan,
    line: usize,
    id: &str,
    facts: &[(&str, &str)],
    events: &[EventFields<'_>],
) -> Result<Case, BadCase> {
    let mut checker = CaseChecker::new(plan, line, events.len());
    for event in events {
        checker.event(&EventText {
            step: event.step,
            on: Some(event.on),
            outcome: event.outcome,
            ..EventText::default()
        });
    }
    let facts = RawFacts(
        facts
            .iter()
            .map(|(name, value)| {
                (
                    Cow::Borrowed(*name),
                    RawValue::Text(Cow::Borrowed(*value)),
                    0,
                )
            })
            .collect(),
    );
    checker.finish(Cow::Borrowed(id), &facts)
}

/// The `"case"` of a line that is not valid JSON, if it can be picked out.
fn case_id_of(text: &str) -> Option<String> {
    let after = text.split_once("\"case\"")?.1.trim_start();
    let after = after.strip_prefix(':')?.trim_start();
    let after = after.strip_prefix('"')?;
    let id = &after[..after.find('"')?];
    (!id.is_empty() && !id.contains('\\')).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick check and the standard library's agree, and a bad line still says where.
    #[test]
    fn a_line_is_utf8_or_says_where_it_stops_being() {
        let mut line = r#"{"case":"\u00e9 é","facts":{}}"#.repeat(9).into_bytes();
        assert_eq!(utf8(&line).ok(), std::str::from_utf8(&line).ok());
        for (at, bad) in [(5, 0xff), (17, 0xc3), (200, 0x80), (line.len() - 1, 0xe2)] {
            line[at] = bad;
            let error = utf8(&line).err().map(|error| error.valid_up_to());
            let expected = std::str::from_utf8(&line)
                .err()
                .map(|error| error.valid_up_to());
            assert_eq!(error, expected);
            assert!(error.is_some());
        }
    }

    #[test]
    fn case_id_of_a_broken_line() {
        assert_eq!(
            case_id_of(r#"{"case":"BAD3","facts":{"#),
            Some("BAD3".to_string())
        );
        assert_eq!(case_id_of(r#"{"facts":{"#), None);
        assert_eq!(case_id_of(r#"{"case": 7"#), None);
    }
}
