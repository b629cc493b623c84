//! `waymark diff OLD.wm NEW.wm`: what changed between two versions of a procedure.

use super::run::{
    CsvFiles, InputFormat, date_argument, is_csv, note_no_cases, open_json_lines, today,
};
use crate::Exit;
use crate::calendar::resolve_calendar;
use crate::exit::Failure;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::borrow::Cow;
use std::io::{Read, Seek, Write};
use waymark_calendar::{Calendar, builtin, default_calendar};
use waymark_check::CheckOptions;
use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Diagnostic, Sources};
use waymark_diff::{
    CaseImpact, Format, ImpactOn, ImpactSummary, Versions, impact_of, impact_of_cases,
};
use waymark_run::Plan;
use waymark_run::stream::{Blocks, line_count};

const AFTER_HELP: &str = "\
Examples:
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm
  waymark diff procedures/assessment.wm examples/assessment-amendment-draft.wm \\
      --cases examples/cases.jsonl --as-of 2026-06-30          which cases the change affects
  waymark diff old.wm new.wm --cases cases.jsonl --calendar closures.txt
                                                                with the office's closures
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
close, leave or cannot read. Each version uses the calendar it names; --calendar (as for
`waymark run`: a built-in name, a GOV.UK file, a closures file) is used by both versions.

--format csv gives a table for spreadsheets: without --cases, one row per change
(group,subject,change,before,after); with --cases, one row per difference in a case
(case,line,step,occurrence,difference,before,after,working_days,detail).

Exit codes, as for diff(1): 0 no changes, 1 changes, 2 error (a file missing or not valid;
cases that neither version can read, though the report is still printed; output that cannot
be written). A case file with no case prints a note.";

/// Show what changed between two versions of a procedure.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
#[command(group(clap::ArgGroup::new("replay").args(["cases", "tests"]).multiple(true)))]
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

    /// Cases to run through both versions: JSON Lines, or CSV with --facts (`-` for standard
    /// input).
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

    /// With --cases or --tests: a built-in calendar name, a GOV.UK bank-holidays file or a
    /// closures file, as for `waymark run`, used by both versions. Default: the calendar each
    /// version names.
    #[arg(long, value_name = "NAME|FILE", requires = "replay")]
    pub calendar: Vec<String>,

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
                failure.report(&sources);
            }
            return Exit::Usage;
        }
    };
    let tests = match &args.tests {
        Some(path) => {
            match super::test::read_for_diff(path, args.format == DiffFormat::Csv, &mut sources) {
                Ok(file) => Some((path, file)),
                Err(failure) => return failure.report(&sources),
            }
        }
        None => None,
    };
    let changes = waymark_diff::compare(&old, &new);
    let format = match args.format {
        DiffFormat::Human => Format::Human,
        DiffFormat::Json => Format::Json,
        DiffFormat::Markdown => Format::Markdown,
        DiffFormat::Csv => Format::Csv,
    };
    let (old_calendar, new_calendar) = match calendars(&args.calendar, &old, &new, &mut sources) {
        Ok(calendars) => calendars,
        Err(failure) => return failure.into_usage().report(&sources),
    };
    let (old_plan, new_plan) = (
        Plan::new(&old, &old_calendar),
        Plan::new(&new, &new_calendar),
    );
    let versions = Versions::new(&old_plan, &new_plan, &changes);
    let impact = match &args.cases {
        Some(path) => match impact_on_cases(path, &args, &versions, format) {
            Ok(impact) => Some(impact),
            // Exit 1 means "changes found", so case data that cannot be used is exit 2.
            Err(failure) => return failure.into_usage().report(&sources),
        },
        None => None,
    };
    if let (Some(path), Some((summary, ..))) = (&args.cases, &impact) {
        note_no_cases(path, summary.cases as u64);
    }
    let on = impact.as_ref().map(|(summary, as_of, _)| ImpactOn {
        summary,
        as_of: *as_of,
    });
    // With `--tests` in JSON, the report is `{"diff": REPORT, "tests": BREAKAGE}`; the report
    // streams into it as it does alone.
    let tests_json = tests.is_some() && format == Format::Json;
    if tests_json {
        print!("{{\"diff\": ");
    }
    // CSV cases went out as they were compared, after the head (their header).
    if !matches!(impact, Some((_, _, CaseText::Printed))) {
        let head = waymark_diff::render_head(&old, &new, &changes, on, format);
        print_text(&head, format);
    }
    if let (Some(on), Some((_, _, cases))) = (on, impact.as_ref()) {
        if let Err(message) = cases.print() {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
        print!("{}", waymark_diff::render_tail(on, format));
    }
    let mut broken = 0;
    if let Some((path, file)) = &tests {
        let breakage = waymark_test::compare::breakage(file, &old_plan, &new_plan);
        broken = breakage.broken.len() + breakage.cannot_run.len();
        let text = super::test::breakage_text(path, &breakage, tests_json, &sources);
        match tests_json {
            true => println!(", \"tests\": {text}}}"),
            false => print_text(&format!("\n{text}"), format),
        }
    }
    let summary = impact.map(|(summary, ..)| summary).unwrap_or_default();
    // Worded as `waymark run` words them, control characters already escaped.
    for line in summary.bad.iter().flatten() {
        eprintln!("{line}");
    }
    match (
        summary.bad.is_empty(),
        changes.is_empty() && summary.affected == 0 && broken == 0,
    ) {
        (false, _) => Exit::Usage,
        (true, true) => Exit::Success,
        (true, false) => Exit::Problems,
    }
}

