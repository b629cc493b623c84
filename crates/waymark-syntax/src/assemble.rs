//! Grouping parsed lines into a [`Document`]: the header first, then declarations and items,
//! each detail line belonging to the item above it.

use crate::ast::*;
use crate::from_pairs::Line;
use std::collections::HashMap;
use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// Places every line in the document, reporting lines that are out of place.
pub fn assemble(
    file: FileId,
    lines: Vec<(Line, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Document {
    let mut assembler = Assembler {
        document: Document {
            file,
            ..Document::default()
        },
        item: None,
        skipping: false,
        header_closed: false,
        outcome_routes: HashMap::new(),
        diagnostics,
    };
    let first_span = lines.first().map(|(_, span)| *span);
    for (line, span) in lines {
        assembler.place(line, span);
    }
    assembler.finish_item();
    if let (None, Some(span)) = (&assembler.document.header, first_span) {
        assembler.diagnostics.push(
            Diagnostic::new(Code::MissingProcedureHeader, span, "this file does not begin with a `procedure` line")
                .label("expected `procedure <name> \"<title>\"` before this line")
                .help("start the file with a line such as `procedure assessment \"Child and Family Assessment\"`"),
        );
    }
    assembler.document
}

struct Assembler<'d> {
    document: Document,
    item: Option<Item>,
    /// True after an unreadable line that opened an item, until the next item: its details
    /// are dropped rather than reported as out of place.
    skipping: bool,
    header_closed: bool,
    /// For the decision being read: per outcome, what its `on` lines so far say (a map, so a
    /// decision of 40,000 outcomes is not read in quadratic time).
    outcome_routes: HashMap<String, OutcomeRoutes>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

/// What the `on` lines of one outcome said so far.
#[derive(Clone, Copy, Default)]
struct OutcomeRoutes {
    /// The first route with a condition (`on X then Y when ...`).
    conditional: Option<Span>,
    /// A route taken whatever the facts (`on X then Y`, `on X otherwise Y`): any route after it
    /// is never taken.
    unconditional: Option<Span>,
}

impl Assembler<'_> {
    fn place(&mut self, line: Line, span: Span) {
        let is_detail = matches!(
            line,
            Line::Clause(_) | Line::Unreadable { opened_item: false }
        );
        if !is_detail {
            self.skipping = false;
        }
        match line {
            Line::Unreadable { opened_item } => {
                if opened_item {
                    self.finish_item();
                    self.skipping = true;
                }
            }
            Line::Clause(_) if self.skipping => {}
            Line::Procedure { id, title } => self.procedure(id, title, span),
            Line::Version(_) | Line::Effective(_) | Line::Calendar(_) | Line::Source(_) => {
                self.header_detail(line, span)
            }
            Line::Use(used) => self.declaration(span, |document| document.uses.push(used)),
            Line::Role(role) => self.declaration(span, |document| document.roles.push(role)),
            Line::Fact(fact) => self.declaration(span, |document| document.facts.push(fact)),
            Line::Start(name) => self.declaration(span, |document| document.starts.push(name)),
            Line::Item { kind, id, title } => {
                self.finish_item();
                self.header_closed = true;
                self.item = Some(Item {
                    kind,
                    id,
                    title,
                    span,
                    clauses: Vec::new(),
                });
            }
            Line::Clause(kind) => self.clause(Clause { kind, span }),
        }
    }

    fn procedure(&mut self, id: Name, title: Option<Text>, span: Span) {
        if let Some(first) = &self.document.header {
            let diagnostic = Diagnostic::new(
                Code::RepeatedHeader,
                span,
                "a file holds one procedure, but this is a second `procedure` line",
            )
            .label("second procedure line")
            .related(first.span, "the procedure starts here")
            .help("put the second procedure in a file of its own and bring it in with `use`");
            self.diagnostics.push(diagnostic);
            return;
        }
        self.document.header = Some(Header {
            id,
            title,
            version: None,
            effective: None,
            calendar: None,
            sources: Vec::new(),
            span,
        });
    }

    fn header_detail(&mut self, line: Line, span: Span) {
        let keyword = match &line {
            Line::Version(_) => "version",
            Line::Effective(_) => "effective",
            Line::Calendar(_) => "calendar",
            _ => "source",
        };
        let Some(header) = self
            .document
            .header
            .as_mut()
            .filter(|_| !self.header_closed)
        else {
            let diagnostic = Diagnostic::new(
                Code::HeaderDetailOutOfPlace,
                span,
                format!("`{keyword}` describes the procedure, so it belongs in the header"),
            )
            .label("out of place")
            .help("move this line up, directly under the `procedure` line");
            self.diagnostics.push(diagnostic);
            return;
        };
        let repeated = match line {
            Line::Version(text) => keep_first(&mut header.version, text),
            Line::Effective(date) => keep_first(&mut header.effective, date),
            Line::Calendar(name) => keep_first(&mut header.calendar, name),
            Line::Source(source) => {
                header.sources.push(source);
                false
            }
            _ => false,
        };
        if repeated {
            self.diagnostics
                .push(repeated_clause(keyword, span, "the procedure"));
        }
    }

    fn declaration(&mut self, span: Span, add: impl FnOnce(&mut Document)) {
        self.finish_item();
        self.header_closed = self.document.header.is_some() || self.header_closed;
        let _ = span;
        add(&mut self.document);
    }

    fn clause(&mut self, clause: Clause) {
        let keyword = clause.kind.keyword();
        let Some(item) = self.item.as_mut() else {
            let diagnostic = Diagnostic::new(Code::ClauseOutsideItem, clause.span, format!("this `{keyword}` line does not belong to any step"))
                .label("no step, decision or other item above it")
                .help("put it under the item it describes, e.g. under `step initial_visit \"Initial visit\"`");
            self.diagnostics.push(diagnostic);
            return;
        };
        if !allowed(item.kind, &clause.kind) {
            let diagnostic = Diagnostic::new(
                Code::ClauseNotAllowed,
                clause.span,
                format!(
                    "{} `{}` cannot have {} `{keyword}` line",
                    article(item.kind.keyword()),
                    item.kind.keyword(),
                    article(keyword)
                ),
            )
            .label(format!("not allowed in a `{}`", item.kind.keyword()))
            .related(
                item.span,
                format!("this {} is `{}`", item.kind.keyword(), item.id.text),
            )
            .help(match clause.kind {
                ClauseKind::MayRepeat => cannot_repeat_help(item.kind),
                ClauseKind::Optional(_) => cannot_be_optional_help(item.kind),
                _ => allowed_help(item.kind),
            });
            self.diagnostics.push(diagnostic);
            return;
        }
        if let Some(first) = pieces_listed_before(item, &clause.kind) {
            self.diagnostics
                .push(pieces_listed_both_ways(item, first, clause.span));
            return;
        }
        if is_plain_then(&clause.kind) && item.clauses.iter().any(|c| is_plain_then(&c.kind)) {
            self.diagnostics
                .push(second_plain_then(&item.id.text, clause.span));
            return;
        }
        if let ClauseKind::On {
            outcome, condition, ..
        } = &clause.kind
            && let Some(diagnostic) = self
                .outcome_routes
                .entry(outcome.text.clone())
                .or_default()
                .add(&outcome.text, condition, clause.span)
        {
            self.diagnostics.push(diagnostic);
            return;
        }
        if once_only(&clause.kind) && item.clauses.iter().any(|c| c.kind.keyword() == keyword) {
            let what = format!("`{}`", item.id.text);
            self.diagnostics
                .push(repeated_clause(keyword, clause.span, &what));
            return;
        }
        item.clauses.push(clause);
    }

    fn finish_item(&mut self) {
        self.outcome_routes.clear();
        let Some(item) = self.item.take() else { return };
        if let Some((keyword, example)) = missing_clause(&item) {
            let diagnostic = Diagnostic::new(
                Code::MissingClause,
                item.id.span,
                format!(
                    "the {} `{}` has no `{keyword}` line",
                    item.kind.keyword(),
                    item.id.text
                ),
            )
            .label(format!("needs {} `{keyword}` line", article(keyword)))
            .help(format!("add a line such as `{example}` under it"));
            self.diagnostics.push(diagnostic);
        }
        self.document.items.push(item);
    }
}

fn repeated_clause(keyword: &str, span: Span, owner: &str) -> Diagnostic {
    Diagnostic::new(
        Code::RepeatedClause,
        span,
        format!("{owner} already has {} `{keyword}` line", article(keyword)),
    )
    .label("given twice")
    .help(format!("keep one `{keyword}` line and delete the other"))
}

/// `then X` with no condition: where the case always goes next.
fn is_plain_then(clause: &ClauseKind) -> bool {
    matches!(clause, ClauseKind::Then { guard: None, .. })
}

/// A second `then` with no condition: the case cannot go both ways, and a drawing would show
/// two ways while a run follows one.
fn second_plain_then(step: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::RepeatedClause,
        span,
        format!("`{step}` already has a `then` line without a condition"),
    )
    .label("a second way on, with no condition")
    .help(
        "keep one plain `then`; to go different ways, give each `then` a `when` condition \
         (and `otherwise` for the rest), or make the step a decision with `on OUTCOME then`; \
         for work done side by side, use a `together` block",
    )
}

