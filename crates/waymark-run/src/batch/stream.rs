//! A whole caseload of JSON Lines, streamed: reading, running and writing overlap.
//!
//! [`run_json_lines`] keeps both cores on cases. A reader thread fetches the next block of
//! whole lines and cuts it into numbered stretches; the cores run the stretches as tasks, two
//! blocks in flight, so they start on the next block while the last stretches of one finish;
//! a writer thread writes each block's output in input order. Memory stays at a few blocks
//! however large the caseload. The crate still opens no files: the caller hands over the
//! reader and the function that writes.
#![allow(
    clippy::indexing_slicing,
    reason = "offsets index the buffer they were found in, and stay within its filled length"
)]

use super::ids::SeenIds;
use super::lines::{Stretch, cut_into_stretches};
use super::{Batch, Buffers, RunOptions, join, run_each};
use crate::parse_json_bytes;
use crate::plan::Plan;
use crate::render::{Printer, Summary};
use std::collections::VecDeque;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Bytes of input per block: big enough to keep both cores busy, small enough to stay in the
/// processor's cache between being read and being run (4 MB blocks cost a tenth more time).
const BLOCK_BYTES: usize = 1 << 20;

/// Blocks handed to the cores at once. With one, both cores waited at the end of every block
/// for the last stretch to finish (and to be woken for the next); with two, a core that is
/// done starts on the next block.
const BLOCKS_IN_FLIGHT: usize = 2;

/// A block's output for the writer.
struct Written {
    /// The rendered parts, in order.
    parts: Vec<String>,
    /// The block's case ids (hashed), with their lines.
    ids: Vec<(u64, usize)>,
    /// Bytes of input read up to the end of the block.
    read: u64,
}

/// Why a stream stopped: its input could not be read, its output could not be written, or
/// the system would not make the threads that read and write.
#[derive(Debug)]
pub enum StreamError<E> {
    Read(std::io::Error),
    Write(E),
    Threads(std::io::Error),
}

/// Runs every case read from `input` and hands the rendered output, in input order, to
/// `write`. After each block, `on_block` gets the lines for standard error about bad cases in
/// it and the number of bytes read so far (for a progress bar). `input_size`, the input's
/// length when it is known (a file), lets the check for repeated case ids make its room once.
pub fn run_json_lines<E: Send>(
    plan: &Plan,
    options: RunOptions,
    input: &mut (dyn Read + Send),
    input_size: Option<u64>,
    write: &mut (dyn FnMut(&[u8]) -> Result<(), E> + Send),
    on_block: &mut dyn FnMut(&[String], u64),
) -> Result<Summary, StreamError<E>> {
    // Memory goes round: blocks read go back to the reader, output written goes back to the
    // cores. Fresh memory for every block cost a quarter of the time in the kernel's copying.
    let buffers = Buffers::default();
    let (spare_sender, spares) = channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let (block_sender, blocks) = sync_channel(2);
        let reader = std::thread::Builder::new()
            .name("read".into())
            .spawn_scoped(scope, move || read_blocks(input, &block_sender, &spares))
            .map_err(StreamError::Threads)?;
        let (output_sender, outputs) = sync_channel::<Written>(2);
        let buffers = &buffers;
        // The writer also looks for repeated case ids: it waits on the disk anyway.
        let writer = std::thread::Builder::new().name("write".into());
        let writer = writer.spawn_scoped(scope, move || -> Result<Vec<usize>, E> {
            let mut seen = SeenIds::default();
            let mut first = true;
            for Written { parts, ids, read } in outputs {
                if std::mem::take(&mut first)
                    && let Some(size) = input_size
                {
                    seen.make_room_for(expected_ids(ids.len(), read, size));
                }
                for part in parts {
                    write(part.as_bytes())?;
                    buffers.give_back(part);
                }
                seen.note(&ids);
            }
            Ok(seen.repeated())
        });
        // Without a writer the reader stops too: its blocks have nowhere to go.
        let writer = writer.map_err(StreamError::Threads)?;
        let printer = Printer::new(plan);
        let mut cores = Cores {
            printer: &printer,
            options,
            buffers,
            summary: Summary::new(plan),
            read: 0,
            on_block,
            output: output_sender,
            spares: spare_sender,
        };
        let result = cores.run_all(&blocks);
        // Closing the channels lets both threads finish, however the run ended.
        let Cores {
            summary, output, ..
        } = cores;
        drop(output);
        drop(blocks);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
        result?;
        let mut summary = summary;
        summary.repeated_ids = written.map_err(StreamError::Write)?;
        Ok(summary)
    })
}

