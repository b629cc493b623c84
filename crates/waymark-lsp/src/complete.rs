//! Completion from the words already on the line: keywords at the start of a line, then the
//! names that fit where the cursor is (steps, roles, facts, outcomes, sources, units), the
//! closest to what is typed first, as "did you mean" orders them.

use crate::analysis::Analysis;
use crate::symbols::Kind;
use lsp_types::{CompletionItem, CompletionItemKind};
use waymark_diagnostics::edit_distance;
use waymark_syntax::{ClauseKind, KEYWORDS};

/// Unit words a deadline may use (a test holds them to the units).
const UNITS: &[&str] = &[
    "working days",
    "calendar days",
    "days",
    "weeks",
    "months",
    "hours",
];

/// What fits at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Keywords,
    Names(Kind),
    Outcomes,
    Units,
    Words(&'static [&'static str]),
}

/// Completions at a byte offset.
pub fn complete(analysis: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let text = analysis.text();
    let offset = offset.min(text.len());
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |at| at + 1);
    let before = text.get(line_start..offset).unwrap_or_default();
    // Nothing fits inside a text or a comment, nor on a line that goes on with a quoted text.
    let continues_text = before.trim_start().starts_with('"');
    if before.contains('#') || before.matches('"').count() % 2 == 1 || continues_text {
        return Vec::new();
    }
    let typed_from = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |at| at + 1);
    let typed = before.get(typed_from..).unwrap_or_default();
    let words: Vec<&str> = before
        .get(..typed_from)
        .unwrap_or_default()
        .split([' ', '\t', ','])
        .filter(|w| !w.is_empty())
        .collect();
    // `after strategy_discussion is `: that decision's outcomes.
    if let [.., "after", decision, "is"] = words.as_slice()
        && matches!(words.first(), Some(&("due" | "target" | "at")))
    {
        return ranked(outcomes_of(analysis, decision), typed);
    }
    let candidates: Vec<(String, CompletionItemKind)> = match want(&words) {
        Want::Keywords => KEYWORDS
            .iter()
            .map(|k| (k.to_string(), CompletionItemKind::KEYWORD))
            .collect(),
        Want::Names(kind) => names(analysis, kind),
        Want::Outcomes => outcomes(analysis, offset),
        Want::Units => UNITS
            .iter()
            .map(|u| (u.to_string(), CompletionItemKind::UNIT))
            .collect(),
        Want::Words(words) => words
            .iter()
            .map(|w| (w.to_string(), CompletionItemKind::KEYWORD))
            .collect(),
    };
    ranked(candidates, typed)
}

/// What fits after these whole words on the line.
fn want(words: &[&str]) -> Want {
    let Some(&first) = words.first() else {
        return Want::Keywords;
    };
    let last = words.last().copied().unwrap_or_default();
    if first == "extendable" {
        return extendable_want(words.len(), last);
    }
    // Roles are joined by `or` and `and` on `by` and `approved by` lines, up to a `when`.
    let roles_line = matches!(first, "by" | "approved") && !words.contains(&"when");
    match last {
        "or" | "and" if roles_line => return Want::Names(Kind::Role),
        "when" | "and" | "or" | "fact" => return Want::Names(Kind::Fact),
        "after" if !words.contains(&"is") => return Want::Names(Kind::Step),
        "while" => return Want::Names(Kind::Step),
        "before" => return Want::Words(&["fact", "each"]),
        // `before each STEP`: every occurrence of a step that may repeat.
        "each" if words.contains(&"before") => return Want::Names(Kind::Step),
        "may" if words.len() == 1 => return Want::Words(&["repeat"]),
        _ => {}
    }
    if last.chars().all(|c| c.is_ascii_digit())
        && matches!(first, "due" | "target" | "at" | "every")
    {
        return Want::Units;
    }
    match (first, words.len()) {
        ("then" | "otherwise" | "until" | "start", 1) => Want::Names(Kind::Step),
        ("all" | "any", _) if last == "of" => Want::Names(Kind::Step),
        ("all" | "any", _) => Want::Names(Kind::Step),
        ("on", 1) => Want::Outcomes,
        // `on OUTCOME then STEP when ...`, or `on OUTCOME otherwise STEP` for the rest.
        ("on", 2) => Want::Words(&["then", "otherwise"]),
        ("on", 3) => Want::Names(Kind::Step),
        ("on", 4) if words.get(2) == Some(&"then") => Want::Words(&["when"]),
        ("by", _) => Want::Names(Kind::Role),
        ("approved", 1) => Want::Words(&["by"]),
        ("approved", _) => Want::Names(Kind::Role),
        ("cite", 1) => Want::Names(Kind::Source),
        _ => Want::Words(&[]),
    }
}

