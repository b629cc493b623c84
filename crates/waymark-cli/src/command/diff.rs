//! `waymark diff OLD.wm NEW.wm`: what changed between two versions of a procedure.

use super::run::{CsvFiles, InputFormat, Stop, date_argument, is_csv, open_cases, today};
use crate::Exit;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use crate::output::print_diagnostics;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use waymark_calendar::{builtin, default_calendar};
use waymark_check::CheckOptions;
use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Diagnostic, Sources};
use waymark_diff::{Impact, ImpactOn, Versions, impact_of, impact_of_cases};
use waymark_run::Plan;
use waymark_run::stream::{Blocks, line_count};

const AFTER_HELP: &str = "\
Examples:
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm \\
      --cases examples/cases.jsonl --as-of 2026-06-30          which cases the change affects
  waymark diff old.wm new.wm --format markdown > changes.md     for a committee paper
  waymark diff old.wm new.wm --format json                      for analysts
  waymark diff old.wm new.wm --cases cases.jsonl --format csv > affected.csv
                                                                a row per difference in a case

Only what a case would notice is compared: steps, deadlines, who acts, decision outcomes, where
cases go next, citations, roles, facts, sources and the procedure's header. Comments and layout
are not changes.

With --cases, every case (JSON Lines or CSV with --facts, as for `waymark run`; `-` reads
standard input) runs through both versions, and the report adds what differs for each case: a step's status
(met -> late), a due date that moves (in working days), a case that the new version would
close, leave or cannot read. Each version uses the calendar it names.

--format csv gives a table for spreadsheets: without --cases, one row per change
(group,subject,change,before,after); with --cases, one row per difference in a case
(case,line,step,occurrence,difference,before,after,working_days,detail).

Exit codes, as for diff(1): 0 no changes, 1 changes, 2 error (a file missing or not valid,
or cases that neither version can read; the report is still printed).";

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

    /// `human` (grouped, for reading), `json` or `csv` (for analysts) or `markdown` (for a
    /// paper).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Cases to run through both versions (JSON Lines; `-` for standard input).
    #[arg(long, value_name = "CASES")]
    pub cases: Option<String>,

    /// With --cases: the date the cases are taken as standing on (default: today).
    #[arg(long, value_name = "DATE", requires = "cases")]
    pub as_of: Option<String>,

    /// With CSV cases: the facts file, with the header `case,fact,value`.
    #[arg(long, value_name = "FILE", requires = "cases")]
    pub facts: Option<String>,

    /// How to read CASES. Default: CSV for a `.csv` file or with --facts, else JSON Lines.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "cases")]
    pub input: Option<InputFormat>,

    /// A test file (`*.wmtest`) to run against both versions: the report adds which
    /// expectations hold under OLD and would not under NEW (human, markdown or json).
    #[arg(long, value_name = "FILE")]
    pub tests: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
    Csv,
}

