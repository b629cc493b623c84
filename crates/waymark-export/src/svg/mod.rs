//! A finished SVG picture, laid out by Waymark itself (no Graphviz at run time): roles as
//! horizontal lanes, the flow left to right, a legend underneath.
//!
//! Text is plain SVG `<text>` (no `foreignObject`), so it shows in every viewer and prints.
//! Box sizes come from the text they hold, measured with DejaVu Sans character widths (wider
//! than Arial or Helvetica, so text also fits when a viewer substitutes those).
//!
//! The files: this one draws the lanes and the lines; `steps.rs` sizes and draws the boxes,
//! `measure.rs` measures text, `key.rs` writes the key under the drawing (with the shared rules
//! of who does a step), and `compare.rs` outlines what changed since an earlier version.
#![allow(
    clippy::indexing_slicing,
    reason = "node and link indexes come from the chart made from the same procedure, whose lists have one entry per node"
)]

mod compare;
mod key;
mod measure;
mod steps;

use crate::Used;
use crate::chart::{Chart, Comparison, Link, LinkKind, Shape, chart_drawn, mark_compared};
use crate::layout::{EdgeSpec, Layout, NodeSize, Point, Rect, Spacing, Wrapping, layout_wrapped};
use crate::text::xml_escape;
use compare::{comparison_key, drawn_box, mark_outline, mark_room};
use key::{KEY_WIDTH, Key, Markers, legend};
use measure::{text_width, wrap_to};
use std::collections::HashMap;
use std::fmt::Write;
use steps::node_size;
use waymark_compile::Procedure;

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
// Printed, the drawing is scaled to its sheet, so what counts is how large text is beside
// the rest: body text is all one size, the least on the drawing, and titles are a quarter
// larger, so that when the body prints at 6 pt titles print at 7.5 pt.
const TITLE_SIZE: i32 = 14;
const DETAIL_SIZE: i32 = 11;
const LABEL_SIZE: i32 = 11;
const TITLE_LINE: i32 = 17;
const DETAIL_LINE: i32 = 14;
const LABEL_LINE: i32 = 13;
/// How wide a line of a title, a detail or a line's label may be before it wraps.
const TITLE_WIDTH: i32 = 150;
const DETAIL_WIDTH: i32 = 150;
const LABEL_WIDTH: i32 = 76;
const LONG_LABEL_WIDTH: i32 = 150;
/// A gateway's title, over its diamond, wraps narrower: the column is otherwise narrow.
const GATEWAY_TITLE_WIDTH: i32 = 128;
/// Room between a box's side and its text.
const PADDING: i32 = 10;
/// Room above and below a box's text.
const PADDING_Y: i32 = 7;
/// The side of a gateway diamond and the width of the start circle.
const GATEWAY: i32 = 36;
/// The side of the start circle, which holds the word "Start".
const START: i32 = 40;
/// Where the lanes' strips start from the left edge.
const MARGIN: i32 = 16;
const LANE_HEADER: i32 = 120;
const HEADER_LINE: i32 = 14;
const TITLE_HEIGHT: i32 = 42;
/// The side of a connector's circle, where a line wraps from one band to another.
const CONNECTOR: i32 = 22;
const BAND_GAP: i32 = 16;
const KEY_LINE: i32 = 16;
/// The sheet the drawing is made to be printed on: A3 less 10 mm margins, in millimetres,
/// landscape. The drawing is wrapped into the bands that let it print largest on this sheet,
/// either way round.
pub const SHEET_MM: (f64, f64) = (400.0, 277.0);

/// The spacing of the SVG drawing.
pub const SPACING: Spacing = Spacing {
    left: MARGIN + LANE_HEADER + 10,
    top: TITLE_HEIGHT,
    right: MARGIN + 2,
    lane_padding: 5,
    lane_min_height: 40,
    empty_lane_height: 30,
    row_gap: 12,
    column_gap: 16,
    track: 7,
    pass_height: 10,
};

/// The procedure as an SVG picture, its used procedures as [`Used::Auto`] says.
pub fn to_svg(procedure: &Procedure) -> String {
    to_svg_drawn(procedure, None, Used::Auto)
}

/// The SVG of `procedure` compared with an earlier version: added, changed and removed steps
/// outlined in colour, with a line of the key saying which colour is which.
pub fn to_svg_compared(procedure: &Procedure, comparison: &Comparison) -> String {
    to_svg_drawn(procedure, Some(comparison), Used::Auto)
}

