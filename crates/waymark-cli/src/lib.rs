//! The `waymark` command line: reads files, runs the pipeline stages, prints and writes results.
//!
//! This is the only crate that touches the outside world: it reads procedure, calendar and
//! source files, looks at the clock and the terminal, and prints. Each subcommand lives in its
//! own file under `command/`; [`main`] parses the arguments and dispatches.

// Standard output and standard error without panics. Rust's own `print!` family panics when
// the stream is a closed pipe (`waymark check ... 2>&1 | head -1`, a log reader that went
// away), which printed a backtrace and lost the exit code. These definitions come before the
// modules, so every module's `print!`, `println!`, `eprint!` and `eprintln!` are these: a write
// to a closed pipe is dropped, and the command carries on to its proper exit code; any other
// failed write to standard output (a full disk) is kept and ends the command with an error
// and exit 2 (see `run` below).
macro_rules! print {
    ($($arg:tt)*) => { $crate::output::to_stdout(format_args!($($arg)*)) };
}
macro_rules! println {
    () => { $crate::output::to_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::to_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::output::to_stderr(format_args!($($arg)*)) };
}
macro_rules! eprintln {
    () => { $crate::output::to_stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::to_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

mod calendar;
mod command;
mod exit;
mod file_kind;
mod input;
mod loader;
mod output;
mod page_cache;

use clap::{Parser, Subcommand};
pub use exit::Exit;
/// How `run` reads a large case file (public for the caseload bench, which reads as `run` does).
pub use input::{StraightFromDisk, open_case_file};
/// How `-o FILE` writes a file whole (public for the caseload bench, which writes as `run` does).
pub use output::WholeFile;

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
  waymark run procedures/assessment.wm examples/census.xml
  waymark import cin-census examples/census.xml -o cases.jsonl
  waymark fmt --check procedures/*.wm
  waymark test procedures
  waymark serve procedures/assessment.wm

Exit codes: 0 success, 1 problems found (for diff: changes found), 2 usage error (a missing
file, a bad flag) or output that cannot be written (a full disk). Every command's --help has
examples.";

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
    Import(command::import::ImportArgs),
    Fmt(command::fmt::FmtArgs),
    Lsp(command::lsp::LspArgs),
    Test(command::test::TestArgs),
    Serve(command::serve::ServeArgs),
}

/// Parses `std::env::args`, runs the subcommand and turns its outcome into an exit code.
pub fn main() -> std::process::ExitCode {
    stop_quietly_when_output_is_closed();
    remove_temporary_files_on_signals();
    limit_threads();
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
    if let Err(message) = check_arguments(&cli.command) {
        eprintln!("error: {message}");
        return Exit::Usage;
    }
    let exit = match cli.command {
        Command::Check(args) => command::check::run(args),
        Command::Explain(args) => command::explain::run(args),
        Command::Days(args) => command::days::run(args),
        Command::Run(args) => command::run::run(args),
        Command::Export(args) => command::export::run(args),
        Command::Diff(args) => command::diff::run(args),
        Command::Import(args) => command::import::run(args),
        Command::Fmt(args) => command::fmt::run(args),
        Command::Lsp(args) => command::lsp::run(args),
        Command::Test(args) => command::test::run(args),
        Command::Serve(args) => command::serve::run(args),
    };
    // Output that could not be written (a full disk) is a failure, exit 2, as `run -o` says.
    match output::stdout_failure() {
        Some(error) => {
            eprintln!("error: cannot write the output: {error}");
            Exit::Usage
        }
        None => exit,
    }
}

/// What every command checks before it starts: an `--as-of` date within 1990-2100, and that
/// `-o` does not name one of the command's own input files (compared as files, by device and
/// inode, so `./r.wm` and a link to `r.wm` are caught too). Files read later, such as those
/// named by `use` lines, are noted as they are read.
fn check_arguments(command: &Command) -> Result<(), String> {
    let (as_of, inputs, output): (Option<&String>, Vec<&String>, Option<&std::path::Path>) =
        match command {
            Command::Run(args) => (
                args.as_of.as_ref(),
                [&args.procedure, &args.cases]
                    .into_iter()
                    .chain(args.facts.as_ref())
                    .chain(args.map.as_ref())
                    .chain(&args.calendar)
                    .collect(),
                args.output.as_deref().map(std::path::Path::new),
            ),
            Command::Export(args) => (
                None,
                std::iter::once(&args.file)
                    .chain(args.compare.as_ref())
                    .collect(),
                args.output.as_deref(),
            ),
            Command::Diff(args) => (
                args.as_of.as_ref(),
                [&args.old, &args.new]
                    .into_iter()
                    .chain(args.cases.as_ref())
                    .chain(args.facts.as_ref())
                    .chain(&args.calendar)
                    .collect(),
                None,
            ),
            Command::Import(args) => {
                let command::import::ImportSource::CinCensus(args) = &args.source;
                (
                    None,
                    std::iter::once(&args.census)
                        .chain(&args.map)
                        .chain(&args.procedure)
                        .collect(),
                    args.output.as_deref().map(std::path::Path::new),
                )
            }
            Command::Check(_)
            | Command::Explain(_)
            | Command::Days(_)
            | Command::Fmt(_)
            | Command::Lsp(_)
            | Command::Test(_)
            | Command::Serve(_) => (None, Vec::new(), None),
        };
    if let Some(text) = as_of {
        command::days::date_in_range(text, "--as-of").map_err(|(message, help)| {
            format!(
                "{message} ({})\nhelp: {help}",
                waymark_diagnostics::Code::DateArgumentInvalid
            )
        })?;
    }
    for path in inputs {
        input::note_input_path(path);
    }
    let case_files: Vec<&String> = match command {
        Command::Run(args) => std::iter::once(&args.cases).chain(&args.facts).collect(),
        Command::Import(args) => {
            let command::import::ImportSource::CinCensus(args) = &args.source;
            vec![&args.census]
        }
        Command::Diff(args) => args.cases.iter().chain(&args.facts).collect(),
        _ => Vec::new(),
    };
    for path in case_files {
        refuse_an_endless_file(path)?;
    }
    match output {
        Some(output) => input::refuse_an_input(output),
        None => Ok(()),
    }
}

/// Case data named by path must be a regular file: a device such as `/dev/zero` never ends
/// (and a CSV file is read whole). A stream of cases is given as `-`, standard input.
fn refuse_an_endless_file(path: &str) -> Result<(), String> {
    if path == "-" {
        return Ok(());
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => Err(format!(
            "`{}` is not a regular file (a device or a pipe), so it might never end ({})\nhelp: to stream cases from a program, give `-` and pipe them to standard input",
            output::printable(path, 200),
            waymark_diagnostics::Code::NotARegularFile
        )),
        _ => Ok(()),
    }
}

/// Ctrl-C, SIGTERM and SIGHUP end the process without running destructors, so the hidden
/// temporary file of `-o` (a gigabyte, on a large caseload) would stay behind. The handler
/// removes it and ends with 130, as a shell reports an interrupted command.
fn remove_temporary_files_on_signals() {
    let _ = ctrlc::set_handler(|| {
        output::remove_temporaries();
        std::process::exit(130);
    });
}

/// The most threads Waymark starts, whatever `RAYON_NUM_THREADS` asks for: far more threads
/// than cores only costs memory, and hundreds of thousands made the thread pool panic or hang.
const MOST_THREADS: usize = 256;

/// Clamps a huge `RAYON_NUM_THREADS`, saying so; any other value is left to rayon.
fn limit_threads() {
    let Some(asked) = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
    else {
        return;
    };
    if asked > MOST_THREADS {
        eprintln!(
            "note: RAYON_NUM_THREADS={asked} is more threads than Waymark starts; using {MOST_THREADS}"
        );
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(MOST_THREADS)
            .build_global();
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
            output::remove_temporaries();
            std::process::exit(0);
        }
        default_hook(info);
    }));
}
