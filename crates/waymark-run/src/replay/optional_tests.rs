//! The rules for optional steps (`optional "why"`, docs/cases.md): done, they are judged like
//! any step; skipped, they are no gap and never overdue. Dates are in March 2026 (no bank
//! holidays).

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, Row, State, Status};

/// A visit that may not happen, due 5 working days after the referral.
const VISIT: &str = r#"
procedure t "Optional visit"
role worker "Worker"
start referral

step referral "Referral"
  by worker
  untimed "the clock starts here"
  then visit

step visit "Home visit"
  by worker
  due 5 working days after referral
  optional "only when the family agrees"
  then decided

step decided "Decision"
  by worker
  untimed "no timescale"
  then closed

end closed "Closed"
"#;

/// Information shared before each meeting by an agency that cannot attend; a plan's reviews,
/// which may not happen at all, each with an update due the working day before.
const MEETINGS: &str = r#"
procedure t "Meetings and reviews"
role worker "Worker"
start share

step share "Information shared before the meeting"
  by worker
  due 1 working day before each meeting
  may repeat
  optional "only when an agency cannot attend"
  then meeting

step meeting "Strategy meeting"
  by worker
  untimed "held when harm is suspected"
  may repeat
  then update

step update "Updated assessment before a review"
  by worker
  due 1 working day before each review
  may repeat
  then review

step review "Review"
  by worker
  untimed "no timescale"
  may repeat
  optional "the plan may end before its first review"
  then ended

step ended "Plan ended"
  by worker
  untimed "the plan lasts until it ends"
  then closed

end closed "Closed"
"#;

fn replay(procedure: &str, events: &str, check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    super::test_cases::replay(
        procedure,
        ("", events),
        "2026-03-31",
        Reading::Replay,
        check,
    );
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn rows<'r>(plan: &Plan, report: &'r CaseReport, step: &str) -> Vec<&'r Row> {
    let id = plan.procedure.step_named(step).expect("a step of the test");
    report.rows.iter().filter(|row| row.step == id).collect()
}

fn status(plan: &Plan, report: &CaseReport, step: &str) -> Vec<Status> {
    rows(plan, report, step)
        .iter()
        .map(|row| row.status)
        .collect()
}

#[test]
fn an_optional_step_done_is_judged_against_its_due_date() {
    let events = [
        record("referral", "2026-03-02"),
        record("visit", "2026-03-12"),
    ]
    .join(",");
    replay(VISIT, &events, |plan, report| {
        assert_eq!(status(plan, report, "visit"), [Status::Late]);
    });
}

#[test]
fn an_optional_step_skipped_is_not_needed_and_no_gap() {
    let events = [
        record("referral", "2026-03-02"),
        record("decided", "2026-03-20"),
    ]
    .join(",");
    replay(VISIT, &events, |plan, report| {
        assert_eq!(status(plan, report, "visit"), [Status::NotNeeded]);
        assert_eq!(rows(plan, report, "visit")[0].due, None);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
        assert_eq!(report.fitting, report.records);
    });
}

#[test]
fn an_optional_step_past_its_due_date_is_pending_not_overdue() {
    replay(VISIT, &record("referral", "2026-03-02"), |plan, report| {
        assert_eq!(status(plan, report, "visit"), [Status::Pending]);
        assert!(rows(plan, report, "visit")[0].due.is_some());
        // The case may be at the visit, or past it at the decision.
        let at: Vec<&str> = (report.at.iter())
            .map(|id| plan.procedure.step(*id).id.as_str())
            .collect();
        assert_eq!(at, ["visit", "decided"]);
        assert_eq!(report.state, State::Open);
    });
}

