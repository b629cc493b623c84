//! One test (at least) per rule of the replay, on a small procedure written for them: a
//! referral, a plan due the next working day, a together block of a timed visit and an untimed
//! piece, a write-up counted from the visit, and a decision that closes the case or leads to a
//! meeting. Dates are in January 2026 (no bank holidays after the 1st).

use super::{Reading, run_case_with};
use crate::case::Case;
use crate::plan::Plan;
use crate::read::parse_json_line;
use crate::report::{CaseReport, DeviationKind, State, Status};
use waymark_diagnostics::FileId;

const PROCEDURE: &str = r#"
procedure t "Replay rules"
  calendar england-and-wales

role worker "Worker"
fact level "Level" is one of low, high

start referral

step referral "Referral"
  by worker
  untimed "the clock starts here"
  then plan

step plan "Plan"
  by worker
  due 1 working day after referral
  then work

together work "Work"
  all of visit, parents
  untimed "the pieces have their own rules"
  then write_up

step visit "Visit"
  by worker
  due 5 working days after referral
  target 24 hours after referral

step parents "Parents seen"
  by worker
  untimed "no limit of its own"
  waivable with reason

step write_up "Write-up"
  by worker
  due 10 working days after visit
  then outcome

decision outcome "Outcome"
  by worker
  due 2 working days after write_up
  outcomes close, escalate
  on close then closed
  on escalate then meeting

step meeting "Meeting"
  by worker
  due 3 working days after outcome
  then held

end closed "Closed"
end held "Meeting held"
"#;

fn with_plan<T>(test: impl FnOnce(&Plan) -> T) -> T {
    let parsed = waymark_syntax::parse(FileId(0), PROCEDURE);
    let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let procedure = compiled.procedure.expect("the test procedure compiles");
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    test(&plan)
}

/// Runs a case given as its events (JSON), as of 2026-03-31.
fn run(events: &str, reading: Reading) -> CaseReport {
    with_plan(|plan| {
        let line = format!(r#"{{"case":"T","facts":{{"level":"low"}},"events":[{events}]}}"#);
        let case: Case = parse_json_line(plan, 1, &line).expect("the test case reads");
        let as_of = waymark_calendar::parse_date("2026-03-31").expect("a date");
        let mut report = run_case_with(plan, case, as_of, reading);
        // Names, not ids, make the assertions readable: keep the procedure's names in `case`.
        report.case.id = names_of(plan, &report);
        report
    })
}

/// `step=status` for every row, and `kind:step` for every deviation, in one line.
fn names_of(plan: &Plan, report: &CaseReport) -> String {
    let name = |id: waymark_compile::StepIndex| plan.procedure.step(id).id.clone();
    let rows: Vec<String> = report
        .rows
        .iter()
        .map(|row| format!("{}={}", name(row.step), row.status.word()))
        .collect();
    let deviations: Vec<String> = report
        .deviations
        .iter()
        .map(|d| format!("{}:{}", d.kind.word(), name(d.step)))
        .collect();
    let at: Vec<String> = report.at.iter().map(|id| name(*id)).collect();
    format!(
        "{} | {} | at {}",
        rows.join(" "),
        deviations.join(" "),
        at.join(",")
    )
}

fn status(report: &CaseReport, step: &str) -> String {
    report
        .case
        .id
        .split(' ')
        .find_map(|pair| pair.strip_prefix(&format!("{step}=")))
        .unwrap_or("(no row)")
        .to_string()
}

fn has(report: &CaseReport, kind: DeviationKind, step: &str) -> bool {
    report.case.id.contains(&format!("{}:{step}", kind.word()))
}

fn event(step: &str, on: &str) -> String {
    format!(r#"{{"step":"{step}","on":"{on}"}}"#)
}

fn events(list: &[(&str, &str)]) -> String {
    let all: Vec<String> = list.iter().map(|(step, on)| event(step, on)).collect();
    all.join(",")
}

const FITTING: [(&str, &str); 6] = [
    ("referral", "2026-01-05"),
    ("plan", "2026-01-06"),
    ("visit", "2026-01-07"),
    ("parents", "2026-01-08"),
    ("write_up", "2026-01-12"),
    ("outcome", "2026-01-13"),
];

fn fitting_with_outcome(outcome: &str) -> String {
    let mut all = events(&FITTING[..5]);
    all.push_str(&format!(
        r#",{{"step":"outcome","on":"2026-01-13","outcome":"{outcome}"}}"#
    ));
    all
}

#[test]
fn a_case_that_fits_has_no_deviations_and_fit_one() {
    let report = run(&fitting_with_outcome("close"), Reading::Replay);
    assert!(report.deviations.is_empty(), "{}", report.case.id);
    assert_eq!(report.fit(), 1.0);
    assert_eq!(report.state, State::Closed);
}

// Every record counts for its own step.

#[test]
fn a_record_counts_for_its_step_whatever_came_before() {
    // The plan is missing, yet the visit's own record is judged on its own date: met.
    let report = run(
        &events(&[("referral", "2026-01-05"), ("visit", "2026-01-07")]),
        Reading::Replay,
    );
    assert_eq!(status(&report, "visit"), "met", "{}", report.case.id);
}

#[test]
fn a_second_record_of_a_step_is_repeated_not_a_new_done() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("plan", "2026-01-06"),
            ("plan", "2026-01-20"),
        ]),
        Reading::Replay,
    );
    assert_eq!(status(&report, "plan"), "met", "the first record counts");
    assert!(
        has(&report, DeviationKind::Repeated, "plan"),
        "{}",
        report.case.id
    );
}

