//! The drawing every format starts from: which boxes there are, in which lane, joined how, and
//! what each box says. Choosing the words here keeps the formats in step with each other.
//!
//! - Every step is a node, except that a checkpoint series (`review_5`, `review_15`,
//!   `review_30`) is one node, "on working days 5, 15, 30 after referral".
//! - A synthetic start node leads to the procedure's start step.
//! - A together block is two nodes: its fork and its join.
//! - A step's lane is its first role rule's first role. A step without a role (an end, a join,
//!   a together block) takes the lane of the step a breadth-first walk from the start first
//!   reached it from; a join takes its block's lane. What is still without a lane (a start
//!   without a role, steps nothing reaches) goes in a "Case" lane, drawn last.
//! - Lanes are drawn in the order the roles are declared; roles no node sits in get no lane.
#![allow(
    clippy::indexing_slicing,
    reason = "node and link indexes come from the chart made from the same procedure, whose lists have one entry per node"
)]

use crate::text::list;
use std::collections::{BTreeMap, BTreeSet};
use waymark_compile::{
    Deadline, DeadlineKind, Edge, Procedure, RouteWhen, Step, StepIndex, StepKind, Unit,
};

/// The title of the lane for steps nobody in particular does.
pub const CASE_LANE: &str = "Case";

/// A procedure ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// The procedure's id, e.g. `assessment`.
    pub id: String,
    /// The procedure's title.
    pub title: String,
    pub lanes: Vec<Lane>,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
}

/// A swimlane: one role, or the "Case" lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The role's id (`case` for the "Case" lane), safe as an identifier.
    pub id: String,
    pub title: String,
}

/// What a node is, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// Where every case begins (not a step of its own).
    Start,
    Task,
    Decision,
    /// The start of work done together.
    Fork,
    /// Where work done together meets again.
    Join,
    /// The start of any-of work: pieces that are alternatives (`any of`).
    AnyFork,
    /// Where any-of work is done: with its first piece.
    AnyJoin,
    End,
    /// A series of scheduled checkpoints, running alongside the path.
    Checkpoint,
    /// Recurring work, running alongside the path.
    Recurring,
    /// A whole procedure brought in by `use`, drawn as one box that stands for it (like a
    /// BPMN call activity); see [`crate::used`].
    Used,
}

impl Shape {
    /// Whether the node runs alongside the path rather than on it.
    pub fn is_alongside(self) -> bool {
        matches!(self, Shape::Checkpoint | Shape::Recurring)
    }
}

/// A box on the drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Unique in the chart, made from the step's id: letters, digits and `_`, starting with a
    /// letter.
    pub id: String,
    pub shape: Shape,
    pub title: String,
    /// Who does it, when it is not simply the lane's role, one line per `by` rule.
    pub who: Vec<String>,
    /// Deadlines and schedules, one line each ("within 5 working days of referral").
    pub when: Vec<String>,
    /// Other rules worth seeing on the wall ("waived only with a reason").
    pub notes: Vec<String>,
    /// The sign-off the step needs, in words ("approved by Social Work Manager"). Kept apart
    /// from the notes: the SVG marks it on the box and names it in its key.
    pub approval: Option<String>,
    /// Index into [`Chart::lanes`].
    pub lane: usize,
    /// The steps the node draws: one, several for a checkpoint series, none for the start.
    pub steps: Vec<StepIndex>,
    /// How the node differs from an earlier version, when the drawing is a comparison.
    pub mark: Mark,
    /// For the join of work done together, the node of its fork (Mermaid keeps the two in
    /// order within their lane).
    pub fork: Option<usize>,
}

/// How a node differs from an earlier version of the procedure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    #[default]
    Same,
    Added,
    Changed,
    /// A step of the earlier version that this version no longer has.
    Removed,
}

/// What changed since an earlier version, by step id, for drawing a comparison. The CLI
/// works it out with `waymark-diff`; this crate only draws it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// How the key names the earlier version, e.g. "version 2025-12".
    pub against: String,
    pub added: BTreeSet<String>,
    pub changed: BTreeSet<String>,
    /// Steps of the earlier version that are gone: (id, title).
    pub removed: Vec<(String, String)>,
    /// What changed in each changed step, in words, by step id ("was 5, now 3 working days
    /// after referral"); see [`change_words`].
    pub notes: BTreeMap<String, Vec<String>>,
    /// What changed in the procedure itself ("version was 2025-12, now 2026-03"), for the key.
    pub procedure: Vec<String>,
}

