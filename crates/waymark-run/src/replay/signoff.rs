//! Sign-offs and joint work, around the replay: steps that say `approved by ROLE` and steps
//! whose `by a and b` rule needs a record from every role named.
//!
//! Kept apart from the replay's stages so that a procedure without either construct costs
//! nothing (`Plan::signoffs` is empty, and both passes return at once):
//! - before the replay, [`hold_partial`] holds back the records of a joint step until the
//!   record that completes it (the last role's first record): the step is done on that day,
//!   and its clocks count from it. A joint step some role has not recorded has no record in
//!   the replay, so it is pending or overdue like any step not done;
//! - after it, [`judge`] says which roles a joint step still awaits, counts the held records
//!   (they fit: each is a role's part of the work), and judges every done step that needs a
//!   sign-off: `approval` on its row, and a `not_approved` deviation when none was recorded.

use super::records::Record;
use crate::case::Case;
use crate::plan::Plan;
use crate::report::{CaseReport, Deviation, DeviationKind, Status, Warning};
use waymark_compile::{RoleIndex, StepIndex};

/// What [`hold_partial`] held back, for [`judge`].
#[derive(Debug, Default)]
pub(super) struct Held {
    /// The events held back (indexes into the case's events).
    events: Vec<usize>,
    /// Each joint step whose rule applies to the case: the roles still awaited.
    awaiting: Vec<(StepIndex, Vec<RoleIndex>)>,
}

/// The roles that must each record `step` in this case: those of its `by ... and ...` rules
/// whose condition holds (none when no such rule applies).
fn required_roles(plan: &Plan, case: &Case, step: StepIndex) -> Vec<RoleIndex> {
    let fact = |id| case.fact(id);
    let mut roles: Vec<RoleIndex> = plan
        .procedure
        .step(step)
        .roles
        .iter()
        .filter(|rule| rule.all && rule.guard.as_ref().is_none_or(|g| g.holds(&fact)))
        .flat_map(|rule| rule.roles.iter().copied())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    roles
}

/// Holds back each joint step's records before the one that completes it (all of them when
/// some role has not recorded it yet). `records` are in applied order; a dated waiver
/// completes the step by itself.
pub(super) fn hold_partial(plan: &Plan, case: &Case, records: &mut Vec<Record>) -> Held {
    let mut held = Held::default();
    for &step in &plan.signoffs.joint {
        let mut awaiting = required_roles(plan, case, step);
        if awaiting.is_empty() {
            continue;
        }
        let mut complete = records.len();
        for (index, record) in records.iter().enumerate() {
            if record.step != step {
                continue;
            }
            let event = &case.events[record.event];
            if event.waived {
                awaiting.clear();
            } else if let Some(by) = event.by {
                awaiting.retain(|role| *role != by);
            }
            if awaiting.is_empty() {
                complete = index;
                break;
            }
        }
        held.events.extend(
            records[..complete]
                .iter()
                .filter(|record| record.step == step)
                .map(|record| record.event),
        );
        held.awaiting.push((step, awaiting));
    }
    if !held.events.is_empty() {
        records.retain(|record| !held.events.contains(&record.event));
    }
    held
}

/// A held record of joint work that names no role completes no role's part: say so, since the
/// report would otherwise show the step as never recorded.
fn warn_of_records_without_a_role(plan: &Plan, report: &mut CaseReport, held: &[usize]) {
    for &index in held {
        let Some(event) = report.case.events.get(index) else {
            continue;
        };
        if event.by.is_some() || event.waived {
            continue;
        }
        let roles = required_roles(plan, &report.case, event.step);
        let names: Vec<String> = (roles.iter())
            .map(|role| format!("`{}`", plan.procedure.role(*role).id))
            .collect();
        let on = event
            .on
            .map_or(String::new(), |on| format!(" on {}", on.date));
        let message = format!(
            "`{}` was recorded{on} without `by`: it needs a record by each of {}, so a record that names no role completes none of them",
            plan.procedure.step(event.step).id,
            names.join(" and ")
        );
        let line = event.line;
        report.warnings.push(Warning { line, message });
    }
}

