//! Joining continued texts: a file's physical lines become the logical lines the grammar reads.
//!
//! A quoted text may go on over following lines, each a further quoted text indented deeper than
//! the line it belongs to; the pieces are joined with single spaces:
//!
//! ```text
//!   cite wt2023 "The local authority should make a decision about the type of response"
//!               "that is needed within one working day of a referral being received."
//! ```
//!
//! The joining happens before any line is parsed, so a continued line is one unit everywhere
//! after: the parallel parser's chunks never split it, its first word picks its rule, and an
//! error drops the whole of it. A logical line is the file's own bytes from its first word to the
//! end of its last line, with comments (and carriage returns) blanked out, so every offset in it
//! is still an offset into the file: spans need no translation.

use crate::lines::{RawLine, without_comment};
use std::borrow::Cow;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// One line of the file, as the joining sees it.
struct Physical<'a> {
    /// Where the line's code starts in the file (after its indentation).
    start: usize,
    /// The width of its indentation, in characters (spaces and tabs alike).
    indent: usize,
    /// Its code: indentation, comment and trailing blanks cut off. Empty for blank and comment
    /// lines.
    code: &'a str,
    blank: bool,
    /// Its indentation has a tab (which counts as one character, whatever an editor shows).
    tabbed: bool,
}

/// The file's physical lines with their offsets.
fn physical_lines(text: &str) -> impl Iterator<Item = Physical<'_>> {
    let mut start = 0;
    text.split('\n').map(move |line| {
        let line_start = start;
        start += line.len() + 1;
        let content = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        let code = match trimmed.starts_with('#') {
            true => "",
            false => without_comment(trimmed).trim_end(),
        };
        Physical {
            start: line_start + indent,
            indent: content.get(..indent).map_or(0, |i| i.chars().count()),
            code,
            blank: trimmed.is_empty(),
            tabbed: content.get(..indent).is_some_and(|i| i.contains('\t')),
        }
    })
}

/// The logical line being gathered: where it starts and ends in the file.
struct Open {
    start: usize,
    end: usize,
    indent: usize,
    /// Whether its last line ends with a closed quoted text, so a further text may follow.
    ends_in_text: bool,
    /// Whether a blank line has come since its last line.
    blank_since: bool,
    /// Whether it runs over more than one line.
    continued: bool,
    /// Whether its first line's indentation has a tab.
    tabbed: bool,
}

/// Every logical line of the file, in order. A line that starts with a quote and cannot continue
/// the line above is reported and left out.
pub fn logical_lines<'a>(
    file: FileId,
    text: &'a str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RawLine<'a>> {
    let mut lines = Vec::new();
    let mut open: Option<Open> = None;
    for line in physical_lines(text) {
        if line.blank {
            if let Some(open) = open.as_mut() {
                open.blank_since = true;
            }
            continue;
        }
        if line.code.is_empty() {
            continue;
        }
        if line.code.starts_with('"') {
            match open.as_mut() {
                Some(open) if continues(open, &line) => {
                    open.end = line.start + line.code.len();
                    open.ends_in_text = ends_in_text(line.code);
                    open.continued = true;
                }
                _ => diagnostics.push(stray_text(file, &line, open.as_ref())),
            }
            continue;
        }
        if let Some(done) = open.take() {
            lines.push(finish(text, done));
        }
        open = Some(Open {
            start: line.start,
            end: line.start + line.code.len(),
            indent: line.indent,
            ends_in_text: ends_in_text(line.code),
            blank_since: false,
            continued: false,
            tabbed: line.tabbed,
        });
    }
    if let Some(done) = open {
        lines.push(finish(text, done));
    }
    lines
}

fn continues(open: &Open, line: &Physical<'_>) -> bool {
    open.ends_in_text && !open.blank_since && line.indent > open.indent
}

/// The logical line's text: borrowed when it is one line, otherwise the file's bytes with the
/// comments, and the line ends' carriage returns, turned into spaces.
fn finish(text: &str, open: Open) -> RawLine<'_> {
    let region = text.get(open.start..open.end).unwrap_or_default();
    if !open.continued {
        return RawLine {
            start: open.start,
            text: Cow::Borrowed(region),
        };
    }
    let mut joined = String::with_capacity(region.len());
    for (index, segment) in region.split('\n').enumerate() {
        if index > 0 {
            joined.push('\n');
        }
        let kept = match segment.trim_start().starts_with('#') {
            true => "",
            false => without_comment(segment),
        };
        // Only a line end's carriage return becomes a space: one inside a text is the text's
        // own, as it is in a text on one line (fmt joins a wrapped text onto one line).
        match kept.strip_suffix('\r') {
            Some(line) => {
                joined.push_str(line);
                joined.push(' ');
            }
            None => joined.push_str(kept),
        }
        joined.extend(std::iter::repeat_n(' ', segment.len() - kept.len()));
    }
    RawLine {
        start: open.start,
        text: Cow::Owned(joined),
    }
}

/// Whether a line's code ends with a quoted text that is closed.
fn ends_in_text(code: &str) -> bool {
    let mut in_text = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_text => escaped = true,
            '"' => in_text = !in_text,
            _ => {}
        }
    }
    !in_text && code.ends_with('"')
}

