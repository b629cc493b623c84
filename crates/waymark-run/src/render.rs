//! Case reports as text: JSON Lines, CSV rows and a table for the terminal. Written by hand
//! into one `String` per batch, with a fixed key order, so the bytes never depend on hashing,
//! threads or the serde version.

use crate::case::{BadCase, InputFile, When};
use crate::due::Due;
use crate::plan::Plan;
use crate::report::{CaseReport, Outcome, Row, State, Status};
use chrono::{NaiveDate, Timelike};
use std::fmt::Write;

/// How to print cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines: one object per case.
    Json,
    /// One row per case and step.
    Csv,
    /// For people: a block per case, coloured when `colour` is set.
    Table { colour: bool },
}

/// Appends one case in `format`.
pub fn render(plan: &Plan, outcome: &Outcome, format: Format, as_of: NaiveDate, out: &mut String) {
    match (format, outcome) {
        (Format::Json, Outcome::Ran(report)) => json_case(plan, report, out),
        (Format::Json, Outcome::Bad(bad)) => json_bad(bad, as_of, out),
        (Format::Csv, Outcome::Ran(report)) => csv_case(plan, report, out),
        (Format::Csv, Outcome::Bad(bad)) => csv_bad(bad, as_of, out),
        (Format::Table { colour }, Outcome::Ran(report)) => table_case(plan, report, colour, out),
        (Format::Table { colour }, Outcome::Bad(bad)) => table_bad(bad, colour, out),
    }
}

/// The problems of a bad case as lines for standard error.
pub fn bad_case_lines(bad: &BadCase) -> Vec<String> {
    let id = bad.id.as_deref().unwrap_or("(no case id)");
    bad.problems
        .iter()
        .map(|problem| {
            let file = match problem.file {
                InputFile::Cases => "",
                InputFile::Facts => "facts file ",
            };
            format!(
                "error: case {id}, {file}line {}: {}",
                problem.line, problem.message
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Small writers

pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    match quoted_date(date).and_then(|quoted| quoted.get(1..11)) {
        Some(text) => out.push_str(text),
        None => {
            let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        }
    }
}

/// A covered date as a JSON string, `"YYYY-MM-DD"`, from the table below.
fn quoted_date(date: NaiveDate) -> Option<&'static str> {
    let at = waymark_calendar::day_number(date)? * 12;
    DATE_TEXTS.get(at..at + 12)
}

/// Every date the calendars cover, written `"YYYY-MM-DD"` one after another (490 KB, made
/// when Waymark is compiled): writing a date is then copying twelve bytes. Reports print
/// about seventy dates a case.
static DATE_TEXTS: &str = match std::str::from_utf8(&DATE_BYTES) {
    Ok(text) => text,
    Err(_) => "",
};

const FIRST_YEAR: usize = waymark_calendar::FIRST_YEAR as usize;
const LAST_YEAR: usize = waymark_calendar::LAST_YEAR as usize;

const fn is_leap(year: usize) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const DAYS: usize = {
    let mut days = 0;
    let mut year = FIRST_YEAR;
    while year <= LAST_YEAR {
        days += if is_leap(year) { 366 } else { 365 };
        year += 1;
    }
    days
};

static DATE_BYTES: [u8; DAYS * 12] = {
    let mut bytes = [0u8; DAYS * 12];
    let mut at = 0;
    let mut year = FIRST_YEAR;
    while year <= LAST_YEAR {
        let leap = is_leap(year);
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
                ];
                let mut k = 0;
                while k < 12 {
                    bytes[at + k] = text[k];
                    k += 1;
                }
                at += 12;
                day += 1;
            }
            month += 1;
        }
        year += 1;
    }
    bytes
};

fn push_time(out: &mut String, hour: u32, minute: u32) {
    let _ = write!(out, "T{hour:02}:{minute:02}");
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, date);
    out
}

/// `2026-07-01` or `2026-07-01T15:00`.
pub fn when_text(when: When) -> String {
    let mut out = String::with_capacity(16);
    push_date(&mut out, when.date);
    if let Some(time) = when.time {
        push_time(&mut out, time.hour(), time.minute());
    }
    out
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

/// A JSON string, quoted and escaped.
pub(crate) fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    if !text
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
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

fn push_json_date(out: &mut String, date: Option<NaiveDate>) {
    match date {
        Some(date) => match quoted_date(date) {
            Some(quoted) => out.push_str(quoted),
            None => {
                out.push('"');
                push_date(out, date);
                out.push('"');
            }
        },
        None => out.push_str("null"),
    }
}

fn step_name<'p>(plan: &Plan<'p>, id: waymark_compile::StepId) -> &'p str {
    &plan.procedure.step(id).id
}

