//! `waymark run PROCEDURE CASES`: run case data against a procedure and report every step's
//! due date and status, where each case stands and what is due next.
//!
//! This file reads the files, decides "today", draws the progress bar and writes the output;
//! everything else is `waymark-run`. JSON Lines input is streamed in blocks, each run on all
//! cores and written in input order; CSV input is read whole (rows of a case may be anywhere).

use crate::Exit;
use crate::calendar::resolve_calendar;
use crate::command::census::{Census, load_mapping};
use crate::exit::Failure;
use crate::output::{Sink, stdout_failed};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;
use waymark_calendar::{DateError, builtin, default_calendar, parse_date, why_no_such_day};
use waymark_compile::Procedure;
use waymark_diagnostics::Sources;
use waymark_run::stream::StreamError;
use waymark_run::{Batch, Format, Plan, Reading, RunOptions, Summary};

const AFTER_HELP: &str = "\
Examples:
  waymark run procedures/assessment.wm examples/cases.jsonl --as-of 2026-06-30
  waymark run procedures/assessment.wm examples/cases.jsonl --format json -o report.jsonl
  waymark run procedures/assessment.wm examples/cases.csv --facts examples/facts.csv
  waymark run procedures/assessment.wm examples/cases.jsonl --summary
  waymark run procedures/assessment.wm examples/cases.jsonl --explain C011
  waymark run procedures/assessment.wm examples/cases.jsonl --strict --summary
  export-cases | waymark run procedures/assessment.wm - --format csv > report.csv
  waymark run procedures/assessment.wm examples/census.xml --summary
  waymark run procedures/assessment.wm examples/census.xml --explain A01/2025-10-06
  waymark run procedures/section47.wm examples/census.xml --format csv -o s47.csv

Case data (docs/cases.md has the details):
  JSON Lines, one case a line:
    {\"case\":\"C1\",\"facts\":{\"threshold\":\"level3\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\"}]}
    events: step (required), on (YYYY-MM-DD or YYYY-MM-DDTHH:MM), outcome, by, reason, waived,
    approved_by (the role that signed the record off)
  CSV: events with the header case,step,on,outcome,by,reason,waived[,approved_by], and
    --facts FILE with the header case,fact,value. A .csv file, or --input csv, is read as CSV;
    a file read as JSON Lines whose first line is CSV or XML is one error saying so.
  A Children in Need census (XML, root <Message> with CIN collection details), known by its
    content: one case per episode, through the mapping shipped for the procedure or --map
    FILE; --as-of defaults to its ReferenceDate (docs/cin-census.md).

Every record counts for its own step, even when records are missing or out of order; each
misfit is listed under the case as a deviation (not_recorded, out_of_order, unexpected,
repeated, after_end), with the case's fit: the share of its records that fit.

Statuses: met, late, pending, overdue, not_recorded (a gap: no record and no due date, though
the case moved past it), waived, not_applicable, not_needed (an alternative of any-of work
another piece finished, or an optional step the case moved past or closed without; an
optional step is never overdue). A case is open or closed (it reached an end);
with --strict, left (a record came that the procedure does not expect then).

Exit codes: 0 every case ran, 1 some case had bad data (each is reported with its line, and
every other case still runs) or the procedure has errors, 2 usage error (missing file, bad
date or flag) or output that cannot be written. A case file with no case prints a note.";

/// Run case data against a procedure: due dates, statuses, where each case stands.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct RunArgs {
    /// The procedure file (`.wm`).
    #[arg(value_name = "PROCEDURE")]
    pub procedure: String,

    /// The case data: a JSON Lines file, a CSV events file, or `-` for standard input.
    #[arg(value_name = "CASES")]
    pub cases: String,

    /// Show the cases as they stood on this date (YYYY-MM-DD): later events are ignored.
    /// Default: today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    /// A built-in calendar name, a GOV.UK bank-holidays file or a closures file (as for
    /// `waymark days`). Default: the calendar the procedure names.
    #[arg(long, value_name = "NAME|FILE")]
    pub calendar: Vec<String>,

    /// How to print: `table` (for people), `json` (JSON Lines, one object per case) or `csv`
    /// (one row per case and step).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Write to this file instead of standard output (whole, or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<String>,

    /// The census mapping (TOML) for a Children in Need census file: which census field is
    /// which step, outcome or fact. Default: the one shipped for the procedure
    /// (docs/cin-census.md).
    #[arg(long, value_name = "FILE")]
    pub map: Option<String>,

    /// The facts file for CSV events, with the header `case,fact,value`.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<String>,

    /// How to read CASES. Default: CSV for a `.csv` file or with --facts, else JSON Lines.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input: Option<InputFormat>,

    /// Print only the caseload summary: per step, the count of each status and the share on
    /// time.
    #[arg(long)]
    pub summary: bool,

    /// Explain one case: how each record fits the procedure (and what it expected where one
    /// does not), and how each due date was reached: the rule, its citation, the clock, and
    /// the weekends and bank holidays skipped. The explanation is text for people, so it
    /// cannot be combined with --format or --summary.
    #[arg(long, value_name = "CASE_ID", conflicts_with_all = ["format", "summary"])]
    pub explain: Option<String>,

    /// Read records strictly, for audits of recording practice: the first record that does not
    /// fit the procedure (a gap before it, out of order, off the path, repeated, after the
    /// end) ends the case as `left`, and later records are not applied. Without it, every
    /// record counts for its own step and misfits are listed as deviations.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Jsonl,
    Csv,
}

