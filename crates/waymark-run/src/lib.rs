//! Procedure model plus case data to step statuses: due dates, met, late, pending, overdue, where each case stands.
//!
//! The interpreter sits after `waymark-compile`: it takes the compiled `Procedure` and a
//! calendar, builds a [`Plan`] once, then runs cases against it. Start from [`run_batch`],
//! which takes a block of JSON Lines text and gives the rendered output of every case in input
//! order (in parallel, the same bytes whatever the number of threads), or from
//! [`parse_json_line`] and [`run_case`] for one case; [`stream::run_json_lines`] runs a whole
//! file, reading, running and writing at once. CSV input is read by [`csv`]. Like every stage
//! but the CLI, this crate opens no files, prints nothing and never reads the clock: readers and
//! writers are handed to it, and the as-of date is always given.

pub mod case;
pub mod csv;
pub mod due;
pub mod explain;
pub mod generate;
mod interpret;
mod json;
mod plan;
pub mod render;
pub mod report;
pub mod stream;
mod summary;
mod translate;

pub use case::{
    BadCase, Case, Event, InputFile, Problem, When, parse_json_bytes, parse_json_for_each,
    parse_json_line,
};
pub use due::Due;
pub use interpret::{recycle, run_case};
pub use plan::Plan;
pub use render::{Format, render};
pub use report::{CaseReport, Left, Outcome, Row, State, Status, Warning};
pub use summary::{StepSummary, Summary};
pub use translate::Translation;

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
}

/// How to run and print a batch.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub as_of: NaiveDate,
    pub format: Format,
    /// Only count (for `--summary`): nothing is rendered.
    pub summary_only: bool,
}

/// Cases per parallel task, for cases already read: enough to make a task worth handing over.
const CASES_PER_TASK: usize = 64;

/// Runs every case of a block of JSON Lines. `first_line` is the 1-based number of the block's
/// first line in its file, so problems name the right line. Blank lines are skipped; a line
/// that is not UTF-8 is a bad case.
pub fn run_batch(plan: &Plan, options: RunOptions, first_line: usize, text: &[u8]) -> Batch {
    run_batch_reusing(plan, options, first_line, text, None)
}

/// [`run_batch`], rendering into buffers handed back by whoever wrote earlier output.
pub(crate) fn run_batch_reusing(
    plan: &Plan,
    options: RunOptions,
    first_line: usize,
    text: &[u8],
    buffers: Option<&Buffers>,
) -> Batch {
    let (parts, lines) = for_each_stretch(first_line, text, |lines, size| {
        let out = match buffers {
            Some(buffers) => buffers.take(size * 3),
            None => String::with_capacity(size * 3),
        };
        run_each(
            plan,
            options,
            out,
            lines.map(
                |(line, bytes)| match case::parse_json_bytes(plan, line, bytes) {
                    Ok(case) => Outcome::Ran(Box::new(run_case(plan, case, options.as_of))),
                    Err(bad) => Outcome::Bad(bad),
                },
            ),
        )
    });
    join(plan, parts, lines)
}

/// Runs `work` on every core over a block of JSON Lines, cut into stretches of whole lines,
/// and gives its results in input order with the number of lines in the block. `work` gets
/// a stretch's non-blank lines with their 1-based numbers, and the stretch's size in bytes.
///
/// Even finding the line breaks is shared between the cores: one pass counts each stretch's
/// lines (for line numbers), the next does the work. Both keep input order.
pub fn for_each_stretch<R: Send>(
    first_line: usize,
    text: &[u8],
    work: impl Fn(&mut dyn Iterator<Item = (usize, &[u8])>, usize) -> R + Sync,
) -> (Vec<R>, usize) {
    let stretches = stretches(text, BYTES_PER_TASK);
    let counts: Vec<usize> = stretches
        .par_iter()
        .map(|&(start, end)| count_line_breaks(&text[start..end]))
        .collect();
    let lines = counts.iter().sum::<usize>() + 1;
    let mut firsts = Vec::with_capacity(stretches.len());
    let mut line = first_line;
    for count in &counts {
        firsts.push(line);
        line += count;
    }
    let results = stretches
        .par_iter()
        .zip(firsts)
        .map(|(&(start, end), first)| {
            let mut lines = Lines {
                text: &text[start..end],
                at: 0,
                line: first,
            }
            .filter(|(_, line)| !line.trim_ascii().is_empty());
            work(&mut lines, end - start)
        })
        .collect();
    (results, lines)
}

/// Bytes of input per parallel task: a few dozen cases.
const BYTES_PER_TASK: usize = 64 << 10;

/// Cuts `text` into stretches of about `size` bytes that end just after a line break (the last
/// one ends with the text).
fn stretches(text: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut stretches = Vec::with_capacity(text.len() / size + 1);
    let mut start = 0;
    while start < text.len() {
        let end = match next_line_break(text, (start + size).min(text.len())) {
            Some(at) => at + 1,
            None => text.len(),
        };
        stretches.push((start, end));
        start = end;
    }
    stretches
}