impl Comparison {
    /// How the key introduces the comparison: "Compared with version 2025-12 (version was
    /// 2025-12, now 2026-03; effective date was ..., now ...)".
    pub fn heading(&self) -> String {
        if self.procedure.is_empty() {
            format!("Compared with {}", self.against)
        } else {
            format!(
                "Compared with {} ({})",
                self.against,
                self.procedure.join("; ")
            )
        }
    }
}

/// A change `waymark diff` reports, as a drawing says it: what it was and what it is now, with
/// the words both share written once ("limit: was 5, now 3 working days after referral"; "was
/// titled Analysis of the information gathered").
pub fn change_words(kind: &str, before: Option<&str>, after: Option<&str>) -> Option<String> {
    match (kind, before, after) {
        ("title_changed", Some(before), _) => Some(format!("was titled \"{before}\"")),
        ("version_changed", Some(before), Some(after)) => {
            Some(format!("version was {before}, now {after}"))
        }
        ("effective_date_changed", Some(before), Some(after)) => {
            Some(format!("effective date was {before}, now {after}"))
        }
        ("effective_date_changed" | "version_changed", None, Some(after)) => {
            Some(format!("now {after}"))
        }
        (_, Some(before), Some(after)) => Some(was_now(before, after)),
        (_, None, Some(after)) => Some(format!("new: {after}")),
        (_, Some(before), None) => Some(format!("no longer: {before}")),
        (_, None, None) => None,
    }
}

/// "due 5 working days after referral" and "due 3 working days after referral" as "limit: was
/// 5, now 3 working days after referral": a rule's kind ("due", "target") and the words the
/// two share at the end are written once.
fn was_now(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.split_whitespace().collect();
    let new: Vec<&str> = after.split_whitespace().collect();
    let (lead, start) = match (old.first(), new.first()) {
        (Some(&"due"), Some(&"due")) => ("limit: ", 1),
        (Some(&"target"), Some(&"target")) => ("target: ", 1),
        _ => ("", 0),
    };
    let most = old.len().min(new.len()) - start;
    let end = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    // Keep at least one word on each side, so neither reads as nothing.
    let end = end.min(most.saturating_sub(1));
    let was = old[start..old.len() - end].join(" ");
    let now = new[start..new.len() - end].join(" ");
    let tail = old[old.len() - end..].join(" ");
    let mut words = format!("{lead}was {was}, now {now}");
    if !tail.is_empty() {
        words.push(' ');
        words.push_str(&tail);
    }
    words
}

/// The title of the lane that holds the steps an earlier version had and this one does not.
pub const REMOVED_LANE: &str = "Removed in this version";

/// The chart of `procedure`, with each node marked by how it differs from the earlier version
/// and the steps that are gone drawn in a lane of their own.
pub fn chart_compared(procedure: &Procedure, comparison: &Comparison) -> Chart {
    mark_compared(procedure, chart(procedure), comparison)
}

/// `chart` (of `procedure`, its used procedures drawn inline or as boxes) with each node marked
/// by how it differs from the earlier version, and the steps that are gone drawn in a lane of
/// their own.
pub fn mark_compared(procedure: &Procedure, mut chart: Chart, comparison: &Comparison) -> Chart {
    for node in &mut chart.nodes {
        let ids: Vec<&str> = node
            .steps
            .iter()
            .map(|s| procedure.step(*s).id.as_str())
            .collect();
        if node.shape == Shape::Used {
            mark_used_box(procedure, node, comparison);
            continue;
        }
        node.mark = if ids.iter().any(|id| comparison.added.contains(*id)) {
            Mark::Added
        } else if ids.iter().any(|id| comparison.changed.contains(*id)) {
            Mark::Changed
        } else {
            Mark::Same
        };
        // A changed step says what changed, so the drawing shows it, not only that it did.
        if node.mark == Mark::Changed {
            for id in &ids {
                node.notes
                    .extend(comparison.notes.get(*id).into_iter().flatten().cloned());
            }
        }
    }
    if comparison.removed.is_empty() {
        return chart;
    }
    let lane = chart.lanes.len();
    chart.lanes.push(Lane {
        id: "removed".to_string(),
        title: REMOVED_LANE.to_string(),
    });
    let mut taken: BTreeSet<String> = chart.nodes.iter().map(|n| n.id.clone()).collect();
    for (id, title) in &comparison.removed {
        let mut node_id = format!("removed_{id}");
        while taken.contains(&node_id) {
            node_id.push('_');
        }
        taken.insert(node_id.clone());
        chart.nodes.push(Node {
            id: node_id,
            shape: Shape::Task,
            title: title.clone(),
            who: Vec::new(),
            when: Vec::new(),
            notes: vec![format!("`{id}`, removed")],
            approval: None,
            lane,
            steps: Vec::new(),
            mark: Mark::Removed,
            fork: None,
        });
    }
    chart
}

