//! BPMN 2.0 XML with its diagram (BPMN DI), for bpmn.io, Camunda Modeler and other BPMN tools.
//!
//! - One collaboration with one participant (the procedure) and a lane per role.
//! - Steps are user tasks. A decision is a user task (who decides, by when) followed by an
//!   exclusive gateway whose outgoing flows are named after the outcomes; a step that branches
//!   on conditions gets one too, with the conditions as flow names and `otherwise` as the
//!   gateway's default flow.
//! - Work done together is a diverging parallel gateway and a converging one.
//! - Ends are end events; a start event leads to the start step.
//! - Each deadline is a non-interrupting boundary timer event on its step's task: a deadline
//!   passing does not stop the work. The timer's name is the deadline in words, its
//!   documentation explains it, and `waymark:` attributes hold the rule exactly (kind, amount,
//!   unit, clock, condition, calendar). A timer gets an ISO 8601 `timeDuration` only when that
//!   duration is exactly the rule: hours counted from the step the case arrives from. Working
//!   days skip weekends and bank holidays, and days counted from an earlier step do not start
//!   when the task does, so those timers carry no duration rather than a false one.
//! - Checkpoints and recurring work are user tasks with no incoming flow (they run alongside),
//!   joined to the step that schedules them by an association; recurring work has a loop
//!   marker.
//!
//! The diagram uses the layout shared with the SVG drawing, with BPMN's own shape sizes.

use crate::chart::{Chart, Link, LinkKind, Node, Shape, chart, deadline_words};
use crate::layout::{EdgeSpec, Layout, NodeSize, Point, Rect, Spacing, layout};
use crate::text::xml_escape;
use std::collections::BTreeSet;
use std::fmt::Write;
use waymark_compile::{Clock, Deadline, DeadlineKind, Procedure, Step, Unit};

/// The namespace of Waymark's extension attributes.
pub const WAYMARK_NAMESPACE: &str = "urn:waymark:bpmn:1";

const TASK_WIDTH: i32 = 160;
const TASK_HEIGHT: i32 = 80;
const EVENT: i32 = 36;
const GATEWAY: i32 = 50;
/// Room for the name under an event or gateway.
const LABEL_WIDTH: i32 = 110;
const TIMER_SLOT: i32 = 112;
/// Estimated width of a character in bpmn-js's 11px label font.
const LABEL_CHAR: i32 = 6;
const LABEL_LINE: i32 = 14;

/// Where the participant's box starts; lanes start 30 units to its right, as in bpmn-js.
const POOL_X: i32 = 20;
const POOL_Y: i32 = 20;

const SPACING: Spacing = Spacing {
    left: POOL_X + 30 + 30 + 24,
    top: POOL_Y,
    right: 30,
    lane_padding: 24,
    lane_min_height: 120,
    empty_lane_height: 120,
    row_gap: 24,
    column_gap: 50,
    track: 12,
    pass_height: 12,
};

/// The procedure as BPMN 2.0 XML.
pub fn to_bpmn(procedure: &Procedure) -> String {
    let chart = chart(procedure);
    let model = Model::new(procedure, &chart);
    model.render(procedure, &chart)
}

/// The diagram's layout, with the element sizes and flows it was made from (for tests that
/// check no shapes overlap).
pub fn bpmn_layout(procedure: &Procedure) -> (Layout, Vec<EdgeSpec>) {
    let chart = chart(procedure);
    let model = Model::new(procedure, &chart);
    let specs = model.flows.iter().map(edge_spec).collect();
    (model.layout, specs)
}

/// What a BPMN element is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    StartEvent,
    UserTask,
    /// A user task for work that runs alongside; `true` for recurring work (a loop).
    SideTask(bool),
    Exclusive,
    Parallel,
    EndEvent,
}

/// A flow node of the BPMN model (a chart node, or the gateway after a branching step).
struct Element {
    id: String,
    kind: Kind,
    name: String,
    lane: usize,
    timers: Vec<Timer>,
    documentation: String,
    /// The outgoing flow taken when no condition holds (`otherwise`).
    default_flow: Option<String>,
}

