//! The boxes of the drawing: each step's text, wrapped, the size of its box, and its shape drawn
//! with the text in it.

use super::key::{SIGN_OFF, marker_name};
use super::measure::{text_width, wrap_to};
use super::{
    DETAIL_LINE, DETAIL_SIZE, DETAIL_WIDTH, Drawing, GATEWAY, GATEWAY_TITLE_WIDTH, PADDING,
    PADDING_Y, START, TITLE_LINE, TITLE_SIZE, TITLE_WIDTH,
};
use crate::chart::{Node, Shape};
use crate::layout::{NodeSize, Rect};
use crate::text::xml_escape;
use std::fmt::Write;

/// A node's text, wrapped: (title lines, detail lines). A node whose roles are a shared rule
/// names the rule's marker instead of the roles.
fn node_text(node: &Node, marker: Option<usize>) -> (Vec<String>, Vec<String>) {
    if node.shape == Shape::Start {
        return (Vec::new(), Vec::new());
    }
    // A gateway's title sits over its diamond, where the column is otherwise narrow.
    let title_width = match node.shape {
        Shape::Fork | Shape::Join | Shape::AnyFork | Shape::AnyJoin => GATEWAY_TITLE_WIDTH,
        _ => TITLE_WIDTH,
    };
    let mut title = wrap_to(&node.title, title_width, TITLE_SIZE, true);
    if node.approval.is_some()
        && let Some(last) = title.last_mut()
    {
        last.push(' ');
        last.push_str(SIGN_OFF);
    }
    let mut details = Vec::new();
    let who_line = marker.map(|rule| format!("who: {} (see key)", marker_name(rule)));
    // The sign-off is marked after the title and named in the key, not given a line here.
    let lines: Vec<&String> = who_line
        .iter()
        .chain(match who_line {
            Some(_) => [].iter(),
            None => node.who.iter(),
        })
        .chain(node.when.iter())
        .chain(node.notes.iter())
        .collect();
    for line in lines {
        let is_gateway_note =
            matches!(node.shape, Shape::Fork | Shape::Join) && node.notes.contains(line);
        if !is_gateway_note {
            details.extend(wrap_to(line, DETAIL_WIDTH, DETAIL_SIZE, false));
        }
    }
    (title, details)
}

fn text_block(title: &[String], details: &[String]) -> (i32, i32) {
    let width = title
        .iter()
        .map(|l| text_width(l, TITLE_SIZE, true))
        .chain(details.iter().map(|l| text_width(l, DETAIL_SIZE, false)))
        .max()
        .unwrap_or(0);
    let height = title.len() as i32 * TITLE_LINE + details.len() as i32 * DETAIL_LINE;
    (width, height)
}

/// The size of a node's box; for gateways the box holds the text above the diamond.
pub(super) fn node_size(node: &Node, marker: Option<usize>) -> NodeSize {
    let (title, details) = node_text(node, marker);
    let (text_width, text_height) = text_block(&title, &details);
    match node.shape {
        Shape::Start => NodeSize {
            width: START,
            height: START,
            port: START / 2,
            lane: node.lane,
        },
        Shape::Fork | Shape::Join | Shape::AnyFork | Shape::AnyJoin => {
            let height = text_height + 6 + GATEWAY;
            NodeSize {
                width: text_width.max(GATEWAY) + 4,
                height,
                port: height - GATEWAY / 2,
                lane: node.lane,
            }
        }
        Shape::Decision => {
            let height = text_height + 2 * PADDING_Y;
            NodeSize {
                width: (text_width + 2 * PADDING + 2 * point_depth(height)).max(120),
                height,
                port: height / 2,
                lane: node.lane,
            }
        }
        // Room inside the double border.
        Shape::Used => {
            let height = (text_height + 2 * PADDING_Y + 2 * USED_INSET).max(48);
            NodeSize {
                width: (text_width + 2 * PADDING + 2 * USED_INSET).max(110),
                height,
                port: height / 2,
                lane: node.lane,
            }
        }
        _ => {
            let height = (text_height + 2 * PADDING_Y).max(40);
            NodeSize {
                width: (text_width + 2 * PADDING).max(110),
                height,
                port: height / 2,
                lane: node.lane,
            }
        }
    }
}

/// How far the inner line of a used procedure's double border lies inside the outer one.
pub(super) const USED_INSET: i32 = 4;

/// How far a decision's pointed ends reach in from its sides.
fn point_depth(height: i32) -> i32 {
    (height / 3).clamp(10, 24)
}

