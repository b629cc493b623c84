//! `waymark test [PATH...]`: runs policy authors' test files (`*.wmtest`) and says which
//! expectations hold. This file finds and reads the files and prints; `waymark-test` does the
//! rest, running each case with `waymark run`'s code.

use crate::Exit;
use crate::exit::Failure;
use crate::input::ReadFailure;
use crate::output::print_diagnostics;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use waymark_calendar::{builtin, default_calendar};
use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Diagnostic, Sources, Span};
use waymark_run::Plan;
use waymark_test::render::{FileResults, Tally};

const AFTER_HELP: &str = "\
Examples:
  waymark test                                   every *.wmtest file in procedures/
  waymark test procedures/assessment.wmtest
  waymark test procedures tests/policy --format json

A test file sits beside the procedure it tests (procedures/assessment.wmtest tests
procedures/assessment.wm) and reads like a procedure, one idea per line:

  tests \"assessment.wm\"
  test christmas_referral \"A referral on Christmas Eve\"
    as of 2026-01-05
    fact threshold level3
    record referral on 2025-12-24
    expect initial_visit pending due 2026-01-05 skipping \"Christmas Day\", \"Boxing Day\"
    expect case at assessment_plan

Each case runs through the same code as `waymark run`. docs/testing.md has every line.

A procedure file given here is one error (WM0714) naming the test file beside it.

Exit codes: 0 every test passed, 1 a test failed or could not run (its problems are shown as
coded diagnostics), 2 usage error (a missing file or folder) or output that cannot be written.";

/// Run test files of expected outcomes against their procedures.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct TestArgs {
    /// Test files, or folders whose `*.wmtest` files are run (not their subfolders).
    /// Default: `procedures`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// `human` (a line per test, for reading) or `json` (one document, for machines).
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
}

/// The extension of test files.
pub const TEST_EXTENSION: &str = "wmtest";

pub fn run(args: TestArgs) -> Exit {
    let paths = match test_files(&args.paths) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    let mut sources = Sources::new();
    let mut files = Vec::new();
    for path in &paths {
        match run_file(path, &mut sources) {
            Ok(results) => files.push(results),
            Err(message) => {
                eprintln!("error: {message}");
                return Exit::Usage;
            }
        }
    }
    let locate = |span: Span| waymark_syntax::rule_at(&sources, span);
    match args.format {
        TestFormat::Human => {
            for file in &files {
                print_diagnostics(&file_diagnostics(file), &sources);
            }
            print!("{}", waymark_test::render::human(&files, &locate));
        }
        TestFormat::Json => print!("{}", waymark_test::render::json(&files, &locate)),
    }
    match Tally::of(&files).all_passed() {
        true => Exit::Success,
        false => Exit::Problems,
    }
}

/// Every diagnostic of a file: its own, then each test's, in file order.
fn file_diagnostics(file: &FileResults) -> Vec<Diagnostic> {
    let mut all = file.problems.clone();
    for result in &file.results {
        if let Err(problems) = &result.outcome {
            all.extend(problems.iter().cloned());
        }
    }
    all.sort_by_key(Diagnostic::sort_key);
    all
}

/// The test files named, with folders expanded to their `*.wmtest` files in name order.
fn test_files(paths: &[String]) -> Result<Vec<String>, String> {
    let defaults = [String::from("procedures")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let as_path = Path::new(path);
        if as_path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(as_path)
                .map_err(|error| format!("cannot read the folder `{path}`: {error}"))?
                .flatten()
                .map(|entry| entry.path())
                .filter(|p| p.extension().is_some_and(|e| e == TEST_EXTENSION) && p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "the folder `{path}` has no `*.{TEST_EXTENSION}` test files\nhelp: write one beside the procedure it tests; docs/testing.md shows how"
                ));
            }
            files.extend(found.iter().map(|p| p.to_string_lossy().into_owned()));
        } else if as_path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!("cannot read `{path}`: no such file or folder"));
        }
    }
    Ok(files)
}