/// What fits on an `extendable by up to 10 working days with reason, approved by manager` line
/// after `len` words, the last being `last`.
fn extendable_want(len: usize, last: &str) -> Want {
    match last {
        "extendable" => Want::Words(&["by"]),
        "by" if len == 2 => Want::Words(&["up"]),
        "up" => Want::Words(&["to"]),
        "with" => Want::Words(&["reason,"]),
        "reason," => Want::Words(&["approved"]),
        "approved" => Want::Words(&["by"]),
        "by" | "or" => Want::Names(Kind::Role),
        _ if last.chars().all(|c| c.is_ascii_digit()) && len == 5 => Want::Units,
        "days" | "day" | "weeks" | "week" | "months" | "month" | "hours" | "hour" => {
            Want::Words(&["with"])
        }
        _ => Want::Words(&[]),
    }
}

/// The declared names of a kind, with the procedures `use` brings in among the steps.
fn names(analysis: &Analysis, kind: Kind) -> Vec<(String, CompletionItemKind)> {
    let item_kind = match kind {
        Kind::Step => CompletionItemKind::FUNCTION,
        Kind::Role => CompletionItemKind::CLASS,
        Kind::Fact => CompletionItemKind::FIELD,
        Kind::Source => CompletionItemKind::REFERENCE,
        Kind::Outcome => CompletionItemKind::ENUM_MEMBER,
    };
    let mut names: Vec<String> = analysis
        .occurrences
        .iter()
        .filter(|o| o.declaration && o.kind == kind)
        .map(|o| o.key.clone())
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(|n| (n, item_kind)).collect()
}

/// The outcomes of the decision the cursor is in.
fn outcomes(analysis: &Analysis, offset: usize) -> Vec<(String, CompletionItemKind)> {
    let item = analysis
        .document
        .items
        .iter()
        .take_while(|i| (i.span.start as usize) <= offset)
        .last();
    item.into_iter()
        .flat_map(|i| &i.clauses)
        .filter_map(|c| match &c.kind {
            ClauseKind::Outcomes(names) => Some(names),
            _ => None,
        })
        .flatten()
        .map(|n| (n.text.clone(), CompletionItemKind::ENUM_MEMBER))
        .collect()
}

/// The outcomes of the decision named `decision`, for `after DECISION is OUTCOME`.
fn outcomes_of(analysis: &Analysis, decision: &str) -> Vec<(String, CompletionItemKind)> {
    let prefix = format!("{decision}.");
    let mut outcomes: Vec<String> = analysis
        .occurrences
        .iter()
        .filter(|o| o.declaration && o.kind == Kind::Outcome)
        .filter_map(|o| o.key.strip_prefix(&prefix).map(str::to_string))
        .collect();
    outcomes.sort();
    outcomes.dedup();
    outcomes
        .into_iter()
        .map(|o| (o, CompletionItemKind::ENUM_MEMBER))
        .collect()
}

