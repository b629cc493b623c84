//! The common shape of a case line, read in one quick pass.
//!
//! Nearly every line of a real caseload is plain: no escapes, no unknown or repeated keys, no
//! errors. This reader handles exactly those lines and gives up (`None`) on anything else, and
//! the careful reader in the parent module then reads the line again and says precisely what
//! is wrong. So the two must agree on every line this one accepts (a test below checks it);
//! this one is only faster, by matching keys as bytes and skipping the general value machinery.

use crate::case::When;
use crate::read::check::{quick_date, quick_when};
use crate::read::json::LineNames;
use crate::read::{EventText, RawFacts, RawValue};
use std::borrow::Cow;
use waymark_compile::{RoleIndex, StepIndex};

/// Reads a plain case line, handing each event to `on_event` as it is read, or gives up.
/// Events handed over before giving up must be forgotten by the caller. With a procedure's
/// `names`, a record's step and role found among them come with their indexes.
pub(crate) fn read_case<'a>(
    text: &'a str,
    names: Option<&'a LineNames>,
    on_event: &mut dyn FnMut(&EventText<'_>),
) -> Option<(Cow<'a, str>, RawFacts<'a>)> {
    let mut line = Line { text, at: 0, names };
    let mut id = None;
    let mut facts = None;
    let mut events = false;
    line.expect(b'{')?;
    loop {
        match line.key(&CASE_KEYS)? {
            0 if id.is_none() => id = Some(line.text()?),
            1 if facts.is_none() => facts = Some(line.facts()?),
            2 if !events => {
                line.events(on_event)?;
                events = true;
            }
            _ => return None,
        }
        if !line.next_member(b'}')? {
            break;
        }
    }
    line.space();
    if line.at != text.len() {
        return None;
    }
    Some((Cow::Borrowed(id?), facts.unwrap_or_default()))
}

/// The keys of a case, in the order `read_case` matches them.
const CASE_KEYS: [Key; 3] = [
    Key::new(b"\"case\":"),
    Key::new(b"\"facts\":"),
    Key::new(b"\"events\":"),
];

/// The keys of an event, in the order `event` matches them: the usual ones first.
const EVENT_KEYS: [Key; 9] = [
    Key::new(b"\"step\":"),
    Key::new(b"\"on\":"),
    Key::new(b"\"by\":"),
    Key::new(b"\"outcome\":"),
    Key::new(b"\"reason\":"),
    Key::new(b"\"waived\":"),
    Key::new(b"\"approved_by\":"),
    Key::new(b"\"extended_by\":"),
    Key::new(b"\"facts\":"),
];

/// The members most records start with, as [`Line::usual_members`] looks for them.
const STEP: Key = Key::new(b"\"step\":");
const THEN_ON: Key = Key::new(b",\"on\":");
const THEN_BY: Key = Key::new(b",\"by\":");

/// A key written `"key":`, ready to be compared with the next eight bytes of a line as one
/// number: its first eight bytes (fewer for a short key, the rest masked off), and the whole
/// key for those longer than eight.
#[derive(Clone, Copy)]
struct Key {
    head: u64,
    mask: u64,
    whole: &'static [u8],
}

impl Key {
    #[allow(
        clippy::indexing_slicing,
        reason = "made when Waymark is compiled; `at` stays below both lengths"
    )]
    const fn new(whole: &'static [u8]) -> Key {
        let mut bytes = [0u8; 8];
        let mut mask = [0u8; 8];
        let mut at = 0;
        while at < whole.len() && at < 8 {
            bytes[at] = whole[at];
            mask[at] = 0xff;
            at += 1;
        }
        Key {
            head: u64::from_le_bytes(bytes),
            mask: u64::from_le_bytes(mask),
            whole,
        }
    }

    /// Whether `rest`, whose first eight bytes are `word`, starts with the key.
    #[inline(always)]
    fn is_at(&self, word: u64, rest: &[u8]) -> bool {
        word & self.mask == self.head && (self.whole.len() <= 8 || rest.starts_with(self.whole))
    }

    /// The key's name and closing quote, `key"`: what follows the opening quote.
    fn name(&self) -> &'static [u8] {
        let end = self.whole.len().saturating_sub(1);
        self.whole.get(1..end).unwrap_or_default()
    }
}