/// How many cases a whole input of `size` bytes holds, judged by its first block: `ids`
/// cases in `read` bytes.
fn expected_ids(ids: usize, read: u64, size: u64) -> usize {
    let expected = u128::from(size) * ids as u128 / u128::from(read.max(1));
    usize::try_from(expected).unwrap_or(usize::MAX)
}

/// The reader thread: blocks, cut and numbered, until the input ends, fails, or nobody
/// wants more.
fn read_blocks(
    input: &mut (dyn Read + Send),
    blocks: &SyncSender<std::io::Result<NumberedBlock>>,
    spares: &Receiver<Vec<u8>>,
) {
    let mut lines = Blocks::new();
    let mut first_line = 1;
    loop {
        for spare in spares.try_iter() {
            lines.give_back(spare);
        }
        let block = match lines.next(input) {
            Ok(Some(block)) => block,
            Ok(None) => return,
            Err(error) => {
                let _ = blocks.send(Err(error));
                return;
            }
        };
        let (stretches, count) = cut_into_stretches(first_line, &block.bytes);
        first_line += count;
        let numbered = NumberedBlock {
            bytes: block.bytes,
            stretches,
        };
        if blocks.send(Ok(numbered)).is_err() {
            return;
        }
    }
}

/// A block read, cut into stretches of whole lines that know their line numbers.
struct NumberedBlock {
    bytes: Vec<u8>,
    stretches: Vec<Stretch>,
}

/// What a stretch's task hands back: its batch, or the panic that stopped it (a task that
/// died silently would leave the blocks behind it waiting for ever).
type Outcome = std::thread::Result<Batch>;

/// The results of a block's stretches as they come in. The task that brings the last one
/// says so: one wake-up of the cores' side a block, not one a stretch (a wake-up is a system
/// call, and they cost a twentieth of the processor's time).
struct Parts {
    outcomes: Mutex<Vec<Option<Outcome>>>,
    left: AtomicUsize,
}

/// A block whose stretches are being run.
struct InFlight {
    block: Arc<NumberedBlock>,
    parts: Arc<Parts>,
    done: bool,
}

/// The cores' side of the stream: hands out the stretches of each block as tasks and passes
/// each block's output on, in input order, once all its stretches are done.
struct Cores<'a, 'b> {
    printer: &'a Printer<'a, 'a>,
    options: RunOptions,
    buffers: &'a Buffers,
    summary: Summary,
    read: u64,
    on_block: &'b mut dyn FnMut(&[String], u64),
    output: SyncSender<Written>,
    spares: Sender<Vec<u8>>,
}

/// The writer stopped on an error, which its result holds.
struct WriterStopped;

