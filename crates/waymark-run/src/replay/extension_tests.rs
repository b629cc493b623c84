//! Extensions on a small procedure: the assessment is due 45 working days after the referral,
//! extendable by up to 10 working days with a reason and a manager's approval; a pre-birth
//! limit counted back from the expected delivery is never moved. The referral is on Monday
//! 5 January 2026, so the assessment is due on Monday 9 March (no bank holiday between), and
//! 10 working days later is Monday 23 March.

use super::{Refusal, grant};
use crate::plan::Plan;
use crate::replay::Reading;
use crate::report::{CaseReport, DeviationKind, Row, Status};
use waymark_compile::StepIndex;
use waymark_diagnostics::FileId;

const PROCEDURE: &str = r#"
procedure t "Extensions"
role worker "Worker"
role manager "Team Manager"
fact expected_delivery "Expected date of delivery" is a date, optional
start referral

step referral "Referral"
  by worker
  untimed "the clock starts here"
  then assessment

step assessment "Assessment completed"
  by worker
  due 45 working days after referral
  due 4 weeks before fact expected_delivery when expected_delivery is known
  extendable by up to 10 working days with reason, approved by manager
  then closed

end closed "Closed"
"#;

/// Runs a case given as its facts and events (JSON), as of `as_of`.
fn run(facts: &str, events: &str, as_of: &str) -> CaseReport {
    let report = |_: &Plan, report| report;
    crate::replay::test_cases::replay(PROCEDURE, (facts, events), as_of, Reading::Replay, report)
}

fn assessment(report: &CaseReport) -> &Row {
    &report.rows[1]
}

fn date(row_due: Option<crate::due::Due>) -> Option<String> {
    row_due.map(|due| due.date().to_string())
}

fn kinds(report: &CaseReport) -> Vec<DeviationKind> {
    report.deviations.iter().map(|d| d.kind).collect()
}

const REFERRAL: &str = r#"{"step":"referral","on":"2026-01-05","by":"worker"}"#;
const DONE_LATE: &str = r#"{"step":"assessment","on":"2026-03-18","by":"worker"}"#;

