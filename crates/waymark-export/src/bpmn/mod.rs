//! BPMN 2.0 XML with its diagram (BPMN DI), for bpmn.io, Camunda Modeler and Camunda 8.
//!
//! The process is executable: Camunda Modeler lints it for Camunda 8.8, and `bpmn-engine` runs
//! it in the tests.
//!
//! - One collaboration with one participant (the procedure) and a lane per role.
//! - Steps are Camunda user tasks; their roles are the candidate groups. A decision is a user
//!   task followed by an exclusive gateway named with the question; each flow out carries a FEEL
//!   condition on the outcome (`= strategy_discussion = "section47"`). A step that branches on
//!   facts gets one too, with the conditions in FEEL on the facts and `otherwise` (or a plain
//!   `then`) as the gateway's default flow. See `feel.rs` for the process variables.
//! - Work done together is a diverging and a converging parallel gateway. Where several flows
//!   come into one element, an exclusive gateway merges them first: only one of them carries
//!   the case, so a parallel gateway reached that way would wait for ever.
//! - Ends are end events; a start event leads to the start step.
//! - Each deadline is a non-interrupting boundary timer on its step's task: a deadline passing
//!   does not stop the work. Its `timeDate` reads the due date from a process variable, because
//!   working days skip weekends and bank holidays and no ISO 8601 duration says that; only
//!   hours counted from the step the case arrives from are written as a duration. The rule
//!   itself is in the documentation, the `waymark:` attributes and zeebe properties (shown in
//!   Camunda Modeler's properties panel). A timer that fires leads to an escalation end event,
//!   which an engine shows (and a calling process can catch).
//! - Recurring work is a cycle timer on the step it recurs during, leading to its user task.
//!   Each checkpoint is a non-interrupting event subprocess started by a timer on its date.
//!
//! The diagram uses the layout shared with the SVG drawing, with BPMN's own shape sizes; what
//! hangs under a task (its timers and what they lead to) is part of the task's box, so no line
//! of the layout runs through it.
#![allow(
    clippy::indexing_slicing,
    reason = "element and flow indexes come from the lists this module builds for the same chart"
)]

mod feel;

use crate::chart::{Chart, Link, LinkKind, Node, Shape, chart};
use crate::layout::{EdgeSpec, Layout, NodeSize, Point, Rect, Spacing, layout};
use crate::text::xml_escape;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use waymark_compile::{
    Clock, Deadline, DeadlineKind, Procedure, RouteWhen, Step, StepIndex, StepKind,
};

/// The namespace of Waymark's extension attributes.
pub const WAYMARK_NAMESPACE: &str = "urn:waymark:bpmn:1";

/// The Camunda version the file is made for (Camunda Modeler lints against it).
const PLATFORM_VERSION: &str = "8.8.0";

const TASK_WIDTH: i32 = 160;
const TASK_HEIGHT: i32 = 80;
const EVENT: i32 = 36;
const GATEWAY: i32 = 50;
/// Room for the name under an event or gateway.
const LABEL_WIDTH: i32 = 110;
/// The width under a task given to each timer: the timer, its name beside the line down from
/// it, and what the line leads to.
const SLOT: i32 = 160;
const SLOT_LABEL: i32 = SLOT - EVENT - 28;
/// The task recurring work leads to, under its timer.
const RECUR_WIDTH: i32 = SLOT - 12;
const RECUR_HEIGHT: i32 = 80;
/// Estimated width of a character in bpmn-js's 11px label font, and in a task's 12px text.
const LABEL_CHAR: i32 = 6;
const TASK_CHAR: i32 = 7;
const LABEL_LINE: i32 = 14;
/// Inside a checkpoint's event subprocess: the padding, and the gap between its shapes.
const SUB_PAD: i32 = 40;
const SUB_GAP: i32 = 40;
const SUB_TOP: i32 = 30;

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
    /// The gateway after a branching step, named with its question.
    Exclusive,
    /// An exclusive gateway that merges flows before the element they come into.
    Merge,
    /// `true` for the converging gateway of work done together.
    Parallel(bool),
    /// Any-of work: `true` for the converging gateway. The diverging one starts the pieces
    /// the case chose (every one, unless a process variable lists them); the converging one
    /// waits for those started.
    Inclusive(bool),
    EndEvent,
    /// A checkpoint: an event subprocess started by a timer.
    Checkpoint,
}

/// A flow node of the BPMN model (a chart node, or a gateway Waymark adds).
struct Element {
    id: String,
    kind: Kind,
    name: String,
    lane: usize,
    documentation: String,
    /// Candidate groups of a user task: the roles of its `by` lines.
    groups: Vec<String>,
    /// Shown in Camunda Modeler's properties panel.
    properties: Vec<(String, String)>,
    timers: Vec<Timer>,
    /// The outgoing flow taken when no condition holds (`otherwise`).
    default_flow: Option<String>,
    /// A checkpoint's timer and task.
    checkpoint: Option<Checkpoint>,
}

impl Element {
    fn new(id: String, kind: Kind, name: String, lane: usize) -> Element {
        Element {
            id,
            kind,
            name,
            lane,
            documentation: String::new(),
            groups: Vec::new(),
            properties: Vec::new(),
            timers: Vec::new(),
            default_flow: None,
            checkpoint: None,
        }
    }
}

