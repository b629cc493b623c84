//! Sign-offs (`approved by ROLE`): a step approved by a role that may also do it.

use waymark_compile::{Procedure, Step};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for step in &procedure.steps {
        if let Some(diagnostic) = approved_by_own_role(procedure, step) {
            diagnostics.push(diagnostic);
        }
    }
}

/// A sign-off is a second person's check: warn when the approver may do the step itself.
fn approved_by_own_role(procedure: &Procedure, step: &Step) -> Option<Diagnostic> {
    let approval = step.approval.as_ref()?;
    let (rule, role) = step.roles.iter().find_map(|rule| {
        let role = approval.roles.iter().find(|r| rule.roles.contains(r))?;
        Some((rule, *role))
    })?;
    let id = &procedure.role(role).id;
    Some(
        Diagnostic::new(
            Code::ApprovedByOwnRole,
            approval.span,
            format!(
                "`{}` is approved by `{id}`, a role that may also do it",
                step.id
            ),
        )
        .label("approved by a role that does the step")
        .related(rule.span, format!("`{id}` may do the step here"))
        .help(format!(
            "in `approved by`, name a role that checks the work of the roles in `by`, or drop \
             `{id}` from one of the two lines"
        )),
    )
}

#[cfg(test)]
mod tests {
    use waymark_compile::NoFiles;
    use waymark_diagnostics::FileId;

    fn codes(text: &str) -> Vec<&'static str> {
        let checked = crate::check_text(FileId(0), text, &mut NoFiles, &Default::default());
        checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    const BODY: &str = "role manager\nrole worker\nstart s\nstep s\n  untimed \"x\"\n";

    #[test]
    fn approval_by_the_role_that_does_the_step_is_flagged() {
        let text = format!(
            "procedure p\n{BODY}  by worker or manager\n  approved by manager\n  then e\nend e\n"
        );
        assert_eq!(codes(&text), ["WM0322"]);
    }

    #[test]
    fn approval_by_another_role_is_clean() {
        let text =
            format!("procedure p\n{BODY}  by worker\n  approved by manager\n  then e\nend e\n");
        assert!(codes(&text).is_empty(), "{:?}", codes(&text));
    }
}