/// A used procedure's box is added when every step it stands for is new (the `use` is), and
/// changed when any of them is added or changed; its note names those steps, whose own chart
/// shows what changed.
fn mark_used_box(procedure: &Procedure, node: &mut Node, comparison: &Comparison) {
    let steps: Vec<&Step> = node.steps.iter().map(|s| procedure.step(*s)).collect();
    let added = |step: &&Step| comparison.added.contains(&step.id);
    let touched: Vec<&str> = steps
        .iter()
        .filter(|step| added(step) || comparison.changed.contains(&step.id))
        .map(|step| step.title.as_str())
        .collect();
    node.mark = if !steps.is_empty() && steps.iter().all(added) {
        Mark::Added
    } else if !touched.is_empty() {
        node.notes
            .push(format!("changed inside: {}", touched.join("; ")));
        Mark::Changed
    } else {
        Mark::Same
    };
}

impl Node {
    /// Every line under the title: who, the sign-off, when, notes.
    pub fn details(&self) -> impl Iterator<Item = &String> {
        self.who
            .iter()
            .chain(&self.approval)
            .chain(&self.when)
            .chain(&self.notes)
    }
}

/// A line between two nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    /// Indexes into [`Chart::nodes`].
    pub from: usize,
    pub to: usize,
    /// An outcome, a condition or "otherwise".
    pub label: Option<String>,
    pub kind: LinkKind,
    /// The route the link draws, as (step, index into its routes), for formats that need the
    /// condition itself rather than its words (BPMN's conditions).
    pub route: Option<(StepIndex, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    /// The case moves along it.
    Flow,
    /// The step starts a checkpoint's clock, or recurring work runs while the case is there.
    Schedule,
}

/// The chart of a procedure, each procedure it uses drawn as one box when `boxed`.
pub fn chart_drawn(procedure: &Procedure, boxed: bool) -> Chart {
    let chart = chart(procedure);
    if boxed {
        crate::used::box_used(procedure, chart)
    } else {
        chart
    }
}

/// Builds the chart of a procedure.
pub fn chart(procedure: &Procedure) -> Chart {
    let (nodes_of_steps, mut nodes) = make_nodes(procedure);
    let links = make_links(procedure, &nodes_of_steps);
    let lanes = assign_lanes(procedure, &mut nodes, &links);
    Chart {
        id: procedure.id.clone(),
        title: procedure.title.clone(),
        lanes,
        nodes,
        links,
    }
}

/// The nodes, and for each step the node that draws it.
fn make_nodes(procedure: &Procedure) -> (Vec<usize>, Vec<Node>) {
    let mut ids = IdMaker::default();
    let mut nodes = vec![Node {
        id: ids.make("start"),
        shape: Shape::Start,
        title: "Start".to_string(),
        who: Vec::new(),
        when: Vec::new(),
        notes: Vec::new(),
        approval: None,
        lane: 0,
        steps: Vec::new(),
        mark: Mark::Same,
        fork: None,
    }];
    let mut node_of_step = vec![0; procedure.steps.len()];
    let mut series_nodes: BTreeMap<&str, usize> = BTreeMap::new();
    for step_id in procedure.step_ids() {
        let step = procedure.step(step_id);
        if let StepKind::Checkpoint { series, .. } = &step.kind {
            if let Some(&node) = series_nodes.get(series.as_str()) {
                node_of_step[step_id.0 as usize] = node;
                nodes[node].steps.push(step_id);
                continue;
            }
            series_nodes.insert(series.as_str(), nodes.len());
        }
        let (id, title) = match &step.kind {
            StepKind::Checkpoint { series, .. } => (ids.make(series), series_title(&step.title)),
            _ => (ids.make(&step.id), step.title.clone()),
        };
        node_of_step[step_id.0 as usize] = nodes.len();
        nodes.push(Node {
            id,
            shape: shape(procedure, &step.kind),
            title,
            who: who(procedure, step),
            when: Vec::new(),
            notes: notes(procedure, step),
            approval: step
                .approval
                .as_ref()
                .map(|approval| procedure.approval_words(approval, true)),
            lane: 0,
            steps: vec![step_id],
            mark: Mark::Same,
            fork: None,
        });
    }
    for node in &mut nodes {
        node.when = when(procedure, node);
    }
    for node in &mut nodes {
        let together = node
            .steps
            .first()
            .and_then(|s| match procedure.step(*s).kind {
                StepKind::Join { together } => Some(together),
                _ => None,
            });
        if let Some(together) = together {
            node.fork = node_of_step.get(together.0 as usize).copied();
        }
    }
    (node_of_step, nodes)
}

