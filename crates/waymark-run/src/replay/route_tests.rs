//! The rule for routes out of a decision with conditions of their own (`path.rs`,
//! `docs/cases.md`): the recorded outcome picks the routes, the first whose condition holds is
//! taken; a condition that needs what is not yet known is settled by the later records, among
//! that outcome's routes only. Dates are in March 2026 (no bank holidays).

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, DeviationKind, State, Status};

const PROCEDURE: &str = r#"
procedure t "Routes with conditions"
role worker "Worker"
fact age_band is one of under_16, aged_16_or_17
fact unanimous is yes or no, optional, recorded at meeting
start triage

decision triage "Triage"
  by worker
  untimed "on the day"
  outcomes urgent, routine
  on urgent then meeting
  on routine then meeting

decision meeting "Strategy meeting"
  by worker
  untimed "held when harm is suspected"
  may repeat
  outcomes enquire, support
  on enquire then enquiry when age_band is under_16
  on enquire otherwise young_enquiry
  on support then supported when unanimous is yes and triage is routine
  on support otherwise review

step enquiry "Enquiry"
  by worker
  due 10 working days after meeting
  then done

step young_enquiry "Enquiry with the young person"
  by worker
  due 10 working days after meeting
  then done

step review "Manager's review"
  by worker
  due 2 working days after meeting
  then supported

end supported "Support"
end done "Done"
"#;

/// Runs a case given as its facts and events (JSON), as of 2026-03-31.
fn run(facts: &str, events: &[String], check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    let events = events.join(",");
    super::test_cases::replay(
        PROCEDURE,
        (facts, &events),
        "2026-03-31",
        Reading::Replay,
        check,
    );
}

fn decided(step: &str, on: &str, outcome: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}","outcome":"{outcome}"}}"#)
}

fn meeting(on: &str, outcome: &str, unanimous: &str) -> String {
    format!(
        r#"{{"step":"meeting","on":"{on}","outcome":"{outcome}","facts":{{"unanimous":"{unanimous}"}}}}"#
    )
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn status(plan: &Plan, report: &CaseReport, step: &str) -> Status {
    let id = plan.procedure.step_named(step).expect("a step");
    (report.rows.iter().find(|row| row.step == id))
        .expect("a row for the step")
        .status
}

fn deviations(plan: &Plan, report: &CaseReport) -> Vec<(DeviationKind, String)> {
    (report.deviations.iter())
        .map(|d| (d.kind, plan.procedure.step(d.step).id.clone()))
        .collect()
}

const UNDER_16: &str = r#""age_band":"under_16""#;
const AGED_16: &str = r#""age_band":"aged_16_or_17""#;

#[test]
fn the_first_route_whose_condition_holds_is_taken() {
    let events = [
        decided("triage", "2026-03-02", "urgent"),
        meeting("2026-03-03", "enquire", "yes"),
    ];
    // Due 10 working days after the meeting, 17 March: overdue by 31 March.
    run(UNDER_16, &events, |plan, report| {
        assert_eq!(status(plan, report, "enquiry"), Status::Overdue);
        assert_eq!(status(plan, report, "young_enquiry"), Status::NotApplicable);
        assert_eq!(status(plan, report, "review"), Status::NotApplicable);
    });
    // The condition does not hold: `otherwise` takes the case.
    run(AGED_16, &events, |plan, report| {
        assert_eq!(status(plan, report, "enquiry"), Status::NotApplicable);
        assert_eq!(status(plan, report, "young_enquiry"), Status::Overdue);
    });
}

#[test]
fn a_fact_the_decisions_own_record_gives_and_an_earlier_outcome_choose_the_route() {
    let agreed = [
        decided("triage", "2026-03-02", "routine"),
        meeting("2026-03-03", "support", "yes"),
    ];
    run(UNDER_16, &agreed, |plan, report| {
        assert_eq!(report.state, State::Closed);
        assert_eq!(status(plan, report, "review"), Status::NotApplicable);
    });
    let dissent = [
        decided("triage", "2026-03-02", "routine"),
        meeting("2026-03-03", "support", "no"),
    ];
    run(UNDER_16, &dissent, |plan, report| {
        assert_eq!(status(plan, report, "review"), Status::Overdue);
    });
    // Agreed, but the triage was urgent: the condition needs both.
    let urgent = [
        decided("triage", "2026-03-02", "urgent"),
        meeting("2026-03-03", "support", "yes"),
    ];
    run(UNDER_16, &urgent, |plan, report| {
        assert_eq!(status(plan, report, "review"), Status::Overdue);
    });
}

#[test]
fn a_further_meeting_decides_afresh_with_what_its_own_record_gives() {
    let events = [
        decided("triage", "2026-03-02", "routine"),
        meeting("2026-03-03", "support", "no"),
        meeting("2026-03-10", "support", "yes"),
    ];
    run(UNDER_16, &events, |plan, report| {
        assert_eq!(report.state, State::Closed);
        assert_eq!(status(plan, report, "review"), Status::NotApplicable);
    });
}

#[test]
fn a_record_on_a_route_not_taken_is_unexpected() {
    let events = [
        decided("triage", "2026-03-02", "urgent"),
        meeting("2026-03-03", "enquire", "yes"),
        record("young_enquiry", "2026-03-05"),
    ];
    run(UNDER_16, &events, |plan, report| {
        assert_eq!(status(plan, report, "enquiry"), Status::Overdue);
        assert_eq!(
            deviations(plan, report),
            [(DeviationKind::Unexpected, "young_enquiry".to_string())]
        );
    });
}

#[test]
fn what_is_not_yet_known_is_settled_by_later_records_among_the_outcomes_routes() {
    // The triage was not recorded, so the condition on `support` cannot be judged: the review
    // recorded after the meeting shows the way. The enquiry, on a route of the other outcome,
    // is no candidate however early it was recorded: it counts for itself, off the path.
    let events = [
        meeting("2026-03-03", "support", "yes"),
        record("enquiry", "2026-03-04"),
        record("review", "2026-03-05"),
    ];
    run(UNDER_16, &events, |plan, report| {
        assert_eq!(status(plan, report, "review"), Status::Met);
        assert_eq!(status(plan, report, "young_enquiry"), Status::NotApplicable);
        assert_eq!(
            deviations(plan, report),
            [
                (DeviationKind::NotRecorded, "triage".to_string()),
                (DeviationKind::Unexpected, "enquiry".to_string()),
            ]
        );
    });
    // With no record behind either route, the way on is still to come: both routes of the
    // outcome are possible, those of the other outcome are not.
    let events = [meeting("2026-03-03", "support", "yes")];
    run(UNDER_16, &events, |plan, report| {
        assert_eq!(report.state, State::Open);
        assert_eq!(status(plan, report, "review"), Status::Pending);
        assert_eq!(status(plan, report, "enquiry"), Status::NotApplicable);
        assert_eq!(status(plan, report, "young_enquiry"), Status::NotApplicable);
    });
}
