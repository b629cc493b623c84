//! A finished SVG picture, laid out by Waymark itself (no Graphviz at run time): roles as
//! horizontal lanes, the flow left to right, a legend underneath.
//!
//! Text is plain SVG `<text>` (no `foreignObject`), so it shows in every viewer and prints.
//! Box sizes come from the text they hold, measured with DejaVu Sans character widths (wider
//! than Arial or Helvetica, so text also fits when a viewer substitutes those).

use crate::chart::{Chart, Comparison, Link, LinkKind, Mark, Node, Shape, chart, chart_compared};
use crate::layout::{EdgeSpec, Layout, NodeSize, Point, Rect, Spacing, Wrapping, layout_wrapped};
use crate::text::xml_escape;
use std::collections::BTreeMap;
use std::fmt::Write;
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
    lane_padding: 6,
    lane_min_height: 40,
    empty_lane_height: 30,
    row_gap: 12,
    column_gap: 16,
    track: 7,
    pass_height: 10,
};

/// The procedure as an SVG picture.
pub fn to_svg(procedure: &Procedure) -> String {
    let chart = chart(procedure);
    let drawing = Drawing::new(&chart, false);
    drawing.render(&chart, None)
}

/// The SVG of `procedure` compared with an earlier version: added, changed and removed steps
/// outlined in colour, with a line of the key saying which colour is which.
pub fn to_svg_compared(procedure: &Procedure, comparison: &Comparison) -> String {
    let chart = chart_compared(procedure, comparison);
    let drawing = Drawing::new(&chart, true);
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

/// How far a marked node's outline reaches out from its box: 5 units, and half its width of 4.
const MARK_SIDE: i32 = 7;
/// How far a marked node's tag reaches up from its box: its baseline is 9 units above, and its
/// letters (11 units, bold) are about 9 tall.
const MARK_TOP: i32 = 19;

/// The room a node's mark takes round its box, (sides and bottom, top): the layout places the
/// box with this room, so no outline or tag runs into a neighbour.
fn mark_room(node: &Node) -> (i32, i32) {
    if mark_style(node.mark).is_some() {
        (MARK_SIDE, MARK_TOP)
    } else {
        (0, 0)
    }
}

/// The box a node is drawn in, inside the room the layout gave it and its mark, and its port
/// measured from the box's top.
fn drawn_box(node: &Node, placed: Rect, port: i32) -> (Rect, i32) {
    let (side, top) = mark_room(node);
    let rect = Rect {
        x: placed.x + side,
        y: placed.y + top,
        width: placed.width - 2 * side,
        height: placed.height - top - side,
    };
    (rect, port - top)
}

/// A coloured outline around a marked node, and its tag above the top-left corner.
fn mark_outline(out: &mut String, node: &Node, rect: Rect) {
    let Some((colour, word, dash)) = mark_style(node.mark) else {
        return;
    };
    let _ = writeln!(
        out,
        "    <g class=\"mark {word}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"9\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"4\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"{colour}\">{word}</text></g>",
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
    let drawing = Drawing::new(&chart, false);
    (drawing.layout, drawing.edges)
}

/// The scale, in millimetres per drawing unit, at which a drawing `width` by `height` fits the
/// sheet ([`SHEET_MM`]), the better way round.
pub fn sheet_scale(width: i32, height: i32) -> f64 {
    let (long, short) = SHEET_MM;
    let (width, height) = (f64::from(width.max(1)), f64::from(height.max(1)));
    (long / width)
        .min(short / height)
        .max((short / width).min(long / height))
}

/// Who-does-it rules that several steps share. Each is written once, in the key, and the
/// boxes carry its marker ("R1"), so six boxes do not each repeat three lines of roles.
struct Markers {
    /// Per node, the index of its rule.
    of_node: Vec<Option<usize>>,
    /// Each shared rule's lines ("by Family Practitioner when threshold is level2", ...), in
    /// the order the boxes first use them.
    rules: Vec<Vec<String>>,
}

impl Markers {
    fn of(chart: &Chart) -> Markers {
        let mut uses: BTreeMap<&[String], usize> = BTreeMap::new();
        for node in &chart.nodes {
            if !node.who.is_empty() {
                *uses.entry(node.who.as_slice()).or_default() += 1;
            }
        }
        let mut rules: Vec<Vec<String>> = Vec::new();
        let mut of_node = Vec::with_capacity(chart.nodes.len());
        for node in &chart.nodes {
            let shared = uses.get(node.who.as_slice()).is_some_and(|n| *n > 1);
            if !shared {
                of_node.push(None);
                continue;
            }
            let index = match rules.iter().position(|r| *r == node.who) {
                Some(index) => index,
                None => {
                    rules.push(node.who.clone());
                    rules.len() - 1
                }
            };
            of_node.push(Some(index));
        }
        Markers { of_node, rules }
    }
}

fn marker_name(rule: usize) -> String {
    format!("R{}", rule + 1)
}

/// The markers of `count` shared rules in words: "R1", "R1 and R2", "R1, R2 and R3", "R1 to R5".
fn marker_names(count: usize) -> String {
    match count {
        0 | 1 => marker_name(0),
        2 | 3 => {
            let names: Vec<String> = (0..count - 1).map(marker_name).collect();
            format!("{} and {}", names.join(", "), marker_name(count - 1))
        }
        _ => format!("{} to {}", marker_name(0), marker_name(count - 1)),
    }
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

/// Advance widths of the printable ASCII characters (space to `~`) in DejaVu Sans and DejaVu
/// Sans Bold, in thousandths of the font size, read from the fonts' metrics.
const REGULAR_WIDTHS: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const BOLD_WIDTHS: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// How wide text is drawn, in drawing units: DejaVu Sans widths, and 4 % more so that text
/// still fits when a viewer substitutes Verdana, which runs a little wider. Characters
/// outside ASCII count as wide ones.
fn text_width(text: &str, size: i32, bold: bool) -> i32 {
    let table = if bold { &BOLD_WIDTHS } else { &REGULAR_WIDTHS };
    let thousandths: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if (32..127).contains(&code) {
                u32::from(table[(code - 32) as usize])
            } else {
                1000
            }
        })
        .sum();
    (f64::from(thousandths) * f64::from(size) * 1.04 / 1000.0).ceil() as i32
}

/// Breaks text into lines no wider than `width` when drawn, at spaces. A word wider than that
/// gets a line of its own and is never cut: boxes are sized from the lines they hold.
fn wrap_to(text: &str, width: i32, size: i32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&joined, size, bold) <= width {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A node's text, wrapped: (title lines, detail lines). A node whose roles are a shared rule
/// names the rule's marker instead of the roles.
fn node_text(node: &Node, marker: Option<usize>) -> (Vec<String>, Vec<String>) {
    if node.shape == Shape::Start {
        return (Vec::new(), Vec::new());
    }
    // A gateway's title sits over its diamond, where the column is otherwise narrow.
    let title_width = match node.shape {
        Shape::Fork | Shape::Join => GATEWAY_TITLE_WIDTH,
        _ => TITLE_WIDTH,
    };
    let title = wrap_to(&node.title, title_width, TITLE_SIZE, true);
    let mut details = Vec::new();
    let who_line = marker.map(|rule| format!("who: {} (see key)", marker_name(rule)));
    let lines: Vec<&String> = match &who_line {
        Some(line) => std::iter::once(line)
            .chain(node.when.iter())
            .chain(node.notes.iter())
            .collect(),
        None => node.details().collect(),
    };
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
fn node_size(node: &Node, marker: Option<usize>) -> NodeSize {
    let (title, details) = node_text(node, marker);
    let (text_width, text_height) = text_block(&title, &details);
    match node.shape {
        Shape::Start => NodeSize {
            width: START,
            height: START,
            port: START / 2,
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
            let height = text_height + 2 * PADDING_Y;
            NodeSize {
                width: (text_width + 2 * PADDING + 2 * point_depth(height)).max(120),
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

/// How far a decision's pointed ends reach in from its sides.
fn point_depth(height: i32) -> i32 {
    (height / 3).clamp(10, 24)
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
    link.label
        .as_deref()
        .map(|text| wrap_to(text, LABEL_WIDTH, LABEL_SIZE, false))
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

/// The drawing is never narrower than the key's row of shapes.
const KEY_WIDTH: i32 = 1050;
/// The widest line of a shared rule in the key.
const KEY_RULE_WIDTH: i32 = 520;

/// Where the key's parts go, under the bands.
struct Key {
    top: i32,
    /// The baseline of the line about connectors, when the flow is wrapped.
    connectors: Option<i32>,
    /// The left edge and the baseline of the heading over the shared rules.
    rules_left: i32,
    rules_heading: i32,
    /// Each shared rule: its left edge, the baseline of its first line, its lines.
    rules: Vec<(i32, i32, Vec<String>)>,
    /// The baseline of the comparison's line, when the drawing is a comparison.
    comparison: Option<i32>,
    bottom: i32,
}

impl Key {
    fn plan(markers: &Markers, layout: &Layout, width: i32, compared: bool) -> Key {
        let top = layout.height + 12;
        // The row of shapes, then the line about lanes at `top + 64` (see `legend`).
        let mut last = top + 64;
        let connectors = (!layout.connectors.is_empty()).then(|| {
            last += KEY_LINE + 4;
            last
        });
        let blocks: Vec<(i32, Vec<String>)> = markers
            .rules
            .iter()
            .map(|rule| {
                let lines: Vec<String> = rule
                    .iter()
                    .flat_map(|line| wrap_to(line, KEY_RULE_WIDTH, 11, false))
                    .collect();
                let longest = lines.iter().map(|l| text_width(l, 11, false)).max();
                (34 + longest.unwrap_or(0) + 28, lines)
            })
            .collect();
        // The rules go right of the shapes when the drawing is wide enough, else under them.
        let beside = KEY_WIDTH - 20;
        let widest = blocks.iter().map(|b| b.0).max().unwrap_or(0);
        let (left, mut y) = if beside + widest <= width - MARGIN {
            (beside, top + 12)
        } else {
            (24, last + KEY_LINE + 8)
        };
        let rules_heading = y;
        let mut rules = Vec::new();
        if !blocks.is_empty() {
            let mut x = left;
            let mut row = y + KEY_LINE;
            let mut row_lines = 0;
            for (block, lines) in blocks {
                if x > left && x + block > width - MARGIN {
                    x = left;
                    row += row_lines * KEY_LINE + 6;
                    row_lines = 0;
                }
                row_lines = row_lines.max(lines.len() as i32);
                rules.push((x, row, lines));
                x += block;
            }
            y = row + (row_lines - 1) * KEY_LINE;
            last = last.max(y);
        }
        let comparison = compared.then(|| {
            last += 24;
            last
        });
        Key {
            top,
            connectors,
            rules_left: left,
            rules_heading,
            rules,
            comparison,
            bottom: last + 10,
        }
    }
}

impl Drawing {
    fn new(chart: &Chart, compared: bool) -> Drawing {
        let markers = Markers::of(chart);
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
                // An earlier line of the same kind into the same box, with the same words.
                let same_label = link.label.as_ref().and_then(|label| {
                    chart.links[..index].iter().position(|other| {
                        other.to == link.to
                            && other.kind == link.kind
                            && other.label.as_ref() == Some(label)
                    })
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
            let key = Key::plan(&markers, layout, width, compared);
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
        let key = Key::plan(&markers, &layout, width, compared);
        Drawing {
            sizes,
            edges,
            markers,
            layout,
            key,
            width,
        }
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
        if !matches!(shape, Some(Shape::Fork | Shape::Join)) {
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

    /// The key's lines that depend on the drawing: connectors, and the shared rules of who
    /// does a step.
    fn key_extras(&self, out: &mut String) {
        if let Some(y) = self.key.connectors {
            let _ = writeln!(
                out,
                "  <g id=\"connector-key\" font-size=\"11\" fill=\"#1b2733\">"
            );
            connector_circle(
                out,
                Rect {
                    x: 26,
                    y: y - 4 - CONNECTOR / 2,
                    width: CONNECTOR,
                    height: CONNECTOR,
                },
                "A",
            );
            let _ = writeln!(
                out,
                "    <text x=\"58\" y=\"{y}\">The flow is wrapped into bands, each with every lane: a line that runs into a lettered circle goes on from the circle with the same letter.</text>"
            );
            let _ = writeln!(out, "  </g>");
        }
        if self.key.rules.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "  <g id=\"who-key\" font-size=\"11\" fill=\"#1b2733\">"
        );
        let _ = writeln!(
            out,
            "    <text x=\"{}\" y=\"{}\" font-weight=\"bold\">Who does the steps marked {} (the lane shows the first role named):</text>",
            self.key.rules_left,
            self.key.rules_heading,
            marker_names(self.key.rules.len())
        );
        for (rule, (x, y, lines)) in self.key.rules.iter().enumerate() {
            let _ = writeln!(
                out,
                "    <text x=\"{x}\" y=\"{y}\" font-size=\"12\" font-weight=\"bold\">{}</text>",
                marker_name(rule)
            );
            for (n, line) in lines.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "    <text x=\"{}\" y=\"{}\">{}</text>",
                    x + 34,
                    y + n as i32 * KEY_LINE,
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

    fn node(&self, out: &mut String, node: &Node, marker: Option<usize>, rect: Rect, port: i32) {
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
                text_lines(out, x + width / 2, y + PADDING_Y, &title, &details);
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

/// The key to the shapes and lines, in a row under the lanes.
fn legend(out: &mut String, top: i32) {
    let _ = writeln!(out, "  <g id=\"legend\" font-size=\"11\" fill=\"#1b2733\">");
    let _ = writeln!(
        out,
        "    <text x=\"24\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">Key</text>",
        top + 12
    );
    let y = top + 18;
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
        y + 46
    );
    let _ = writeln!(out, "  </g>");
}

#[cfg(test)]
mod tests {
    use super::{marker_names, text_width};

    #[test]
    fn the_key_names_the_markers_it_lists() {
        assert_eq!(marker_names(1), "R1");
        assert_eq!(marker_names(2), "R1 and R2");
        assert_eq!(marker_names(3), "R1, R2 and R3");
        assert_eq!(marker_names(6), "R1 to R6");
    }

    #[test]
    fn bold_text_measures_wider() {
        assert!(text_width("Referral", 13, true) > text_width("Referral", 13, false));
        assert_eq!(text_width("", 13, true), 0);
    }
}
