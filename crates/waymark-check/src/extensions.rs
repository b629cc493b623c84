//! Extensions (`extendable by up to N UNIT with reason, approved by ROLE`): what an author can
//! get wrong that the compiler cannot see on the line alone. An extension with no limit to move
//! (WM0331), or only limits counted back from a later event, which it never moves (WM0332); an
//! approver who may do the step (WM0333); a bound as long as the limit it extends (WM0334).

use waymark_compile::{Extension, Procedure, Step};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for step in &procedure.steps {
        let Some(extension) = &step.extension else {
            continue;
        };
        diagnostics.extend(nothing_to_extend(step, extension));
        diagnostics.extend(approved_by_doer(procedure, step, extension));
        diagnostics.extend(as_long_as_the_limit(procedure, step, extension));
    }
}

/// No limit at all, or only limits counted back (`before`), which an extension never moves.
fn nothing_to_extend(step: &Step, extension: &Extension) -> Option<Diagnostic> {
    if step.limits().next().is_none() {
        return Some(
            Diagnostic::new(
                Code::ExtensionWithoutLimit,
                extension.span,
                format!("`{}` may be extended, but has no limit to extend", step.id),
            )
            .label("nothing to extend")
            .help(
                "add the step's limit (`due 45 working days after referral`), or delete the \
                 `extendable` line; a `target` is an aim and is never extended",
            ),
        );
    }
    if step.extendable_limits().next().is_some() {
        return None;
    }
    let limit = step.limits().next()?;
    Some(
        Diagnostic::new(
            Code::ExtensionCannotHelp,
            extension.span,
            format!(
                "`{}` may be extended, but its every limit counts back from a later event, \
                 which an extension never moves",
                step.id
            ),
        )
        .label("cannot move any limit")
        .related(
            limit.span,
            "counts back: the work must be ready before the event",
        )
        .help(
            "an extension moves limits counted after an event (`due 45 working days after \
             referral`); delete the `extendable` line, or change the limit's amount",
        ),
    )
}

/// An extension's approval is management oversight: warn when the approver may do the step.
fn approved_by_doer(
    procedure: &Procedure,
    step: &Step,
    extension: &Extension,
) -> Option<Diagnostic> {
    let (rule, role) = step.roles.iter().find_map(|rule| {
        let role = extension
            .approvers
            .iter()
            .find(|r| rule.roles.contains(r))?;
        Some((rule, *role))
    })?;
    let id = &procedure.role(role).id;
    Some(
        Diagnostic::new(
            Code::ExtensionApprovedByDoer,
            extension.span,
            format!(
                "an extension of `{}` is approved by `{id}`, a role that may also do the step",
                step.id
            ),
        )
        .label("approved by a role that does the step")
        .related(rule.span, format!("`{id}` may do the step here"))
        .help(format!(
            "name a role that oversees the work of the roles in `by`, or drop `{id}` from one \
             of the two lines"
        )),
    )
}

/// A bound at least as long as a limit it extends, counted in the same unit: likely the new
/// limit written where the extra time belongs.
fn as_long_as_the_limit(
    procedure: &Procedure,
    step: &Step,
    extension: &Extension,
) -> Option<Diagnostic> {
    let limit = step.extendable_limits().find(|limit| {
        limit.unit == extension.unit && limit.amount > 0 && extension.amount >= limit.amount
    })?;
    let bound = extension.unit.amount_words(extension.amount);
    let most = extension.unit.amount_words(limit.amount + extension.amount);
    Some(
        Diagnostic::new(
            Code::ExtensionAsLongAsLimit,
            extension.bound_span,
            format!(
                "`{}` may be extended by up to {bound}, as long as its limit or longer",
                step.id
            ),
        )
        .label("the extra time, not the new limit")
        .related(
            limit.span,
            format!(
                "with it, `{}` may take {most}",
                procedure.deadline_words(limit)
            ),
        )
        .help(format!(
            "write the extra time the guidance allows: `extendable by up to {}` allows at most \
             {} {}",
            extension.unit.amount_words(limit.amount / 4 + 1),
            limit.amount + limit.amount / 4 + 1,
            extension.unit.words(2u32)
        )),
    )
}

#[cfg(test)]
mod tests {
    use waymark_compile::NoFiles;
    use waymark_diagnostics::FileId;

    /// The extension codes found (WM0230-WM0231, WM0331-WM0334): the small procedure has unused
    /// roles and facts, which other checks report.
    fn codes(details: &str) -> Vec<&'static str> {
        let text = format!(
            "procedure p\nrole manager\nrole worker\nfact birth is a date\nstart s\nstep s\n  \
             untimed \"x\"\n  then t\nstep t\n{details}  then e\nend e\n"
        );
        let checked = crate::check_text(FileId(0), &text, &mut NoFiles, &Default::default());
        checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .filter(|code| matches!(*code, "WM0230" | "WM0231") || code.starts_with("WM033"))
            .collect()
    }

    const EXTENDABLE: &str =
        "  extendable by up to 10 working days with reason, approved by manager\n";

    #[test]
    fn an_extension_of_a_forward_limit_by_another_role_is_clean() {
        let details = format!("  by worker\n  due 45 working days after s\n{EXTENDABLE}");
        assert!(codes(&details).is_empty(), "{:?}", codes(&details));
    }

    #[test]
    fn an_extension_with_no_limit_or_only_a_target_is_flagged() {
        let details = format!("  untimed \"y\"\n{EXTENDABLE}");
        assert!(codes(&details).contains(&"WM0331"));
        let details = format!("  target 30 working days after s\n{EXTENDABLE}");
        assert_eq!(codes(&details), ["WM0331"]);
    }

    #[test]
    fn an_extension_of_limits_counted_back_only_cannot_help() {
        let details = format!("  due 4 weeks before fact birth\n{EXTENDABLE}");
        assert_eq!(codes(&details), ["WM0332"]);
        // One limit counted forward is enough.
        let details =
            format!("  due 4 weeks before fact birth\n  due 45 working days after s\n{EXTENDABLE}");
        assert!(codes(&details).is_empty(), "{:?}", codes(&details));
    }

    #[test]
    fn an_extension_approved_by_a_role_that_does_the_step_is_flagged() {
        let details = format!("  by manager\n  due 45 working days after s\n{EXTENDABLE}");
        assert_eq!(codes(&details), ["WM0333"]);
    }

    #[test]
    fn a_bound_as_long_as_the_limit_is_flagged() {
        let details =
            "  due 10 working days after s\n  extendable by up to 10 working days with reason\n";
        assert_eq!(codes(details), ["WM0334"]);
        // In another unit it is not compared.
        let details = "  due 10 working days after s\n  extendable by up to 2 weeks with reason\n";
        assert!(codes(details).is_empty(), "{:?}", codes(details));
    }

    #[test]
    fn the_compiler_refuses_a_zero_bound_and_mixed_units() {
        let details =
            "  due 10 working days after s\n  extendable by up to 0 working days with reason\n";
        assert_eq!(codes(details), ["WM0230"]);
        let details = "  due 10 working days after s\n  extendable by up to 4 hours with reason\n";
        assert_eq!(codes(details), ["WM0231"]);
        let details = "  due 48 hours after s\n  extendable by up to 1 working day with reason\n";
        assert_eq!(codes(details), ["WM0231"]);
    }
}