/// The SVG of `procedure`, compared with an earlier version when there is a comparison, its
/// used procedures drawn as `used` says.
pub fn to_svg_drawn(procedure: &Procedure, comparison: Option<&Comparison>, used: Used) -> String {
    let (chart, drawing) = drawn(procedure, comparison, used);
    drawing.render(&chart, comparison)
}

/// The chart and its drawing, its used procedures inline or boxed as `used` says. `Auto` draws
/// them inline, and as boxes only when the inline drawing would print text under
/// [`SMALLEST_PT`] on the sheet and the procedure uses another.
fn drawn(procedure: &Procedure, comparison: Option<&Comparison>, used: Used) -> (Chart, Drawing) {
    let draw = |boxed: bool| {
        let chart = chart_drawn(procedure, boxed);
        let chart = match comparison {
            Some(comparison) => mark_compared(procedure, chart, comparison),
            None => chart,
        };
        let drawing = Drawing::new(&chart, comparison.is_some());
        (chart, drawing)
    };
    match used {
        Used::Inline => draw(false),
        Used::Boxed => draw(true),
        Used::Auto => {
            let inline = draw(false);
            if procedure.used.is_empty() || inline.1.smallest_pt() >= SMALLEST_PT {
                inline
            } else {
                draw(true)
            }
        }
    }
}

/// The chart's layout as the SVG draws it, with the node sizes and edges it was made from
/// (for tests that check no boxes overlap).
pub fn svg_layout(procedure: &Procedure) -> (Layout, Vec<EdgeSpec>) {
    svg_layout_drawn(procedure, Used::Auto)
}

/// [`svg_layout`] with the used procedures drawn as `used` says.
pub fn svg_layout_drawn(procedure: &Procedure, used: Used) -> (Layout, Vec<EdgeSpec>) {
    let (_, drawing) = drawn(procedure, None, used);
    (drawing.layout, drawing.edges)
}

/// The least size, in points, that text may print at on the sheet before [`Used::Auto`] draws
/// used procedures as boxes (the export tests hold every shipped drawing to it).
pub const SMALLEST_PT: f64 = 6.0;

/// Millimetres in a point.
const POINT_MM: f64 = 25.4 / 72.0;

/// The scale, in millimetres per drawing unit, at which a drawing `width` by `height` fits the
/// sheet ([`SHEET_MM`]), the better way round.
pub fn sheet_scale(width: i32, height: i32) -> f64 {
    let (long, short) = SHEET_MM;
    let (width, height) = (f64::from(width.max(1)), f64::from(height.max(1)));
    (long / width)
        .min(short / height)
        .max((short / width).min(long / height))
}