impl Cores<'_, '_> {
    fn run_all<E>(
        &mut self,
        blocks: &Receiver<std::io::Result<NumberedBlock>>,
    ) -> Result<(), StreamError<E>> {
        let (done_sender, done) = channel::<u64>();
        let mut in_flight = VecDeque::new();
        let mut first_in_flight = 0u64;
        let (printer, options, buffers) = (self.printer, self.options, self.buffers);
        rayon::in_place_scope(|scope| {
            for block in blocks.iter() {
                let block = match block {
                    Ok(block) => Arc::new(block),
                    Err(error) => {
                        // The blocks before the error are still written.
                        let _ = self.finish(&mut in_flight, &mut first_in_flight, &done, 0);
                        return Err(StreamError::Read(error));
                    }
                };
                let sequence = first_in_flight + in_flight.len() as u64;
                let count = block.stretches.len();
                let parts = Arc::new(Parts {
                    outcomes: Mutex::new((0..count).map(|_| None).collect()),
                    left: AtomicUsize::new(count),
                });
                for index in 0..count {
                    let (block, parts) = (Arc::clone(&block), Arc::clone(&parts));
                    let done = done_sender.clone();
                    scope.spawn(move |_| {
                        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            run_stretch(printer, options, buffers, &block, index)
                        }));
                        // Let go of the block first: once the last stretch is in, the block's
                        // memory goes back to the reader.
                        drop(block);
                        if let Ok(mut outcomes) = parts.outcomes.lock()
                            && let Some(slot) = outcomes.get_mut(index)
                        {
                            *slot = Some(outcome);
                        }
                        if parts.left.fetch_sub(1, Ordering::AcqRel) == 1 {
                            let _ = done.send(sequence);
                        }
                    });
                }
                in_flight.push_back(InFlight {
                    block,
                    parts,
                    done: count == 0,
                });
                if self
                    .finish(
                        &mut in_flight,
                        &mut first_in_flight,
                        &done,
                        BLOCKS_IN_FLIGHT - 1,
                    )
                    .is_err()
                {
                    return Ok(());
                }
            }
            let _ = self.finish(&mut in_flight, &mut first_in_flight, &done, 0);
            Ok(())
        })
    }

    /// Waits for blocks until no more than `keep` are in flight, passing on each block that
    /// is done, in order.
    fn finish(
        &mut self,
        in_flight: &mut VecDeque<InFlight>,
        first_in_flight: &mut u64,
        done: &Receiver<u64>,
        keep: usize,
    ) -> Result<(), WriterStopped> {
        while in_flight.len() > keep {
            while in_flight.front().is_some_and(|block| !block.done) {
                let Ok(sequence) = done.recv() else {
                    // Cannot happen while tasks hold senders; nothing more will come.
                    return Err(WriterStopped);
                };
                if let Some(block) = in_flight.get_mut((sequence - *first_in_flight) as usize) {
                    block.done = true;
                }
            }
            if let Some(block) = in_flight.pop_front() {
                *first_in_flight += 1;
                self.pass_on(block)?;
            }
        }
        Ok(())
    }

    /// A whole block's output to the writer, its counts to the summary, its memory back to
    /// the reader.
    fn pass_on(&mut self, block: InFlight) -> Result<(), WriterStopped> {
        let plan = self.printer.plan;
        let outcomes = match block.parts.outcomes.lock() {
            Ok(mut outcomes) => std::mem::take(&mut *outcomes),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        let mut parts = Vec::with_capacity(outcomes.len());
        for outcome in outcomes.into_iter().flatten() {
            parts.push(outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        let batch = join(plan, parts, 0);
        self.read += block.block.bytes.len() as u64 + 1;
        if let Ok(block) = Arc::try_unwrap(block.block) {
            // The reader may have finished; then the block is simply dropped.
            let _ = self.spares.send(block.bytes);
        }
        self.summary.merge(&batch.summary);
        (self.on_block)(&batch.problems, self.read);
        let written = Written {
            parts: batch.output,
            ids: batch.ids,
            read: self.read,
        };
        self.output.send(written).map_err(|_| WriterStopped)
    }
}

/// Bytes of output to make room for, per byte of input. A case's JSON report is about three
/// times the size of its record, and more than three for two stretches in three of the
/// generated caseload: room for only three meant growing (and copying) most buffers.
const OUTPUT_PER_INPUT_BYTE: usize = 4;

/// Runs one stretch of a block's cases, rendering them into a buffer that goes round.
fn run_stretch(
    printer: &Printer,
    options: RunOptions,
    buffers: &Buffers,
    block: &NumberedBlock,
    index: usize,
) -> Batch {
    let plan = printer.plan;
    let stretch = &block.stretches[index];
    let out = buffers.take((stretch.end - stretch.start) * OUTPUT_PER_INPUT_BYTE);
    let outcomes = stretch
        .lines(&block.bytes)
        .map(|(line, bytes)| options.run(plan, parse_json_bytes(plan, line, bytes)));
    run_each(printer, options, out, outcomes)
}

/// Reads a stream in blocks of about a megabyte that end at a line break. A line longer
/// than a block makes its block longer: lines are never split. (Lines are numbered by whoever
/// runs the block, which reads it anyway, rather than by one more pass here.)
pub struct Blocks {
    carry: Vec<u8>,
    finished: bool,
    /// A block has been given: a byte-order mark can only come before the first.
    started: bool,
    /// Blocks already run, to be filled again.
    spares: Vec<Vec<u8>>,
}

/// Whole lines of a stream.
pub struct Block {
    /// The lines, without the last line break.
    pub bytes: Vec<u8>,
}

/// How many lines a block holds (it has no line break after its last line).
pub fn line_count(block: &[u8]) -> usize {
    super::count_line_breaks(block) + 1
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks::new()
    }
}

impl Blocks {
    pub fn new() -> Blocks {
        Blocks {
            carry: Vec::new(),
            finished: false,
            started: false,
            spares: Vec::new(),
        }
    }

    /// Hands back a block's memory for a later block (a few are kept).
    pub fn give_back(&mut self, bytes: Vec<u8>) {
        if self.spares.len() < 4 {
            self.spares.push(bytes);
        }
    }

    /// The next block, or `None` at the end of the stream.
    pub fn next(&mut self, input: &mut dyn Read) -> std::io::Result<Option<Block>> {
        if self.finished {
            return Ok(None);
        }
        // A spare block keeps its length: its old bytes are written over, never read, and
        // so need no zeroing again (zeroing a megabyte a block cost a fortieth of the run).
        let mut bytes = self.spares.pop().unwrap_or_default();
        let mut filled = self.carry.len();
        grow_to(&mut bytes, filled);
        bytes[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        // Bytes before `searched` hold no line break (the carried-over part of a line).
        let mut searched = 0;
        let cut = loop {
            let wanted = BLOCK_BYTES.saturating_sub(filled).max(64 << 10);
            grow_to(&mut bytes, filled + wanted);
            let got = read_fully(input, &mut bytes[filled..filled + wanted])?;
            filled += got;
            if got == 0 {
                break None;
            }
            if filled >= BLOCK_BYTES {
                if let Some(at) = bytes[searched..filled]
                    .iter()
                    .rposition(|byte| *byte == b'\n')
                {
                    break Some(searched + at);
                }
                searched = filled;
            }
        };
        bytes.truncate(filled);
        match cut {
            Some(cut) => {
                // Keep the unfinished last line for the next block.
                self.carry.extend_from_slice(&bytes[cut + 1..]);
                bytes.truncate(cut);
            }
            None => {
                self.finished = true;
                if bytes.is_empty() {
                    return Ok(None);
                }
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
            }
        }
        // A UTF-8 byte-order mark, as some editors and spreadsheet exports write, is not data.
        if !std::mem::replace(&mut self.started, true) && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        Ok(Some(Block { bytes }))
    }
}

/// Makes `bytes` at least `len` long (the new bytes zero).
fn grow_to(bytes: &mut Vec<u8>, len: usize) {
    if bytes.len() < len {
        bytes.resize(len, 0);
    }
}

/// Reads until `into` is full or the input ends; gives how many bytes were read.
fn read_fully(input: &mut dyn Read, into: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while let Some(rest) = into.get_mut(got..).filter(|rest| !rest.is_empty()) {
        match input.read(rest) {
            Ok(0) => break,
            Ok(count) => got += count,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_byte_order_mark_before_the_first_line_is_skipped() {
        let mut input: &[u8] = b"\xEF\xBB\xBF{\"case\":\"A\"}\n\xEF\xBB\xBFx";
        let mut blocks = super::Blocks::new();
        let block = blocks.next(&mut input).unwrap().unwrap();
        assert_eq!(
            block.bytes, b"{\"case\":\"A\"}\n\xEF\xBB\xBFx",
            "only the first is skipped"
        );
    }

    use super::*;
    use crate::render::Format;
    use crate::replay::Reading;

    /// A reader that hands out a few bytes at a time, as pipes do.
    struct Trickle<'a>(&'a [u8], usize);

    /// A reader that fails once `good` bytes have been read.
    struct FailsAfter<'a> {
        text: &'a [u8],
        good: usize,
    }

    impl Read for FailsAfter<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            if self.good == 0 {
                return Err(std::io::Error::other("the disk went away"));
            }
            let n = self.good.min(self.text.len()).min(buffer.len());
            buffer[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            self.good -= n;
            Ok(n)
        }
    }

    /// Several blocks of generated cases (messy records), with blank and bad lines among them.
    fn caseload(plan: &Plan) -> String {
        let mut text = String::new();
        let mut part = 0;
        while text.len() < 3 * BLOCK_BYTES + BLOCK_BYTES / 2 {
            text.push_str(&crate::generate::cases(plan, 7, part * 100, 100));
            part += 1;
            match part % 3 {
                0 => text.push_str("\n  \r\n"),
                1 => text.push_str("{\"case\":\"bad\",\"events\":[{\"step\":\"nowhere\"}]}\n"),
                _ => text.push_str("not json\n"),
            }
        }
        text
    }

    fn with_plan(check: impl FnOnce(&Plan)) {
        let source = include_str!("../../../../procedures/child_protection_plan.wm");
        let parsed = waymark_diagnostics::FileId(0);
        let parsed = waymark_syntax::parse(parsed, source);
        let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
        let procedure = compiled.procedure.expect("the shipped procedure compiles");
        check(&Plan::new(&procedure, waymark_calendar::default_calendar()));
    }

    fn options() -> RunOptions {
        RunOptions {
            as_of: waymark_calendar::parse_date("2026-06-30").expect("a date"),
            format: Format::Json,
            summary_only: false,
            reading: Reading::Replay,
        }
    }

    /// What the stream wrote, what it said about each block, and how it ended.
    type Streamed = (
        Vec<u8>,
        Vec<String>,
        Result<Summary, StreamError<std::io::Error>>,
    );

    fn stream(plan: &Plan, input: &mut (dyn Read + Send), fail_writing: bool) -> Streamed {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let result = run_json_lines(
            plan,
            options(),
            input,
            None,
            &mut |bytes| match fail_writing && !out.is_empty() {
                true => Err(std::io::Error::other("the disk is full")),
                false => {
                    out.extend_from_slice(bytes);
                    Ok(())
                }
            },
            &mut |said, _| problems.extend_from_slice(said),
        );
        (out, problems, result)
    }

    #[test]
    fn a_stream_of_many_blocks_gives_the_bytes_of_one_batch() {
        with_plan(|plan| {
            let text = caseload(plan);
            let whole = crate::run_batch(plan, options(), 1, text.as_bytes());
            for step in [1 << 20, 300_001] {
                let (out, problems, result) =
                    stream(plan, &mut Trickle(text.as_bytes(), step), false);
                let summary = result.expect("the stream runs");
                assert_eq!(out, whole.output.concat().into_bytes());
                assert_eq!(problems, whole.problems, "bad lines named in order");
                assert_eq!(summary.cases(), whole.summary.cases());
                assert_eq!(summary.bad(), whole.summary.bad());
                assert!(summary.bad() > 0 && summary.cases() > 3000);
            }
        });
    }

    #[test]
    fn a_failed_read_keeps_the_blocks_before_it_and_says_so() {
        with_plan(|plan| {
            let text = caseload(plan);
            let whole = crate::run_batch(plan, options(), 1, text.as_bytes())
                .output
                .concat();
            let mut input = FailsAfter {
                text: text.as_bytes(),
                good: 2 * BLOCK_BYTES + 1000,
            };
            let (out, _, result) = stream(plan, &mut input, false);
            assert!(matches!(result, Err(StreamError::Read(_))));
            assert!(
                out.len() > BLOCK_BYTES,
                "the blocks read were run and written"
            );
            assert!(whole.as_bytes().starts_with(&out) && out.ends_with(b"\n"));
        });
    }

    #[test]
    fn a_failed_write_stops_the_stream_and_says_so() {
        with_plan(|plan| {
            let text = caseload(plan);
            let (_, _, result) = stream(plan, &mut Trickle(text.as_bytes(), 1 << 20), true);
            assert!(matches!(result, Err(StreamError::Write(_))));
        });
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buffer.len());
            buffer[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn blocks_hold_whole_lines_with_their_numbers() {
        let long = "x".repeat(BLOCK_BYTES + 10);
        let mut text = String::new();
        for i in 0..300_000 {
            text.push_str(&format!("line {i}\n"));
            if i == 1000 {
                text.push_str(&long);
                text.push('\n');
            }
        }
        text.push_str("last line without a break");
        for step in [1 << 20, 4096] {
            let mut input = Trickle(text.as_bytes(), step);
            let mut blocks = Blocks::new();
            let mut joined = Vec::new();
            let mut lines = 0;
            while let Some(block) = blocks.next(&mut input).unwrap() {
                lines += line_count(&block.bytes);
                joined.extend_from_slice(&block.bytes);
                joined.push(b'\n');
            }
            joined.pop();
            assert_eq!(joined, text.as_bytes());
            assert_eq!(lines, 300_002);
        }
    }
}
