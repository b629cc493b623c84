//! `waymark import cin-census CENSUS`: a Children in Need census file to the JSON Lines cases
//! `waymark run` reads, through the census mapping, so the mapping can be inspected, edited
//! and re-run. The census is read as a stream; the output is written whole or not at all.

use crate::Exit;
use crate::command::census::{Census, file_bad_case, load_mapping, warn};
use crate::exit::Failure;
use crate::output::Sink;
use clap::{Args, Subcommand};
use waymark_diagnostics::Sources;

const AFTER_HELP: &str = "\
Examples:
  waymark import cin-census examples/census.xml -o cases.jsonl
  waymark import cin-census examples/census.xml --procedure procedures/assessment.wm -o cases.jsonl
  waymark import cin-census examples/census.xml | head -3
  waymark import cin-census census.xml --map my-mapping.toml --procedure my-assessment.wm

One line per case: an episode is a case named LAchildID/CINreferralDate; a second or later
assessment, Section 47 enquiry or plan of an episode is a case of its own
(.../assessment-2, .../s47-2, .../cpp-2). docs/cin-census.md has the field-to-step table.

Exit codes: 0 every child read, 1 some child or episode could not be made a case (each is
reported with its line and column, and every other child is still read) or the mapping does
not fit the procedure, 2 usage error (missing file, not a census).";

const GROUP_HELP: &str = "\
Examples:
  waymark import cin-census examples/census.xml -o cases.jsonl
  waymark import cin-census examples/census.xml --procedure procedures/section47.wm";

/// Import case data from another system's file.
#[derive(Debug, Args)]
#[command(after_help = GROUP_HELP)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A Children in Need census XML file to JSON Lines cases.
    #[command(name = "cin-census", after_help = AFTER_HELP)]
    CinCensus(CinCensusArgs),
}

#[derive(Debug, Args)]
pub struct CinCensusArgs {
    /// The census file (XML, root `<Message>`).
    #[arg(value_name = "CENSUS")]
    pub census: String,

    /// The census mapping (TOML). Default: the one shipped for `--procedure`, or for
    /// procedures/assessment.wm without it.
    #[arg(long, value_name = "FILE")]
    pub map: Option<String>,

    /// The procedure the mapping targets: the mapping is checked against it first.
    #[arg(long, value_name = "FILE")]
    pub procedure: Option<String>,

    /// Write to this file instead of standard output (whole, or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<String>,
}

pub fn run(args: ImportArgs) -> Exit {
    let ImportSource::CinCensus(args) = args.source;
    let mut sources = Sources::new();
    match import(&args, &mut sources) {
        Ok(exit) => exit,
        Err(failure) => failure.report(&sources),
    }
}

/// A census that cannot be read at all is reported as such, not as a file that is no census.
fn readable(path: &str) -> Result<(), Failure> {
    let shown = crate::output::printable(path, 200);
    match std::fs::metadata(path) {
        Err(error) => Err(Failure::usage(format!(
            "cannot read `{shown}`: {}",
            crate::input::describe(&error)
        ))),
        Ok(metadata) if metadata.is_dir() => {
            Err(Failure::usage(format!("`{shown}` is a folder, not a file")))
        }
        Ok(_) => Ok(()),
    }
}

fn import(args: &CinCensusArgs, sources: &mut Sources) -> Result<Exit, Failure> {
    let procedure = match &args.procedure {
        Some(path) => Some(load_procedure(path, sources)?),
        None => None,
    };
    let mapping = load_mapping(args.map.as_deref(), procedure.as_ref(), sources)?;
    readable(&args.census)?;
    let Some(mut census) = Census::detect(&args.census)? else {
        return Err(Failure::usage(format!(
            "`{}` is not a Children in Need census: its root is not `<Message>` with CIN collection details",
            args.census
        )));
    };
    let mut out = Sink::open(args.output.as_deref())?;
    let mut bad = 0usize;
    while let Some(child) = census.reader.next_child() {
        let made = waymark_census::child_cases(&child, &mapping);
        warn(&census.path, &made.warnings);
        for case in made.cases {
            match case {
                Ok(case) => {
                    out.write(case.to_json().as_bytes())?;
                    out.write(b"\n")?;
                }
                Err(case) => {
                    bad += 1;
                    for line in waymark_run::render::bad_case_lines(&case) {
                        eprintln!("{line}");
                    }
                }
            }
        }
    }
    let (errors, warnings): (Vec<_>, Vec<_>) = census
        .reader
        .findings
        .iter()
        .cloned()
        .partition(waymark_census::Finding::is_error);
    warn(&census.path, &warnings);
    if !errors.is_empty() {
        bad += 1;
        for line in waymark_run::render::bad_case_lines(&file_bad_case(&errors)) {
            eprintln!("{line}");
        }
    }
    out.finish()?;
    Ok(match bad {
        0 => Exit::Success,
        _ => Exit::Problems,
    })
}

/// Parses, compiles and checks the procedure; its errors stop the import.
fn load_procedure(
    path: &str,
    sources: &mut Sources,
) -> Result<waymark_compile::Procedure, Failure> {
    match crate::loader::load_checked(path, sources)? {
        Ok(procedure) => Ok(procedure),
        Err(errors) => Err(Failure::problems(format!("`{path}` has errors")).with(errors)),
    }
}