#[test]
fn optional_work_before_each_occurrence_is_not_needed_where_it_was_not_done() {
    let events = [
        record("share", "2026-03-04"),
        record("meeting", "2026-03-05"),
        record("meeting", "2026-03-16"),
    ]
    .join(",");
    replay(MEETINGS, &events, |plan, report| {
        assert_eq!(
            status(plan, report, "share"),
            [Status::Met, Status::NotNeeded]
        );
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn a_case_that_starts_past_an_optional_start_has_no_gap() {
    replay(
        MEETINGS,
        &record("meeting", "2026-03-05"),
        |plan, report| {
            assert_eq!(status(plan, report, "share")[0], Status::NotNeeded);
            assert!(report.deviations.is_empty(), "{:?}", report.deviations);
        },
    );
}

#[test]
fn a_plan_ended_with_no_review_needs_no_update_before_one() {
    let events = [
        record("meeting", "2026-03-05"),
        record("ended", "2026-03-20"),
    ]
    .join(",");
    replay(MEETINGS, &events, |plan, report| {
        assert_eq!(status(plan, report, "review"), [Status::NotNeeded]);
        assert_eq!(status(plan, report, "update"), [Status::NotNeeded]);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
        assert_eq!(report.state, State::Closed);
    });
}

#[test]
fn a_review_held_still_needs_its_update() {
    let events = [
        record("meeting", "2026-03-05"),
        record("review", "2026-03-16"),
        record("ended", "2026-03-20"),
    ]
    .join(",");
    replay(MEETINGS, &events, |plan, report| {
        assert_eq!(status(plan, report, "update"), [Status::Overdue]);
        let gaps: Vec<&str> = (report.deviations.iter())
            .map(|d| plan.procedure.step(d.step).id.as_str())
            .collect();
        assert_eq!(gaps, ["update"]);
    });
}

#[test]
fn strict_reading_does_not_stop_at_a_skipped_optional_step() {
    let events = [
        record("referral", "2026-03-02"),
        record("decided", "2026-03-20"),
    ]
    .join(",");
    let check = |_: &Plan, report: CaseReport| assert!(report.left.is_none(), "{:?}", report.left);
    super::test_cases::replay(VISIT, ("", &events), "2026-03-31", Reading::Strict, check);
}

/// Work done together, one piece of it optional; then a farewell letter the family may ask for,
/// just before the end.
const BLOCK: &str = r#"
procedure t "Optional piece"
role worker "Worker"
start intake

step intake "Intake"
  by worker
  untimed "the clock starts here"
  then work

together work "Work"
  all of visit, letter
  untimed "the pieces have their own limits"
  then farewell

step visit "Home visit"
  by worker
  due 5 working days after intake
  optional "only when the family agrees"

step letter "Letter"
  by worker
  due 5 working days after intake

step farewell "Farewell letter"
  by worker
  due 15 working days after intake
  optional "only when the family asks"
  then closed

end closed "Closed"
"#;

#[test]
fn work_done_together_is_done_without_its_optional_piece() {
    let events = [
        record("intake", "2026-03-02"),
        record("letter", "2026-03-03"),
    ]
    .join(",");
    replay(BLOCK, &events, |plan, report| {
        let work = rows(plan, report, "work");
        assert_eq!(
            (work[0].status, work[0].done.map(|d| d.date.to_string())),
            (Status::Met, Some("2026-03-03".into()))
        );
        assert_eq!(status(plan, report, "visit"), [Status::NotNeeded]);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn a_case_closed_past_an_optional_step_does_not_need_it() {
    let events = [
        record("intake", "2026-03-02"),
        record("letter", "2026-03-03"),
    ]
    .join(",");
    replay(BLOCK, &events, |plan, report| {
        // Nothing required is left: the case reached its end, and the farewell letter the
        // family did not ask for is not needed, nor due next.
        assert_eq!(report.state, State::Closed);
        assert_eq!(status(plan, report, "farewell"), [Status::NotNeeded]);
        assert_eq!(report.next, None);
    });
}

#[test]
fn optional_work_past_its_due_date_is_not_what_is_due_next() {
    replay(VISIT, &record("referral", "2026-03-02"), |plan, report| {
        assert_eq!(status(plan, report, "visit"), [Status::Pending]);
        assert_eq!(
            report.next, None,
            "the visit was due on 9 March, and may never be done"
        );
    });
}
