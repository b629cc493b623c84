//! What a drawing compared with an earlier version adds: a coloured outline and a tag round each
//! added, changed or removed step, room for them in the layout, and the key's line saying which
//! colour is which.

use super::measure::text_width;
use crate::chart::{Comparison, Mark, Node};
use crate::layout::Rect;
use crate::text::xml_escape;
use std::fmt::Write;

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
pub(super) fn mark_room(node: &Node) -> (i32, i32) {
    if mark_style(node.mark).is_some() {
        (MARK_SIDE, MARK_TOP)
    } else {
        (0, 0)
    }
}

/// The box a node is drawn in, inside the room the layout gave it and its mark, and its port
/// measured from the box's top.
pub(super) fn drawn_box(node: &Node, placed: Rect, port: i32) -> (Rect, i32) {
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
pub(super) fn mark_outline(out: &mut String, node: &Node, rect: Rect) {
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
pub(super) fn comparison_key(out: &mut String, comparison: &Comparison, y: i32) {
    let heading = format!("{}:", comparison.heading());
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
