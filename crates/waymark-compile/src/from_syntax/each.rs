//! `before each STEP`: what compile can tell of it on its own line and on its step.

use super::Resolver;
use crate::model::Clock;
use waymark_diagnostics::{Code, Diagnostic};
use waymark_syntax as syntax;

impl Resolver<'_> {
    /// WM0237: `before each fact NAME`. A fact holds one date, so there is nothing to count
    /// back from "each" time.
    pub(super) fn before_each_fact(&mut self, name: &syntax::Name) {
        self.report(
            Diagnostic::new(
                Code::EachOccurrenceOfFact,
                name.span,
                format!(
                    "`{}` is a fact: it holds one date, so it has no occurrences to count back from",
                    name.text
                ),
            )
            .label("`each` needs a step that may repeat")
            .help(format!(
                "count back from the fact's date, `before fact {0}`, or from every occurrence of a step that may repeat, `before each STEP`",
                name.text
            )),
        );
    }

    /// WM0238: a step due before each occurrence of a step has a row per occurrence, each due
    /// from that occurrence; a line counted from anything else (or from each occurrence of
    /// another step) would give no one date per occurrence, so every clock must be the same.
    pub(super) fn each_clock_alone(&mut self, step: crate::model::StepIndex) {
        let Some(target) = self.steps.get(step.0 as usize) else {
            return;
        };
        let Some((first, occurs)) = target.deadlines.iter().find_map(|deadline| {
            deadline
                .clock
                .each_occurrence_of()
                .map(|occurs| (deadline, occurs))
        }) else {
            return;
        };
        let Some(other) = target
            .deadlines
            .iter()
            .find(|deadline| deadline.clock != Clock::BeforeEachStep(occurs))
        else {
            return;
        };
        let occurs_id = self
            .steps
            .get(occurs.0 as usize)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let diagnostic = Diagnostic::new(
            Code::EachClockWithOtherClocks,
            other.span,
            format!(
                "`{}` is due before each `{occurs_id}`, so it cannot also count from something else",
                target.id
            ),
        )
        .label("another clock")
        .related(first.span, format!("due before each `{occurs_id}` here"))
        .help(format!(
            "give every `due` and `target` line of `{}` the clock `before each {occurs_id}`, or make the other rule a step of its own",
            target.id
        ));
        self.report(diagnostic);
    }
}
