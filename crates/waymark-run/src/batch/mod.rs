//! Running many cases: a block of JSON Lines, or cases already read from CSV, on every core,
//! rendered in input order (the same bytes whatever the number of threads). `stream.rs` runs
//! a whole file with reading, running and writing overlapped.

mod buffers;
mod ids;
mod lines;
pub mod stream;

pub(crate) use buffers::Buffers;
pub(crate) use lines::count_line_breaks;
pub use lines::for_each_stretch;

use crate::case::{BadCase, Case};
use crate::plan::Plan;
use crate::render::{Format, Printer, Summary, bad_case_lines};
use crate::replay::{Reading, run_case_with};
use crate::report::CaseResult;
use crate::{parse_json_bytes, recycle};
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
    /// How many lines the block held, blank ones included.
    pub lines: usize,
    /// Each case's id (hashed) and line, in input order, to find ids that repeat.
    pub(crate) ids: Vec<(u64, usize)>,
}

/// How to run and print a batch.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub as_of: NaiveDate,
    pub format: Format,
    /// Only count (for `--summary`): nothing is rendered.
    pub summary_only: bool,
    /// Every record counted (the default), or `--strict`.
    pub reading: Reading,
}

impl RunOptions {
    /// Whether the batch's summary needs each step's counts: only a summary or a table prints
    /// them. (Without them a summary still counts cases, states, deviations and fit.)
    pub fn counts_steps(&self) -> bool {
        self.summary_only || matches!(self.format, Format::Table { .. })
    }

    fn run(&self, plan: &Plan, case: Result<Case, BadCase>) -> CaseResult {
        match case {
            Ok(case) => CaseResult::Ran(run_case_with(plan, case, self.as_of, self.reading)),
            Err(bad) => CaseResult::Bad(bad),
        }
    }
}

/// Cases per parallel task, for cases already read: enough to make a task worth handing over.
const CASES_PER_TASK: usize = 64;

/// Runs every case of a block of JSON Lines. `first_line` is the 1-based number of the block's
/// first line in its file, so problems name the right line. Blank lines are skipped; a line
/// that is not UTF-8 is a bad case.
pub fn run_batch(plan: &Plan, options: RunOptions, first_line: usize, text: &[u8]) -> Batch {
    let printer = Printer::new(plan);
    let (parts, lines) = for_each_stretch(first_line, text, |lines, size| {
        let out = String::with_capacity(size * 3);
        let outcomes =
            lines.map(|(line, bytes)| options.run(plan, parse_json_bytes(plan, line, bytes)));
        run_each(&printer, options, out, outcomes)
    });
    join(plan, parts, lines)
}

/// Runs cases already read (from CSV), in parallel, rendering each in order.
pub fn run_cases(plan: &Plan, options: RunOptions, cases: Vec<Result<Case, BadCase>>) -> Batch {
    let printer = Printer::new(plan);
    let parts: Vec<Batch> = cases
        .into_par_iter()
        .chunks(CASES_PER_TASK)
        .map(|chunk| {
            let out = String::with_capacity(chunk.len() * 2048);
            let outcomes = chunk.into_iter().map(|case| options.run(plan, case));
            run_each(&printer, options, out, outcomes)
        })
        .collect();
    join(plan, parts, 0)
}

fn run_each(
    printer: &Printer,
    options: RunOptions,
    mut out: String,
    outcomes: impl Iterator<Item = CaseResult>,
) -> Batch {
    let mut batch = Batch {
        output: Vec::new(),
        summary: Summary::new(printer.plan),
        problems: Vec::new(),
        lines: 0,
        ids: Vec::new(),
    };
    for outcome in outcomes {
        batch.summary.add_counting(&outcome, options.counts_steps());
        match &outcome {
            CaseResult::Ran(report) => batch
                .ids
                .push((ids::id_hash(&report.case.id), report.case.line)),
            CaseResult::Bad(bad) => {
                if let Some(id) = &bad.id {
                    batch.ids.push((ids::id_hash(id), bad.line));
                }
            }
        }
        if let CaseResult::Bad(bad) = &outcome {
            batch.problems.extend(bad_case_lines(bad));
        }
        if !options.summary_only {
            printer.render(&outcome, options.format, options.as_of, &mut out);
        }
        if let CaseResult::Ran(report) = outcome {
            recycle(report);
        }
    }
    batch.output.push(out);
    batch
}

fn join(plan: &Plan, parts: Vec<Batch>, lines: usize) -> Batch {
    let mut whole = Batch {
        output: Vec::with_capacity(parts.len()),
        summary: Summary::new(plan),
        problems: Vec::new(),
        lines,
        ids: Vec::new(),
    };
    for part in parts {
        whole.output.extend(part.output);
        whole.ids.extend(part.ids);
        whole.summary.merge(&part.summary);
        whole.problems.extend(part.problems);
    }
    whole
}
