//! A census child, through a mapping, to cases: one case per episode, named
//! `LAchildID/CINreferralDate`, holding the episode's own records and those of its first
//! assessment, Section 47 enquiry and plan. A second or later assessment (or enquiry, or plan)
//! of the episode has its own clock, so it becomes a case of its own, named
//! `LAchildID/CINreferralDate/assessment-2` (`s47-2`, `cpp-2`, `cin-plan-2`). A case that
//! would hold no record is not made.

use crate::mapping::Mapping;
use crate::read::{At, Child, Finding, Node};
use crate::spec::Block;
use serde::Serialize;
use std::collections::BTreeMap;
use waymark_calendar::{DateError, parse_date, why_no_such_day};
use waymark_diagnostics::Code;
use waymark_run::{BadCase, Case, EventFields, InputFile, Plan, Problem};

/// A case as the census gives it, before it is checked against the procedure: exactly what
/// `waymark import cin-census` writes as one JSON Lines line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CensusCase<'a> {
    #[serde(rename = "case")]
    pub id: String,
    /// The line of the episode's `<CINdetails>` (or the block's element).
    #[serde(skip)]
    pub line: u32,
    pub facts: BTreeMap<&'a str, &'a str>,
    pub events: Vec<CensusEvent<'a>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CensusEvent<'a> {
    pub step: &'a str,
    pub on: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'a str>,
}

impl CensusCase<'_> {
    /// The case as one JSON Lines line, without its newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The case checked against the procedure, exactly as its JSON Lines line would be (without
    /// writing and reading the line: `waymark_run::check_fields`).
    pub fn to_case(&self, plan: &Plan) -> Result<Case, BadCase> {
        let facts: Vec<(&str, &str)> = self
            .facts
            .iter()
            .map(|(name, value)| (*name, *value))
            .collect();
        let events: Vec<EventFields<'_>> = self
            .events
            .iter()
            .map(|event| EventFields {
                step: event.step,
                on: event.on,
                outcome: event.outcome,
            })
            .collect();
        waymark_run::check_fields(plan, self.line as usize, &self.id, &facts, &events)
    }
}

/// What one child gives: its cases (or why they cannot be run), and the warnings found in it.
#[derive(Debug, Default)]
pub struct ChildCases<'a> {
    pub cases: Vec<Result<CensusCase<'a>, BadCase>>,
    pub warnings: Vec<Finding>,
}

/// Makes the cases of one child.
pub fn child_cases<'a>(child: &'a Child, mapping: &'a Mapping) -> ChildCases<'a> {
    let mut made = ChildCases::default();
    let (errors, warnings): (Vec<&Finding>, Vec<&Finding>) = child
        .findings
        .iter()
        .partition(|finding| finding.is_error());
    made.warnings = warnings.into_iter().cloned().collect();
    let identifiers = child.node().first("ChildIdentifiers");
    let id = identifiers
        .and_then(|ids| ids.first("LAchildID"))
        .map(|id| id.text.trim().to_string())
        .filter(|id| !id.is_empty());
    let episodes: Vec<Node<'_>> = child.node().all("CINdetails").collect();
    // A child the reader could not read to its end lacks what came after the break: say why
    // it stopped, not that the missing parts are missing.
    let unreadable = errors.iter().any(|f| f.code == Code::CensusUnreadable);
    let mut problems: Vec<Problem> = errors.into_iter().map(problem).collect();
    if id.is_none() && !unreadable {
        problems.push(problem(&Finding {
            code: Code::CensusChildIncomplete,
            at: identifiers.map_or(child.node().at, |ids| ids.at),
            message: "the child has no `<LAchildID>`, so its cases cannot be named".to_string(),
        }));
    }
    if episodes.is_empty() && problems.is_empty() {
        problems.push(problem(&Finding {
            code: Code::CensusChildIncomplete,
            at: child.node().at,
            message: "the child has no `<CINdetails>` episode, so it gives no case".to_string(),
        }));
    }
    let facts = child_facts(identifiers, mapping, &mut problems);
    if !problems.is_empty() {
        made.cases.push(Err(BadCase {
            id,
            line: child.node().at.line as usize,
            problems,
        }));
        return made;
    }
    let Some(id) = id else {
        return made;
    };
    let mut referrals: Vec<&str> = Vec::new();
    for episode in episodes {
        episode_cases(
            &id,
            episode,
            &facts,
            mapping,
            &mut referrals,
            &mut made.cases,
        );
    }
    made
}