/// The calendar each version's cases run on: `--calendar` resolved as `waymark run` resolves
/// it, on top of the calendar the version names. A file is read once when both versions name
/// the same calendar, so its problems are shown once.
fn calendars(
    values: &[String],
    old: &Procedure,
    new: &Procedure,
    sources: &mut Sources,
) -> Result<(Cow<'static, Calendar>, Cow<'static, Calendar>), Failure> {
    let named = |p: &Procedure| builtin(&p.calendar).unwrap_or(default_calendar());
    let old_calendar = resolve_calendar(values, named(old), sources)?;
    let new_calendar = match std::ptr::eq(named(old), named(new)) {
        true => old_calendar.clone(),
        false => resolve_calendar(values, named(new), sources)?,
    };
    Ok((old_calendar, new_calendar))
}

/// Prints report text; in text for people, titles and case ids (which come from the user's
/// files) have their control characters escaped, so that ESC or a carriage return never
/// reaches the terminal. JSON and CSV escape or quote their own.
fn print_text(text: &str, format: Format) {
    match format {
        Format::Human | Format::Markdown => print!("{}", for_people(text)),
        Format::Json | Format::Csv => print!("{text}"),
    }
}

/// Where the affected cases' text goes as each block is compared. CSV has no summary, so its
/// rows go straight to standard output. The other formats put the counts of the whole
/// caseload before the cases, so the cases' text waits in a temporary file: created
/// exclusively and already unlinked (`tempfile::tempfile`), so it has no name for anyone to
/// open and is gone however the process ends, a signal or a kill included.
enum CaseText {
    Printed,
    /// Being written.
    Spooled(std::io::BufWriter<std::fs::File>),
    /// Written whole and rewound, to be copied out.
    Written(std::fs::File),
}

impl CaseText {
    fn new(format: Format) -> Result<CaseText, Failure> {
        match format {
            Format::Csv => Ok(CaseText::Printed),
            Format::Human | Format::Json | Format::Markdown => tempfile::tempfile()
                .map(|file| CaseText::Spooled(std::io::BufWriter::new(file)))
                .map_err(|error| {
                    Failure::usage(format!(
                        "cannot create a temporary file for the affected cases: {error}"
                    ))
                }),
        }
    }

    fn write(&mut self, text: &str, format: Format) -> Result<(), Failure> {
        match self {
            CaseText::Printed => {
                print_text(text, format);
                Ok(())
            }
            CaseText::Spooled(file) => file.write_all(text.as_bytes()).map_err(spool_failed),
            CaseText::Written(_) => Ok(()),
        }
    }

    /// Ready to be copied out: everything written reaches the file, which is rewound.
    fn finish(self) -> Result<CaseText, Failure> {
        match self {
            CaseText::Spooled(file) => {
                let mut file = file
                    .into_inner()
                    .map_err(|e| spool_failed(e.into_error()))?;
                file.rewind().map_err(spool_failed)?;
                Ok(CaseText::Written(file))
            }
            done => Ok(done),
        }
    }

    /// Copies written text to standard output (already escaped as it was written), a piece at
    /// a time. A failed write stops it and is kept, as `print!` keeps it (a closed pipe stops
    /// it quietly; a full disk is reported as the command ends); a temporary file that cannot
    /// be read back is an error, since the report would be cut short.
    fn print(&self) -> Result<(), String> {
        let CaseText::Written(file) = self else {
            return Ok(());
        };
        let mut file: &std::fs::File = file;
        let mut piece = vec![0; 1 << 16];
        let mut stdout = std::io::stdout().lock();
        loop {
            match file.read(&mut piece) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    if let Err(error) = stdout.write_all(piece.get(..n).unwrap_or_default()) {
                        crate::output::note_stdout_failure(&error);
                        return Ok(());
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(format!("cannot read back the affected cases: {error}"));
                }
            }
        }
    }
}

fn spool_failed(error: std::io::Error) -> Failure {
    Failure::usage(format!(
        "cannot write the affected cases to a temporary file: {error}"
    ))
}

