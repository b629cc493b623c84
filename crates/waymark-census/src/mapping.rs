//! The mapping from census fields to a procedure's steps, outcomes and facts: a small TOML
//! file, so that a local authority whose procedure names its steps differently changes no
//! code. A mapping is read ([`Mapping::parse`]), then checked against the procedure it targets
//! ([`Mapping::check`]); every problem is a diagnostic with a span into the TOML file.

use crate::spec::{self, Block, Kind};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;
use waymark_compile::{FactKind, Procedure, StepKind};
use waymark_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};

/// The mappings shipped with Waymark, by the id of the procedure each targets.
const SHIPPED: &[(&str, &str, &str)] = &[
    (
        "assessment",
        "mappings/assessment.toml",
        include_str!("../mappings/assessment.toml"),
    ),
    (
        "section47",
        "mappings/section47.toml",
        include_str!("../mappings/section47.toml"),
    ),
    (
        "child_protection_plan",
        "mappings/child_protection_plan.toml",
        include_str!("../mappings/child_protection_plan.toml"),
    ),
];

/// The shipped mapping for a procedure: its name (for messages) and text.
pub fn shipped(procedure: &str) -> Option<(&'static str, &'static str)> {
    SHIPPED
        .iter()
        .find(|(id, _, _)| *id == procedure)
        .map(|(_, name, text)| (*name, *text))
}

/// The procedures a mapping is shipped for, for messages.
pub fn shipped_for() -> Vec<&'static str> {
    SHIPPED.iter().map(|(id, _, _)| *id).collect()
}

/// A census date field becomes a record of a step, on that date.
#[derive(Clone, Debug)]
pub struct RecordRule {
    pub field: &'static str,
    pub block: Block,
    /// The step for the field's first value in its block, the second, ...; the last one takes
    /// every value after (a plan's reviews: the first review, then each later one).
    pub steps: Vec<String>,
    pub outcome: Option<String>,
    /// Only in the cases made for a second or later block of an episode (where the episode's
    /// own records are not repeated): how such a case starts its clock.
    pub later_only: bool,
    spans: RuleSpans,
}

/// A census yes/no field becomes a decision with one of two outcomes. The census gives no
/// date for the decision, so it is dated on the first of `on` that the block (or its episode)
/// has; with none of them, no record is made.
#[derive(Clone, Debug)]
pub struct DecisionRule {
    pub field: &'static str,
    pub block: Block,
    pub step: String,
    pub when_true: String,
    pub when_false: String,
    pub on: Vec<&'static str>,
    spans: RuleSpans,
}

/// A census date field of the child becomes a date fact (`field`), or a fact the census does
/// not carry takes a fixed value (`value`), when the episode has a block (`when`) or always.
#[derive(Clone, Debug)]
pub struct FactRule {
    pub field: Option<&'static str>,
    pub value: Option<String>,
    pub when: Option<Block>,
    pub fact: String,
    spans: RuleSpans,
}

#[derive(Clone, Debug, Default)]
struct RuleSpans {
    field: Span,
    steps: Vec<Span>,
    outcomes: Vec<Span>,
}

/// A mapping, read and with its fields known.
#[derive(Clone, Debug)]
pub struct Mapping {
    pub procedure: Option<String>,
    procedure_span: Span,
    pub records: Vec<RecordRule>,
    pub decisions: Vec<DecisionRule>,
    pub facts: Vec<FactRule>,
}

