//! A Graphviz DOT graph: a cluster per role, with the same boxes, words and lines as the
//! Mermaid flowchart. `dot -Tpng` draws it.
//!
//! The flow runs top to bottom, so a long procedure is drawn about as tall as it is wide rather
//! than as a long strip (the assessment was 7.6 times as wide as tall left to right). The lanes
//! stand side by side; Graphviz places clusters itself to reduce crossings, and no attribute
//! tried (flat invisible edges between anchors, `ordering=out`) held them in the declared order,
//! so they are written in that order and Graphviz may still move one.
//!
//! Labels are Graphviz HTML-like labels, so titles can be bold; their text is XML-escaped.
//! Identifiers are the chart's ids, which are letters, digits and `_` only, and are quoted all
//! the same.

use crate::chart::{Chart, LinkKind, Node, Shape, chart_drawn};
use crate::text::{wrap, xml_escape};
use std::fmt::Write;
use waymark_compile::Procedure;

/// Characters per line in a box before it wraps.
const WIDTH: usize = 34;

/// The procedure as a Graphviz DOT graph.
pub fn to_dot(procedure: &Procedure) -> String {
    to_dot_drawn(procedure, false)
}

/// The procedure as a Graphviz DOT graph, each procedure it uses drawn as one box (with a
/// double border) when `boxed`.
pub fn to_dot_drawn(procedure: &Procedure, boxed: bool) -> String {
    render(&chart_drawn(procedure, boxed))
}

const FONT: &str = "Helvetica";

fn render(chart: &Chart) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// {} ({}), drawn by Waymark. Draw it with `dot -Tpng`.",
        crate::text::one_line(&chart.title),
        chart.id
    );
    let _ = writeln!(out, "digraph {} {{", quote(&chart.id));
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.45, fontname={}, fontsize=18, labelloc=t, label=<<b>{}</b>>];",
        quote(FONT),
        xml_escape(&chart.title)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#333333\", fontname={}, fontsize=11, margin=\"0.12,0.06\"];",
        quote(FONT)
    );
    let _ = writeln!(
        out,
        "  edge [color=\"#333333\", fontname={}, fontsize=10, arrowsize=0.7];",
        quote(FONT)
    );
    for (lane_index, lane) in chart.lanes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph {} {{",
            quote(&format!("cluster_{}", lane.id))
        );
        let _ = writeln!(
            out,
            "    graph [label=<<b>{}</b>>, labeljust=l, style=filled, fillcolor=\"#f3f5f7\", color=\"#9aa5b1\", fontsize=13];",
            xml_escape(&lane.title)
        );
        for node in chart.nodes.iter().filter(|n| n.lane == lane_index) {
            let _ = writeln!(out, "    {}", node_line(node));
        }
        let _ = writeln!(out, "  }}");
    }
    for link in &chart.links {
        let (Some(from), Some(to)) = (chart.nodes.get(link.from), chart.nodes.get(link.to)) else {
            continue;
        };
        let mut attributes = Vec::new();
        if let Some(text) = &link.label {
            let lines: Vec<String> = wrap(text, WIDTH).iter().map(|l| xml_escape(l)).collect();
            attributes.push(format!("label=<{}>", lines.join("<br/>")));
        }
        if link.kind == LinkKind::Schedule {
            attributes.push("style=dashed".to_string());
            attributes.push("color=\"#777777\"".to_string());
        }
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attributes.join(", "))
        };
        let _ = writeln!(
            out,
            "  {} -> {}{attributes};",
            quote(&from.id),
            quote(&to.id)
        );
    }
    let _ = writeln!(out, "}}");
    out
}

fn node_line(node: &Node) -> String {
    let mut lines: Vec<String> = wrap(&node.title, WIDTH)
        .iter()
        .map(|l| format!("<b>{}</b>", xml_escape(l)))
        .collect();
    for detail in node.details() {
        lines.extend(wrap(detail, WIDTH).iter().map(|l| xml_escape(l)));
    }
    let style = match node.shape {
        Shape::Start => {
            "shape=circle, style=filled, fillcolor=\"#333333\", fontcolor=\"#ffffff\", width=0.6, fixedsize=true"
        }
        Shape::Task => "",
        Shape::Decision => "shape=diamond, style=filled, fillcolor=\"#fff4d6\", color=\"#8a6d00\"",
        Shape::Fork | Shape::Join => {
            "shape=hexagon, style=filled, fillcolor=\"#e3f0ff\", color=\"#1f5fa8\""
        }
        // Any-of work: the same gateway, dashed and in another colour, its notes say "any of".
        Shape::AnyFork | Shape::AnyJoin => {
            "shape=hexagon, style=\"filled,dashed\", fillcolor=\"#efe6ff\", color=\"#6a3fa0\""
        }
        Shape::End => "style=\"rounded,filled,bold\", fillcolor=\"#e8e8e8\", penwidth=2",
        Shape::Checkpoint | Shape::Recurring => "style=\"rounded,dashed\"",
        // A procedure drawn on its own chart: a double border, as Mermaid's subroutine.
        Shape::Used => "style=\"rounded,filled,bold\", peripheries=2",
    };
    let label = if node.shape == Shape::Start {
        "Start".to_string()
    } else {
        lines.join("<br/>")
    };
    let separator = if style.is_empty() { "" } else { ", " };
    format!("{} [label=<{label}>{separator}{style}];", quote(&node.id))
}

/// A DOT double-quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_dot_strings() {
        assert_eq!(quote("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
    }
}
