//! Small writers shared by the renderers: dates (from a table made when Waymark is compiled),
//! times, JSON strings, numbers and CSV fields, without the formatting machinery.
#![allow(
    clippy::indexing_slicing,
    reason = "fixed-size arrays indexed by constants and by positions counted within them"
)]

use crate::case::When;
use crate::due::Due;
use chrono::{NaiveDate, Timelike};
use std::fmt::Write;

pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    match quoted_date(date).and_then(|quoted| quoted.get(1..11)) {
        Some(text) => out.push_str(text),
        None => {
            let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        }
    }
}

/// A covered date as a JSON string, `"YYYY-MM-DD"`, from the table below.
#[inline(always)]
fn quoted_date(date: NaiveDate) -> Option<&'static str> {
    DATE_PIECES
        .get(waymark_calendar::day_number(date)?)?
        .get(..12)
}

/// A covered date as a JSON string and the end of a JSON row after it, `"YYYY-MM-DD"},`.
#[inline(always)]
fn quoted_date_ending_row(date: NaiveDate) -> Option<&'static str> {
    let piece = DATE_PIECES.get(waymark_calendar::day_number(date)?)?;
    // (Always so: said, so that the copy is known to be of fourteen bytes, made in place.)
    (piece.len() == DATE_STRIDE).then_some(*piece)
}

/// Every date the calendars cover, written `"YYYY-MM-DD"},`, each its own piece of
/// [`DATE_BYTES`] (made when Waymark is compiled): writing a date is then copying twelve
/// bytes, and most rows of a JSON report end with their done date, which is then copied with
/// the row's end as one piece of fourteen. A piece apiece, not one text cut at both ends for
/// each date: each cut was checked to fall between characters. Reports print about seventy
/// dates a case.
static DATE_PIECES: [&str; DAYS] = {
    let mut pieces = [""; DAYS];
    let mut rest: &[u8] = &DATE_BYTES;
    let mut day = 0;
    while day < DAYS {
        let (piece, after) = rest.split_at(DATE_STRIDE);
        pieces[day] = match std::str::from_utf8(piece) {
            Ok(text) => text,
            Err(_) => "",
        };
        rest = after;
        day += 1;
    }
    pieces
};

const FIRST_YEAR: usize = waymark_calendar::FIRST_YEAR as usize;
const LAST_YEAR: usize = waymark_calendar::LAST_YEAR as usize;

const DAYS: usize = {
    let mut days = 0;
    let mut year = FIRST_YEAR;
    while year <= LAST_YEAR {
        days += if waymark_calendar::is_leap_year(year as i32) {
            366
        } else {
            365
        };
        year += 1;
    }
    days
};

/// The bytes a date takes in [`DATE_BYTES`].
const DATE_STRIDE: usize = 14;

static DATE_BYTES: [u8; DAYS * DATE_STRIDE] = {
    let mut bytes = [0u8; DAYS * DATE_STRIDE];
    let mut at = 0;
    let mut year = FIRST_YEAR;
    while year <= LAST_YEAR {
        let leap = waymark_calendar::is_leap_year(year as i32);
        let mut month = 1;
        while month <= 12 {
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let mut day = 1;
            while day <= days {
                let digits = [
                    year / 1000,
                    year / 100 % 10,
                    year / 10 % 10,
                    year % 10,
                    month / 10,
                    month % 10,
                    day / 10,
                    day % 10,
                ];
                let text = [
                    b'"',
                    b'0' + digits[0] as u8,
                    b'0' + digits[1] as u8,
                    b'0' + digits[2] as u8,
                    b'0' + digits[3] as u8,
                    b'-',
                    b'0' + digits[4] as u8,
                    b'0' + digits[5] as u8,
                    b'-',
                    b'0' + digits[6] as u8,
                    b'0' + digits[7] as u8,
                    b'"',
                    b'}',
                    b',',
                ];
                let mut k = 0;
                while k < DATE_STRIDE {
                    bytes[at + k] = text[k];
                    k += 1;
                }
                at += DATE_STRIDE;
                day += 1;
            }
            month += 1;
        }
        year += 1;
    }
    bytes
};

