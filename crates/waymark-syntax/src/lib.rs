//! Procedure text to syntax tree with spans: the Waymark grammar, parser and parse diagnostics.
//!
//! Start from [`parse`]: it takes one file's text and returns a [`Document`] together with every
//! problem found, and never fails or panics. The language is line-oriented (see
//! `grammar/waymark.pest`): each line's first word picks the grammar rule for that line, so a bad
//! line is reported and skipped while the rest of the file is still read. Names are not resolved
//! here; that is `waymark-compile`'s job.

mod assemble;
pub mod ast;
mod continuation;
mod errors;
mod from_pairs;
mod generate;
mod grammar;
mod keywords;
mod lines;
#[cfg(test)]
mod tests {
    mod constructs;
}

pub use ast::*;
pub use generate::generate_procedure;
pub use keywords::{CLAUSE_KEYWORDS, HEADER_KEYWORDS, ITEM_KEYWORDS, KEYWORDS};
pub use lines::without_comment;

/// Where a rule is written, for a person: `("procedures/assessment.wm:73", "due 5 working days
/// after referral")`, the file and line of `span` and that line without its comment. A rule
/// whose text goes on over further lines is given whole, its lines joined with spaces.
pub fn rule_at(sources: &waymark_diagnostics::Sources, span: Span) -> (String, String) {
    let name = sources.name(span.file).to_string();
    let Some(file) = sources.get(span.file) else {
        return (name, String::new());
    };
    let (line, _) = file.line_column(span.start);
    let (last, _) = file.line_column(span.end);
    let text: Vec<&str> = file
        .text
        .lines()
        .skip(line.saturating_sub(1))
        .take(last.max(line) + 1 - line)
        .map(|text| without_comment(text).trim())
        .filter(|text| !text.is_empty())
        .collect();
    (format!("{name}:{line}"), text.join(" "))
}

use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// The result of parsing one file: as much of the tree as could be read, and the problems.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

/// WM0108 for a file with no line to read: only comments and blank lines. Without it such a file
/// passed `check` (no line was wrong) yet had no procedure, so no start step, to run or draw.
fn nothing_but_comments(file: FileId, text: &str) -> Diagnostic {
    let old_mac = text.contains('\r') && !text.contains('\n');
    let help = if old_mac {
        "the lines end in a carriage return alone (old Mac line endings), so the whole file reads \
         as one comment line; save it with LF (or CRLF) line endings"
    } else {
        "start the file with a line such as `procedure assessment \"Child and Family Assessment\"`, \
         then a `start` line and the steps"
    };
    Diagnostic::new(
        Code::MissingProcedureHeader,
        Span::new(file, 0, 0),
        "this file holds only comments and blank lines: it has no procedure and no start step",
    )
    .label("nothing but comments from here")
    .help(help)
}

/// Parses one procedure file. Never panics; every problem becomes a diagnostic.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let lines = lines::parse_lines(file, text, &mut diagnostics);
    let nothing_read = lines.is_empty();
    let document = assemble::assemble(file, lines, &mut diagnostics);
    if nothing_read && diagnostics.is_empty() {
        diagnostics.push(nothing_but_comments(file, text));
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Parsed {
        document,
        diagnostics,
    }
}
