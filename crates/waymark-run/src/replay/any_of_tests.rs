//! The rules for any-of work (`docs/cases.md`): the block done on its first piece, the other
//! pieces `not_needed`, a piece recorded later still counted for its own step. Dates are in
//! June 2026 (no bank holidays); 1 June is a Monday.

use super::Reading;
use crate::plan::Plan;
use crate::report::{CaseReport, DeviationKind, Status};

const PROCEDURE: &str = r#"
procedure t "Any of"
role worker "Worker"
start referral

step referral "Referral"
  by worker
  untimed "starts every clock"
  then legal_work

together legal_work "Legal planning"
  any of legal_meeting, lawyer
  due 1 working day after referral
  then strategy

step legal_meeting "Legal Planning meeting referral"
  by worker
  due 1 working day after referral

step lawyer "Legal representative invited"
  by worker
  due 1 working day after referral
  then lawyer_briefed

step lawyer_briefed "Legal representative briefed"
  by worker
  due 2 working days after referral

step strategy "Strategy meeting"
  by worker
  due 5 working days after legal_work
  then held

end held "Held"
"#;

/// Runs a case given as its events (JSON), as of `as_of`.
fn run(events: &str, as_of: &str, check: impl FnOnce(&Plan, &CaseReport)) {
    let check = |plan: &Plan, report: CaseReport| check(plan, &report);
    super::test_cases::replay(PROCEDURE, ("", events), as_of, Reading::Replay, check);
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn status(plan: &Plan, report: &CaseReport, step: &str) -> Status {
    row(plan, report, step).status
}

fn row<'r>(plan: &Plan, report: &'r CaseReport, step: &str) -> &'r crate::report::Row {
    let id = plan.procedure.step_named(step).expect("a step");
    report
        .rows
        .iter()
        .find(|row| row.step == id)
        .expect("a row for the step")
}

fn at(plan: &Plan, report: &CaseReport) -> Vec<String> {
    (report.at.iter())
        .map(|id| plan.procedure.step(*id).id.clone())
        .collect()
}

fn date(text: &str) -> chrono::NaiveDate {
    waymark_calendar::parse_date(text).expect("a date")
}

#[test]
fn one_piece_finishes_the_block_and_the_others_are_not_needed() {
    let events = [
        record("referral", "2026-06-01"),
        record("legal_meeting", "2026-06-02"),
    ];
    run(&events.join(","), "2026-06-10", |plan, report| {
        assert_eq!(status(plan, report, "legal_meeting"), Status::Met);
        assert_eq!(status(plan, report, "legal_work"), Status::Met);
        assert_eq!(
            row(plan, report, "legal_work").done.map(|d| d.date),
            Some(date("2026-06-02"))
        );
        // The other alternative, and the step its piece carries on to: not needed.
        assert_eq!(status(plan, report, "lawyer"), Status::NotNeeded);
        assert_eq!(status(plan, report, "lawyer_briefed"), Status::NotNeeded);
        // The next step counts from the block: 5 working days after 2 June.
        let strategy = row(plan, report, "strategy");
        assert_eq!(strategy.status, Status::Overdue);
        assert_eq!(strategy.due.map(|d| d.date()), Some(date("2026-06-09")));
        assert_eq!(at(plan, report), vec!["strategy"]);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn the_block_is_done_on_its_first_piece_and_a_later_one_counts_for_itself() {
    let events = [
        record("referral", "2026-06-01"),
        record("lawyer", "2026-06-02"),
        record("lawyer_briefed", "2026-06-03"),
        record("legal_meeting", "2026-06-05"),
        record("strategy", "2026-06-08"),
    ];
    run(&events.join(","), "2026-06-10", |plan, report| {
        let block = row(plan, report, "legal_work");
        assert_eq!(block.done.map(|d| d.date), Some(date("2026-06-03")));
        assert_eq!(block.status, Status::Late);
        assert_eq!(status(plan, report, "lawyer"), Status::Met);
        // Recorded after the block was done, it is judged by its own limit.
        assert_eq!(status(plan, report, "legal_meeting"), Status::Late);
        assert_eq!(status(plan, report, "strategy"), Status::Met);
        assert!(report.deviations.is_empty(), "{:?}", report.deviations);
    });
}

#[test]
fn with_no_piece_done_every_piece_and_the_block_fall_overdue() {
    let events = [record("referral", "2026-06-01")];
    run(&events.join(","), "2026-06-10", |plan, report| {
        for step in ["legal_work", "legal_meeting", "lawyer"] {
            assert_eq!(status(plan, report, step), Status::Overdue, "{step}");
        }
        assert_eq!(status(plan, report, "strategy"), Status::Pending);
        assert_eq!(at(plan, report), vec!["legal_meeting", "lawyer"]);
    });
}

#[test]
fn a_piece_skipped_inside_its_own_line_of_work_is_still_a_gap() {
    // The lawyer was briefed with no record of the invitation, and the meeting never referred.
    let events = [
        record("referral", "2026-06-01"),
        record("lawyer_briefed", "2026-06-02"),
    ];
    run(&events.join(","), "2026-06-10", |plan, report| {
        assert_eq!(status(plan, report, "legal_work"), Status::Met);
        assert_eq!(status(plan, report, "legal_meeting"), Status::NotNeeded);
        assert_eq!(status(plan, report, "lawyer"), Status::Overdue);
        let gaps: Vec<_> = (report.deviations.iter())
            .map(|d| (d.kind, plan.procedure.step(d.step).id.as_str()))
            .collect();
        assert_eq!(gaps, vec![(DeviationKind::NotRecorded, "lawyer")]);
    });
}