struct Timer {
    id: String,
    name: String,
    documentation: String,
    attributes: Vec<(&'static str, String)>,
    duration: Option<String>,
}

/// A sequence flow or an association, between element indexes.
struct Flow {
    id: String,
    from: usize,
    to: usize,
    name: Option<String>,
    association: bool,
}

struct Model {
    elements: Vec<Element>,
    flows: Vec<Flow>,
    layout: Layout,
    sizes: Vec<NodeSize>,
}

impl Model {
    fn new(procedure: &Procedure, chart: &Chart) -> Model {
        let mut ids = BTreeSet::new();
        let mut elements = Vec::new();
        // The element a chart node's incoming flows enter, and the one its outgoing flows leave.
        let mut entry = Vec::with_capacity(chart.nodes.len());
        let mut exit = Vec::with_capacity(chart.nodes.len());
        let mut flows = Vec::new();
        // Each node's flow links out (counted) and in, found once: scanning every link for
        // every node was quadratic (37 s for a chain of 40,000 steps).
        let mut branches_of = vec![0usize; chart.nodes.len()];
        let mut arrivals: Vec<Vec<&Link>> = vec![Vec::new(); chart.nodes.len()];
        for link in chart.links.iter().filter(|l| l.kind == LinkKind::Flow) {
            if let Some(count) = branches_of.get_mut(link.from) {
                *count += 1;
            }
            if let Some(arriving) = arrivals.get_mut(link.to) {
                arriving.push(link);
            }
        }
        for (index, node) in chart.nodes.iter().enumerate() {
            let element = element(procedure, chart, (index, &arrivals[index]), node, &mut ids);
            entry.push(elements.len());
            elements.push(element);
            let branches = branches_of[index];
            let branching = node.shape != Shape::Fork
                && (branches > 1 || (node.shape == Shape::Decision && branches > 0));
            if branching {
                let gateway = Element {
                    id: unique(&mut ids, &format!("Gateway_{}", node.id)),
                    kind: Kind::Exclusive,
                    name: String::new(),
                    lane: node.lane,
                    timers: Vec::new(),
                    documentation: String::new(),
                    default_flow: None,
                };
                let task = elements.len() - 1;
                elements.push(gateway);
                flows.push(Flow {
                    id: unique(&mut ids, &format!("Flow_{}_decided", node.id)),
                    from: task,
                    to: elements.len() - 1,
                    name: None,
                    association: false,
                });
            }
            exit.push(elements.len() - 1);
        }
        for link in &chart.links {
            let (Some(&from), Some(&to)) = (exit.get(link.from), entry.get(link.to)) else {
                continue;
            };
            let association = link.kind == LinkKind::Schedule;
            // An association starts at the step itself, not at the gateway after it.
            let from = if association { entry[link.from] } else { from };
            let prefix = if association { "Association" } else { "Flow" };
            let id = unique(
                &mut ids,
                &format!(
                    "{prefix}_{}_to_{}",
                    chart.nodes[link.from].id, chart.nodes[link.to].id
                ),
            );
            if link.label.as_deref() == Some("otherwise") {
                elements[from].default_flow = Some(id.clone());
            }
            flows.push(Flow {
                id,
                from,
                to,
                name: link.label.clone(),
                association,
            });
        }
        let sizes: Vec<NodeSize> = elements.iter().map(size).collect();
        let specs: Vec<EdgeSpec> = flows.iter().map(edge_spec).collect();
        let layout = layout(&sizes, &specs, chart.lanes.len(), &SPACING);
        Model {
            elements,
            flows,
            layout,
            sizes,
        }
    }

