//! Conditions on a decision's outcome (`when strategy_discussion is section47`): the decision
//! must have been made by the time a case reaches the step whose condition reads it.

use crate::flow::FlowAnalysis;
use crate::usage::guards_of;
use waymark_compile::{Procedure, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    for (id, step) in procedure.step_ids().zip(&procedure.steps) {
        // Recurring work runs beside the case, so only its own step's place is known.
        let at = match step.kind {
            StepKind::Recurring { during, .. } => during,
            _ => id,
        };
        for condition in guards_of(step).flat_map(|guard| guard.any_of.iter().flatten()) {
            let fact = procedure.fact(condition.fact);
            let Some(decision) = fact.decided_by else {
                continue;
            };
            if !flow.is_reachable(at) || flow.done_before(procedure, decision, at) {
                continue;
            }
            let decision = procedure.step(decision);
            diagnostics.push(
                Diagnostic::new(
                    Code::OutcomeNotYetDecided,
                    condition.span,
                    format!(
                        "this condition tests what `{}` decided, but a case may reach `{}` \
                         without it",
                        decision.id, step.id
                    ),
                )
                .label("the outcome may not be known here")
                .related(decision.name_span, "the decision")
                .help(format!(
                    "test it on a step that every case reaches through `{}`, or route the \
                     case through `{}` before `{}`",
                    decision.id, decision.id, step.id
                )),
            );
        }
    }
}
