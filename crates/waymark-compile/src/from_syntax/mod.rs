//! Syntax tree to model: declares every name, then resolves every reference to one.
//!
//! Two passes over all files (the procedure and those it uses): the first declares sources,
//! roles, facts and steps so that items may refer to items further down; the second resolves
//! each item's details. A reference that cannot be resolved is reported and left out, so one
//! mistake gives one diagnostic rather than a cascade.
//!
//! `mod.rs` declares; `items.rs` resolves each item's details; `references.rs` looks names up
//! and reports what cannot be found.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

mod each;
mod items;
mod pieces;
mod recorded;
mod references;

use crate::graph::FlowGraph;
use crate::model::*;
use crate::names::{NameTable, Namespace};
use std::collections::HashMap;
use waymark_diagnostics::Diagnostic;
use waymark_syntax::{self as syntax, ClauseKind, Document, Item, ItemKind};

/// Builds the model from the root document and the documents it uses (root first).
pub fn resolve(documents: &[Document], diagnostics: &mut Vec<Diagnostic>) -> Option<Procedure> {
    let root = documents.first()?;
    let header = root.header.as_ref()?;
    let mut resolver = Resolver::new(diagnostics);
    for document in documents {
        resolver.declare(document);
    }
    // Used procedures' starts first, so `then section47` can enter one.
    let used = resolver.used_procedures(documents);
    // Every decision's outcomes before any detail, so a clock may name a decision further down.
    for document in documents {
        resolver.declare_outcomes(document);
    }
    // Facts recorded at a step, once every step is declared and before any condition reads
    // them.
    resolver.resolve_recorded_facts(documents);
    for document in documents {
        resolver.resolve_items(document);
    }
    resolver.check_calendar(header.calendar.as_ref());
    let start = resolver.document_start(root)?;
    let graph = FlowGraph::build(&resolver.steps, &resolver.schedules);
    repeat_work_on_loops(&graph, &mut resolver.steps);
    let nesting = crate::nesting::Nesting::new(&resolver.steps);
    Some(Procedure {
        id: header.id.text.clone(),
        title: header
            .title
            .as_ref()
            .map_or_else(|| header.id.text.clone(), |t| t.value.clone()),
        version: header.version.as_ref().map(|v| v.value.clone()),
        effective: header.effective.map(|d| d.date),
        calendar: header.calendar.as_ref().map_or_else(
            || waymark_calendar::default_calendar().name().to_string(),
            |c| c.text.clone(),
        ),
        sources: resolver.sources,
        roles: resolver.roles,
        facts: resolver.facts,
        steps: resolver.steps,
        start,
        used,
        graph,
        nesting,
        file: root.file,
        step_names: std::sync::OnceLock::new(),
    })
}

/// Work on a loop (`on redo then plan`) is done again each time round: its steps repeat as if
/// they said `may repeat`, so a second plan is an occurrence, not a `repeated` deviation, and a
/// decision on the loop follows its latest occurrence out of it.
fn repeat_work_on_loops(graph: &FlowGraph, steps: &mut [Step]) {
    for group in graph.strongly_connected() {
        let on_a_loop = group.len() > 1
            || group
                .iter()
                .any(|id| graph.next_steps(*id).any(|(next, _)| next == *id));
        if !on_a_loop {
            continue;
        }
        for id in group {
            if let Some(step) = steps.get_mut(id.0 as usize)
                && matches!(step.kind, StepKind::Task | StepKind::Decision)
            {
                step.repeats = true;
            }
        }
    }
}

struct Resolver<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
    names: NameTable,
    sources: Vec<Source>,
    roles: Vec<Role>,
    facts: Vec<Fact>,
    steps: Vec<Step>,
    /// The step each item became (for checkpoints, the first occurrence).
    item_steps: HashMap<(u32, u32), Vec<StepIndex>>,
    schedules: Vec<(StepIndex, StepIndex)>,
    /// Used procedures by name, with the file they come from.
    procedures: HashMap<String, usize>,
    starts: HashMap<usize, StepIndex>,
    /// Each decision's outcomes as written, so a condition may name them before the decision's
    /// own details are resolved.
    decision_outcomes: HashMap<StepIndex, Vec<String>>,
    /// The step named by `recorded at` on each fact declared with one, by fact index: to
    /// compare a fact declared in two files before the steps are known.
    recorded_at_names: HashMap<usize, String>,
}

impl<'d> Resolver<'d> {
    fn new(diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        Resolver {
            diagnostics,
            names: NameTable::default(),
            sources: Vec::new(),
            roles: Vec::new(),
            facts: Vec::new(),
            steps: Vec::new(),
            item_steps: HashMap::new(),
            schedules: Vec::new(),
            procedures: HashMap::new(),
            starts: HashMap::new(),
            decision_outcomes: HashMap::new(),
            recorded_at_names: HashMap::new(),
        }
    }

    // ----------------------------------------------------------------------------------------
    // First pass: declarations.