    fn render(&self, procedure: &Procedure, chart: &Chart) -> String {
        let mut out = String::new();
        let key = ncname(&chart.id);
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:waymark=\"{WAYMARK_NAMESPACE}\" id=\"Definitions_{key}\" targetNamespace=\"urn:waymark:procedure:{key}\" exporter=\"Waymark\" exporterVersion=\"{}\">",
            env!("CARGO_PKG_VERSION")
        );
        let name = xml_escape(&chart.title);
        let _ = writeln!(out, "  <bpmn:collaboration id=\"Collaboration_{key}\">");
        let _ = writeln!(
            out,
            "    <bpmn:participant id=\"Participant_{key}\" name=\"{name}\" processRef=\"Process_{key}\" />"
        );
        let _ = writeln!(out, "  </bpmn:collaboration>");
        let _ = writeln!(
            out,
            "  <bpmn:process id=\"Process_{key}\" name=\"{name}\" isExecutable=\"false\">"
        );
        let _ = writeln!(
            out,
            "    <bpmn:documentation>{}</bpmn:documentation>",
            xml_escape(&process_documentation(procedure))
        );
        self.lanes(&mut out, chart, &key);
        // Each element's sequence flows in and out, in flow order, found once.
        let mut incoming: Vec<Vec<&str>> = vec![Vec::new(); self.elements.len()];
        let mut outgoing: Vec<Vec<&str>> = vec![Vec::new(); self.elements.len()];
        for flow in self.flows.iter().filter(|f| !f.association) {
            if let Some(list) = incoming.get_mut(flow.to) {
                list.push(&flow.id);
            }
            if let Some(list) = outgoing.get_mut(flow.from) {
                list.push(&flow.id);
            }
        }
        for (index, element) in self.elements.iter().enumerate() {
            self.flow_node(&mut out, element, (&incoming[index], &outgoing[index]));
        }
        for flow in self.flows.iter().filter(|f| !f.association) {
            let name = flow
                .name
                .as_deref()
                .map(|n| format!(" name=\"{}\"", xml_escape(n)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    <bpmn:sequenceFlow id=\"{}\"{name} sourceRef=\"{}\" targetRef=\"{}\" />",
                flow.id, self.elements[flow.from].id, self.elements[flow.to].id
            );
        }
        for flow in self.flows.iter().filter(|f| f.association) {
            let _ = writeln!(
                out,
                "    <bpmn:association id=\"{}\" associationDirection=\"One\" sourceRef=\"{}\" targetRef=\"{}\" />",
                flow.id, self.elements[flow.from].id, self.elements[flow.to].id
            );
        }
        let _ = writeln!(out, "  </bpmn:process>");
        self.diagram(&mut out, chart, &key);
        let _ = writeln!(out, "</bpmn:definitions>");
        out
    }

    fn lanes(&self, out: &mut String, chart: &Chart, key: &str) {
        let _ = writeln!(out, "    <bpmn:laneSet id=\"LaneSet_{key}\">");
        for (index, lane) in chart.lanes.iter().enumerate() {
            let _ = writeln!(
                out,
                "      <bpmn:lane id=\"{}\" name=\"{}\">",
                lane_id(&lane.id),
                xml_escape(&lane.title)
            );
            for element in self.elements.iter().filter(|e| e.lane == index) {
                let _ = writeln!(
                    out,
                    "        <bpmn:flowNodeRef>{}</bpmn:flowNodeRef>",
                    element.id
                );
                for timer in &element.timers {
                    let _ = writeln!(
                        out,
                        "        <bpmn:flowNodeRef>{}</bpmn:flowNodeRef>",
                        timer.id
                    );
                }
            }
            let _ = writeln!(out, "      </bpmn:lane>");
        }
        let _ = writeln!(out, "    </bpmn:laneSet>");
    }

