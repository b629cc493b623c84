//! A reader for exactly the JSON of a case line (`docs/cases.md`), into [`RawCase`].
//!
//! The case format is small and fixed, so a reader written for it does a fraction of the work
//! of a general one: the line's UTF-8 is checked once, strings without escapes are borrowed,
//! and each key is matched once. A general JSON parser spent over half of all the time of
//! `waymark run` here (see BENCHMARKS.md). Anything that is not valid JSON, or not the case
//! format, is an error naming the column.

use crate::read::{RawEvent, RawFacts, RawValue};
use std::borrow::Cow;

mod names;
mod quick;
pub(crate) use names::LineNames;
pub(crate) use quick::read_case as read_plain_case;

/// Why a line could not be read, and the 1-based column where that became clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub column: usize,
    /// True when the text is not JSON at all; false when it is JSON but not a case.
    pub syntax: bool,
}

/// Reads one case line: each event is handed to `on_event` as it is read (so no list of them
/// is built); the case id and facts are returned.
pub(crate) fn read_case<'a>(
    text: &'a str,
    on_event: &mut dyn FnMut(&RawEvent<'a>),
) -> Result<(Cow<'a, str>, RawFacts<'a>), JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        on_event,
        depth: 0,
    };
    let case = reader.case()?;
    reader.space();
    if reader.at < reader.bytes.len() {
        return Err(reader.syntax("trailing characters after the case"));
    }
    Ok(case)
}

const CASE_KEYS: &str = "`case`, `facts`, `events`";
const EVENT_KEYS: &str =
    "`step`, `on`, `outcome`, `by`, `reason`, `waived`, `approved_by`, `facts`, `extended_by`";

struct Reader<'a, 'e> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    on_event: &'e mut dyn FnMut(&RawEvent<'a>),
    /// How many lists and objects deep the reader is, inside values it only skips.
    depth: usize,
}

/// Values nested deeper than this are refused rather than followed, so no line can exhaust
/// the stack.
const MAX_DEPTH: usize = 64;

/// A JSON value of the kinds a case holds; lists and objects are only refused, not kept.
enum Value<'a> {
    Text(Cow<'a, str>),
    Number(&'a str),
    Bool(bool),
    Null,
    List,
    Object,
}

impl<'a> Value<'a> {
    fn kind(&self) -> &'static str {
        match self {
            Value::Text(_) => "a text",
            Value::Number(_) => "a number",
            Value::Bool(_) => "true or false",
            Value::Null => "null",
            Value::List => "a list",
            Value::Object => "an object",
        }
    }
}

