//! A Mermaid flowchart: a subgraph per role, decisions as diamonds with their outcomes on the
//! lines, work done together as a fork and a join, ends and side work styled, deadlines in the
//! boxes.
//!
//! Node ids are the chart's ids with `n_` in front, so no step name can be a Mermaid keyword
//! (`end`, `graph`, `style`). Every label is quoted, and the characters Mermaid reads inside a
//! label (`"`, `#`, `<`, `>`, `&` and a leading backtick) are written as Mermaid's `#...;`
//! entity codes.

use crate::chart::{Chart, Comparison, LinkKind, Mark, Node, Shape, chart_drawn, mark_compared};
use crate::text::wrap;
use std::fmt::Write;
use waymark_compile::Procedure;

/// Characters per line in a box before it wraps.
const WIDTH: usize = 34;

/// The procedure as Mermaid flowchart text.
pub fn to_mermaid(procedure: &Procedure) -> String {
    to_mermaid_drawn(procedure, false)
}

/// The procedure as Mermaid flowchart text, each procedure it uses drawn as one box (a
/// subroutine shape) when `boxed`.
pub fn to_mermaid_drawn(procedure: &Procedure, boxed: bool) -> String {
    render(&chart_drawn(procedure, boxed))
}

/// The flowchart of `procedure` compared with an earlier version: added, changed and removed
/// steps coloured, with a key; each used procedure one box when `boxed`.
pub fn to_mermaid_compared(procedure: &Procedure, comparison: &Comparison, boxed: bool) -> String {
    let chart = mark_compared(procedure, chart_drawn(procedure, boxed), comparison);
    let mut out = render(&chart);
    let _ = writeln!(
        out,
        "  subgraph key[\"{}\"]",
        label(&[comparison.heading()])
    );
    let _ = writeln!(out, "    key_added[\"added\"]");
    let _ = writeln!(out, "    key_changed[\"changed\"]");
    let _ = writeln!(out, "    key_removed[\"removed\"]");
    let _ = writeln!(out, "  end");
    let _ = writeln!(
        out,
        "  classDef added fill:#e3f4e6,stroke:#1e7b34,stroke-width:3px"
    );
    let _ = writeln!(
        out,
        "  classDef changed fill:#fff1d6,stroke:#b36b00,stroke-width:3px"
    );
    let _ = writeln!(
        out,
        "  classDef removed fill:#fbe3e1,stroke:#b3261e,stroke-width:3px,stroke-dasharray:6 3"
    );
    for (class, mark) in [
        ("added", Mark::Added),
        ("changed", Mark::Changed),
        ("removed", Mark::Removed),
    ] {
        let mut ids: Vec<String> = chart
            .nodes
            .iter()
            .filter(|n| n.mark == mark)
            .map(|n| format!("n_{}", n.id))
            .collect();
        ids.push(format!("key_{class}"));
        let _ = writeln!(out, "  class {} {class}", ids.join(","));
    }
    out
}

