//! Turning pest's parse failures into coded diagnostics in plain words.
//!
//! pest reports the grammar rules it expected at the failing position. Users never see rule
//! names: each rule is described in words, only the first three expectations are shown, and
//! common slips (a misspelt unit or keyword) get a "did you mean".

use crate::Unit;
use crate::grammar::Rule;
use crate::keywords::example;
use crate::lines::RawLine;
use pest::error::{Error, ErrorVariant, InputLocation};
use waymark_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};

/// The units, for a word that is like none of them (a test holds it to [`Unit::ALL`]).
const UNITS_HELP: &str =
    "units are `working days`, `days` (calendar days), `weeks`, `months` and `hours`";

/// Every word of every unit, plural before singular: "working", "days", "day", "calendar", ...
/// (the order breaks ties between equally close guesses).
fn unit_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for unit in Unit::ALL {
        for word in [unit.words(2u32), unit.words(1u32)]
            .into_iter()
            .flat_map(str::split_whitespace)
        {
            if !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// A diagnostic for a line whose first word is a keyword but whose rest does not fit.
pub fn malformed_line(
    file: FileId,
    raw: &RawLine<'_>,
    keyword: &str,
    error: &Error<Rule>,
) -> Diagnostic {
    let position = match error.location {
        InputLocation::Pos(position) => position,
        InputLocation::Span((start, _)) => start,
    };
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = found_at(&raw.text, position);
    let span = Span::new(
        file,
        raw.start + position,
        raw.start + position + found.len(),
    );
    if (expected.contains(&Rule::text) || expected.contains(&Rule::text_piece))
        && let Some(diagnostic) = typographic_quote(&raw.text, position, found, span)
    {
        return diagnostic;
    }
    if let Some(diagnostic) = name_after_the(file, raw, position, found) {
        return diagnostic;
    }
    let wants_unit = expected.iter().any(|rule| is_unit_rule(*rule));
    let what = describe_expected(&expected);
    let found_words = if found.is_empty() {
        "the line ends here".to_string()
    } else {
        format!("found `{found}`")
    };

    if wants_unit && !found.is_empty() {
        let guess = did_you_mean(found, unit_words());
        let help = match guess {
            Some("working") => "did you mean `working days`?".to_string(),
            Some(word) => format!("did you mean `{word}`?"),
            None => UNITS_HELP.to_string(),
        };
        return Diagnostic::new(
            Code::UnknownUnit,
            span,
            format!("`{found}` is not a unit of time"),
        )
        .label("expected a unit such as `working days`")
        .help(help);
    }

    if let Some(diagnostic) = same_day_unfinished(&raw.text, position, found, span) {
        return diagnostic;
    }

    let keyword_guess = expected
        .iter()
        .filter_map(|rule| keyword_of(*rule))
        .find(|word| did_you_mean(found, [*word]).is_some());
    let help = match keyword_guess {
        Some(word) if !found.is_empty() => format!("did you mean `{word}`?"),
        _ if keyword == "fact" => format!(
            "write it like: `{}`; the other kinds are `is a date`, `is a number` and `is yes or no`, with `, optional` at the end when a case may lack the fact and `, recorded at STEP` when a step's record gives it",
            example(keyword)
        ),
        _ if keyword == "due" || keyword == "target" => format!(
            "write it like: `{keyword} 45 working days after referral`, `{keyword} same day as \
             referral` or `{keyword} 2 working days before icpc`"
        ),
        _ => format!("write it like: `{}`", example(keyword)),
    };
    Diagnostic::new(
        Code::MalformedLine,
        span,
        format!(
            "this `{keyword}` line is not complete or not in order: expected {what}, {found_words}"
        ),
    )
    .label(format!("expected {what}"))
    .help(help)
}

/// `due same dya as referral`: a same-day deadline has two spellings, and says which.
fn same_day_unfinished(text: &str, position: usize, found: &str, span: Span) -> Option<Diagnostic> {
    let head = text.get(..position)?.trim_end();
    let unfinished = head.ends_with(" same") || head.ends_with(" same working");
    if !unfinished || found == "day" {
        return None;
    }
    let found_words = match found.is_empty() {
        true => "the line ends".to_string(),
        false => format!("found `{found}`"),
    };
    Some(
        Diagnostic::new(
            Code::MalformedLine,
            span,
            format!("a same-day deadline is not complete: expected `day`, {found_words}"),
        )
        .label("expected `day as` and a step")
        .help(
            "write `same day as referral` (that very day, even a weekend) or `same working day \
             as referral` (that day, or the next working day when it is not one)",
        ),
    )
}

/// `step a “A”`: a text pasted from a word processor, whose quotes are typographic ones.
fn typographic_quote(text: &str, position: usize, found: &str, span: Span) -> Option<Diagnostic> {
    let kind = match found {
        "\u{201c}" | "\u{201d}" | "\u{201e}" | "\u{2018}" | "\u{2019}" | "\u{201a}" => {
            "a curly quote, as word processors type"
        }
        "\u{ab}" | "\u{bb}" | "\u{2039}" | "\u{203a}" => "an angle quote (guillemet)",
        _ => return None,
    };
    let straightened = straighten(text, position, found);
    let help = match straightened.matches('"').count() {
        count if count >= 2 && count % 2 == 0 => format!("write `{straightened}`"),
        _ => "retype the quotes around the text as straight double quotes: `\"like this\"`"
            .to_string(),
    };
    Some(
        Diagnostic::new(
            Code::MalformedLine,
            span,
            format!("`{found}` is {kind}: texts are written between straight double quotes (`\"`)"),
        )
        .label("not a straight double quote")
        .help(help),
    )
}

/// The line with its typographic double quotes made straight. A single quote is made straight
/// only where a text starts and where the line's last one ends it: elsewhere it is most likely
/// an apostrophe (`the parent’s view`).
fn straighten(text: &str, position: usize, found: &str) -> String {
    const SINGLES: [char; 5] = ['\u{2018}', '\u{2019}', '\u{201a}', '\u{2039}', '\u{203a}'];
    let single = found.starts_with(SINGLES);
    let closing = text
        .get(position + found.len()..)
        .and_then(|rest| rest.rfind(SINGLES))
        .map(|at| position + found.len() + at);
    text.char_indices()
        .map(|(at, c)| match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' => '"',
            _ if single && (at == position || Some(at) == closing) => '"',
            c => c,
        })
        .collect()
}

/// `due 5 working days after the referral`: the grammar took `the` as the name, and then met
/// the real name. Point at `the`, not at the name the author meant.
fn name_after_the(
    file: FileId,
    raw: &RawLine<'_>,
    position: usize,
    found: &str,
) -> Option<Diagnostic> {
    let head = raw.text.get(..position)?.trim_end();
    let the_start = head.len().checked_sub(3)?;
    let the = head.get(the_start..)?;
    let before = head.get(..the_start)?;
    let starts_name = found.starts_with(|c: char| c.is_alphabetic() || c == '_');
    if !the.eq_ignore_ascii_case("the") || !before.ends_with([' ', '\t']) || !starts_name {
        return None;
    }
    let corrected = format!("{before}{}", raw.text.get(position..)?);
    Some(
        Diagnostic::new(
            Code::MalformedLine,
            Span::new(file, raw.start + the_start, raw.start + head.len()),
            format!("`{the}` is not needed before `{found}`: names are written without it"),
        )
        .label(format!("leave out `{the}`"))
        .help(format!("write `{corrected}`")),
    )
}

/// A diagnostic for a line with an opening `"` and no closing one.
pub fn unterminated_text(file: FileId, raw: &RawLine<'_>) -> Option<Diagnostic> {
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (index, character) in raw.text.char_indices() {
        match (open, character) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            (None, '"') => open = Some(index),
            (None, '#') => break,
            _ => {}
        }
    }
    let start = open?;
    Some(
        Diagnostic::new(
            Code::UnterminatedText,
            Span::new(file, raw.start + start, raw.start + raw.text.len()),
            "this quoted text has no closing `\"`",
        )
        .label("the text starts here and runs to the end of the line")
        .help(
            "add a `\"` where the text ends; to go on with a long text on the next line, close it \
               here and open a further quoted text there, indented deeper",
        ),
    )
}