pub fn run(args: RunArgs) -> Exit {
    let mut sources = Sources::new();
    match run_inner(&args, &mut sources) {
        Ok(exit) => exit,
        Err(failure) => failure.report(&sources),
    }
}

fn run_inner(args: &RunArgs, sources: &mut Sources) -> Result<Exit, Failure> {
    // A census file is known by its content, whatever its name (command/census.rs).
    let census = match reads_csv(args) {
        true => None,
        false => Census::detect(&args.cases)?,
    };
    if census.is_none()
        && let Some(map) = &args.map
    {
        return Err(Failure::usage(format!(
            "`--map {map}` is for a Children in Need census file, and `{}` is not one",
            args.cases
        )));
    }
    let as_of = match (&args.as_of, &census) {
        (Some(text), _) => date_argument(text)?,
        (None, Some(census)) => census.as_of_reference_date()?,
        (None, None) => today(),
    };
    let procedure = load_procedure(&args.procedure, sources)?;
    let default = builtin(&procedure.calendar).unwrap_or(default_calendar());
    let calendar = resolve_calendar(&args.calendar, default, sources)?;
    let plan = Plan::new(&procedure, &calendar);
    let mapping = match &census {
        Some(_) => Some(load_mapping(
            args.map.as_deref(),
            Some(&procedure),
            sources,
        )?),
        None => None,
    };
    if let Some(mapping) = &mapping {
        note_steps_the_census_cannot_record(mapping, &procedure);
    }
    if let Some(case_id) = &args.explain {
        let census = census.zip(mapping.as_ref());
        return explain(args, &plan, sources, case_id, as_of, census);
    }
    let colour = args.output.is_none() && std::io::stdout().is_terminal();
    let format = match args.format {
        OutputFormat::Table => Format::Table { colour },
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
    };
    let options = RunOptions {
        as_of,
        format,
        summary_only: args.summary,
        reading: reading(args.strict),
    };
    let mut sink = Sink::open(args.output.as_deref())?;
    if format == Format::Csv && !args.summary {
        sink.write(waymark_run::render::CSV_HEADER.as_bytes())?;
    }
    let summary = if let (Some(census), Some(mapping)) = (census, &mapping) {
        census.run(&plan, mapping, options, &mut |bytes| sink.write(bytes))?
    } else if reads_csv(args) {
        run_csv(args, &plan, options, &mut sink)?
    } else {
        run_json_lines(args, &plan, options, &mut sink)?
    };
    let tail = match (format, args.summary) {
        (Format::Json, true) => summary.to_json(&plan, as_of),
        (Format::Csv, true) => summary.to_csv(&plan),
        (Format::Table { colour }, _) => summary.to_table(&plan, as_of, colour),
        (_, false) => String::new(),
    };
    sink.write(tail.as_bytes())?;
    sink.finish()?;
    // A CSV summary is the per-step table a spreadsheet reads: the caseload goes beside it.
    if format == Format::Csv && args.summary {
        eprintln!("Summary as of {as_of}: {}", summary.caseload_text());
    }
    warn_of_repeated_ids(&summary.repeated_ids);
    note_no_cases(&args.cases, summary.cases());
    Ok(match summary.bad() {
        0 => Exit::Success,
        _ => Exit::Problems,
    })
}

