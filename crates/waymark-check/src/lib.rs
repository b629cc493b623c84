//! Procedure model to diagnostics: graph shape, deadlines, roles, facts and citations.
//!
//! Start from [`check`]: it takes a compiled [`Procedure`] and returns every problem, errors and
//! warnings together, each with a code from `waymark_diagnostics::codes`. Each module holds one
//! family of checks and builds its messages next to the check. Every check is linear or close to
//! linear in steps plus edges: reachability and cycles by one graph walk, "must come before" by
//! a dominator tree, never by listing paths.

mod citations;
mod deadlines;
mod decisions;
mod flow;
mod shape;
mod usage;

pub use citations::{GuidanceText, match_guidance};

use waymark_compile::Procedure;
use waymark_diagnostics::Diagnostic;

/// What the checker may look at beyond the procedure itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions<'a> {
    /// The guidance texts, one per declared source (in the procedure's source order), when
    /// `--sources` gave a folder. `None` for a source skips its citations with a warning.
    pub guidance: Option<&'a [Option<GuidanceText>]>,
}

/// Runs every check on a compiled procedure.
pub fn check(procedure: &Procedure, options: &CheckOptions<'_>) -> Vec<Diagnostic> {
    let flow = flow::Flow::new(procedure);
    let mut diagnostics = Vec::new();
    shape::check(procedure, &flow, &mut diagnostics);
    deadlines::check(procedure, &flow, &mut diagnostics);
    decisions::check(procedure, &mut diagnostics);
    usage::check(procedure, &mut diagnostics);
    if let Some(guidance) = options.guidance {
        citations::check(procedure, guidance, &mut diagnostics);
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    diagnostics
}
