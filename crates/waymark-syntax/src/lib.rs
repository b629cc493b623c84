//! Procedure text to syntax tree with spans: the Waymark grammar, parser and parse diagnostics.
//!
//! Start from [`parse`]: it takes one file's text and returns a [`Document`] together with every
//! problem found, and never fails or panics. The language is line-oriented (see
//! `grammar/waymark.pest`): each line's first word picks the grammar rule for that line, so a bad
//! line is reported and skipped while the rest of the file is still read. Names are not resolved
//! here; that is `waymark-compile`'s job.

mod assemble;
pub mod ast;
mod build;
mod errors;
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

use waymark_diagnostics::{Diagnostic, FileId};

/// The result of parsing one file: as much of the tree as could be read, and the problems.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one procedure file. Never panics; every problem becomes a diagnostic.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let lines = lines::parse_lines(file, text, &mut diagnostics);
    let document = assemble::assemble(file, lines, &mut diagnostics);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Parsed {
        document,
        diagnostics,
    }
}