struct Line<'a> {
    text: &'a str,
    at: usize,
    names: Option<&'a LineNames>,
}

impl<'a> Line<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The text from `start` to `end`, where both are ends of whole characters. (Cut in two
    /// steps, each checking one end: `str::get` with both ends was left a call, twenty times a
    /// case, where each step alone is a few instructions in place.)
    #[inline(always)]
    fn piece(&self, start: usize, end: usize) -> Option<&'a str> {
        let (head, _) = self.text.split_at_checked(end)?;
        let (_, piece) = head.split_at_checked(start)?;
        Some(piece)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after any space, consumed if it is `byte`.
    fn expect(&mut self, byte: u8) -> Option<()> {
        // Most lines have no space between tokens: look before skipping.
        if self.bytes().get(self.at) != Some(&byte) {
            self.space();
            if self.bytes().get(self.at) != Some(&byte) {
                return None;
            }
        }
        self.at += 1;
        Some(())
    }

    /// After a member of an object or list: `true` at a `,` (more follow), `false` at `close`.
    fn next_member(&mut self, close: u8) -> Option<bool> {
        let mut byte = *self.bytes().get(self.at)?;
        if !matches!(byte, b',' | b'}' | b']') {
            self.space();
            byte = *self.bytes().get(self.at)?;
        }
        self.at += 1;
        match byte {
            b',' => Some(true),
            _ if byte == close => Some(false),
            _ => None,
        }
    }

    /// A key and its `:`: which of `keys` it is. Keys are compared where they stand, without
    /// first finding where they end: with no space around them (as programs write them), as
    /// numbers made of the next eight bytes; else one piece at a time.
    #[inline(always)]
    fn key(&mut self, keys: &[Key]) -> Option<usize> {
        let rest = self.bytes().get(self.at..)?;
        if let Some(word) = rest.first_chunk::<8>() {
            let word = u64::from_le_bytes(*word);
            if let Some(key) = keys.iter().position(|key| key.is_at(word, rest)) {
                self.at += keys.get(key)?.whole.len();
                return Some(key);
            }
        }
        self.spaced_key(keys)
    }

    /// [`Line::key`] with space around the key or its colon.
    fn spaced_key(&mut self, keys: &[Key]) -> Option<usize> {
        self.expect(b'"')?;
        let rest = self.bytes().get(self.at..)?;
        let key = keys.iter().position(|key| rest.starts_with(key.name()))?;
        self.at += keys.get(key)?.name().len();
        self.expect(b':')?;
        Some(key)
    }

    /// A string without escapes or control characters. Inlined: it runs for most values.
    #[inline(always)]
    fn text(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = plain_text_end(self.bytes(), start)?;
        self.at = end + 1;
        // The quotes are ASCII, so the stretch between them is whole characters.
        self.piece(start, end)
    }

    /// An `on` date: a string, read as a moment where it is a plain `YYYY-MM-DD` or
    /// `YYYY-MM-DDTHH:MM` (then its end is known without looking for it: neither has a quote,
    /// backslash or control character).
    #[inline(always)]
    fn when(&mut self) -> Option<(Option<&'a str>, Option<When>)> {
        let start = self.at + 1;
        if self.bytes().get(self.at) == Some(&b'"') {
            match self.bytes().get(start + 10) {
                Some(b'"') => {
                    if let Some(text) = self.piece(start, start + 10)
                        && let Some(date) = quick_date(text)
                    {
                        self.at = start + 11;
                        return Some((Some(text), Some(When { date, time: None })));
                    }
                }
                Some(b'T') => return self.moment(),
                _ => {}
            }
        }
        Some((Some(self.text()?), None))
    }

    /// [`Line::when`] for a date with a time of day, `YYYY-MM-DDTHH:MM` where it is plain.
    /// Out of line: few records give a time, and the usual record's path stays small.
    #[inline(never)]
    fn moment(&mut self) -> Option<(Option<&'a str>, Option<When>)> {
        let start = self.at + 1;
        if self.bytes().get(start + 16) == Some(&b'"')
            && let Some(text) = self.text.get(start..start + 16)
            && let Some(when) = quick_when(text)
        {
            self.at = start + 17;
            return Some((Some(text), Some(when)));
        }
        Some((Some(self.text()?), None))
    }

    /// A step's name: where it is one of the procedure's, found with its end and its index
    /// in one look at its first bytes (and given as the table's copy of it); else read as any
    /// text.
    #[inline(always)]
    fn step(&mut self, index: &mut Option<StepIndex>) -> Option<&'a str> {
        let start = self.at + 1;
        if let Some(names) = self.names
            && self.bytes().get(self.at) == Some(&b'"')
            && let Some((step, name)) = names.step_at(self.bytes(), start)
        {
            self.at = start + name.len() + 1;
            *index = Some(step);
            return Some(name);
        }
        self.text()
    }

    /// A role's name or `null`, as [`Line::step`] reads a step's.
    #[inline(always)]
    fn role(&mut self, index: &mut Option<RoleIndex>) -> Option<Option<&'a str>> {
        let start = self.at + 1;
        if let Some(names) = self.names
            && self.bytes().get(self.at) == Some(&b'"')
            && let Some((role, name)) = names.role_at(self.bytes(), start)
        {
            self.at = start + name.len() + 1;
            *index = Some(role);
            return Some(Some(name));
        }
        self.optional_text()
    }

    /// A string or `null`. Inlined: it runs for most records.
    #[inline(always)]
    fn optional_text(&mut self) -> Option<Option<&'a str>> {
        self.space();
        match self.bytes().get(self.at)? {
            b'"' => Some(Some(self.text()?)),
            _ => self.word(b"null").map(|()| None),
        }
    }

    /// An extension's amount: a string, `null`, or a whole number as written (a fraction, an
    /// exponent or a sign is left to the careful reader).
    fn amount(&mut self) -> Option<Option<&'a str>> {
        self.space();
        if !self.bytes().get(self.at)?.is_ascii_digit() {
            return self.optional_text();
        }
        let start = self.at;
        let digits = (self.bytes().get(start..)?.iter())
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.at += digits;
        if let Some(b'.' | b'e' | b'E') = self.bytes().get(self.at) {
            return None;
        }
        Some(Some(self.text.get(start..self.at)?))
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        let found = self.bytes().get(self.at..self.at + word.len())? == word;
        found.then(|| self.at += word.len())
    }

    fn facts(&mut self) -> Option<RawFacts<'a>> {
        let mut facts = crate::scratch::raw_facts();
        self.expect(b'{')?;
        self.space();
        if self.bytes().get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(RawFacts(facts));
        }
        loop {
            let name = Cow::Borrowed(self.text()?);
            self.expect(b':')?;
            facts.push((name, self.fact_value()?, 0));
            if !self.next_member(b'}')? {
                return Some(RawFacts(facts));
            }
        }
    }

    fn fact_value(&mut self) -> Option<RawValue<'a>> {
        self.space();
        match self.bytes().get(self.at)? {
            b'"' => Some(RawValue::Text(Cow::Borrowed(self.text()?))),
            b't' => self.word(b"true").map(|()| RawValue::Bool(true)),
            b'f' => self.word(b"false").map(|()| RawValue::Bool(false)),
            b'n' => self.word(b"null").map(|()| RawValue::Null),
            b'0'..=b'9' => {
                let start = self.at;
                let digits = self
                    .bytes()
                    .get(start..)?
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                self.at += digits;
                // Fractions, exponents and huge numbers are left to the careful reader.
                if let Some(b'.' | b'e' | b'E') = self.bytes().get(self.at) {
                    return None;
                }
                self.text
                    .get(start..self.at)?
                    .parse()
                    .ok()
                    .map(RawValue::Whole)
            }
            _ => None,
        }
    }

    fn events(&mut self, on_event: &mut dyn FnMut(&EventText<'_>)) -> Option<()> {
        self.expect(b'[')?;
        self.space();
        if self.bytes().get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(());
        }
        loop {
            self.event(on_event)?;
            if !self.next_member(b']')? {
                return Some(());
            }
        }
    }

    /// A record, handed to `on_event` with the facts it gives, if any.
    fn event(&mut self, on_event: &mut dyn FnMut(&EventText<'_>)) -> Option<()> {
        let mut event = EventText::default();
        let mut step = None;
        let mut facts = None;
        self.expect(b'{')?;
        // After the usual members, a `,` says more follow (read by key), a `}` that none do.
        let usual = self.usual_members(&mut event, &mut step)?;
        if !usual || self.next_member(b'}')? {
            self.other_members(&mut event, &mut step, &mut facts)?;
        }
        event.step = step?;
        match facts {
            // The facts are lent to `on_event` with the record.
            Some(facts) => on_event(&EventText {
                facts: &facts.0,
                ..event
            }),
            None => on_event(&event),
        }
        Some(())
    }

    /// The members of a record after its usual ones, by key, up to its `}`.
    fn other_members(
        &mut self,
        event: &mut EventText<'a>,
        step: &mut Option<&'a str>,
        facts: &mut Option<RawFacts<'a>>,
    ) -> Option<()> {
        loop {
            match self.key(&EVENT_KEYS)? {
                0 if step.is_none() => *step = Some(self.text()?),
                1 if event.on.is_none() => (event.on, event.on_when) = self.when()?,
                2 if event.by.is_none() => event.by = self.role(&mut event.by_index)?,
                3 if event.outcome.is_none() => event.outcome = self.optional_text()?,
                4 if event.reason.is_none() => event.reason = self.optional_text()?,
                6 if event.approved_by.is_none() => event.approved_by = self.optional_text()?,
                7 if event.extended_by.is_none() => event.extended_by = self.amount()?,
                8 if facts.is_none() => *facts = Some(self.facts()?),
                5 if event.waived.is_none() => {
                    self.space();
                    event.waived = Some(match self.bytes().get(self.at)? {
                        b't' => self.word(b"true").map(|()| true)?,
                        _ => self.word(b"false").map(|()| false)?,
                    });
                }
                _ => return None,
            }
            if !self.next_member(b'}')? {
                return Some(());
            }
        }
    }

    /// The members most records start with, in the order programs write them: `"step":…`,
    /// then `,"on":…`, then `,"by":…`, each found by comparing the bytes where it should be.
    /// Whether any was read; the rest of the record, if any, is read by key.
    #[inline(always)]
    fn usual_members(
        &mut self,
        event: &mut EventText<'a>,
        step: &mut Option<&'a str>,
    ) -> Option<bool> {
        if !self.literal(&STEP) {
            return Some(false);
        }
        *step = Some(self.step(&mut event.step_index)?);
        if self.literal(&THEN_ON) {
            (event.on, event.on_when) = self.when()?;
            if self.literal(&THEN_BY) {
                event.by = self.role(&mut event.by_index)?;
            }
        }
        Some(true)
    }

    /// Steps over `literal` if the line goes on with it here: compared as one number where
    /// eight bytes are left (it runs three times a record).
    #[inline(always)]
    fn literal(&mut self, literal: &Key) -> bool {
        let Some(rest) = self.bytes().get(self.at..) else {
            return false;
        };
        let found = match rest.first_chunk::<8>() {
            Some(word) => literal.is_at(u64::from_le_bytes(*word), rest),
            None => rest.starts_with(literal.whole),
        };
        if found {
            self.at += literal.whole.len();
        }
        found
    }
}

