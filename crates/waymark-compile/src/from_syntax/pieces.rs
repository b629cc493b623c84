//! The pieces of a together block (`all of` or `any of`): each named once, and an `any of`
//! with something to choose between.

use super::Resolver;
use crate::model::StepIndex;
use waymark_diagnostics::{Code, Diagnostic};
use waymark_syntax::{self as syntax, Clause, ClauseKind, Item};

impl Resolver<'_> {
    /// The block's pieces, resolved; a piece named twice is reported (WM0227) and kept once,
    /// and an `any of` with one piece is reported (WM0226).
    pub(super) fn pieces(
        &mut self,
        item: &Item,
        names: &[syntax::Name],
        clause: &Clause,
    ) -> Vec<StepIndex> {
        let mut members: Vec<StepIndex> = Vec::with_capacity(names.len());
        let mut first_named: std::collections::HashMap<&str, &syntax::Name> =
            std::collections::HashMap::with_capacity(names.len());
        for name in names {
            if let Some(first) = first_named.get(name.text.as_str()) {
                self.report(piece_listed_twice(item, clause, first, name));
                continue;
            }
            first_named.insert(name.text.as_str(), name);
            members.extend(self.member(name));
        }
        if matches!(clause.kind, ClauseKind::AnyOf(_)) && first_named.len() == 1 {
            self.report(any_of_one_piece(item, clause, names));
        }
        members
    }
}

/// WM0227.
fn piece_listed_twice(
    item: &Item,
    clause: &Clause,
    first: &syntax::Name,
    again: &syntax::Name,
) -> Diagnostic {
    Diagnostic::new(
        Code::PieceListedTwice,
        again.span,
        format!(
            "`{}` is named twice in the `{}` line of `{}`",
            again.text,
            keyword(clause),
            item.id.text
        ),
    )
    .label("named again")
    .related(first.span, "named here first")
    .help(format!(
        "name each piece once; to list a different piece, check the spelling of `{}`",
        again.text
    ))
}

/// WM0226.
fn any_of_one_piece(item: &Item, clause: &Clause, names: &[syntax::Name]) -> Diagnostic {
    let piece = names.first().map_or("", |name| name.text.as_str());
    Diagnostic::new(
        Code::AnyOfOnePiece,
        clause.span,
        format!(
            "`{}` needs any one of its pieces, but lists only `{piece}`",
            item.id.text
        ),
    )
    .label("one piece: nothing to choose between")
    .help(format!(
        "list the alternatives the guidance gives (`any of {piece}, ...`), or, when `{piece}` must be done, route to it with `then {piece}` and drop the block"
    ))
}

fn keyword(clause: &Clause) -> &'static str {
    match clause.kind {
        ClauseKind::AnyOf(_) => "any of",
        _ => "all of",
    }
}