/// The step's name as a quoted JSON string, escaped once when the plan was made.
fn push_json_name(plan: &Plan, id: waymark_compile::StepId, out: &mut String) {
    out.push_str(
        plan.json_names
            .get(id.0 as usize)
            .map_or("null", String::as_str),
    );
}

/// A whole number, without the formatting machinery.
pub(crate) fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written, so this always succeeds.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

fn json_case(plan: &Plan, report: &CaseReport, out: &mut String) {
    out.push_str("{\"case\":");
    push_json_string(out, &report.case.id);
    out.push_str(",\"line\":");
    push_number(out, report.case.line as u64);
    out.push_str(",\"as_of\":");
    push_json_date(out, Some(report.as_of));
    out.push_str(",\"state\":\"");
    out.push_str(report.state.word());
    out.push_str("\",\"end\":");
    match report.end {
        Some(end) => push_json_name(plan, end, out),
        None => out.push_str("null"),
    }
    out.push_str(",\"at\":");
    json_names(plan, &report.at, out);
    out.push_str(",\"next\":");
    match report.next.and_then(|index| report.rows.get(index)) {
        Some(row) => {
            out.push_str("{\"step\":");
            push_json_name(plan, row.step, out);
            if let Some(occurrence) = row.occurrence {
                out.push_str(",\"occurrence\":");
                push_number(out, u64::from(occurrence));
            }
            out.push_str(",\"due\":");
            push_json_date(out, row.due.map(Due::date));
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"left\":");
    match &report.left {
        Some(left) => {
            out.push_str("{\"step\":");
            push_json_name(plan, left.step, out);
            out.push_str(",\"on\":");
            push_json_date(out, left.on.map(|on| on.date));
            let _ = write!(out, ",\"line\":{},\"expected\":", left.line);
            json_names(plan, &left.expected, out);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"ignored_after_as_of\":");
    push_number(out, report.ignored_after_as_of as u64);
    out.push_str(",\"steps\":[");
    for (index, row) in report.rows.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        json_row(plan, report, row, out);
    }
    out.push_str("],\"warnings\":[");
    for (index, warning) in report.warnings.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"line\":{},\"message\":", warning.line);
        push_json_string(out, &warning.message);
        out.push('}');
    }
    out.push_str("],\"errors\":[]}\n");
}

fn json_names(plan: &Plan, ids: &[waymark_compile::StepId], out: &mut String) {
    out.push('[');
    for (index, id) in ids.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_json_name(plan, *id, out);
    }
    out.push(']');
}

fn json_row(plan: &Plan, report: &CaseReport, row: &Row, out: &mut String) {
    match row.occurrence {
        // Most rows: the step and status were written once, when the plan was made.
        None => out.push_str(plan.json_row_start(row.step, row.status)),
        Some(occurrence) => {
            out.push_str("{\"step\":");
            push_json_name(plan, row.step, out);
            out.push_str(",\"occurrence\":");
            push_number(out, u64::from(occurrence));
            out.push_str(",\"status\":\"");
            out.push_str(row.status.word());
            out.push('"');
        }
    }
    if row.status == Status::NotApplicable && row.due.is_none() && row.done.is_none() {
        out.push_str(",\"due\":null,\"target\":null,\"done\":null}");
        return;
    }
    out.push_str(",\"due\":");
    push_json_date(out, row.due.map(Due::date));
    out.push_str(",\"target\":");
    push_json_date(out, row.target.map(Due::date));
    out.push_str(",\"done\":");
    push_json_date(out, row.done.map(|done| done.date));
    if let Some(due @ Due::At(_)) = row.due {
        out.push_str(",\"due_at\":\"");
        out.push_str(&due_text(due));
        out.push('"');
    }
    if let Some(target @ Due::At(_)) = row.target {
        out.push_str(",\"target_at\":\"");
        out.push_str(&due_text(target));
        out.push('"');
    }
    if let Some(done) = row.done.filter(|done| done.time.is_some()) {
        out.push_str(",\"done_at\":\"");
        out.push_str(&when_text(done));
        out.push('"');
    }
    match row.target_met {
        Some(true) => out.push_str(",\"target_met\":true"),
        Some(false) => out.push_str(",\"target_met\":false"),
        None => {}
    }
    match row.reason_recorded {
        Some(true) => out.push_str(",\"reason_recorded\":true"),
        Some(false) => out.push_str(",\"reason_recorded\":false"),
        None => {}
    }
    if let Some(event) = row.event.and_then(|index| report.case.events.get(index)) {
        if let Some(outcome) = event.outcome {
            let step = plan.procedure.step(row.step);
            if let Some(outcome) = step.outcomes.get(outcome) {
                out.push_str(",\"outcome\":");
                push_json_string(out, &outcome.id);
            }
        }
        if let Some(reason) = &event.reason {
            out.push_str(",\"reason\":");
            push_json_string(out, reason);
        }
    }
    out.push('}');
}

