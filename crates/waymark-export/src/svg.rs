//! A finished SVG picture, laid out by Waymark itself (no Graphviz at run time): roles as
//! horizontal lanes, the flow left to right, a legend underneath.
//!
//! Text is plain SVG `<text>` (no `foreignObject`), so it shows in every viewer and prints.
//! Box sizes come from the text they hold, measured with DejaVu Sans character widths (wider
//! than Arial or Helvetica, so text also fits when a viewer substitutes those).

use crate::chart::{Chart, Comparison, Link, LinkKind, Mark, Node, Shape, chart, chart_compared};
use crate::layout::{EdgeSpec, Layout, NodeSize, Rect, Spacing, layout};
use crate::text::{wrap, xml_escape};
use std::fmt::Write;
use waymark_compile::Procedure;

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
const TITLE_SIZE: i32 = 13;
const DETAIL_SIZE: i32 = 11;
const LABEL_SIZE: i32 = 10;
const TITLE_LINE: i32 = 16;
const DETAIL_LINE: i32 = 14;
const LABEL_LINE: i32 = 12;
/// Characters per line before a title or a detail line wraps.
const TITLE_CHARS: usize = 24;
const DETAIL_CHARS: usize = 31;
const LABEL_CHARS: usize = 24;
const PADDING: i32 = 10;
/// The side of a gateway diamond and the width of the start circle.
const GATEWAY: i32 = 36;
const LANE_HEADER: i32 = 150;
const HEADER_CHARS: usize = 18;
const TITLE_HEIGHT: i32 = 56;
const LEGEND_HEIGHT: i32 = 96;

/// The spacing of the SVG drawing.
pub const SPACING: Spacing = Spacing {
    left: LANE_HEADER + 24,
    top: TITLE_HEIGHT,
    right: 24,
    lane_padding: 20,
    lane_min_height: 90,
    row_gap: 22,
    column_gap: 36,
    track: 10,
    pass_height: 12,
};

/// The procedure as an SVG picture.
pub fn to_svg(procedure: &Procedure) -> String {
    let chart = chart(procedure);
    let drawing = Drawing::new(&chart);
    drawing.render(&chart, None)
}

/// The SVG of `procedure` compared with an earlier version: added, changed and removed steps
/// outlined in colour, with a line of the key saying which colour is which.
pub fn to_svg_compared(procedure: &Procedure, comparison: &Comparison) -> String {
    let chart = chart_compared(procedure, comparison);
    let drawing = Drawing::new(&chart);
    drawing.render(&chart, Some(comparison))
}

/// The outline colour and the word for each kind of change.
fn mark_style(mark: Mark) -> Option<(&'static str, &'static str, &'static str)> {
    match mark {
        Mark::Same => None,
        Mark::Added => Some(("#1e7b34", "added", "")),
        Mark::Changed => Some(("#b36b00", "changed", "")),
        Mark::Removed => Some(("#b3261e", "removed", " stroke-dasharray=\"8 4\"")),
    }
}

/// A coloured outline around a marked node, and its tag above the top-left corner.
fn mark_outline(out: &mut String, node: &Node, rect: Rect) {
    let Some((colour, word, dash)) = mark_style(node.mark) else {
        return;
    };
    let _ = writeln!(
        out,
        "    <g class=\"mark {word}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"9\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"4\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"bold\" fill=\"{colour}\">{word}</text></g>",
        rect.x - 5,
        rect.y - 5,
        rect.width + 10,
        rect.height + 10,
        rect.x - 4,
        rect.y - 9
    );
}

/// The key's line for a comparison: which colour is which, and the earlier version's name.
fn comparison_key(out: &mut String, comparison: &Comparison, y: i32) {
    let heading = format!("Compared with {}:", comparison.against);
    let _ = writeln!(
        out,
        "  <g id=\"comparison-key\" font-size=\"11\" fill=\"#1b2733\"><text x=\"24\" y=\"{y}\">{}</text>",
        xml_escape(&heading)
    );
    let mut x = 24 + text_width(&heading, 11, false) + 16;
    for mark in [Mark::Added, Mark::Changed, Mark::Removed] {
        let Some((colour, word, dash)) = mark_style(mark) else {
            continue;
        };
        let _ = writeln!(
            out,
            "    <rect x=\"{x}\" y=\"{}\" width=\"28\" height=\"16\" rx=\"4\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/><text x=\"{}\" y=\"{y}\">{word}</text>",
            y - 12,
            x + 36
        );
        x += 110;
    }
    let _ = writeln!(out, "  </g>");
}

/// The chart's layout as the SVG draws it, with the node sizes and edges it was made from
/// (for tests that check no boxes overlap).
pub fn svg_layout(procedure: &Procedure) -> (Layout, Vec<EdgeSpec>) {
    let chart = chart(procedure);
    let drawing = Drawing::new(&chart);
    (drawing.layout, drawing.edges)
}

