//! Procedure model to diagnostics: graph shape, deadlines, roles, facts and citations.
//!
//! Start from [`check_text`] (parse, compile and check one file) or [`check`] (check a compiled
//! [`Procedure`]). Both return every problem, errors and warnings together, each with a code
//! from `waymark_diagnostics::codes`. Each module holds one family of checks and builds its
//! messages next to the check. Every check is linear or close to linear in steps plus edges:
//! reachability and cycles by one graph walk, "must come before" by a dominator tree, never by
//! listing paths.

mod any_of;
mod citations;
mod cited_times;
mod deadlines;
mod decisions;
mod dominators;
mod each;
mod extensions;
mod flow;
mod optional;
mod outcomes;
mod recorded;
mod shape;
mod signoff;
mod usage;

pub use citations::{GuidanceText, match_guidance};

use waymark_compile::{Loader, Procedure};
use waymark_diagnostics::{Diagnostic, FileId};

/// What the checker may look at beyond the procedure itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions<'a> {
    /// The guidance texts from the `--sources` folder; `None` skips citation checks.
    pub guidance: Option<&'a [GuidanceText]>,
}

/// The outcome of checking one file: the model (when it compiled) and every problem.
#[derive(Debug)]
pub struct Checked {
    pub procedure: Option<Procedure>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses, compiles and checks one procedure file. The graph checks run only once the file
/// parses and every name resolves, so one misspelt name does not set off a cascade.
pub fn check_text(
    file: FileId,
    text: &str,
    loader: &mut dyn Loader,
    options: &CheckOptions<'_>,
) -> Checked {
    let parsed = waymark_syntax::parse(file, text);
    let mut diagnostics = parsed.diagnostics;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Checked {
            procedure: None,
            diagnostics,
        };
    }
    let compiled = waymark_compile::compile(parsed.document, loader);
    let compiled_cleanly = !compiled.has_errors();
    diagnostics.extend(compiled.diagnostics);
    if let (true, Some(procedure)) = (compiled_cleanly, &compiled.procedure) {
        diagnostics.extend(check(procedure, options));
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Checked {
        procedure: compiled.procedure,
        diagnostics,
    }
}

/// Runs every check on a compiled procedure.
pub fn check(procedure: &Procedure, options: &CheckOptions<'_>) -> Vec<Diagnostic> {
    let flow = flow::FlowAnalysis::new(procedure);
    let mut diagnostics = Vec::new();
    shape::check(procedure, &flow, &mut diagnostics);
    deadlines::check(procedure, &flow, &mut diagnostics);
    each::check(procedure, &mut diagnostics);
    decisions::check(procedure, &mut diagnostics);
    outcomes::check(procedure, &flow, &mut diagnostics);
    recorded::check(procedure, &flow, &mut diagnostics);
    usage::check(procedure, &mut diagnostics);
    signoff::check(procedure, &mut diagnostics);
    any_of::check(procedure, &flow, &mut diagnostics);
    extensions::check(procedure, &mut diagnostics);
    optional::check(procedure, &mut diagnostics);
    cited_times::check(procedure, &mut diagnostics);
    if let Some(files) = options.guidance {
        citations::check(procedure, files, &mut diagnostics);
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    diagnostics
}
