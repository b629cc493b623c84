//! `waymark diff OLD.wm NEW.wm`: what changed between two versions of a procedure.

use crate::Exit;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use waymark_check::CheckOptions;
use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Diagnostic, RenderOptions, Sources, render_human};

const AFTER_HELP: &str = "\
Examples:
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm
  waymark diff old.wm new.wm --format markdown > changes.md     for a committee paper
  waymark diff old.wm new.wm --format json                      for analysts

Only what a case would notice is compared: steps, deadlines, who acts, decision outcomes, where
cases go next, citations, roles, facts, sources and the procedure's header. Comments and layout
are not changes.

Exit codes, as for diff(1): 0 no changes, 1 changes, 2 error (a file missing or not valid).";

/// Show what changed between two versions of a procedure.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DiffArgs {
    /// The earlier version.
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The later version.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// `human` (grouped, for reading), `json` (for analysts) or `markdown` (for a paper).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

pub fn run(args: DiffArgs) -> Exit {
    let mut sources = Sources::new();
    let mut loader = FileLoader::new(&mut sources);
    let old = compile(&args.old, &mut loader);
    let new = compile(&args.new, &mut loader);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let mut problems: Vec<Diagnostic> = Vec::new();
            for failed in [old.err(), new.err()].into_iter().flatten() {
                match failed {
                    Failure::Missing(message) => {
                        eprintln!("error[{}]: {message}", Code::FileUnreadable)
                    }
                    Failure::Invalid(diagnostics) => problems.extend(diagnostics),
                }
            }
            let colour = std::io::stderr().is_terminal();
            eprint!(
                "{}",
                render_human(
                    &problems,
                    &sources,
                    RenderOptions {
                        colour,
                        width: None
                    }
                )
            );
            eprintln!("error: both versions must check without errors before they can be compared");
            return Exit::Usage;
        }
    };
    let changes = waymark_diff::compare(&old, &new);
    let format = match args.format {
        DiffFormat::Human => waymark_diff::Format::Human,
        DiffFormat::Json => waymark_diff::Format::Json,
        DiffFormat::Markdown => waymark_diff::Format::Markdown,
    };
    print!("{}", waymark_diff::render(&old, &new, &changes, format));
    if changes.is_empty() {
        Exit::Success
    } else {
        Exit::Problems
    }
}

/// Why a version could not be compared.
pub enum Failure {
    Missing(String),
    Invalid(Vec<Diagnostic>),
}

/// Prints why a version could not be compared: a usage error (exit 2).
pub fn report_failure(failure: Failure, sources: &Sources) -> Exit {
    match failure {
        Failure::Missing(message) => eprintln!("error[{}]: {message}", Code::FileUnreadable),
        Failure::Invalid(problems) => {
            let colour = std::io::stderr().is_terminal();
            eprint!(
                "{}",
                render_human(
                    &problems,
                    sources,
                    RenderOptions {
                        colour,
                        width: None
                    }
                )
            );
            eprintln!("error: a version must check without errors before it can be compared");
        }
    }
    Exit::Usage
}

/// Reads and compiles one version; its errors (not its warnings) stop the comparison.
pub fn compile(path: &str, loader: &mut FileLoader<'_>) -> Result<Procedure, Failure> {
    let file = match loader.read(path) {
        Ok(file) => file,
        Err(ReadFailure::Missing(message)) => return Err(Failure::Missing(message)),
        Err(ReadFailure::Unusable(diagnostic)) => return Err(Failure::Invalid(vec![*diagnostic])),
    };
    let text = loader.text(file);
    let checked = waymark_check::check_text(file, &text, loader, &CheckOptions::default());
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    match checked.procedure {
        Some(procedure) if errors.is_empty() => Ok(procedure),
        _ => Err(Failure::Invalid(errors)),
    }
}