/// Cases that share an id are each run and counted, which double-counts a duplicated export
/// line: say so, with where they are.
fn warn_of_repeated_ids(lines: &[usize]) {
    const SHOWN: usize = 10;
    if lines.is_empty() {
        return;
    }
    let mut shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    if lines.len() > SHOWN {
        shown.push(format!("and {} more", lines.len() - SHOWN));
    }
    let (cases, lines_word) = match lines.len() {
        1 => ("1 case repeats".to_string(), "line"),
        n => (format!("{n} cases repeat"), "lines"),
    };
    eprintln!(
        "warning: {cases} the id of an earlier case ({lines_word} {}): each was run and counted \
         as a case of its own; if the file holds a case twice, remove the copy",
        shown.join(", ")
    );
}

/// `--strict`, or the default replay of every record.
pub(crate) fn reading(strict: bool) -> Reading {
    match strict {
        true => Reading::Strict,
        false => Reading::Replay,
    }
}

/// `--as-of` must be a real date.
pub(crate) fn date_argument(text: &str) -> Result<NaiveDate, Failure> {
    parse_date(text).map_err(|error| {
        Failure::usage(match error {
            DateError::Shape => format!(
                "`--as-of {text}` is not a date written YYYY-MM-DD\nhelp: write e.g. `--as-of 2026-06-30`"
            ),
            DateError::NoSuchDay => {
                format!("`--as-of {text}` is not a real date: {}", why_no_such_day(text))
            }
        })
    })
}

/// Today's date (UTC), read from the system clock: the one place `run` looks at it.
pub(crate) fn today() -> NaiveDate {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i32::try_from(seconds / 86_400).unwrap_or(0);
    NaiveDate::from_epoch_days(days).unwrap_or_default()
}

/// Parses, compiles and checks the procedure; its errors stop the run (exit 1), its warnings
/// are `waymark check`'s business and are not repeated here.
fn load_procedure(path: &str, sources: &mut Sources) -> Result<Procedure, Failure> {
    match crate::loader::load_checked(path, sources)? {
        Ok(procedure) => Ok(procedure),
        Err(errors) => Err(Failure::problems(format!(
            "`{path}` has errors, so no case can be run; `waymark check {path}` shows them all"
        ))
        .with(errors)),
    }
}

fn reads_csv(args: &RunArgs) -> bool {
    is_csv(args.input, &args.cases, args.facts.as_deref())
}

/// Opens CASES (or standard input) for reading.
pub(crate) fn open_cases(path: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), Failure> {
    if path == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let (reader, size) =
        crate::input::open_case_file(Path::new(path)).map_err(|error| cannot_read(path, &error))?;
    if size.is_none() && Path::new(path).is_dir() {
        return Err(Failure::usage(format!(
            "`{path}` is a folder, not a file of cases"
        )));
    }
    Ok((reader, size))
}

/// Says so when a case file held no case at all: a failed export (an empty file) would
/// otherwise look like an empty caseload. Not an error: the exit code stays as it was.
pub(crate) fn note_no_cases(path: &str, cases: u64) {
    if cases == 0 {
        eprintln!("note: no cases in {}", shown_input(path));
    }
}

/// A case file as messages name it: `` `cases.jsonl` ``, or standard input for `-`.
fn shown_input(path: &str) -> String {
    match path {
        "-" => "standard input".to_string(),
        _ => format!("`{}`", crate::output::printable(path, 200)),
    }
}

/// How much of a JSON Lines input is looked at before it is read, to tell another format.
const PEEK: usize = 8192;