/// `text` with every control character but newline and tab written as an escape (`\u{1b}`).
fn for_people(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(unsafe_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unsafe_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn run(args: DiffArgs) -> Exit {
    let mut sources = Sources::new();
    let mut loader = FileLoader::new(&mut sources);
    let old = compile(&args.old, &mut loader);
    let new = compile(&args.new, &mut loader);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            // Both versions' problems are shown, so both can be fixed in one go.
            for failure in [old.err(), new.err()].into_iter().flatten() {
                report_failure(failure, &sources);
            }
            return Exit::Usage;
        }
    };
    let tests = match &args.tests {
        Some(path) => {
            match super::test::read_for_diff(path, args.format == DiffFormat::Csv, &mut sources) {
                Ok(file) => Some((path, file)),
                Err(exit) => return exit,
            }
        }
        None => None,
    };
    let changes = waymark_diff::compare(&old, &new);
    let format = match args.format {
        DiffFormat::Human => waymark_diff::Format::Human,
        DiffFormat::Json => waymark_diff::Format::Json,
        DiffFormat::Markdown => waymark_diff::Format::Markdown,
        DiffFormat::Csv => waymark_diff::Format::Csv,
    };
    let calendar = |p: &Procedure| builtin(&p.calendar).unwrap_or(default_calendar());
    let (old_plan, new_plan) = (
        Plan::new(&old, calendar(&old)),
        Plan::new(&new, calendar(&new)),
    );
    let versions = Versions::new(&old_plan, &new_plan, &changes);
    let impact = match &args.cases {
        Some(path) => match impact_on_cases(path, &args, &versions) {
            Ok(impact) => Some(impact),
            Err(stop) => return stopped(stop),
        },
        None => None,
    };
    let on = impact.as_ref().map(|(impact, as_of)| ImpactOn {
        impact,
        as_of: *as_of,
    });
    let rendered = waymark_diff::render(&old, &new, &changes, on, format);
    // Titles and case ids come from the user's files; in text for people, a control
    // character among them (ESC, a carriage return) must not reach the terminal. JSON and
    // CSV escape or quote their own.
    let mut broken = 0;
    match (&tests, args.format) {
        (Some((path, file)), format) => {
            let breakage = waymark_test::compare::breakage(file, &old_plan, &new_plan);
            broken = breakage.broken.len() + breakage.cannot_run.len();
            let json = format == DiffFormat::Json;
            print!(
                "{}",
                super::test::with_breakage(&rendered, path, &breakage, json, &sources)
            );
        }
        (None, DiffFormat::Human | DiffFormat::Markdown) => print!("{}", for_people(&rendered)),
        (None, DiffFormat::Json | DiffFormat::Csv) => print!("{rendered}"),
    }
    let impact = impact.map(|(impact, _)| impact).unwrap_or_default();
    for problem in &impact.bad {
        eprintln!("error: {}", crate::output::printable(problem, 500));
    }
    match (
        impact.bad.is_empty(),
        changes.is_empty() && impact.affected.is_empty() && broken == 0,
    ) {
        (false, _) => Exit::Usage,
        (true, true) => Exit::Success,
        (true, false) => Exit::Problems,
    }
}

/// Runs every case through both versions, a block of lines at a time.
fn impact_on_cases<'a>(
    path: &str,
    args: &DiffArgs,
    versions: &Versions<'a>,
) -> Result<(Impact<'a>, NaiveDate), Stop> {
    let as_of = match &args.as_of {
        Some(text) => date_argument(text)?,
        None => today(),
    };
    if is_csv(args.input, path, args.facts.as_deref()) {
        // Each version checks the rows itself: CSV rows of a case may lie anywhere.
        let files = CsvFiles::read(path, args.facts.as_deref())?;
        let cases = files.scan()?;
        let mut impact = Impact::default();
        for first in (0..cases.len()).step_by(super::run::CSV_CASES_PER_BLOCK) {
            let last = (first + super::run::CSV_CASES_PER_BLOCK).min(cases.len());
            let old = cases.cases(versions.old, first..last);
            let new = cases.cases(versions.new, first..last);
            impact.append(impact_of_cases(versions, as_of, old, new));
        }
        return Ok((impact, as_of));
    }
    let (mut reader, _) = open_cases(path)?;
    let mut blocks = Blocks::new();
    let mut impact = Impact::default();
    let mut first_line = 1;
    loop {
        match blocks.next(&mut reader) {
            Ok(Some(block)) => {
                impact.append(impact_of(versions, as_of, first_line, &block.bytes));
                first_line += line_count(&block.bytes);
            }
            Ok(None) => return Ok((impact, as_of)),
            Err(error) => return Err(Stop::Usage(format!("cannot read `{path}`: {error}"))),
        }
    }
}

fn stopped(stop: Stop) -> Exit {
    match stop {
        Stop::Usage(message) | Stop::Problems(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            Exit::Usage
        }
        Stop::Quiet => Exit::Success,
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
            print_diagnostics(&problems, sources);
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
