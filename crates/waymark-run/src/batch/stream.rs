//! A whole caseload of JSON Lines, streamed: reading, running and writing overlap.
//!
//! [`run_json_lines`] keeps both cores on cases: a reader thread fetches the next block of
//! whole lines while the current one runs on every core ([`crate::run_batch`]) and a writer thread
//! writes the block before it. Memory stays at a few blocks however large the caseload. The
//! crate still opens no files: the caller hands over the reader and the function that writes.
#![allow(
    clippy::indexing_slicing,
    reason = "offsets index the buffer they were found in, and stay within its filled length"
)]

use super::ids::SeenIds;
use super::{Buffers, RunOptions, run_batch_reusing};
use crate::plan::Plan;
use crate::render::{Printer, Summary};
use std::io::Read;
use std::sync::mpsc::{channel, sync_channel};

/// Bytes of input per block: big enough to keep both cores busy, small enough to stay in the
/// processor's cache between being read and being run (4 MB blocks cost a tenth more time).
const BLOCK_BYTES: usize = 1 << 20;

/// Why a stream stopped: its input could not be read, or its output could not be written.
#[derive(Debug)]
pub enum StreamError<E> {
    Read(std::io::Error),
    Write(E),
}

/// Runs every case read from `input` and hands the rendered output, in input order, to
/// `write`. After each block, `on_block` gets the lines for standard error about bad cases in
/// it and the number of bytes read so far (for a progress bar).
pub fn run_json_lines<E: Send>(
    plan: &Plan,
    options: RunOptions,
    input: &mut (dyn Read + Send),
    write: &mut (dyn FnMut(&[u8]) -> Result<(), E> + Send),
    on_block: &mut dyn FnMut(&[String], u64),
) -> Result<Summary, StreamError<E>> {
    // Memory goes round: blocks read go back to the reader, output written goes back to the
    // cores. Fresh memory for every block cost a quarter of the time in the kernel's copying.
    let buffers = Buffers::default();
    let (spare_sender, spares) = channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let (block_sender, blocks) = sync_channel(2);
        let reader = scope.spawn(move || {
            let mut lines = Blocks::new();
            loop {
                for spare in spares.try_iter() {
                    lines.give_back(spare);
                }
                let block = lines.next(input).transpose();
                let last = !matches!(block, Some(Ok(_)));
                if let Some(block) = block
                    && block_sender.send(block).is_err()
                {
                    return;
                }
                if last {
                    return;
                }
            }
        });
        let (output_sender, outputs) = sync_channel::<(Vec<String>, Vec<(u64, usize)>)>(4);
        let buffers = &buffers;
        // The writer also looks for repeated case ids: it waits on the disk anyway.
        let writer = scope.spawn(move || -> Result<Vec<usize>, E> {
            let mut seen = SeenIds::default();
            for (parts, ids) in outputs {
                for part in parts {
                    write(part.as_bytes())?;
                    buffers.give_back(part);
                }
                seen.note(&ids);
            }
            Ok(seen.repeated)
        });
        let mut summary = Summary::new(plan);
        let printer = Printer::new(plan);
        let mut read = 0u64;
        let mut first_line = 1;
        let mut result = Ok(());
        for block in blocks.iter() {
            let block = match block {
                Ok(block) => block,
                Err(error) => {
                    result = Err(StreamError::Read(error));
                    break;
                }
            };
            read += block.bytes.len() as u64 + 1;
            let batch =
                run_batch_reusing(&printer, options, first_line, &block.bytes, Some(buffers));
            // The reader may have finished; then the block is simply dropped.
            let _ = spare_sender.send(block.bytes);
            first_line += batch.lines;
            summary.merge(&batch.summary);
            on_block(&batch.problems, read);
            if output_sender.send((batch.output, batch.ids)).is_err() {
                // The writer stopped on an error, which its result holds.
                break;
            }
        }
        // Closing the channels lets both threads finish, however the loop ended.
        drop(output_sender);
        drop(blocks);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
        result?;
        summary.repeated_ids = written.map_err(StreamError::Write)?;
        Ok(summary)
    })
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
        let mut bytes = self.spares.pop().unwrap_or_default();
        bytes.clear();
        bytes.extend_from_slice(&self.carry);
        self.carry.clear();
        bytes.reserve(BLOCK_BYTES + (64 << 10));
        // Bytes before `searched` hold no line break (the carried-over part of a line).
        let mut searched = 0;
        let cut = loop {
            let wanted = BLOCK_BYTES.saturating_sub(bytes.len()).max(64 << 10);
            // `read_to_end` fills spare capacity without zeroing it first, and retries reads
            // that were interrupted.
            let got = (&mut *input).take(wanted as u64).read_to_end(&mut bytes)?;
            if got == 0 {
                break None;
            }
            if bytes.len() >= BLOCK_BYTES {
                if let Some(at) = bytes[searched..].iter().rposition(|byte| *byte == b'\n') {
                    break Some(searched + at);
                }
                searched = bytes.len();
            }
        };
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

    /// A reader that hands out a few bytes at a time, as pipes do.
    struct Trickle<'a>(&'a [u8], usize);

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
