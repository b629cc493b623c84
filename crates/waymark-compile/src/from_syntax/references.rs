//! Looking names up, and reporting those that cannot be found or are used wrongly.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use super::Resolver;
use crate::model::*;
use crate::names::Namespace;
use waymark_diagnostics::{Code, Diagnostic, Span};
use waymark_syntax::{self as syntax, Document};

impl Resolver<'_> {
    /// WM0211: a procedure names one of the built-in calendars; a calendar file is given at
    /// run time with `--calendar FILE`, which overrides it.
    pub(super) fn check_calendar(&mut self, calendar: Option<&syntax::Name>) {
        let Some(name) = calendar else { return };
        let known = waymark_calendar::builtin_names();
        if known.contains(&name.text.as_str()) {
            return;
        }
        let help = match waymark_diagnostics::did_you_mean(&name.text, known.iter().copied()) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "the calendars are {}; a file of bank holidays or closures is given when running, with `--calendar FILE`",
                known.join(", ")
            ),
        };
        self.report(
            Diagnostic::new(
                Code::UnknownCalendar,
                name.span,
                format!("there is no calendar called `{}`", name.text),
            )
            .label("not a known calendar")
            .help(help),
        );
    }

    // ----------------------------------------------------------------------------------------
    // Steps by name.

    pub(super) fn step_ref(&mut self, name: &syntax::Name, used_as: Use) -> Option<StepIndex> {
        // A used procedure's name enters it at its start.
        let procedure = (used_as == Use::Route).then(|| self.procedure_start(&name.text));
        if let Some(start) = procedure.flatten() {
            return Some(start);
        }
        let Some(step) = self
            .names
            .find(Namespace::Step, &name.text)
            .map(|i| StepIndex(i as u32))
        else {
            self.unknown_step(name, used_as);
            return None;
        };
        let kind = &self.steps[step.0 as usize].kind;
        match used_as.refusal(kind) {
            None => Some(step),
            Some((code, why)) => {
                self.report(
                    Diagnostic::new(code, name.span, format!("`{}` {why}", name.text))
                        .label(format!("this is {}", describe_kind(kind)))
                        .help(used_as.help()),
                );
                None
            }
        }
    }

    pub(super) fn unknown_step(&mut self, name: &syntax::Name, used_as: Use) {
        let series: Vec<&Step> = self
            .steps
            .iter()
            .filter(
                |s| matches!(&s.kind, StepKind::Checkpoint { series, .. } if *series == name.text),
            )
            .collect();
        let help = if let Some(first) = series.first() {
            let all: Vec<&str> = series.iter().map(|s| s.id.as_str()).collect();
            format!(
                "`{}` is a checkpoint series; its steps are named {} (e.g. `{}`)",
                name.text,
                all.join(", "),
                first.id
            )
        } else if used_as == Use::Clock && self.names.find(Namespace::Fact, &name.text).is_some() {
            // `due 4 weeks before expected_delivery`: a fact needs its keyword.
            format!(
                "`{0}` is a fact: a deadline counts from a fact with `fact`, as in `after fact {0}` or `before fact {0}`",
                name.text
            )
        } else {
            match self.names.suggest(Namespace::Step, &name.text) {
                Some(guess) => format!("did you mean `{guess}`?"),
                None => used_as.help().to_string(),
            }
        };
        self.report(
            Diagnostic::new(
                Code::UnknownStep,
                name.span,
                format!("no step is called `{}`", name.text),
            )
            .label("not declared")
            .help(help),
        );
    }

    pub(super) fn procedure_start(&self, name: &str) -> Option<StepIndex> {
        let file = self.procedures.get(name)?;
        self.starts.get(file).copied()
    }

    pub(super) fn document_start(&mut self, document: &Document) -> Option<StepIndex> {
        let anchor = document.header.as_ref().map(|h| h.id.span)?;
        let Some(first) = document.starts.first() else {
            let name = document
                .header
                .as_ref()
                .map_or("", |h| h.id.text.as_str())
                .to_string();
            self.report(
                Diagnostic::new(
                    Code::MissingStart,
                    anchor,
                    format!("the procedure `{name}` has no `start` line"),
                )
                .label("no start")
                .help("add a line such as `start referral` naming the step every case begins at"),
            );
            return None;
        };
        for extra in document.starts.iter().skip(1) {
            self.report(
                Diagnostic::new(
                    Code::MissingStart,
                    extra.span,
                    "a procedure has one `start`, but this is a second",
                )
                .label("second start")
                .related(first.span, "the first `start`")
                .help("keep one `start` line; a case begins at exactly one step"),
            );
        }
        self.step_ref(first, Use::Start)
    }

    pub(super) fn used_procedures(&mut self, documents: &[Document]) -> Vec<UsedProcedure> {
        let mut used = Vec::new();
        for document in documents.iter().skip(1) {
            let Some(header) = &document.header else {
                continue;
            };
            let Some(start) = self.document_start(document) else {
                continue;
            };
            self.starts.insert(document.file.0 as usize, start);
            // The documents come in the order first used, so the first `use` line naming this
            // one is in the root when the root uses it.
            let path = documents
                .iter()
                .flat_map(|d| &d.uses)
                .find(|u| u.procedure.text == header.id.text)
                .map_or_else(String::new, |u| u.path.value.clone());
            used.push(UsedProcedure {
                id: header.id.text.clone(),
                title: header
                    .title
                    .as_ref()
                    .map_or_else(|| header.id.text.clone(), |t| t.value.clone()),
                path,
                file: document.file,
                start,
            });
        }
        used
    }

    // ----------------------------------------------------------------------------------------
    // Reporting.

    pub(super) fn lookup(
        &mut self,
        namespace: Namespace,
        name: &syntax::Name,
        what: &str,
        how: &str,
    ) -> Option<usize> {
        if let Some(index) = self.names.find(namespace, &name.text) {
            return Some(index);
        }
        let help = match self.names.suggest(namespace, &name.text) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => how.to_string(),
        };
        let code = match namespace {
            Namespace::Role => Code::UnknownRole,
            Namespace::Fact => Code::UnknownFact,
            Namespace::Source => Code::UnknownSource,
            Namespace::Step => Code::UnknownStep,
        };
        self.report(
            Diagnostic::new(
                code,
                name.span,
                format!("no {what} is called `{}`", name.text),
            )
            .label("not declared")
            .help(help),
        );
        None
    }

    pub(super) fn duplicate(&mut self, what: &str, name: &syntax::Name, first: Span) {
        self.report(
            Diagnostic::new(
                Code::DuplicateName,
                name.span,
                format!("there is already a {what} called `{}`", name.text),
            )
            .label("declared again here")
            .related(first, "first declared here")
            .help(format!(
                "give each {what} its own name, or delete one of them"
            )),
        );
    }

    pub(super) fn conflict(
        &mut self,
        what: &str,
        name: &syntax::Name,
        first: Span,
        before: &str,
        after: &str,
    ) {
        self.report(
            Diagnostic::new(
                Code::ConflictingDefinition,
                name.span,
                format!(
                    "the {what} `{}` is declared as {after} here but as {before} in another file",
                    name.text
                ),
            )
            .label("differs from the other file")
            .related(first, "declared here first")
            .help(format!(
                "a {what} shared between procedures must be declared the same way in each file"
            )),
        );
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// How a step name is being used, which decides what kinds of step it may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Use {
    Start,
    Route,
    Member,
    Clock,
    Until,
    While,
}

