//! SVG.

use waymark_compile::Procedure;

pub fn to_svg(procedure: &Procedure) -> String {
    procedure.id.clone()
}
