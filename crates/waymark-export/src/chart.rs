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

use crate::text::list;
use std::collections::{BTreeMap, BTreeSet};
use waymark_compile::{
    Clock, Deadline, DeadlineKind, Edge, Procedure, RouteWhen, Step, StepId, StepKind, Unit,
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
    End,
    /// A series of scheduled checkpoints, running alongside the path.
    Checkpoint,
    /// Recurring work, running alongside the path.
    Recurring,
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
    /// Other rules worth seeing on the wall ("may be waived, with the reason recorded").
    pub notes: Vec<String>,
    /// Index into [`Chart::lanes`].
    pub lane: usize,
    /// The steps the node draws: one, several for a checkpoint series, none for the start.
    pub steps: Vec<StepId>,
    /// How the node differs from an earlier version, when the drawing is a comparison.
    pub mark: Mark,
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
}

/// The title of the lane that holds the steps an earlier version had and this one does not.
pub const REMOVED_LANE: &str = "Removed in this version";

/// The chart of `procedure`, with each node marked by how it differs from the earlier version
/// and the steps that are gone drawn in a lane of their own.
pub fn chart_compared(procedure: &Procedure, comparison: &Comparison) -> Chart {
    let mut chart = chart(procedure);
    for node in &mut chart.nodes {
        let ids: Vec<&str> = node
            .steps
            .iter()
            .map(|s| procedure.step(*s).id.as_str())
            .collect();
        node.mark = if ids.iter().any(|id| comparison.added.contains(*id)) {
            Mark::Added
        } else if ids.iter().any(|id| comparison.changed.contains(*id)) {
            Mark::Changed
        } else {
            Mark::Same
        };
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
            lane,
            steps: Vec::new(),
            mark: Mark::Removed,
        });
    }
    chart
}

