//! Optional steps (`optional "why"`): a clock counted from one (WM0340), which never starts when
//! the step is skipped; a waiver on one (WM0341), which says nothing `optional` does not; an
//! empty "why" (WM0342); work done together whose every piece is optional (WM0343).

use waymark_compile::{Clock, Procedure, Step, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for id in procedure.step_ids() {
        let step = procedure.step(id);
        clocks_from_optional_steps(procedure, step, diagnostics);
        diagnostics.extend(empty_why(step));
        diagnostics.extend(every_piece_optional(procedure, step));
        diagnostics.extend(optional_and_waivable(step));
    }
}

/// WM0340: each deadline of `step` that counts from an optional step.
fn clocks_from_optional_steps(
    procedure: &Procedure,
    step: &Step,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for deadline in &step.deadlines {
        let Clock::AfterStep(event) = deadline.clock else {
            continue;
        };
        let clock = procedure.step(event);
        let Some(optional) = &clock.optional else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::ClockFromOptionalStep,
                deadline.span,
                format!(
                    "`{}` counts from `{}`, an optional step, so its clock never starts when `{}` is skipped",
                    step.id, clock.id, clock.id
                ),
            )
            .label(format!("counts from `{}`", clock.id))
            .related(optional.span, "the step may not happen")
            .help(format!(
                "count from a step every case does, or make `{}` required by deleting its `optional` line",
                clock.id
            )),
        );
    }
}

/// WM0342: `optional ""`.
fn empty_why(step: &Step) -> Option<Diagnostic> {
    let optional = step.optional.as_ref()?;
    optional.reason.trim().is_empty().then(|| {
        Diagnostic::new(
            Code::OptionalWithoutWhy,
            optional.span,
            format!("`{}` is optional, but its text does not say when it is needed", step.id),
        )
        .label("an empty text")
        .help("say when the step is needed, as the guidance does: `optional \"only when an agency cannot attend the meeting\"`; the drawings show it on the step's box")
    })
}

/// WM0343: work done together whose every piece is optional. (Any-of work is done only by a
/// piece done: an optional piece skipped never counts, so it is left out.)
fn every_piece_optional(procedure: &Procedure, step: &Step) -> Option<Diagnostic> {
    let StepKind::Together { members, .. } = &step.kind else {
        return None;
    };
    let all_optional = step.kind.any_of_join().is_none()
        && !members.is_empty()
        && (members.iter()).all(|piece| procedure.step(*piece).optional.is_some());
    all_optional.then(|| {
        Diagnostic::new(
            Code::EveryPieceOptional,
            step.name_span,
            format!("every piece of `{}` is optional, so it may be done with no work at all", step.id),
        )
        .label("all of its pieces may be skipped")
        .help("make the piece every case needs required (delete its `optional` line); if the whole block may not happen, route round it with a decision or a condition")
    })
}

/// WM0341: `optional` and `waivable with reason` on one step.
fn optional_and_waivable(step: &Step) -> Option<Diagnostic> {
    let optional = step.optional.as_ref().filter(|_| step.waivable)?;
    Some(
        Diagnostic::new(
            Code::WaivableOptionalStep,
            optional.span,
            format!(
                "`{}` is optional and also waivable: a case may move past it with no record and no waiver",
                step.id
            ),
        )
        .label("the step may not happen")
        .help("delete `waivable with reason`, or delete `optional` if the step is required unless a reason is recorded"),
    )
}
