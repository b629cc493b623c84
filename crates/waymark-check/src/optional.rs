//! Optional steps (`optional "why"`): a clock counted from one (WM0340), which never starts when
//! the step is skipped, and a waiver on one (WM0341), which says nothing `optional` does not.

use waymark_compile::{Clock, Procedure};
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