impl OutcomeRoutes {
    /// Notes one more `on` line of the outcome, or says why it cannot be taken as written:
    /// WM0119 after a route taken whatever the facts, WM0120 for `otherwise` with no condition
    /// above it.
    fn add(&mut self, outcome: &str, condition: &OnCondition, span: Span) -> Option<Diagnostic> {
        if let Some(first) = self.unconditional {
            return Some(route_never_taken(outcome, first, span));
        }
        match condition {
            OnCondition::When(_) => {
                self.conditional.get_or_insert(span);
            }
            OnCondition::Otherwise if self.conditional.is_none() => {
                return Some(otherwise_without_condition(outcome, span));
            }
            OnCondition::Always | OnCondition::Otherwise => self.unconditional = Some(span),
        }
        None
    }
}

/// WM0119: an outcome's routes are tried in the order written, and the one above is always
/// taken, so this one never is.
fn route_never_taken(outcome: &str, first: Span, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::OutcomeRouteNeverTaken,
        span,
        format!("this route for `{outcome}` is never taken: a route above it is always taken"),
    )
    .label("never taken")
    .related(first, format!("`{outcome}` always goes this way"))
    .help(format!(
        "routes of one outcome are tried in the order written: put those with a condition \
         first and the route for every other case last (`on {outcome} otherwise <step>`), or \
         delete one of the two"
    ))
}