/// A checkpoint's title without the "(5 working days)" the compiler adds to each occurrence.
fn series_title(title: &str) -> String {
    match title.rsplit_once(" (") {
        Some((series, rest)) if rest.ends_with(')') && !series.is_empty() => series.to_string(),
        _ => title.to_string(),
    }
}

fn shape(procedure: &Procedure, kind: &StepKind) -> Shape {
    match kind {
        StepKind::Task => Shape::Task,
        StepKind::Decision => Shape::Decision,
        StepKind::Together { .. } if kind.any_of_join().is_some() => Shape::AnyFork,
        StepKind::Together { .. } => Shape::Fork,
        StepKind::Join { together } if is_any_of(procedure, *together) => Shape::AnyJoin,
        StepKind::Join { .. } => Shape::Join,
        StepKind::Checkpoint { .. } => Shape::Checkpoint,
        StepKind::Recurring { .. } => Shape::Recurring,
        StepKind::End => Shape::End,
    }
}

/// One line per `by` rule, unless the step has just one role and no condition.
fn who(procedure: &Procedure, step: &Step) -> Vec<String> {
    let simple = step.roles.len() == 1
        && step
            .roles
            .iter()
            .all(|r| r.roles.len() == 1 && r.guard.is_none());
    if simple {
        return Vec::new();
    }
    if let Some(table) = who_by_fact(procedure, step) {
        return table;
    }
    step.roles
        .iter()
        .map(|rule| procedure.role_rule_sentence(rule))
        .collect()
}