impl Drawing {
    pub(super) fn node(
        &self,
        out: &mut String,
        node: &Node,
        marker: Option<usize>,
        rect: Rect,
        port: i32,
    ) {
        let class = match node.shape {
            Shape::Start => "start",
            Shape::Task => "task",
            Shape::Decision => "decision",
            Shape::Fork => "fork",
            Shape::Join => "join",
            Shape::AnyFork => "any-fork",
            Shape::AnyJoin => "any-join",
            Shape::End => "end",
            Shape::Checkpoint => "checkpoint",
            Shape::Recurring => "recurring",
            Shape::Used => "used",
        };
        let _ = writeln!(
            out,
            "    <g id=\"node-{}\" class=\"node {class}\">",
            xml_escape(&node.id)
        );
        let (title, details) = node_text(node, marker);
        let Rect {
            x,
            y,
            width,
            height,
        } = rect;
        match node.shape {
            Shape::Start => {
                let _ = writeln!(
                    out,
                    "      <circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#33414e\"/>",
                    x + width / 2,
                    y + height / 2,
                    START / 2
                );
                let _ = writeln!(
                    out,
                    "      <text x=\"{}\" y=\"{}\" font-size=\"{DETAIL_SIZE}\" fill=\"#ffffff\" text-anchor=\"middle\">Start</text>",
                    x + width / 2,
                    y + height / 2 + 4
                );
            }
            Shape::Fork | Shape::Join => {
                let (cx, cy) = (x + width / 2, y + port);
                gateway_diamond(out, (cx, cy), "#e3f0ff", "#1f5fa8");
                let _ = writeln!(
                    out,
                    "      <path d=\"M{},{cy} H{} M{cx},{} V{}\" stroke=\"#1f5fa8\" stroke-width=\"3\"/>",
                    cx - 9,
                    cx + 9,
                    cy - 9,
                    cy + 9
                );
                text_lines(out, cx, y, &title, &details);
            }
            // Any-of work: BPMN's inclusive gateway, a diamond with a ring (its note, shown
            // in the box, says "any of").
            Shape::AnyFork | Shape::AnyJoin => {
                let (cx, cy) = (x + width / 2, y + port);
                gateway_diamond(out, (cx, cy), "#efe6ff", "#6a3fa0");
                let _ = writeln!(
                    out,
                    "      <circle cx=\"{cx}\" cy=\"{cy}\" r=\"8\" fill=\"none\" stroke=\"#6a3fa0\" stroke-width=\"2.5\"/>"
                );
                text_lines(out, cx, y, &title, &details);
            }
            Shape::Decision => {
                let depth = point_depth(height);
                let _ = writeln!(
                    out,
                    "      <polygon points=\"{x},{} {},{y} {},{y} {},{} {},{} {},{}\" fill=\"#fff4d6\" stroke=\"#8a6d00\" stroke-width=\"1.5\"/>",
                    y + port,
                    x + depth,
                    x + width - depth,
                    x + width,
                    y + port,
                    x + width - depth,
                    y + height,
                    x + depth,
                    y + height
                );
                text_lines(out, x + width / 2, y + PADDING_Y, &title, &details);
            }
            // A whole procedure drawn on its own chart: a double border, like BPMN's call
            // activity's thick one, so it never reads as a single step.
            Shape::Used => {
                let _ = writeln!(
                    out,
                    "      <rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" rx=\"8\" fill=\"#f3f6fa\" stroke=\"#33414e\" stroke-width=\"2.5\"/>"
                );
                let _ = writeln!(
                    out,
                    "      <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\" fill=\"none\" stroke=\"#33414e\" stroke-width=\"1.2\"/>",
                    x + USED_INSET,
                    y + USED_INSET,
                    width - 2 * USED_INSET,
                    height - 2 * USED_INSET
                );
                text_centred(out, (x, y, width, height), &title, &details);
            }
            shape => {
                let (fill, stroke, extra) = match shape {
                    Shape::End => ("#e8e8e8", "#33414e", " stroke-width=\"3\""),
                    Shape::Checkpoint | Shape::Recurring => (
                        "#ffffff",
                        "#52606d",
                        " stroke-width=\"1.5\" stroke-dasharray=\"6 4\"",
                    ),
                    _ => ("#ffffff", "#33414e", " stroke-width=\"1.5\""),
                };
                let radius = if shape == Shape::End {
                    height.min(28) / 2
                } else {
                    6
                };
                let _ = writeln!(
                    out,
                    "      <rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"{stroke}\"{extra}/>"
                );
                text_centred(out, (x, y, width, height), &title, &details);
            }
        }
        let _ = writeln!(out, "    </g>");
    }
}

/// Centred lines of text from `top`: the title in bold, then the details.
/// The title and details in the middle of the box `(x, y, width, height)`, both ways.
fn text_centred(
    out: &mut String,
    (x, y, width, height): (i32, i32, i32, i32),
    title: &[String],
    details: &[String],
) {
    let block = title.len() as i32 * TITLE_LINE + details.len() as i32 * DETAIL_LINE;
    text_lines(out, x + width / 2, y + (height - block) / 2, title, details);
}

fn text_lines(out: &mut String, centre: i32, top: i32, title: &[String], details: &[String]) {
    let mut baseline = top;
    for line in title {
        baseline += TITLE_LINE;
        let _ = writeln!(
            out,
            "      <text x=\"{centre}\" y=\"{}\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"#1b2733\" text-anchor=\"middle\">{}</text>",
            baseline - 4,
            xml_escape(line)
        );
    }
    for line in details {
        baseline += DETAIL_LINE;
        let _ = writeln!(
            out,
            "      <text x=\"{centre}\" y=\"{}\" font-size=\"{DETAIL_SIZE}\" fill=\"#33414e\" text-anchor=\"middle\">{}</text>",
            baseline - 3,
            xml_escape(line)
        );
    }
}

/// A gateway's diamond, centred on `(cx, cy)`: all-of work in blue, any-of work in violet.
fn gateway_diamond(out: &mut String, (cx, cy): (i32, i32), fill: &str, stroke: &str) {
    let h = GATEWAY / 2;
    let _ = writeln!(
        out,
        "      <polygon points=\"{},{cy} {cx},{} {},{cy} {cx},{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
        cx - h,
        cy - h,
        cx + h,
        cy + h
    );
}