    /// One flow node; `flows` are the ids of its incoming and outgoing sequence flows.
    fn flow_node(&self, out: &mut String, element: &Element, flows: (&[&str], &[&str])) {
        let tag = match element.kind {
            Kind::StartEvent => "startEvent",
            Kind::UserTask | Kind::SideTask(_) => "userTask",
            Kind::Exclusive => "exclusiveGateway",
            Kind::Parallel => "parallelGateway",
            Kind::EndEvent => "endEvent",
        };
        let mut attributes = format!("id=\"{}\"", element.id);
        if !element.name.is_empty() {
            let _ = write!(attributes, " name=\"{}\"", xml_escape(&element.name));
        }
        if let Some(default) = &element.default_flow {
            let _ = write!(attributes, " default=\"{default}\"");
        }
        let _ = writeln!(out, "    <bpmn:{tag} {attributes}>");
        if !element.documentation.is_empty() {
            let _ = writeln!(
                out,
                "      <bpmn:documentation>{}</bpmn:documentation>",
                xml_escape(&element.documentation)
            );
        }
        for id in flows.0 {
            let _ = writeln!(out, "      <bpmn:incoming>{id}</bpmn:incoming>");
        }
        for id in flows.1 {
            let _ = writeln!(out, "      <bpmn:outgoing>{id}</bpmn:outgoing>");
        }
        if element.kind == Kind::SideTask(true) {
            let _ = writeln!(out, "      <bpmn:standardLoopCharacteristics />");
        }
        let _ = writeln!(out, "    </bpmn:{tag}>");
        for timer in &element.timers {
            let mut attributes = String::new();
            for (name, value) in &timer.attributes {
                let _ = write!(attributes, " waymark:{name}=\"{}\"", xml_escape(value));
            }
            let _ = writeln!(
                out,
                "    <bpmn:boundaryEvent id=\"{}\" name=\"{}\" cancelActivity=\"false\" attachedToRef=\"{}\"{attributes}>",
                timer.id,
                xml_escape(&timer.name),
                element.id
            );
            let _ = writeln!(
                out,
                "      <bpmn:documentation>{}</bpmn:documentation>",
                xml_escape(&timer.documentation)
            );
            match &timer.duration {
                Some(duration) => {
                    let _ = writeln!(
                        out,
                        "      <bpmn:timerEventDefinition id=\"{}_definition\">\n        <bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">{duration}</bpmn:timeDuration>\n      </bpmn:timerEventDefinition>",
                        timer.id
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "      <bpmn:timerEventDefinition id=\"{}_definition\" />",
                        timer.id
                    );
                }
            }
            let _ = writeln!(out, "    </bpmn:boundaryEvent>");
        }
    }

    fn diagram(&self, out: &mut String, chart: &Chart, key: &str) {
        let _ = writeln!(out, "  <bpmndi:BPMNDiagram id=\"Diagram_{key}\">");
        let _ = writeln!(
            out,
            "    <bpmndi:BPMNPlane id=\"Plane_{key}\" bpmnElement=\"Collaboration_{key}\">"
        );
        let pool_width = self.layout.width - POOL_X;
        let pool_height = self.layout.height - POOL_Y;
        shape(
            out,
            &format!("Participant_{key}"),
            Rect {
                x: POOL_X,
                y: POOL_Y,
                width: pool_width,
                height: pool_height,
            },
            " isHorizontal=\"true\"",
            None,
        );
        // The BPMN diagram is never wrapped: one band holds every lane.
        for (lane, band) in chart.lanes.iter().zip(self.layout.bands.iter().flatten()) {
            let id = lane_id(&lane.id);
            shape(
                out,
                &id,
                Rect {
                    x: POOL_X + 30,
                    y: band.y,
                    width: pool_width - 30,
                    height: band.height,
                },
                " isHorizontal=\"true\"",
                None,
            );
        }
        for (index, element) in self.elements.iter().enumerate() {
            let bounds = self.shape_bounds(index);
            let extra = if element.kind == Kind::Exclusive {
                " isMarkerVisible=\"true\""
            } else {
                ""
            };
            let label = match element.kind {
                Kind::StartEvent | Kind::EndEvent | Kind::Parallel if !element.name.is_empty() => {
                    Some(label_below(&bounds, &element.name, LABEL_WIDTH))
                }
                _ => None,
            };
            shape(out, &element.id, bounds, extra, label);
            let count = element.timers.len() as i32;
            for (n, timer) in element.timers.iter().enumerate() {
                let slot = bounds.width / count.max(1);
                let centre = bounds.x + slot * n as i32 + slot / 2;
                let timer_bounds = Rect {
                    x: centre - EVENT / 2,
                    y: bounds.bottom() - EVENT / 2,
                    width: EVENT,
                    height: EVENT,
                };
                let label = label_below(&timer_bounds, &timer.name, slot - 8);
                shape(out, &timer.id, timer_bounds, "", Some(label));
            }
        }
        for (index, flow) in self.flows.iter().enumerate() {
            let Some(path) = self.layout.edges.get(index) else {
                continue;
            };
            let path = self.attach(path, flow);
            if path.len() < 2 {
                continue;
            }
            let _ = writeln!(
                out,
                "      <bpmndi:BPMNEdge id=\"{}_di\" bpmnElement=\"{}\">",
                flow.id, flow.id
            );
            for point in &path {
                let _ = writeln!(
                    out,
                    "        <di:waypoint x=\"{}\" y=\"{}\" />",
                    point.x, point.y
                );
            }
            if let (Some(_), Some(Some(at))) = (&flow.name, self.layout.labels.get(index)) {
                let spec = edge_spec(flow);
                let _ = writeln!(
                    out,
                    "        <bpmndi:BPMNLabel>\n          <dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" />\n        </bpmndi:BPMNLabel>",
                    at.x,
                    at.y - spec.label_height,
                    spec.label_width,
                    spec.label_height
                );
            }
            let _ = writeln!(out, "      </bpmndi:BPMNEdge>");
        }
        let _ = writeln!(out, "    </bpmndi:BPMNPlane>");
        let _ = writeln!(out, "  </bpmndi:BPMNDiagram>");
    }

