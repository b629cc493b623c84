//! Splitting a file into lines and parsing each with the grammar rule its first word selects.

use crate::errors;
use crate::from_pairs::{self, Line};
use crate::grammar::LineParser;
use crate::keywords::{ITEM_KEYWORDS, KEYWORDS, line_rule};
use pest::Parser;
use rayon::prelude::*;
use std::borrow::Cow;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};

/// One logical line of the file: where it starts and its text, without its comment, its
/// indentation or its line break. A line whose text goes on over further lines holds them all
/// (see `continuation.rs`), so it is borrowed from the file or, when joined, owned.
#[derive(Clone, Debug)]
pub struct RawLine<'a> {
    pub start: usize,
    pub text: Cow<'a, str>,
}

/// Lines parsed together by one thread. Files shorter than this are parsed on one thread,
/// where starting threads would cost more than it saves.
const LINES_PER_TASK: usize = 2048;

/// Every line, in file order, with its span. Bad lines are reported and become
/// [`Line::Unreadable`]. Lines are independent once continued texts are joined, so a large file
/// is parsed on all cores in chunks of whole logical lines whose results are joined in order:
/// the output is the same on any number of threads.
pub fn parse_lines(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Line, Span)> {
    let raw: Vec<RawLine<'_>> = crate::continuation::logical_lines(file, text, diagnostics);
    if raw.len() <= LINES_PER_TASK {
        return parse_chunk(file, &raw, diagnostics);
    }
    let parts: Vec<ParsedChunk> = raw
        .par_chunks(LINES_PER_TASK)
        .map(|chunk| {
            let mut found = Vec::new();
            let lines = parse_chunk(file, chunk, &mut found);
            (lines, found)
        })
        .collect();
    let mut lines = Vec::with_capacity(raw.len());
    for (part, found) in parts {
        lines.extend(part);
        diagnostics.extend(found);
    }
    lines
}

/// One chunk's lines and the problems found in them.
type ParsedChunk = (Vec<(Line, Span)>, Vec<Diagnostic>);

fn parse_chunk(
    file: FileId,
    raw: &[RawLine<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Line, Span)> {
    raw.iter()
        .map(|raw| {
            let span = Span::new(file, raw.start, raw.start + raw.text.len());
            let line = parse_line(file, raw, diagnostics).unwrap_or_else(|| Line::Unreadable {
                opened_item: opens_item(first_word(&raw.text)),
            });
            (line, span)
        })
        .collect()
}

/// Whether a line starting with `word` (perhaps misspelt) was meant to open an item.
fn opens_item(word: &str) -> bool {
    let meant = if KEYWORDS.contains(&word) {
        Some(word)
    } else {
        did_you_mean(word, KEYWORDS.iter().copied())
    };
    meant.is_some_and(|word| ITEM_KEYWORDS.contains(&word) || word == "procedure")
}

fn parse_line(file: FileId, raw: &RawLine<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Line> {
    let word = first_word(&raw.text);
    let Some(rule) = line_rule(word) else {
        diagnostics.push(unknown_keyword(file, raw, word));
        return None;
    };
    if let Some(diagnostic) = errors::unterminated_text(file, raw) {
        diagnostics.push(diagnostic);
        return None;
    }
    match LineParser::parse(rule, &raw.text) {
        Ok(mut pairs) => {
            let pair = pairs.next()?;
            from_pairs::line(pair, file, raw.start, diagnostics)
        }
        Err(error) => {
            diagnostics.push(errors::malformed_line(file, raw, word, &error));
            None
        }
    }
}

/// The line up to a `#` that is not inside a quoted text.
pub fn without_comment(line: &str) -> &str {
    if !line.contains('#') {
        return line;
    }
    let mut in_text = false;
    let mut escaped = false;
    for (index, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_text => escaped = true,
            '"' => in_text = !in_text,
            '#' if !in_text => return line.get(..index).unwrap_or(line),
            _ => {}
        }
    }
    line
}

/// The line's first word: letters, digits, `_` and `-`, or the first character if none.
fn first_word(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(text.len());
    if end == 0 {
        let first = text.chars().next().map_or(0, char::len_utf8);
        return text.get(..first).unwrap_or_default();
    }
    text.get(..end).unwrap_or_default()
}

pub(crate) fn unknown_keyword(file: FileId, raw: &RawLine<'_>, word: &str) -> Diagnostic {
    let span = Span::new(file, raw.start, raw.start + word.len());
    let help = match did_you_mean(word, KEYWORDS.iter().copied()) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None if word.starts_with('"') => {
            "a quoted text belongs after a keyword, e.g. `step initial_visit \"Initial visit\"`; to keep a note, start it with `#`".to_string()
        }
        None => "a line starts with a keyword such as `step`, `due`, `then` or `by`; to keep a note, start it with `#`"
            .to_string(),
    };
    Diagnostic::new(
        Code::UnknownKeyword,
        span,
        format!("unknown keyword `{word}`"),
    )
    .label("not a Waymark keyword")
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cut_outside_texts_only() {
        assert_eq!(without_comment("step a # note"), "step a ");
        assert_eq!(
            without_comment("untimed \"no # here\" # but here"),
            "untimed \"no # here\" "
        );
        assert_eq!(
            without_comment("untimed \"a \\\" # still text\""),
            "untimed \"a \\\" # still text\""
        );
    }

    #[test]
    fn first_word_stops_at_punctuation() {
        assert_eq!(first_word("step a"), "step");
        assert_eq!(first_word("\"x\""), "\"");
        assert_eq!(first_word("due,"), "due");
        assert_eq!(first_word("é x"), "é");
    }
}