/// The diagnostic for a line that starts with a quote but continues nothing.
fn stray_text(file: FileId, line: &Physical<'_>, above: Option<&Open>) -> Diagnostic {
    let span = Span::new(file, line.start, line.start + line.code.len());
    let deeper = above.is_none_or(|above| line.indent > above.indent);
    match above {
        Some(above) if above.ends_in_text && !above.blank_since => Diagnostic::new(
            Code::ContinuationNotIndented,
            span,
            "this quoted text is not indented deeper than the line above, so it continues nothing",
        )
        .label("indent this under the text it continues")
        .related(
            Span::new(file, above.start, above.end),
            "the line it would continue",
        )
        .help(match line.tabbed || above.tabbed {
            true => {
                "a tab in the indentation counts as one space, however wide an editor draws it: \
                 indent these lines with spaces, this one deeper than the line above"
            }
            false => {
                "to go on with the text above, indent this line deeper than that line \
                 (`waymark fmt` lines it up under the opening quote); to keep a note, start it \
                 with `#`"
            }
        }),
        Some(above) if deeper => {
            let (why, help) = match above.blank_since && above.ends_in_text {
                true => (
                    "a blank line separates it from the text above",
                    "remove the blank line: a text goes on only on the lines directly below it",
                ),
                false => (
                    "the line above does not end with a quoted text",
                    "a line that starts with a quote goes on with the quoted text that ends the \
                     line directly above it; start the text on that line and put only the rest \
                     here, or start a note with `#`",
                ),
            };
            Diagnostic::new(
                Code::ContinuationWithoutText,
                span,
                format!("this quoted text continues nothing: {why}"),
            )
            .label("nothing to continue")
            .help(help)
        }
        None if deeper && line.indent > 0 => Diagnostic::new(
            Code::ContinuationWithoutText,
            span,
            "this quoted text continues nothing: no line above it ends with a quoted text",
        )
        .label("nothing to continue")
        .help("a quoted text belongs after a keyword, e.g. `step initial_visit \"Initial visit\"`"),
        _ => crate::lines::unknown_keyword(
            file,
            &RawLine {
                start: line.start,
                text: Cow::Borrowed(line.code),
            },
            "\"",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> (Vec<(usize, String)>, Vec<Code>) {
        let mut diagnostics = Vec::new();
        let lines = logical_lines(FileId(0), text, &mut diagnostics);
        let lines = lines
            .into_iter()
            .map(|l| (l.start, l.text.into_owned()))
            .collect();
        (lines, diagnostics.iter().map(|d| d.code).collect())
    }

    #[test]
    fn a_deeper_quoted_line_joins_the_text_above_keeping_offsets() {
        let text = "step a \"A\"  # x\r\n  # note\n   \"B\"\nthen b";
        let (lines, codes) = joined(text);
        assert!(codes.is_empty());
        let (start, line) = &lines[0];
        assert_eq!(*start, 0);
        // The comment and carriage return became spaces; the rest is the file's own bytes.
        assert_eq!(line.len(), text.find("\nthen").unwrap());
        assert_eq!(line.replace(' ', ""), "stepa\"A\"\n\n\"B\"");
        assert_eq!(lines[1], (text.find("then").unwrap(), "then b".to_string()));
    }

    #[test]
    fn a_carriage_return_inside_a_continued_text_is_kept() {
        let (lines, codes) = joined("step a \"A\"\r\n  \"B\rC\"\r\nthen b");
        assert!(codes.is_empty());
        assert!(lines[0].1.contains("\"B\rC\""), "{:?}", lines[0].1);
        assert!(!lines[0].1.contains("\"\r"), "{:?}", lines[0].1);
    }

    #[test]
    fn stray_quoted_lines_are_reported() {
        let (_, codes) = joined("step a \"A\"\n\"B\"");
        assert_eq!(codes, vec![Code::ContinuationNotIndented]);
        let (_, codes) = joined("step a\n  \"B\"");
        assert_eq!(codes, vec![Code::ContinuationWithoutText]);
        let (_, codes) = joined("step a \"A\"\n\n  \"B\"");
        assert_eq!(codes, vec![Code::ContinuationWithoutText]);
        let (_, codes) = joined("  \"B\"");
        assert_eq!(codes, vec![Code::ContinuationWithoutText]);
        let (_, codes) = joined("\"B\"");
        assert_eq!(codes, vec![Code::UnknownKeyword]);
    }

    /// A tab counts as one space: a line an editor draws deeper may not be. The help says so.
    #[test]
    fn a_tab_in_the_indentation_is_named_in_the_help() {
        let help = |text: &str| {
            let mut diagnostics = Vec::new();
            logical_lines(FileId(0), text, &mut diagnostics);
            diagnostics
                .first()
                .map(|d| d.help.clone())
                .unwrap_or_default()
        };
        assert!(help("  cite p \"A\"\n\t\"B\"").contains("a tab in the indentation"));
        assert!(help("  cite p \"A\"\n  \"B\"").contains("`waymark fmt`"));
    }

    #[test]
    fn a_text_ends_only_at_a_closing_quote() {
        assert!(ends_in_text("cite a \"x\""));
        assert!(ends_in_text("cite a \"x \\\"y\\\"\""));
        assert!(!ends_in_text("cite a \"x \\\""));
        assert!(!ends_in_text("step a"));
    }
}
