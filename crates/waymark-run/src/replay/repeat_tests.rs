//! The rules for steps that may repeat and clocks counted from an occurrence with an outcome
//! (`docs/cases.md`), on a small strategy meeting. Dates are in March 2026 (no bank holidays).

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, DeviationKind, Status};

const PROCEDURE: &str = r#"
procedure t "Repeats"
role worker "Worker"
start meeting

decision meeting "Strategy meeting"
  by worker
  untimed "held when harm is suspected"
  may repeat
  outcomes enquire, support
  on enquire then enquiry
  on support then supported

step enquiry "Enquiry"
  by worker
  due 10 working days after meeting is enquire
  may repeat
  then conference

step conference "Conference"
  by worker
  due 15 working days after meeting is enquire
  then held

end supported "Support"
end held "Conference held"
"#;

/// Runs a case given as its events (JSON), as of 2026-03-31, with the plan it ran against.
fn run(events: &str, reading: Reading, check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    super::test_cases::replay(PROCEDURE, ("", events), "2026-03-31", reading, check);
}

fn meeting(on: &str, outcome: &str) -> String {
    format!(r#"{{"step":"meeting","on":"{on}","outcome":"{outcome}"}}"#)
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn row<'r>(plan: &Plan, report: &'r CaseReport, step: &str) -> &'r crate::report::Row {
    let id = plan
        .procedure
        .step_named(step)
        .expect("a step of the test procedure");
    report
        .rows
        .iter()
        .find(|row| row.step == id)
        .expect("a row for the step")
}

fn deviations(plan: &Plan, report: &CaseReport) -> Vec<(DeviationKind, String)> {
    (report.deviations.iter())
        .map(|d| (d.kind, plan.procedure.step(d.step).id.clone()))
        .collect()
}

fn date(text: &str) -> chrono::NaiveDate {
    waymark_calendar::parse_date(text).expect("a date")
}

#[test]
fn a_further_occurrence_is_not_repeated_and_the_latest_decides_the_branch() {
    let events = [
        meeting("2026-03-02", "support"),
        meeting("2026-03-09", "enquire"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
        let meeting = row(plan, report, "meeting");
        // Done on its first occurrence; both counted.
        assert_eq!(meeting.done.map(|d| d.date), Some(date("2026-03-02")));
        assert_eq!(meeting.occurrences, Some(2));
        assert_eq!(row(plan, report, "enquiry").status, Status::Overdue);
        assert_eq!(report.state, crate::report::State::Open);
    });
}

#[test]
fn the_clock_counts_from_the_first_occurrence_with_its_outcome() {
    // The first meeting decided support: the clock starts at the second, on 9 March.
    let events = [
        meeting("2026-03-02", "support"),
        meeting("2026-03-09", "enquire"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert_eq!(
            row(plan, report, "enquiry").due.map(|d| d.date()),
            Some(date("2026-03-23"))
        );
        assert_eq!(
            row(plan, report, "conference").due.map(|d| d.date()),
            Some(date("2026-03-30"))
        );
    });
    // Two meetings that both decided to enquire: the first of them starts the clock.
    let events = [
        meeting("2026-03-02", "enquire"),
        meeting("2026-03-09", "enquire"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert_eq!(
            row(plan, report, "enquiry").due.map(|d| d.date()),
            Some(date("2026-03-16"))
        );
    });
}

#[test]
fn no_due_date_until_the_decision_has_that_outcome() {
    let events = meeting("2026-03-02", "support");
    run(&events, Reading::Replay, |plan, report| {
        let enquiry = row(plan, report, "enquiry");
        assert_eq!(enquiry.due, None);
        assert_eq!(enquiry.status, Status::NotApplicable);
        assert_eq!(report.state, crate::report::State::Closed);
    });
}

#[test]
fn records_on_the_branch_an_earlier_occurrence_chose_are_unexpected() {
    // The first meeting closed the case at `supported`; a further meeting reopened it.
    let events = [
        meeting("2026-03-02", "support"),
        record("supported", "2026-03-03"),
        meeting("2026-03-09", "enquire"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert_eq!(
            deviations(plan, report),
            [(DeviationKind::Unexpected, "supported".to_string())]
        );
        assert_eq!(report.state, crate::report::State::Open);
    });
}

#[test]
fn the_step_after_a_repeating_decision_is_reached_at_the_deciding_occurrence() {
    // The enquiry recorded after the first meeting, before the second chose support: the case
    // reached `supported` on 9 March, so the enquiry is off the path, not after the end.
    let events = [
        meeting("2026-03-02", "enquire"),
        record("enquiry", "2026-03-04"),
        meeting("2026-03-09", "support"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert_eq!(
            deviations(plan, report),
            [(DeviationKind::Unexpected, "enquiry".to_string())]
        );
        assert_eq!(
            report.end.map(|end| plan.procedure.step(end).id.as_str()),
            Some("supported")
        );
    });
}

#[test]
fn a_duplicate_of_an_occurrence_is_still_repeated() {
    let events = [
        meeting("2026-03-02", "enquire"),
        meeting("2026-03-02", "enquire"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert_eq!(
            deviations(plan, report),
            [(DeviationKind::Repeated, "meeting".to_string())]
        );
        assert_eq!(row(plan, report, "meeting").occurrences, Some(1));
    });
}

#[test]
fn a_further_occurrence_after_later_steps_is_not_out_of_order() {
    // A second enquiry record after the conference: a step that may repeat.
    let events = [
        meeting("2026-03-02", "enquire"),
        record("enquiry", "2026-03-05"),
        record("conference", "2026-03-10"),
        record("enquiry", "2026-03-10"),
    ]
    .join(",");
    run(&events, Reading::Replay, |plan, report| {
        assert!(
            report.deviations.is_empty(),
            "{:?}",
            deviations(plan, report)
        );
        assert_eq!(row(plan, report, "enquiry").occurrences, Some(2));
    });
}

#[test]
fn strict_reading_does_not_stop_at_a_further_occurrence() {
    let events = [
        meeting("2026-03-02", "support"),
        meeting("2026-03-09", "enquire"),
        record("enquiry", "2026-03-12"),
    ]
    .join(",");
    run(&events, Reading::Strict, |plan, report| {
        assert_eq!(report.left, None);
        assert_eq!(row(plan, report, "enquiry").status, Status::Met);
    });
}
