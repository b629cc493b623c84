//! Syntax tree to procedure model and state graph: resolves names, types, clocks and imports.
//!
//! Start from [`compile`]: it takes the parsed procedure and a [`Loader`] for the files its
//! `use` lines name, and returns the [`Procedure`] model (with its petgraph [`FlowGraph`]) and
//! every problem found. The model is what the checker, interpreter, exporters and comparer
//! read; nothing downstream looks at syntax again. Like every stage but the CLI, this crate does
//! no IO: the loader is how files reach it.

mod from_syntax;
pub mod graph;
mod imports;
pub mod model;
mod names;
pub mod nesting;
mod types;
mod words;

pub use graph::{Edge, FlowGraph};
pub use imports::{Loader, NoFiles};
pub use model::*;
pub use nesting::Nesting;
pub use words::mid_sentence;

use waymark_diagnostics::Diagnostic;
use waymark_syntax::Document;

/// The result of compiling: the model when the file had a header and a start, and the problems.
#[derive(Debug)]
pub struct Compiled {
    pub procedure: Option<Procedure>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles a parsed procedure, loading the files it uses through `loader`.
pub fn compile(root: Document, loader: &mut dyn Loader) -> Compiled {
    let mut diagnostics = Vec::new();
    let documents = imports::load_all(root, loader, &mut diagnostics);
    let procedure = from_syntax::resolve(&documents, &mut diagnostics);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Compiled {
        procedure,
        diagnostics,
    }
}
