//! Every name in a syntax tree, declared or used, with what it names: the index behind go to
//! definition, find references, rename and hover. Built from the syntax tree, so it works on a
//! file that does not compile.

use waymark_diagnostics::Span;
use waymark_syntax::{Clause, ClauseKind, Clock, Document, Guard, Name};

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A step, decision, together block, checkpoint, recurring work, end, or a `use`d procedure
    /// (entered like a step).
    Step,
    Role,
    Fact,
    Source,
    /// An outcome of one decision; its key is `decision.outcome`.
    Outcome,
}

/// One name in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: Kind,
    /// The name, or `decision.outcome` for an outcome.
    pub key: String,
    pub span: Span,
    pub declaration: bool,
}

/// Every name in the document, in the order written.
pub fn occurrences(document: &Document) -> Vec<Occurrence> {
    let mut found = Found(Vec::new());
    if let Some(header) = &document.header {
        for source in &header.sources {
            found.declare(Kind::Source, &source.id);
        }
    }
    for used in &document.uses {
        found.declare(Kind::Step, &used.procedure);
    }
    for role in &document.roles {
        found.declare(Kind::Role, &role.id);
    }
    for fact in &document.facts {
        found.declare(Kind::Fact, &fact.id);
        // `recorded at STEP` names a step: it is renamed and found with the step.
        if let Some(at) = &fact.recorded_at {
            found.refer(Kind::Step, at);
        }
    }
    for start in &document.starts {
        found.refer(Kind::Step, start);
    }
    for item in &document.items {
        found.declare(Kind::Step, &item.id);
        for clause in &item.clauses {
            found.clause(&item.id.text, clause);
        }
    }
    let mut all = found.0;
    all.sort_by_key(|o| (o.span.start, o.span.end));
    all
}

struct Found(Vec<Occurrence>);

impl Found {
    fn push(&mut self, kind: Kind, key: String, span: Span, declaration: bool) {
        self.0.push(Occurrence {
            kind,
            key,
            span,
            declaration,
        });
    }

    fn declare(&mut self, kind: Kind, name: &Name) {
        self.push(kind, name.text.clone(), name.span, true);
    }

    fn refer(&mut self, kind: Kind, name: &Name) {
        self.push(kind, name.text.clone(), name.span, false);
    }

    fn clause(&mut self, item: &str, clause: &Clause) {
        match &clause.kind {
            ClauseKind::By { roles, guard, .. } => {
                roles.iter().for_each(|role| self.refer(Kind::Role, role));
                self.guard(guard.as_ref());
            }
            ClauseKind::Approved { roles } => {
                roles.iter().for_each(|role| self.refer(Kind::Role, role));
            }
            ClauseKind::Extendable(extension) => {
                (extension.approvers.iter()).for_each(|role| self.refer(Kind::Role, role));
            }
            ClauseKind::Deadline(deadline) => {
                self.clock(&deadline.clock);
                self.guard(deadline.guard.as_ref());
            }
            ClauseKind::Outcomes(outcomes) => {
                for outcome in outcomes {
                    let key = format!("{item}.{}", outcome.text);
                    self.push(Kind::Outcome, key, outcome.span, true);
                }
            }
            ClauseKind::On {
                outcome,
                target,
                condition,
            } => {
                let key = format!("{item}.{}", outcome.text);
                self.push(Kind::Outcome, key, outcome.span, false);
                self.refer(Kind::Step, target);
                if let waymark_syntax::OnCondition::When(guard) = condition {
                    self.guard(Some(guard));
                }
            }
            ClauseKind::Then { target, guard } => {
                self.refer(Kind::Step, target);
                self.guard(guard.as_ref());
            }
            ClauseKind::Otherwise(target) | ClauseKind::Until(target) => {
                self.refer(Kind::Step, target)
            }
            ClauseKind::AllOf(members) | ClauseKind::AnyOf(members) => {
                members.iter().for_each(|step| self.refer(Kind::Step, step))
            }
            ClauseKind::At { clock, .. } => self.clock(clock),
            ClauseKind::Every { during, guard, .. } => {
                self.refer(Kind::Step, during);
                self.guard(guard.as_ref());
            }
            ClauseKind::Cite(cite) => self.refer(Kind::Source, &cite.source),
            ClauseKind::OverrunNeedsReason
            | ClauseKind::Untimed(_)
            | ClauseKind::Waivable
            | ClauseKind::MayRepeat
            | ClauseKind::Optional(_) => {}
        }
    }

