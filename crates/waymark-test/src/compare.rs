//! A test file run against two versions of its procedure: which expectations hold under the
//! old version and would not under the new, the question before a guidance change is made.

use crate::render::Locate;
use crate::syntax::TestFile;
use crate::{Judged, run_tests};
use serde_json::json;
use std::fmt::Write;
use waymark_diagnostics::Span;
use waymark_run::Plan;

/// An expectation that holds under the old version and not under the new.
#[derive(Clone, Debug)]
pub struct Broken {
    pub test: String,
    pub old: Judged,
    pub new: Judged,
}

/// What the new version does to a file's tests.
#[derive(Clone, Debug, Default)]
pub struct Breakage {
    /// Expectations judged under both versions.
    pub judged: usize,
    pub broken: Vec<Broken>,
    /// Expectations that fail under both versions (not the draft's doing).
    pub already_failing: usize,
    /// Expectations that fail under the old version and hold under the new.
    pub fixed: usize,
    /// Tests that run under the old version but cannot under the new (a step renamed or
    /// removed): the test and the first problem.
    pub cannot_run: Vec<(String, Span, String)>,
}

/// Runs `file` against both plans and compares expectation by expectation.
pub fn breakage(file: &TestFile, old: &Plan, new: &Plan) -> Breakage {
    let mut out = Breakage::default();
    for (before, after) in run_tests(file, old).into_iter().zip(run_tests(file, new)) {
        let Ok(before_judged) = before.outcome else {
            continue;
        };
        let after_judged = match after.outcome {
            Ok(judged) => judged,
            Err(problems) => {
                let why = problems
                    .first()
                    .map_or(String::new(), |d| d.message.clone());
                out.cannot_run.push((after.name, after.span, why));
                continue;
            }
        };
        for (old, new) in before_judged.into_iter().zip(after_judged) {
            out.judged += 1;
            match (old.passed, new.passed) {
                (true, false) => out.broken.push(Broken {
                    test: after.name.clone(),
                    old,
                    new,
                }),
                (false, false) => out.already_failing += 1,
                (false, true) => out.fixed += 1,
                (true, true) => {}
            }
        }
    }
    out
}

/// The breakage in words, for the end of `waymark diff`'s report.
pub fn human(path: &str, breakage: &Breakage, locate: Locate<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Tests in {path}: {} expectations judged under both versions; the new version breaks {}{}{}.",
        breakage.judged,
        breakage.broken.len(),
        match breakage.fixed {
            0 => String::new(),
            n => format!(", makes {n} hold that failed before"),
        },
        match breakage.already_failing {
            0 => String::new(),
            n => format!(", and {n} fail under both"),
        },
    );
    for broken in &breakage.broken {
        let (line, _) = locate(broken.new.span);
        let _ = writeln!(
            out,
            "BROKEN {line} {}: {}",
            broken.test, broken.new.expected
        );
        let _ = writeln!(out, "  old: {}", broken.old.actual);
        let _ = writeln!(out, "  new: {}", broken.new.actual);
        if let Some(rule) = broken.new.decided_by {
            let (at, text) = locate(rule);
            let _ = writeln!(out, "  decided by {at}: {text}");
        }
    }
    for (test, span, why) in &breakage.cannot_run {
        let (line, _) = locate(*span);
        let _ = writeln!(
            out,
            "CANNOT RUN {line} {test} against the new version: {why}"
        );
    }
    out
}

/// The breakage as JSON, for `waymark diff --format json`.
pub fn json(path: &str, breakage: &Breakage, locate: Locate<'_>) -> serde_json::Value {
    let at = |span: Span| locate(span).0;
    json!({
        "file": path,
        "judged": breakage.judged,
        "already_failing": breakage.already_failing,
        "fixed": breakage.fixed,
        "broken": breakage.broken.iter().map(|b| json!({
            "test": b.test,
            "at": at(b.new.span),
            "expected": b.new.expected,
            "old": b.old.actual,
            "new": b.new.actual,
            "decided_by": b.new.decided_by.map(locate),
        })).collect::<Vec<_>>(),
        "cannot_run": breakage.cannot_run.iter().map(|(test, span, why)| json!({
            "test": test, "at": at(*span), "why": why,
        })).collect::<Vec<_>>(),
    })
}
