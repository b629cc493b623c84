//! Work due before each occurrence of a step (`each.rs`, `docs/cases.md`), on a small
//! procedure: a report before each meeting, with a target a day before its limit. Dates are in
//! March 2026 (no bank holidays).

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, DeviationKind, Row, Status};

const PROCEDURE: &str = r#"
procedure t "Before each"
role worker "Worker"
start concern

step concern "Concern"
  by worker
  untimed "starts the case"
  then check

decision check "Check"
  by worker
  untimed "at once"
  outcomes meet, close
  on meet then report
  on close then closed

step report "Report"
  by worker
  target 2 working days before each meeting
  due 1 working day before each meeting
  may repeat
  waivable with reason
  then meeting

step meeting "Meeting"
  by worker
  untimed "when it is arranged"
  may repeat
  then held

end held "Held"
end closed "Closed"
"#;

fn run(events: &[String], check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    let events = events.join(",");
    super::test_cases::replay(
        PROCEDURE,
        ("", &events),
        "2026-03-31",
        Reading::Replay,
        check,
    );
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn start(outcome: &str) -> Vec<String> {
    vec![
        record("concern", "2026-03-02"),
        format!(r#"{{"step":"check","on":"2026-03-02","outcome":"{outcome}"}}"#),
    ]
}

fn reports<'r>(plan: &Plan, report: &'r CaseReport) -> Vec<&'r Row> {
    let id = plan.step_named("report").expect("a step");
    report.rows.iter().filter(|row| row.step == id).collect()
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    waymark_calendar::parse_date(text).ok()
}

#[test]
fn each_occurrence_has_its_own_limit_and_target() {
    let mut events = start("meet");
    events.extend([
        record("report", "2026-03-05"),
        record("meeting", "2026-03-10"),
        record("report", "2026-03-19"),
        record("meeting", "2026-03-20"),
    ]);
    run(&events, |plan, report| {
        let rows = reports(plan, report);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].occurrence, Some(1));
        assert_eq!(rows[0].due.map(|d| d.date()), day("2026-03-09"));
        assert_eq!(rows[0].target.map(|d| d.date()), day("2026-03-06"));
        assert_eq!(
            (rows[0].status, rows[0].target_met),
            (Status::Met, Some(true))
        );
        // Done the day before its limit's day: met, but after its target.
        assert_eq!(rows[1].due.map(|d| d.date()), day("2026-03-19"));
        assert_eq!(
            (rows[1].status, rows[1].target_met),
            (Status::Met, Some(false))
        );
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn a_missed_occurrence_is_a_gap_shown_by_its_meeting() {
    let mut events = start("meet");
    events.extend([
        record("meeting", "2026-03-10"),
        record("meeting", "2026-03-20"),
    ]);
    run(&events, |plan, report| {
        let rows = reports(plan, report);
        assert!(rows.iter().all(|row| row.status == Status::Overdue));
        let gaps: Vec<_> = report
            .deviations
            .iter()
            .filter(|d| d.kind == DeviationKind::NotRecorded)
            .collect();
        assert_eq!(gaps.len(), 2, "{:?}", report.deviations);
        let meeting = plan.step_named("meeting");
        assert!(gaps.iter().all(|gap| gap.shown_by == meeting));
        assert_eq!(gaps[1].on.map(|on| on.date), day("2026-03-20"));
    });
}

#[test]
fn a_waiver_without_a_date_waives_every_occurrence_not_answered() {
    let mut events = start("meet");
    events.extend([
        r#"{"step":"report","waived":true,"reason":"everyone attends"}"#.to_string(),
        record("meeting", "2026-03-10"),
        record("meeting", "2026-03-20"),
    ]);
    run(&events, |plan, report| {
        let rows = reports(plan, report);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|row| row.status == Status::Waived));
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn on_a_branch_not_taken_the_work_is_not_needed() {
    run(&start("close"), |plan, report| {
        let rows = reports(plan, report);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, Status::NotApplicable);
    });
}

#[test]
fn work_before_any_meeting_is_done_with_no_due_date_yet() {
    let mut events = start("meet");
    events.push(record("report", "2026-03-05"));
    run(&events, |plan, report| {
        let rows = reports(plan, report);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].status, rows[0].due), (Status::Met, None));
        assert_eq!(rows[0].occurrence, Some(1));
    });
}
