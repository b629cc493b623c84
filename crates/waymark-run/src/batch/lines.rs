//! Finding lines in a block of JSON Lines quickly, and sharing that work between the cores:
//! the block is cut into stretches of whole lines, each counted and then worked on in parallel.
#![allow(
    clippy::indexing_slicing,
    reason = "offsets index the buffer they were found in, and stay within its filled length"
)]

use rayon::prelude::*;

/// Runs `work` on every core over a block of JSON Lines, cut into stretches of whole lines,
/// and gives its results in input order with the number of lines in the block. `work` gets
/// a stretch's non-blank lines with their 1-based numbers, and the stretch's size in bytes.
///
/// Even finding the line breaks is shared between the cores: one pass finds each stretch's
/// line breaks (their count numbers the lines of the stretches after it), the next does the
/// work on the lines between them. Both keep input order.
pub fn for_each_stretch<R: Send>(
    first_line: usize,
    text: &[u8],
    work: impl Fn(&mut dyn Iterator<Item = (usize, &[u8])>, usize) -> R + Sync,
) -> (Vec<R>, usize) {
    let cuts = stretches(text, BYTES_PER_TASK);
    let breaks: Vec<Vec<usize>> = cuts
        .par_iter()
        .map(|&(start, end)| line_breaks(&text[start..end]))
        .collect();
    let (numbered, lines) = number(first_line, cuts, breaks);
    let results = numbered
        .par_iter()
        .map(|stretch| work(&mut stretch.lines(text), stretch.end - stretch.start))
        .collect();
    (results, lines)
}

/// A stretch of whole lines of a block: where it lies, where its line breaks are, and the
/// number of its first line in the file.
pub(crate) struct Stretch {
    pub start: usize,
    pub end: usize,
    first_line: usize,
    /// Where its lines end, from its start: see [`line_breaks`].
    breaks: Vec<usize>,
}

impl Stretch {
    /// The stretch's non-blank lines with their numbers, without their line breaks. `block`
    /// is the text the stretch was cut from.
    pub(crate) fn lines<'a>(&'a self, block: &'a [u8]) -> impl Iterator<Item = (usize, &'a [u8])> {
        Lines {
            text: &block[self.start..self.end],
            breaks: &self.breaks,
            at: 0,
            line: self.first_line,
        }
        // Blank when nothing but spaces comes first: looking at the line's end too would touch
        // memory the reading then meets only later.
        .filter(|(_, line)| !line.trim_ascii_start().is_empty())
    }
}

/// Cuts `text` into stretches and numbers their lines, on the calling thread: the stream's
/// reader does this while the cores run the block before, so the cores take one pass over a
/// block, with no wait between finding its lines and running them. Also gives the number of
/// lines in `text`.
pub(crate) fn cut_into_stretches(first_line: usize, text: &[u8]) -> (Vec<Stretch>, usize) {
    let cuts = stretches(text, BYTES_PER_TASK);
    let breaks = cuts
        .iter()
        .map(|&(start, end)| line_breaks(&text[start..end]))
        .collect();
    number(first_line, cuts, breaks)
}

/// Stretches with the number of their first line (each stretch's breaks count the lines
/// before the next one), and the number of lines in all of them.
fn number(
    first_line: usize,
    cuts: Vec<(usize, usize)>,
    breaks: Vec<Vec<usize>>,
) -> (Vec<Stretch>, usize) {
    let lines = breaks.iter().map(Vec::len).sum::<usize>() + 1;
    let mut line = first_line;
    let numbered = cuts
        .into_iter()
        .zip(breaks)
        .map(|((start, end), breaks)| {
            let stretch = Stretch {
                start,
                end,
                first_line: line,
                breaks,
            };
            line += stretch.breaks.len();
            stretch
        })
        .collect();
    (numbered, lines)
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

/// The lines of a stretch with their numbers, without their line breaks (or a `\r` before one):
/// the stretches between the `breaks` found beforehand (see [`line_breaks`]).
struct Lines<'a, 'b> {
    text: &'a [u8],
    breaks: &'b [usize],
    at: usize,
    line: usize,
}

impl<'a> Iterator for Lines<'a, '_> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.text.len() {
            return None;
        }
        let (end, cr) = match self.breaks.split_first() {
            Some((&end, rest)) => {
                self.breaks = rest;
                (end >> 1, end & 1)
            }
            None => {
                let line = &self.text[self.at..];
                (self.text.len(), usize::from(line.ends_with(b"\r")))
            }
        };
        let line = &self.text[self.at..end - cr];
        self.at = end + 1;
        let number = self.line;
        self.line += 1;
        Some((number, line))
    }
}

/// Where the `\n` bytes of `text` are, each offset shifted up one bit, with a 1 in the free
/// bit when a `\r` comes before it. (Found one after the other, each search starts where
/// the last stopped: every byte is looked at once, 32 an instruction. The `\r` is looked for
/// here, where the bytes are in the cache: a core running the lines later would otherwise
/// wait on memory for the end of each line before it read the line's start.)
fn line_breaks(text: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(b'\n', text)
        .map(|at| at << 1 | usize::from(at > 0 && text[at - 1] == b'\r'))
        .collect()
}

/// How many `\n` bytes `text` holds. (`memchr` looks at 16 bytes an instruction on every
/// x86-64 processor; the eight-bytes-a-word count it replaced took ten times the instructions.)
pub(crate) fn count_line_breaks(text: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', text).count()
}

/// The first `\n` at or after `from`.
fn next_line_break(text: &[u8], from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    memchr::memchr(b'\n', rest).map(|at| from + at)
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

    /// Over many stretches: every non-blank line once, in order, with its number, as a plain
    /// split of the text gives them.
    #[test]
    fn every_line_of_a_block_is_worked_on_once_with_its_number() {
        let mut text = Vec::new();
        for i in 0..12_000 {
            match i % 7 {
                0 => text.extend_from_slice(b"\n"),
                1 => text.extend_from_slice(b"  \t \r\n"),
                2 => text.extend_from_slice(format!("line {i}\r\n").as_bytes()),
                _ => text.extend_from_slice(format!("{{\"case\":\"C{i}\"}}\n").as_bytes()),
            }
        }
        text.extend_from_slice(b"last");
        assert!(text.len() > 2 * BYTES_PER_TASK);
        let (parts, lines) = for_each_stretch(7, &text, |lines, _| {
            lines.map(|(n, l)| (n, l.to_vec())).collect::<Vec<_>>()
        });
        let expected: Vec<(usize, Vec<u8>)> = (text.split(|&b| b == b'\n').enumerate())
            .map(|(i, l)| (i + 7, l.strip_suffix(b"\r").unwrap_or(l).to_vec()))
            .filter(|(_, l)| !l.trim_ascii().is_empty())
            .collect();
        assert!(parts.len() > 2);
        assert_eq!(parts.concat(), expected);
        assert_eq!(lines, 12_001);
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
                let breaks = line_breaks(&text[start..end]);
                lines.extend(Lines {
                    text: &text[start..end],
                    breaks: &breaks,
                    at: 0,
                    line: first,
                });
                first += breaks.len();
                assert_eq!(breaks.len(), count_line_breaks(&text[start..end]));
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