fn json_bad(bad: &BadCase, as_of: NaiveDate, out: &mut String) {
    out.push_str("{\"case\":");
    match &bad.id {
        Some(id) => push_json_string(out, id),
        None => out.push_str("null"),
    }
    let _ = write!(out, ",\"line\":{},\"as_of\":", bad.line);
    push_json_date(out, Some(as_of));
    out.push_str(
        ",\"state\":\"error\",\"end\":null,\"at\":[],\"next\":null,\"left\":null,\
         \"ignored_after_as_of\":0,\"steps\":[],\"warnings\":[],\"errors\":[",
    );
    for (index, problem) in bad.problems.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push('{');
        if problem.file == InputFile::Facts {
            out.push_str("\"file\":\"facts\",");
        }
        let _ = write!(out, "\"line\":{},\"message\":", problem.line);
        push_json_string(out, &problem.message);
        out.push('}');
    }
    out.push_str("]}\n");
}

// ---------------------------------------------------------------------------------------------
// CSV

/// The header line of `--format csv`.
pub const CSV_HEADER: &str =
    "case,as_of,state,step,occurrence,status,due,target,done,reason_recorded,target_met,note\n";

/// A CSV field, quoted when it holds a comma, quote or line break.
pub fn push_csv_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

fn csv_case(plan: &Plan, report: &CaseReport, out: &mut String) {
    for row in &report.rows {
        push_csv_field(out, &report.case.id);
        out.push(',');
        push_date(out, report.as_of);
        out.push(',');
        out.push_str(report.state.word());
        out.push(',');
        push_csv_field(out, step_name(plan, row.step));
        out.push(',');
        if let Some(occurrence) = row.occurrence {
            let _ = write!(out, "{occurrence}");
        }
        out.push(',');
        out.push_str(row.status.word());
        for value in [
            row.due.map(due_text),
            row.target.map(due_text),
            row.done.map(when_text),
        ] {
            out.push(',');
            out.push_str(value.as_deref().unwrap_or(""));
        }
        for flag in [row.reason_recorded, row.target_met] {
            out.push(',');
            if let Some(flag) = flag {
                let _ = write!(out, "{flag}");
            }
        }
        out.push(',');
        let reason = row
            .event
            .and_then(|index| report.case.events.get(index))
            .and_then(|event| event.reason.as_deref());
        push_csv_field(out, reason.unwrap_or(""));
        out.push('\n');
    }
}

