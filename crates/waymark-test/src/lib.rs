//! Policy authors' expected outcomes: test files read with coded diagnostics, each case run through `waymark-run` and judged.
//!
//! A test file (`*.wmtest`, beside the procedure it tests) names one procedure and holds tests:
//! each gives a case's facts and records on an as-of date and says what must hold then. Stages:
//! [`syntax`] reads the text (never fails, every problem a diagnostic); [`prepare`] looks the
//! names up in the procedure and builds the case with `waymark run`'s reader; [`judge`] runs it
//! with `waymark run`'s replay and judges each expectation; [`render`] writes the results for
//! people or as JSON; [`compare`] says which expectations a new version breaks. Like every stage
//! but the CLI, this crate reads no files and prints nothing.

pub mod compare;
pub mod judge;
pub mod prepare;
pub mod render;
pub mod syntax;

pub use judge::Judged;
pub use syntax::{Parsed, TestFile, parse};

use waymark_diagnostics::{Code, Diagnostic, Span};
use waymark_run::Plan;

/// One test's result: each expectation judged, or the problems that kept it from running.
#[derive(Clone, Debug)]
pub struct TestResult {
    pub name: String,
    pub title: Option<String>,
    /// The `test` line.
    pub span: Span,
    pub outcome: Result<Vec<Judged>, Vec<Diagnostic>>,
}

impl TestResult {
    /// Whether every expectation held (a test that could not run did not pass).
    pub fn passed(&self) -> bool {
        matches!(&self.outcome, Ok(judged) if judged.iter().all(|j| j.passed))
    }
}

/// Runs every test of a file against a plan, in file order. A test that cannot be run is
/// reported with its diagnostics; the others still run.
pub fn run_tests(file: &TestFile, plan: &Plan) -> Vec<TestResult> {
    let mut seen: Vec<(&str, Span)> = Vec::new();
    file.tests
        .iter()
        .map(|test| {
            let earlier = seen
                .iter()
                .find(|(name, _)| *name == test.name.text)
                .map(|(_, span)| *span);
            if test.unreadable == 0 {
                seen.push((&test.name.text, test.name.span));
            }
            let outcome = match earlier {
                // Not run: a line of it could not be read (that problem is the file's). Its
                // names are still looked up, so every slip is reported in one go; a missing
                // `as of` or `expect` may be the line that could not be read, so not that.
                _ if test.unreadable > 0 => Err(match prepare::prepare(test, plan) {
                    Ok(_) => Vec::new(),
                    Err(problems) => problems
                        .into_iter()
                        .filter(|d| d.code != Code::TestIncomplete)
                        .collect(),
                }),
                Some(earlier) => Err(vec![
                    Diagnostic::new(
                        Code::TestDuplicateName,
                        test.name.span,
                        format!("a test named `{}` is already in this file", test.name.text),
                    )
                    .label("second test of this name")
                    .related(earlier, "the first is here")
                    .help("give each test its own name, so a failure points at one test"),
                ]),
                None => {
                    prepare::prepare(test, plan).map(|prepared| judge::judge(plan, &prepared).1)
                }
            };
            TestResult {
                name: test.name.text.clone(),
                title: test.title.clone(),
                span: test.span,
                outcome,
            }
        })
        .collect()
}