/// "A" to "Z", then "AA", "AB", ...: the letters of the connectors, as on paper flowcharts.
fn connector_name(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        n -= 1;
        name.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A lane's name, wrapped to the lane header.
fn lane_name_lines(title: &str) -> Vec<String> {
    wrap_to(title, LANE_HEADER - 4, 12, true)
}

/// How tall a lane must be for its name: a line of the header each, and a unit above and below.
fn lane_name_height(title: &str) -> i32 {
    lane_name_lines(title).len() as i32 * HEADER_LINE + 2
}

fn label_lines(link: &Link) -> Vec<String> {
    // An outcome is a word or two; a condition is a sentence, which in the narrow width would
    // stand as a column of one or two words a line.
    link.label
        .as_deref()
        .map(|text| {
            let width = if text.chars().count() > 40 {
                LONG_LABEL_WIDTH
            } else {
                LABEL_WIDTH
            };
            wrap_to(text, width, LABEL_SIZE, false)
        })
        .unwrap_or_default()
}

struct Drawing {
    sizes: Vec<NodeSize>,
    edges: Vec<EdgeSpec>,
    markers: Markers,
    layout: Layout,
    key: Key,
    width: i32,
}

impl Drawing {
    fn new(chart: &Chart, compared: bool) -> Drawing {
        let markers = Markers::of(chart);
        let boxed = chart.nodes.iter().any(|n| n.shape == Shape::Used);
        let sizes: Vec<NodeSize> = chart
            .nodes
            .iter()
            .zip(&markers.of_node)
            .map(|(node, marker)| {
                let size = node_size(node, *marker);
                let (side, top) = mark_room(node);
                NodeSize {
                    width: size.width + 2 * side,
                    height: size.height + top + side,
                    port: size.port + top,
                    ..size
                }
            })
            .collect();
        // The first line of each kind into each box with each label, to find an earlier line
        // with the same words without looking at every line before (quadratic for a decision
        // with thousands of outcomes).
        let mut first_with: HashMap<(usize, LinkKind, &str), usize> = HashMap::new();
        let edges: Vec<EdgeSpec> = chart
            .links
            .iter()
            .enumerate()
            .map(|(index, link)| {
                let lines = label_lines(link);
                let width = lines
                    .iter()
                    .map(|l| text_width(l, LABEL_SIZE, false) + 6)
                    .max()
                    .unwrap_or(0);
                // An earlier line of the same kind into the same box, with the same words. Never
                // "otherwise": it means "none of this step's conditions", which differs from step
                // to step, so each keeps its own label on its own line.
                let same_label = link
                    .label
                    .as_ref()
                    .filter(|label| label.as_str() != "otherwise")
                    .and_then(|label| {
                        let first = *first_with
                            .entry((link.to, link.kind, label.as_str()))
                            .or_insert(index);
                        (first != index).then_some(first)
                    });
                EdgeSpec {
                    from: link.from,
                    to: link.to,
                    label_width: width,
                    label_height: lines.len() as i32 * LABEL_LINE,
                    same_label,
                }
            })
            .collect();
        let fit = |layout: &Layout| {
            let width = layout.width.max(KEY_WIDTH);
            let key = Key::plan(&markers, layout, width, (compared, boxed));
            sheet_scale(width, key.bottom)
        };
        let wrapping = Wrapping {
            connector: CONNECTOR,
            band_gap: BAND_GAP,
            most_bands: 6,
            fit: &fit,
        };
        let lanes: Vec<i32> = chart
            .lanes
            .iter()
            .map(|lane| lane_name_height(&lane.title))
            .collect();
        let layout = layout_wrapped(&sizes, &edges, &lanes, &SPACING, &wrapping);
        let width = layout.width.max(KEY_WIDTH);
        let key = Key::plan(&markers, &layout, width, (compared, boxed));
        Drawing {
            sizes,
            edges,
            markers,
            layout,
            key,
            width,
        }
    }

    /// The size in points the smallest text (a detail line, [`DETAIL_SIZE`]) prints at when
    /// the drawing is fitted to the sheet.
    fn smallest_pt(&self) -> f64 {
        f64::from(DETAIL_SIZE) * sheet_scale(self.width, self.key.bottom) / POINT_MM
    }

    fn render(&self, chart: &Chart, comparison: Option<&Comparison>) -> String {
        let width = self.width;
        let height = self.key.bottom;
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\">"
        );
        let _ = writeln!(out, "  <title>{}</title>", xml_escape(&chart.title));
        let wrapped = if self.layout.bands.len() > 1 {
            " The flow is wrapped into bands; lettered circles join a line to where it goes on."
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  <desc>{} ({}), drawn by Waymark. Lanes are roles; the flow runs left to right.{wrapped}</desc>",
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
            "  <text x=\"24\" y=\"32\" font-size=\"20\" font-weight=\"bold\" fill=\"#1b2733\">{}</text>",
            xml_escape(&chart.title)
        );
        self.lanes(&mut out, chart, width);
        let _ = writeln!(out, "  <g id=\"edges\" fill=\"none\">");
        for (index, link) in chart.links.iter().enumerate() {
            self.edge(&mut out, chart, link, index);
        }
        let _ = writeln!(out, "  </g>");
        self.connectors(&mut out, chart);
        let _ = writeln!(out, "  <g id=\"nodes\">");
        for (index, node) in chart.nodes.iter().enumerate() {
            if let Some(rect) = self.layout.boxes.get(index) {
                let marker = self.markers.of_node.get(index).copied().flatten();
                let (rect, port) = drawn_box(node, *rect, self.sizes[index].port);
                self.node(&mut out, node, marker, rect, port);
                mark_outline(&mut out, node, rect);
            }
        }
        let _ = writeln!(out, "  </g>");
        let _ = writeln!(out, "  <g id=\"edge-labels\">");
        for (index, link) in chart.links.iter().enumerate() {
            self.edge_label(&mut out, link, index);
        }
        let _ = writeln!(out, "  </g>");
        legend(&mut out, self.key.top);
        self.key_extras(&mut out);
        if let (Some(comparison), Some(y)) = (comparison, self.key.comparison) {
            comparison_key(&mut out, comparison, y);
        }
        let _ = writeln!(out, "</svg>");
        out
    }

    /// Every band repeats every lane, so a reader finds a role at the same height in each.
    fn lanes(&self, out: &mut String, chart: &Chart, width: i32) {
        let _ = writeln!(out, "  <g id=\"lanes\">");
        for strips in &self.layout.bands {
            for (index, (lane, strip)) in chart.lanes.iter().zip(strips).enumerate() {
                let fill = if index % 2 == 0 { "#f6f8fa" } else { "#eef2f6" };
                let _ = writeln!(
                    out,
                    "    <rect x=\"{MARGIN}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#9aa5b1\"/>",
                    strip.y,
                    width - 2 * MARGIN,
                    strip.height
                );
                let _ = writeln!(
                    out,
                    "    <rect x=\"{MARGIN}\" y=\"{}\" width=\"{LANE_HEADER}\" height=\"{}\" fill=\"#dde4ec\" stroke=\"#9aa5b1\"/>",
                    strip.y, strip.height
                );
                let lines = lane_name_lines(&lane.title);
                let top = strip.y + strip.height / 2 - (lines.len() as i32 * HEADER_LINE) / 2 + 11;
                for (n, line) in lines.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "    <text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#1b2733\" text-anchor=\"middle\">{}</text>",
                        MARGIN + LANE_HEADER / 2,
                        top + n as i32 * HEADER_LINE,
                        xml_escape(line)
                    );
                }
            }
        }
        let _ = writeln!(out, "  </g>");
    }

    /// Where a line leaves its band, a lettered circle; where it picks up again, a circle with
    /// the same letter and the rest of the line.
    fn connectors(&self, out: &mut String, chart: &Chart) {
        if self.layout.connectors.is_empty() {
            return;
        }
        let _ = writeln!(out, "  <g id=\"connectors\">");
        for (index, connector) in self.layout.connectors.iter().enumerate() {
            let name = connector_name(index);
            let Some(link) = chart.links.get(connector.edge) else {
                continue;
            };
            let mut path = connector.path.clone();
            if let Some(last) = path.last_mut() {
                self.onto_diamond(chart, link.to, last, false);
            }
            if path.len() >= 2 {
                let _ = writeln!(
                    out,
                    "    <polyline points=\"{}\" fill=\"none\" {}/>",
                    points(&path),
                    line_style(link.kind)
                );
            }
            for rect in [connector.leave, connector.arrive] {
                connector_circle(out, rect, &name);
            }
        }
        let _ = writeln!(out, "  </g>");
    }

    /// A line meets a gateway's diamond, not the edge of the box that holds its text.
    fn onto_diamond(&self, chart: &Chart, node: usize, end: &mut Point, leaving: bool) {
        let shape = chart.nodes.get(node).map(|n| n.shape);
        let (Some(rect), Some(size)) = (self.layout.boxes.get(node), self.sizes.get(node)) else {
            return;
        };
        if !matches!(
            shape,
            Some(Shape::Fork | Shape::Join | Shape::AnyFork | Shape::AnyJoin)
        ) {
            return;
        }
        let (cx, cy) = (rect.x + rect.width / 2, rect.y + size.port);
        if end.y != cy {
            return;
        }
        if leaving && end.x > cx {
            end.x = cx + GATEWAY / 2;
        } else if !leaving && end.x < cx {
            end.x = cx - GATEWAY / 2;
        }
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
        if let Some(first) = path.first_mut() {
            self.onto_diamond(chart, link.from, first, true);
        }
        let wraps = self.layout.connectors.iter().any(|c| c.edge == index);
        if let (false, Some(last)) = (wraps, path.last_mut()) {
            self.onto_diamond(chart, link.to, last, false);
        }
        let _ = writeln!(
            out,
            "    <polyline points=\"{}\" {}/>",
            points(&path),
            line_style(link.kind)
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
}

fn points(path: &[Point]) -> String {
    let points: Vec<String> = path.iter().map(|p| format!("{},{}", p.x, p.y)).collect();
    points.join(" ")
}

fn line_style(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Flow => "stroke=\"#33414e\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"",
        LinkKind::Schedule => {
            "stroke=\"#7b8794\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\" marker-end=\"url(#arrow-light)\""
        }
    }
}

fn connector_circle(out: &mut String, rect: Rect, name: &str) {
    let (cx, cy) = (rect.x + rect.width / 2, rect.y + rect.height / 2);
    let _ = writeln!(
        out,
        "    <circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"#ffffff\" stroke=\"#33414e\" stroke-width=\"1.5\"/><text x=\"{cx}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\" fill=\"#1b2733\" text-anchor=\"middle\">{name}</text>",
        rect.width / 2,
        cy + 4
    );
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
