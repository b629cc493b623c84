//! Optional steps (`optional "why"`): a clock counted from one (WM0340), which never starts when
//! the step is skipped; a waiver on one (WM0341), which says nothing `optional` does not; an
//! empty "why" (WM0342); work done together whose every piece is optional (WM0343).

use waymark_compile::{Clock, Procedure, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for id in procedure.step_ids() {
        let step = procedure.step(id);
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
        if let Some(optional) = &step.optional
            && optional.reason.trim().is_empty()
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::OptionalWithoutWhy,
                    optional.span,
                    format!("`{}` is optional, but its text does not say when it is needed", step.id),
                )
                .label("an empty text")
                .help("say when the step is needed, as the guidance does: `optional \"only when an agency cannot attend the meeting\"`; the drawings show it on the step's box"),
            );
        }
        // (Any-of work is done only by a piece done: an optional piece skipped never counts.)
        if let StepKind::Together { members, .. } = &step.kind
            && step.kind.any_of_join().is_none()
            && !members.is_empty()
            && members
                .iter()
                .all(|piece| procedure.step(*piece).optional.is_some())
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::EveryPieceOptional,
                    step.name_span,
                    format!("every piece of `{}` is optional, so it may be done with no work at all", step.id),
                )
                .label("all of its pieces may be skipped")
                .help("make the piece every case needs required (delete its `optional` line); if the whole block may not happen, route round it with a decision or a condition"),
            );
        }
        if let (Some(optional), true) = (&step.optional, step.waivable) {
            diagnostics.push(
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
            );
        }
    }
}
