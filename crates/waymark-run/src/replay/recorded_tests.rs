//! The rules for facts recorded at a step (`docs/cases.md`): known once the step is recorded,
//! the latest record giving the value, and who did each record judged by the value as it
//! stood then. Dates are in March 2026 (no bank holidays).

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, Status};

const PROCEDURE: &str = r#"
procedure t "Who decides"
role manager "Team Manager"
role agencies "Agencies"
fact unanimous "Agencies agreed" is yes or no, optional, recorded at meeting
start meeting

decision meeting "Strategy meeting"
  by manager when unanimous is no
  by agencies or manager when unanimous is yes
  untimed "held when harm is suspected"
  may repeat
  outcomes enquire, support
  on enquire then plan
  on support then plan

step plan "Safety plan"
  by agencies
  due same day as meeting
  may repeat
  then enquiry when meeting is enquire
  otherwise supported

step enquiry "Enquiry"
  by manager when unanimous is no
  by agencies when unanimous is yes
  due 10 working days after meeting is enquire
  then held

end supported "Support"
end held "Enquiry held"
"#;

/// Runs a case given as its events (JSON), as of 2026-03-31.
fn run(events: &str, check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    super::test_cases::replay(
        PROCEDURE,
        ("", events),
        "2026-03-31",
        Reading::Replay,
        check,
    );
}

fn meeting(on: &str, outcome: &str, by: &str, unanimous: &str) -> String {
    format!(
        r#"{{"step":"meeting","on":"{on}","outcome":"{outcome}","by":"{by}","facts":{{"unanimous":"{unanimous}"}}}}"#
    )
}

fn record(step: &str, on: &str, by: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}","by":"{by}"}}"#)
}

fn status(plan: &Plan, report: &CaseReport, step: &str) -> Status {
    let id = plan.procedure.step_named(step).expect("a step");
    let row = report
        .rows
        .iter()
        .find(|row| row.step == id)
        .expect("a row");
    row.status
}

fn warnings(report: &CaseReport) -> Vec<String> {
    report.warnings.iter().map(|w| w.message.clone()).collect()
}

#[test]
fn the_meeting_is_judged_by_what_its_own_record_says() {
    let events = [
        meeting("2026-03-02", "enquire", "agencies", "no"),
        record("plan", "2026-03-02", "agencies"),
    ]
    .join(",");
    run(&events, |_, report| {
        assert_eq!(
            warnings(report),
            [
                "role not allowed: `meeting` was done by `agencies`, but in this case only \
              `manager` may do it"
            ]
        );
    });
    let agreed = [
        meeting("2026-03-02", "enquire", "agencies", "yes"),
        record("plan", "2026-03-02", "agencies"),
    ]
    .join(",");
    run(&agreed, |_, report| assert!(report.warnings.is_empty()));
}

#[test]
fn a_later_step_is_judged_by_the_latest_value_before_it() {
    // The first meeting agreed, the second did not: the enquiry after the second is the
    // manager's, whatever the first meeting said.
    let events = [
        meeting("2026-03-02", "support", "agencies", "yes"),
        record("plan", "2026-03-02", "agencies"),
        meeting("2026-03-09", "enquire", "manager", "no"),
        record("plan", "2026-03-09", "agencies"),
        record("enquiry", "2026-03-12", "agencies"),
    ]
    .join(",");
    run(&events, |plan, report| {
        assert_eq!(status(plan, report, "enquiry"), Status::Met);
        assert_eq!(
            warnings(report),
            [
                "role not allowed: `enquiry` was done by `agencies`, but in this case only \
              `manager` may do it"
            ]
        );
    });
}

#[test]
fn a_record_that_does_not_give_the_fact_is_said_so() {
    let events = [
        r#"{"step":"meeting","on":"2026-03-02","outcome":"enquire","by":"agencies"}"#.to_string(),
        record("plan", "2026-03-02", "agencies"),
    ]
    .join(",");
    run(&events, |_, report| {
        assert_eq!(
            warnings(report),
            [
                "role not allowed: `meeting` was done by `agencies`, but in this case no role \
              may do it; whether `agencies` may depends on `unanimous`, which no record of \
              `meeting` gives"
            ]
        );
    });
}

#[test]
fn the_way_on_waits_for_the_meeting_and_follows_its_latest_occurrence() {
    // The plan is recorded but no meeting: the plan's route reads the meeting's outcome, so it
    // goes the way the records behind it show.
    let plan_only = [
        record("plan", "2026-03-02", "agencies"),
        record("enquiry", "2026-03-05", "agencies"),
    ]
    .join(",");
    run(&plan_only, |plan, report| {
        assert_eq!(status(plan, report, "meeting"), Status::NotRecorded);
        assert_eq!(status(plan, report, "enquiry"), Status::Met);
    });
    // The second meeting decided support: the enquiry is not applicable, and the case closes
    // no earlier than that meeting.
    let events = [
        meeting("2026-03-02", "enquire", "agencies", "yes"),
        record("plan", "2026-03-02", "agencies"),
        meeting("2026-03-09", "support", "manager", "no"),
    ]
    .join(",");
    run(&events, |plan, report| {
        assert_eq!(status(plan, report, "enquiry"), Status::NotApplicable);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
        assert_eq!(
            report.end.map(|end| plan.procedure.step(end).id.as_str()),
            Some("supported")
        );
    });
}
