//! Any-of work (`together NAME` with `any of a, b`): the mistakes an author can make with
//! pieces that are alternatives: a clock counted from one of them after the block (WM0327), a
//! piece that is also reached another way (WM0328), a piece that may be waived (WM0329).

use crate::flow::FlowAnalysis;
use waymark_compile::{Deadline, Edge, Procedure, StepIndex, StepKind};
use waymark_diagnostics::{Code, Diagnostic};

pub fn check(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    for block in procedure.step_ids() {
        let StepKind::Together { members, .. } = &procedure.step(block).kind else {
            continue;
        };
        if procedure.step(block).kind.any_of_join().is_none() || !flow.is_reachable(block) {
            continue;
        }
        for &piece in members {
            if let Some(diagnostic) = reached_another_way(procedure, block, piece) {
                diagnostics.push(diagnostic);
            }
            if procedure.step(piece).waivable {
                diagnostics.push(waivable_piece(procedure, block, piece));
            }
        }
    }
}

/// WM0327: `step`'s deadline counts from `piece`, one of the alternatives of `block`.
pub fn clock_from_piece(
    procedure: &Procedure,
    step: StepIndex,
    deadline: &Deadline,
    piece: StepIndex,
    block: StepIndex,
) -> Diagnostic {
    let (step, piece_step, block_step) = (
        procedure.step(step),
        procedure.step(piece),
        procedure.step(block),
    );
    Diagnostic::new(
        Code::ClockFromOptionalPiece,
        deadline.span,
        format!(
            "`{}` counts from `{}`, one of the alternatives of `{}`, which may be done without it",
            step.id, piece_step.id, block_step.id
        ),
    )
    .label(format!("counts from `{}`", piece_step.id))
    .related(
        block_step.name_span,
        "any of its pieces is enough: the others are then not needed",
    )
    .help(format!(
        "count from the block itself, `after {}`, which is done when its first piece is, or from a step every case does",
        block_step.id
    ))
}

/// WM0328: a piece of any-of work that a route or another block also leads to.
fn reached_another_way(
    procedure: &Procedure,
    block: StepIndex,
    piece: StepIndex,
) -> Option<Diagnostic> {
    let (from, edge) = procedure
        .graph
        .previous_steps(piece)
        .filter(|&(from, edge)| !(from == block && edge == Edge::Fork))
        .min_by_key(|&(from, _)| from)?;
    let (block_step, piece_step, other) = (
        procedure.step(block),
        procedure.step(piece),
        procedure.step(from),
    );
    let (why, span) = match edge {
        Edge::Route(route) => (
            format!("`{}` moves on to it", other.id),
            other.routes.get(route).map_or(other.name_span, |r| r.span),
        ),
        _ => (
            format!("it is also a piece of `{}`", other.id),
            other.name_span,
        ),
    };
    Some(
        Diagnostic::new(
            Code::OptionalPieceRequiredElsewhere,
            block_step.name_span,
            format!(
                "`{}` is one of the alternatives of `{}`, but {why}",
                piece_step.id, block_step.id
            ),
        )
        .label(format!("`{}` may be left undone here", piece_step.id))
        .related(span, format!("`{}` is reached here too", piece_step.id))
        .help(format!(
            "a piece of any-of work belongs to its block alone: give the other way its own step, or, if `{}` is always needed, make it a step every case does rather than an alternative",
            piece_step.id
        )),
    )
}

/// WM0329: a piece of any-of work that says `waivable with reason`.
fn waivable_piece(procedure: &Procedure, block: StepIndex, piece: StepIndex) -> Diagnostic {
    let (block_step, piece_step) = (procedure.step(block), procedure.step(piece));
    Diagnostic::new(
        Code::WaivableOptionalPiece,
        piece_step.name_span,
        format!(
            "`{}` may be waived, but it is one of the alternatives of `{}`",
            piece_step.id, block_step.id
        ),
    )
    .label("waivable alternative")
    .related(block_step.name_span, "any one piece finishes this block")
    .help(format!(
        "delete `waivable with reason` from `{}`: once another piece is done it is `not_needed` without a waiver, and a waiver of it would finish `{}` with none of its work done",
        piece_step.id, block_step.id
    ))
}

#[cfg(test)]
mod tests {
    use waymark_compile::NoFiles;
    use waymark_diagnostics::FileId;

    /// The codes found, but WM0305: the small procedures here name no roles.
    fn codes(text: &str) -> Vec<&'static str> {
        let checked = crate::check_text(FileId(0), text, &mut NoFiles, &Default::default());
        checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .filter(|code| *code != "WM0305")
            .collect()
    }

    const HEAD: &str = "procedure p\nstart s\nstep s\n  untimed \"x\"\n  then work\n\
        together work\n  any of a, b\n  due 5 days after s\n  then after\n\
        step a\n  due 5 days after s\nstep b\n  due 5 days after s\n";

    #[test]
    fn a_clean_any_of_block_has_nothing_to_report() {
        let text = format!("{HEAD}step after\n  due 3 days after work\n  then e\nend e\n");
        assert_eq!(codes(&text), Vec::<&str>::new());
    }

    #[test]
    fn a_clock_from_one_alternative_is_wm0327_not_wm0308() {
        let text = format!("{HEAD}step after\n  due 3 days after a\n  then e\nend e\n");
        assert_eq!(codes(&text), vec!["WM0327"]);
        // In an all-of block the same clock is certain to have started.
        let all = text.replace("any of", "all of");
        assert_eq!(codes(&all), Vec::<&str>::new());
    }

    #[test]
    fn a_piece_reached_another_way_is_wm0328() {
        let text = HEAD.replace(
            "  then work\n",
            "  then work when x is yes\n  otherwise a\n",
        );
        let text = format!(
            "{}step after\n  due 3 days after s\n  then e\nend e\n",
            text.replace("procedure p\n", "procedure p\nfact x is yes or no\n")
        );
        assert!(codes(&text).contains(&"WM0328"), "{:?}", codes(&text));
    }

    #[test]
    fn a_waivable_alternative_is_wm0329() {
        let text = format!(
            "{}\n  waivable with reason\nstep after\n  due 3 days after work\n  then e\nend e\n",
            HEAD.trim_end_matches('\n')
        );
        assert_eq!(codes(&text), vec!["WM0329"]);
    }
}