impl Node {
    /// Every line under the title: who, when, notes.
    pub fn details(&self) -> impl Iterator<Item = &String> {
        self.who.iter().chain(&self.when).chain(&self.notes)
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    /// The case moves along it.
    Flow,
    /// The step starts a checkpoint's clock, or recurring work runs while the case is there.
    Schedule,
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
        lane: 0,
        steps: Vec::new(),
        mark: Mark::Same,
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
            shape: shape(&step.kind),
            title,
            who: who(procedure, step),
            when: Vec::new(),
            notes: notes(step),
            lane: 0,
            steps: vec![step_id],
            mark: Mark::Same,
        });
    }
    for node in &mut nodes {
        node.when = when(procedure, node);
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

fn shape(kind: &StepKind) -> Shape {
    match kind {
        StepKind::Task => Shape::Task,
        StepKind::Decision => Shape::Decision,
        StepKind::Together { .. } => Shape::Fork,
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
    step.roles
        .iter()
        .map(|rule| procedure.role_rule_words(rule, true))
        .collect()
}

fn notes(step: &Step) -> Vec<String> {
    let mut notes = Vec::new();
    match step.kind {
        StepKind::Together { .. } => notes.push("the work after this runs in parallel".to_string()),
        StepKind::Join { .. } => notes.push("waits until every piece of work is done".to_string()),
        _ => {}
    }
    if step.overrun_needs_reason {
        notes.push("if late, the reason is recorded".to_string());
    }
    if step.waivable {
        notes.push("may be waived, with the reason recorded".to_string());
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
            let mut lines = vec![format!(
                "every {every} {} while at {}",
                unit.words(*every),
                procedure.step(*during).id
            )];
            lines.extend(
                when.as_ref()
                    .map(|guard| format!("only when {}", procedure.guard_words(guard))),
            );
            lines
        }
        // A together block's limit is met where its work meets again.
        StepKind::Together { .. } => Vec::new(),
        StepKind::Join { together } => deadline_lines(procedure, procedure.step(*together)),
        _ => deadline_lines(procedure, first),
    }
}

/// "within 5 working days of referral" when the step has limits only; "target: ..." and
/// "limit: ..." lines when it has both.
pub fn deadline_lines(procedure: &Procedure, step: &Step) -> Vec<String> {
    let has_target = step.targets().next().is_some();
    let mut lines: Vec<String> = Vec::new();
    for deadline in step.targets().chain(step.limits()) {
        let line = match (has_target, deadline.kind) {
            (false, _) => deadline_words(procedure, deadline, true),
            (true, DeadlineKind::Target) => {
                format!("target: {}", deadline_words(procedure, deadline, false))
            }
            (true, DeadlineKind::Limit) => {
                format!("limit: {}", deadline_words(procedure, deadline, false))
            }
        };
        lines.push(line);
    }
    lines
}

/// One deadline in words. `within` words a lone limit as "within 5 working days of referral";
/// otherwise "5 working days after referral".
pub fn deadline_words(procedure: &Procedure, deadline: &Deadline, within: bool) -> String {
    let amount = deadline.amount;
    let unit = deadline.unit.words(amount);
    let clock = clock_name(procedure, deadline.clock);
    let mut words = match (deadline.clock, within) {
        (Clock::BeforeFact(_), true) => format!("at least {amount} {unit} before {clock}"),
        (Clock::BeforeFact(_), false) => format!("{amount} {unit} before {clock}"),
        (_, true) => format!("within {amount} {unit} of {clock}"),
        (_, false) => format!("{amount} {unit} after {clock}"),
    };
    if let Some(guard) = &deadline.guard {
        words.push_str(&format!(" (when {})", procedure.guard_words(guard)));
    }
    words
}

/// The step or fact a deadline counts from.
pub fn clock_name(procedure: &Procedure, clock: Clock) -> String {
    match clock {
        Clock::AfterStep(step) => procedure.step(step).id.clone(),
        Clock::AfterFact(fact) | Clock::BeforeFact(fact) => procedure.fact(fact).id.clone(),
    }
}

/// "on working days 5, 15, 30 after referral", and when the series stops.
fn checkpoint_lines(procedure: &Procedure, node: &Node, until: Option<StepId>) -> Vec<String> {
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
        let clock = clock_name(procedure, clock);
        let offsets = list(&offsets);
        lines.push(match unit {
            Unit::WorkingDays => format!("on working days {offsets} after {clock}"),
            Unit::CalendarDays => format!("on days {offsets} after {clock}"),
            other => format!("at {offsets} {} after {clock}", other.words(2)),
        });
    }
    if let Some(until) = until {
        lines.push(format!(
            "not needed once {} is done",
            procedure.step(until).id
        ));
    }
    lines
}

/// The links: start to the start step, then every graph edge in the graph's order. The
/// schedule edges to a checkpoint series become one link.
fn make_links(procedure: &Procedure, node_of_step: &[usize]) -> Vec<Link> {
    let node = |step: StepId| node_of_step.get(step.0 as usize).copied().unwrap_or(0);
    let mut links = vec![Link {
        from: 0,
        to: node(procedure.start),
        label: None,
        kind: LinkKind::Flow,
    }];
    // Links already made, so a repeat is found in O(1): scanning `links` made a decision with
    // 40,000 outcomes (or a chain of 40,000 steps) quadratic.
    let mut seen: std::collections::HashSet<Link> = links.iter().cloned().collect();
    for (from, to, edge) in procedure.graph.edges() {
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
        };
        if !seen.contains(&link) {
            seen.insert(link.clone());
            links.push(link);
        }
    }
    links
}

/// An outcome (with spaces for underscores), a condition, "otherwise", or nothing.
fn route_label(procedure: &Procedure, step: &Step, when: &RouteWhen) -> Option<String> {
    match when {
        RouteWhen::Always => None,
        RouteWhen::Guard(guard) => Some(procedure.guard_words(guard)),
        RouteWhen::Otherwise => Some("otherwise".to_string()),
        RouteWhen::Outcome(index) => step.outcomes.get(*index).map(|o| o.id.replace('_', " ")),
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
    let fork = nodes
        .iter()
        .position(|n| n.steps.first() == Some(&together))?;
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
    use super::IdMaker;

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