fn extension(amount: &str, rest: &str) -> String {
    format!(r#"{{"step":"assessment","on":"2026-03-02","extended_by":{amount}{rest}}}"#)
}

const APPROVED: &str = r#","reason":"an interpreter","approved_by":"manager""#;

#[test]
fn an_approved_extension_within_the_bound_moves_the_due_date() {
    let events = format!("{REFERRAL},{},{DONE_LATE}", extension("10", APPROVED));
    let report = run("", &events, "2026-03-31");
    let row = assessment(&report);
    assert_eq!(
        date(row.due).as_deref(),
        Some("2026-03-09"),
        "the due date as written"
    );
    let extended = row.extension.as_deref().copied().expect("extended");
    assert_eq!(extended.by, 10);
    assert_eq!(date(extended.due).as_deref(), Some("2026-03-23"));
    assert_eq!(row.status, Status::Met, "done within the extension");
    assert_eq!(
        extended.unextended,
        Some(Status::Late),
        "and late without it"
    );
    assert!(report.deviations.is_empty());
    assert_eq!(
        (report.records, report.fitting),
        (3, 3),
        "the extension is a record that fits"
    );
}

#[test]
fn an_extension_with_its_unit_in_words_reads_the_same() {
    let events = format!("{REFERRAL},{}", extension(r#""10 working days""#, APPROVED));
    let report = run("", &events, "2026-03-10");
    let row = assessment(&report);
    assert_eq!(row.extension.as_deref().map(|e| e.by), Some(10));
    // Past the written due date, within the extended one: still pending, not overdue.
    assert_eq!(row.status, Status::Pending);
    assert_eq!(
        row.extension.as_deref().and_then(|e| e.unextended),
        Some(Status::Overdue)
    );
    assert_eq!(
        report.next,
        Some(1),
        "what is due next goes by the extended date"
    );
}

#[test]
fn an_extension_past_the_bound_is_applied_up_to_it_and_reported() {
    let events = format!(
        "{REFERRAL},{},{},{DONE_LATE}",
        extension("6", APPROVED),
        extension("6", APPROVED)
    );
    let report = run("", &events, "2026-03-31");
    let row = assessment(&report);
    assert_eq!(
        row.extension.as_deref().map(|e| e.by),
        Some(10),
        "never past the bound"
    );
    assert_eq!(
        date(row.extension.as_deref().and_then(|e| e.due)).as_deref(),
        Some("2026-03-23")
    );
    assert_eq!(kinds(&report), [DeviationKind::ExtensionOverBound]);
    assert_eq!(report.fitting, report.records - 1);
}

#[test]
fn an_extension_without_its_reason_or_approval_is_not_applied() {
    for (rest, kind) in [
        (
            r#","approved_by":"manager""#,
            DeviationKind::ExtensionWithoutReason,
        ),
        (
            r#","reason":"an interpreter""#,
            DeviationKind::ExtensionNotApproved,
        ),
        (
            r#","reason":"an interpreter","approved_by":"worker""#,
            DeviationKind::ExtensionNotApproved,
        ),
    ] {
        let events = format!("{REFERRAL},{},{DONE_LATE}", extension("10", rest));
        let report = run("", &events, "2026-03-31");
        let row = assessment(&report);
        assert_eq!(row.extension, None, "{rest}");
        assert_eq!(
            row.status,
            Status::Late,
            "judged by the due date as written"
        );
        assert_eq!(kinds(&report), [kind], "{rest}");
    }
}

#[test]
fn a_limit_counted_back_from_a_later_event_is_not_moved() {
    // Expected on 6 April: 4 weeks before is 9 March, the same day as 45 working days; the
    // extension moves the first limit to 23 March, but the pre-birth limit still governs.
    let facts = r#""expected_delivery":"2026-04-06""#;
    let events = format!("{REFERRAL},{},{DONE_LATE}", extension("10", APPROVED));
    let report = run(facts, &events, "2026-03-31");
    let row = assessment(&report);
    assert_eq!(
        date(row.extension.as_deref().and_then(|e| e.due)).as_deref(),
        Some("2026-03-09")
    );
    assert_eq!(row.status, Status::Late);
}

#[test]
fn the_extension_does_not_do_the_step() {
    let events = format!("{REFERRAL},{}", extension("5", APPROVED));
    let report = run("", &events, "2026-03-31");
    let row = assessment(&report);
    assert_eq!(row.done, None);
    assert_eq!(
        row.status,
        Status::Overdue,
        "due 16 March with the extension"
    );
    assert_eq!(
        date(row.extension.as_deref().and_then(|e| e.due)).as_deref(),
        Some("2026-03-16")
    );
}

#[test]
fn an_extension_after_the_as_of_date_is_not_applied_yet() {
    let events = format!("{REFERRAL},{}", extension("10", APPROVED));
    let report = run("", &events, "2026-03-01");
    assert_eq!(assessment(&report).extension, None);
    assert_eq!(report.ignored_after_as_of, 1);
}

#[test]
fn grants_add_up_in_date_order() {
    let events = format!(
        "{REFERRAL},{},{},{}",
        extension("4", APPROVED),
        extension("3", r#","approved_by":"manager""#),
        extension("4", APPROVED)
    );
    let report = run("", &events, "2026-03-31");
    let procedure = &report;
    let as_of = procedure.as_of;
    let parsed = waymark_syntax::parse(FileId(0), PROCEDURE);
    let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
    let compiled = compiled.procedure.expect("compiles");
    let rule = compiled
        .step(StepIndex(1))
        .extension
        .clone()
        .expect("extendable");
    let granted = grant(&report.case, StepIndex(1), &rule, as_of);
    assert_eq!(granted.by, 8, "the one without a reason is not counted");
    let refusals: Vec<Option<Refusal>> = granted.records.iter().map(|(_, r)| *r).collect();
    assert_eq!(refusals, [None, Some(Refusal::NoReason), None]);
}

/// An extension granted after the limit had passed, or before its clock started, still applies
/// (the row keeps the status without it), but it came out of time: a deviation says so.
#[test]
fn an_extension_granted_out_of_time_is_applied_and_a_deviation() {
    let granted = |on: &str| {
        format!(
            r#"{{"step":"assessment","on":"{on}","extended_by":10,"reason":"an interpreter","approved_by":"manager"}}"#
        )
    };
    for on in ["2026-03-20", "2025-11-03"] {
        let events = format!("{REFERRAL},{DONE_LATE},{}", granted(on));
        let report = run("", &events, "2026-03-31");
        let row = assessment(&report);
        assert_eq!(row.status, Status::Met, "{on}: the extension still applies");
        assert_eq!(kinds(&report), [DeviationKind::ExtensionOutOfTime], "{on}");
        assert_eq!(report.fitting, report.records - 1, "{on}");
    }
    // Granted on the limit's last day: in time.
    let events = format!("{REFERRAL},{DONE_LATE},{}", granted("2026-03-09"));
    assert_eq!(kinds(&run("", &events, "2026-03-31")), []);
}
