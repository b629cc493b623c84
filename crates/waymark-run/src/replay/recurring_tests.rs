//! Recurring work's clock (`every N UNIT while STEP`): it starts when the case is known to be
//! at its step: the step before it done, or, with no record of that, the first record that
//! shows the case there. Dates are in 2025-2026.

use super::Reading;
use crate::plan::Plan;
use crate::report::CaseReport;

const PROCEDURE: &str = r#"
procedure t "Reviews while a plan lasts"
role chair "Chair"
start plan_made

step plan_made "Plan made"
  by chair
  untimed "the clock of the first review"
  then first_review

step first_review "First review"
  by chair
  due 3 months after plan_made
  then plan_ended

recurring review "Review"
  by chair
  every 6 months while plan_ended

step plan_ended "Plan ended"
  by chair
  untimed "a review ends the plan"
  then ended

end ended "Ended"
"#;

/// The review rows of a case given as its events, as of 2026-03-31: `#N status due` each.
fn reviews(events: &str) -> Vec<String> {
    let check = |plan: &Plan, report: CaseReport| {
        report
            .rows
            .iter()
            .filter(|row| plan.procedure.step(row.step).id == "review")
            .map(|row| {
                let due = row
                    .due
                    .map_or("-".to_string(), |due| due.date().to_string());
                let occurrence = row.occurrence.unwrap_or(0);
                format!("#{occurrence} {} {due}", row.status.word())
            })
            .collect()
    };
    super::test_cases::replay(
        PROCEDURE,
        ("", events),
        "2026-03-31",
        Reading::Replay,
        check,
    )
}

fn record(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

#[test]
fn the_clock_starts_when_the_step_before_was_done() {
    let events = [
        record("plan_made", "2025-01-06"),
        record("first_review", "2025-04-01"),
    ];
    assert_eq!(reviews(&events.join(",")), ["#1 overdue 2025-10-01"]);
}

/// The first review was never recorded: nothing shows the case at `plan_ended` before its own
/// record, so no review fell due while the plan lasted (a gap is not time spent there).
#[test]
fn a_gap_before_the_step_does_not_start_the_clock() {
    let events = [
        record("plan_made", "2025-01-06"),
        record("plan_ended", "2026-03-02"),
    ];
    assert_eq!(reviews(&events.join(",")), Vec::<String>::new());
}

/// A review recorded with no record of the step before shows the case there from that day: it
/// starts the count (no due date of its own), and the next review is due six months on.
#[test]
fn a_record_of_the_recurring_work_shows_the_case_there() {
    let events = [
        record("plan_made", "2025-01-06"),
        record("review", "2025-07-01"),
        record("plan_ended", "2026-03-02"),
    ];
    assert_eq!(
        reviews(&events.join(",")),
        ["#1 met -", "#2 overdue 2026-01-01"]
    );
}

/// Still open with no record at or past the step: no clock, no review due.
#[test]
fn no_record_at_or_past_the_step_no_review_due() {
    let events = [record("plan_made", "2025-01-06")];
    assert_eq!(reviews(&events.join(",")), ["#1 pending -"]);
}