// Clocks run from what was recorded.

#[test]
fn a_clock_counts_from_its_step_even_across_a_gap() {
    // No plan, no parents: the write-up is still due 10 working days after the visit.
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("visit", "2026-01-07"),
            ("write_up", "2026-01-21"),
        ]),
        Reading::Replay,
    );
    let row = report.rows.iter().find(|r| {
        r.status == Status::Met && r.due.is_some_and(|d| d.date().to_string() == "2026-01-21")
    });
    assert!(
        row.is_some(),
        "write-up due 2026-01-21 and met: {}",
        report.case.id
    );
}

// Decisions.

#[test]
fn a_recorded_outcome_chooses_its_branch_and_the_other_is_not_applicable() {
    let report = run(&fitting_with_outcome("close"), Reading::Replay);
    assert_eq!(status(&report, "meeting"), "not_applicable");
    let report = run(&fitting_with_outcome("escalate"), Reading::Replay);
    assert_eq!(status(&report, "meeting"), "overdue", "{}", report.case.id);
}

#[test]
fn a_record_on_a_branch_not_taken_counts_and_is_unexpected() {
    let mut all = fitting_with_outcome("close");
    all.push_str(&format!(",{}", event("meeting", "2026-01-13")));
    let report = run(&all, Reading::Replay);
    assert_eq!(status(&report, "meeting"), "met", "{}", report.case.id);
    assert!(
        has(&report, DeviationKind::Unexpected, "meeting"),
        "{}",
        report.case.id
    );
}

#[test]
fn a_decision_not_recorded_takes_the_branch_its_later_records_show() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("plan", "2026-01-06"),
            ("visit", "2026-01-07"),
            ("parents", "2026-01-08"),
            ("write_up", "2026-01-12"),
            ("meeting", "2026-01-15"),
        ]),
        Reading::Replay,
    );
    assert!(
        has(&report, DeviationKind::NotRecorded, "outcome"),
        "{}",
        report.case.id
    );
    assert!(
        !has(&report, DeviationKind::Unexpected, "meeting"),
        "{}",
        report.case.id
    );
    assert_eq!(status(&report, "outcome"), "overdue");
}

// Missing records.