/// The lines of a stretch with their numbers, without their line breaks (or a `\r` before one).
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.text.len() {
            return None;
        }
        let end = next_line_break(self.text, self.at).unwrap_or(self.text.len());
        let line = &self.text[self.at..end];
        self.at = end + 1;
        let number = self.line;
        self.line += 1;
        Some((number, line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

/// How many `\n` bytes `text` holds, eight bytes at a time: each byte of a running total
/// counts the line breaks seen in its lane, for up to 255 words (so no lane overflows), then
/// the lanes are added up. (A plain filter-and-count took half again as many instructions, and
/// `count_ones` per word is slow without the POPCNT instruction, which the default target
/// does not assume.)
pub(crate) fn count_line_breaks(text: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const EVEN_BYTES: u64 = 0x00ff_00ff_00ff_00ff;
    let mut count = 0;
    let mut groups = text.chunks_exact(8 * 255);
    for group in &mut groups {
        let mut lanes = 0u64;
        for chunk in group.chunks_exact(8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word) ^ (u64::from(b'\n') * ONES);
            // The high bit of each lane is set exactly when that byte of `x` is zero.
            lanes += !(((x & LOWS) + LOWS) | x | LOWS) >> 7;
        }
        // Eight byte lanes of at most 255 into four 16-bit lanes, then their sum.
        let pairs = (lanes & EVEN_BYTES) + ((lanes >> 8) & EVEN_BYTES);
        count += (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
    }
    count
        + groups
            .remainder()
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
}

/// The first `\n` at or after `from`, eight bytes at a time.
fn next_line_break(text: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let rest = text.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let hits = v.wrapping_sub(ONES) & !v & HIGHS;
        if hits != 0 {
            return Some(offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&byte| byte == b'\n')
        .map(|i| offset + i)
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
                String::with_capacity(chunk.len() * 2048),
                chunk.into_iter().map(|case| match case {
                    Ok(case) => Outcome::Ran(Box::new(run_case(plan, case, options.as_of))),
                    Err(bad) => Outcome::Bad(bad),
                }),
            )
        })
        .collect();
    join(plan, parts, 0)
}

/// Output text already written, to be filled again: a long run then keeps reusing the same
/// memory instead of asking the system for fresh pages for every block.
#[derive(Default)]
pub(crate) struct Buffers(std::sync::Mutex<Vec<String>>);

impl Buffers {
    fn take(&self, capacity: usize) -> String {
        let spare = self.0.lock().ok().and_then(|mut spares| spares.pop());
        let mut out = spare.unwrap_or_default();
        out.clear();
        out.reserve(capacity);
        out
    }

    pub(crate) fn give_back(&self, text: String) {
        if let Ok(mut spares) = self.0.lock()
            && spares.len() < 64
        {
            spares.push(text);
        }
    }
}

fn run_each(
    plan: &Plan,
    options: RunOptions,
    mut out: String,
    outcomes: impl Iterator<Item = Outcome>,
) -> Batch {
    let mut batch = Batch {
        output: Vec::new(),
        summary: Summary::new(plan),
        problems: Vec::new(),
        lines: 0,
    };
    for outcome in outcomes {
        batch.summary.add(&outcome);
        if let Outcome::Bad(bad) = &outcome {
            batch.problems.extend(render::bad_case_lines(bad));
        }
        if !options.summary_only {
            render(plan, &outcome, options.format, options.as_of, &mut out);
        }
        if let Outcome::Ran(report) = outcome {
            interpret::recycle(*report);
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
    };
    for part in parts {
        whole.output.extend(part.output);
        whole.summary.merge(&part.summary);
        whole.problems.extend(part.problems);
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_counted_exactly_even_when_dense() {
        for length in [0, 7, 8, 2039, 2040, 2041, 4080, 10_000] {
            let all = vec![b'\n'; length];
            assert_eq!(count_line_breaks(&all), length);
            let every_other: Vec<u8> = (0..length)
                .map(|i| if i % 2 == 0 { b'\n' } else { b'x' })
                .collect();
            assert_eq!(count_line_breaks(&every_other), length.div_ceil(2));
        }
    }

    #[test]
    fn line_breaks_are_counted_exactly() {
        let mut text: Vec<u8> = (0..=255).collect();
        text.extend(b"\n\n\x0b\x09\n\x8a\nabc\n");
        for start in 0..text.len() {
            for end in start..text.len() {
                let plain = text[start..end].iter().filter(|b| **b == b'\n').count();
                assert_eq!(count_line_breaks(&text[start..end]), plain);
            }
        }
    }

    #[test]
    fn stretches_end_at_line_breaks_and_lines_keep_their_numbers() {
        let text = b"a\nbb\r\n\nccc\ndddd";
        for size in 1..text.len() + 2 {
            let parts = stretches(text, size);
            let joined: Vec<u8> = parts
                .iter()
                .flat_map(|&(s, e)| text[s..e].to_vec())
                .collect();
            assert_eq!(joined, text.to_vec());
            let mut first = 1;
            let mut lines = Vec::new();
            for &(start, end) in &parts {
                lines.extend(Lines {
                    text: &text[start..end],
                    at: 0,
                    line: first,
                });
                first += count_line_breaks(&text[start..end]);
            }
            let expected: Vec<(usize, &[u8])> =
                vec![(1, b"a"), (2, b"bb"), (3, b""), (4, b"ccc"), (5, b"dddd")];
            assert_eq!(lines, expected, "size {size}");
        }
        for from in 0..text.len() {
            let plain = text[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| i + from);
            assert_eq!(next_line_break(text, from), plain);
        }
    }
}