/// WM0120: `on X otherwise Y` says where the cases go that no condition above took, but no
/// route of the outcome above it has a condition.
fn otherwise_without_condition(outcome: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::OutcomeOtherwiseWithoutCondition,
        span,
        format!("`on {outcome} otherwise` has no route with a condition above it"),
    )
    .label("nothing above it for `otherwise` to follow")
    .help(format!(
        "write `on {outcome} then <step>` when `{outcome}` always goes one way; `otherwise` \
         follows one or more `on {outcome} then <step> when ...` lines"
    ))
}

/// For an `all of` line under a block that already has `any of`, or the reverse: the span of
/// the line that came first.
fn pieces_listed_before(item: &Item, clause: &ClauseKind) -> Option<Span> {
    let other = match clause {
        ClauseKind::AllOf(_) => "any",
        ClauseKind::AnyOf(_) => "all",
        _ => return None,
    };
    item.clauses
        .iter()
        .find(|c| c.kind.keyword() == other)
        .map(|c| c.span)
}

/// WM0118: one block cannot need both every piece and any one piece.
fn pieces_listed_both_ways(item: &Item, first: Span, second: Span) -> Diagnostic {
    Diagnostic::new(
        Code::PiecesListedBothWays,
        second,
        format!(
            "the together block `{}` lists its pieces with both `all of` and `any of`",
            item.id.text
        ),
    )
    .label("a second list of pieces")
    .related(first, "the pieces are listed here first")
    .help("keep one line: `all of` when every piece must be done, `any of` when one is enough; for both kinds of work, nest one block in the other (a piece may be a together block)")
}

/// Which detail lines each kind of item may have.
fn allowed(kind: ItemKind, clause: &ClauseKind) -> bool {
    use ClauseKind as C;
    match kind {
        ItemKind::Step => matches!(
            clause,
            C::By { .. }
                | C::Approved { .. }
                | C::Deadline(_)
                | C::Extendable(_)
                | C::OverrunNeedsReason
                | C::Untimed(_)
                | C::Waivable
                | C::MayRepeat
                | C::Optional(_)
                | C::Then { .. }
                | C::Otherwise(_)
                | C::Cite(_)
        ),
        ItemKind::Decision => matches!(
            clause,
            C::By { .. }
                | C::Approved { .. }
                | C::Deadline(_)
                | C::Extendable(_)
                | C::OverrunNeedsReason
                | C::Untimed(_)
                | C::MayRepeat
                | C::Outcomes(_)
                | C::On { .. }
                | C::Cite(_)
        ),
        ItemKind::Together => matches!(
            clause,
            C::AllOf(_)
                | C::AnyOf(_)
                | C::Deadline(_)
                | C::Extendable(_)
                | C::OverrunNeedsReason
                | C::Untimed(_)
                | C::Then { .. }
                | C::Otherwise(_)
                | C::Cite(_)
        ),
        ItemKind::Checkpoint => matches!(
            clause,
            C::By { .. } | C::At { .. } | C::Until(_) | C::Waivable | C::Cite(_)
        ),
        ItemKind::Recurring => matches!(
            clause,
            C::By { .. } | C::Every { .. } | C::Waivable | C::Cite(_)
        ),
        ItemKind::End => matches!(clause, C::Cite(_)),
    }
}