    fn declare(&mut self, document: &Document) {
        let procedure = document
            .header
            .as_ref()
            .map_or(String::new(), |h| h.id.text.clone());
        if let Some(header) = &document.header {
            self.procedures
                .insert(header.id.text.clone(), document.file.0 as usize);
            for source in &header.sources {
                self.declare_source(source);
            }
        }
        for role in &document.roles {
            self.declare_role(role);
        }
        for fact in &document.facts {
            self.declare_fact(fact);
        }
        for (index, item) in document.items.iter().enumerate() {
            let key = (document.file.0, index as u32);
            let steps = self.declare_item(item, &procedure);
            if let (ItemKind::Decision, Some(&decision)) = (item.kind, steps.first()) {
                self.decision_outcomes
                    .insert(decision, written_outcomes(item));
            }
            self.item_steps.insert(key, steps);
        }
    }

    fn declare_source(&mut self, source: &syntax::Source) {
        let title = source.title.value.clone();
        if let Some(existing) = self.names.find(Namespace::Source, &source.id.text) {
            let first = &self.sources[existing];
            if first.title != title {
                let span = first.span;
                self.conflict(
                    "source",
                    &source.id,
                    span,
                    &format!("\"{}\"", first.title),
                    &format!("\"{title}\""),
                );
            }
            return;
        }
        self.names
            .insert(Namespace::Source, &source.id.text, self.sources.len());
        self.sources.push(Source {
            id: source.id.text.clone(),
            title,
            updated: source.updated.map(|d| d.date),
            span: source.span,
        });
    }

    fn declare_role(&mut self, role: &syntax::Role) {
        let title = role
            .title
            .as_ref()
            .map_or_else(|| role.id.text.clone(), |t| t.value.clone());
        if let Some(existing) = self.names.find(Namespace::Role, &role.id.text) {
            let first = &self.roles[existing];
            if first.span.file == role.span.file {
                let span = first.span;
                self.duplicate("role", &role.id, span);
            } else if first.title != title {
                let span = first.span;
                self.conflict(
                    "role",
                    &role.id,
                    span,
                    &format!("\"{}\"", first.title),
                    &format!("\"{title}\""),
                );
            }
            return;
        }
        self.names
            .insert(Namespace::Role, &role.id.text, self.roles.len());
        self.roles.push(Role {
            id: role.id.text.clone(),
            title,
            span: role.span,
        });
    }

    fn declare_fact(&mut self, fact: &syntax::Fact) {
        let kind = match &fact.kind {
            syntax::FactKind::OneOf(values) => FactKind::OneOf(self.distinct_values(values)),
            syntax::FactKind::Date => FactKind::Date,
            syntax::FactKind::Number => FactKind::Number,
            syntax::FactKind::YesNo => FactKind::YesNo,
        };
        let title = fact
            .title
            .as_ref()
            .map_or_else(|| fact.id.text.clone(), |t| t.value.clone());
        if let Some(existing) = self.names.find(Namespace::Fact, &fact.id.text) {
            let first = &self.facts[existing];
            if first.span.file == fact.span.file {
                let span = first.span;
                self.duplicate("fact", &fact.id, span);
            } else if first.kind != kind
                || first.optional != fact.optional
                || self.recorded_at_names.get(&existing).map(String::as_str)
                    != fact.recorded_at.as_ref().map(|at| at.text.as_str())
            {
                let at = self.recorded_at_names.get(&existing).map(String::as_str);
                let (span, before) = (
                    first.span,
                    describe_fact(first.kind.describe(), first.optional, at),
                );
                let at = fact.recorded_at.as_ref().map(|at| at.text.as_str());
                self.conflict(
                    "fact",
                    &fact.id,
                    span,
                    &before,
                    &describe_fact(kind.describe(), fact.optional, at),
                );
            }
            return;
        }
        if let Some(at) = &fact.recorded_at {
            self.recorded_at_names
                .insert(self.facts.len(), at.text.clone());
        }
        self.names
            .insert(Namespace::Fact, &fact.id.text, self.facts.len());
        self.facts.push(Fact {
            id: fact.id.text.clone(),
            title,
            kind,
            optional: fact.optional,
            span: fact.span,
            decided_by: None,
            recorded_at: None,
        });
    }

    fn distinct_values(&mut self, values: &[syntax::Name]) -> Vec<String> {
        let mut seen: Vec<&syntax::Name> = Vec::new();
        for value in values {
            match seen.iter().find(|earlier| earlier.text == value.text) {
                Some(earlier) => {
                    let span = earlier.span;
                    self.duplicate("value", value, span);
                }
                None => seen.push(value),
            }
        }
        seen.iter().map(|value| value.text.clone()).collect()
    }