/// Opens JSON Lines cases (or standard input), first looking at its first line: a file that
/// is clearly CSV or XML stops with one message saying so and how to read it, rather than one
/// WM0501 error per line.
pub(crate) fn open_json_lines(path: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), Failure> {
    let (mut reader, size) = open_cases(path)?;
    let mut head = Vec::new();
    let mut piece = [0; 1024];
    while head.len() < PEEK && !has_a_full_line(&head) {
        match reader.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(piece.get(..n).unwrap_or_default()),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(cannot_read(path, &error)),
        }
    }
    crate::input::refuse_utf16(path, &head)?;
    if let Some(failure) = other_format(path, &head) {
        return Err(failure);
    }
    Ok((Box::new(std::io::Cursor::new(head).chain(reader)), size))
}

/// Whether `head` holds a whole line that is not blank.
fn has_a_full_line(head: &[u8]) -> bool {
    head.split_inclusive(|b| *b == b'\n')
        .any(|line| line.ends_with(b"\n") && !line.trim_ascii().is_empty())
}

/// Why the input whose first bytes are `head` is not JSON Lines, when it is clearly another
/// format: XML (a line starting with `<`), or CSV (a header line with commas and no `{`).
fn other_format(path: &str, head: &[u8]) -> Option<Failure> {
    let text = String::from_utf8_lossy(head);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    let input = shown_input(path);
    let line = crate::output::printable(first, 80);
    let (what, help) = if first.starts_with('<') {
        (
            "XML",
            "a Children in Need census is read from its file, named on the command line \
             (`waymark run PROCEDURE census.xml`, `waymark import cin-census census.xml`), not \
             from standard input (docs/cin-census.md); other case data is JSON Lines or CSV \
             (docs/cases.md)",
        )
    } else if first.contains(',') && !first.contains('{') && !first.starts_with('[') {
        (
            "CSV",
            "to read CSV events, give `--input csv` (or name the file `.csv`), with \
             `--facts FILE` for the facts (docs/cases.md)",
        )
    } else {
        return None;
    };
    Some(
        Failure::problems(format!(
            "{input} looks like {what}, not JSON Lines: its first line is `{line}`; no case was read"
        ))
        .coded(waymark_diagnostics::Code::CaseLineMalformed)
        .help(help),
    )
}

fn cannot_read(path: &str, error: &std::io::Error) -> Failure {
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    Failure::usage(format!("cannot read `{path}`: {why}"))
}

/// Streams JSON Lines: reading, running on every core and writing overlap (see
/// `waymark_run::stream`).
fn run_json_lines(
    args: &RunArgs,
    plan: &Plan,
    options: RunOptions,
    sink: &mut Sink,
) -> Result<Summary, Failure> {
    let (mut reader, size) = open_json_lines(&args.cases)?;
    let progress = Progress::new(size);
    let outcome = waymark_run::stream::run_json_lines(
        plan,
        options,
        &mut reader,
        size,
        &mut |bytes| sink.write(bytes),
        &mut |problems, read| {
            progress.suspend(|| {
                for line in problems {
                    eprintln!("{line}");
                }
            });
            progress.set(read);
        },
    );
    progress.done();
    outcome.map_err(|error| match error {
        StreamError::Read(error) => cannot_read(&args.cases, &error),
        StreamError::Write(stop) => stop,
        StreamError::Threads(error) => Failure::usage(format!(
            "cannot start the threads that read and write the cases: {error}"
        ))
        .help("the system is short of memory or of processes: close other programs and try again"),
    })
}

fn run_csv(
    args: &RunArgs,
    plan: &Plan,
    options: RunOptions,
    sink: &mut Sink,
) -> Result<Summary, Failure> {
    let files = CsvFiles::read(&args.cases, args.facts.as_deref())?;
    let cases = files.scan()?;
    warn_of_cases_with_facts_only(&cases.facts_only());
    let progress = Progress::new(None);
    let mut summary = Summary::new(plan);
    // A block of cases at a time: memory holds the files, not every case read from them.
    for first in (0..cases.len()).step_by(CSV_CASES_PER_BLOCK) {
        let last = (first + CSV_CASES_PER_BLOCK).min(cases.len());
        let batch = waymark_run::run_cases(plan, options, cases.cases(plan, first..last));
        finish_batch(batch, &mut summary, sink, &progress)?;
    }
    progress.done();
    Ok(summary)
}