fn csv_bad(bad: &BadCase, as_of: NaiveDate, out: &mut String) {
    for line in bad_case_lines(bad) {
        push_csv_field(out, bad.id.as_deref().unwrap_or(""));
        out.push(',');
        push_date(out, as_of);
        out.push_str(",error,,,,,,,,,");
        push_csv_field(out, line.trim_start_matches("error: "));
        out.push('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// Table

pub(crate) struct Paint {
    pub colour: bool,
}

impl Paint {
    pub(crate) fn status(&self, status: Status, width: usize) -> String {
        let word = format!("{:<width$}", status.word());
        let code = match status {
            Status::Met => "32",
            Status::Late => "31",
            Status::Overdue => "1;31",
            Status::Pending => "33",
            Status::Waived => "36",
            Status::NotApplicable => "2",
        };
        self.wrap(code, &word)
    }

    pub(crate) fn wrap(&self, code: &str, text: &str) -> String {
        match self.colour {
            true => format!("\x1b[{code}m{text}\x1b[0m"),
            false => text.to_string(),
        }
    }
}

fn table_case(plan: &Plan, report: &CaseReport, colour: bool, out: &mut String) {
    let paint = Paint { colour };
    let width = plan.name_width();
    let at: Vec<&str> = report.at.iter().map(|id| step_name(plan, *id)).collect();
    let where_ = match (report.state, report.end) {
        (State::Closed, Some(end)) => format!("closed at {}", step_name(plan, end)),
        (State::Left, Some(end)) => {
            format!(
                "left the procedure after closing at {}",
                step_name(plan, end)
            )
        }
        (State::Left, None) if !at.is_empty() => {
            format!("left the procedure while at {}", at.join(", "))
        }
        (State::Left, None) => "left the procedure".to_string(),
        (state, _) if at.is_empty() => state.word().to_string(),
        (state, _) => format!("{} at {}", state.word(), at.join(", ")),
    };
    let _ = writeln!(
        out,
        "{}  {where_}  (line {}, as of {})",
        paint.wrap("1", &report.case.id),
        report.case.line,
        date_text(report.as_of)
    );
    let _ = writeln!(
        out,
        "  {:<width$}  {:<14}  {:<16}  {:<16}  {:<16}  note",
        "step", "status", "due", "target", "done"
    );
    for row in &report.rows {
        let name = match row.occurrence {
            Some(occurrence) => format!("{} #{occurrence}", step_name(plan, row.step)),
            None => step_name(plan, row.step).to_string(),
        };
        let text = |value: Option<String>| value.unwrap_or_else(|| "-".to_string());
        let note = row_note(plan, report, row);
        let line = format!(
            "  {name:<width$}  {}  {:<16}  {:<16}  {:<16}  {note}",
            paint.status(row.status, 14),
            text(row.due.map(due_text)),
            text(row.target.map(due_text)),
            text(row.done.map(when_text)),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(row) = report.next.and_then(|index| report.rows.get(index))
        && let Some(due) = row.due
    {
        let _ = writeln!(
            out,
            "  next: {} due {}",
            step_name(plan, row.step),
            due_text(due)
        );
    }
    if let Some(left) = &report.left {
        let expected: Vec<&str> = left
            .expected
            .iter()
            .map(|id| step_name(plan, *id))
            .collect();
        let expected = match expected.is_empty() {
            true => "nothing: the case had closed".to_string(),
            false => expected.join(", "),
        };
        let _ = writeln!(
            out,
            "  {}: `{}` on {} (line {}) is not allowed at that point; expected {expected}",
            paint.wrap("1;31", "left the procedure"),
            step_name(plan, left.step),
            left.on.map_or_else(|| "-".to_string(), when_text),
            left.line
        );
    }
    if report.ignored_after_as_of > 0 {
        let _ = writeln!(
            out,
            "  {} event(s) dated after the as-of date ignored",
            report.ignored_after_as_of
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(
            out,
            "  {} (line {}): {}",
            paint.wrap("33", "warning"),
            warning.line,
            warning.message
        );
    }
    out.push('\n');
}

fn row_note(plan: &Plan, report: &CaseReport, row: &Row) -> String {
    let mut notes = Vec::new();
    let event = row.event.and_then(|index| report.case.events.get(index));
    if let Some(outcome) = event.and_then(|e| e.outcome)
        && let Some(outcome) = plan.procedure.step(row.step).outcomes.get(outcome)
    {
        notes.push(format!("outcome {}", outcome.id));
    }
    match row.reason_recorded {
        Some(true) => notes.push("reason recorded".to_string()),
        Some(false) => notes.push("no reason recorded".to_string()),
        None => {}
    }
    if row.target_met == Some(false) {
        notes.push("target missed".to_string());
    }
    if row.status == Status::Waived
        && let Some(reason) = event.and_then(|e| e.reason.as_deref())
    {
        notes.push(format!("reason: {reason}"));
    }
    notes.join("; ")
}

fn table_bad(bad: &BadCase, colour: bool, out: &mut String) {
    let paint = Paint { colour };
    let id = bad.id.as_deref().unwrap_or("(no case id)");
    let _ = writeln!(
        out,
        "{}  {} (line {})",
        paint.wrap("1", id),
        paint.wrap("1;31", "not run: the case data has problems"),
        bad.line
    );
    for line in bad_case_lines(bad) {
        let _ = writeln!(out, "  {}", line.trim_start_matches("error: "));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_table_holds_every_covered_date() {
        let first = waymark_calendar::first_date();
        let last = waymark_calendar::last_date();
        let mut count = 0;
        for date in first.iter_days().take_while(|date| *date <= last) {
            let expected = format!("\"{date}\"");
            assert_eq!(quoted_date(date), Some(expected.as_str()));
            count += 1;
        }
        assert_eq!(count * 12, DATE_TEXTS.len());
        assert_eq!(quoted_date(last.succ_opt().unwrap()), None);
    }
}
