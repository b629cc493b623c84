//! The checks the tests run on every finished layout: no two boxes overlap and no line passes
//! through a box.
#![allow(
    clippy::indexing_slicing,
    reason = "node, edge, lane, column and band indexes are made by this layout for lists it sized to match them"
)]

use super::{EdgeSpec, Layout, Point, Rect};

/// Problems with a layout: overlapping boxes (connectors' circles count as boxes), and line
/// segments that pass through a box other than the two they join. Empty when the layout is
/// sound. Used by the tests.
pub fn problems(layout: &Layout, edges: &[EdgeSpec]) -> Vec<String> {
    let mut found = Vec::new();
    let mut named: Vec<(String, Rect)> = layout
        .boxes
        .iter()
        .enumerate()
        .map(|(node, rect)| (format!("box {node}"), *rect))
        .collect();
    for connector in &layout.connectors {
        let edge = connector.edge;
        named.push((
            format!("the connector edge {edge} leaves by"),
            connector.leave,
        ));
        named.push((
            format!("the connector edge {edge} arrives by"),
            connector.arrive,
        ));
    }
    for (i, (a_name, a)) in named.iter().enumerate() {
        for (b_name, b) in named.iter().skip(i + 1) {
            if a.overlaps(b) {
                found.push(format!("{a_name} and {b_name} overlap: {a:?} {b:?}"));
            }
        }
    }
    let mut pieces: Vec<(usize, &[Point], Rect, Rect)> = Vec::new();
    for (index, (path, edge)) in layout.edges.iter().zip(edges).enumerate() {
        let (Some(from), Some(to)) = (layout.boxes.get(edge.from), layout.boxes.get(edge.to))
        else {
            continue;
        };
        match layout.connectors.iter().find(|c| c.edge == index) {
            Some(connector) => {
                pieces.push((index, path, *from, connector.leave));
                pieces.push((index, &connector.path, connector.arrive, *to));
            }
            None => pieces.push((index, path, *from, *to)),
        }
    }
    for (index, path, from, to) in pieces {
        for pair in path.windows(2) {
            for (name, rect) in &named {
                if *rect == from || *rect == to {
                    continue;
                }
                if segment_crosses(pair[0], pair[1], rect) {
                    let edge = &edges[index];
                    found.push(format!(
                        "edge {index} ({} -> {}) passes through {name}",
                        edge.from, edge.to
                    ));
                }
            }
        }
    }
    found
}

/// Whether an axis-parallel segment passes through the inside of a rectangle.
pub(super) fn segment_crosses(a: Point, b: Point, rect: &Rect) -> bool {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    x0 < rect.right() && rect.x < x1.max(x0 + 1) && y0 < rect.bottom() && rect.y < y1.max(y0 + 1)
}