#[test]
fn a_timed_step_with_no_record_is_overdue_whatever_came_after() {
    let report = run(
        &events(&[("referral", "2026-01-05"), ("visit", "2026-01-07")]),
        Reading::Replay,
    );
    assert_eq!(status(&report, "plan"), "overdue");
    assert!(
        has(&report, DeviationKind::NotRecorded, "plan"),
        "{}",
        report.case.id
    );
}

#[test]
fn an_untimed_step_passed_with_no_record_is_not_recorded_not_overdue() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("plan", "2026-01-06"),
            ("visit", "2026-01-07"),
            ("write_up", "2026-01-12"),
        ]),
        Reading::Replay,
    );
    assert_eq!(
        status(&report, "parents"),
        "not_recorded",
        "{}",
        report.case.id
    );
    assert!(has(&report, DeviationKind::NotRecorded, "parents"));
}

#[test]
fn an_untimed_step_not_yet_passed_is_pending() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("plan", "2026-01-06"),
            ("visit", "2026-01-07"),
        ]),
        Reading::Replay,
    );
    assert_eq!(status(&report, "parents"), "pending", "{}", report.case.id);
    assert!(report.deviations.is_empty(), "{}", report.case.id);
}

// Order.

#[test]
fn records_of_one_day_apply_in_the_procedures_order_not_the_files_or_their_times() {
    let report = run(
        r#"{"step":"plan","on":"2026-01-05T08:00"},{"step":"referral","on":"2026-01-05T17:00"}"#,
        Reading::Replay,
    );
    assert!(report.deviations.is_empty(), "{}", report.case.id);
    assert_eq!(status(&report, "plan"), "met");
}

#[test]
fn times_still_count_for_hours_deadlines() {
    // The visit's target is 24 hours after the referral (recorded at 09:00).
    let on_time = run(
        r#"{"step":"referral","on":"2026-01-05T09:00"},{"step":"plan","on":"2026-01-05"},{"step":"visit","on":"2026-01-06T08:59"}"#,
        Reading::Replay,
    );
    let late = run(
        r#"{"step":"referral","on":"2026-01-05T09:00"},{"step":"plan","on":"2026-01-05"},{"step":"visit","on":"2026-01-06T09:01"}"#,
        Reading::Replay,
    );
    let target_met = |report: &CaseReport| report.rows.iter().find_map(|r| r.target_met);
    assert_eq!(target_met(&on_time), Some(true));
    assert_eq!(target_met(&late), Some(false));
}

#[test]
fn a_plan_typed_up_after_the_visit_marks_the_plan_only() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("visit", "2026-01-06"),
            ("parents", "2026-01-06"),
            ("plan", "2026-01-07"),
            ("write_up", "2026-01-12"),
        ]),
        Reading::Replay,
    );
    let kinds: Vec<_> = report.deviations.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DeviationKind::OutOfOrder], "{}", report.case.id);
    assert!(has(&report, DeviationKind::OutOfOrder, "plan"));
    assert_eq!(status(&report, "plan"), "late");
}

#[test]
fn one_record_dated_far_too_early_is_the_one_marked() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("plan", "2026-01-06"),
            ("visit", "2026-01-07"),
            ("parents", "2026-01-07"),
            ("write_up", "2025-12-01"),
        ]),
        Reading::Replay,
    );
    let marked = report
        .deviations
        .iter()
        .filter(|d| d.kind == DeviationKind::OutOfOrder)
        .count();
    assert_eq!(marked, 1, "{}", report.case.id);
    assert!(has(&report, DeviationKind::OutOfOrder, "write_up"));
}

// Where the case stands.

#[test]
fn at_shows_the_furthest_recorded_progress_and_a_case_never_leaves() {
    // The plan is a gap; the visit was done; the parents are still to be seen. A repeated
    // record and one out of order do not take the case out of its procedure.
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("visit", "2026-01-07"),
            ("visit", "2026-01-09"),
        ]),
        Reading::Replay,
    );
    assert_eq!(report.state, State::Open);
    assert!(report.case.id.ends_with("at parents"), "{}", report.case.id);
    // Recorded past the decision to the meeting, which leads to an end: closed.
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("visit", "2026-01-07"),
            ("meeting", "2026-01-20"),
        ]),
        Reading::Replay,
    );
    assert_eq!(report.state, State::Closed, "{}", report.case.id);
}

