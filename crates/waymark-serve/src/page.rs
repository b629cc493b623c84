//! What the page shows, as one JSON document: the drawing, the diagnostics, each step's rules
//! in words with its citations (shown when a step is clicked), the facts the try-a-case panel
//! asks for, and with `--compare` the `diff` text.

use serde_json::{Map, Value, json};
use waymark_compile::{FactKind, Procedure, RouteWhen, Step, StepKind};
use waymark_diagnostics::{Diagnostic, Sources, Span};

/// Everything the CLI read and built for one state of the page.
pub struct PageInput<'a> {
    /// The procedure file, as given on the command line.
    pub path: &'a str,
    /// The compiled procedure, when it compiled.
    pub procedure: Option<&'a Procedure>,
    /// Every diagnostic, errors and warnings, sorted.
    pub diagnostics: &'a [Diagnostic],
    pub sources: &'a Sources,
    /// The SVG drawing (the comparison's, with `--compare`); `None` when there are errors.
    pub svg: Option<String>,
    /// With `--compare`: the earlier version's path and `waymark diff`'s text.
    pub compare: Option<(&'a str, String)>,
}

/// The page's JSON.
pub fn page_json(input: &PageInput<'_>) -> String {
    let where_ = |span: Span| place(input.sources, span);
    let diagnostics: Vec<Value> = input
        .diagnostics
        .iter()
        .map(|d| {
            let (file, line, column) = where_(d.primary.span);
            json!({
                "code": d.code.as_str(),
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": file,
                "line": line,
                "column": column,
                "label": d.primary.text,
                "help": d.help,
            })
        })
        .collect();
    let errors = input.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = input.diagnostics.len() - errors;
    let mut page = json!({
        "file": input.path,
        "svg": input.svg,
        "diagnostics": diagnostics,
        "errors": errors,
        "warnings": warnings,
        "compare": input.compare.as_ref().map(|(old, diff)| json!({ "old": old, "diff": diff })),
    });
    if let (Some(procedure), Value::Object(fields)) = (input.procedure, &mut page) {
        fields.insert("title".into(), procedure.title.clone().into());
        fields.insert(
            "start".into(),
            procedure.step(procedure.start).id.clone().into(),
        );
        fields.insert("calendar".into(), procedure.calendar.clone().into());
        fields.insert("steps".into(), steps_json(procedure, input.sources));
        fields.insert("facts".into(), facts_json(procedure));
    }
    serde_json::to_string(&page).unwrap_or_default()
}

/// `(file, line, column)` of a span, 1-based.
fn place(sources: &Sources, span: Span) -> (String, usize, usize) {
    let name = sources.name(span.file).to_string();
    match sources.get(span.file) {
        Some(file) => {
            let (line, column) = file.line_column(span.start);
            (name, line, column)
        }
        None => (name, 0, 0),
    }
}

/// Each step by id, with its rules in words: who acts, its deadlines, whether it may be
/// waived, where it goes next, and its citations.
fn steps_json(procedure: &Procedure, sources: &Sources) -> Value {
    let mut steps = Map::new();
    for step in &procedure.steps {
        if matches!(step.kind, StepKind::Join { .. }) {
            continue;
        }
        let (file, line, _) = place(sources, step.span);
        let mut rules: Vec<String> = step
            .roles
            .iter()
            .map(|rule| procedure.role_rule_sentence(rule))
            .collect();
        rules.extend(
            step.approval
                .as_ref()
                .map(|approval| procedure.approval_words(approval, true)),
        );
        rules.extend(step.deadlines.iter().map(|d| procedure.deadline_line(d)));
        rules.extend(
            (step.extension.as_ref())
                .map(|extension| format!("{}.", procedure.extension_sentence(extension))),
        );
        rules.extend(kind_words(procedure, step));
        if let Some(reason) = &step.untimed {
            rules.push(format!("No deadline: {reason}."));
        }
        if step.waivable {
            rules.push("May be waived, with the reason recorded.".to_string());
        }
        if step.overrun_needs_reason {
            rules.push("When the limit is missed, the reason must be recorded.".to_string());
        }
        for route in &step.routes {
            let target = procedure.step_in_sentence(route.target);
            let when = procedure.route_words(step, &route.when);
            rules.push(match &route.when {
                RouteWhen::Always => format!("Then: {target}."),
                RouteWhen::Guard(_) => format!("Then, when {when}: {target}."),
                RouteWhen::Otherwise => format!("Otherwise: {target}."),
                RouteWhen::Outcome(_) => format!("On `{when}`: {target}."),
                RouteWhen::OutcomeWhen(outcome, _) => format!(
                    "On `{}`, when {when}: {target}.",
                    procedure.outcome_words(step, *outcome)
                ),
                RouteWhen::OutcomeOtherwise(outcome) => format!(
                    "On `{}`, otherwise: {target}.",
                    procedure.outcome_words(step, *outcome)
                ),
            });
        }
        let rules: Vec<String> = rules.iter().map(|rule| sentence(rule)).collect();
        let citations: Vec<Value> = step
            .cites
            .iter()
            .map(|cite| {
                let source = procedure.source(cite.source);
                json!({ "source": source.id, "title": source.title, "phrase": cite.phrase })
            })
            .collect();
        steps.insert(
            step.id.clone(),
            json!({
                "title": step.title,
                "kind": kind_name(step),
                "file": file,
                "line": line,
                "rules": rules,
                "citations": citations,
            }),
        );
    }
    Value::Object(steps)
}

