//! `waymark check FILE...`: parse, compile and check procedures, and report every problem.

use crate::Exit;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use waymark_check::{CheckOptions, GuidanceText};
use waymark_diagnostics::{
    Code, Diagnostic, FileId, RenderOptions, Severity, Sources, render_human, render_json,
    summary_line,
};

const AFTER_HELP: &str = "\
Examples:
  waymark check procedures/assessment.wm
  waymark check procedures/*.wm --deny-warnings
  waymark check procedures/*.wm --sources ../shared/seeds    also verify every `cite` phrase
  waymark check procedures/assessment.wm --format json       one JSON object per problem
  waymark check - < draft.wm                                  read the procedure from standard input

Exit codes: 0 clean or warnings only, 1 errors (or warnings with --deny-warnings), 2 usage error.
Run `waymark explain CODE` for the long explanation of any code, e.g. `waymark explain WM0101`.";

/// Check procedure files for mistakes, as a compiler checks a program.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Procedure files to check (`.wm`); `-` reads one from standard input (its `use` lines are
    /// read relative to the current folder).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// How to print problems: `human` (with source snippets) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors: exit 1 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,

    /// A folder of guidance texts: check that every `cite` phrase still appears in its source.
    /// A source `protocol` matches `protocol.txt`, or a file whose first lines hold its title.
    #[arg(long, value_name = "DIR")]
    pub sources: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: CheckArgs) -> Exit {
    let guidance = match args.sources.as_deref().map(read_guidance).transpose() {
        Ok(guidance) => guidance,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    if args.files.iter().filter(|path| *path == "-").count() > 1 {
        eprintln!(
            "error: `-` (standard input) is given more than once, but it can be read only once"
        );
        return Exit::Usage;
    }
    let mut loader = FileLoader::new(&mut sources);
    for path in &args.files {
        let read = match path.as_str() {
            "-" => crate::input::read_stdin_text(loader.sources),
            _ => loader.read(path),
        };
        match read {
            Ok(file) => diagnostics.extend(check_file(file, &mut loader, guidance.as_deref())),
            Err(ReadFailure::Missing(message)) => {
                eprintln!("error[{}]: {message}", Code::FileUnreadable);
                eprintln!(
                    "help: check the path; `waymark check` takes procedure files such as `procedures/assessment.wm`"
                );
                return Exit::Usage;
            }
            Err(ReadFailure::Unusable(diagnostic)) => diagnostics.push(*diagnostic),
        }
    }
    report(diagnostics, &sources, args.files.len(), &args)
}

fn check_file(
    file: FileId,
    loader: &mut FileLoader<'_>,
    guidance: Option<&[GuidanceText]>,
) -> Vec<Diagnostic> {
    if let Some(mixed_up) = crate::file_kind::test_file_as_procedure(file, loader.sources) {
        return vec![mixed_up];
    }
    let text = loader.text(file);
    let options = CheckOptions { guidance };
    waymark_check::check_text(file, &text, loader, &options).diagnostics
}

/// Reads every text file (`.txt`, `.md`, but not a README) in the guidance folder, by name.
fn read_guidance(dir: &str) -> Result<Vec<GuidanceText>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read the sources folder `{dir}`: {error}"))?;
    let mut texts = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_text = path.extension().is_some_and(|e| e == "txt" || e == "md");
        if !is_text || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.push(GuidanceText { name, text });
        }
    }
    texts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(texts)
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
            let options = RenderOptions {
                colour,
                width: None,
            };
            eprint!("{}", render_human(&diagnostics, sources, options));
            eprintln!("{}", summary_line(&diagnostics, files));
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        Exit::Problems
    } else {
        Exit::Success
    }
}
