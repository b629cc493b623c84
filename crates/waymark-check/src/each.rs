//! Work due `before each STEP`: STEP must happen more than once (WM0337), and the work, done
//! once per occurrence, must be allowed to be recorded more than once (WM0338). Whether STEP
//! can come after the work at all is WM0319's, in `deadlines.rs`. One pass over the deadlines.

use waymark_compile::{Deadline, Procedure, StepIndex};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for step_id in procedure.step_ids() {
        // One report per step and problem: its target and limit share the clock.
        if let Some((deadline, occurs)) = first_each(procedure, step_id) {
            occurs_more_than_once(procedure, step_id, deadline, occurs, diagnostics);
            work_may_repeat(procedure, step_id, deadline, occurs, diagnostics);
        }
    }
}

/// The step's first `before each` deadline and the step it counts back from.
fn first_each(procedure: &Procedure, step_id: StepIndex) -> Option<(&Deadline, StepIndex)> {
    procedure
        .step(step_id)
        .deadlines
        .iter()
        .find_map(|deadline| deadline.clock.each_occurrence_of().map(|s| (deadline, s)))
}

/// WM0337.
fn occurs_more_than_once(
    procedure: &Procedure,
    step_id: StepIndex,
    deadline: &Deadline,
    occurs: StepIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let occurring = procedure.step(occurs);
    if occurring.repeats {
        return;
    }
    let step = procedure.step(step_id);
    diagnostics.push(
        Diagnostic::new(
            Code::EachOccurrenceOfOnceStep,
            deadline.span,
            format!(
                "`{}` is due before each `{}`, but `{}` happens once",
                step.id, occurring.id, occurring.id
            ),
        )
        .label(format!("counts back from each `{}`", occurring.id))
        .related(occurring.name_span, "does not say `may repeat`")
        .help(format!(
            "write `before {0}` for a step that happens once, or add `may repeat` under `{0}` if it happens again",
            occurring.id
        )),
    );
}

/// WM0338.
fn work_may_repeat(
    procedure: &Procedure,
    step_id: StepIndex,
    deadline: &Deadline,
    occurs: StepIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let step = procedure.step(step_id);
    if step.repeats {
        return;
    }
    let occurring = &procedure.step(occurs).id;
    diagnostics.push(
        Diagnostic::new(
            Code::EachWorkCannotRepeat,
            deadline.span,
            format!(
                "`{}` is due before each `{occurring}`, so it is done more than once, but it may not repeat",
                step.id
            ),
        )
        .label("due once per occurrence")
        .related(step.name_span, "does not say `may repeat`")
        .help(format!(
            "add `may repeat` under `{}`, or count back from one occurrence: `before {occurring}`",
            step.id
        )),
    );
}
