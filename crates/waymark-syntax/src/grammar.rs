//! The pest parser generated from `grammar/waymark.pest`.

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/waymark.pest"]
pub struct LineParser;