/// A rule as a sentence: a capital first letter and a full stop.
fn sentence(rule: &str) -> String {
    let mut chars = rule.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn kind_name(step: &Step) -> &'static str {
    match step.kind {
        StepKind::Task => "step",
        StepKind::Decision => "decision",
        StepKind::Together { .. } => "together",
        StepKind::Join { .. } => "join",
        StepKind::Checkpoint { .. } => "checkpoint",
        StepKind::Recurring { .. } => "recurring",
        StepKind::End => "end",
    }
}

/// What only some kinds of step say: a decision's outcomes, a recurring obligation's interval.
fn kind_words(procedure: &Procedure, step: &Step) -> Option<String> {
    match &step.kind {
        StepKind::Decision => Some(format!(
            "Outcomes: {}.",
            step.outcomes
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        StepKind::Recurring {
            every,
            unit,
            during,
            ..
        } => Some(format!(
            "Every {} while the case is at {}.",
            unit.amount_words(*every),
            procedure.step(*during).id
        )),
        StepKind::Together {
            members, needed, ..
        } => Some(format!(
            "{}: {}.",
            match needed {
                waymark_compile::Needed::All => "All of",
                waymark_compile::Needed::Any => "Any of (one is enough)",
            },
            members
                .iter()
                .map(|m| procedure.step(*m).id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

/// The facts a trial case may give, with the values a `one of` fact takes. A decision's
/// outcome and a fact recorded at a step come from the trial's records, not from a field.
fn facts_json(procedure: &Procedure) -> Value {
    procedure
        .facts
        .iter()
        .filter(|fact| fact.known_at().is_none())
        .map(|fact| {
            let (kind, values) = match &fact.kind {
                FactKind::OneOf(words) => ("one_of", words.clone()),
                FactKind::Date => ("date", Vec::new()),
                FactKind::Number => ("number", Vec::new()),
                FactKind::YesNo => ("yes_no", vec!["yes".into(), "no".into()]),
            };
            json!({
                "id": fact.id,
                "title": fact.title,
                "kind": kind,
                "values": values,
                "optional": fact.optional,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_diagnostics::FileId;

    #[test]
    fn a_decisions_routes_with_conditions_say_their_outcome_and_condition() {
        let text = "procedure p\nfact f is yes or no\nstart a\ndecision a\n  untimed \"u\"\n  \
                    outcomes x, y\n  on x then b when f is yes\n  on x otherwise c\n  on y then c\n\
                    end b\nend c\n";
        let mut sources = Sources::new();
        let file = sources.add("p.wm".to_string(), text.to_string());
        assert_eq!(file, FileId(0));
        let parsed = waymark_syntax::parse(file, text);
        let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
        let procedure = compiled.procedure.expect("the procedure compiles");
        let steps = steps_json(&procedure, &sources);
        let rules = steps["a"]["rules"].to_string();
        for expected in ["On `x`, when f is yes: ", "On `x`, otherwise: ", "On `y`: "] {
            assert!(rules.contains(expected), "{expected:?} not in {rules}");
        }
    }
}
