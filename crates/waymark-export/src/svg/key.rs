//! The key under the drawing: the shapes and what they mean, the line about connectors when
//! the flow is wrapped, and the shared rules of who does a step, each written once under its
//! marker (R1, R2, ...).

use super::measure::{text_width, wrap_to};
use super::{CONNECTOR, Drawing, KEY_LINE, MARGIN, connector_circle};
use crate::chart::Chart;
use crate::layout::{Layout, Rect};
use crate::text::xml_escape;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Who-does-it rules that several steps share. Each is written once, in the key, and the
/// boxes carry its marker ("R1"), so six boxes do not each repeat three lines of roles.
pub(super) struct Markers {
    /// Per node, the index of its rule.
    pub(super) of_node: Vec<Option<usize>>,
    /// Each shared rule's lines ("by Family Practitioner when threshold is level2", ...), in
    /// the order the boxes first use them.
    pub(super) rules: Vec<Vec<String>>,
    /// The steps marked [`SIGN_OFF`] and their sign-offs ("Initial Child Protection Conference:
    /// approved by Social Work Manager"), in the order of the boxes.
    pub(super) signoffs: Vec<String>,
}

/// The mark after the title of a step that needs a sign-off by another role; the key names
/// the role. (A line of its own in the box would make every lane it sits in taller.)
pub(super) const SIGN_OFF: &str = "\u{2714}";

impl Markers {
    pub(super) fn of(chart: &Chart) -> Markers {
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
        let signoffs = chart
            .nodes
            .iter()
            .filter_map(|node| Some(format!("{}: {}", node.title, node.approval.as_ref()?)))
            .collect();
        Markers {
            of_node,
            rules,
            signoffs,
        }
    }
}

pub(super) fn marker_name(rule: usize) -> String {
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

/// The drawing is never narrower than the key's row of shapes.
pub(super) const KEY_WIDTH: i32 = 1050;
/// The widest line of a shared rule in the key.
const KEY_RULE_WIDTH: i32 = 520;

/// Where the key's parts go, under the bands.
pub(super) struct Key {
    pub(super) top: i32,
    /// The baseline of the line about connectors, when the flow is wrapped.
    pub(super) connectors: Option<i32>,
    /// The baseline of the line about used procedures drawn as boxes, when there are some.
    pub(super) used: Option<i32>,
    /// The left edge and the baseline of the heading over the shared rules.
    pub(super) rules_left: i32,
    pub(super) rules_heading: i32,
    /// Each shared rule: its left edge, the baseline of its first line, its lines.
    pub(super) rules: Vec<(i32, i32, Vec<String>)>,
    /// The sign-offs, placed like a rule: left edge, first baseline, lines.
    pub(super) signoffs: Option<(i32, i32, Vec<String>)>,
    /// The baseline of the comparison's line, when the drawing is a comparison.
    pub(super) comparison: Option<i32>,
    pub(super) bottom: i32,
}

impl Key {
    pub(super) fn plan(
        markers: &Markers,
        layout: &Layout,
        width: i32,
        (compared, boxed): (bool, bool),
    ) -> Key {
        let top = layout.height + 12;
        // The row of shapes, then the line about lanes at `top + 64` (see `legend`).
        let mut last = top + 64;
        let connectors = (!layout.connectors.is_empty()).then(|| {
            last += KEY_LINE + 4;
            last
        });
        // Its box is as tall as a connector's circle.
        let used = boxed.then(|| {
            last += KEY_LINE + 8;
            last
        });
        let signoff_lines = (!markers.signoffs.is_empty()).then(|| {
            std::iter::once("needs a sign-off by another role:".to_string())
                .chain(markers.signoffs.iter().cloned())
                .collect::<Vec<String>>()
        });
        let blocks: Vec<(i32, Vec<String>)> = markers
            .rules
            .iter()
            .chain(&signoff_lines)
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
        let mut rules: Vec<(i32, i32, Vec<String>)> = Vec::new();
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
        // The sign-offs' block went last.
        let signoffs = match signoff_lines {
            Some(_) => rules.pop(),
            None => None,
        };
        let comparison = compared.then(|| {
            last += 24;
            last
        });
        Key {
            top,
            connectors,
            used,
            rules_left: left,
            rules_heading,
            rules,
            signoffs,
            comparison,
            bottom: last + 10,
        }
    }
}

impl Drawing {
    /// The key's lines that depend on the drawing: connectors, and the shared rules of who
    /// does a step.
    pub(super) fn key_extras(&self, out: &mut String) {
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
        if let Some(y) = self.key.used {
            used_key(out, y);
        }
        if let Some((x, y, lines)) = &self.key.signoffs {
            let _ = writeln!(
                out,
                "  <g id=\"sign-off-key\" font-size=\"11\" fill=\"#1b2733\">"
            );
            let _ = writeln!(
                out,
                "    <text x=\"{x}\" y=\"{y}\" font-size=\"12\" font-weight=\"bold\">{SIGN_OFF}</text>"
            );
            key_lines(out, *x, *y, lines);
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
            key_lines(out, *x, *y, lines);
        }
        let _ = writeln!(out, "  </g>");
    }
}

/// The key's line for used procedures drawn as boxes: a small double box and what it means.
fn used_key(out: &mut String, y: i32) {
    let _ = writeln!(
        out,
        "  <g id=\"used-key\" font-size=\"11\" fill=\"#1b2733\">"
    );
    let top = y - 4 - CONNECTOR / 2 - 2;
    let _ = writeln!(
        out,
        "    <rect x=\"24\" y=\"{top}\" width=\"26\" height=\"{}\" rx=\"5\" fill=\"#f3f6fa\" stroke=\"#33414e\" stroke-width=\"2.5\"/><rect x=\"28\" y=\"{}\" width=\"18\" height=\"{}\" rx=\"3\" fill=\"none\" stroke=\"#33414e\" stroke-width=\"1.2\"/>",
        CONNECTOR + 4,
        top + 4,
        CONNECTOR - 4
    );
    let _ = writeln!(
        out,
        "    <text x=\"58\" y=\"{y}\">A procedure this one uses, drawn as one box: a line into the box enters that procedure, and its own chart, named in the box, draws its steps in full.</text>"
    );
    let _ = writeln!(out, "  </g>");
}

/// The key to the shapes and lines, in a row under the lanes.
pub(super) fn legend(out: &mut String, top: i32) {
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

/// The lines of one entry of the key, beside its marker at (`x`, `y`).
fn key_lines(out: &mut String, x: i32, y: i32, lines: &[String]) {
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

#[cfg(test)]
mod tests {
    use super::marker_names;

    #[test]
    fn the_key_names_the_markers_it_lists() {
        assert_eq!(marker_names(1), "R1");
        assert_eq!(marker_names(2), "R1 and R2");
        assert_eq!(marker_names(3), "R1, R2 and R3");
        assert_eq!(marker_names(6), "R1 to R6");
    }
}
