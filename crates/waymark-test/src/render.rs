//! Test results for people (a PASS or FAIL line per test, expected against actual, a summary
//! line) and as one JSON document for machines.

use crate::TestResult;
use serde_json::{Value, json};
use std::fmt::Write;
use waymark_diagnostics::{Diagnostic, Span};

/// Where a span is and what its line says: `("procedures/assessment.wm:73", "due 5 ...")`.
pub type Locate<'a> = &'a dyn Fn(Span) -> (String, String);

/// One test file's results: its tests, and the problems with the file itself (lines that
/// could not be read, a procedure that cannot be used).
#[derive(Clone, Debug)]
pub struct FileResults {
    pub path: String,
    pub procedure: Option<String>,
    pub results: Vec<TestResult>,
    pub problems: Vec<Diagnostic>,
}

/// Counts over every file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    /// Tests that could not be run, and problems with files.
    pub errors: usize,
}

impl Tally {
    pub fn of(files: &[FileResults]) -> Tally {
        let mut tally = Tally::default();
        for file in files {
            tally.errors += file.problems.len();
            for result in &file.results {
                match &result.outcome {
                    Err(_) => tally.errors += 1,
                    Ok(_) if result.passed() => tally.passed += 1,
                    Ok(_) => tally.failed += 1,
                }
            }
        }
        tally
    }

    pub fn all_passed(self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}

/// The lines for people: one per test, and under a failure each expectation that does not
/// hold, what happened instead and the procedure line that decided it.
pub fn human(files: &[FileResults], locate: Locate<'_>) -> String {
    let mut out = String::new();
    for file in files {
        for result in &file.results {
            let (place, _) = locate(result.span);
            let title = result
                .title
                .as_ref()
                .map_or(String::new(), |t| format!(": {t}"));
            match &result.outcome {
                Ok(judged) if result.passed() => {
                    let _ = writeln!(
                        out,
                        "PASS {place} {}{title} ({} {})",
                        result.name,
                        judged.len(),
                        if judged.len() == 1 {
                            "expectation"
                        } else {
                            "expectations"
                        }
                    );
                }
                Ok(judged) => {
                    let _ = writeln!(out, "FAIL {place} {}{title}", result.name);
                    for one in judged.iter().filter(|j| !j.passed) {
                        let (at, _) = locate(one.span);
                        let line = at.rsplit_once(':').map_or(at.as_str(), |(_, line)| line);
                        let _ = writeln!(out, "  expected: {}  (line {line})", one.expected);
                        let _ = writeln!(out, "  actually: {}", one.actual);
                        if let Some(rule) = one.decided_by {
                            let (where_, text) = locate(rule);
                            let _ = writeln!(out, "  decided by {where_}: {text}");
                        }
                    }
                }
                Err(_) => {
                    let name = match result.name.as_str() {
                        "" => "(a test line that could not be read)",
                        name => name,
                    };
                    let _ = writeln!(
                        out,
                        "ERROR {place} {name}{title}: not run, for the problems shown above"
                    );
                }
            }
        }
    }
    out.push_str(&summary_line(files));
    out
}

/// `test result: FAILED. 24 passed, 1 failed, 0 errors, in 3 files`.
pub fn summary_line(files: &[FileResults]) -> String {
    let tally = Tally::of(files);
    let verdict = if tally.all_passed() { "ok" } else { "FAILED" };
    format!(
        "test result: {verdict}. {} passed, {} failed, {} {}, in {} {}\n",
        tally.passed,
        tally.failed,
        tally.errors,
        if tally.errors == 1 { "error" } else { "errors" },
        files.len(),
        if files.len() == 1 { "file" } else { "files" }
    )
}

/// One JSON document: every file, test and expectation, and the counts.
pub fn json(files: &[FileResults], locate: Locate<'_>) -> String {
    let place = |span: Span| {
        let (at, text) = locate(span);
        let (file, line) = split_place(&at);
        json!({ "file": file, "line": line, "text": text })
    };
    let problem = |d: &Diagnostic| {
        let (at, _) = locate(d.primary.span);
        let (file, line) = split_place(&at);
        json!({ "code": d.code.as_str(), "message": d.message, "file": file, "line": line })
    };
    let files_json: Vec<Value> = files
        .iter()
        .map(|file| {
            let tests: Vec<Value> = file
                .results
                .iter()
                .map(|result| {
                    let (at, _) = locate(result.span);
                    let (_, line) = split_place(&at);
                    let (status, expectations, problems) = match &result.outcome {
                        Ok(judged) => (
                            if result.passed() { "passed" } else { "failed" },
                            judged
                                .iter()
                                .map(|j| {
                                    let (at, _) = locate(j.span);
                                    json!({
                                        "line": split_place(&at).1,
                                        "expected": j.expected,
                                        "passed": j.passed,
                                        "actual": j.actual,
                                        "decided_by": j.decided_by.map(place),
                                    })
                                })
                                .collect(),
                            Vec::new(),
                        ),
                        Err(problems) => {
                            ("error", Vec::new(), problems.iter().map(problem).collect())
                        }
                    };
                    json!({
                        "name": result.name,
                        "title": result.title,
                        "line": line,
                        "status": status,
                        "expectations": expectations,
                        "problems": problems,
                    })
                })
                .collect();
            json!({
                "file": file.path,
                "procedure": file.procedure,
                "problems": file.problems.iter().map(problem).collect::<Vec<_>>(),
                "tests": tests,
            })
        })
        .collect();
    let tally = Tally::of(files);
    let document = json!({
        "files": files_json,
        "summary": { "passed": tally.passed, "failed": tally.failed, "errors": tally.errors },
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    )
}

/// `"a/b.wm:12"` to `("a/b.wm", 12)`.
fn split_place(at: &str) -> (&str, usize) {
    match at.rsplit_once(':') {
        Some((file, line)) => match line.parse() {
            Ok(line) => (file, line),
            Err(_) => (at, 0),
        },
        None => (at, 0),
    }
}
