//! Procedure model to flowcharts: Mermaid, Graphviz DOT, SVG and BPMN 2.0, with roles as swimlanes.
//!
//! Start from [`export`]: it takes a compiled [`Procedure`] and a [`Format`] and returns the
//! whole drawing as text. Every format is drawn from one [`chart`] (nodes, lanes and links with
//! their words already chosen), so a deadline reads the same in every picture. The SVG and the
//! BPMN diagram share the layered layout in [`layout`]. Like every stage but the CLI, this crate
//! does no IO, and the same procedure always gives the same bytes.

pub mod bpmn;
pub mod chart;
pub mod dot;
pub mod layout;
pub mod mermaid;
pub mod svg;
mod text;
pub mod used;

use waymark_compile::Procedure;

/// The formats Waymark draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// A Mermaid flowchart, for Markdown pages and wikis.
    Mermaid,
    /// A Graphviz DOT graph, for `dot -Tpng`.
    Dot,
    /// A finished SVG picture, laid out by Waymark.
    Svg,
    /// A BPMN 2.0 XML model with its diagram, for BPMN tools.
    Bpmn,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 4] = [Format::Mermaid, Format::Dot, Format::Svg, Format::Bpmn];

    /// Whether Waymark lays the drawing out itself (SVG and BPMN share the layered layout),
    /// rather than leaving it to the tool that reads it.
    pub fn is_laid_out(self) -> bool {
        matches!(self, Format::Svg | Format::Bpmn)
    }

    /// The usual file extension for the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Bpmn => "bpmn",
        }
    }
}

pub use chart::Comparison;

/// How a procedure brought in by `use` is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Used {
    /// Step by step in an SVG that still prints legibly on an A3 sheet (text of 6 pt or more),
    /// else as one box each; step by step in the other formats.
    #[default]
    Auto,
    /// Step by step, joined into the procedure that uses them.
    Inline,
    /// Each used procedure as one box that stands for it (see [`used`]). BPMN cannot: its
    /// process must run, and a box is not a step a case can be at.
    Boxed,
}

/// Draws the procedure in the format, coloured by how it differs from an earlier version.
/// Comparisons are drawn as SVG or Mermaid; for the other formats this gives `None`.
pub fn export_compared(
    procedure: &Procedure,
    comparison: &Comparison,
    format: Format,
) -> Option<String> {
    export_compared_with(procedure, comparison, format, Used::Auto)
}

/// [`export_compared`], with the used procedures drawn as `used` says. A used procedure's box
/// is outlined as added when all its steps are new, and as changed when any of them changed.
pub fn export_compared_with(
    procedure: &Procedure,
    comparison: &Comparison,
    format: Format,
    used: Used,
) -> Option<String> {
    match format {
        Format::Mermaid => Some(mermaid::to_mermaid_compared(
            procedure,
            comparison,
            used == Used::Boxed,
        )),
        Format::Svg => Some(svg::to_svg_drawn(procedure, Some(comparison), used)),
        Format::Dot | Format::Bpmn => None,
    }
}

/// Draws the procedure in the format, its used procedures as `used` says; `None` when the
/// format cannot draw them that way (BPMN as boxes).
pub fn export_with(procedure: &Procedure, format: Format, used: Used) -> Option<String> {
    let boxed = used == Used::Boxed;
    match format {
        Format::Mermaid => Some(mermaid::to_mermaid_drawn(procedure, boxed)),
        Format::Dot => Some(dot::to_dot_drawn(procedure, boxed)),
        Format::Svg => Some(svg::to_svg_drawn(procedure, None, used)),
        Format::Bpmn if boxed => None,
        Format::Bpmn => Some(bpmn::to_bpmn(procedure)),
    }
}

/// How deep together blocks may nest in a drawing Waymark lays out itself (WM0217). The
/// layered layout gives a line a point in every column it crosses, and the outer pieces of
/// nested blocks cross every column of the blocks inside them: depth x depth points, so 1,000
/// deep takes 4 s and 160 MB (debug build) and 10,000 deep would take gigabytes. Real
/// procedures nest two or three deep, and a drawing 500 blocks deep is already 1,000 columns
/// wide. Mermaid and DOT leave the layout to their tools and take any depth.
pub const DEEPEST_LAID_OUT: usize = 500;

/// Draws the procedure in the format, its used procedures as [`Used::Auto`] says.
pub fn export(procedure: &Procedure, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::to_mermaid(procedure),
        Format::Dot => dot::to_dot(procedure),
        Format::Svg => svg::to_svg(procedure),
        Format::Bpmn => bpmn::to_bpmn(procedure),
    }
}
