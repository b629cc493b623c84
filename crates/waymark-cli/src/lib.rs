//! The `waymark` command line: reads files, runs the pipeline stages, prints and writes results.
//!
//! This is the only crate that touches the outside world: it reads procedure, calendar and
//! source files, looks at the clock and the terminal, and prints. Each subcommand lives in its
//! own file under `command/`; [`main`] parses the arguments and dispatches.

mod command;
mod exit;
mod input;
mod loader;
mod output;

use clap::{Parser, Subcommand};
pub use exit::Exit;

const ABOUT: &str =
    "Statutory procedure as code: check it, run cases through it, draw it, compare versions.";

const LONG_ABOUT: &str = "\
Waymark reads procedures written in a small language of steps, deadlines, roles and decisions,
checks them the way a compiler checks a program, runs cases through them on a working-day
calendar, draws them as flowcharts, and compares two versions.

Examples:
  waymark check procedures/assessment.wm
  waymark check --deny-warnings --sources ../shared/seeds procedures/*.wm
  waymark explain WM0101
  waymark days 2025-12-01 +45
  waymark run procedures/assessment.wm examples/cases.jsonl --as-of 2026-06-30
  waymark export procedures/assessment.wm --to svg -o assessment.svg
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm

Exit codes: 0 success, 1 problems found (for diff: changes found), 2 usage error (a missing
file, a bad flag). Every command's --help has examples.";

/// The `waymark` command line.
#[derive(Debug, Parser)]
#[command(name = "waymark", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Check(command::check::CheckArgs),
    Explain(command::explain::ExplainArgs),
    Days(command::days::DaysArgs),
    Run(command::run::RunArgs),
    Export(command::export::ExportArgs),
    Diff(command::diff::DiffArgs),
}

/// Parses `std::env::args`, runs the subcommand and turns its outcome into an exit code.
pub fn main() -> std::process::ExitCode {
    stop_quietly_when_output_is_closed();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    run(cli).into()
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => command::check::run(args),
        Command::Explain(args) => command::explain::run(args),
        Command::Days(args) => command::days::run(args),
        Command::Run(args) => command::run::run(args),
        Command::Export(args) => command::export::run(args),
        Command::Diff(args) => command::diff::run(args),
    }
}

/// `waymark days ... | head -1` closes our output early. Rust's `println!` then panics, which
/// would print a backtrace at someone who did nothing wrong; stable Rust offers no safe way to
/// restore the usual "stop on a closed pipe" behaviour, so this hook does it for that one panic.
fn stop_quietly_when_output_is_closed() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}
