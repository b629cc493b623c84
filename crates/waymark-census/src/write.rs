//! Writing census files, for tests and benches: a case's records are put back into the census
//! fields the mapping reads them from (the mapping read backwards), so a caseload can be run
//! both as JSON Lines and as a census file and the two compared. Only the records a census
//! carries survive; the rest of the case is dropped, as in a real return.
#![allow(
    clippy::indexing_slicing,
    reason = "the block's list is made non-empty just before its first entry is taken"
)]

use crate::mapping::Mapping;
use crate::spec::{self, Block, Kind};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write;
use waymark_compile::FactValue;
use waymark_run::{Case, Plan};

/// One child as it will be written: its identifiers, and its episodes' fields by block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CensusChild {
    pub id: String,
    /// `ChildIdentifiers` fields, e.g. `ExpectedPersonBirthDate`.
    pub identifiers: Vec<(&'static str, String)>,
    pub episodes: Vec<CensusEpisode>,
}

/// One `<CINdetails>`: its own fields, then its blocks (each a list of fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CensusEpisode {
    pub fields: Vec<(&'static str, String)>,
    pub blocks: BTreeMap<Block, Vec<Vec<(&'static str, String)>>>,
}

/// The census opening: the header with its reference date, up to `<Children>`.
pub fn write_start(out: &mut String, reference_date: NaiveDate) {
    let year = reference_date.format("%Y");
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n      \
         <Collection>CIN</Collection>\n      <Year>{year}</Year>\n      <ReferenceDate>{reference_date}</ReferenceDate>\n    \
         </CollectionDetails>\n    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n      \
         <SoftwareCode>waymark-test</SoftwareCode>\n    </Source>\n  </Header>\n  <Children>\n"
    );
}

/// The census closing.
pub fn write_end(out: &mut String) {
    out.push_str("  </Children>\n</Message>\n");
}

/// One `<Child>`, its fields in the order the specification gives them.
pub fn write_child(out: &mut String, child: &CensusChild) {
    out.push_str("    <Child>\n      <ChildIdentifiers>\n");
    let mut identifiers = child.identifiers.clone();
    identifiers.insert(0, ("LAchildID", child.id.clone()));
    write_fields(out, "ChildIdentifiers", &identifiers, 8);
    out.push_str("      </ChildIdentifiers>\n");
    for episode in &child.episodes {
        out.push_str("      <CINdetails>\n");
        write_fields(out, "CINdetails", &episode.fields, 8);
        for block in [
            Block::Assessment,
            Block::CinPlan,
            Block::Section47,
            Block::Plan,
        ] {
            for fields in episode.blocks.get(&block).into_iter().flatten() {
                let _ = writeln!(out, "        <{}>", block.element());
                write_fields(out, block.element(), fields, 10);
                if block == Block::Plan {
                    let reviews: Vec<_> = fields
                        .iter()
                        .filter(|(name, _)| *name == "CPPreviewDate")
                        .collect();
                    if !reviews.is_empty() {
                        out.push_str("          <Reviews>\n");
                        for (_, date) in reviews {
                            let _ =
                                writeln!(out, "            <CPPreviewDate>{date}</CPPreviewDate>");
                        }
                        out.push_str("          </Reviews>\n");
                    }
                }
                let _ = writeln!(out, "        </{}>", block.element());
            }
        }
        out.push_str("      </CINdetails>\n");
    }
    out.push_str("    </Child>\n");
}

fn write_fields(out: &mut String, parent: &str, fields: &[(&'static str, String)], indent: usize) {
    for (name, kind) in spec::children(parent) {
        if *kind == Kind::Group {
            continue;
        }
        for (_, value) in fields.iter().filter(|(field, _)| field == name) {
            let _ = writeln!(out, "{:indent$}<{name}>{}</{name}>", "", escape(value));
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A case's records put back into census fields, one episode, through the mapping backwards:
/// each record of a mapped step becomes its field (the first record of each, but every review),
/// a mapped decision its yes/no field, a mapped date fact its child field. Records after
/// `until` (the reference date) are left out, as a return taken that day could not hold them.
pub fn child_of_case(plan: &Plan, mapping: &Mapping, case: &Case, until: NaiveDate) -> CensusChild {
    let procedure = plan.procedure;
    let mut child = CensusChild {
        id: case.id.clone(),
        ..CensusChild::default()
    };
    for rule in &mapping.facts {
        let (Some(field), Some(id)) = (rule.field, plan.fact_named(&rule.fact)) else {
            continue;
        };
        if let Some(FactValue::Date(date)) = case.fact(id) {
            child.identifiers.push((field, date.to_string()));
        }
    }
    let mut episode = CensusEpisode::default();
    let mut put = |block: Block, field: &'static str, value: String, repeats: bool| {
        let fields = match block {
            Block::Episode | Block::Child => &mut episode.fields,
            _ => {
                let list = episode.blocks.entry(block).or_default();
                if list.is_empty() {
                    list.push(Vec::new());
                }
                &mut list[0]
            }
        };
        if repeats || !fields.iter().any(|(name, _)| *name == field) {
            fields.push((field, value));
        }
    };
    for event in &case.events {
        let Some(on) = event.on.filter(|on| on.date <= until) else {
            continue;
        };
        let step = &procedure.step(event.step);
        let outcome = event
            .outcome
            .and_then(|index| step.outcomes.get(index))
            .map(|o| o.id.as_str());
        for rule in mapping.records.iter().filter(|rule| !rule.later_only) {
            let outcome_fits = rule.outcome.is_none() || rule.outcome.as_deref() == outcome;
            if rule.steps.contains(&step.id) && outcome_fits {
                put(
                    rule.block,
                    rule.field,
                    on.date.to_string(),
                    rule.steps.len() > 1 || rule.field == "CPPreviewDate",
                );
            }
        }
        for rule in mapping.decisions.iter().filter(|rule| rule.step == step.id) {
            let flag = match outcome {
                Some(outcome) if outcome == rule.when_false => "false",
                Some(_) => "true",
                None => continue,
            };
            put(rule.block, rule.field, flag.to_string(), false);
        }
    }
    child.episodes.push(episode);
    child
}

/// A whole census file from JSON Lines cases (one child, one episode per case), as of
/// `reference_date`. Lines that are not valid cases for the plan are left out, and so are cases
/// with no referral record: a census episode always has its referral date.
pub fn census_of_json_lines(
    plan: &Plan,
    mapping: &Mapping,
    lines: &str,
    reference_date: NaiveDate,
) -> String {
    let mut out = String::with_capacity(lines.len());
    write_start(&mut out, reference_date);
    for (index, line) in lines.lines().enumerate() {
        let Ok(case) = waymark_run::parse_json_line(plan, index + 1, line) else {
            continue;
        };
        let child = child_of_case(plan, mapping, &case, reference_date);
        let referred = child.episodes.iter().all(|episode| {
            episode
                .fields
                .iter()
                .any(|(name, _)| *name == "CINreferralDate")
        });
        if referred {
            write_child(&mut out, &child);
        }
    }
    write_end(&mut out);
    out
}