fn child_facts<'a>(
    identifiers: Option<Node<'a>>,
    mapping: &'a Mapping,
    problems: &mut Vec<Problem>,
) -> BTreeMap<&'a str, &'a str> {
    let mut facts = BTreeMap::new();
    let Some(identifiers) = identifiers else {
        return facts;
    };
    for rule in &mapping.facts {
        let Some(field) = rule.field else {
            continue;
        };
        for value in values(identifiers, field) {
            if let Some(date) = date_of(value, field, problems) {
                facts.insert(rule.fact.as_str(), date);
            }
        }
    }
    facts
}

/// The cases of one episode: its own, then one for each later block.
fn episode_cases<'a>(
    child: &str,
    episode: Node<'a>,
    facts: &BTreeMap<&'a str, &'a str>,
    mapping: &'a Mapping,
    referrals: &mut Vec<&'a str>,
    out: &mut Vec<Result<CensusCase<'a>, BadCase>>,
) {
    let mut problems = Vec::new();
    let referral = episode.first("CINreferralDate");
    let referral_date = match referral {
        Some(node) => date_of(node, "CINreferralDate", &mut problems),
        None => {
            problems.push(problem(&Finding {
                code: Code::CensusDateInvalid,
                at: episode.at,
                message: "the episode has no `<CINreferralDate>`, so its case cannot be named or its clocks started".to_string(),
            }));
            None
        }
    };
    let base = format!("{child}/{}", referral_date.unwrap_or("?"));
    if let Some(date) = referral_date {
        if referrals.contains(&date) {
            problems.push(problem(&Finding {
                code: Code::CensusDuplicateChild,
                at: referral.map_or(episode.at, |node| node.text_at),
                message: format!(
                    "the child has two episodes referred on {date}; this second one is not run"
                ),
            }));
        }
        referrals.push(date);
    }
    if !problems.is_empty() {
        out.push(Err(BadCase {
            id: Some(base),
            line: episode.at.line as usize,
            problems,
        }));
        return;
    }
    let facts = &episode_facts(episode, facts, mapping);
    // The episode's own case: its fields and the first block of each kind.
    let mut events = Vec::new();
    add_block_events(
        episode,
        Block::Episode,
        None,
        mapping,
        false,
        &mut events,
        &mut problems,
    );
    for block in Block::REPEATED {
        if let Some(first) = episode.all(block.element()).next() {
            add_block_events(
                first,
                block,
                Some(episode),
                mapping,
                false,
                &mut events,
                &mut problems,
            );
        }
    }
    push_case(out, base.clone(), episode.at, facts, events, problems);
    // A case for each later block.
    for block in Block::REPEATED {
        for (index, node) in episode.all(block.element()).enumerate().skip(1) {
            let mut events = Vec::new();
            let mut problems = Vec::new();
            add_block_events(
                node,
                block,
                Some(episode),
                mapping,
                true,
                &mut events,
                &mut problems,
            );
            let id = format!("{base}/{}-{}", block.case_word(), index + 1);
            push_case(out, id, node.at, facts, events, problems);
        }
    }
}

/// The child's facts plus the fixed ones the mapping gives this episode (later rules win).
fn episode_facts<'a>(
    episode: Node<'a>,
    facts: &BTreeMap<&'a str, &'a str>,
    mapping: &'a Mapping,
) -> BTreeMap<&'a str, &'a str> {
    let mut all = facts.clone();
    for rule in &mapping.facts {
        let Some(value) = &rule.value else {
            continue;
        };
        if rule
            .when
            .is_none_or(|block| episode.first(block.element()).is_some())
        {
            all.insert(rule.fact.as_str(), value.as_str());
        }
    }
    all
}