/// The word (or single character) at `position`, or "" at the end of the line.
fn found_at(text: &str, position: usize) -> &str {
    let rest = text.get(position..).unwrap_or_default();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let end = if end == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        end
    };
    let word = rest.get(..end).unwrap_or_default();
    // A line break inside a continued text's line reads as the end of the line.
    if word == "#" || word == "\n" {
        ""
    } else {
        word
    }
}

fn is_test_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::is_known
            | Rule::is_not_known
            | Rule::is_one_of
            | Rule::is_at_least
            | Rule::is_at_most
            | Rule::is_before
            | Rule::is_after
            | Rule::is_not
            | Rule::is_value
    )
}

fn is_unit_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::unit
            | Rule::working_days
            | Rule::calendar_days
            | Rule::weeks
            | Rule::months
            | Rule::hours
    )
}

/// The keyword a rule stands for, when it is a single word.
fn keyword_of(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::k_a => "a",
        Rule::k_after => "after",
        Rule::k_approved | Rule::extension_approval => "approved",
        Rule::k_up => "up",
        Rule::k_to => "to",
        Rule::k_and => "and",
        Rule::k_as => "as",
        Rule::k_before | Rule::before_fact | Rule::before_step | Rule::before_each => "before",
        Rule::k_each => "each",
        Rule::k_fact | Rule::fact_clock => "fact",
        Rule::k_from => "from",
        Rule::k_in => "in",
        Rule::k_is => "is",
        Rule::k_known => "known",
        Rule::k_needs => "needs",
        Rule::k_of => "of",
        Rule::k_one => "one",
        Rule::k_or => "or",
        Rule::k_reason => "reason",
        Rule::k_repeat => "repeat",
        Rule::k_then | Rule::on_then => "then",
        Rule::k_otherwise | Rule::on_otherwise => "otherwise",
        Rule::k_updated => "updated",
        Rule::k_when | Rule::guard_clause => "when",
        Rule::k_while => "while",
        Rule::k_with => "with",
        Rule::k_yes => "yes",
        Rule::k_no => "no",
        Rule::k_not => "not",
        Rule::k_least => "least",
        Rule::k_most => "most",
        Rule::optional => "optional",
        Rule::k_recorded | Rule::recorded_at => "recorded",
        Rule::k_at => "at",
        _ => return None,
    })
}