/// Where a string without escapes or control characters that starts at `from` ends: its
/// closing quote. `None` at a backslash or a control character (or no quote at all).
///
/// Eight bytes at a time, flagging every byte below `#` as well as backslashes: one test
/// finds quotes and control characters together, and a space or `!` it finds instead is
/// stepped over. Most strings of a case line are ids and dates without either.
fn plain_text_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let rest = bytes.get(at..)?;
        at += match rest.first_chunk::<8>() {
            Some(chunk) => match maybe_special(u64::from_le_bytes(*chunk)) {
                0 => {
                    at += 8;
                    continue;
                }
                hits => (hits.trailing_zeros() / 8) as usize,
            },
            None => rest.iter().position(|&b| b <= b'"' || b == b'\\')?,
        };
        match bytes.get(at)? {
            b'"' => return Some(at),
            b' ' | b'!' => at += 1,
            _ => return None,
        }
    }
}

/// The bytes of `v` below `#` (control characters, space, `!` and `"`) or a backslash, as the
/// high bit of each (bytes above a true one may be flagged too: only the lowest counts). Both
/// are ASCII, so a byte with its own high bit set is never one.
fn maybe_special(v: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = v.wrapping_sub(ONES * u64::from(b'#'));
    let backslash = (v ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (below | backslash) & !v & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader made of a line, in a form two readers' answers can be compared in.
    fn seen(read: impl FnOnce(&mut dyn FnMut(&EventText<'_>)) -> Option<String>) -> Option<String> {
        let mut events = Vec::new();
        let whole = read(&mut |event| {
            // A date read on the way is the date the checker would read.
            if event.on_when.is_some() {
                assert_eq!(event.on_when, event.on.and_then(quick_when), "{event:?}");
            }
            events.push(format!(
                "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                event.step,
                event.on,
                event.outcome,
                event.by,
                event.reason,
                event.waived,
                event.approved_by,
                event.extended_by,
                event.facts
            ))
        })?;
        Some(format!("{whole} {events:?}"))
    }

    fn quickly(text: &str) -> Option<String> {
        seen(|on_event| {
            read_case(text, None, on_event).map(|(id, facts)| format!("{id} {:?}", facts.0))
        })
    }

    fn carefully(text: &str) -> Option<String> {
        seen(|on_event| {
            super::super::read_case(text, &mut |event| on_event(&event.text()))
                .ok()
                .map(|(id, facts)| format!("{id} {:?}", facts.0))
        })
    }

    #[test]
    fn plain_text_ends_at_its_quote() {
        let plain = |bytes: &[u8], from: usize| {
            let end = from
                + bytes[from..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            (bytes[end] == b'"').then_some(end)
        };
        let mut samples: Vec<Vec<u8>> = vec![b"abc".to_vec(), Vec::new()];
        for special in [
            b'"', b'\\', b'\n', 0, 0x1f, b' ', b'!', b'#', 0x7f, 0x80, 0xff,
        ] {
            for at in 0..20 {
                let mut text = vec![b'a'; 20];
                text[at] = special;
                text[(at * 7) % 20] = b'"';
                samples.push(text);
            }
        }
        samples.push((0..=255).collect());
        samples.push((0..=255).rev().collect());
        for sample in &samples {
            for from in 0..sample.len() {
                assert_eq!(
                    plain_text_end(sample, from),
                    plain(sample, from),
                    "{sample:?} {from}"
                );
            }
        }
    }

    const LINES: [&str; 10] = [
        r#"{"case":"C1","facts":{"threshold":"level3","expected_delivery":"2026-05-01"},"events":[{"step":"referral","on":"2026-01-05"},{"step":"strategy_discussion","on":"2026-01-07T10:30","outcome":"section47","by":"social_worker"},{"step":"child_seen_alone","waived":true,"reason":"asleep"}]}"#,
        r#" { "events" : [ ] , "case" : "é2" , "facts" : { "age" : 16 , "x" : null , "y" : false } } "#,
        r#"{"case":"C3","events":[{"by":null,"outcome":null,"reason":null,"step":"a","on":"2026-01-05","waived":false}]}"#,
        r#"{"case":"C4","facts":{"a":1,"a":2}}"#,
        r#"{"case":"C5","facts":{},"events":[]}"#,
        r#"{"case":"","facts":{"n":18446744073709551615}}"#,
        r#"{"case":"F","events":[{"step":"d","on":"2026-01-05","outcome":"x","by":"m","facts":{"unanimous":"no","n":3,"n":true}},{"facts":{},"step":"e","on":"2026-01-06"}]}"#,
        r#"{"case":"S p!","events":[{"step":"a b","on":"2026-01-05","reason":"it was!  late! ","by":" x"}]}"#,
        r#"{"case":"E","events":[{"step":"a","on":"2026-03-02","extended_by":10,"reason":"r","approved_by":"m"},{"step":"a","on":"2026-03-03","extended_by":"2 weeks"},{"extended_by":null,"step":"a","on":"2026-03-04"}]}"#,
        r#"{"case":"T","events":[{"step":"a","on":"2026-01-07T23:59","by":"x"},{"step":"a","on":"2026-01-07T24:00"},{"step":"a","on":"2026-01-07T10:30:15"},{"on":"2026-02-30T10:30","step":"b"},{"step":"c","on":"2026-01-07 10:30"}]}"#,
    ];

    /// A plain date, with or without a plain time of day, is read as the line is read; any
    /// other `on` is left as text for the checker.
    #[test]
    fn plain_moments_are_read_where_they_stand() {
        let mut read = Vec::new();
        let line = LINES[LINES.len() - 1];
        read_case(line, None, &mut |event| {
            read.push((event.on.map(String::from), event.on_when))
        });
        let at = |date: &str, time: Option<(u32, u32)>| {
            Some(When {
                date: quick_date(date).unwrap(),
                time: time.and_then(|(h, m)| chrono::NaiveTime::from_hms_opt(h, m, 0)),
            })
        };
        assert_eq!(
            read,
            [
                (
                    Some("2026-01-07T23:59".to_string()),
                    at("2026-01-07", Some((23, 59)))
                ),
                (Some("2026-01-07T24:00".to_string()), None),
                (Some("2026-01-07T10:30:15".to_string()), None),
                (Some("2026-02-30T10:30".to_string()), None),
                (Some("2026-01-07 10:30".to_string()), None),
            ]
        );
        let mut dates = Vec::new();
        read_case(LINES[0], None, &mut |event| dates.push(event.on_when));
        assert_eq!(
            dates,
            [
                at("2026-01-05", None),
                at("2026-01-07", Some((10, 30))),
                None
            ]
        );
    }

    #[test]
    fn plain_lines_are_read_as_the_careful_reader_reads_them() {
        for line in LINES {
            let quick = quickly(line);
            assert!(quick.is_some(), "a plain line: {line}");
            assert_eq!(quick, carefully(line), "{line}");
        }
    }

    /// A key given twice is left to the careful reader, which says so, wherever it is.
    #[test]
    fn repeated_keys_are_left_to_the_careful_reader() {
        for line in [
            r#"{"case":"R","events":[{"step":"a","on":"2026-01-05","by":"x","by":"y"}]}"#,
            r#"{"case":"R","events":[{"step":"a","on":"2026-01-05","step":"b"}]}"#,
            r#"{"case":"R","events":[{"step":"a","on":"2026-01-05","on":"2026-01-06"}]}"#,
            r#"{"case":"R","events":[{"step":"a","by":"x","on":"2026-01-05","by":"y"}]}"#,
            r#"{"case":"R","events":[{"on":"2026-01-05","step":"a","step":"b"}]}"#,
            r#"{"case":"R","events":[{"step":"a","facts":{},"on":"2026-01-05","facts":{}}]}"#,
        ] {
            assert_eq!(quickly(line), None, "{line}");
            assert_eq!(carefully(line), None, "{line}");
        }
    }

    /// With a procedure's names, the quick reader reads every line as without them, and the
    /// steps and roles it finds among them are those the plan's look-ups give: for every step
    /// and role of the assessment procedure, names near them, and every truncation and many
    /// one-byte changes of such lines.
    #[test]
    fn names_found_where_they_stand_are_the_plans() {
        let procedure = crate::shipped_assessment();
        let plan = crate::plan::Plan::new(&procedure, waymark_calendar::default_calendar());
        let with_names = |text: &str| {
            let mut found = Vec::new();
            let read = read_case(text, Some(&plan.line_names), &mut |event| {
                if let Some(step) = event.step_index {
                    assert_eq!(Some(step), plan.step_named(event.step), "{text}");
                }
                if let Some(role) = event.by_index {
                    assert_eq!(Some(role), event.by.and_then(|by| plan.role_named(by)));
                }
                found.push((event.step_index.is_some(), event.by_index.is_some()));
            });
            (read.map(|(id, facts)| format!("{id} {:?}", facts.0)), found)
        };
        let names = (procedure.steps.iter().map(|step| step.id.as_str()))
            .chain(procedure.roles.iter().map(|role| role.id.as_str()));
        let mut lines: Vec<String> = LINES.iter().map(|line| line.to_string()).collect();
        for name in names {
            for near in [
                name.to_string(),
                format!("{name}x"),
                name[..name.len() - 1].to_string(),
                format!("{name}\\n"),
                format!("x{name}"),
            ] {
                lines.push(format!(
                    r#"{{"case":"N","events":[{{"step":"{near}","on":"2026-01-05","by":"{near}"}},{{"step":"{near}","on":"2026-01-06","outcome":"x","by":"{near}"}}]}}"#
                ));
            }
        }
        let mut found = (0, 0);
        for line in &lines {
            let mut variants: Vec<Vec<u8>> = (0..=line.len())
                .map(|cut| line.as_bytes()[..cut].to_vec())
                .collect();
            for at in 0..line.len() {
                for replacement in [b'"', b'\\', b'x', 0x01] {
                    let mut bytes = line.as_bytes().to_vec();
                    bytes[at] = replacement;
                    variants.push(bytes);
                }
            }
            for bytes in variants {
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                let (read, names_found) = with_names(text);
                assert_eq!(
                    read.is_some().then_some(()),
                    quickly(text).map(|_| ()),
                    "{text}"
                );
                if read.is_some() {
                    found.0 += names_found.iter().filter(|(step, _)| *step).count();
                    found.1 += names_found.iter().filter(|(_, by)| *by).count();
                }
                // Without the names, the same text is read the same way.
                let mut without = Vec::new();
                let plain = read_case(text, None, &mut |event| without.push(format!("{event:?}")));
                let mut with = Vec::new();
                read_case(text, Some(&plan.line_names), &mut |event| {
                    let event = EventText {
                        step_index: None,
                        by_index: None,
                        ..*event
                    };
                    with.push(format!("{event:?}"))
                });
                if plain.is_some() {
                    assert_eq!(with, without, "{text}");
                }
            }
        }
        assert!(
            found.0 > 1_000 && found.1 > 500,
            "{found:?} steps and roles found"
        );
    }

    /// Every truncation and many one-byte changes of plain lines: whatever the quick reader
    /// accepts, the careful one reads the same way.
    #[test]
    fn the_quick_reader_never_disagrees_with_the_careful_one() {
        let replacements = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'9', b'.', b'e', b'-', b'n',
            b't', b' ', b'x', 0x01,
        ];
        let mut accepted = 0;
        let mut tried = 0;
        for line in LINES {
            let mut variants: Vec<Vec<u8>> = (0..=line.len())
                .map(|cut| line.as_bytes()[..cut].to_vec())
                .collect();
            for at in 0..line.len() {
                for replacement in replacements {
                    let mut bytes = line.as_bytes().to_vec();
                    bytes[at] = replacement;
                    variants.push(bytes.clone());
                    bytes.remove(at);
                    variants.push(bytes);
                }
            }
            for bytes in variants {
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                tried += 1;
                if let Some(quick) = quickly(text) {
                    accepted += 1;
                    assert_eq!(Some(quick), carefully(text), "{text}");
                }
            }
        }
        assert!(
            tried > 10_000 && accepted > 1_000,
            "{tried} tried, {accepted} accepted"
        );
    }
}