/// `T09:05`. Digits pushed one by one: a formatting call per time cost 500 instructions.
fn push_time(out: &mut String, hour: u32, minute: u32) {
    out.push('T');
    push_two_digits(out, hour);
    out.push(':');
    push_two_digits(out, minute);
}

fn push_two_digits(out: &mut String, value: u32) {
    let digit = |value: u32| char::from_digit(value % 10, 10).unwrap_or('0');
    out.push(digit(value / 10));
    out.push(digit(value));
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, date);
    out
}

/// `2026-07-01` or `2026-07-01T15:00`.
pub fn when_text(when: When) -> String {
    let mut out = String::with_capacity(16);
    push_when(&mut out, when);
    out
}

/// [`when_text`], written onto `out`.
pub(crate) fn push_when(out: &mut String, when: When) {
    push_date(out, when.date);
    if let Some(time) = when.time {
        push_time(out, time.hour(), time.minute());
    }
}

/// `2026-07-01`, or `2026-07-01T15:00` for an hours deadline.
pub fn due_text(due: Due) -> String {
    match due {
        Due::Day(date) => date_text(date),
        Due::At(moment) => {
            let mut out = date_text(moment.date());
            push_time(&mut out, moment.hour(), moment.minute());
            out
        }
    }
}

/// Text from a case file made safe to show: control characters written as escapes (so a line
/// break in a case id cannot forge a line of output, nor an escape sequence reach the
/// terminal), and at most `MAX_SHOWN` characters (a 50 MB fact value must not become a 50 MB
/// line in a log).
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = text.len() <= MAX_SHOWN && !text.chars().any(char::is_control);
    if plain {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX_SHOWN {
            let rest = text.chars().count() - count;
            let _ = write!(out, "... ({rest} more characters)");
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How many characters of a case file's text a message or a table shows.
const MAX_SHOWN: usize = 300;

/// A JSON string, quoted and escaped.
pub(crate) fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    if !needs_escape(text) {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (index, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain = index + 1;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// Whether `text` holds a byte JSON escapes: `"`, `\` or a control character. Eight bytes at
/// a time: the reasons a case file gives are the longest text a report copies, and a byte at a
/// time cost six instructions a byte.
pub(super) fn needs_escape(text: &str) -> bool {
    let mut words = text.as_bytes().chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        if has_byte(word, b'"') || has_byte(word, b'\\') || has_byte_below(word, 0x20) {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|byte| *byte == b'"' || *byte == b'\\' || *byte < 0x20)
}

/// Each byte of a word set to one.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// Each byte of a word with only its top bit set.
const TOPS: u64 = ONES * 0x80;

/// Whether a byte of `word` is `byte`.
fn has_byte(word: u64, byte: u8) -> bool {
    has_byte_below(word ^ (ONES * u64::from(byte)), 1)
}

/// Whether a byte of `word` is below `limit` (at most 128). A byte below it borrows when
/// `limit` is taken from it and had its top bit clear, so its top bit is set in the result; a
/// borrow only runs on from a byte that was itself below, so no other byte can raise the flag.
fn has_byte_below(word: u64, limit: u8) -> bool {
    word.wrapping_sub(ONES * u64::from(limit)) & !word & TOPS != 0
}

/// A date as a JSON string, or `null`. Inlined: a report writes about fifty a case, and the
/// table makes a covered date a copy of twelve bytes. (Left to itself, the compiler kept it a
/// call: the call cost as much as the copy.)
#[inline(always)]
pub(crate) fn push_json_date(out: &mut String, date: Option<NaiveDate>) {
    match date {
        Some(date) => match quoted_date(date) {
            Some(quoted) => out.push_str(quoted),
            None => push_uncovered_json_date(out, date),
        },
        None => out.push_str("null"),
    }
}

/// [`push_json_date`] for the last field of a JSON row, and the row's end: `"YYYY-MM-DD"},`
/// (or `null},`), one copy where it was two.
#[inline(always)]
pub(crate) fn push_json_date_ending_row(out: &mut String, date: Option<NaiveDate>) {
    match date {
        Some(date) => match quoted_date_ending_row(date) {
            Some(quoted) => out.push_str(quoted),
            None => {
                push_uncovered_json_date(out, date);
                out.push_str("},");
            }
        },
        None => out.push_str("null},"),
    }
}

/// A date the calendars do not cover (before 1990 or after 2100), formatted: kept out of line
/// so that the common path above stays small enough to inline.
#[cold]
#[inline(never)]
fn push_uncovered_json_date(out: &mut String, date: NaiveDate) {
    out.push('"');
    push_date(out, date);
    out.push('"');
}

/// A whole number, without the formatting machinery. A single digit (most counts in a report)
/// is one push; a longer number is cut into pairs of digits from its low end, which are then
/// pushed from its high end, two bytes from a table for each pair: a digit masked to `0`-`?`
/// is known to be one byte, so pushing it is a store (checking digits as UTF-8 to push them as
/// one `str` cost twice as much).
#[inline]
pub(crate) fn push_number(out: &mut String, n: u64) {
    match n {
        0..=9 => out.push(char::from(b'0' | n as u8)),
        _ => push_long_number(out, n),
    }
}

fn push_long_number(out: &mut String, n: u64) {
    // A u64 has at most twenty digits: ten pairs, the highest of which may be one digit.
    let mut pairs = [0u8; 10];
    let mut count = 0;
    let mut high = n;
    while high >= 100 {
        pairs[count] = (high % 100) as u8;
        high /= 100;
        count += 1;
    }
    match high {
        0..=9 => out.push(char::from(b'0' | high as u8)),
        _ => push_pair(out, high as u8),
    }
    for pair in pairs[..count].iter().rev() {
        push_pair(out, *pair);
    }
}

/// Two digits, `00` to `99`.
fn push_pair(out: &mut String, pair: u8) {
    let [tens, ones] = DIGIT_PAIRS[usize::from(pair % 100)];
    out.push(char::from(b'0' | (tens & 0x0f)));
    out.push(char::from(b'0' | (ones & 0x0f)));
}

/// The digits of 0 to 99, as numbers.
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [(n / 10) as u8, (n % 10) as u8];
        n += 1;
    }
    pairs
};

/// A CSV field of text from a case file (a case id, a reason, a problem quoting one), quoted
/// when it holds a comma, quote or line break. A field a spreadsheet would take for a formula
/// (starting `=`, `+`, `-`, `@`, a tab or a carriage return) gets a `'` first, as OWASP advises
/// against CSV injection: analysts open this output in Excel. `-` is guarded even before a
/// digit, since `-1+1` or `-2+3+cmd|...` is a formula too; a number Waymark worked out itself
/// goes through [`push_csv_number`] instead, unguarded.
pub fn push_csv_field(out: &mut String, text: &str) {
    let guard = if looks_like_formula(text) { "'" } else { "" };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(guard);
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(guard);
        out.push_str(text);
    }
}

/// A CSV field holding a number Waymark worked out itself (a count, a signed number of working
/// days): written as it is, so a spreadsheet reads `-5` as minus five. Never case text.
pub fn push_csv_number(out: &mut String, n: i64) {
    let _ = write!(out, "{n}");
}

/// Whether a spreadsheet could read `text` as the start of a formula.
fn looks_like_formula(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_field(text: &str) -> String {
        let mut out = String::new();
        push_csv_field(&mut out, text);
        out
    }

    #[test]
    fn csv_fields_that_a_spreadsheet_would_run_get_a_quote_first() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-cmd"), "'-cmd");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
        // Text from a case file that starts with `-` is guarded even before a digit: Excel
        // evaluates `-1+1`, and `-2+3+cmd|' /C calc'!A0` runs a program.
        assert_eq!(csv_field("-1+1"), "'-1+1");
        assert_eq!(
            csv_field("-2+3+cmd|' /C calc'!A0"),
            "'-2+3+cmd|' /C calc'!A0"
        );
        assert_eq!(csv_field("-3"), "'-3");
        assert_eq!(csv_field("-"), "'-");
        // Plain text and inner signs are left alone.
        assert_eq!(csv_field("C1"), "C1");
        assert_eq!(csv_field("a=b, c"), "\"a=b, c\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn numbers_waymark_works_out_are_not_guarded() {
        let mut out = String::new();
        push_csv_number(&mut out, -5);
        out.push(',');
        push_csv_number(&mut out, 12);
        assert_eq!(out, "-5,12");
    }

    #[test]
    fn text_from_a_case_file_is_shown_escaped_and_short() {
        assert_eq!(shown("C1"), "C1");
        assert_eq!(shown("C1\nerror: forged"), "C1\\nerror: forged");
        assert_eq!(shown("\u{1b}[31mred"), "\\u{1b}[31mred");
        let long = "x".repeat(50_000);
        let short = shown(&long);
        assert!(
            short.len() < 400 && short.ends_with("(49700 more characters)"),
            "{short}"
        );
    }

    #[test]
    fn json_dates_are_chronos_dates_quoted_from_1990_to_2100_and_beyond() {
        let json_date = |date: Option<NaiveDate>| {
            let mut out = String::from("x");
            push_json_date(&mut out, date);
            out
        };
        let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap();
        for date in first.iter_days().take_while(|date| *date <= last) {
            assert_eq!(
                json_date(Some(date)),
                format!("x\"{}\"", date.format("%Y-%m-%d"))
            );
        }
        // Outside the table: formatted, the same way.
        for (year, month, day) in [(1989, 12, 31), (1066, 10, 14), (2101, 1, 1), (9999, 2, 28)] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert_eq!(
                json_date(Some(date)),
                format!("x\"{}\"", date.format("%Y-%m-%d"))
            );
        }
        assert_eq!(json_date(None), "xnull");
    }

    #[test]
    fn text_needs_escaping_exactly_when_a_byte_does() {
        let slow = |text: &str| text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
        // Every ASCII byte, at every place of texts of up to 19 bytes, among plain letters
        // and among other bytes that sit near the limits.
        for fill in ["a", "!", " ", "#", "[", "]", "\u{7f}", "é"] {
            for len in 0..20 {
                let base = fill.repeat(len);
                assert_eq!(needs_escape(&base), slow(&base), "{base:?}");
                for at in 0..len {
                    for byte in 0..0x80u8 {
                        let mut text = fill.repeat(at);
                        text.push(char::from(byte));
                        text.push_str(&fill.repeat(len - at - 1));
                        assert_eq!(needs_escape(&text), slow(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_are_written_as_rust_writes_them() {
        let mut numbers = vec![
            0,
            1,
            9,
            10,
            11,
            99,
            100,
            101,
            12_345,
            u64::MAX,
            u64::MAX - 1,
        ];
        numbers.extend((0..20).map(|power| 10u64.pow(power)));
        numbers.extend((1..20).map(|power| 10u64.pow(power) - 1));
        for n in numbers {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn the_date_table_holds_every_covered_date() {
        let first = waymark_calendar::first_date();
        let last = waymark_calendar::last_date();
        let mut count = 0;
        for date in first.iter_days().take_while(|date| *date <= last) {
            let expected = format!("\"{date}\"");
            assert_eq!(quoted_date(date), Some(expected.as_str()));
            let ending = format!("\"{date}\"}},");
            assert_eq!(quoted_date_ending_row(date), Some(ending.as_str()));
            count += 1;
        }
        assert_eq!(count, DATE_PIECES.len());
        assert_eq!(quoted_date(last.succ_opt().unwrap()), None);
        // Dates outside the table are written in full all the same.
        for date in [first.pred_opt().unwrap(), last.succ_opt().unwrap()] {
            let mut out = String::new();
            push_json_date_ending_row(&mut out, Some(date));
            assert_eq!(out, format!("\"{date}\"}},"));
        }
        let mut out = String::new();
        push_json_date_ending_row(&mut out, None);
        assert_eq!(out, "null},");
    }
}