fn describe(rule: Rule) -> String {
    if let Some(word) = keyword_of(rule) {
        return format!("`{word}`");
    }
    match rule {
        Rule::name | Rule::name_list | Rule::clock | Rule::outcome_clock => "a name",
        Rule::number => "a number",
        Rule::same_day => "`same day`",
        Rule::deadline => "a time such as `45 working days after`, `same day as` or `2 weeks before`",
        Rule::date => "a date such as 2025-12-10",
        Rule::text | Rule::text_piece => "a quoted text",
        Rule::calendar_name => "a calendar name such as `england-and-wales`",
        Rule::one_of_type | Rule::date_type | Rule::number_type | Rule::yes_no_type => {
            "a kind of fact (`one of ...`, `a date`, `a number`, `yes or no`)"
        }
        Rule::condition | Rule::guard | Rule::conjunction => "a condition such as `threshold is level4`",
        Rule::is_known | Rule::is_not_known | Rule::is_one_of | Rule::is_at_least | Rule::is_at_most
        | Rule::is_after | Rule::is_before | Rule::is_not | Rule::is_value => {
            "a test (`known`, `not known`, a value, `one of`, `at least`, `at most`, `before`, `after`)"
        }
        Rule::EOI => "the end of the line",
        _ => "something else",
    }
    .to_string()
}

/// "`after` or `before`", "a name, a number or a quoted text": at most three, no repeats.
fn describe_expected(rules: &[Rule]) -> String {
    // After `is`, pest lists each kind of test separately; say "a test" once instead.
    let wants_test = rules.iter().any(|rule| is_test_rule(*rule));
    let mut words: Vec<String> = Vec::new();
    for rule in rules {
        let word = if wants_test && (is_test_rule(*rule) || keyword_of(*rule).is_some()) {
            describe(Rule::is_value)
        } else if is_unit_rule(*rule) {
            "a unit such as `working days`".to_string()
        } else {
            describe(*rule)
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words.truncate(3);
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_words_come_from_the_units() {
        assert_eq!(
            unit_words(),
            [
                "working", "days", "day", "calendar", "weeks", "week", "months", "month", "hours",
                "hour"
            ]
        );
    }

    #[test]
    fn the_units_help_names_every_unit() {
        for unit in Unit::ALL {
            assert!(UNITS_HELP.contains(unit.words(2u32)), "{unit:?}");
        }
    }

    #[test]
    fn found_word_or_character() {
        assert_eq!(found_at("due 45 wrking days", 7), "wrking");
        assert_eq!(found_at("by a, b", 4), ",");
        assert_eq!(found_at("step a", 6), "");
        assert_eq!(found_at("step a # note", 7), "");
    }

    #[test]
    fn straightens_quotes_but_not_apostrophes() {
        let line = "step a \u{201c}the parent\u{2019}s view\u{201d}";
        assert_eq!(
            straighten(line, 7, "\u{201c}"),
            "step a \"the parent\u{2019}s view\""
        );
        let line = "step a \u{2018}the parent\u{2019}s view\u{2019}";
        assert_eq!(
            straighten(line, 7, "\u{2018}"),
            "step a \"the parent\u{2019}s view\""
        );
    }

    #[test]
    fn lists_at_most_three_expectations() {
        let text = describe_expected(&[
            Rule::k_after,
            Rule::before_fact,
            Rule::k_before,
            Rule::name,
            Rule::text,
        ]);
        assert_eq!(text, "`after`, `before` or a name");
    }
}