/// Completes a replayed case: the roles joint steps await, and each done step's sign-off.
pub(super) fn judge(plan: &Plan, report: &mut CaseReport, held: Held) {
    if plan.signoffs.is_empty() {
        return;
    }
    for (step, awaiting) in held.awaiting {
        for row in report.rows.iter_mut().filter(|row| row.step == step) {
            let open = matches!(
                row.status,
                Status::Pending | Status::Overdue | Status::NotRecorded
            );
            if open {
                row.awaiting.clone_from(&awaiting);
            }
        }
    }
    warn_of_records_without_a_role(plan, report, &held.events);
    // A role's part of joint work fits the procedure: it is counted, and counted as fitting.
    report.records += held.events.len() as u32;
    report.fitting += held.events.len() as u32;
    let mut added = false;
    for &step in &plan.signoffs.approvals {
        added |= judge_approval(plan, report, step);
    }
    if added {
        report.deviations.sort_by_key(|deviation| {
            (
                deviation.on.map(|on| on.date),
                deviation.line,
                plan.rank(deviation.step),
                deviation.kind,
            )
        });
    }
}

/// Judges the sign-off of one step, if the case did it: any record of the step up to the
/// as-of date whose `approved_by` is one of its approvers. Gives whether a deviation was added.
fn judge_approval(plan: &Plan, report: &mut CaseReport, step: StepIndex) -> bool {
    let Some(approval) = &plan.procedure.step(step).approval else {
        return false;
    };
    let Some(index) = report
        .rows
        .iter()
        .position(|row| row.step == step && matches!(row.status, Status::Met | Status::Late))
    else {
        return false;
    };
    let as_of = report.as_of;
    let mut approved = false;
    for event in &report.case.events {
        // An extension's `approved_by` approves the extension, not the step.
        let applied = event.on.is_some_and(|on| on.date <= as_of) && event.extended_by.is_none();
        let (true, true, Some(role)) = (event.step == step, applied, event.approved_by) else {
            continue;
        };
        if approval.roles.contains(&role) {
            approved = true;
        } else {
            let words = plan.procedure.approval_words(approval, false);
            report.warnings.push(Warning {
                line: event.line,
                message: format!(
                    "`{}` is approved by `{}`, who may not sign it off ({words})",
                    plan.procedure.step(step).id,
                    plan.procedure.role(role).id
                ),
            });
        }
    }
    let row = &mut report.rows[index];
    row.approval = Some(approved);
    if approved {
        return false;
    }
    let (done, event) = (row.done, row.event);
    let line = event
        .and_then(|e| report.case.events.get(e))
        .map(|e| e.line);
    // The record fits no longer, unless another deviation already says it does not.
    if event.is_some() && !report.deviations.iter().any(|d| d.record == event) {
        report.fitting = report.fitting.saturating_sub(1);
    }
    report.deviations.push(Deviation {
        kind: DeviationKind::NotApproved,
        step,
        on: done,
        line,
        expected: Vec::new(),
        shown_by: None,
        record: event,
        after_later_steps: false,
    });
    true
}

#[cfg(test)]
mod tests {
    //! The two rules on a small procedure: the Head of Service and the Service Manager must both
    //! be told (the same working day as the referral), and the conference request needs a team
    //! manager's sign-off. Dates are in January 2026.

    use crate::plan::Plan;
    use crate::read::parse_json_line;
    use crate::replay::{Reading, run_case_with};
    use crate::report::{CaseReport, DeviationKind, Status};
    use waymark_diagnostics::FileId;

    const PROCEDURE: &str = r#"
procedure t "Sign-offs"
role worker "Worker"
role manager "Team Manager"
role head "Head of Service"
role service "Service Manager"
start referral

step referral "Referral"
  by worker
  untimed "the clock starts here"
  then told

step told "Heads told"
  by head and service
  due same working day as referral
  then request

step request "Request to convene the conference"
  by worker
  approved by manager
  due 2 working days after told
  then closed

end closed "Closed"
"#;

