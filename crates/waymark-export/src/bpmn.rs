//! BPMN.

use waymark_compile::Procedure;

pub fn to_bpmn(procedure: &Procedure) -> String {
    procedure.id.clone()
}