/// Reads, parses and runs one test file. Only a missing file stops everything (exit 2); every
/// other problem is a diagnostic of this file.
fn run_file(path: &str, sources: &mut Sources) -> Result<FileResults, String> {
    let mut results = FileResults {
        path: path.to_string(),
        procedure: None,
        results: Vec::new(),
        problems: Vec::new(),
    };
    let file = match crate::input::read_text(path, sources) {
        Ok(file) => file,
        Err(ReadFailure::Missing(message)) => return Err(message),
        Err(ReadFailure::Unusable(diagnostic)) => {
            results.problems.push(*diagnostic);
            return Ok(results);
        }
    };
    if let Some(mixed_up) = crate::file_kind::procedure_as_test_file(file, sources) {
        results.problems.push(mixed_up);
        return Ok(results);
    }
    let text = sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let parsed = waymark_test::parse(file, &text);
    results.problems = parsed.diagnostics;
    let Some((procedure_path, span)) = &parsed.file.procedure else {
        return Ok(results);
    };
    let beside = Path::new(path)
        .parent()
        .unwrap_or(Path::new(""))
        .join(procedure_path);
    let beside = beside.to_string_lossy().into_owned();
    results.procedure = Some(beside.clone());
    let procedure = match load_procedure(&beside, sources) {
        Ok(procedure) => procedure,
        Err(why) => {
            results.problems.push(unusable(*span, &beside, &why));
            return Ok(results);
        }
    };
    let calendar = builtin(&procedure.calendar).unwrap_or(default_calendar());
    let plan = Plan::new(&procedure, calendar);
    results.results = waymark_test::run_tests(&parsed.file, &plan);
    Ok(results)
}

fn unusable(span: Span, path: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TestProcedureUnusable,
        span,
        format!("the procedure `{path}` cannot be tested: {why}"),
    )
    .label("the procedure tested")
    .help(format!(
        "give the procedure's path from this file's folder, and fix what `waymark check {path}` reports"
    ))
}

/// Parses, compiles and checks a procedure file; a reason in words when it cannot be used.
/// Its own diagnostics (errors only) are printed, so the reason can stay short.
pub(crate) fn load_procedure(path: &str, sources: &mut Sources) -> Result<Procedure, String> {
    let checked = match crate::loader::load_checked(path, sources) {
        Ok(checked) => checked,
        Err(ReadFailure::Missing(message)) => return Err(message),
        Err(ReadFailure::Unusable(diagnostic)) => return Err(diagnostic.message),
    };
    match checked {
        Ok(procedure) => Ok(procedure),
        Err(errors) => Err(match errors.first() {
            Some(first) => format!(
                "it has {} error(s), the first: {} ({})",
                errors.len(),
                first.message,
                first.code
            ),
            None => "it could not be compiled".to_string(),
        }),
    }
}

/// `waymark diff --tests FILE`: the test file read. Its problems are usage errors (exit 2),
/// as for `diff` exit 1 means "changes found".
pub(crate) fn read_for_diff(
    path: &str,
    csv: bool,
    sources: &mut Sources,
) -> Result<waymark_test::TestFile, Failure> {
    if csv {
        return Err(Failure::usage(
            "--tests reports in the human, markdown or json format, not csv",
        ));
    }
    let file = crate::input::read_text(path, sources)
        .map_err(Failure::from)
        .map_err(Failure::into_usage)?;
    let text = sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let parsed = waymark_test::parse(file, &text);
    // The procedure is OLD and NEW here, so a missing `tests` line does not matter.
    let problems: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(|d| d.code != Code::TestFileNoProcedure)
        .collect();
    if !problems.is_empty() {
        return Err(Failure::usage(format!(
            "the test file `{path}` has errors, so it cannot judge the versions"
        ))
        .with(problems));
    }
    Ok(parsed.file)
}

/// What a draft does to a test file's expectations, for `waymark diff --tests`: the words
/// printed after the diff, or (`json`) the value of its `tests` key.
pub(crate) fn breakage_text(
    path: &str,
    breakage: &waymark_test::compare::Breakage,
    json: bool,
    sources: &Sources,
) -> String {
    let locate = |span: Span| waymark_syntax::rule_at(sources, span);
    match json {
        true => waymark_test::compare::json(path, breakage, &locate).to_string(),
        false => waymark_test::compare::human(path, breakage, &locate),
    }
}