// The file's shape, as serde reads it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    procedure: Option<Spanned<String>>,
    #[serde(default)]
    record: Vec<RecordToml>,
    #[serde(default)]
    decision: Vec<DecisionToml>,
    #[serde(default)]
    fact: Vec<FactToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordToml {
    field: Spanned<String>,
    step: Option<Spanned<String>>,
    steps: Option<Vec<Spanned<String>>>,
    outcome: Option<Spanned<String>>,
    #[serde(default)]
    later_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionToml {
    field: Spanned<String>,
    step: Spanned<String>,
    when_true: Spanned<String>,
    when_false: Spanned<String>,
    #[serde(default)]
    on: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactToml {
    field: Option<Spanned<String>>,
    value: Option<Spanned<String>>,
    when: Option<Spanned<String>>,
    fact: Spanned<String>,
}

impl Mapping {
    /// Reads a mapping file (`file` is its id in the diagnostics' sources).
    pub fn parse(file: FileId, text: &str) -> Result<Mapping, Vec<Diagnostic>> {
        let span = |range: Range<usize>| Span::new(file, range.start, range.end);
        let parsed: FileToml = toml::from_str(text).map_err(|error| {
            let at = error.span().map_or(Span::new(file, 0, 0), span);
            vec![
                Diagnostic::new(
                    Code::MappingUnreadable,
                    at,
                    format!("the mapping cannot be read: {}", error.message().trim_end()),
                )
                .label("here")
                .help("docs/cin-census.md shows the keys of a mapping"),
            ]
        })?;
        let mut problems = Vec::new();
        let mut field = |name: &Spanned<String>, want: Kind| -> Option<(&'static str, Block)> {
            let at = span(name.span());
            match spec::field(name.get_ref()) {
                Some((block, kind)) if kind == want => spec::field_names()
                    .into_iter()
                    .find(|known| known == name.get_ref())
                    .map(|known| (known, block)),
                found => {
                    let wanted = match want {
                        Kind::Flag => "a yes/no field",
                        _ => "a date field",
                    };
                    let names: Vec<&str> = spec::field_names()
                        .into_iter()
                        .filter(|known| spec::field(known).is_some_and(|(_, kind)| kind == want))
                        .collect();
                    let help = match (found, did_you_mean(name.get_ref(), names.iter().copied())) {
                        (Some(_), _) => format!("`{}` is not {wanted} here", name.get_ref()),
                        (None, Some(guess)) => format!("did you mean `{guess}`?"),
                        (None, None) => format!("the census's {wanted}s are {}", names.join(", ")),
                    };
                    problems.push(
                        Diagnostic::new(
                            Code::MappingUnknownField,
                            at,
                            format!("`{}` is not {wanted} of the census", name.get_ref()),
                        )
                        .label("not a census field that can be read here")
                        .help(help),
                    );
                    None
                }
            }
        };
        let mut records = Vec::new();
        for rule in &parsed.record {
            let Some((name, block)) = field(&rule.field, Kind::Date) else {
                continue;
            };
            let mut steps: Vec<&Spanned<String>> = rule.step.iter().collect();
            steps.extend(rule.steps.iter().flatten());
            records.push(RecordRule {
                field: name,
                block,
                steps: steps.iter().map(|step| step.get_ref().clone()).collect(),
                outcome: rule.outcome.as_ref().map(|o| o.get_ref().clone()),
                later_only: rule.later_only,
                spans: RuleSpans {
                    field: span(rule.field.span()),
                    steps: steps.iter().map(|step| span(step.span())).collect(),
                    outcomes: rule.outcome.iter().map(|o| span(o.span())).collect(),
                },
            });
        }
        let mut decisions = Vec::new();
        for rule in &parsed.decision {
            let Some((name, block)) = field(&rule.field, Kind::Flag) else {
                continue;
            };
            let on: Vec<&'static str> = rule
                .on
                .iter()
                .filter_map(|date| field(date, Kind::Date).map(|(known, _)| known))
                .collect();
            decisions.push(DecisionRule {
                field: name,
                block,
                step: rule.step.get_ref().clone(),
                when_true: rule.when_true.get_ref().clone(),
                when_false: rule.when_false.get_ref().clone(),
                on,
                spans: RuleSpans {
                    field: span(rule.field.span()),
                    steps: vec![span(rule.step.span())],
                    outcomes: vec![span(rule.when_true.span()), span(rule.when_false.span())],
                },
            });
        }
        let mut facts = Vec::new();
        let mut shape = Vec::new();
        for rule in &parsed.fact {
            let name = match &rule.field {
                Some(name) => match field(name, Kind::Date) {
                    Some((known, _)) => Some(known),
                    None => continue,
                },
                None => None,
            };
            let when = rule.when.as_ref().and_then(|when| {
                let block = Block::REPEATED.into_iter().find(|b| b.element() == when.get_ref());
                if block.is_none() {
                    shape.push(
                        Diagnostic::new(
                            Code::MappingUnknownField,
                            span(when.span()),
                            format!("`{}` is not a block of an episode", when.get_ref()),
                        )
                        .label("not a census block")
                        .help("`when` names Assessments, Section47, ChildProtectionPlans or CINPlanDates"),
                    );
                }
                block
            });
            if name.is_some() == rule.value.is_some() {
                shape.push(
                    Diagnostic::new(
                        Code::MappingUnreadable,
                        span(rule.fact.span()),
                        format!(
                            "the rule for the fact `{}` needs either `field` or `value`",
                            rule.fact.get_ref()
                        ),
                    )
                    .label("this rule")
                    .help(
                        "a census date field gives the fact with `field`; a fixed value is `value`",
                    ),
                );
                continue;
            }
            let value_span = rule.value.as_ref().map(|v| span(v.span()));
            facts.push(FactRule {
                field: name,
                value: rule.value.as_ref().map(|v| v.get_ref().clone()),
                when,
                fact: rule.fact.get_ref().clone(),
                spans: RuleSpans {
                    field: rule
                        .field
                        .as_ref()
                        .map_or(span(rule.fact.span()), |f| span(f.span())),
                    steps: vec![span(rule.fact.span())],
                    outcomes: value_span.into_iter().collect(),
                },
            });
        }
        problems.extend(shape);
        for rule in &parsed.record {
            if rule.step.is_none() && rule.steps.as_ref().is_none_or(Vec::is_empty) {
                problems.push(
                    Diagnostic::new(
                        Code::MappingUnreadable,
                        span(rule.field.span()),
                        format!("the rule for `{}` names no step", rule.field.get_ref()),
                    )
                    .label("this rule")
                    .help("add `step = \"...\"` (or `steps = [...]` for a field that repeats)"),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Mapping {
            procedure_span: parsed
                .procedure
                .as_ref()
                .map_or(Span::new(file, 0, 0), |p| span(p.span())),
            procedure: parsed.procedure.map(Spanned::into_inner),
            records,
            decisions,
            facts,
        })
    }

    /// The steps of `procedure` that no rule of this mapping records, in the procedure's
    /// order: the census has no field for them, so a census case never records them. (A
    /// checkpoint counts as recorded when a rule records one of its occurrences; optional
    /// steps are left out.)
    pub fn steps_not_recorded<'p>(&self, procedure: &'p Procedure) -> Vec<&'p str> {
        let recorded = |id: &str| {
            let named = |step: &str| {
                step == id
                    || (step.strip_prefix(id))
                        .and_then(|rest| rest.strip_prefix('_'))
                        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
            };
            self.records
                .iter()
                .flat_map(|rule| &rule.steps)
                .any(|s| named(s))
                || self.decisions.iter().any(|rule| named(&rule.step))
        };
        procedure
            .steps
            .iter()
            .filter(|step| {
                matches!(
                    step.kind,
                    StepKind::Task
                        | StepKind::Decision
                        | StepKind::Checkpoint { .. }
                        | StepKind::Recurring { .. }
                )
            })
            // An optional step no field records is simply never done: no gap, never overdue.
            .filter(|step| step.optional.is_none())
            .map(|step| step.id.as_str())
            .filter(|id| !recorded(id))
            .collect()
    }

    /// Checks every step, outcome and fact the mapping names against the procedure.
    pub fn check(&self, procedure: &Procedure) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        if let Some(target) = &self.procedure
            && *target != procedure.id
        {
            problems.push(
                Diagnostic::new(
                    Code::MappingOtherProcedure,
                    self.procedure_span,
                    format!(
                        "this mapping is written for the procedure `{target}`, not `{}`",
                        procedure.id
                    ),
                )
                .label("the procedure this mapping targets")
                .help("give the mapping written for this procedure with `--map FILE`"),
            );
            return problems;
        }
        for rule in &self.records {
            for (step, at) in rule.steps.iter().zip(&rule.spans.steps) {
                check_step(
                    procedure,
                    step,
                    *at,
                    rule.outcome.as_deref(),
                    rule.spans.outcomes.first().copied().unwrap_or(*at),
                    &mut problems,
                );
            }
        }
        for rule in &self.decisions {
            let at = rule
                .spans
                .steps
                .first()
                .copied()
                .unwrap_or(rule.spans.field);
            for (outcome, outcome_at) in [&rule.when_true, &rule.when_false]
                .into_iter()
                .zip(&rule.spans.outcomes)
            {
                check_step(
                    procedure,
                    &rule.step,
                    at,
                    Some(outcome),
                    *outcome_at,
                    &mut problems,
                );
            }
        }
        for rule in &self.facts {
            let at = rule
                .spans
                .steps
                .first()
                .copied()
                .unwrap_or(rule.spans.field);
            match procedure.facts.iter().find(|fact| fact.id == rule.fact) {
                // A decision's outcome or a fact recorded at a step comes from a record: a case
                // that gave it up front would not run (WM0511).
                Some(fact) if fact.known_at().is_some() => problems.push(
                    Diagnostic::new(
                        Code::MappingUnknownFact,
                        at,
                        format!(
                            "the fact `{}` comes from a step's record, not from the case's facts",
                            fact.id
                        ),
                    )
                    .label("not a fact a case gives")
                    .help("map the step instead: its record gives the fact"),
                ),
                Some(fact) if rule.value.is_some() => {
                    let value = rule.value.as_deref().unwrap_or_default();
                    let fits = match &fact.kind {
                        FactKind::OneOf(words) => words.iter().any(|w| w == value),
                        FactKind::Date => waymark_calendar::parse_date(value).is_ok(),
                        FactKind::Number => value.parse::<u64>().is_ok(),
                        FactKind::YesNo => matches!(value, "yes" | "no"),
                    };
                    if !fits {
                        problems.push(
                            Diagnostic::new(
                                Code::MappingUnknownFact,
                                rule.spans.outcomes.first().copied().unwrap_or(at),
                                format!("`{value}` is not a value of the fact `{}`", fact.id),
                            )
                            .label("not a value of the fact")
                            .help(format!("the fact is {}", fact.kind.describe())),
                        );
                    }
                }
                Some(fact) if fact.kind == FactKind::Date => {}
                Some(fact) => problems.push(
                    Diagnostic::new(
                        Code::MappingUnknownFact,
                        at,
                        format!(
                            "the fact `{}` is {}, not a date",
                            fact.id,
                            fact.kind.describe()
                        ),
                    )
                    .label("not a date fact")
                    .help(format!(
                        "`{}` is a date: map it to a fact declared `is a date`",
                        rule.field.unwrap_or("the field")
                    )),
                ),
                None => {
                    let names = procedure.facts.iter().map(|fact| fact.id.as_str());
                    let help = match did_you_mean(&rule.fact, names) {
                        Some(guess) => format!("did you mean `{guess}`?"),
                        None => format!("`{}` declares no such fact", procedure.id),
                    };
                    problems.push(
                        Diagnostic::new(
                            Code::MappingUnknownFact,
                            at,
                            format!(
                                "the procedure `{}` has no fact `{}`",
                                procedure.id, rule.fact
                            ),
                        )
                        .label("no such fact")
                        .help(help),
                    );
                }
            }
        }
        problems
    }
}

/// Checks that `step` exists and that `outcome` fits it: a decision needs one of its outcomes,
/// any other step none.
fn check_step(
    procedure: &Procedure,
    step: &str,
    at: Span,
    outcome: Option<&str>,
    outcome_at: Span,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(found) = procedure.steps.iter().find(|s| s.id == step) else {
        let names = procedure.steps.iter().map(|s| s.id.as_str());
        let help = match did_you_mean(step, names) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "`{}` and the procedures it uses have no such step",
                procedure.id
            ),
        };
        problems.push(
            Diagnostic::new(
                Code::MappingUnknownStep,
                at,
                format!("the procedure `{}` has no step `{step}`", procedure.id),
            )
            .label("no such step")
            .help(help),
        );
        return;
    };
    let decision = matches!(found.kind, StepKind::Decision);
    match (decision, outcome) {
        (true, Some(outcome)) if found.outcomes.iter().any(|o| o.id == outcome) => {}
        (true, Some(outcome)) => problems.push(
            Diagnostic::new(
                Code::MappingOutcomeInvalid,
                outcome_at,
                format!("the decision `{step}` has no outcome `{outcome}`"),
            )
            .label("not one of its outcomes")
            .help(format!("its outcomes are {}", outcome_list(found))),
        ),
        (true, None) => problems.push(
            Diagnostic::new(
                Code::MappingOutcomeInvalid,
                at,
                format!("`{step}` is a decision, so its record needs an outcome"),
            )
            .label("a decision")
            .help(format!(
                "add `outcome = \"...\"`, one of {}",
                outcome_list(found)
            )),
        ),
        (false, Some(outcome)) => problems.push(
            Diagnostic::new(
                Code::MappingOutcomeInvalid,
                outcome_at,
                format!("`{step}` is not a decision, so it has no outcome `{outcome}`"),
            )
            .label("an outcome for a step that is not a decision")
            .help("remove `outcome`, or map the field to a decision"),
        ),
        (false, None) => {}
    }
}

fn outcome_list(step: &waymark_compile::Step) -> String {
    let ids: Vec<&str> = step.outcomes.iter().map(|o| o.id.as_str()).collect();
    ids.join(", ")
}
