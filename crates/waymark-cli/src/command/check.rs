//! `waymark check FILE...`: parse, compile and check procedures, and report every problem.

use crate::Exit;
use crate::input::{ReadFailure, read_text};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use waymark_diagnostics::{
    Diagnostic, RenderOptions, Severity, Sources, render_human, render_json, summary_line,
};

const AFTER_HELP: &str = "\
Examples:
  waymark check procedures/assessment.wm
  waymark check procedures/*.wm --deny-warnings
  waymark check procedures/*.wm --sources ../shared/seeds    also verify every `cite` phrase
  waymark check procedures/assessment.wm --format json       one JSON object per problem

Exit codes: 0 clean or warnings only, 1 errors (or warnings with --deny-warnings), 2 usage error.
Run `waymark explain CODE` for the long explanation of any code, e.g. `waymark explain WM0101`.";

/// Check procedure files for mistakes, as a compiler checks a program.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Procedure files to check (`.wm`).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// How to print problems: `human` (with source snippets) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors: exit 1 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: CheckArgs) -> Exit {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    for path in &args.files {
        match read_text(path, &mut sources) {
            Ok(file) => {
                let text = sources
                    .get(file)
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                diagnostics.extend(waymark_syntax::parse(file, &text).diagnostics);
            }
            Err(ReadFailure::Missing(message)) => {
                eprintln!("error: {message}");
                return Exit::Usage;
            }
            Err(ReadFailure::Unusable(diagnostic)) => diagnostics.push(*diagnostic),
        }
    }
    report(diagnostics, &sources, args.files.len(), &args)
}

fn report(
    mut diagnostics: Vec<Diagnostic>,
    sources: &Sources,
    files: usize,
    args: &CheckArgs,
) -> Exit {
    if args.deny_warnings {
        for diagnostic in &mut diagnostics {
            diagnostic.severity = Severity::Error;
        }
    }
    diagnostics.sort_by(|a, b| {
        let file = |d: &Diagnostic| sources.name(d.primary.span.file).to_string();
        (file(a), a.sort_key()).cmp(&(file(b), b.sort_key()))
    });
    diagnostics.dedup();
    match args.format {
        Format::Json => print!("{}", render_json(&diagnostics, sources)),
        Format::Human => {
            let colour = std::io::stderr().is_terminal();
            eprint!(
                "{}",
                render_human(
                    &diagnostics,
                    sources,
                    RenderOptions {
                        colour,
                        width: None
                    }
                )
            );
            eprintln!("{}", summary_line(&diagnostics, files));
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        Exit::Problems
    } else {
        Exit::Success
    }
}