fn allowed_help(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Step => {
            "a step may have: by, approved by, due, target, extendable, overrun, untimed, waivable, may repeat, optional, then, otherwise, cite"
        }
        ItemKind::Decision => {
            "a decision may have: by, approved by, due, target, extendable, overrun, untimed, may repeat, outcomes, on, cite; it moves on with `on <outcome> then <step>`"
        }
        ItemKind::Together => {
            "a together block may have: all of (or any of), due, target, extendable, overrun, untimed, then, otherwise, cite; put roles on its steps"
        }
        ItemKind::Checkpoint => "a checkpoint may have: by, at, until, waivable, cite",
        ItemKind::Recurring => "a recurring obligation may have: by, every, waivable, cite",
        ItemKind::End => "an end may only have `cite` lines: the case stops there",
    }
}

/// Why only steps and decisions take `may repeat`, and what to write instead.
fn cannot_repeat_help(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::End => {
            "an end cannot repeat: the case stops there; put `may repeat` on the step or decision that happens again"
        }
        ItemKind::Together => {
            "a together block cannot repeat as a whole: put `may repeat` on the steps inside it that happen again"
        }
        ItemKind::Checkpoint => {
            "a checkpoint series already has one occurrence per time on its `at` line; delete `may repeat`"
        }
        ItemKind::Recurring => {
            "recurring work already repeats, once every period while its step lasts; delete `may repeat`"
        }
        ItemKind::Step | ItemKind::Decision => allowed_help(kind),
    }
}

/// Why only steps take `optional`, and what to write instead.
fn cannot_be_optional_help(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Decision => {
            "a decision chooses the way on, so every case that reaches it needs its outcome; make the steps on its routes optional instead, or route an outcome to an end"
        }
        ItemKind::Together => {
            "put `optional` on the pieces that may not happen: the block is done when its other pieces are"
        }
        ItemKind::End => "an end is where the case stops: it is not work that may be skipped",
        ItemKind::Checkpoint | ItemKind::Recurring => {
            "a checkpoint or recurring work that is not always needed takes a condition or a `waivable with reason` line instead"
        }
        ItemKind::Step => allowed_help(kind),
    }
}

/// Details that may be given only once per item.
fn once_only(clause: &ClauseKind) -> bool {
    use ClauseKind as C;
    matches!(
        clause,
        C::OverrunNeedsReason
            | C::Extendable(_)
            | C::Approved { .. }
            | C::Untimed(_)
            | C::Waivable
            | C::MayRepeat
            | C::Optional(_)
            | C::Outcomes(_)
            | C::Otherwise(_)
            | C::AllOf(_)
            | C::AnyOf(_)
            | C::At { .. }
            | C::Every { .. }
            | C::Until(_)
    )
}

/// The detail line an item's kind cannot do without, if it is missing.
fn missing_clause(item: &Item) -> Option<(&'static str, &'static str)> {
    let has = |keyword: &str| {
        item.clauses
            .iter()
            .any(|clause| clause.kind.keyword() == keyword)
    };
    match item.kind {
        ItemKind::Decision if !has("outcomes") => {
            Some(("outcomes", "outcomes section47, section17"))
        }
        ItemKind::Together if !has("all") && !has("any") => {
            Some(("all of", "all of initial_visit, child_seen_alone"))
        }
        ItemKind::Checkpoint if !has("at") => {
            Some(("at", "at 5, 15, 30 working days after referral"))
        }
        ItemKind::Recurring if !has("every") => {
            Some(("every", "every 6 weeks while child_protection_plan"))
        }
        _ => None,
    }
}

/// "a" or "an", for the keyword that follows.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Stores `value` unless the slot is already filled; returns whether it was (a repeat).
fn keep_first<T>(slot: &mut Option<T>, value: T) -> bool {
    let repeated = slot.is_some();
    if !repeated {
        *slot = Some(value);
    }
    repeated
}
