//! `waymark fmt [--check] FILE...`: rewrite procedures in the one canonical layout.

use crate::Exit;
use crate::input::{ReadFailure, read_text};
use crate::output::{print_diagnostics, replace_whole};
use clap::Args;
use std::io::Read;
use std::path::Path;
use waymark_diagnostics::{Code, Sources};
use waymark_fmt::Formatted;

const AFTER_HELP: &str = "\
Examples:
  waymark fmt procedures/assessment.wm             rewrite one file in place
  waymark fmt procedures/*.wm examples/*.wm        rewrite many
  waymark fmt --check procedures/*.wm              list the files that would change (for CI)
  waymark fmt - < draft.wm > tidy.wm               from standard input to standard output

The layout: details indented two spaces under their item, words one space apart, detail lines
in a fixed order (by, approved by, all or any, target/due, extendable, at, every, until,
overrun, untimed, waivable, may repeat, outcomes, cite, then the routes on/then/otherwise),
comments kept with the line below them, runs of blank lines made one, and a quoted text that
would run past 100 columns wrapped between words onto further lines under its opening quote (a
text already wrapped is wrapped afresh). A file
with syntax errors is left untouched and its errors are printed.
The compiled procedure never changes: `waymark diff OLD NEW` reports no change.

Exit codes: 0 all formatted (or, with --check, nothing to change), 1 a file would change
(--check), had syntax errors or could not be written, 2 a file could not be read.";

/// Rewrite procedure files in the canonical layout.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct FmtArgs {
    /// Procedure files to format (`.wm`), or `-` for standard input to standard output.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// Change nothing: print each file that is not in canonical layout, and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// What became of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Unchanged,
    Changed,
    Problem,
    Unreadable,
}

pub fn run(args: FmtArgs) -> Exit {
    let mut sources = Sources::new();
    let outcomes: Vec<Outcome> = args
        .files
        .iter()
        .map(|path| format_one(path, args.check, &mut sources))
        .collect();
    let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count();
    let changed = count(Outcome::Changed);
    if args.check && changed > 0 {
        eprintln!(
            "{changed} of {} files are not formatted; run `waymark fmt` on them",
            outcomes.len()
        );
    }
    if count(Outcome::Unreadable) > 0 {
        Exit::Usage
    } else if count(Outcome::Problem) > 0 || (args.check && changed > 0) {
        Exit::Problems
    } else {
        Exit::Success
    }
}

fn format_one(path: &str, check: bool, sources: &mut Sources) -> Outcome {
    if path == "-" {
        return format_stdin(check, sources);
    }
    let file = match read_text(path, sources) {
        Ok(file) => file,
        Err(ReadFailure::Missing(message)) => {
            eprintln!("error[{}]: {message}", Code::FileUnreadable);
            return Outcome::Unreadable;
        }
        Err(ReadFailure::Unusable(diagnostic)) => {
            print_diagnostics(&[*diagnostic], sources);
            return Outcome::Problem;
        }
    };
    let text = sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let formatted = match waymark_fmt::format(file, &text) {
        Formatted::Text(formatted) => formatted,
        Formatted::SyntaxErrors(diagnostics) => {
            print_diagnostics(&diagnostics, sources);
            eprintln!(
                "`{}` has syntax errors, so it was left as it is",
                crate::output::printable(path, 200)
            );
            return Outcome::Problem;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if check {
        println!("{}", crate::output::printable(path, 200));
        return Outcome::Changed;
    }
    match replace_whole(Path::new(path), formatted.as_bytes()) {
        Ok(()) => Outcome::Changed,
        Err(message) => {
            eprintln!("error: {message}");
            Outcome::Problem
        }
    }
}

/// `waymark fmt -`: the formatted text on standard output (the input itself with --check).
fn format_stdin(check: bool, sources: &mut Sources) -> Outcome {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!(
            "error[{}]: cannot read standard input: {error}",
            Code::FileUnreadable
        );
        return Outcome::Unreadable;
    }
    let file = sources.add("<stdin>", &text);
    match waymark_fmt::format(file, &text) {
        Formatted::Text(formatted) if check => {
            if formatted == text {
                Outcome::Unchanged
            } else {
                println!("<stdin>");
                Outcome::Changed
            }
        }
        Formatted::Text(formatted) => {
            print!("{formatted}");
            Outcome::Unchanged
        }
        Formatted::SyntaxErrors(diagnostics) => {
            print_diagnostics(&diagnostics, sources);
            print!("{text}");
            Outcome::Problem
        }
    }
}