/// Text measured in estimated pixels.
fn text_width(text: &str, size: i32, bold: bool) -> i32 {
    let per_em = if bold { 0.63 } else { 0.58 };
    (text.chars().count() as f64 * f64::from(size) * per_em).ceil() as i32
}

/// A node's text, wrapped: (title lines, detail lines).
fn node_text(node: &Node) -> (Vec<String>, Vec<String>) {
    if node.shape == Shape::Start {
        return (Vec::new(), Vec::new());
    }
    let title = wrap(&node.title, TITLE_CHARS);
    let mut details = Vec::new();
    for line in node.details() {
        let is_gateway_note =
            matches!(node.shape, Shape::Fork | Shape::Join) && node.notes.contains(line);
        if !is_gateway_note {
            details.extend(wrap(line, DETAIL_CHARS));
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
fn node_size(node: &Node) -> NodeSize {
    let (title, details) = node_text(node);
    let (text_width, text_height) = text_block(&title, &details);
    match node.shape {
        Shape::Start => NodeSize {
            width: GATEWAY,
            height: GATEWAY,
            port: GATEWAY / 2,
            lane: node.lane,
        },
        Shape::Fork | Shape::Join => {
            let height = text_height + 6 + GATEWAY;
            NodeSize {
                width: text_width.max(GATEWAY) + 4,
                height,
                port: height - GATEWAY / 2,
                lane: node.lane,
            }
        }
        Shape::Decision => {
            let height = text_height + 2 * PADDING;
            NodeSize {
                width: (text_width + 2 * PADDING + 2 * point_depth(height)).max(120),
                height,
                port: height / 2,
                lane: node.lane,
            }
        }
        _ => {
            let height = text_height + 2 * PADDING;
            NodeSize {
                width: (text_width + 2 * PADDING).max(110),
                height: height.max(44),
                port: height.max(44) / 2,
                lane: node.lane,
            }
        }
    }
}

/// How far a decision's pointed ends reach in from its sides.
fn point_depth(height: i32) -> i32 {
    (height / 3).clamp(10, 24)
}

fn label_lines(link: &Link) -> Vec<String> {
    link.label
        .as_deref()
        .map(|text| wrap(text, LABEL_CHARS))
        .unwrap_or_default()
}

struct Drawing {
    sizes: Vec<NodeSize>,
    edges: Vec<EdgeSpec>,
    layout: Layout,
}

impl Drawing {
    fn new(chart: &Chart) -> Drawing {
        let sizes: Vec<NodeSize> = chart.nodes.iter().map(node_size).collect();
        let edges: Vec<EdgeSpec> = chart
            .links
            .iter()
            .map(|link| {
                let lines = label_lines(link);
                let width = lines
                    .iter()
                    .map(|l| text_width(l, LABEL_SIZE, false) + 6)
                    .max()
                    .unwrap_or(0);
                EdgeSpec {
                    from: link.from,
                    to: link.to,
                    label_width: width,
                    label_height: lines.len() as i32 * LABEL_LINE,
                }
            })
            .collect();
        let layout = layout(&sizes, &edges, chart.lanes.len(), &SPACING);
        Drawing {
            sizes,
            edges,
            layout,
        }
    }

    fn render(&self, chart: &Chart, comparison: Option<&Comparison>) -> String {
        let legend_width = 1010;
        let width = self.layout.width.max(legend_width + 40);
        let key_line = if comparison.is_some() { 20 } else { 0 };
        let height = self.layout.height + LEGEND_HEIGHT + key_line;
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\">"
        );
        let _ = writeln!(out, "  <title>{}</title>", xml_escape(&chart.title));
        let _ = writeln!(
            out,
            "  <desc>{} ({}), drawn by Waymark. Lanes are roles; the flow runs left to right.</desc>",
            xml_escape(&chart.title),
            xml_escape(&chart.id)
        );
        defs(&mut out);
        let _ = writeln!(
            out,
            "  <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
        );
        let _ = writeln!(
            out,
            "  <text x=\"24\" y=\"34\" font-size=\"20\" font-weight=\"bold\" fill=\"#1b2733\">{}</text>",
            xml_escape(&chart.title)
        );
        self.lanes(&mut out, chart, width);
        let _ = writeln!(out, "  <g id=\"edges\" fill=\"none\">");
        for (index, link) in chart.links.iter().enumerate() {
            self.edge(&mut out, chart, link, index);
        }
        let _ = writeln!(out, "  </g>");
        let _ = writeln!(out, "  <g id=\"nodes\">");
        for (index, node) in chart.nodes.iter().enumerate() {
            if let Some(rect) = self.layout.boxes.get(index) {
                self.node(&mut out, node, *rect, self.sizes[index].port);
                mark_outline(&mut out, node, *rect);
            }
        }
        let _ = writeln!(out, "  </g>");
        let _ = writeln!(out, "  <g id=\"edge-labels\">");
        for (index, link) in chart.links.iter().enumerate() {
            self.edge_label(&mut out, link, index);
        }
        let _ = writeln!(out, "  </g>");
        legend(&mut out, self.layout.height + 16);
        if let Some(comparison) = comparison {
            comparison_key(&mut out, comparison, self.layout.height + LEGEND_HEIGHT + 8);
        }
        let _ = writeln!(out, "</svg>");
        out
    }

    fn lanes(&self, out: &mut String, chart: &Chart, width: i32) {
        let _ = writeln!(out, "  <g id=\"lanes\">");
        for (index, (lane, band)) in chart.lanes.iter().zip(&self.layout.lanes).enumerate() {
            let fill = if index % 2 == 0 { "#f6f8fa" } else { "#eef2f6" };
            let _ = writeln!(
                out,
                "    <rect x=\"16\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#9aa5b1\"/>",
                band.y,
                width - 32,
                band.height
            );
            let _ = writeln!(
                out,
                "    <rect x=\"16\" y=\"{}\" width=\"{LANE_HEADER}\" height=\"{}\" fill=\"#dde4ec\" stroke=\"#9aa5b1\"/>",
                band.y, band.height
            );
            let lines = wrap(&lane.title, HEADER_CHARS);
            let top = band.y + band.height / 2 - (lines.len() as i32 * 16) / 2 + 12;
            for (n, line) in lines.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "    <text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#1b2733\" text-anchor=\"middle\">{}</text>",
                    16 + LANE_HEADER / 2,
                    top + n as i32 * 16,
                    xml_escape(line)
                );
            }
        }
        let _ = writeln!(out, "  </g>");
    }

    fn edge(&self, out: &mut String, chart: &Chart, link: &Link, index: usize) {
        let Some(mut path) = self
            .layout
            .edges
            .get(index)
            .filter(|p| p.len() >= 2)
            .cloned()
        else {
            return;
        };
        // Lines meet a gateway's diamond, not the edge of the box that holds its text.
        let diamond = |node: usize| {
            let shape = chart.nodes.get(node).map(|n| n.shape);
            let rect = self.layout.boxes.get(node)?;
            let port = self.sizes.get(node)?.port;
            matches!(shape, Some(Shape::Fork | Shape::Join))
                .then_some((rect.x + rect.width / 2, rect.y + port))
        };
        if let (Some((cx, cy)), Some(first)) = (diamond(link.from), path.first_mut())
            && first.y == cy
            && first.x > cx
        {
            first.x = cx + GATEWAY / 2;
        }
        if let (Some((cx, cy)), Some(last)) = (diamond(link.to), path.last_mut())
            && last.y == cy
            && last.x < cx
        {
            last.x = cx - GATEWAY / 2;
        }
        let points: Vec<String> = path.iter().map(|p| format!("{},{}", p.x, p.y)).collect();
        let style = match link.kind {
            LinkKind::Flow => "stroke=\"#33414e\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"",
            LinkKind::Schedule => {
                "stroke=\"#7b8794\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\" marker-end=\"url(#arrow-light)\""
            }
        };
        let _ = writeln!(
            out,
            "    <polyline points=\"{}\" {style}/>",
            points.join(" ")
        );
    }

    fn edge_label(&self, out: &mut String, link: &Link, index: usize) {
        let Some(Some(at)) = self.layout.labels.get(index) else {
            return;
        };
        let lines = label_lines(link);
        let Some(spec) = self.edges.get(index) else {
            return;
        };
        let top = at.y - spec.label_height;
        let _ = writeln!(
            out,
            "    <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
            at.x, top, spec.label_width, spec.label_height
        );
        for (n, line) in lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "    <text x=\"{}\" y=\"{}\" font-size=\"{LABEL_SIZE}\" fill=\"#1b2733\" font-style=\"italic\">{}</text>",
                at.x + 3,
                top + (n as i32 + 1) * LABEL_LINE - 2,
                xml_escape(line)
            );
        }
    }

    fn node(&self, out: &mut String, node: &Node, rect: Rect, port: i32) {
        let class = match node.shape {
            Shape::Start => "start",
            Shape::Task => "task",
            Shape::Decision => "decision",
            Shape::Fork => "fork",
            Shape::Join => "join",
            Shape::End => "end",
            Shape::Checkpoint => "checkpoint",
            Shape::Recurring => "recurring",
        };
        let _ = writeln!(
            out,
            "    <g id=\"node-{}\" class=\"node {class}\">",
            xml_escape(&node.id)
        );
        let (title, details) = node_text(node);
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
                    GATEWAY / 2
                );
                let _ = writeln!(
                    out,
                    "      <text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#ffffff\" text-anchor=\"middle\">Start</text>",
                    x + width / 2,
                    y + height / 2 + 3
                );
            }
            Shape::Fork | Shape::Join => {
                let cx = x + width / 2;
                let cy = y + port;
                let h = GATEWAY / 2;
                let _ = writeln!(
                    out,
                    "      <polygon points=\"{},{cy} {cx},{} {},{cy} {cx},{}\" fill=\"#e3f0ff\" stroke=\"#1f5fa8\" stroke-width=\"1.5\"/>",
                    cx - h,
                    cy - h,
                    cx + h,
                    cy + h
                );
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
                text_lines(out, x + width / 2, y + PADDING, &title, &details);
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
                let block = title.len() as i32 * TITLE_LINE + details.len() as i32 * DETAIL_LINE;
                text_lines(
                    out,
                    x + width / 2,
                    y + (height - block) / 2,
                    &title,
                    &details,
                );
            }
        }
        let _ = writeln!(out, "    </g>");
    }
}

