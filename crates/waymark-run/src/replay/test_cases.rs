//! For the replay's unit tests: one case run through a procedure written for the test.

use super::{Reading, run_case_with};
use crate::plan::Plan;
use crate::read::parse_json_line;
use crate::report::CaseReport;
use waymark_diagnostics::FileId;

/// Compiles `procedure`, reads a case with these facts and events (JSON, without their
/// braces and brackets) and replays it as of `as_of`, then hands the plan and report to
/// `check`.
pub(super) fn replay<T>(
    procedure: &str,
    (facts, events): (&str, &str),
    as_of: &str,
    reading: Reading,
    check: impl FnOnce(&Plan, CaseReport) -> T,
) -> T {
    let parsed = waymark_syntax::parse(FileId(0), procedure);
    let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let procedure = compiled.procedure.expect("the test procedure compiles");
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    let line = format!(r#"{{"case":"T","facts":{{{facts}}},"events":[{events}]}}"#);
    let case = parse_json_line(&plan, 1, &line).expect("the test case reads");
    let as_of = waymark_calendar::parse_date(as_of).expect("a date");
    let report = run_case_with(&plan, case, as_of, reading);
    check(&plan, report)
}