/// A timer on a task's boundary, and what it leads to.
struct Timer {
    id: String,
    name: String,
    documentation: String,
    attributes: Vec<(&'static str, String)>,
    properties: Vec<(String, String)>,
    /// `timeDate`, `timeDuration` or `timeCycle`, and the expression.
    definition: (&'static str, String),
    then: After,
    /// The id of the flow out of the timer.
    fired: String,
}

enum After {
    /// A missed deadline: an escalation end event.
    Escalate {
        end: String,
        name: String,
        escalation: &'static str,
    },
    /// Recurring work: its user task, then an end event, and the id of the flow between.
    Recur {
        task: Box<Element>,
        end: String,
        done: String,
    },
}

struct Checkpoint {
    start: String,
    start_name: String,
    /// The `timeDate` expression.
    date: String,
    task: String,
    task_name: String,
    end: String,
    /// The ids of the flows from the timer to the task and from the task to the end.
    begun: String,
    done: String,
}

/// A sequence flow or an association, between element indexes.
struct SequenceFlow {
    id: String,
    from: usize,
    to: usize,
    name: Option<String>,
    association: bool,
    /// A FEEL condition, with its leading `=`.
    condition: Option<String>,
}

struct Model {
    elements: Vec<Element>,
    flows: Vec<SequenceFlow>,
    layout: Layout,
    sizes: Vec<NodeSize>,
    /// The escalations the timers throw: (id, name, code).
    escalations: Vec<(&'static str, &'static str, &'static str)>,
    /// The chart's lanes that hold an element, in order; `Element::lane` indexes this.
    lanes: Vec<usize>,
}

impl Model {
    fn new(procedure: &Procedure, chart: &Chart) -> Model {
        let mut ids = Ids::default();
        let mut elements: Vec<Element> = Vec::new();
        // The elements a chart node's incoming flows enter (several for a checkpoint series,
        // none for recurring work), and the one its outgoing flows leave.
        let mut entry: Vec<Vec<usize>> = Vec::with_capacity(chart.nodes.len());
        let mut exit: Vec<Option<usize>> = Vec::with_capacity(chart.nodes.len());
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
            match node.shape {
                Shape::Recurring => {
                    entry.push(Vec::new());
                    exit.push(None);
                    continue;
                }
                Shape::Checkpoint => {
                    let first = elements.len();
                    for step in &node.steps {
                        elements.push(checkpoint(procedure, node, *step, &mut ids));
                    }
                    entry.push((first..elements.len()).collect());
                    exit.push(None);
                    continue;
                }
                _ => {}
            }
            let element = element(procedure, chart, (index, &arrivals[index]), node, &mut ids);
            entry.push(vec![elements.len()]);
            elements.push(element);
            let branches = branches_of[index];
            if !matches!(node.shape, Shape::Fork | Shape::AnyFork) && branches > 1 {
                let name = question(procedure, chart, index, node);
                let gateway = Element::new(
                    unique(&mut ids, &format!("Gateway_{}", node.id)),
                    Kind::Exclusive,
                    name,
                    node.lane,
                );
                let task = elements.len() - 1;
                elements.push(gateway);
                flows.push(SequenceFlow {
                    id: unique(&mut ids, &format!("Flow_{}_decided", node.id)),
                    from: task,
                    to: elements.len() - 1,
                    name: None,
                    association: false,
                    condition: None,
                });
            }
            exit.push(Some(elements.len() - 1));
        }
        for link in &chart.links {
            let association = link.kind == LinkKind::Schedule;
            let targets = entry.get(link.to).cloned().unwrap_or_default();
            // An association starts at the step itself, not at the gateway after it.
            let from = if association {
                entry.get(link.from).and_then(|e| e.first().copied())
            } else {
                exit.get(link.from).copied().flatten()
            };
            let Some(from) = from else { continue };
            for to in targets {
                let prefix = if association { "Association" } else { "Flow" };
                let id = unique(
                    &mut ids,
                    &format!(
                        "{prefix}_{}_to_{}",
                        chart.nodes[link.from].id, elements[to].id
                    ),
                );
                let decided = elements[from].kind == Kind::Exclusive;
                let condition = match link.route {
                    Some((step, index)) if decided && !association => {
                        condition(procedure, procedure.step(step), index)
                    }
                    _ if elements[from].kind == Kind::Inclusive(false) && !association => {
                        piece_chosen(procedure, chart, link)
                    }
                    _ => None,
                };
                if decided && condition.is_none() && !association {
                    elements[from].default_flow = Some(id.clone());
                }
                // A flow into a piece of any-of work is conditional, so it is named too.
                let name = match &condition {
                    Some(c) if elements[from].kind == Kind::Inclusive(false) => {
                        Some(match c.contains("= null or") {
                            true => "if chosen, or if none is".to_string(),
                            false => "if chosen".to_string(),
                        })
                    }
                    _ => link.label.clone(),
                };
                flows.push(SequenceFlow {
                    id,
                    from,
                    to,
                    name,
                    association,
                    condition,
                });
            }
        }
        recurring(procedure, chart, &entry, &mut elements, &mut ids);
        merge(&mut elements, &mut flows, &mut ids);
        let thrown = |code: &str| {
            elements.iter().flat_map(|e| &e.timers).any(
                |t| matches!(&t.then, After::Escalate { escalation, .. } if *escalation == code),
            )
        };
        let escalations = [
            ("Escalation_target_missed", "Target missed", "target_missed"),
            ("Escalation_limit_missed", "Limit missed", "limit_missed"),
        ]
        .into_iter()
        .filter(|(_, _, code)| thrown(code))
        .collect();
        let specs: Vec<EdgeSpec> = flows.iter().map(edge_spec).collect();
        // A role whose only work is recurring work drawn under another lane's step has nothing
        // left in its own lane: such a lane is left out rather than drawn empty.
        let lanes: Vec<usize> = (0..chart.lanes.len())
            .filter(|lane| elements.iter().any(|e| e.lane == *lane))
            .collect();
        for element in &mut elements {
            element.lane = lanes.iter().position(|l| *l == element.lane).unwrap_or(0);
        }
        let sizes: Vec<NodeSize> = elements.iter().map(size).collect();
        let layout = layout(&sizes, &specs, lanes.len(), &SPACING);
        Model {
            elements,
            flows,
            layout,
            sizes,
            escalations,
            lanes,
        }
    }

    fn render(&self, procedure: &Procedure, chart: &Chart) -> String {
        let mut out = String::new();
        let key = ncname(&chart.id);
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" xmlns:modeler=\"http://camunda.org/schema/modeler/1.0\" xmlns:waymark=\"{WAYMARK_NAMESPACE}\" id=\"Definitions_{key}\" targetNamespace=\"urn:waymark:procedure:{key}\" exporter=\"Waymark\" exporterVersion=\"{}\" modeler:executionPlatform=\"Camunda Cloud\" modeler:executionPlatformVersion=\"{PLATFORM_VERSION}\">",
            env!("CARGO_PKG_VERSION")
        );
        let name = xml_escape(&chart.title);
        let _ = writeln!(out, "  <bpmn:collaboration id=\"Collaboration_{key}\">");
        let _ = writeln!(
            out,
            "    <bpmn:participant id=\"Participant_{key}\" name=\"{name}\" processRef=\"Process_{key}\" />"
        );
        let _ = writeln!(out, "  </bpmn:collaboration>");
        for (id, name, code) in &self.escalations {
            let _ = writeln!(
                out,
                "  <bpmn:escalation id=\"{id}\" name=\"{name}\" escalationCode=\"{code}\" />"
            );
        }
        let _ = writeln!(
            out,
            "  <bpmn:process id=\"Process_{key}\" name=\"{name}\" isExecutable=\"true\">"
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
            let head = format!(
                "    <bpmn:sequenceFlow id=\"{}\"{name} sourceRef=\"{}\" targetRef=\"{}\"",
                flow.id, self.elements[flow.from].id, self.elements[flow.to].id
            );
            match &flow.condition {
                Some(condition) => {
                    let _ = writeln!(
                        out,
                        "{head}>\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">{}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>",
                        xml_escape(condition)
                    );
                }
                None => {
                    let _ = writeln!(out, "{head} />");
                }
            }
        }
        for element in &self.elements {
            for timer in &element.timers {
                for (id, from, to) in after_flows(timer) {
                    let _ = writeln!(
                        out,
                        "    <bpmn:sequenceFlow id=\"{id}\" sourceRef=\"{from}\" targetRef=\"{to}\" />"
                    );
                }
            }
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
        for (index, lane) in self
            .lanes
            .iter()
            .filter_map(|l| chart.lanes.get(*l))
            .enumerate()
        {
            let _ = writeln!(
                out,
                "      <bpmn:lane id=\"{}\" name=\"{}\">",
                lane_id(&lane.id),
                xml_escape(&lane.title)
            );
            for element in self.elements.iter().filter(|e| e.lane == index) {
                let mut refs = vec![element.id.as_str()];
                for timer in &element.timers {
                    refs.push(&timer.id);
                    match &timer.then {
                        After::Escalate { end, .. } => refs.push(end),
                        After::Recur { task, end, .. } => {
                            refs.push(&task.id);
                            refs.push(end);
                        }
                    }
                }
                for id in refs {
                    let _ = writeln!(out, "        <bpmn:flowNodeRef>{id}</bpmn:flowNodeRef>");
                }
            }
            let _ = writeln!(out, "      </bpmn:lane>");
        }
        let _ = writeln!(out, "    </bpmn:laneSet>");
    }

    /// One flow node; `flows` are the ids of its incoming and outgoing sequence flows.
    fn flow_node(&self, out: &mut String, element: &Element, flows: (&[&str], &[&str])) {
        let (incoming, outgoing) = flows;
        if element.kind == Kind::Checkpoint {
            checkpoint_xml(out, element);
        } else {
            node_xml(out, element, incoming, outgoing, "");
        }
        for timer in &element.timers {
            timer_xml(out, timer, &element.id);
            let flow = timer.fired.clone();
            match &timer.then {
                After::Escalate {
                    end,
                    name,
                    escalation,
                } => {
                    let mut end = Element::new(end.clone(), Kind::EndEvent, name.clone(), 0);
                    end.documentation = format!(
                        "Reached when the timer fires: {}. The escalation {escalation} lets an engine show it and a calling process catch it.",
                        timer.name
                    );
                    node_xml(
                        out,
                        &end,
                        &[&flow],
                        &[],
                        &format!(
                            "      <bpmn:escalationEventDefinition id=\"{}_definition\" escalationRef=\"Escalation_{escalation}\" />\n",
                            end.id
                        ),
                    );
                }
                After::Recur { task, end, done } => {
                    node_xml(out, task, &[&flow], &[done], "");
                    let end = Element::new(end.clone(), Kind::EndEvent, "Done".to_string(), 0);
                    node_xml(out, &end, &[done], &[], "");
                }
            }
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
        let lanes = self.lanes.iter().filter_map(|l| chart.lanes.get(*l));
        for (lane, band) in lanes.zip(self.layout.bands.iter().flatten()) {
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
        let mut edges: Vec<(String, Vec<Point>)> = Vec::new();
        for (index, element) in self.elements.iter().enumerate() {
            let bounds = self.shape_bounds(index);
            let extra = match element.kind {
                Kind::Exclusive | Kind::Merge => " isMarkerVisible=\"true\"",
                Kind::Checkpoint => " isExpanded=\"true\"",
                _ => "",
            };
            let label = match element.kind {
                Kind::StartEvent
                | Kind::EndEvent
                | Kind::Parallel(_)
                | Kind::Inclusive(_)
                | Kind::Exclusive
                    if !element.name.is_empty() =>
                {
                    Some(label_below(&bounds, &element.name, LABEL_WIDTH))
                }
                _ => None,
            };
            shape(out, &element.id, bounds, extra, label);
            if let Some(checkpoint) = &element.checkpoint {
                edges.extend(checkpoint_di(out, checkpoint, bounds));
            }
            for (n, timer) in element.timers.iter().enumerate() {
                let parts = TimerParts::new(bounds, n, timer);
                shape(out, &timer.id, parts.timer, "", Some(parts.label));
                let flow = timer.fired.clone();
                let down = |from: &Rect, to: &Rect| {
                    vec![
                        Point {
                            x: from.x + from.width / 2,
                            y: from.bottom(),
                        },
                        Point {
                            x: from.x + from.width / 2,
                            y: to.y,
                        },
                    ]
                };
                match &timer.then {
                    After::Escalate { end, .. } => {
                        shape(out, end, parts.next, "", parts.next_label);
                        edges.push((flow, down(&parts.timer, &parts.next)));
                    }
                    After::Recur { task, end, done } => {
                        shape(out, &task.id, parts.next, "", None);
                        edges.push((flow, down(&parts.timer, &parts.next)));
                        if let Some(end_bounds) = parts.end {
                            shape(out, end, end_bounds, "", parts.end_label);
                            edges.push((
                                done.clone(),
                                vec![
                                    Point {
                                        x: end_bounds.x + EVENT / 2,
                                        y: parts.next.bottom(),
                                    },
                                    Point {
                                        x: end_bounds.x + EVENT / 2,
                                        y: end_bounds.y,
                                    },
                                ],
                            ));
                        }
                    }
                }
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
        for (id, path) in edges {
            let _ = writeln!(
                out,
                "      <bpmndi:BPMNEdge id=\"{id}_di\" bpmnElement=\"{id}\">"
            );
            for point in &path {
                let _ = writeln!(
                    out,
                    "        <di:waypoint x=\"{}\" y=\"{}\" />",
                    point.x, point.y
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
        let y = match element.kind {
            // A task's box holds what hangs under it: the task is at the top of its box.
            Kind::UserTask | Kind::Checkpoint => rect.y,
            _ => rect.y + size.port - height / 2,
        };
        Rect {
            x: rect.x + (rect.width - width) / 2,
            y,
            width,
            height,
        }
    }

    /// Moves a path's ends from the layout box's sides to the shape's.
    fn attach(&self, path: &[Point], flow: &SequenceFlow) -> Vec<Point> {
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

/// The sequence flows from a timer to what it leads to: (id, source, target).
fn after_flows(timer: &Timer) -> Vec<(String, String, String)> {
    let fired = timer.fired.clone();
    match &timer.then {
        After::Escalate { end, .. } => vec![(fired, timer.id.clone(), end.clone())],
        After::Recur { task, end, done } => vec![
            (fired, timer.id.clone(), task.id.clone()),
            (done.clone(), task.id.clone(), end.clone()),
        ],
    }
}

/// A flow node: its documentation, Camunda extensions, flows and `inner` XML.
fn node_xml(
    out: &mut String,
    element: &Element,
    incoming: &[&str],
    outgoing: &[&str],
    inner: &str,
) {
    let tag = match element.kind {
        Kind::StartEvent => "startEvent",
        Kind::UserTask => "userTask",
        Kind::Exclusive | Kind::Merge => "exclusiveGateway",
        Kind::Parallel(_) => "parallelGateway",
        Kind::Inclusive(_) => "inclusiveGateway",
        Kind::EndEvent => "endEvent",
        Kind::Checkpoint => "subProcess",
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
    let mut extensions = String::new();
    if element.kind == Kind::UserTask {
        extensions.push_str("        <zeebe:userTask />\n");
        if !element.groups.is_empty() {
            let _ = writeln!(
                extensions,
                "        <zeebe:assignmentDefinition candidateGroups=\"{}\" />",
                xml_escape(&element.groups.join(","))
            );
        }
    }
    properties_xml(&mut extensions, &element.properties);
    if !extensions.is_empty() {
        let _ = write!(
            out,
            "      <bpmn:extensionElements>\n{extensions}      </bpmn:extensionElements>\n"
        );
    }
    for flow in incoming {
        let _ = writeln!(out, "      <bpmn:incoming>{flow}</bpmn:incoming>");
    }
    for flow in outgoing {
        let _ = writeln!(out, "      <bpmn:outgoing>{flow}</bpmn:outgoing>");
    }
    out.push_str(inner);
    let _ = writeln!(out, "    </bpmn:{tag}>");
}

fn properties_xml(out: &mut String, properties: &[(String, String)]) {
    if properties.is_empty() {
        return;
    }
    out.push_str("        <zeebe:properties>\n");
    for (name, value) in properties {
        let _ = writeln!(
            out,
            "          <zeebe:property name=\"{}\" value=\"{}\" />",
            xml_escape(name),
            xml_escape(value)
        );
    }
    out.push_str("        </zeebe:properties>\n");
}

fn timer_xml(out: &mut String, timer: &Timer, task: &str) {
    let mut attributes = String::new();
    for (name, value) in &timer.attributes {
        let _ = write!(attributes, " waymark:{name}=\"{}\"", xml_escape(value));
    }
    let _ = writeln!(
        out,
        "    <bpmn:boundaryEvent id=\"{}\" name=\"{}\" cancelActivity=\"false\" attachedToRef=\"{task}\"{attributes}>",
        timer.id,
        xml_escape(&timer.name),
    );
    let _ = writeln!(
        out,
        "      <bpmn:documentation>{}</bpmn:documentation>",
        xml_escape(&timer.documentation)
    );
    let mut extensions = String::new();
    properties_xml(&mut extensions, &timer.properties);
    if !extensions.is_empty() {
        let _ = write!(
            out,
            "      <bpmn:extensionElements>\n{extensions}      </bpmn:extensionElements>\n"
        );
    }
    let _ = writeln!(out, "      <bpmn:outgoing>{}</bpmn:outgoing>", timer.fired);
    let (tag, expression) = &timer.definition;
    let _ = writeln!(
        out,
        "      <bpmn:timerEventDefinition id=\"{}_definition\">\n        <bpmn:{tag} xsi:type=\"bpmn:tFormalExpression\">{}</bpmn:{tag}>\n      </bpmn:timerEventDefinition>",
        timer.id,
        xml_escape(expression)
    );
    let _ = writeln!(out, "    </bpmn:boundaryEvent>");
}

/// A checkpoint: an event subprocess whose timer starts its task on the checkpoint's date.
fn checkpoint_xml(out: &mut String, element: &Element) {
    let Some(checkpoint) = &element.checkpoint else {
        return;
    };
    let _ = writeln!(
        out,
        "    <bpmn:subProcess id=\"{}\" name=\"{}\" triggeredByEvent=\"true\">",
        element.id,
        xml_escape(&element.name)
    );
    if !element.documentation.is_empty() {
        let _ = writeln!(
            out,
            "      <bpmn:documentation>{}</bpmn:documentation>",
            xml_escape(&element.documentation)
        );
    }
    let mut extensions = String::new();
    properties_xml(&mut extensions, &element.properties);
    if !extensions.is_empty() {
        let _ = write!(
            out,
            "      <bpmn:extensionElements>\n{extensions}      </bpmn:extensionElements>\n"
        );
    }
    let (to_task, to_end) = (checkpoint.begun.clone(), checkpoint.done.clone());
    let _ = writeln!(
        out,
        "      <bpmn:startEvent id=\"{}\" name=\"{}\" isInterrupting=\"false\">\n        <bpmn:outgoing>{to_task}</bpmn:outgoing>\n        <bpmn:timerEventDefinition id=\"{}_definition\">\n          <bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">{}</bpmn:timeDate>\n        </bpmn:timerEventDefinition>\n      </bpmn:startEvent>",
        checkpoint.start,
        xml_escape(&checkpoint.start_name),
        checkpoint.start,
        xml_escape(&checkpoint.date)
    );
    let mut extensions = String::from("          <zeebe:userTask />\n");
    if !element.groups.is_empty() {
        let _ = writeln!(
            extensions,
            "          <zeebe:assignmentDefinition candidateGroups=\"{}\" />",
            xml_escape(&element.groups.join(","))
        );
    }
    let _ = writeln!(
        out,
        "      <bpmn:userTask id=\"{}\" name=\"{}\">\n        <bpmn:extensionElements>\n{extensions}        </bpmn:extensionElements>\n        <bpmn:incoming>{to_task}</bpmn:incoming>\n        <bpmn:outgoing>{to_end}</bpmn:outgoing>\n      </bpmn:userTask>",
        checkpoint.task,
        xml_escape(&checkpoint.task_name)
    );
    let _ = writeln!(
        out,
        "      <bpmn:endEvent id=\"{}\" name=\"Done\">\n        <bpmn:incoming>{to_end}</bpmn:incoming>\n      </bpmn:endEvent>",
        checkpoint.end
    );
    let _ = writeln!(
        out,
        "      <bpmn:sequenceFlow id=\"{to_task}\" sourceRef=\"{}\" targetRef=\"{}\" />\n      <bpmn:sequenceFlow id=\"{to_end}\" sourceRef=\"{}\" targetRef=\"{}\" />",
        checkpoint.start, checkpoint.task, checkpoint.task, checkpoint.end
    );
    let _ = writeln!(out, "    </bpmn:subProcess>");
}

/// Where the shapes inside a checkpoint's event subprocess go.
struct CheckpointParts {
    start: Rect,
    task: Rect,
    end: Rect,
}

impl CheckpointParts {
    fn new(bounds: Rect) -> CheckpointParts {
        let task = Rect {
            x: bounds.x + SUB_PAD + EVENT + SUB_GAP,
            y: bounds.y + SUB_TOP,
            width: TASK_WIDTH,
            height: TASK_HEIGHT,
        };
        let centre = task.y + TASK_HEIGHT / 2;
        CheckpointParts {
            start: Rect {
                x: bounds.x + SUB_PAD,
                y: centre - EVENT / 2,
                width: EVENT,
                height: EVENT,
            },
            end: Rect {
                x: task.right() + SUB_GAP,
                y: centre - EVENT / 2,
                width: EVENT,
                height: EVENT,
            },
            task,
        }
    }
}

fn checkpoint_di(
    out: &mut String,
    checkpoint: &Checkpoint,
    bounds: Rect,
) -> Vec<(String, Vec<Point>)> {
    let parts = CheckpointParts::new(bounds);
    shape(
        out,
        &checkpoint.start,
        parts.start,
        "",
        Some(label_below(
            &parts.start,
            &checkpoint.start_name,
            LABEL_WIDTH,
        )),
    );
    shape(out, &checkpoint.task, parts.task, "", None);
    shape(
        out,
        &checkpoint.end,
        parts.end,
        "",
        Some(label_below(&parts.end, "Done", LABEL_WIDTH)),
    );
    let y = parts.task.y + TASK_HEIGHT / 2;
    vec![
        (
            checkpoint.begun.clone(),
            vec![
                Point {
                    x: parts.start.right(),
                    y,
                },
                Point { x: parts.task.x, y },
            ],
        ),
        (
            checkpoint.done.clone(),
            vec![
                Point {
                    x: parts.task.right(),
                    y,
                },
                Point { x: parts.end.x, y },
            ],
        ),
    ]
}

/// Where a timer under a task and what it leads to go: the timer on the task's lower edge, its
/// name to the right of the line down from it, then the end event (or recurring work's task and
/// end event) under it.
struct TimerParts {
    timer: Rect,
    label: Rect,
    next: Rect,
    next_label: Option<Rect>,
    end: Option<Rect>,
    end_label: Option<Rect>,
}

impl TimerParts {
    fn new(task: Rect, slot: usize, timer: &Timer) -> TimerParts {
        let left = task.x + slot as i32 * SLOT;
        let centre = left + 12 + EVENT / 2;
        let timer_rect = Rect {
            x: centre - EVENT / 2,
            y: task.bottom() - EVENT / 2,
            width: EVENT,
            height: EVENT,
        };
        let beside = |y: i32, text: &str| Rect {
            x: centre + EVENT / 2 + 6,
            y,
            width: SLOT_LABEL,
            height: label_lines(text, SLOT_LABEL) * LABEL_LINE,
        };
        let label = beside(task.bottom() + 4, &timer.name);
        let top = task.bottom() + (EVENT / 2).max(label.height + 4) + 16;
        match &timer.then {
            After::Escalate { name, .. } => {
                let next = Rect {
                    x: centre - EVENT / 2,
                    y: top,
                    width: EVENT,
                    height: EVENT,
                };
                TimerParts {
                    timer: timer_rect,
                    label,
                    next,
                    next_label: Some(beside(top + 4, name)),
                    end: None,
                    end_label: None,
                }
            }
            After::Recur { .. } => {
                let next = Rect {
                    x: left + 4,
                    y: top,
                    width: RECUR_WIDTH,
                    height: RECUR_HEIGHT,
                };
                let end_top = next.bottom() + 24;
                TimerParts {
                    timer: timer_rect,
                    label,
                    next,
                    next_label: None,
                    end: Some(Rect {
                        x: centre - EVENT / 2,
                        y: end_top,
                        width: EVENT,
                        height: EVENT,
                    }),
                    end_label: Some(beside(end_top + 4, "Done")),
                }
            }
        }
    }

    /// How far below the task the lowest part reaches.
    fn depth(&self, task: Rect) -> i32 {
        let mut bottom = self.label.bottom().max(self.next.bottom());
        for rect in [self.next_label, self.end, self.end_label]
            .into_iter()
            .flatten()
        {
            bottom = bottom.max(rect.bottom());
        }
        bottom - task.bottom()
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

/// The ids given so far, and per base the suffix to try next: many flows between the same two
/// elements (a decision with thousands of outcomes into one box) would otherwise try every
/// suffix taken before, which was quadratic.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
    next_suffix: HashMap<String, u32>,
}

/// `base` made a valid id, with the first suffix (`_2`, `_3`, ...) that makes it unused. A
/// suffix found used stays used, so the search for the same base goes on where it stopped.
fn unique(ids: &mut Ids, base: &str) -> String {
    let base = ncname(base);
    let mut id = base.clone();
    let mut n = ids.next_suffix.get(&base).copied().unwrap_or(2);
    if n > 2 {
        id = format!("{base}_{n}");
        n += 1;
    }
    while ids.used.contains(&id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    ids.next_suffix.insert(base, n);
    ids.used.insert(id.clone());
    id
}

/// The roles of a step's `by` lines, each once, in order: its candidate groups.
fn groups(procedure: &Procedure, step: &Step) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for rule in &step.roles {
        for role in &rule.roles {
            let id = &procedure.role(*role).id;
            if !groups.contains(id) {
                groups.push(id.clone());
            }
        }
    }
    groups
}

/// The BPMN element for a chart node (not a checkpoint or recurring work).
fn element(
    procedure: &Procedure,
    chart: &Chart,
    (_index, arrivals): (usize, &[&Link]),
    node: &Node,
    ids: &mut Ids,
) -> Element {
    let (kind, prefix) = match node.shape {
        Shape::Start => (Kind::StartEvent, "Event"),
        Shape::Fork => (Kind::Parallel(false), "Gateway"),
        Shape::Join => (Kind::Parallel(true), "Gateway"),
        Shape::AnyFork => (Kind::Inclusive(false), "Gateway"),
        Shape::AnyJoin => (Kind::Inclusive(true), "Gateway"),
        Shape::End => (Kind::EndEvent, "Event"),
        _ => (Kind::UserTask, "Activity"),
    };
    let id = unique(ids, &format!("{prefix}_{}", node.id));
    let name = match node.shape {
        Shape::Join | Shape::AnyJoin => String::new(),
        _ => node.title.clone(),
    };
    let mut element = Element::new(id, kind, name, node.lane);
    element.documentation = documentation(procedure, node);
    let step = node.steps.first().map(|s| procedure.step(*s));
    if let (Kind::UserTask, Some(step)) = (kind, step) {
        element.groups = groups(procedure, step);
        element.timers = timers(procedure, chart, arrivals, step, &element.id, ids);
        if step.kind == StepKind::Decision {
            let outcomes: Vec<&str> = step.outcomes.iter().map(|o| o.id.as_str()).collect();
            element.properties.push((
                "outcome variable".to_string(),
                format!("{} (one of {})", step.id, outcomes.join(", ")),
            ));
        }
        for rule in node.who.iter() {
            element.properties.push(("who".to_string(), rule.clone()));
        }
        if let Some(approval) = &step.approval {
            let roles: Vec<&str> = approval
                .roles
                .iter()
                .map(|r| procedure.role(*r).id.as_str())
                .collect();
            element
                .properties
                .push(("approved by".to_string(), roles.join(" or ")));
        }
        if let Some(extension) = &step.extension {
            // As written, for an engine that moves the due-date variable when a case records one.
            element.properties.push((
                "extension".to_string(),
                procedure.extension_words(extension),
            ));
        }
    }
    element
}

/// The process variable that lists the pieces of any-of work a case chose: `legal_work_pieces`.
fn pieces_variable(block: &Step) -> String {
    format!("{}_pieces", block.id)
}

/// The condition on a flow from an any-of block's diverging gateway to one of its pieces: the
/// piece is started when the case chose it, and the first piece when the case chose none, so
/// that some piece is always started. (Starting every piece when none is chosen would leave
/// engines whose converging inclusive gateway passes each token on, as bpmn-engine's does,
/// with the work after the block started twice.)
fn piece_chosen(procedure: &Procedure, chart: &Chart, link: &Link) -> Option<String> {
    let block_id = *chart.nodes.get(link.from)?.steps.first()?;
    let piece_id = *chart.nodes.get(link.to)?.steps.first()?;
    let block = procedure.step(block_id);
    let first = match &block.kind {
        StepKind::Together { members, .. } => members.first() == Some(&piece_id),
        _ => false,
    };
    let variable = pieces_variable(block);
    let chosen = format!(
        "list contains({variable}, \"{}\")",
        procedure.step(piece_id).id
    );
    Some(match first {
        true => format!("={variable} = null or {chosen}"),
        false => format!("={variable} != null and {chosen}"),
    })
}

/// One checkpoint of a series, as an event subprocess.
fn checkpoint(procedure: &Procedure, node: &Node, step_id: StepIndex, ids: &mut Ids) -> Element {
    let step = procedure.step(step_id);
    let id = unique(ids, &format!("Activity_{}", step.id));
    let mut element = Element::new(id.clone(), Kind::Checkpoint, step.title.clone(), node.lane);
    element.groups = groups(procedure, step);
    let mut lines = vec![format!(
        "A checkpoint: on its date, if the case is still open, its task starts. Its due date is the process variable {}.",
        due_variable(step, 0, DeadlineKind::Limit)
    )];
    lines.extend(node.details().cloned());
    element.documentation = lines.join("\n");
    let deadline = step.limits().next();
    let start_name = match deadline {
        Some(d) => format!("on {}", procedure.deadline_sentence(d, false)),
        None => "on its date".to_string(),
    };
    if let Some(d) = deadline {
        element
            .properties
            .push(("rule".to_string(), procedure.deadline_line(d)));
    }
    element.properties.push((
        "due date variable".to_string(),
        due_variable(step, 0, DeadlineKind::Limit),
    ));
    if let StepKind::Checkpoint {
        until: Some(until), ..
    } = step.kind
    {
        element.properties.push((
            "not needed once".to_string(),
            procedure.step(until).title.clone(),
        ));
    }
    element.checkpoint = Some(Checkpoint {
        start: unique(ids, &format!("{id}_date")),
        start_name,
        date: format!(
            "={}",
            feel::start_of(&due_variable(step, 0, DeadlineKind::Limit))
        ),
        task: unique(ids, &format!("{id}_task")),
        task_name: node.title.clone(),
        end: unique(ids, &format!("{id}_end")),
        begun: unique(ids, &format!("{id}_date_begun")),
        done: unique(ids, &format!("{id}_task_done")),
    });
    element
}

/// Recurring work becomes a cycle timer on the task of the step it recurs during.
fn recurring(
    procedure: &Procedure,
    chart: &Chart,
    entry: &[Vec<usize>],
    elements: &mut [Element],
    ids: &mut Ids,
) {
    for node in chart.nodes.iter().filter(|n| n.shape == Shape::Recurring) {
        let Some(step) = node.steps.first().map(|s| procedure.step(*s)) else {
            continue;
        };
        let StepKind::Recurring {
            every,
            unit,
            during,
            when,
        } = &step.kind
        else {
            continue;
        };
        let host = chart
            .nodes
            .iter()
            .position(|n| n.steps.first() == Some(during))
            .and_then(|n| entry.get(n))
            .and_then(|e| e.first().copied())
            .filter(|e| elements[*e].kind == Kind::UserTask);
        let Some(host) = host else { continue };
        let host_id = elements[host].id.clone();
        let every = *every;
        // Working days are no fixed interval: the engine is told the next date instead.
        let cycle = unit
            .iso_duration(every)
            .map_or_else(String::new, |duration| format!("R/{duration}"));
        let variable = format!("next_{}", step.id);
        let definition = if cycle.is_empty() {
            ("timeDate", format!("={}", feel::start_of(&variable)))
        } else {
            ("timeCycle", cycle.clone())
        };
        let mut properties = vec![(
            "rule".to_string(),
            procedure.every_words(every, *unit, *during),
        )];
        if let Some(guard) = when {
            properties.push(("only when".to_string(), procedure.guard_sentence(guard)));
        }
        let how = if cycle.is_empty() {
            format!(
                "Working days are no fixed interval, so the timer fires on the date in the process variable {variable}, which is to be set to the next date each time."
            )
        } else {
            format!("The timer repeats every {}.", unit.amount_words(every))
        };
        let timer_id = unique(ids, &format!("{host_id}_every"));
        let mut task = Element::new(
            unique(ids, &format!("Activity_{}", step.id)),
            Kind::UserTask,
            node.title.clone(),
            elements[host].lane,
        );
        task.groups = groups(procedure, step);
        task.documentation = documentation(procedure, node);
        let end = unique(ids, &format!("{}_end", task.id));
        let done = unique(ids, &format!("{}_done", task.id));
        let fired = unique(ids, &format!("{timer_id}_fired"));
        elements[host].timers.push(Timer {
            name: format!("every {}", unit.amount_words(every)),
            documentation: format!(
                "Recurring work: {} {}. {how}",
                node.title,
                procedure.every_sentence(every, *unit, *during)
            ),
            attributes: vec![
                ("rule", properties[0].1.clone()),
                ("amount", every.to_string()),
                ("unit", unit.name().to_string()),
            ],
            properties,
            definition,
            then: After::Recur {
                task: Box::new(task),
                end,
                done,
            },
            fired,
            id: timer_id,
        });
    }
}

/// Puts an exclusive gateway before every element that more than one flow comes into (other
/// than a parallel join, which waits for them all): only one of those flows carries the case.
fn merge(elements: &mut Vec<Element>, flows: &mut Vec<SequenceFlow>, ids: &mut Ids) {
    // Each element's incoming sequence flows, found once (scanning every flow for every
    // element was quadratic). Flows are only ever moved to the new merges, after these.
    let mut incoming_of: Vec<Vec<usize>> = vec![Vec::new(); elements.len()];
    for (index, flow) in flows.iter().enumerate() {
        if let Some(list) = incoming_of.get_mut(flow.to).filter(|_| !flow.association) {
            list.push(index);
        }
    }
    for target in 0..elements.len() {
        let kind = elements[target].kind;
        if matches!(
            kind,
            Kind::Merge | Kind::Parallel(true) | Kind::Inclusive(true)
        ) {
            continue;
        }
        let incoming = std::mem::take(&mut incoming_of[target]);
        if incoming.len() < 2 {
            continue;
        }
        let base = elements[target]
            .id
            .split_once('_')
            .map_or(elements[target].id.as_str(), |(_, rest)| rest)
            .to_string();
        let gateway = Element::new(
            unique(ids, &format!("Gateway_{base}_merge")),
            Kind::Merge,
            String::new(),
            elements[target].lane,
        );
        let at = elements.len();
        elements.push(gateway);
        for f in incoming {
            flows[f].to = at;
        }
        flows.push(SequenceFlow {
            id: unique(ids, &format!("Flow_{base}_merged")),
            from: at,
            to: target,
            name: None,
            association: false,
            condition: None,
        });
    }
}

/// Words that start a question.
const ASKS: [&str; 14] = [
    "is ", "are ", "did ", "does ", "do ", "has ", "have ", "should ", "which ", "what ", "who ",
    "can ", "will ", "was ",
];

fn asks(text: &str) -> bool {
    let lower = text.to_lowercase();
    ASKS.iter().any(|a| lower.starts_with(a))
}

/// The gateway's name: the decision's question, or the facts a step branches on.
fn question(procedure: &Procedure, chart: &Chart, index: usize, node: &Node) -> String {
    let step = node.steps.first().map(|s| procedure.step(*s));
    if let Some(step) = step.filter(|s| s.kind == StepKind::Decision) {
        let title = step.title.trim_end_matches(['?', '.']);
        return if asks(title) {
            format!("{title}?")
        } else {
            format!("{title}: what was decided?")
        };
    }
    let mut facts: Vec<&waymark_compile::Fact> = Vec::new();
    for link in chart.links.iter().filter(|l| l.from == index) {
        let Some((from, route)) = link.route else {
            continue;
        };
        let Some(RouteWhen::Guard(guard)) = procedure.step(from).routes.get(route).map(|r| &r.when)
        else {
            continue;
        };
        for condition in guard.any_of.iter().flatten() {
            let fact = procedure.fact(condition.fact);
            if !facts.iter().any(|f| f.id == fact.id) {
                facts.push(fact);
            }
        }
    }
    match facts.as_slice() {
        [] => "Which way on?".to_string(),
        // A yes/no fact's title states it ("A Section 47 enquiry is part of the assessment"):
        // asked, it is the question.
        [one] if asks(&one.title) || one.kind == waymark_compile::FactKind::YesNo => {
            format!("{}?", one.title.trim_end_matches(['?', '.']))
        }
        [one] => format!("Which way on, by {}?", lower_first(&one.title)),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|f| lower_first(&f.title)).collect();
            format!(
                "Which way on, by {} and {}?",
                rest.join(", "),
                lower_first(&last.title)
            )
        }
    }
}

/// "Housing situation" -> "housing situation", but "Section 47 ..." and acronyms keep theirs.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            let rest: String = text.chars().skip(1).collect();
            format!("{}{rest}", first.to_lowercase())
        }
        _ => text.to_string(),
    }
}

/// The FEEL condition on a route out of a gateway; `None` for the default flow.
///
/// A decision's route with a condition of its own tests the outcome and the condition; its
/// `otherwise` route tests the outcome and that no condition above it holds (`not((...) =
/// true)`, so that a condition on a fact the case lacks, which is null, counts as not holding).
/// Each flow's condition is thus exclusive, whatever order an engine tries them in.
fn condition(procedure: &Procedure, step: &Step, route: usize) -> Option<String> {
    let decided = |outcome: &usize| {
        let outcome = step.outcomes.get(*outcome)?;
        Some(format!("{} = {}", step.id, feel::string(&outcome.id)))
    };
    match &step.routes.get(route)?.when {
        RouteWhen::Outcome(outcome) => Some(format!("={}", decided(outcome)?)),
        RouteWhen::OutcomeWhen(outcome, guard) => Some(format!(
            "={} and ({})",
            decided(outcome)?,
            feel::guard(procedure, guard)
        )),
        RouteWhen::OutcomeOtherwise(outcome) => {
            let mut test = decided(outcome)?;
            for guard in step.outcome_guards(*outcome) {
                let _ = write!(test, " and not(({}) = true)", feel::guard(procedure, guard));
            }
            Some(format!("={test}"))
        }
        RouteWhen::Guard(guard) => Some(format!("={}", feel::guard(procedure, guard))),
        RouteWhen::Always | RouteWhen::Otherwise => None,
    }
}

/// Who, when, notes and citations, one per line.
fn documentation(procedure: &Procedure, node: &Node) -> String {
    let mut lines: Vec<String> = node.details().cloned().collect();
    for step in node.steps.iter().take(1).map(|s| procedure.step(*s)) {
        // Said here, not drawn in the box: the flowcharts have no room to spare for it.
        if step.repeats {
            lines.push(match step.kind {
                waymark_compile::StepKind::Decision => {
                    "may happen again: the latest occurrence decides the way on".to_string()
                }
                _ => "may happen again: every record is an occurrence".to_string(),
            });
        }
        if let Some(reason) = &step.untimed {
            lines.push(format!("untimed: {reason}"));
        }
        if step.kind.any_of_join().is_some() {
            lines.push(format!(
                "any of: the case does one or more of the pieces; the process variable {} lists those it chose (unset: the first piece), and the converging gateway waits for those started. Waymark's replay counts the block done on its first piece, and the others not needed.",
                pieces_variable(step)
            ));
        }
        // The process variable later conditions read, set when the task is completed.
        for fact in procedure.facts.iter().filter(|fact| {
            fact.recorded_at
                .is_some_and(|at| node.steps.first() == Some(&at))
        }) {
            lines.push(format!(
                "completing it sets the process variable `{}` ({})",
                fact.id,
                fact.kind.describe()
            ));
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
        "Drawn by Waymark from procedure `{}`. Working days follow the {} calendar. Deadlines are non-interrupting timers whose exact rule is in the waymark: attributes ({WAYMARK_NAMESPACE}) and the zeebe properties; each reads its due date from a process variable (see docs/exports.md in Waymark).",
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

/// The process variable holding a deadline's due date: `due_<step>_<target|limit>`, and a
/// number after the first of its kind.
fn due_variable(step: &Step, nth: usize, kind: DeadlineKind) -> String {
    let kind = match (&step.kind, kind) {
        (StepKind::Checkpoint { .. }, _) => return format!("due_{}", step.id),
        (_, DeadlineKind::Target) => "target",
        (_, DeadlineKind::Limit) => "limit",
    };
    match nth {
        0 => format!("due_{}_{kind}", step.id),
        n => format!("due_{}_{kind}_{}", step.id, n + 1),
    }
}

/// One boundary timer per deadline of a task's step.
fn timers(
    procedure: &Procedure,
    chart: &Chart,
    arrives_from: &[&Link],
    step: &Step,
    task_id: &str,
    ids: &mut Ids,
) -> Vec<Timer> {
    let has_target = step.targets().next().is_some();
    // `arrives_from`: the links the case can arrive along; a timer started by the task is
    // counted from the steps they come from.
    let sole_previous = match arrives_from {
        [link] => chart
            .nodes
            .get(link.from)
            .and_then(|n| n.steps.first())
            .copied(),
        _ => None,
    };
    let (mut targets, mut limits) = (0, 0);
    step.targets()
        .chain(step.limits())
        .map(|deadline| {
            let (kind, nth) = match deadline.kind {
                DeadlineKind::Target => ("target", &mut targets),
                DeadlineKind::Limit => ("limit", &mut limits),
            };
            let variable = due_variable(step, *nth, deadline.kind);
            *nth += 1;
            let name = if has_target {
                format!("{kind}: {}", procedure.deadline_sentence(deadline, false))
            } else {
                procedure.deadline_sentence(deadline, true)
            };
            // Only hours count from the moment the task starts: days end at the end of a day.
            let duration = (deadline.unit.counts_hours()
                && deadline.guard.is_none()
                && matches!(deadline.clock, Clock::AfterStep(s) if Some(s) == sole_previous))
            .then(|| deadline.unit.iso_duration(deadline.amount))
            .flatten();
            let exact = duration.is_some();
            let definition = if let Some(duration) = duration {
                ("timeDuration", duration)
            } else {
                let passed = match deadline.unit.counts_hours() {
                    // A deadline in hours is a moment, not a day.
                    true => format!("date and time({variable})"),
                    false => feel::day_after(&variable),
                };
                let expression = match &deadline.guard {
                    Some(guard) => format!(
                        "if {} then {passed} else {}",
                        feel::guard(procedure, guard),
                        feel::NEVER
                    ),
                    None => passed,
                };
                ("timeDate", format!("={expression}"))
            };
            let mut properties = vec![("rule".to_string(), procedure.deadline_line(deadline))];
            if !exact {
                properties.push(("due date variable".to_string(), variable.clone()));
            }
            if deadline.unit.skips_days_off() {
                properties.push(("calendar".to_string(), procedure.calendar.clone()));
            }
            let id = unique(ids, &format!("{task_id}_{kind}"));
            let end = unique(ids, &format!("{id}_missed"));
            let fired = unique(ids, &format!("{id}_fired"));
            Timer {
                documentation: timer_documentation(procedure, deadline, kind, exact, &variable),
                attributes: timer_attributes(procedure, deadline, kind),
                properties,
                name,
                definition,
                fired,
                then: After::Escalate {
                    end,
                    name: format!("{} missed: escalated", capitalised(kind)),
                    escalation: match deadline.kind {
                        DeadlineKind::Target => "target_missed",
                        DeadlineKind::Limit => "limit_missed",
                    },
                },
                id,
            }
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn timer_documentation(
    procedure: &Procedure,
    deadline: &Deadline,
    kind: &str,
    exact: bool,
    variable: &str,
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
        let why = match deadline.unit.skips_days_off() {
            true => format!(
                "Working days skip weekends and the {} calendar's bank holidays, so this is no fixed ISO 8601 duration.",
                procedure.calendar
            ),
            false => {
                "The clock does not start when this task starts, so this is no ISO 8601 duration."
                    .to_string()
            }
        };
        let value = match deadline.unit.counts_hours() {
            true => "the date and time it falls due",
            false => {
                "the due date (the last day on time, as `waymark days` or `waymark run` gives it)"
            }
        };
        format!(
            "{why} The timer fires when the deadline has passed, reading {value} from the process variable {variable}."
        )
    };
    let guard = match &deadline.guard {
        Some(guard) => format!(
            " It applies only when {}; otherwise the timer never fires.",
            procedure.guard_words(guard)
        ),
        None => String::new(),
    };
    let each = match deadline.clock.each_occurrence_of() {
        Some(occurs) => format!(
            " The task is done once before each occurrence of {}: each occurrence has a due date of its own, and the variable holds the one for the next occurrence.",
            procedure.step(occurs).id
        ),
        None => String::new(),
    };
    format!("{meaning}: {rule}. {how}{guard}{each}")
}

fn timer_attributes(
    procedure: &Procedure,
    deadline: &Deadline,
    kind: &str,
) -> Vec<(&'static str, String)> {
    let mut attributes = vec![
        ("rule", procedure.deadline_line(deadline)),
        ("deadline", kind.to_string()),
        ("amount", deadline.amount.to_string()),
        ("unit", deadline.unit.name().to_string()),
    ];
    let clock = match deadline.clock {
        Clock::AfterStep(_) | Clock::AfterOutcome(..) => "after",
        Clock::AfterFact(_) => "after-fact",
        Clock::BeforeFact(_) => "before-fact",
        Clock::BeforeStep(_) => "before",
        Clock::BeforeEachStep(_) => "before-each",
    };
    attributes.push((clock, procedure.clock_id(deadline.clock).to_string()));
    if let Clock::AfterOutcome(step, outcome) = deadline.clock {
        attributes.push(("outcome", procedure.outcome_id(step, outcome).to_string()));
    }
    if let Some(guard) = &deadline.guard {
        attributes.push(("when", procedure.guard_words(guard)));
    }
    if deadline.unit.skips_days_off() {
        attributes.push(("calendar", procedure.calendar.clone()));
    }
    attributes
}

/// The drawn size of an element's shape.
fn shape_size(element: &Element) -> (i32, i32) {
    match element.kind {
        Kind::StartEvent | Kind::EndEvent => (EVENT, EVENT),
        Kind::Exclusive | Kind::Merge | Kind::Parallel(_) | Kind::Inclusive(_) => {
            (GATEWAY, GATEWAY)
        }
        Kind::UserTask => {
            let width = TASK_WIDTH.max(element.timers.len() as i32 * SLOT);
            // Room for the name above the timers on the lower edge.
            let lines =
                crate::text::wrap(&element.name, ((width - 12) / TASK_CHAR) as usize).len() as i32;
            let height = if element.timers.is_empty() {
                TASK_HEIGHT.max(lines * LABEL_LINE + 20)
            } else {
                TASK_HEIGHT.max(lines * LABEL_LINE + 20 + EVENT)
            };
            (width, height)
        }
        Kind::Checkpoint => {
            let start = element
                .checkpoint
                .as_ref()
                .map_or(1, |c| label_lines(&c.start_name, LABEL_WIDTH));
            let below = SUB_TOP + TASK_HEIGHT / 2 + EVENT / 2 + 4 + start * LABEL_LINE + 12;
            (
                SUB_PAD + EVENT + SUB_GAP + TASK_WIDTH + SUB_GAP + EVENT + SUB_PAD,
                below.max(SUB_TOP + TASK_HEIGHT + 20),
            )
        }
    }
}

/// Lines a label takes in a box `width` wide.
fn label_lines(text: &str, width: i32) -> i32 {
    let per_line = (width / LABEL_CHAR).max(1) as usize;
    crate::text::wrap(text, per_line).len() as i32
}

/// The layout box of an element: its shape plus what is drawn under it.
fn size(element: &Element) -> NodeSize {
    let (width, height) = shape_size(element);
    let labelled = matches!(
        element.kind,
        Kind::StartEvent
            | Kind::EndEvent
            | Kind::Parallel(_)
            | Kind::Inclusive(_)
            | Kind::Exclusive
    ) && !element.name.is_empty();
    let below = if labelled {
        6 + label_lines(&element.name, LABEL_WIDTH) * LABEL_LINE
    } else if element.kind == Kind::UserTask {
        let task = Rect {
            x: 0,
            y: 0,
            width,
            height,
        };
        element
            .timers
            .iter()
            .enumerate()
            .map(|(n, t)| TimerParts::new(task, n, t).depth(task))
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let box_width = if labelled {
        width.max(LABEL_WIDTH)
    } else {
        width
    };
    NodeSize {
        width: box_width,
        height: height + below,
        port: height / 2,
        lane: element.lane,
    }
}

fn edge_spec(flow: &SequenceFlow) -> EdgeSpec {
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
    use super::{lower_first, ncname};

    #[test]
    fn ids_are_xml_names() {
        assert_eq!(ncname("review_5"), "review_5");
        assert_eq!(ncname("9 a"), "_9_a");
    }

    #[test]
    fn fact_titles_read_mid_sentence() {
        assert_eq!(lower_first("Housing situation"), "housing situation");
        assert_eq!(lower_first("ICPC date"), "ICPC date");
    }
}
