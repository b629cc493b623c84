//! Conditions on a fact recorded at a step (`when unanimous is no`, with `fact unanimous ...,
//! recorded at strategy_discussion`): the step must have been recorded by the time a case
//! needs the answer (WM0323).

use crate::flow::FlowAnalysis;
use waymark_compile::{Condition, Guard, Procedure, Step, StepIndex, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    if procedure
        .facts
        .iter()
        .all(|fact| fact.recorded_at.is_none())
    {
        return;
    }
    for (id, step) in procedure.step_ids().zip(&procedure.steps) {
        for (guard, line) in guards_with_lines(step) {
            // Who did a step and where it goes are judged with its record, so a step's own
            // `by` and `then` lines may read what that record gives; its deadlines are needed
            // before it is recorded, and recurring work runs while its step is still open.
            let (at, own_record) = match step.kind {
                StepKind::Recurring { during, .. } => (during, false),
                _ => (id, line.judged_with_record()),
            };
            for condition in guard.any_of.iter().flatten() {
                check_condition(
                    procedure,
                    flow,
                    step,
                    at,
                    own_record,
                    condition,
                    diagnostics,
                );
            }
        }
    }
}

fn check_condition(
    procedure: &Procedure,
    flow: &FlowAnalysis,
    step: &Step,
    at: StepIndex,
    own_record: bool,
    condition: &Condition,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let fact = procedure.fact(condition.fact);
    let Some(recorder) = fact.recorded_at else {
        return;
    };
    if !flow.is_reachable(at)
        || (own_record && recorder == at)
        || flow.done_before(procedure, recorder, at)
    {
        return;
    }
    let recorder = procedure.step(recorder);
    let why = match recorder.id == step.id {
        true => format!(
            "`{}` is known only once `{}` is recorded, and this line is needed before that",
            fact.id, recorder.id
        ),
        false => format!(
            "this condition reads `{}`, recorded at `{}`, but a case may reach `{}` without it",
            fact.id, recorder.id, step.id
        ),
    };
    diagnostics.push(
        Diagnostic::new(Code::RecordedFactNotYetKnown, condition.span, why)
            .label("the fact may not be known here")
            .related(fact.span, "the fact is declared here")
            .related(recorder.name_span, "the step whose record gives it")
            .help(format!(
                "read it on `{}`'s own `by` or `then` lines, or on a step every case reaches \
                 through `{}`",
                recorder.id, recorder.id
            )),
    );
}

/// Which line of a step a guard is on.
#[derive(Clone, Copy)]
enum Line {
    By,
    Then,
    Deadline,
    Schedule,
}

impl Line {
    fn judged_with_record(self) -> bool {
        matches!(self, Line::By | Line::Then)
    }
}

fn guards_with_lines(step: &Step) -> impl Iterator<Item = (&Guard, Line)> {
    let roles = step
        .roles
        .iter()
        .filter_map(|r| Some((r.guard.as_ref()?, Line::By)));
    let deadlines = step
        .deadlines
        .iter()
        .filter_map(|d| Some((d.guard.as_ref()?, Line::Deadline)));
    // A decision's routes are judged with its record too: its outcome chooses them.
    let routes = step
        .routes
        .iter()
        .filter_map(|r| Some((r.when.guard()?, Line::Then)));
    let schedule = match &step.kind {
        StepKind::Recurring { when, .. } => when.as_ref().map(|g| (g, Line::Schedule)),
        _ => None,
    };
    roles.chain(deadlines).chain(routes).chain(schedule)
}

#[cfg(test)]
mod tests {
    use waymark_compile::NoFiles;
    use waymark_diagnostics::{Code, FileId};

    fn reported(items: &str) -> bool {
        let text = format!(
            "procedure p \"P\"\nrole manager \"M\"\nrole worker \"W\"\nfact urgent is yes or no\n\
             fact unanimous \"Agreed\" is yes or no, recorded at meeting\n{items}"
        );
        let checked = crate::check_text(FileId(0), &text, &mut NoFiles, &Default::default());
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            !codes
                .iter()
                .any(|c| c.as_str().starts_with("WM01") || c.as_str().starts_with("WM02")),
            "{codes:?}"
        );
        codes.contains(&Code::RecordedFactNotYetKnown)
    }

    const PLAN: &str = "step plan \"Plan\"\n  by manager when unanimous is no\n  by worker when \
                        unanimous is yes\n  untimed \"x\"\n  then closed\nend closed \"Closed\"\n";

    #[test]
    fn a_later_step_may_read_what_the_meeting_recorded() {
        let items = format!(
            "start meeting\nstep meeting \"Meeting\"\n  by manager\n  untimed \"x\"\n  then \
             plan\n{PLAN}"
        );
        assert!(!reported(&items));
    }

    #[test]
    fn the_step_itself_may_read_it_on_its_by_line_but_not_on_its_due_line() {
        let by = "start meeting\nstep meeting \"Meeting\"\n  by manager when unanimous is no\n  \
                  by worker when unanimous is yes\n  untimed \"x\"\n  then closed\n\
                  end closed \"C\"\n";
        assert!(!reported(by));
        let due = "start triage\nstep triage \"T\"\n  by worker\n  untimed \"x\"\n  then \
                   meeting\nstep meeting \"Meeting\"\n  by manager\n  due 2 days after triage \
                   when unanimous is no\n  due 5 days after triage when unanimous is yes\n  \
                   then closed\nend closed \"C\"\n";
        assert!(reported(due));
    }

    #[test]
    fn a_path_around_the_meeting_is_reported() {
        let items = format!(
            "start triage\nstep triage \"T\"\n  by worker\n  untimed \"x\"\n  then meeting when \
             urgent is yes\n  otherwise plan\nstep meeting \"Meeting\"\n  by manager\n  \
             untimed \"x\"\n  then plan\n{PLAN}"
        );
        assert!(reported(&items));
    }
}