    fn clock(&mut self, clock: &Clock) {
        match clock {
            Clock::AfterStep(step) | Clock::BeforeStep(step) | Clock::BeforeEachStep(step) => {
                self.refer(Kind::Step, step)
            }
            Clock::AfterFact(fact) | Clock::BeforeFact(fact) | Clock::BeforeEachFact(fact) => {
                self.refer(Kind::Fact, fact)
            }
            Clock::AfterOutcome(decision, outcome) => {
                self.refer(Kind::Step, decision);
                let key = format!("{}.{}", decision.text, outcome.text);
                self.push(Kind::Outcome, key, outcome.span, false);
            }
        }
    }

    fn guard(&mut self, guard: Option<&Guard>) {
        for condition in guard.iter().flat_map(|g| g.any_of.iter().flatten()) {
            self.refer(Kind::Fact, &condition.fact);
        }
    }
}

/// The name at a byte offset (its end included, so a cursor just after a word finds it).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occurrences
        .iter()
        .find(|o| (o.span.start as usize) <= offset && offset <= o.span.end as usize)
}

/// Every occurrence naming the same thing as `target`.
pub fn same<'a>(
    occurrences: &'a [Occurrence],
    target: &'a Occurrence,
) -> impl Iterator<Item = &'a Occurrence> {
    occurrences
        .iter()
        .filter(move |o| o.kind == target.kind && o.key == target.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_diagnostics::FileId;

    #[test]
    fn finds_declarations_and_uses_of_every_kind() {
        let text = "procedure p\n  source s \"S\"\nrole r\nfact f is yes or no\nstart a\n\
                    decision a\n  by r when f is yes\n  outcomes x, y\n  cite s \"q\"\n  on x then b\n  on y then b\nend b\n";
        let document = waymark_syntax::parse(FileId(0), text).document;
        let found = occurrences(&document);
        let keys: Vec<(Kind, &str, bool)> = found
            .iter()
            .map(|o| (o.kind, o.key.as_str(), o.declaration))
            .collect();
        assert!(keys.contains(&(Kind::Outcome, "a.x", true)));
        assert!(keys.contains(&(Kind::Outcome, "a.x", false)));
        assert!(keys.contains(&(Kind::Fact, "f", false)));
        assert!(keys.contains(&(Kind::Source, "s", false)));
        let b = found
            .iter()
            .find(|o| o.key == "b" && o.declaration)
            .unwrap();
        assert_eq!(same(&found, b).count(), 3);
        let offset = text.find("then b").unwrap() + 5;
        assert_eq!(at(&found, offset).map(|o| o.key.as_str()), Some("b"));
    }

    #[test]
    fn a_condition_on_a_decisions_route_uses_its_fact_and_steps() {
        let text = "procedure p\nfact f is yes or no\nstart a\ndecision a\n  untimed \"u\"\n  \
                    outcomes x\n  on x then b when f is yes\n  on x otherwise c\nend b\nend c\n";
        let document = waymark_syntax::parse(FileId(0), text).document;
        let found = occurrences(&document);
        let offset = text.find("when f").unwrap() + "when ".len();
        let used = at(&found, offset).unwrap();
        assert_eq!((used.kind, used.key.as_str()), (Kind::Fact, "f"));
        let offset = text.find("otherwise c").unwrap() + "otherwise ".len();
        let used = at(&found, offset).unwrap();
        assert_eq!((used.kind, used.key.as_str()), (Kind::Step, "c"));
    }

    #[test]
    fn the_step_a_fact_is_recorded_at_is_a_use_of_the_step() {
        let text = "procedure p\nfact f is yes or no, recorded at a\nstart a\nstep a\n  \
                    untimed \"u\"\n  then b when f is yes\n  otherwise b\nend b\n";
        let document = waymark_syntax::parse(FileId(0), text).document;
        let found = occurrences(&document);
        let offset = text.find("recorded at a").unwrap() + "recorded at ".len();
        let used = at(&found, offset).unwrap();
        assert_eq!(
            (used.kind, used.key.as_str(), used.declaration),
            (Kind::Step, "a", false)
        );
    }
}