    /// Declares the steps an item becomes: one, or for a together block two (its start and
    /// where it joins), or for a checkpoint one per scheduled day.
    fn declare_item(&mut self, item: &Item, procedure: &str) -> Vec<StepIndex> {
        let title = item
            .title
            .as_ref()
            .map_or_else(|| item.id.text.replace('_', " "), |t| t.value.clone());
        let blank = |id: String, title: String, kind: StepKind| Step {
            id,
            title,
            kind,
            procedure: procedure.to_string(),
            span: item.span,
            name_span: item.id.span,
            roles: Vec::new(),
            deadlines: Vec::new(),
            untimed: None,
            waivable: false,
            repeats: false,
            optional: None,
            overrun_needs_reason: false,
            outcomes: Vec::new(),
            routes: Vec::new(),
            cites: Vec::new(),
            approval: None,
            extension: None,
        };
        match item.kind {
            ItemKind::Checkpoint => {
                let mut ids = Vec::new();
                for (offset, unit) in checkpoint_offsets(item) {
                    let id = format!("{}_{offset}", item.id.text);
                    // "Review at 5, 15 and 30 days" needs the day on each; a title that
                    // already says it ("after 9 months of the plan") does not.
                    let when = unit.unit.amount_words(offset);
                    let title = match title.contains(when.as_str()) {
                        true => title.clone(),
                        false => format!("{title} ({when})"),
                    };
                    let kind = StepKind::Checkpoint {
                        series: item.id.text.clone(),
                        offset,
                        until: None,
                    };
                    ids.extend(self.add_step(blank(id, title, kind), &item.id));
                }
                ids
            }
            ItemKind::Together => {
                let together = StepIndex(self.steps.len() as u32);
                let join = StepIndex(together.0 + 1);
                let needed = pieces_needed(item);
                let kind = StepKind::Together {
                    members: Vec::new(),
                    join,
                    needed,
                };
                let Some(first) =
                    self.add_step(blank(item.id.text.clone(), title.clone(), kind), &item.id)
                else {
                    return Vec::new();
                };
                let done = match needed {
                    Needed::All => "all done",
                    Needed::Any => "one done",
                };
                let join_id = format!("{} ({done})", item.id.text);
                self.steps.push(blank(
                    join_id,
                    format!("{title}: {done}"),
                    StepKind::Join { together: first },
                ));
                vec![first, join]
            }
            kind => {
                let kind = match kind {
                    ItemKind::Decision => StepKind::Decision,
                    ItemKind::End => StepKind::End,
                    ItemKind::Recurring => StepKind::Recurring {
                        every: 0,
                        unit: Unit::Weeks,
                        during: StepIndex(0),
                        when: None,
                    },
                    _ => StepKind::Task,
                };
                self.add_step(blank(item.id.text.clone(), title, kind), &item.id)
                    .into_iter()
                    .collect()
            }
        }
    }

    fn add_step(&mut self, step: Step, name: &syntax::Name) -> Option<StepIndex> {
        if let Some(existing) = self.names.find(Namespace::Step, &step.id) {
            let span = self.steps[existing].name_span;
            let shown = syntax::Name {
                text: step.id.clone(),
                span: name.span,
            };
            self.duplicate("step", &shown, span);
            return None;
        }
        let id = StepIndex(self.steps.len() as u32);
        self.names.insert(Namespace::Step, &step.id, id.0 as usize);
        self.steps.push(step);
        Some(id)
    }
}

/// Whether a together block's line of pieces is `all of` or `any of` (the first given: a block
/// with both is reported by the parser, WM0118).
fn pieces_needed(item: &Item) -> Needed {
    item.clauses
        .iter()
        .find_map(|clause| match clause.kind {
            syntax::ClauseKind::AllOf(_) => Some(Needed::All),
            syntax::ClauseKind::AnyOf(_) => Some(Needed::Any),
            _ => None,
        })
        .unwrap_or_default()
}

/// What an item's details add up to, before they are stored on its step.
#[derive(Default)]
pub(super) struct Details {
    roles: Vec<RoleRule>,
    deadlines: Vec<Deadline>,
    untimed: Option<String>,
    waivable: bool,
    repeats: bool,
    optional: Option<Optional>,
    overrun: bool,
    routes: Vec<Route>,
    cites: Vec<Citation>,
    approval: Option<Approval>,
    extension: Option<Extension>,
}

/// A decision's outcomes as its `outcomes` line writes them, each once.
fn written_outcomes(item: &Item) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut outcomes: Vec<String> = Vec::new();
    for clause in &item.clauses {
        if let ClauseKind::Outcomes(names) = &clause.kind {
            for name in names {
                if seen.insert(name.text.as_str()) {
                    outcomes.push(name.text.clone());
                }
            }
        }
    }
    outcomes
}

pub(super) fn describe_fact(kind: String, optional: bool, recorded_at: Option<&str>) -> String {
    let kind = if optional {
        format!("{kind}, optional")
    } else {
        kind
    };
    match recorded_at {
        Some(step) => format!("{kind}, recorded at {step}"),
        None => kind,
    }
}

/// The days of a checkpoint series, from its `at` line.
pub(super) fn checkpoint_offsets(item: &Item) -> Vec<(u32, syntax::UnitWord)> {
    item.clauses
        .iter()
        .find_map(|clause| match &clause.kind {
            ClauseKind::At { offsets, unit, .. } => {
                Some(offsets.iter().map(|o| (o.value, *unit)).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}