/// WM0513 for cases of the facts file that the events file does not have (the first ten: a
/// facts file of another caseload would otherwise give a line per case).
fn warn_of_cases_with_facts_only(problems: &[waymark_run::Problem]) {
    const SHOWN: usize = 10;
    for problem in problems.iter().take(SHOWN) {
        eprintln!(
            "warning[{}]: facts file line {}: {}",
            problem.code, problem.line, problem.message
        );
    }
    if problems.len() > SHOWN {
        eprintln!(
            "warning[{}]: and {} more cases of the facts file with no rows in the events file",
            waymark_diagnostics::Code::CaseFactsOnly,
            problems.len() - SHOWN
        );
    }
}

/// Cases read from CSV and run together: enough to keep every core busy.
pub(crate) const CSV_CASES_PER_BLOCK: usize = 16_384;

/// A CSV events file and its facts file, read whole (cases' rows need not be adjacent, so
/// every row must be found before any case can run).
pub(crate) struct CsvFiles<'a> {
    events_path: &'a str,
    facts_path: Option<&'a str>,
    events: Vec<u8>,
    facts: Option<Vec<u8>>,
}

impl<'a> CsvFiles<'a> {
    pub(crate) fn read(events_path: &'a str, facts_path: Option<&'a str>) -> Result<Self, Failure> {
        Ok(CsvFiles {
            events: read_whole(events_path)?,
            facts: facts_path.map(read_whole).transpose()?,
            events_path,
            facts_path,
        })
    }

    /// Where each case's rows are, ready to read cases a block at a time.
    pub(crate) fn scan(&self) -> Result<waymark_run::csv::CsvCases<'_>, Failure> {
        waymark_run::csv::read_cases(&self.events, self.facts.as_deref()).map_err(|bad| {
            let file = match bad.0.file {
                waymark_run::InputFile::Cases => self.events_path,
                waymark_run::InputFile::Facts => self.facts_path.unwrap_or("facts"),
            };
            Failure::problems(format!(
                "`{file}` line {}: {} ({}); no case was run",
                bad.0.line, bad.0.message, bad.0.code
            ))
        })
    }
}

/// Whether CASES is CSV: as `--input` says, else a `.csv` file or one given with --facts.
pub(crate) fn is_csv(input: Option<InputFormat>, cases: &str, facts: Option<&str>) -> bool {
    match input {
        Some(InputFormat::Csv) => true,
        Some(InputFormat::Jsonl) => false,
        None => facts.is_some() || cases.to_ascii_lowercase().ends_with(".csv"),
    }
}

/// A whole file's bytes (a row that is not UTF-8 is a problem of its case, found later).
fn read_whole(path: &str) -> Result<Vec<u8>, Failure> {
    let (mut reader, _) = open_cases(path)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|error| cannot_read(path, &error))?;
    crate::input::refuse_utf16(path, &bytes)?;
    Ok(bytes)
}

fn finish_batch(
    batch: Batch,
    summary: &mut Summary,
    sink: &mut Sink,
    progress: &Progress,
) -> Result<(), Failure> {
    for part in &batch.output {
        sink.write(part.as_bytes())?;
    }
    summary.merge(&batch.summary);
    progress.suspend(|| {
        for line in &batch.problems {
            eprintln!("{line}");
        }
    });
    Ok(())
}

