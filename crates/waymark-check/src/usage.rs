//! Declarations that do no work, and work with nobody responsible: roles never used, facts never
//! read, sources never cited, steps with no role.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use waymark_compile::{Clock, Guard, Procedure, Step, StepKind};
use waymark_diagnostics::{Code, Diagnostic, Span};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    let mut role_used = vec![false; procedure.roles.len()];
    let mut fact_read = vec![false; procedure.facts.len()];
    let mut source_cited = vec![false; procedure.sources.len()];
    for step in &procedure.steps {
        step_has_role(step, diagnostics);
        let approvers = (step.approval.iter().flat_map(|a| &a.roles))
            .chain(step.extension.iter().flat_map(|e| &e.approvers));
        for role in step.roles.iter().flat_map(|r| &r.roles).chain(approvers) {
            role_used[role.0 as usize] = true;
        }
        for guard in guards_of(step) {
            for condition in guard.any_of.iter().flatten() {
                fact_read[condition.fact.0 as usize] = true;
            }
        }
        for deadline in &step.deadlines {
            if let Clock::AfterFact(fact) | Clock::BeforeFact(fact) = deadline.clock {
                fact_read[fact.0 as usize] = true;
            }
        }
        for cite in &step.cites {
            source_cited[cite.source.0 as usize] = true;
        }
    }
    let roles = procedure.roles.iter().map(|r| (r.id.as_str(), r.span));
    report_unused(roles, &role_used, Code::RoleNeverUsed, diagnostics, |id| {
        (
            format!("the role `{id}` is never given any work"),
            "no `by` line names it",
            format!("name it in a `by {id}` line, or delete the role"),
        )
    });
    let facts = procedure.facts.iter().map(|f| (f.id.as_str(), f.span));
    report_unused(facts, &fact_read, Code::FactNeverRead, diagnostics, |id| {
        (
            format!("the fact `{id}` never steers a case or starts a clock"),
            "nothing reads it",
            format!("use it in a condition (`when {id} is ...`) or a deadline, or delete it"),
        )
    });
    let sources = procedure.sources.iter().map(|s| (s.id.as_str(), s.span));
    report_unused(
        sources,
        &source_cited,
        Code::SourceNeverCited,
        diagnostics,
        |id| {
            (
                format!("the source `{id}` is never cited"),
                "no `cite` line names it",
                format!(
                    "cite the rules that come from it with `cite {id} \"key phrase\"`, or delete it"
                ),
            )
        },
    );
}

/// WM0311, WM0312, WM0317: one warning per declaration that nothing uses, worded by `words`
/// (message, label, help).
fn report_unused<'a>(
    declared: impl Iterator<Item = (&'a str, Span)>,
    used: &[bool],
    code: Code,
    diagnostics: &mut Vec<Diagnostic>,
    words: impl Fn(&str) -> (String, &'static str, String),
) {
    for ((id, span), used) in declared.zip(used) {
        if !used {
            let (message, label, help) = words(id);
            diagnostics.push(Diagnostic::new(code, span, message).label(label).help(help));
        }
    }
}

/// WM0305. Work that somebody must do needs a `by` line.
fn step_has_role(step: &Step, diagnostics: &mut Vec<Diagnostic>) {
    let needs_role = matches!(
        step.kind,
        StepKind::Task
            | StepKind::Decision
            | StepKind::Checkpoint { .. }
            | StepKind::Recurring { .. }
    );
    if !needs_role || !step.roles.is_empty() {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::StepWithoutRole,
            step.name_span,
            format!("nobody is responsible for `{}`", step.id),
        )
        .label("no `by` line")
        .help("say who does it, e.g. `by social_worker`"),
    );
}

pub(crate) fn guards_of(step: &Step) -> impl Iterator<Item = &Guard> {
    let from_roles = step.roles.iter().filter_map(|r| r.guard.as_ref());
    let from_deadlines = step.deadlines.iter().filter_map(|d| d.guard.as_ref());
    let from_routes = step.routes.iter().filter_map(|r| r.when.guard());
    let from_schedule = match &step.kind {
        StepKind::Recurring { when, .. } => when.as_ref(),
        _ => None,
    };
    from_roles
        .chain(from_deadlines)
        .chain(from_routes)
        .chain(from_schedule)
}