fn render(chart: &Chart) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "title: \"{}\"", yaml_escape(&chart.title));
    // Lines are already wrapped at WIDTH characters; wider than Mermaid's default of 200
    // pixels, so Mermaid does not wrap them again.
    let _ = writeln!(out, "config:");
    // ELK routes lines around boxes; Mermaid's default layout (dagre) ran lines through boxes
    // in the assessment. A renderer without ELK falls back to dagre, top to bottom still.
    let _ = writeln!(out, "  layout: elk");
    let _ = writeln!(out, "  flowchart:");
    let _ = writeln!(out, "    wrappingWidth: 320");
    let _ = writeln!(out, "---");
    let _ = writeln!(
        out,
        "%% {} ({}), drawn by Waymark. Lanes are roles; dashed lines lead to work that runs alongside.",
        crate::text::one_line(&chart.title),
        chart.id
    );
    // Top to bottom: a long procedure comes out about as tall as it is wide, readable at the
    // width a Markdown page gives it, where left to right made a strip 3.6 times as wide.
    let _ = writeln!(out, "flowchart TB");
    for (lane_index, lane) in chart.lanes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph lane_{}[\"{}\"]",
            lane.id,
            label(std::slice::from_ref(&lane.title))
        );
        for node in chart.nodes.iter().filter(|n| n.lane == lane_index) {
            let _ = writeln!(out, "    {}", node_line(node));
        }
        let _ = writeln!(out, "  end");
    }
    for link in &chart.links {
        let (Some(from), Some(to)) = (chart.nodes.get(link.from), chart.nodes.get(link.to)) else {
            continue;
        };
        let arrow = match link.kind {
            LinkKind::Flow => "-->",
            LinkKind::Schedule => "-.->",
        };
        match &link.label {
            Some(text) => {
                let _ = writeln!(
                    out,
                    "  n_{} {arrow}|\"{}\"| n_{}",
                    from.id,
                    label(&wrap(text, WIDTH)),
                    to.id
                );
            }
            None => {
                let _ = writeln!(out, "  n_{} {arrow} n_{}", from.id, to.id);
            }
        }
    }
    // A fork and its join in one lane are joined only through other lanes, so a layout that
    // places each lane on its own may put the join first; an invisible link keeps the order.
    for node in &chart.nodes {
        let fork = node.fork.and_then(|f| chart.nodes.get(f));
        if let Some(fork) = fork.filter(|f| f.lane == node.lane) {
            let _ = writeln!(out, "  n_{} ~~~ n_{}", fork.id, node.id);
        }
    }
    let _ = writeln!(
        out,
        "  classDef startNode fill:#333333,stroke:#333333,color:#ffffff"
    );
    let _ = writeln!(
        out,
        "  classDef endNode fill:#e8e8e8,stroke:#333333,stroke-width:3px"
    );
    let _ = writeln!(out, "  classDef togetherNode fill:#e3f0ff,stroke:#1f5fa8");
    let _ = writeln!(out, "  classDef decisionNode fill:#fff4d6,stroke:#8a6d00");
    if chart
        .nodes
        .iter()
        .any(|n| matches!(n.shape, Shape::AnyFork | Shape::AnyJoin))
    {
        let _ = writeln!(
            out,
            "  classDef anyOfNode fill:#efe6ff,stroke:#6a3fa0,stroke-dasharray:4 2"
        );
    }
    let _ = writeln!(
        out,
        "  classDef alongsideNode fill:#ffffff,stroke:#555555,stroke-dasharray:5 3"
    );
    if chart.nodes.iter().any(|n| n.shape == Shape::Used) {
        let _ = writeln!(
            out,
            "  classDef usedNode fill:#f3f6fa,stroke:#33414e,stroke-width:3px"
        );
    }
    for (class, shapes) in [
        ("startNode", &[Shape::Start][..]),
        ("endNode", &[Shape::End]),
        ("togetherNode", &[Shape::Fork, Shape::Join]),
        ("anyOfNode", &[Shape::AnyFork, Shape::AnyJoin]),
        ("decisionNode", &[Shape::Decision]),
        ("alongsideNode", &[Shape::Checkpoint, Shape::Recurring]),
        ("usedNode", &[Shape::Used]),
    ] {
        let ids: Vec<String> = chart
            .nodes
            .iter()
            .filter(|n| shapes.contains(&n.shape))
            .map(|n| format!("n_{}", n.id))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    out
}

fn node_line(node: &Node) -> String {
    let mut lines = vec![format!("\u{1}{}", node.title)];
    if node.shape != Shape::Start {
        lines = wrap(&node.title, WIDTH)
            .into_iter()
            .map(|l| format!("\u{1}{l}"))
            .collect();
    }
    for detail in node.details() {
        lines.extend(wrap(detail, WIDTH));
    }
    let text = label(&lines);
    let (open, close) = match node.shape {
        Shape::Start => ("((", "))"),
        Shape::Task => ("[", "]"),
        Shape::Decision => ("{", "}"),
        Shape::Fork | Shape::Join | Shape::AnyFork | Shape::AnyJoin => ("{{", "}}"),
        Shape::End => ("([", "])"),
        Shape::Checkpoint | Shape::Recurring => ("(", ")"),
        // Mermaid's subroutine: a box with double sides, for a procedure drawn elsewhere.
        Shape::Used => ("[[", "]]"),
    };
    format!("n_{}{open}\"{text}\"{close}", node.id)
}

/// Lines joined with `<br/>`; a line that starts with U+0001 is a title, in bold.
fn label(lines: &[String]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .map(|line| match line.strip_prefix('\u{1}') {
            Some(title) => format!("<b>{}</b>", escape(title)),
            None => escape(line),
        })
        .collect();
    shown.join("<br/>")
}

/// Mermaid's entity codes for the characters it would read as syntax or markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A double-quoted YAML string's contents.
fn yaml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_what_mermaid_reads() {
        assert_eq!(
            escape("a \"b\" #1 <c> & `d`"),
            "a #quot;b#quot; #35;1 #lt;c#gt; #amp; #96;d#96;"
        );
    }
}