impl<'a> Reader<'a, '_> {
    fn syntax(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            column: self.column(),
            syntax: true,
        }
    }

    fn shape(&self, message: String) -> JsonError {
        JsonError {
            message,
            column: self.column(),
            syntax: false,
        }
    }

    /// The column (in characters) of the current position.
    fn column(&self) -> usize {
        let at = self.at.min(self.bytes.len());
        self.text
            .get(..at)
            .map_or(at, |before| before.chars().count())
            + 1
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), JsonError> {
        match self.peek() {
            Some(b) if b == byte => {
                self.at += 1;
                Ok(())
            }
            None => Err(self.syntax(&format!("the line ends where {what} was expected"))),
            Some(_) => Err(self.syntax(&format!("expected {what}"))),
        }
    }

    /// Walks the members of an object, calling `member` with each key; the reader is then at
    /// the member's value, which `member` must read.
    fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>, usize) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.expect(b'{', "`{`")?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax("expected a key in double quotes"));
            }
            let key_at = self.at;
            let key = self.string()?;
            self.expect(b':', "`:`")?;
            member(self, key, key_at)?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                None => return Err(self.syntax("the line ends inside an object")),
                Some(_) => return Err(self.syntax("expected `,` or `}`")),
            }
        }
    }

    fn case(&mut self) -> Result<(Cow<'a, str>, RawFacts<'a>), JsonError> {
        let mut id: Option<Cow<'a, str>> = None;
        let mut facts: Option<RawFacts<'a>> = None;
        let mut events = false;
        if self.peek() != Some(b'{') {
            return Err(self.not_a_case());
        }
        self.object(|reader, key, key_at| match key.as_ref() {
            "case" => {
                let value = reader.text_value("case")?;
                reader.once(id.replace(value).is_some(), "case", key_at)
            }
            "facts" => {
                let value = reader.facts()?;
                reader.once(facts.replace(value).is_some(), "facts", key_at)
            }
            "events" => {
                reader.events()?;
                reader.once(std::mem::replace(&mut events, true), "events", key_at)
            }
            other => {
                reader.at = key_at;
                Err(reader.shape(format!(
                    "unknown field `{other}`, expected one of {CASE_KEYS}"
                )))
            }
        })?;
        let Some(case) = id else {
            return Err(self.shape("missing field `case`".to_string()));
        };
        Ok((case, facts.unwrap_or_default()))
    }

    /// Why a line that is not an object cannot be a case: what it is instead, at its start.
    fn not_a_case(&mut self) -> JsonError {
        let start = self.at;
        let first = self.text.get(start..).and_then(|rest| rest.chars().next());
        if first == Some('\0') {
            // UTF-16 text read as UTF-8 has a zero byte beside every character.
            return self.syntax(
                "the line starts with a zero byte: the file looks like UTF-16 text, and case \
                 files are UTF-8 (save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`)",
            );
        }
        let kind = self.value().ok().map(|value| value.kind());
        self.at = start;
        match kind {
            Some(kind) => self.shape(format!(
                "the line is {kind}, but a case line is an object: `{{\"case\":\"C1\",...}}`"
            )),
            None => self.syntax(&format!(
                "a case line is an object starting with `{{`, but this one starts with `{}`",
                first.map_or(String::new(), |c| c.escape_debug().to_string())
            )),
        }
    }

    /// A key given twice is an error, at the second one.
    fn once(&mut self, twice: bool, key: &str, at: usize) -> Result<(), JsonError> {
        if twice {
            self.at = at;
            return Err(self.shape(format!("duplicate field `{key}`")));
        }
        Ok(())
    }

    fn facts(&mut self) -> Result<RawFacts<'a>, JsonError> {
        let mut facts = Vec::new();
        if self.peek() == Some(b'n') {
            self.value()?;
            return Ok(RawFacts(facts));
        }
        if self.peek() != Some(b'{') {
            let value = self.value()?;
            return Err(self.shape(format!("`facts` must be an object, not {}", value.kind())));
        }
        self.object(|reader, key, _| {
            let value = match reader.value()? {
                Value::Text(text) => RawValue::Text(text),
                Value::Number(number) => match number.parse::<u64>() {
                    Ok(whole) => RawValue::Whole(whole),
                    Err(_) => RawValue::Other(number.to_string()),
                },
                Value::Bool(yes) => RawValue::Bool(yes),
                Value::Null => RawValue::Null,
                Value::List => {
                    return Err(reader.shape(format!("the fact `{key}` cannot be a list")));
                }
                Value::Object => {
                    return Err(reader.shape(format!("the fact `{key}` cannot be an object")));
                }
            };
            facts.push((key, value, 0));
            Ok(())
        })?;
        Ok(RawFacts(facts))
    }

    fn events(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'[') => self.at += 1,
            Some(b'n') => {
                self.value()?;
                return Ok(());
            }
            _ => {
                let value = self.value()?;
                return Err(self.shape(format!("`events` must be a list, not {}", value.kind())));
            }
        }
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'{') {
                let value = self.value()?;
                return Err(self.shape(format!("an event must be an object, not {}", value.kind())));
            }
            let event = self.event()?;
            (self.on_event)(&event);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(());
                }
                None => return Err(self.syntax("the line ends inside the list of events")),
                Some(_) => return Err(self.syntax("expected `,` or `]`")),
            }
        }
    }

    fn event(&mut self) -> Result<RawEvent<'a>, JsonError> {
        let mut event = RawEvent::default();
        let mut step = None;
        let mut given_facts = false;
        let start = self.at;
        self.object(|reader, key, key_at| {
            let at = reader.at;
            let twice = match key.as_ref() {
                "step" => step.replace(reader.text_value("step")?).is_some(),
                "on" => replace(&mut event.on, reader.optional_text("on")?),
                "outcome" => replace(&mut event.outcome, reader.optional_text("outcome")?),
                "by" => replace(&mut event.by, reader.optional_text("by")?),
                "reason" => replace(&mut event.reason, reader.optional_text("reason")?),
                "approved_by" => {
                    replace(&mut event.approved_by, reader.optional_text("approved_by")?)
                }
                // Facts recorded at the event's step: the same shape as the case's own facts.
                "facts" => {
                    let facts = reader.facts()?;
                    let twice = std::mem::replace(&mut given_facts, true);
                    event.facts = facts;
                    twice
                }
                // A number (`10`) or a text with the unit (`"10 working days"`); the checker
                // reads it against the step's `extendable` line.
                "extended_by" => {
                    let amount = match reader.value()? {
                        Value::Text(text) => Some(text),
                        Value::Number(number) => Some(Cow::Borrowed(number)),
                        Value::Null => None,
                        other => {
                            reader.at = at;
                            return Err(reader.shape(format!(
                                "`extended_by` must be a number or a text, not {}",
                                other.kind()
                            )));
                        }
                    };
                    replace(&mut event.extended_by, amount)
                }
                "waived" => {
                    let waived = match reader.value()? {
                        Value::Bool(yes) => Some(yes),
                        Value::Null => None,
                        other => {
                            reader.at = at;
                            return Err(reader.shape(format!(
                                "`waived` must be true or false, not {}",
                                other.kind()
                            )));
                        }
                    };
                    replace(&mut event.waived, waived)
                }
                other => {
                    reader.at = key_at;
                    return Err(reader.shape(format!(
                        "unknown field `{other}`, expected one of {EVENT_KEYS}"
                    )));
                }
            };
            reader.once(twice, &key, key_at)
        })?;
        match step {
            Some(step) => {
                event.step = step;
                Ok(event)
            }
            None => {
                let end = self.at;
                self.at = start;
                let error = self.shape("an event is missing its `step`".to_string());
                self.at = end;
                Err(error)
            }
        }
    }

    /// A string value (for `case` and `step`).
    fn text_value(&mut self, key: &str) -> Result<Cow<'a, str>, JsonError> {
        let at = self.at;
        match self.value()? {
            Value::Text(text) => Ok(text),
            other => {
                self.at = at;
                Err(self.shape(format!("`{key}` must be a text, not {}", other.kind())))
            }
        }
    }

    /// A string value or `null`.
    fn optional_text(&mut self, key: &str) -> Result<Option<Cow<'a, str>>, JsonError> {
        let at = self.at;
        match self.value()? {
            Value::Text(text) => Ok(Some(text)),
            Value::Null => Ok(None),
            other => {
                self.at = at;
                Err(self.shape(format!("`{key}` must be a text, not {}", other.kind())))
            }
        }
    }

    /// Any JSON value; lists and objects are read through and reported only by kind.
    fn value(&mut self) -> Result<Value<'a>, JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.shape(format!("values are nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let value = self.plain_value();
        self.depth -= 1;
        value
    }

    fn plain_value(&mut self) -> Result<Value<'a>, JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(Value::Text),
            Some(b'{') => {
                self.object(|reader, _, _| reader.value().map(drop))?;
                Ok(Value::Object)
            }
            Some(b'[') => {
                self.at += 1;
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::List);
                }
                loop {
                    self.value()?;
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::List);
                        }
                        None => return Err(self.syntax("the line ends inside a list")),
                        Some(_) => return Err(self.syntax("expected `,` or `]`")),
                    }
                }
            }
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => Err(self.syntax("the line ends where a value was expected")),
            Some(_) => Err(self.syntax("expected a value")),
        }
    }

    fn word(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, JsonError> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Value<'a>, JsonError> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = |reader: &mut Self| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at > from
        };
        if !digits(self) {
            return Err(self.syntax("expected a digit"));
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.syntax("expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.syntax("expected a digit in the exponent"));
            }
        }
        Ok(Value::Number(self.text.get(start..self.at).unwrap_or("0")))
    }

    /// A string: borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.at += 1; // the opening quote, checked by the caller
        let start = self.at;
        let stop = find_special(self.bytes, start);
        match stop.map(|at| (at, self.bytes.get(at).copied())) {
            Some((at, Some(b'"'))) => {
                self.at = at + 1;
                return Ok(Cow::Borrowed(self.text.get(start..at).unwrap_or_default()));
            }
            Some((at, Some(b'\\'))) => self.at = at,
            Some((at, _)) => {
                self.at = at;
                return Err(self.syntax("a control character inside a text"));
            }
            None => {
                self.at = self.bytes.len();
                return Err(self.syntax("the line ends inside a text"));
            }
        }
        let mut owned = String::from(self.text.get(start..self.at).unwrap_or_default());
        loop {
            let plain = self.at;
            while let Some(byte) = self.bytes.get(self.at)
                && !matches!(byte, b'"' | b'\\' | 0..=0x1f)
            {
                self.at += 1;
            }
            owned.push_str(self.text.get(plain..self.at).unwrap_or_default());
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = match self.bytes.get(self.at) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            let c = self.unicode_escape()?;
                            owned.push(c);
                            continue;
                        }
                        _ => return Err(self.syntax("an unknown escape after `\\`")),
                    };
                    self.at += 1;
                    owned.push(escaped);
                }
                Some(_) => return Err(self.syntax("a control character inside a text")),
                None => return Err(self.syntax("the line ends inside a text")),
            }
        }
    }

    /// The four hex digits after `\u` (and a second `\uXXXX` for a surrogate pair).
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                return Err(self.syntax("a lone surrogate in a `\\u` escape"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.syntax("a lone surrogate in a `\\u` escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.syntax("an invalid `\\u` escape"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.syntax("expected four hex digits after `\\u`"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.syntax("expected four hex digits"))
    }
}

/// The first quote, backslash or control character at or after `from`: eight bytes at a time.
fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte is zero in `x` exactly when the high bit of its lane in `zero(x)` is set
        // (the classic test; other lanes may be flagged only above a true match).
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        let quote = zero(v ^ (ONES * u64::from(b'"')));
        let backslash = zero(v ^ (ONES * u64::from(b'\\')));
        let control = v.wrapping_sub(ONES * 0x20) & !v & HIGHS;
        let hits = quote | backslash | control;
        if hits != 0 {
            return Some(from + offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| from + offset + i)
}

/// Sets an optional field, saying whether it was already set.
fn replace<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let twice = slot.is_some();
    if value.is_some() {
        *slot = value;
    }
    twice
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Read<'a> {
        case: Cow<'a, str>,
        facts: RawFacts<'a>,
        events: Vec<RawEvent<'a>>,
    }

    fn read(text: &str) -> Result<Read<'_>, JsonError> {
        let mut events = Vec::new();
        let (case, facts) = read_case(text, &mut |event: &RawEvent<'_>| {
            events.push(RawEvent {
                step: event.step.clone(),
                on: event.on.clone(),
                outcome: event.outcome.clone(),
                by: event.by.clone(),
                reason: event.reason.clone(),
                waived: event.waived,
                approved_by: event.approved_by.clone(),
                facts: event.facts.clone(),
                extended_by: event.extended_by.clone(),
                line: event.line,
            })
        })?;
        Ok(Read {
            case,
            facts,
            events,
        })
    }

    #[test]
    fn reads_a_case_borrowing_plain_strings() {
        let case = read(
            r#" {"case":"C1","facts":{"threshold":"level3","age":16,"homeless":true,"x":null},
               "events":[{"step":"referral","on":"2026-01-05"},
                         {"step":"child_seen_alone","waived":true,"reason":"said \"no\"\n\u00e9\ud83d\ude00"}]} "#,
        )
        .unwrap();
        assert_eq!(case.case, "C1");
        assert!(matches!(case.case, Cow::Borrowed(_)));
        assert_eq!(case.facts.0.len(), 4);
        assert!(matches!(case.facts.0[1].1, RawValue::Whole(16)));
        assert_eq!(case.events.len(), 2);
        assert_eq!(case.events[1].waived, Some(true));
        assert_eq!(case.events[1].reason.as_deref(), Some("said \"no\"\né😀"));
    }

    #[test]
    fn a_line_that_is_not_an_object_says_what_it_is() {
        let message = |text: &str| read(text).map(|_| ()).unwrap_err().message;
        assert!(message("[1,2]").starts_with("the line is a list, but a case line is an object"));
        assert!(message(" null").starts_with("the line is null, but"));
        assert!(message("x{}").ends_with("but this one starts with `x`"));
        assert!(message("\0{\0}").contains("looks like UTF-16"));
        assert!(!read("[1,2]").map(|_| ()).unwrap_err().syntax);
        // The position stays at the line's start, where the object should have begun.
        assert_eq!(read("  [1]").map(|_| ()).unwrap_err().column, 3);
    }

    #[test]
    fn finds_special_bytes_like_a_plain_scan() {
        let plain = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .map(|i| from + i)
        };
        let mut samples: Vec<Vec<u8>> = vec![b"abc".to_vec(), Vec::new()];
        for special in [b'"', b'\\', b'\n', 0, 0x1f] {
            for at in 0..20 {
                let mut text = vec![b'a'; 20];
                text[at] = special;
                text.push(0xC3);
                text.push(0xA9);
                samples.push(text);
            }
        }
        let bytes: Vec<u8> = (0..=255).collect();
        samples.push(bytes);
        for sample in &samples {
            for from in 0..sample.len() {
                assert_eq!(
                    find_special(sample, from),
                    plain(sample, from),
                    "{sample:?} {from}"
                );
            }
        }
    }

    /// Every truncation and many one-byte changes of a real line: an answer, never a panic.
    #[test]
    fn damaged_lines_never_panic() {
        let line = r#"{"case":"C\u00e9","facts":{"threshold":"level3","age":16.5e1,"x":[{"y":null}]},"events":[{"step":"referral","on":"2026-01-05","reason":"a \"b\"\n"},{"step":"d","waived":false}]}"#;
        let replacements = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'n', b' ', 0x01,
        ];
        let mut tried = 0;
        for cut in 0..=line.len() {
            if let Some(text) = line.get(..cut) {
                let _ = read_case(text, &mut |_| {});
                tried += 1;
            }
        }
        for at in 0..line.len() {
            for replacement in replacements {
                let mut bytes = line.as_bytes().to_vec();
                bytes[at] = replacement;
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    let _ = read_case(text, &mut |_| {});
                    tried += 1;
                }
            }
        }
        assert!(tried > 2_000, "{tried}");
        // The line itself is valid JSON, but a fact cannot be a list.
        let whole = read_case(line, &mut |_| {}).map(|_| ()).unwrap_err();
        assert!(!whole.syntax && whole.message.contains("`x` cannot be a list"));
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        let error = |text| read(text).map(|_| ()).unwrap_err();
        assert_eq!(error(r#"{"case":"A","events":[]"#).column, 24);
        assert!(error(r#"{"case":"A","events":[]"#).syntax);
        assert!(
            error(r#"{"case":"A","date":1}"#)
                .message
                .contains("unknown field `date`")
        );
        assert!(
            error(r#"{"case":"A","events":[{"on":"2026-01-01"}]}"#)
                .message
                .contains("missing its `step`")
        );
        assert!(
            error(r#"{"case":7}"#)
                .message
                .contains("`case` must be a text, not a number")
        );
        assert!(
            error(r#"{"case":"A","case":"B"}"#)
                .message
                .contains("duplicate field")
        );
        assert!(
            error(r#"{"facts":{}}"#)
                .message
                .contains("missing field `case`")
        );
        assert!(error(r#"{"case":"A"} x"#).message.contains("trailing"));
        assert!(error(r#"{"case":"A\x"}"#).syntax);
        assert!(error("not json").syntax);
        let deep = format!(
            r#"{{"case":"A","facts":{{"a":{}1{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(error(&deep).message.contains("nested more than 64 deep"));
        assert!(
            error(r#"{"case":"A","facts":{"a":[1]}}"#)
                .message
                .contains("cannot be a list")
        );
        assert!(
            error(r#"{"case":"A","events":[{"step":"a","waived":"yes"}]}"#)
                .message
                .contains("`waived` must be true or false")
        );
    }
}
