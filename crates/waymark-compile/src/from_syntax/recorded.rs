//! Facts recorded at a step (`fact unanimous is yes or no, recorded at strategy_discussion`):
//! ties each to the step whose record gives it, once every step is declared.
#![allow(
    clippy::indexing_slicing,
    reason = "fact ids index the facts this resolver declared"
)]

use super::Resolver;
use super::references::describe_kind;
use crate::model::{FactIndex, StepKind};
use crate::names::Namespace;
use waymark_diagnostics::{Code, Diagnostic};
use waymark_syntax::{self as syntax, Document};

impl Resolver<'_> {
    /// Resolves the `recorded at` step of every fact that has one. Only a step or a decision
    /// has a record of its own to give a fact: a together block's record is its pieces', an end
    /// closes the case, and checkpoints and recurring work are occurrences of a schedule.
    pub(super) fn resolve_recorded_facts(&mut self, documents: &[Document]) {
        for document in documents {
            for fact in &document.facts {
                let Some(at) = &fact.recorded_at else {
                    continue;
                };
                let Some(index) = self.names.find(Namespace::Fact, &fact.id.text) else {
                    continue;
                };
                // A fact declared in another file first keeps that file's reading; a
                // different `recorded at` there is a conflict, reported by the declaration.
                if self.facts[index].span != fact.span {
                    continue;
                }
                if let Some(step) = self.recording_step(fact, at) {
                    self.facts[index].recorded_at = Some(step);
                }
            }
        }
    }

    fn recording_step(
        &mut self,
        fact: &syntax::Fact,
        at: &syntax::Name,
    ) -> Option<crate::model::StepIndex> {
        let step = crate::model::StepIndex(self.lookup(
            Namespace::Step,
            at,
            "step",
            "name the step or decision whose record gives the fact",
        )? as u32);
        let target = &self.steps[step.0 as usize];
        if matches!(target.kind, StepKind::Task | StepKind::Decision) {
            return Some(step);
        }
        let what = describe_kind(&target.kind);
        let diagnostic = Diagnostic::new(
            Code::FactRecordedAtNonStep,
            at.span,
            format!(
                "the fact `{}` is recorded at `{}`, but that is {what}, which has no record of \
                 its own to give it",
                fact.id.text, at.text
            ),
        )
        .label("not a step or a decision")
        .related(target.name_span, format!("`{}` is declared here", at.text))
        .help(
            "record the fact at a step or a decision: the record of that step carries it, \
             as `\"facts\": {\"NAME\": VALUE}` on the event",
        );
        self.report(diagnostic);
        None
    }

    /// A fact a deadline counts from must be one the case gives: a fact recorded at a step is
    /// known only once that step is recorded, too late to say when the clock started.
    pub(super) fn clock_fact_given_up_front(
        &mut self,
        fact: FactIndex,
        name: &syntax::Name,
    ) -> bool {
        let Some(step) = self.facts[fact.0 as usize].recorded_at else {
            return true;
        };
        let step = &self.steps[step.0 as usize];
        let diagnostic = Diagnostic::new(
            Code::RecordedFactAsClock,
            name.span,
            format!(
                "a deadline counts from `{}`, but that fact is recorded at `{}`: it is not known \
                 until that step is recorded",
                name.text, step.id
            ),
        )
        .label("a fact recorded at a step")
        .related(step.name_span, "the step whose record gives it")
        .help(format!(
            "count from the step itself, `after {}`, or from a date fact the case gives up front",
            step.id
        ));
        self.report(diagnostic);
        false
    }
}