    /// Runs a case given as its events (JSON), as of 2026-01-30.
    fn run(events: &str) -> (CaseReport, Vec<String>) {
        let parsed = waymark_syntax::parse(FileId(0), PROCEDURE);
        let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        let procedure = compiled.procedure.expect("the test procedure compiles");
        let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
        let line = format!(r#"{{"case":"T","events":[{events}]}}"#);
        let case = parse_json_line(&plan, 1, &line).expect("the test case reads");
        let as_of = waymark_calendar::parse_date("2026-01-30").expect("a date");
        let report = run_case_with(&plan, case, as_of, Reading::Replay);
        let awaiting = report
            .rows
            .iter()
            .flat_map(|row| &row.awaiting)
            .map(|role| procedure.role(*role).id.clone())
            .collect();
        (report, awaiting)
    }

    fn row(report: &CaseReport, index: usize) -> &crate::report::Row {
        &report.rows[index]
    }

    const REFERRAL: &str = r#"{"step":"referral","on":"2026-01-05","by":"worker"}"#;

    #[test]
    fn a_joint_step_is_done_when_the_last_role_records_it() {
        let events = format!(
            r#"{REFERRAL},{{"step":"told","on":"2026-01-05","by":"head"}},{{"step":"told","on":"2026-01-06","by":"service"}}"#
        );
        let (report, awaiting) = run(&events);
        let told = row(&report, 1);
        assert_eq!(told.status, Status::Late, "the second role told a day late");
        assert_eq!(
            told.done.map(|d| d.date.to_string()).as_deref(),
            Some("2026-01-06")
        );
        assert!(awaiting.is_empty());
        // The request's clock counts from the day the step was complete.
        let request = row(&report, 2);
        assert_eq!(
            request.due.map(|d| d.date().to_string()).as_deref(),
            Some("2026-01-08")
        );
        assert_eq!(
            (report.records, report.fitting),
            (3, 3),
            "a role's part fits"
        );
        assert!(report.deviations.is_empty());
    }

    #[test]
    fn a_joint_step_awaits_the_roles_that_have_not_recorded_it() {
        let events = format!(r#"{REFERRAL},{{"step":"told","on":"2026-01-05","by":"head"}}"#);
        let (report, awaiting) = run(&events);
        assert_eq!(row(&report, 1).status, Status::Overdue);
        assert_eq!(awaiting, ["service"]);
        // A record by the same role again does not make up the other one.
        let again = format!(
            r#"{REFERRAL},{{"step":"told","on":"2026-01-05","by":"head"}},{{"step":"told","on":"2026-01-06","by":"head"}}"#
        );
        let (report, awaiting) = run(&again);
        assert_eq!(row(&report, 1).status, Status::Overdue);
        assert_eq!(awaiting, ["service"]);
        assert_eq!(report.records, 3);
    }

    #[test]
    fn a_record_naming_no_role_completes_nothing() {
        let events = format!(r#"{REFERRAL},{{"step":"told","on":"2026-01-05"}}"#);
        let (report, awaiting) = run(&events);
        assert_eq!(awaiting, ["head", "service"]);
        // ... and says so: the record is there, but names nobody.
        let warnings: Vec<&str> = report.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "`told` was recorded on 2026-01-05 without `by`: it needs a record by each of `head` and `service`, so a record that names no role completes none of them"
            ]
        );
    }

    const TOLD: &str = r#"{"step":"told","on":"2026-01-05","by":"head"},{"step":"told","on":"2026-01-05","by":"service"}"#;

    #[test]
    fn a_step_done_without_its_sign_off_is_a_deviation() {
        let events =
            format!(r#"{REFERRAL},{TOLD},{{"step":"request","on":"2026-01-06","by":"worker"}}"#);
        let (report, _) = run(&events);
        let request = row(&report, 2);
        assert_eq!(request.status, Status::Met, "still done, and on time");
        assert_eq!(request.approval, Some(false));
        let kinds: Vec<DeviationKind> = report.deviations.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DeviationKind::NotApproved]);
        assert_eq!(report.fitting, report.records - 1);
    }

    #[test]
    fn a_sign_off_by_the_named_role_is_recorded() {
        let events = format!(
            r#"{REFERRAL},{TOLD},{{"step":"request","on":"2026-01-06","by":"worker","approved_by":"manager"}}"#
        );
        let (report, _) = run(&events);
        assert_eq!(row(&report, 2).approval, Some(true));
        assert!(report.deviations.is_empty());
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn a_sign_off_by_another_role_does_not_count_and_is_warned() {
        let events = format!(
            r#"{REFERRAL},{TOLD},{{"step":"request","on":"2026-01-06","by":"worker","approved_by":"head"}}"#
        );
        let (report, _) = run(&events);
        assert_eq!(row(&report, 2).approval, Some(false));
        assert_eq!(report.warnings.len(), 1);
        assert!(report.warnings[0].message.contains("approved by manager"));
    }

    #[test]
    fn a_step_not_done_needs_no_sign_off_yet() {
        let (report, _) = run(&format!("{REFERRAL},{TOLD}"));
        assert_eq!(row(&report, 2).approval, None);
        assert!(report.deviations.is_empty());
    }
}
