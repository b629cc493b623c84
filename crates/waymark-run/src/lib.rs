//! Procedure model plus case data to step statuses: due dates, met, late, pending, overdue, where each case stands.
//!
//! The interpreter sits after `waymark-compile`: it takes the compiled [`Procedure`] and a
//! calendar, builds a [`Plan`] once, then runs cases against it. Start from [`run_batch`],
//! which takes a block of JSON Lines text and gives the rendered output of every case in input
//! order (in parallel, the same bytes whatever the number of threads), or from
//! [`parse_json_line`] and [`run_case`] for one case. CSV input is read by [`csv`]. Like every
//! stage but the CLI, this crate does no IO, prints nothing and never reads the clock: the
//! as-of date is always given.

pub mod case;
pub mod csv;
pub mod due;
pub mod explain;
pub mod generate;
mod interpret;
mod plan;
pub mod render;
pub mod report;
mod summary;

pub use case::{BadCase, Case, Event, InputFile, Problem, When, parse_json_line};
pub use due::Due;
pub use interpret::run_case;
pub use plan::Plan;
pub use render::{Format, render};
pub use report::{CaseReport, Left, Outcome, Row, State, Status, Warning};
pub use summary::{StepSummary, Summary};

use chrono::NaiveDate;
use rayon::prelude::*;

/// What a batch of cases gave: the rendered text in input order (in parts, one per parallel
/// task, to be written one after the other), the counts, and a line for standard error per
/// problem with a bad case.
#[derive(Debug)]
pub struct Batch {
    pub output: Vec<String>,
    pub summary: Summary,
    pub problems: Vec<String>,
}

/// How to run and print a batch.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub as_of: NaiveDate,
    pub format: Format,
    /// Only count (for `--summary`): nothing is rendered.
    pub summary_only: bool,
}

/// Cases per parallel task: enough to make a task worth handing to another thread.
const CASES_PER_TASK: usize = 256;

/// Runs every case of a block of JSON Lines. `first_line` is the 1-based number of the block's
/// first line in its file, so problems name the right line. Blank lines are skipped; a line
/// that is not UTF-8 is a bad case.
pub fn run_batch(plan: &Plan, options: RunOptions, first_line: usize, text: &[u8]) -> Batch {
    let lines: Vec<(usize, &[u8])> = text
        .split(|byte| *byte == b'\n')
        .enumerate()
        .map(|(index, line)| (first_line + index, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.trim_ascii().is_empty())
        .collect();
    let parts: Vec<Batch> = lines
        .par_chunks(CASES_PER_TASK)
        .map(|chunk| {
            run_each(
                plan,
                options,
                chunk.iter().map(|(line, bytes)| {
                    match case::parse_json_bytes(plan, *line, bytes) {
                        Ok(case) => Outcome::Ran(Box::new(run_case(plan, case, options.as_of))),
                        Err(bad) => Outcome::Bad(bad),
                    }
                }),
            )
        })
        .collect();
    join(plan, parts)
}

/// Runs cases already read (from CSV), in parallel, rendering each in order.
pub fn run_cases(plan: &Plan, options: RunOptions, cases: Vec<Result<Case, BadCase>>) -> Batch {
    let parts: Vec<Batch> = cases
        .into_par_iter()
        .chunks(CASES_PER_TASK)
        .map(|chunk| {
            run_each(
                plan,
                options,
                chunk.into_iter().map(|case| match case {
                    Ok(case) => Outcome::Ran(Box::new(run_case(plan, case, options.as_of))),
                    Err(bad) => Outcome::Bad(bad),
                }),
            )
        })
        .collect();
    join(plan, parts)
}

fn run_each(plan: &Plan, options: RunOptions, outcomes: impl Iterator<Item = Outcome>) -> Batch {
    let mut out = String::new();
    let mut batch = Batch {
        output: Vec::new(),
        summary: Summary::new(plan),
        problems: Vec::new(),
    };
    for outcome in outcomes {
        batch.summary.add(&outcome);
        if let Outcome::Bad(bad) = &outcome {
            batch.problems.extend(render::bad_case_lines(bad));
        }
        if !options.summary_only {
            render(plan, &outcome, options.format, options.as_of, &mut out);
        }
    }
    batch.output.push(out);
    batch
}

fn join(plan: &Plan, parts: Vec<Batch>) -> Batch {
    let mut whole = Batch {
        output: Vec::with_capacity(parts.len()),
        summary: Summary::new(plan),
        problems: Vec::new(),
    };
    for part in parts {
        whole.output.extend(part.output);
        whole.summary.merge(&part.summary);
        whole.problems.extend(part.problems);
    }
    whole
}