/// Counts and writes out the affected cases of one block; `written` is how many cases were
/// written before.
fn take_block(
    block: waymark_diff::Impact<'_>,
    summary: &mut ImpactSummary,
    format: Format,
    out: &mut CaseText,
    text: &mut String,
) -> Result<(), Failure> {
    let written = summary.affected;
    let cases: Vec<CaseImpact<'_>> = summary.add(block);
    text.clear();
    waymark_diff::render_cases(&cases, written, format, text);
    out.write(text, format)
}

/// Runs every case through both versions, a block of cases at a time, and writes the text of
/// each block's affected cases before the next: memory stays flat however many cases differ.
/// Gives the counts, the as-of date and where the cases' text went.
fn impact_on_cases(
    path: &str,
    args: &DiffArgs,
    versions: &Versions<'_>,
    format: Format,
) -> Result<(ImpactSummary, NaiveDate, CaseText), Failure> {
    let as_of = match &args.as_of {
        Some(text) => date_argument(text)?,
        None => today(),
    };
    let mut summary = ImpactSummary::default();
    let mut text = String::new();
    if is_csv(args.input, path, args.facts.as_deref()) {
        // Each version checks the rows itself: CSV rows of a case may lie anywhere.
        let files = CsvFiles::read(path, args.facts.as_deref())?;
        let cases = files.scan()?;
        let mut out = start_cases(format)?;
        for first in (0..cases.len()).step_by(super::run::CSV_CASES_PER_BLOCK) {
            let last = (first + super::run::CSV_CASES_PER_BLOCK).min(cases.len());
            let old = cases.cases(versions.old, first..last);
            let new = cases.cases(versions.new, first..last);
            let block = impact_of_cases(versions, as_of, old, new);
            take_block(block, &mut summary, format, &mut out, &mut text)?;
        }
        return Ok((summary, as_of, out.finish()?));
    }
    let (mut reader, _) = open_json_lines(path)?;
    let mut out = start_cases(format)?;
    let mut blocks = Blocks::new();
    let mut first_line = 1;
    loop {
        match blocks.next(&mut reader) {
            Ok(Some(block)) => {
                let impact = impact_of(versions, as_of, first_line, &block.bytes);
                take_block(impact, &mut summary, format, &mut out, &mut text)?;
                first_line += line_count(&block.bytes);
            }
            Ok(None) => return Ok((summary, as_of, out.finish()?)),
            Err(error) => return Err(Failure::usage(format!("cannot read `{path}`: {error}"))),
        }
    }
}

/// Where the cases' text goes; for CSV, straight out after its header, which is all of
/// [`waymark_diff::render_head`] for CSV with cases.
fn start_cases(format: Format) -> Result<CaseText, Failure> {
    let out = CaseText::new(format)?;
    if let CaseText::Printed = out {
        print!("{}", waymark_diff::CSV_IMPACT_HEADER);
    }
    Ok(out)
}

/// Why a version cannot be compared: its errors, then this line. A usage error (exit 2), as
/// exit 1 means "changes found".
fn cannot_compare(problems: Vec<Diagnostic>) -> Failure {
    Failure::usage("a version must check without errors before it can be compared").with(problems)
}

/// Reads and compiles one version; its errors (not its warnings) stop the comparison.
pub(crate) fn compile(path: &str, loader: &mut FileLoader<'_>) -> Result<Procedure, Failure> {
    // A version from git is usually given as `-` or `<(git show ...)`, a pipe: both are
    // refused, with how to save it.
    let from_git = "for a version in git, save it first: `git show HEAD:PATH > old.wm`, then `waymark diff old.wm NEW`";
    let file = match loader.read(path) {
        Ok(file) => file,
        Err(ReadFailure::Missing(message)) => {
            let failure = Failure::usage(message).coded(Code::FileUnreadable);
            return Err(match path {
                "-" => failure.help(from_git),
                _ => failure,
            });
        }
        // The file itself could not be read, so its content was never checked: the version is
        // not said to have errors.
        Err(ReadFailure::Unusable(diagnostic)) => {
            let pipe = diagnostic.code == Code::NotARegularFile;
            let shown = crate::output::printable(path, 200);
            let failure = Failure::usage(format!(
                "`{shown}` could not be read, so the versions were not compared"
            ))
            .with(vec![*diagnostic]);
            return Err(match pipe {
                true => failure.help(from_git),
                false => failure,
            });
        }
    };
    if let Some(mixed_up) = crate::file_kind::test_file_as_procedure(file, loader.sources) {
        return Err(cannot_compare(vec![mixed_up]));
    }
    let text = loader.text(file);
    let checked = waymark_check::check_text(file, &text, loader, &CheckOptions::default());
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    match checked.procedure {
        Some(procedure) if errors.is_empty() => Ok(procedure),
        _ => Err(cannot_compare(errors)),
    }
}