fn push_case<'a>(
    out: &mut Vec<Result<CensusCase<'a>, BadCase>>,
    id: String,
    at: At,
    facts: &BTreeMap<&'a str, &'a str>,
    events: Vec<CensusEvent<'a>>,
    problems: Vec<Problem>,
) {
    if !problems.is_empty() {
        out.push(Err(BadCase {
            id: Some(id),
            line: at.line as usize,
            problems,
        }));
    } else if !events.is_empty() {
        out.push(Ok(CensusCase {
            id,
            line: at.line,
            facts: facts.clone(),
            events,
        }));
    }
}

/// The records the mapping makes from one block. `later` is true in the case of a second or
/// later block, where the rules marked `later_only` apply too.
fn add_block_events<'a>(
    node: Node<'a>,
    block: Block,
    episode: Option<Node<'a>>,
    mapping: &'a Mapping,
    later: bool,
    events: &mut Vec<CensusEvent<'a>>,
    problems: &mut Vec<Problem>,
) {
    for rule in &mapping.records {
        if rule.block != block || (rule.later_only && !later) {
            continue;
        }
        for (index, value) in values(node, rule.field).enumerate() {
            let Some(on) = date_of(value, rule.field, problems) else {
                continue;
            };
            let Some(step) = rule.steps.get(index).or(rule.steps.last()) else {
                continue;
            };
            events.push(CensusEvent {
                step: step.as_str(),
                on,
                outcome: rule.outcome.as_deref(),
            });
        }
    }
    for rule in &mapping.decisions {
        if rule.block != block {
            continue;
        }
        let Some(flag) = values(node, rule.field).next() else {
            continue;
        };
        let outcome = match flag.text.trim() {
            "true" | "1" => &rule.when_true,
            "false" | "0" => &rule.when_false,
            "" => continue,
            other => {
                problems.push(problem(&Finding {
                    code: Code::CensusFlagInvalid,
                    at: flag.text_at,
                    message: format!("`{}` is `{other}`, neither true nor false", rule.field),
                }));
                continue;
            }
        };
        // The census gives no date for the decision: the first of `on` that is there.
        let dated = rule.on.iter().find_map(|field| {
            values(node, field)
                .next()
                .or_else(|| episode.and_then(|e| values(e, field).next()))
                .filter(|value| !value.text.trim().is_empty())
        });
        let Some(on) = dated.and_then(|value| date_of(value, value.name, &mut Vec::new())) else {
            continue;
        };
        events.push(CensusEvent {
            step: rule.step.as_str(),
            on,
            outcome: Some(outcome.as_str()),
        });
    }
}

/// The values of a field in a block: its own elements and those of its plain groups (a plan's
/// `<Reviews>`), not those of the blocks inside it (an episode's assessments).
fn values<'n>(node: Node<'n>, field: &'n str) -> impl Iterator<Item = Node<'n>> + 'n {
    node.children().flat_map(move |child| {
        let nested = child.name == "Reviews";
        let own = (child.name == field).then_some(child);
        own.into_iter()
            .chain(nested.then(|| child.all(field)).into_iter().flatten())
    })
}

/// A field's date, or `None` with a problem when it is not a real date. An empty element is no
/// date and no problem.
fn date_of<'a>(node: Node<'a>, field: &str, problems: &mut Vec<Problem>) -> Option<&'a str> {
    let text = node.text.trim();
    if text.is_empty() {
        return None;
    }
    match parse_date(text) {
        Ok(_) => Some(text),
        Err(error) => {
            let why = match error {
                DateError::Shape => "is not a date written YYYY-MM-DD".to_string(),
                DateError::NoSuchDay => format!("is not a real date: {}", why_no_such_day(text)),
            };
            problems.push(problem(&Finding {
                code: Code::CensusDateInvalid,
                at: node.text_at,
                message: format!("`{field}` `{text}` {why}"),
            }));
            None
        }
    }
}

fn problem(finding: &Finding) -> Problem {
    Problem {
        code: finding.code,
        file: InputFile::Cases,
        line: finding.at.line as usize,
        message: format!("{} (column {})", finding.message, finding.at.column),
    }
}
