//! Declarations that do no work, and work with nobody responsible: roles never used, facts never
//! read, sources never cited, steps with no role.

use waymark_compile::{Clock, Guard, Procedure, Step, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    let mut role_used = vec![false; procedure.roles.len()];
    let mut fact_read = vec![false; procedure.facts.len()];
    let mut source_cited = vec![false; procedure.sources.len()];
    for step in &procedure.steps {
        step_has_role(step, diagnostics);
        for rule in &step.roles {
            for role in &rule.roles {
                role_used[role.0 as usize] = true;
            }
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
    for (role, used) in procedure.roles.iter().zip(role_used) {
        if !used {
            diagnostics.push(
                Diagnostic::new(
                    Code::RoleNeverUsed,
                    role.span,
                    format!("the role `{}` is never given any work", role.id),
                )
                .label("no `by` line names it")
                .help(format!(
                    "name it in a `by {}` line, or delete the role",
                    role.id
                )),
            );
        }
    }
    for (fact, read) in procedure.facts.iter().zip(fact_read) {
        if !read {
            diagnostics.push(
                Diagnostic::new(
                    Code::FactNeverRead,
                    fact.span,
                    format!(
                        "the fact `{}` never steers a case or starts a clock",
                        fact.id
                    ),
                )
                .label("nothing reads it")
                .help(format!(
                    "use it in a condition (`when {} is ...`) or a deadline, or delete it",
                    fact.id
                )),
            );
        }
    }
    for (source, cited) in procedure.sources.iter().zip(source_cited) {
        if !cited {
            diagnostics.push(
                Diagnostic::new(
                    Code::SourceNeverCited,
                    source.span,
                    format!("the source `{}` is never cited", source.id),
                )
                .label("no `cite` line names it")
                .help(format!(
                    "cite the rules that come from it with `cite {} \"key phrase\"`, or delete it",
                    source.id
                )),
            );
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

fn guards_of(step: &Step) -> impl Iterator<Item = &Guard> {
    let from_roles = step.roles.iter().filter_map(|r| r.guard.as_ref());
    let from_deadlines = step.deadlines.iter().filter_map(|d| d.guard.as_ref());
    let from_routes = step.routes.iter().filter_map(|r| match &r.when {
        waymark_compile::RouteWhen::Guard(guard) => Some(guard),
        _ => None,
    });
    from_roles.chain(from_deadlines).chain(from_routes)
}