/// When every `by` rule depends on one fact's value alone, who does it reads as a table under
/// the fact's title, one line per value, so the rules do not run together: "who, by threshold
/// level:", "level2: Family Practitioner", "level3: Qualified Social Worker or Family
/// Practitioner".
fn who_by_fact(procedure: &Procedure, step: &Step) -> Option<Vec<String>> {
    let mut fact = None;
    let mut lines = Vec::new();
    for rule in &step.roles {
        let [condition] = rule.guard.as_ref()?.any_of.as_slice() else {
            return None;
        };
        let [condition] = condition.as_slice() else {
            return None;
        };
        if *fact.get_or_insert(condition.fact) != condition.fact {
            return None;
        }
        let values = match &condition.test {
            waymark_compile::Test::Is(v) => vec![*v],
            waymark_compile::Test::OneOf(values) => values.clone(),
            _ => return None,
        };
        let kind = &procedure.fact(condition.fact).kind;
        let values: Vec<String> = values
            .iter()
            .map(|v| match (kind, v) {
                (
                    waymark_compile::FactKind::OneOf(words),
                    waymark_compile::FactValue::Choice(i),
                ) => words
                    .get(*i as usize)
                    .cloned()
                    .unwrap_or_default()
                    .replace('_', " "),
                _ => String::new(),
            })
            .collect();
        if values.iter().any(String::is_empty) {
            return None;
        }
        let roles: Vec<&str> = rule
            .roles
            .iter()
            .map(|r| procedure.role(*r).title.as_str())
            .collect();
        let values = match values.as_slice() {
            [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => values.join(""),
        };
        lines.push(format!("{values}: {}", roles.join(rule.joiner())));
    }
    let fact = procedure.fact(fact?);
    let mut table = vec![format!(
        "who, by {}:",
        waymark_compile::mid_sentence(&fact.title)
    )];
    table.extend(lines);
    Some(table)
}

/// Whether a together block's pieces are alternatives (`any of`).
fn is_any_of(procedure: &Procedure, together: StepIndex) -> bool {
    procedure.step(together).kind.any_of_join().is_some()
}

/// Whether a together block has a piece marked `optional`.
fn has_optional_piece(procedure: &Procedure, together: StepIndex) -> bool {
    match &procedure.step(together).kind {
        StepKind::Together { members, .. } => members
            .iter()
            .any(|piece| procedure.step(*piece).optional.is_some()),
        _ => false,
    }
}

fn notes(procedure: &Procedure, step: &Step) -> Vec<String> {
    let mut notes = Vec::new();
    match step.kind {
        StepKind::Together { .. } if step.kind.any_of_join().is_some() => {
            notes.push("any of the work after this: one piece is enough".to_string())
        }
        StepKind::Together { .. } => notes.push("the work after this runs in parallel".to_string()),
        StepKind::Join { together } if is_any_of(procedure, together) => notes.push(
            "done when the first piece of work is; the others are then not needed".to_string(),
        ),
        StepKind::Join { together } if has_optional_piece(procedure, together) => notes.push(
            "waits until every piece of work is done, but for optional pieces not started"
                .to_string(),
        ),
        StepKind::Join { .. } => notes.push("waits until every piece of work is done".to_string()),
        _ => {}
    }
    if step.overrun_needs_reason {
        notes.push("if late, the reason is recorded".to_string());
    }
    if step.waivable {
        notes.push("waived only with a reason".to_string());
    }
    if let Some(optional) = &step.optional {
        notes.push(format!("optional: {}", optional.reason));
    }
    notes
}

/// The deadline or schedule lines of a node.
fn when(procedure: &Procedure, node: &Node) -> Vec<String> {
    let Some(first) = node.steps.first().map(|s| procedure.step(*s)) else {
        return Vec::new();
    };
    match &first.kind {
        StepKind::Checkpoint { until, .. } => checkpoint_lines(procedure, node, *until),
        StepKind::Recurring {
            every,
            unit,
            during,
            when,
        } => {
            let mut lines = vec![procedure.every_sentence(*every, *unit, *during)];
            lines.extend(
                when.as_ref()
                    .map(|guard| format!("only when {}", procedure.guard_sentence(guard))),
            );
            lines
        }
        // A together block's limit is met where its work meets again.
        StepKind::Together { .. } => Vec::new(),
        StepKind::Join { together } => deadline_lines(procedure, procedure.step(*together)),
        _ => deadline_lines(procedure, first),
    }
}

/// "within 5 working days of referral received" when the step has limits only; "target: ..."
/// and "limit: ..." lines when it has both, except that a target and a limit counted alike
/// share one line ("target 30, limit 45 working days after referral received"), which keeps
/// long step titles from being written twice.
pub fn deadline_lines(procedure: &Procedure, step: &Step) -> Vec<String> {
    let targets: Vec<&Deadline> = step.targets().collect();
    let limits: Vec<&Deadline> = step.limits().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut paired = None;
    if let [target] = targets.as_slice() {
        paired = limits.iter().position(|l| {
            l.unit == target.unit && l.clock == target.clock && l.guard == target.guard
        });
        if let Some(limit) = paired.map(|p| limits[p]) {
            let words = procedure.deadline_sentence(limit, false);
            // "45 working days after ..." -> "target 30, limit 45 working days after ...".
            lines.push(format!("target {}, limit {words}", target.amount));
        }
    }
    let has_target = !targets.is_empty();
    for (n, deadline) in targets.iter().chain(&limits).enumerate() {
        let is_limit = n >= targets.len();
        if paired.is_some() && (!is_limit || Some(n - targets.len()) == paired) {
            continue;
        }
        let line = match (has_target, deadline.kind) {
            (false, _) => procedure.deadline_sentence(deadline, true),
            (true, DeadlineKind::Target) => {
                format!("target: {}", procedure.deadline_sentence(deadline, false))
            }
            (true, DeadlineKind::Limit) => {
                format!("limit: {}", procedure.deadline_sentence(deadline, false))
            }
        };
        lines.push(line);
    }
    // The extension sits under the limits it moves.
    if let Some(extension) = &step.extension {
        lines.push(procedure.extension_sentence(extension));
    }
    lines
}

/// "on working days 5, 15, 30 after referral", and when the series stops.
fn checkpoint_lines(procedure: &Procedure, node: &Node, until: Option<StepIndex>) -> Vec<String> {
    let mut offsets = Vec::new();
    let mut timing = None;
    for step in node.steps.iter().map(|s| procedure.step(*s)) {
        if let StepKind::Checkpoint { offset, .. } = step.kind {
            offsets.push(offset.to_string());
        }
        if timing.is_none() {
            timing = step.limits().next().map(|d| (d.unit, d.clock));
        }
    }
    let mut lines = Vec::new();
    if let Some((unit, clock)) = timing {
        let clock = procedure.clock_title(clock);
        let offsets = list(&offsets);
        lines.push(match unit {
            Unit::WorkingDays => format!("on working days {offsets} after {clock}"),
            Unit::CalendarDays => format!("on days {offsets} after {clock}"),
            Unit::Weeks | Unit::Months | Unit::Hours => {
                format!("at {offsets} {} after {clock}", unit.words(2u32))
            }
        });
    }
    if let Some(until) = until {
        lines.push(format!(
            "not needed once {} is done",
            procedure.step_in_sentence(until)
        ));
    }
    lines
}

/// The links: start to the start step, then every graph edge in the graph's order. The
/// schedule edges to a checkpoint series become one link.
fn make_links(procedure: &Procedure, node_of_step: &[usize]) -> Vec<Link> {
    let node = |step: StepIndex| node_of_step.get(step.0 as usize).copied().unwrap_or(0);
    let mut links = vec![Link {
        from: 0,
        to: node(procedure.start),
        label: None,
        kind: LinkKind::Flow,
        route: None,
    }];
    // Links already made, so a repeat is found in O(1): scanning `links` made a decision with
    // 40,000 outcomes (or a chain of 40,000 steps) quadratic. Two edges drawn alike are one
    // line (the schedule edges to a checkpoint series), whichever route each came from.
    let drawn = |l: &Link| (l.from, l.to, l.label.clone(), l.kind);
    let mut seen: std::collections::HashSet<_> = links.iter().map(drawn).collect();
    for (from, to, edge) in procedure.graph.edges() {
        let route = match edge {
            Edge::Route(index) => Some((from, index)),
            _ => None,
        };
        let (label, kind) =
            match edge {
                Edge::Route(index) => (
                    procedure.step(from).routes.get(index).and_then(|route| {
                        route_label(procedure, procedure.step(from), &route.when)
                    }),
                    LinkKind::Flow,
                ),
                Edge::Fork | Edge::Join => (None, LinkKind::Flow),
                Edge::Schedule => (None, LinkKind::Schedule),
            };
        let link = Link {
            from: node(from),
            to: node(to),
            label,
            kind,
            route,
        };
        if seen.insert(drawn(&link)) {
            links.push(link);
        }
    }
    links
}

/// An outcome (with spaces for underscores), a condition, "otherwise", or nothing; for a
/// decision's route with a condition of its own, both: "section47, and age in years is at
/// least 16", "section47, otherwise".
fn route_label(procedure: &Procedure, step: &Step, when: &RouteWhen) -> Option<String> {
    let outcome = |index: &usize| step.outcomes.get(*index).map(|o| o.id.replace('_', " "));
    match when {
        RouteWhen::Always => None,
        RouteWhen::Guard(guard) => Some(procedure.guard_sentence(guard)),
        RouteWhen::Otherwise => Some("otherwise".to_string()),
        RouteWhen::Outcome(index) => outcome(index),
        RouteWhen::OutcomeWhen(index, guard) => outcome(index)
            .map(|outcome| format!("{outcome}, and {}", procedure.guard_sentence(guard))),
        RouteWhen::OutcomeOtherwise(index) => {
            outcome(index).map(|outcome| format!("{outcome}, otherwise"))
        }
    }
}

/// Gives every node its lane (see the module comment) and returns the lanes in use.
fn assign_lanes(procedure: &Procedure, nodes: &mut [Node], links: &[Link]) -> Vec<Lane> {
    const NONE: usize = usize::MAX;
    let roles = procedure.roles.len();
    let case = roles;
    let mut lane = vec![NONE; nodes.len()];
    for (index, node) in nodes.iter().enumerate() {
        let first_role = node
            .steps
            .first()
            .and_then(|s| procedure.step(*s).roles.first())
            .and_then(|rule| rule.roles.first());
        if let Some(role) = first_role {
            lane[index] = role.0 as usize;
        }
    }
    // Breadth first from the start node: a node without a role takes its finder's lane.
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for link in links {
        if let Some(list) = outgoing.get_mut(link.from) {
            list.push(link.to);
        }
    }
    let mut seen = vec![false; nodes.len()];
    let mut queue = std::collections::VecDeque::from([0usize]);
    seen[0] = true;
    let start_lane = links.first().map(|l| lane[l.to]).unwrap_or(NONE);
    lane[0] = if lane[0] == NONE { start_lane } else { lane[0] };
    while let Some(at) = queue.pop_front() {
        for &next in &outgoing[at] {
            if seen[next] {
                continue;
            }
            seen[next] = true;
            if lane[next] == NONE {
                lane[next] = join_lane(procedure, nodes, next, &lane).unwrap_or(lane[at]);
            }
            queue.push_back(next);
        }
    }
    let mut used = vec![false; roles + 1];
    for value in &mut lane {
        if *value == NONE || *value > roles {
            *value = case;
        }
        used[*value] = true;
    }
    let mut lanes = Vec::new();
    let mut new_index = vec![0; roles + 1];
    for (old, in_use) in used.iter().enumerate() {
        if !in_use {
            continue;
        }
        new_index[old] = lanes.len();
        lanes.push(match procedure.roles.get(old) {
            Some(role) => Lane {
                id: role.id.clone(),
                title: role.title.clone(),
            },
            None => Lane {
                id: "case".to_string(),
                title: CASE_LANE.to_string(),
            },
        });
    }
    for (node, old) in nodes.iter_mut().zip(lane) {
        node.lane = new_index[old];
    }
    lanes
}

/// A join's lane is its together block's, once the block has one.
fn join_lane(procedure: &Procedure, nodes: &[Node], node: usize, lane: &[usize]) -> Option<usize> {
    let step = procedure.step(*nodes[node].steps.first()?);
    let StepKind::Join { together } = step.kind else {
        return None;
    };
    // The node's own link to its fork, checked; a scan of every node for every join was
    // quadratic for blocks nested thousands deep.
    let is_fork = |n: &Node| n.steps.first() == Some(&together);
    let fork = match nodes[node].fork {
        Some(fork) if nodes.get(fork).is_some_and(is_fork) => fork,
        _ => nodes.iter().position(is_fork)?,
    };
    Some(lane[fork]).filter(|l| *l != usize::MAX)
}

/// Makes unique identifiers from step names.
#[derive(Default)]
struct IdMaker {
    used: std::collections::BTreeSet<String>,
}

impl IdMaker {
    fn make(&mut self, name: &str) -> String {
        let mut base = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                base.push(c.to_ascii_lowercase());
            } else if !base.is_empty() && !base.ends_with('_') {
                base.push('_');
            }
        }
        while base.ends_with('_') {
            base.pop();
        }
        if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
            base.insert_str(0, "step_");
        }
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::{IdMaker, change_words};

    #[test]
    fn changes_read_as_was_and_now() {
        let words = |kind, before, after| change_words(kind, before, after).unwrap();
        assert_eq!(
            words(
                "deadline_changed",
                Some("due 5 working days after referral"),
                Some("due 3 working days after referral")
            ),
            "limit: was 5, now 3 working days after referral"
        );
        assert_eq!(
            words(
                "deadline_changed",
                Some("target 30 working days after referral"),
                Some("target 20 days after visit")
            ),
            "target: was 30 working days after referral, now 20 days after visit"
        );
        assert_eq!(
            words(
                "title_changed",
                Some("Analysis"),
                Some("Analysis and judgement")
            ),
            "was titled \"Analysis\""
        );
        assert_eq!(
            words("version_changed", Some("2025-12"), Some("2026-03")),
            "version was 2025-12, now 2026-03"
        );
        assert_eq!(words("route_added", None, Some("then x")), "new: then x");
        // Nothing in common: both in full.
        assert_eq!(
            words("who_acts", Some("by a"), Some("by b")),
            "was by a, now by b"
        );
    }

    #[test]
    fn ids_are_safe_and_unique() {
        let mut ids = IdMaker::default();
        assert_eq!(
            ids.make("assessment_work (all done)"),
            "assessment_work_all_done"
        );
        assert_eq!(ids.make("start"), "start");
        assert_eq!(ids.make("start"), "start_2");
        assert_eq!(ids.make("9 lives"), "step_9_lives");
        assert_eq!(ids.make(""), "step_");
    }
}
