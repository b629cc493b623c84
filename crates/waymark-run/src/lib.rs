//! Procedure model plus case records to step statuses: due dates, met, late, pending, overdue, not recorded, and how the records deviate from the procedure.
//!
//! The crate is built in layers; each uses only those above it in this list:
//! 1. data: [`case`] (a case's facts and records), [`due`], [`report`] (what a replay gives),
//!    and `scratch` (lists reused from case to case);
//! 2. [`plan`]: the procedure prepared once for many cases (names, the order of its steps);
//! 3. [`read`]: case data from JSON Lines or CSV, checked against the procedure;
//! 4. [`replay`]: one case's records against the procedure (start at [`run_case`]);
//! 5. [`render`](mod@render): reports as JSON Lines, CSV, a table, an explanation, a summary;
//! 6. [`batch`]: many cases on every core, and a whole file streamed.
//!
//! [`generate`] makes seeded caseloads for tests and benches. Like every stage but the CLI,
//! this crate opens no files, prints nothing and never reads the clock: readers and writers
//! are handed to it, and the as-of date is always given.

pub mod case;
pub mod due;
pub mod report;
mod scratch;

pub mod plan;

pub mod read;

pub mod replay;

pub mod render;

pub mod batch;

pub mod generate;

pub use batch::{Batch, RunOptions, for_each_stretch, run_batch, run_cases, stream};
pub use case::{BadCase, Case, Event, InputFile, Problem, When};
pub use due::Due;
pub use plan::Plan;
pub use read::{
    EventFields, Translation, check_fields, csv, parse_json_bytes, parse_json_for_each,
    parse_json_line,
};
pub use render::{Format, StepSummary, Summary, explain, render};
pub use replay::{Reading, run_case, run_case_with};
pub use report::{
    CaseReport, CaseResult, Deviation, DeviationKind, Extended, Left, Row, State, Status, Warning,
};
pub use scratch::recycle;

/// The shipped assessment procedure, compiled: for tests that check a reader against the
/// names and records of a real procedure.
#[cfg(test)]
pub(crate) fn shipped_assessment() -> waymark_compile::Procedure {
    let source = include_str!("../../../procedures/assessment.wm");
    let parsed = waymark_syntax::parse(waymark_diagnostics::FileId(0), source);
    let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
    compiled.procedure.expect("the shipped procedure compiles")
}