/// `--explain CASE`: finds the case, runs it, prints how each due date was reached.
fn explain(
    args: &RunArgs,
    plan: &Plan,
    sources: &Sources,
    case_id: &str,
    as_of: NaiveDate,
    census: Option<(Census, &waymark_census::Mapping)>,
) -> Result<Exit, Failure> {
    let found = if let Some((census, mapping)) = census {
        census.find(plan, mapping, case_id)
    } else if reads_csv(args) {
        let files = CsvFiles::read(&args.cases, args.facts.as_deref())?;
        let cases = files.scan()?;
        cases
            .find(case_id)
            .and_then(|number| cases.case(plan, number))
    } else {
        let (found, again) = find_json_case(&args.cases, plan, case_id)?;
        let first = found.as_ref().map(|found| match found {
            Ok(case) => case.line,
            Err(bad) => bad.line,
        });
        if let (false, Some(first)) = (again.is_empty(), first) {
            let lines: Vec<String> = again.iter().map(usize::to_string).collect();
            eprintln!(
                "note: case `{}` is given more than once in `{}` (again on line {}); this \
                 explains the first, on line {first}",
                crate::output::shown(case_id),
                crate::output::shown(&args.cases),
                lines.join(", "),
            );
        }
        found
    };
    let locate = |span: waymark_diagnostics::Span| waymark_syntax::rule_at(sources, span);
    let text = match found {
        None => {
            return Err(Failure::usage(format!(
                "no case `{case_id}` in `{}`",
                args.cases
            )));
        }
        Some(Err(bad)) => {
            for line in waymark_run::render::bad_case_lines(&bad) {
                eprintln!("{line}");
            }
            return Err(Failure::problems(format!(
                "case `{case_id}` has bad data, so it cannot be explained"
            )));
        }
        Some(Ok(case)) => {
            let report = waymark_run::run_case_with(plan, case, as_of, reading(args.strict));
            waymark_run::explain::explain(plan, &report, &locate)
        }
    };
    write_small(args.output.as_deref(), text.as_bytes())?;
    Ok(Exit::Success)
}

/// What [`find_json_case`] found: the first case with the id, and the lines of any later ones.
type FoundCase = (
    Option<Result<waymark_run::Case, waymark_run::BadCase>>,
    Vec<usize>,
);

/// The first JSON Lines case with this id (a bad line with this id counts too), and the lines
/// of later cases with the same id (`run` warns about a repeated id; so must `--explain`).
fn find_json_case(path: &str, plan: &Plan, case_id: &str) -> Result<FoundCase, Failure> {
    let (reader, _) = open_json_lines(path)?;
    let reader = std::io::BufReader::new(reader);
    let quoted = format!("\"{case_id}\"");
    let (mut found, mut again) = (None, Vec::new());
    for (index, line) in reader.split(b'\n').enumerate() {
        let line = line.map_err(|error| cannot_read(path, &error))?;
        let line = match index {
            0 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line),
            _ => &line,
        };
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        if !text.contains(&quoted) {
            continue;
        }
        let parsed = waymark_run::parse_json_line(plan, index + 1, text.trim_end_matches('\r'));
        let this = match parsed {
            Ok(case) if case.id == case_id => Ok(case),
            Err(bad) if bad.id.as_deref() == Some(case_id) => Err(bad),
            _ => continue,
        };
        match found {
            None => found = Some(this),
            Some(_) => again.push(index + 1),
        }
    }
    Ok((found, again))
}

/// Writes a small, whole text to standard output or (whole or not at all) to a file.
fn write_small(output: Option<&str>, bytes: &[u8]) -> Result<(), Failure> {
    match output {
        Some(path) => crate::output::write_whole(Path::new(path), bytes).map_err(Failure::usage),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(stdout_failed)
        }
    }
}

/// A progress bar on standard error for long runs, only when it is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(size: Option<u64>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = match size {
            Some(size) => {
                let bar = indicatif::ProgressBar::new(size);
                let style = indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta} left",
                );
                if let Ok(style) = style {
                    bar.set_style(style);
                }
                bar
            }
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        Progress { bar: Some(bar) }
    }

    fn set(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    fn suspend(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Says which steps no census field records: their rows come from no record, which a reader
/// of the output could take for work not done.
fn note_steps_the_census_cannot_record(mapping: &waymark_census::Mapping, procedure: &Procedure) {
    let steps = mapping.steps_not_recorded(procedure);
    if steps.is_empty() {
        return;
    }
    eprintln!(
        "note: the census has no field for {} of this procedure's steps ({}): no census case \
         records them, so their rows are overdue once due, or gaps; they say only that the census \
         is silent (docs/cin-census.md)",
        steps.len(),
        steps.join(", ")
    );
}
