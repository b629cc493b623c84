//! Wrapping a long quoted text into pieces, one per line, broken between words.
//!
//! The language joins a continued text's pieces with one space, so a text may be broken only at
//! a single space between two words: a break beside another space (or an escaped one) would
//! change the text, and the parser rejects it (WM0117). Breaking there and joining again gives
//! back the text exactly, which is what makes wrapping safe and idempotent.

/// The widest a formatted line is meant to be, in characters, when its texts can be broken.
pub const WIDTH: usize = 100;

/// The pieces `raw` (a text as written between its quotes, escapes and all) is wrapped into,
/// when its opening quote stands at `column` and `tail` more characters follow it on its line
/// (` in "Section 2"` after a cited phrase): as few lines as fit with both quotes within
/// [`WIDTH`], and of those the most even, so a title does not leave one word alone on its last
/// line. The last line keeps room for the tail, up to half a line (a longer tail is a text
/// that wraps in turn). A word longer than a line gets a line of its own and runs past.
pub fn wrap(raw: &str, column: usize, tail: usize) -> Vec<String> {
    let room = WIDTH.saturating_sub(column + 2).max(1);
    let tail = tail.min(room / 2);
    if raw.chars().count() + tail <= room {
        return vec![raw.to_string()];
    }
    let words = words(raw);
    let mut widths: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
    // The tail is laid out as one more word, which cannot start a line of its own.
    if tail > 0 {
        widths.push(tail.saturating_sub(1));
    }
    let lines = fill(&widths, room).len();
    // The narrowest room that needs no more lines; a narrower room never needs fewer.
    let (mut narrow, mut wide) = (1, room);
    while narrow < wide {
        let middle = (narrow + wide) / 2;
        if fill(&widths, middle).len() <= lines {
            wide = middle;
        } else {
            narrow = middle + 1;
        }
    }
    let mut breaks = fill(&widths, wide);
    if tail > 0 {
        // Leave the tail out; had it a line to itself, the last word goes down to join it.
        if words.len() > 1
            && let Some(last) = breaks.last_mut().filter(|last| **last == words.len())
        {
            *last -= 1;
        }
        breaks.retain(|start| *start < words.len());
        breaks.dedup();
    }
    pieces(&words, &breaks)
}

/// Where each line starts (an index into `widths`), with as many words on each line as fit in
/// `room` characters.
fn fill(widths: &[usize], room: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut line = 0;
    for (index, width) in widths.iter().enumerate() {
        if index == 0 {
            line = *width;
        } else if line + 1 + width <= room {
            line += 1 + width;
        } else {
            starts.push(index);
            line = *width;
        }
    }
    starts
}

/// The words joined with single spaces into the lines that start at `starts`.
fn pieces(words: &[&str], starts: &[usize]) -> Vec<String> {
    let mut pieces = Vec::with_capacity(starts.len());
    for (index, start) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied().unwrap_or(words.len());
        pieces.push(words.get(*start..end).unwrap_or_default().join(" "));
    }
    pieces
}

/// The text cut at every place it may be broken: a space, not escaped, with a character that is
/// not white space (nor an escaped space) on each side.
fn words(raw: &str) -> Vec<&str> {
    let units = units(raw);
    let mut words = Vec::new();
    let mut start = 0;
    for (index, unit) in units.iter().enumerate() {
        let breakable = unit.raw == " "
            && index > 0
            && units.get(index - 1).is_some_and(|u| !u.blank)
            && units.get(index + 1).is_some_and(|u| !u.blank);
        if breakable {
            words.push(raw.get(start..unit.at).unwrap_or_default());
            start = unit.at + 1;
        }
    }
    words.push(raw.get(start..).unwrap_or_default());
    words
}

/// One character of the text as it reads: a plain character, or an escape (`\"`, `\ `).
struct Unit<'a> {
    at: usize,
    raw: &'a str,
    /// Whether the character it stands for is white space.
    blank: bool,
}

fn units(raw: &str) -> Vec<Unit<'_>> {
    let mut units = Vec::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let (end, meant) = match (c, chars.peek().copied()) {
            ('\\', Some((next_at, next))) => {
                chars.next();
                (next_at + next.len_utf8(), next)
            }
            _ => (at + c.len_utf8(), c),
        };
        units.push(Unit {
            at,
            raw: raw.get(at..end).unwrap_or_default(),
            blank: meant.is_whitespace(),
        });
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_that_fits_stays_whole() {
        assert_eq!(wrap("short", 90, 0), vec!["short"]);
    }

    #[test]
    fn a_long_text_is_broken_between_words_within_the_width() {
        let raw = "word ".repeat(40);
        let raw = raw.trim_end();
        let pieces = wrap(raw, 14, 0);
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| p.len() + 14 + 2 <= WIDTH));
        assert_eq!(pieces.join(" "), raw);
    }

    #[test]
    fn never_beside_another_space_or_inside_an_escape() {
        assert_eq!(
            words(r#"a  b \  c \"d\" e"#),
            vec!["a  b \\  c", "\\\"d\\\"", "e"]
        );
        assert_eq!(words(" a b "), vec![" a", "b "]);
    }

    #[test]
    fn the_lines_are_as_even_as_the_fewest_lines_allow() {
        let raw = "Legal advice sought on an Emergency Protection Order or Child Assessment Order";
        assert_eq!(
            wrap(raw, 25, 0),
            vec![
                "Legal advice sought on an Emergency",
                "Protection Order or Child Assessment Order"
            ]
        );
    }

    #[test]
    fn the_last_line_keeps_room_for_what_follows_the_text() {
        let raw = "a decision about the type of response that is needed within one working day";
        let pieces = wrap(raw, 14, 32);
        assert_eq!(pieces.join(" "), raw);
        assert!(
            pieces.last().unwrap().len() + 14 + 2 + 32 <= WIDTH,
            "{pieces:?}"
        );
        assert_eq!(wrap("a b", 96, 40), vec!["a", "b"]);
        // Never an empty piece, however little room the tail leaves.
        let pieces = wrap("aaaa bbbb cccc dddd", 82, 9);
        assert!(pieces.iter().all(|p| !p.is_empty()), "{pieces:?}");
    }

    #[test]
    fn a_word_longer_than_a_line_runs_past_it() {
        let long = "x".repeat(120);
        let raw = format!("a {long} b");
        assert_eq!(
            wrap(&raw, 10, 0),
            vec!["a".to_string(), long, "b".to_string()]
        );
    }
}