impl Use {
    /// Why a step of `kind` cannot be used this way, if it cannot.
    pub(super) fn refusal(self, kind: &StepKind) -> Option<(Code, &'static str)> {
        let side = matches!(
            kind,
            StepKind::Checkpoint { .. } | StepKind::Recurring { .. } | StepKind::Join { .. }
        );
        let end = *kind == StepKind::End;
        match self {
            Use::Start | Use::Route if side => Some((
                Code::WrongStepKind,
                "runs alongside the path, so a case cannot move to it",
            )),
            Use::Start if end => Some((
                Code::WrongStepKind,
                "is an end, so a case cannot begin there",
            )),
            Use::Member if side || end => Some((
                Code::WrongStepKind,
                "cannot be a piece of work done together",
            )),
            Use::Clock if end => Some((
                Code::MisplacedClock,
                "is an end: nothing is done there, so it cannot start a clock",
            )),
            Use::Clock if matches!(kind, StepKind::Recurring { .. }) => Some((
                Code::MisplacedClock,
                "happens again and again, so it cannot start one clock",
            )),
            Use::Until | Use::While if side => Some((
                Code::WrongStepKind,
                "runs alongside the path, so a case is never at it",
            )),
            Use::While if end => Some((
                Code::WrongStepKind,
                "is an end: a case that reaches it is closed",
            )),
            _ => None,
        }
    }

    pub(super) fn help(self) -> &'static str {
        match self {
            Use::Start => "start at the step every case begins with, e.g. `start referral`",
            Use::Route => "move on to a step, decision, together block, end or used procedure",
            Use::Member => "list steps, decisions or together blocks in `all of`",
            Use::Clock => "count from a step that is done once, e.g. `after referral`",
            Use::Until => "name the step whose completion ends the checkpoints",
            Use::While => "name the step a case stays at while the work recurs",
        }
    }
}

pub(super) fn describe_kind(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Task => "a step",
        StepKind::Decision => "a decision",
        StepKind::Together { .. } => "a together block",
        StepKind::Join { .. } => "the end of a together block",
        StepKind::Checkpoint { .. } => "a checkpoint",
        StepKind::Recurring { .. } => "a recurring obligation",
        StepKind::End => "an end",
    }
}