/// Centred lines of text from `top`: the title in bold, then the details.
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

fn defs(out: &mut String) {
    let _ = writeln!(out, "  <defs>");
    for (id, colour) in [("arrow", "#33414e"), ("arrow-light", "#7b8794")] {
        let _ = writeln!(
            out,
            "    <marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    let _ = writeln!(out, "  </defs>");
}

/// The key to the shapes and lines, in a row under the lanes.
fn legend(out: &mut String, top: i32) {
    let _ = writeln!(out, "  <g id=\"legend\" font-size=\"11\" fill=\"#1b2733\">");
    let _ = writeln!(
        out,
        "    <text x=\"24\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">Key</text>",
        top + 14
    );
    let y = top + 24;
    let mid = y + 14;
    let text_y = mid + 4;
    let _ = writeln!(
        out,
        "    <circle cx=\"38\" cy=\"{mid}\" r=\"12\" fill=\"#33414e\"/><text x=\"56\" y=\"{text_y}\">start</text>"
    );
    let _ = writeln!(
        out,
        "    <rect x=\"100\" y=\"{y}\" width=\"40\" height=\"28\" rx=\"5\" fill=\"#ffffff\" stroke=\"#33414e\" stroke-width=\"1.5\"/><text x=\"148\" y=\"{text_y}\">step</text>"
    );
    let _ = writeln!(
        out,
        "    <polygon points=\"190,{mid} 200,{y} 230,{y} 240,{mid} 230,{} 200,{}\" fill=\"#fff4d6\" stroke=\"#8a6d00\" stroke-width=\"1.5\"/><text x=\"248\" y=\"{text_y}\">decision (outcomes on the lines)</text>",
        y + 28,
        y + 28
    );
    let _ = writeln!(
        out,
        "    <polygon points=\"446,{mid} 460,{} 474,{mid} 460,{}\" fill=\"#e3f0ff\" stroke=\"#1f5fa8\" stroke-width=\"1.5\"/><path d=\"M454,{mid} H466 M460,{} V{}\" stroke=\"#1f5fa8\" stroke-width=\"2.5\"/><text x=\"482\" y=\"{text_y}\">work done together starts / all done</text>",
        mid - 14,
        mid + 14,
        mid - 6,
        mid + 6
    );
    let _ = writeln!(
        out,
        "    <rect x=\"700\" y=\"{y}\" width=\"40\" height=\"28\" rx=\"14\" fill=\"#e8e8e8\" stroke=\"#33414e\" stroke-width=\"3\"/><text x=\"748\" y=\"{text_y}\">end</text>"
    );
    let _ = writeln!(
        out,
        "    <rect x=\"790\" y=\"{y}\" width=\"40\" height=\"28\" rx=\"5\" fill=\"#ffffff\" stroke=\"#52606d\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><path d=\"M838,{mid} H872\" stroke=\"#7b8794\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\" marker-end=\"url(#arrow-light)\"/><text x=\"878\" y=\"{text_y}\">runs alongside</text>",
    );
    let _ = writeln!(
        out,
        "    <text x=\"24\" y=\"{}\" fill=\"#52606d\">Lanes are roles: a step sits in the lane of the first role named in its first `by` line. Deadlines are in the boxes.</text>",
        y + 48
    );
    let _ = writeln!(out, "  </g>");
}

#[cfg(test)]
mod tests {
    use super::text_width;

    #[test]
    fn bold_text_measures_wider() {
        assert!(text_width("Referral", 13, true) > text_width("Referral", 13, false));
        assert_eq!(text_width("", 13, true), 0);
    }
}