/// Candidates ordered as "did you mean" would: those starting with what is typed, then the
/// fewest edits away, then by name.
fn ranked(candidates: Vec<(String, CompletionItemKind)>, typed: &str) -> Vec<CompletionItem> {
    let mut scored: Vec<(usize, String, CompletionItemKind)> = candidates
        .into_iter()
        .map(|(label, kind)| {
            let score = if label.starts_with(typed) {
                0
            } else {
                let stem: String = label.chars().take(typed.chars().count()).collect();
                1 + edit_distance(typed, &stem).min(edit_distance(typed, &label))
            };
            (score, label, kind)
        })
        .collect();
    scored.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    scored
        .into_iter()
        .enumerate()
        .map(|(rank, (_, label, kind))| CompletionItem {
            sort_text: Some(format!("{rank:04}")),
            filter_text: Some(label.clone()),
            kind: Some(kind),
            label,
            ..CompletionItem::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_is_offered() {
        for unit in waymark_syntax::Unit::ALL {
            assert!(UNITS.contains(&unit.words(2u32)), "{unit:?}");
        }
    }

    #[test]
    fn the_words_before_the_cursor_say_what_fits() {
        assert_eq!(want(&[]), Want::Keywords);
        assert_eq!(want(&["then"]), Want::Names(Kind::Step));
        assert_eq!(want(&["by", "manager", "or"]), Want::Names(Kind::Role));
        assert_eq!(want(&["by", "manager", "when"]), Want::Names(Kind::Fact));
        assert_eq!(want(&["by", "manager", "and"]), Want::Names(Kind::Role));
        assert_eq!(
            want(&["by", "a", "when", "x", "is", "y", "and"]),
            Want::Names(Kind::Fact)
        );
        assert_eq!(want(&["approved"]), Want::Words(&["by"]));
        assert_eq!(want(&["extendable"]), Want::Words(&["by"]));
        assert_eq!(want(&["extendable", "by", "up", "to", "10"]), Want::Units);
        assert_eq!(
            want(&["extendable", "by", "up", "to", "10", "working", "days"]),
            Want::Words(&["with"])
        );
        let approved = [
            "extendable",
            "by",
            "up",
            "to",
            "1",
            "week",
            "with",
            "reason,",
            "approved",
            "by",
        ];
        assert_eq!(want(&approved), Want::Names(Kind::Role));
        assert_eq!(want(&["approved", "by"]), Want::Names(Kind::Role));
        assert_eq!(
            want(&["approved", "by", "a", "or"]),
            Want::Names(Kind::Role)
        );
        assert_eq!(want(&["due", "5"]), Want::Units);
        assert_eq!(
            want(&["due", "5", "working", "days", "after"]),
            Want::Names(Kind::Step)
        );
        assert_eq!(
            want(&["due", "2", "working", "days", "before"]),
            Want::Words(&["fact", "each"])
        );
        assert_eq!(
            want(&["due", "2", "working", "days", "before", "each"]),
            Want::Names(Kind::Step)
        );
        assert_eq!(want(&["on"]), Want::Outcomes);
        // A route out of a decision, with a condition of its own or for every other case.
        assert_eq!(
            want(&["on", "section47"]),
            Want::Words(&["then", "otherwise"])
        );
        assert_eq!(
            want(&["on", "section47", "otherwise"]),
            Want::Names(Kind::Step)
        );
        assert_eq!(
            want(&["on", "section47", "then", "enquiry"]),
            Want::Words(&["when"])
        );
        assert_eq!(
            want(&["on", "section47", "then", "enquiry", "when"]),
            Want::Names(Kind::Fact)
        );
        assert_eq!(
            want(&["on", "section47", "otherwise", "enquiry"]),
            Want::Words(&[])
        );
        assert_eq!(want(&["cite"]), Want::Names(Kind::Source));
    }

    struct NoDisk;
    impl crate::analysis::Disk for NoDisk {
        fn read(&self, _: &std::path::Path) -> Option<String> {
            None
        }
    }

    const MEETING: &str = "procedure p\nrole r\nstart meeting\ndecision meeting\n  by r\n  untimed \"u\"\n  may repeat\n  outcomes section47, section17\n  on section47 then icpc\n  on section17 then closed\nstep icpc\n  by r\n  due 15 working days after meeting is se\n  then closed\nend closed\n";

    fn labels_at(text: &str, after: &str) -> Vec<String> {
        let analysis = Analysis::new(
            std::path::Path::new("p.wm"),
            text,
            &crate::analysis::Open::new(),
            &NoDisk,
        );
        let offset = text.find(after).map(|at| at + after.len()).unwrap_or(0);
        complete(&analysis, offset)
            .into_iter()
            .map(|item| item.label)
            .collect()
    }

    #[test]
    fn after_a_decision_and_is_its_outcomes_fit() {
        let labels = labels_at(MEETING, "after meeting is se");
        assert_eq!(labels, ["section17", "section47"]);
        assert_eq!(
            labels_at("procedure p\nstep a\n  may re", "  may re"),
            ["repeat"]
        );
    }

    #[test]
    fn closest_first() {
        let items = ranked(
            vec![
                ("assessment".into(), CompletionItemKind::FUNCTION),
                ("referral".into(), CompletionItemKind::FUNCTION),
                ("refusal".into(), CompletionItemKind::FUNCTION),
            ],
            "refer",
        );
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["referral", "refusal", "assessment"]);
    }
}
