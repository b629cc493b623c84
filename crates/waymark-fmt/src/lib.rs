//! The canonical layout of procedure text (`waymark fmt`): spacing, indentation, detail order.
//!
//! The formatter works on the concrete text, line by line, so nothing the parser throws away is
//! lost: comments stay with the line they annotate (a comment block directly above a line moves
//! with it), and blank lines still separate the same groups (runs of them become one). It only
//! formats a file that parses without errors, and it changes only what the language ignores:
//! the space between words, indentation, the order of detail lines whose order has no meaning,
//! where long quoted texts are broken over lines, and line endings at the end of the file. The
//! compiled model is the same before and after (the integration tests prove it on every `.wm`
//! file in the repository and on mutated ones).
//!
//! The canonical layout is the one the shipped procedures already follow:
//! - header, declarations and items start at the margin; their detail lines are indented two
//!   spaces; words are one space apart, a comma is followed by one space, a trailing comment is
//!   two spaces after the code;
//! - detail lines in one group come in a fixed order (see [`detail_rank`]); lines whose relative
//!   order means something (`due` and `target`, the routes `on`, `then`, `otherwise`, and two lines
//!   of the same keyword) keep it;
//! - a quoted text that would run past [`WIDTH`] (100 characters) is wrapped between words into
//!   pieces, one per line, each further piece lined up under the text's opening quote; a text
//!   already wrapped is joined and wrapped afresh. The language joins the pieces with single
//!   spaces, so the text is the same (see `wrap.rs`).

mod layout;
mod lex;
mod wrap;

use waymark_diagnostics::{Diagnostic, FileId};

/// The outcome of formatting one file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formatted {
    /// The text in canonical layout (which may equal the input).
    Text(String),
    /// The file has syntax errors and was not formatted; these are the parser's diagnostics.
    SyntaxErrors(Vec<Diagnostic>),
}

/// Formats one procedure file. Never panics; a file with syntax errors is left as it is.
pub fn format(file: FileId, text: &str) -> Formatted {
    let parsed = waymark_syntax::parse(file, text);
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Formatted::SyntaxErrors(errors);
    }
    Formatted::Text(layout::layout(text))
}

/// The formatted text, or `None` for a file with syntax errors.
pub fn format_text(text: &str) -> Option<String> {
    match format(FileId(0), text) {
        Formatted::Text(text) => Some(text),
        Formatted::SyntaxErrors(_) => None,
    }
}

pub use layout::detail_rank;
pub use wrap::WIDTH;