// Deviations: after the end, and the fit.

#[test]
fn a_record_after_the_end_counts_and_is_after_end() {
    let mut all = fitting_with_outcome("close");
    all.push_str(&format!(",{}", event("parents", "2026-01-20")));
    let report = run(&all, Reading::Replay);
    assert_eq!(report.state, State::Closed);
    // A second record after the end: after the end is judged first.
    assert!(
        has(&report, DeviationKind::AfterEnd, "parents"),
        "{}",
        report.case.id
    );
    let mut all = events(&FITTING[..4]);
    all.push_str(r#",{"step":"write_up","on":"2026-01-12"},{"step":"outcome","on":"2026-01-12","outcome":"close"},{"step":"meeting","on":"2026-01-14"}"#);
    let report = run(&all, Reading::Replay);
    assert!(
        has(&report, DeviationKind::AfterEnd, "meeting"),
        "{}",
        report.case.id
    );
    assert_eq!(status(&report, "meeting"), "met");
}

#[test]
fn fit_is_the_share_of_records_that_arrived_where_expected() {
    let mut all = fitting_with_outcome("close");
    all.push_str(&format!(",{}", event("plan", "2026-01-20")));
    let report = run(&all, Reading::Replay);
    assert_eq!((report.fitting, report.records), (6, 7));
}

// Strict reading.

#[test]
fn strict_reading_leaves_at_the_first_misfit_and_applies_nothing_after() {
    let report = run(
        &events(&[
            ("referral", "2026-01-05"),
            ("visit", "2026-01-07"),
            ("parents", "2026-01-08"),
        ]),
        Reading::Strict,
    );
    assert_eq!(report.state, State::Left);
    let left = report.left.as_ref().expect("left");
    assert_eq!(
        left.on.map(|on| on.date.to_string()),
        Some("2026-01-07".into())
    );
    assert_eq!(
        status(&report, "visit"),
        "overdue",
        "the visit was not applied"
    );
    assert_eq!(status(&report, "parents"), "pending", "{}", report.case.id);
    let fitting = run(&fitting_with_outcome("close"), Reading::Strict);
    assert_eq!(
        fitting.state,
        State::Closed,
        "a case that fits is read the same"
    );
}

#[test]
fn two_records_of_one_step_on_one_day_go_by_their_times_then_file_order() {
    let report = run(
        r#"{"step":"referral","on":"2026-01-05T15:00"},{"step":"referral","on":"2026-01-05T09:00"}"#,
        Reading::Replay,
    );
    let done = report.rows.first().and_then(|row| row.done);
    assert_eq!(
        done.and_then(|d| d.time).map(|t| t.to_string()),
        Some("09:00:00".into())
    );
    assert!(has(&report, DeviationKind::Repeated, "referral"));
}

#[test]
fn a_waiver_without_a_date_takes_the_day_the_step_before_it_was_done() {
    // The parents piece follows the together block, reached when the plan was done.
    let waived = r#",{"step":"parents","waived":true,"reason":"they moved away"}"#;
    let report = run(
        &format!(
            "{}{waived}",
            events(&[("referral", "2026-01-05"), ("plan", "2026-01-06")])
        ),
        Reading::Replay,
    );
    let parents = report.rows.iter().find(|row| row.status == Status::Waived);
    assert_eq!(
        parents.and_then(|row| row.done).map(|d| d.date.to_string()),
        Some("2026-01-06".into())
    );
    // With the plan not recorded, the step before was never done: waived, with no date.
    let report = run(
        &format!("{}{waived}", events(&[("referral", "2026-01-05")])),
        Reading::Replay,
    );
    let parents = report.rows.iter().find(|row| row.status == Status::Waived);
    assert!(
        parents.is_some_and(|row| row.done.is_none()),
        "{}",
        report.case.id
    );
}

/// A shared step after a decision that routes by what the decision decided.
const AFTER_A_DECISION: &str = r#"
procedure d "Routes on a decision's outcome"
role worker "Worker"
start meeting

decision meeting "Meeting"
  by worker
  untimed "held when needed"
  outcomes act, watch
  on act then plan
  on watch then plan

step plan "Safety plan"
  by worker
  untimed "agreed at the meeting"
  then enquiry when meeting is act
  otherwise support

step enquiry "Enquiry"
  by worker
  due 5 working days after meeting
  then done

end support "Support"
end done "Done"
"#;

/// Rows and deviations (as [`names_of`] gives them) of a case of [`AFTER_A_DECISION`].
fn run_after_a_decision(events: &str) -> String {
    let parsed = waymark_syntax::parse(FileId(0), AFTER_A_DECISION);
    let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let procedure = compiled.procedure.expect("the test procedure compiles");
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    let line = format!(r#"{{"case":"T","events":[{events}]}}"#);
    let case: Case = parse_json_line(&plan, 1, &line).expect("the test case reads");
    let as_of = waymark_calendar::parse_date("2026-03-31").expect("a date");
    names_of(&plan, &run_case_with(&plan, case, as_of, Reading::Replay))
}

#[test]
fn a_condition_on_a_recorded_outcome_chooses_the_route() {
    let act =
        r#"{"step":"meeting","on":"2026-01-05","outcome":"act"},{"step":"plan","on":"2026-01-05"}"#;
    assert_eq!(
        run_after_a_decision(act),
        "meeting=met plan=met enquiry=overdue |  | at enquiry"
    );
    let watch = act.replace("\"act\"", "\"watch\"");
    assert_eq!(
        run_after_a_decision(&watch),
        "meeting=met plan=met enquiry=not_applicable |  | at "
    );
}

#[test]
fn a_condition_on_an_unrecorded_outcome_follows_the_later_records() {
    let gap = r#"{"step":"plan","on":"2026-01-05"},{"step":"enquiry","on":"2026-01-09"}"#;
    assert_eq!(
        run_after_a_decision(gap),
        "meeting=not_recorded plan=met enquiry=met | not_recorded:meeting | at "
    );
    // Nothing behind either route: the enquiry may still come.
    let waiting = r#"{"step":"plan","on":"2026-01-05"}"#;
    assert_eq!(
        run_after_a_decision(waiting),
        "meeting=not_recorded plan=met enquiry=pending | not_recorded:meeting | at "
    );
}

/// Every record after the as-of date (2026-03-31): the case had not begun then. A case with
/// no records at all is open at its start, and one with a record by then is open.
#[test]
fn a_case_whose_every_record_is_after_the_as_of_date_has_not_started() {
    let later = run(&events(&[("referral", "2026-04-01")]), Reading::Replay);
    assert_eq!(later.state, State::NotStarted, "{}", later.case.id);
    assert_eq!((later.at.len(), later.next), (0, None));
    assert_eq!(later.ignored_after_as_of, 1);
    for reading in [Reading::Replay, Reading::Strict] {
        let none = run("", reading);
        assert_eq!(none.state, State::Open, "{}", none.case.id);
    }
    let begun = run(
        &events(&[("referral", "2026-03-31"), ("plan", "2026-04-01")]),
        Reading::Replay,
    );
    assert_eq!(begun.state, State::Open, "{}", begun.case.id);
}

/// A waiver without a date is not a beginning: with every dated record after the as-of date
/// (2026-03-31), the case has not started.
#[test]
fn a_dateless_waiver_does_not_start_a_case() {
    let waiver = r#"{"step":"parents","waived":true,"reason":"not known"}"#;
    let report = run(
        &format!("{waiver},{}", event("referral", "2026-04-01")),
        Reading::Replay,
    );
    assert_eq!(report.state, State::NotStarted, "{}", report.case.id);
}