    /// The shape itself within its layout box: centred, at the port height.
    fn shape_bounds(&self, index: usize) -> Rect {
        let (Some(rect), Some(size), Some(element)) = (
            self.layout.boxes.get(index),
            self.sizes.get(index),
            self.elements.get(index),
        ) else {
            return Rect::default();
        };
        let (width, height) = shape_size(element);
        Rect {
            x: rect.x + (rect.width - width) / 2,
            y: rect.y + size.port - height / 2,
            width,
            height,
        }
    }

    /// Moves a path's ends from the layout box's sides to the shape's.
    fn attach(&self, path: &[Point], flow: &Flow) -> Vec<Point> {
        let mut path = path.to_vec();
        let from = self.shape_bounds(flow.from);
        let to = self.shape_bounds(flow.to);
        if let Some(first) = path.first_mut() {
            if first.x >= from.right() {
                first.x = from.right();
            } else if first.x <= from.x {
                first.x = from.x;
            }
        }
        if let Some(last) = path.last_mut() {
            if last.x <= to.x {
                last.x = to.x;
            } else if last.x >= to.right() {
                last.x = to.right();
            }
        }
        path
    }
}

fn lane_id(role: &str) -> String {
    format!("Lane_{}", ncname(role))
}

/// Letters, digits, `_`, `-` and `.`, starting with a letter or `_`.
fn ncname(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

fn unique(used: &mut BTreeSet<String>, base: &str) -> String {
    let base = ncname(base);
    let mut id = base.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// The BPMN element for a chart node.
/// `at` is the node's index and the flow links that arrive at it.
fn element(
    procedure: &Procedure,
    chart: &Chart,
    at: (usize, &[&Link]),
    node: &Node,
    ids: &mut BTreeSet<String>,
) -> Element {
    let (kind, prefix) = match node.shape {
        Shape::Start => (Kind::StartEvent, "Event"),
        Shape::Task | Shape::Decision => (Kind::UserTask, "Activity"),
        Shape::Checkpoint => (Kind::SideTask(false), "Activity"),
        Shape::Recurring => (Kind::SideTask(true), "Activity"),
        Shape::Fork | Shape::Join => (Kind::Parallel, "Gateway"),
        Shape::End => (Kind::EndEvent, "Event"),
    };
    let id = unique(ids, &format!("{prefix}_{}", node.id));
    let name = match node.shape {
        Shape::Checkpoint | Shape::Recurring => match node.when.first() {
            Some(when) => format!("{} ({when})", node.title),
            None => node.title.clone(),
        },
        Shape::Join => String::new(),
        _ => node.title.clone(),
    };
    let timers = match node.shape {
        Shape::Task | Shape::Decision => node
            .steps
            .first()
            .map(|s| timers(procedure, chart, at.1, procedure.step(*s), &id, ids))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Element {
        documentation: documentation(procedure, node),
        id,
        kind,
        name,
        lane: node.lane,
        timers,
        default_flow: None,
    }
}

/// Who, when, notes and citations, one per line.
fn documentation(procedure: &Procedure, node: &Node) -> String {
    let mut lines: Vec<String> = node.details().cloned().collect();
    for step in node.steps.iter().take(1).map(|s| procedure.step(*s)) {
        if let Some(reason) = &step.untimed {
            lines.push(format!("untimed: {reason}"));
        }
        for cite in &step.cites {
            let source = procedure.source(cite.source);
            match &cite.section {
                Some(section) => lines.push(format!(
                    "cites {} ({section}): \"{}\"",
                    source.title, cite.phrase
                )),
                None => lines.push(format!("cites {}: \"{}\"", source.title, cite.phrase)),
            }
        }
    }
    lines.join("\n")
}

fn process_documentation(procedure: &Procedure) -> String {
    let mut lines = vec![format!(
        "Drawn by Waymark from procedure `{}`. Working days follow the {} calendar. Deadlines are non-interrupting timers whose exact rule is in the waymark: attributes ({WAYMARK_NAMESPACE}).",
        procedure.id, procedure.calendar
    )];
    if let Some(version) = &procedure.version {
        lines.push(format!("version {version}"));
    }
    if let Some(effective) = procedure.effective {
        lines.push(format!("effective {effective}"));
    }
    lines.join("\n")
}

/// One boundary timer per deadline of a task's step.
fn timers(
    procedure: &Procedure,
    chart: &Chart,
    arrives_from: &[&Link],
    step: &Step,
    task_id: &str,
    ids: &mut BTreeSet<String>,
) -> Vec<Timer> {
    let has_target = step.targets().next().is_some();
    // The steps the case can arrive from (`arrives_from`): a timer started by the task is
    // counted from them.
    let sole_previous = match arrives_from {
        [link] => chart
            .nodes
            .get(link.from)
            .and_then(|n| n.steps.first())
            .copied(),
        _ => None,
    };
    step.targets()
        .chain(step.limits())
        .map(|deadline| {
            let kind = match deadline.kind {
                DeadlineKind::Target => "target",
                DeadlineKind::Limit => "limit",
            };
            let name = if has_target {
                format!("{kind}: {}", deadline_words(procedure, deadline, false))
            } else {
                deadline_words(procedure, deadline, true)
            };
            let exact = deadline.unit == Unit::Hours
                && deadline.guard.is_none()
                && matches!(deadline.clock, Clock::AfterStep(s) if Some(s) == sole_previous);
            let duration = exact.then(|| format!("PT{}H", deadline.amount));
            Timer {
                id: unique(ids, &format!("{task_id}_{kind}")),
                documentation: timer_documentation(procedure, deadline, kind, duration.is_some()),
                attributes: timer_attributes(procedure, deadline, kind),
                name,
                duration,
            }
        })
        .collect()
}

fn timer_documentation(
    procedure: &Procedure,
    deadline: &Deadline,
    kind: &str,
    exact: bool,
) -> String {
    let rule = procedure.deadline_words(deadline);
    let meaning = match kind {
        "target" => "Target (an earlier aim; meeting the limit is what counts as on time)",
        _ => "Limit (done later than this is late)",
    };
    let how = if exact {
        "The timer's duration is exact: the clock starts when the case arrives at this task."
            .to_string()
    } else {
        match deadline.unit {
            Unit::WorkingDays => format!(
                "Working days skip weekends and the {} calendar's bank holidays, so this is not a fixed ISO 8601 duration and the timer has none; the waymark: attributes hold the rule.",
                procedure.calendar
            ),
            _ => "The clock does not start when this task starts, so the timer has no ISO 8601 duration; the waymark: attributes hold the rule.".to_string(),
        }
    };
    format!("{meaning}: {rule}. {how}")
}

fn timer_attributes(
    procedure: &Procedure,
    deadline: &Deadline,
    kind: &str,
) -> Vec<(&'static str, String)> {
    let unit = match deadline.unit {
        Unit::WorkingDays => "working-days",
        Unit::CalendarDays => "calendar-days",
        Unit::Weeks => "weeks",
        Unit::Months => "months",
        Unit::Hours => "hours",
    };
    let mut attributes = vec![
        ("rule", procedure.deadline_line(deadline)),
        ("deadline", kind.to_string()),
        ("amount", deadline.amount.to_string()),
        ("unit", unit.to_string()),
    ];
    match deadline.clock {
        Clock::AfterStep(step) => attributes.push(("after", procedure.step(step).id.clone())),
        Clock::AfterFact(fact) => attributes.push(("after-fact", procedure.fact(fact).id.clone())),
        Clock::BeforeFact(fact) => {
            attributes.push(("before-fact", procedure.fact(fact).id.clone()))
        }
    }
    if let Some(guard) = &deadline.guard {
        attributes.push(("when", procedure.guard_words(guard)));
    }
    if deadline.unit == Unit::WorkingDays {
        attributes.push(("calendar", procedure.calendar.clone()));
    }
    attributes
}

/// The drawn size of an element's shape.
fn shape_size(element: &Element) -> (i32, i32) {
    match element.kind {
        Kind::StartEvent | Kind::EndEvent => (EVENT, EVENT),
        Kind::Exclusive | Kind::Parallel => (GATEWAY, GATEWAY),
        Kind::UserTask | Kind::SideTask(_) => {
            let slots = element.timers.len() as i32;
            (TASK_WIDTH.max(slots * TIMER_SLOT), TASK_HEIGHT)
        }
    }
}

/// Lines a label takes in a box `width` wide.
fn label_lines(text: &str, width: i32) -> i32 {
    let per_line = (width / LABEL_CHAR).max(1) as usize;
    crate::text::wrap(text, per_line).len() as i32
}

/// The layout box of an element: its shape plus the labels under it.
fn size(element: &Element) -> NodeSize {
    let (width, height) = shape_size(element);
    let below = match element.kind {
        Kind::StartEvent | Kind::EndEvent | Kind::Parallel if !element.name.is_empty() => {
            6 + label_lines(&element.name, LABEL_WIDTH) * LABEL_LINE
        }
        Kind::UserTask if !element.timers.is_empty() => {
            let slot = width / element.timers.len() as i32;
            let tallest = element
                .timers
                .iter()
                .map(|t| label_lines(&t.name, slot - 8))
                .max()
                .unwrap_or(0);
            EVENT / 2 + 4 + tallest * LABEL_LINE
        }
        _ => 0,
    };
    let box_width = match element.kind {
        Kind::StartEvent | Kind::EndEvent | Kind::Parallel if below > 0 => width.max(LABEL_WIDTH),
        _ => width,
    };
    NodeSize {
        width: box_width,
        height: height + below,
        port: height / 2,
        lane: element.lane,
    }
}

fn edge_spec(flow: &Flow) -> EdgeSpec {
    let (width, height) = match &flow.name {
        Some(name) => {
            let lines = crate::text::wrap(name, 22);
            let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32;
            (widest * LABEL_CHAR + 8, lines.len() as i32 * LABEL_LINE)
        }
        None => (0, 0),
    };
    EdgeSpec {
        from: flow.from,
        to: flow.to,
        label_width: width,
        label_height: height,
        same_label: None,
    }
}

/// A label's bounds, centred under a shape.
fn label_below(bounds: &Rect, text: &str, width: i32) -> Rect {
    let width = width.max(40);
    Rect {
        x: bounds.x + bounds.width / 2 - width / 2,
        y: bounds.bottom() + 4,
        width,
        height: label_lines(text, width) * LABEL_LINE,
    }
}

fn shape(out: &mut String, element: &str, bounds: Rect, extra: &str, label: Option<Rect>) {
    let _ = writeln!(
        out,
        "      <bpmndi:BPMNShape id=\"{element}_di\" bpmnElement=\"{element}\"{extra}>"
    );
    let _ = writeln!(
        out,
        "        <dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" />",
        bounds.x, bounds.y, bounds.width, bounds.height
    );
    if let Some(label) = label {
        let _ = writeln!(
            out,
            "        <bpmndi:BPMNLabel>\n          <dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" />\n        </bpmndi:BPMNLabel>",
            label.x, label.y, label.width, label.height
        );
    }
    let _ = writeln!(out, "      </bpmndi:BPMNShape>");
}

#[cfg(test)]
mod tests {
    use super::ncname;

    #[test]
    fn ids_are_xml_names() {
        assert_eq!(ncname("review_5"), "review_5");
        assert_eq!(ncname("9 a"), "_9_a");
    }
}
