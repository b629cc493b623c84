//! Checking a case as read against the procedure: known steps, facts, roles and outcomes,
//! real dates, waivers only where allowed. Every problem is collected, not just the first.
#![allow(
    clippy::indexing_slicing,
    reason = "fact indexes come from the plan's fact names, and the lists are sized to the procedure's facts; a date is read only once it is known to be ten bytes"
)]

use super::{EventText, RawCase, RawFacts, RawValue};
use crate::case::{BadCase, Case, Event, InputFile, Problem, When};
use crate::plan::Plan;
use chrono::{NaiveDate, NaiveTime};
use std::borrow::Cow;
use waymark_calendar::{DateError, parse_date, why_no_such_day};
use waymark_compile::{FactKind, FactValue, StepIndex, StepKind};
use waymark_diagnostics::{Code, did_you_mean};

// ---------------------------------------------------------------------------------------------
// Checking a raw case against the procedure

/// Turns a raw case into a [`Case`], collecting every problem rather than stopping at one.
pub(crate) fn check_case(plan: &Plan, raw: RawCase<'_>, line: usize) -> Result<Case, BadCase> {
    let mut checker = CaseChecker::new(plan, line, raw.events.len());
    // A CSV case with only facts starts in the facts file (its facts carry their lines there).
    if raw.events.is_empty() && raw.facts.0.first().is_some_and(|(.., line)| *line > 0) {
        checker.file = InputFile::Facts;
    }
    for event in &raw.events {
        checker.event(&event.text());
    }
    checker.finish(raw.case, &raw.facts)
}

/// Checks a case's events one at a time as they are read, then its facts and id.
pub(crate) struct CaseChecker<'q, 'p> {
    plan: &'q Plan<'p>,
    line: usize,
    /// The file `line` is in: the cases file, but for a CSV case with only facts.
    file: InputFile,
    problems: Vec<Problem>,
    events: Vec<Event>,
    /// Events checked so far, good or bad: a problem in a JSON Lines case names its event by
    /// this number, since every event of the case is on the case's one line.
    seen: usize,
}

impl<'q, 'p> CaseChecker<'q, 'p> {
    pub(crate) fn new(plan: &'q Plan<'p>, line: usize, events: usize) -> Self {
        CaseChecker {
            plan,
            line,
            file: InputFile::Cases,
            problems: Vec::new(),
            seen: 0,
            events: {
                let mut list = crate::scratch::events();
                list.reserve(events);
                list
            },
        }
    }

    pub(crate) fn event(&mut self, raw: &EventText<'_>) {
        self.seen += 1;
        let line = match raw.line {
            0 => self.line,
            line => line,
        };
        if usual_event(self.plan, raw, line, &mut self.events).is_none() {
            self.unusual_event(raw, line);
        }
    }

    /// [`CaseChecker::event`] for a record [`usual_event`] leaves: checked in full. Out of
    /// line, so that the usual record's path stays small.
    #[inline(never)]
    fn unusual_event(&mut self, raw: &EventText<'_>, event_line: usize) {
        let number = (raw.line == 0).then_some(self.seen);
        let problems = &mut self.problems;
        let mut report = |code: Code, message: String| {
            let message = match number {
                Some(number) => format!("event {number}: {message}"),
                None => message,
            };
            problems.push(Problem {
                code,
                file: InputFile::Cases,
                line: event_line,
                message,
            });
        };
        if let Some(event) = check_event(self.plan, raw, event_line, &mut report) {
            self.events.push(event);
        }
    }

    pub(crate) fn finish(self, id: Cow<'_, str>, facts: &RawFacts<'_>) -> Result<Case, BadCase> {
        let CaseChecker {
            plan,
            line,
            file,
            mut problems,
            events,
            ..
        } = self;
        let mut fact_problems = Vec::new();
        let facts = check_facts(plan, facts, (file, line), &mut fact_problems);
        if !fact_problems.is_empty() {
            problems.splice(0..0, fact_problems);
        }
        if id.is_empty() {
            problems.push(Problem {
                code: Code::CaseValueInvalid,
                file,
                line,
                message: "the case id is empty".to_string(),
            });
        }
        if problems.is_empty() {
            Ok(Case {
                id: crate::scratch::id(&id),
                line,
                facts,
                events,
            })
        } else {
            Err(BadCase {
                id: (!id.is_empty()).then(|| id.into_owned()),
                line,
                problems,
            })
        }
    }
}

/// A set of fact indexes: bits in a word for the first 64 facts, a list beyond.
#[derive(Default)]
struct Given {
    first: u64,
    rest: Vec<usize>,
}

impl Given {
    /// Marks `index`; whether it was marked already.
    fn mark(&mut self, index: usize) -> bool {
        if index < 64 {
            let bit = 1u64 << index;
            let was = self.first & bit != 0;
            self.first |= bit;
            return was;
        }
        let was = self.rest.contains(&index);
        if !was {
            self.rest.push(index);
        }
        was
    }

    fn contains(&self, index: usize) -> bool {
        match index < 64 {
            true => self.first & (1u64 << index) != 0,
            false => self.rest.contains(&index),
        }
    }
}

/// `case_at` is where the case starts: a fact it lacks is reported there.
fn check_facts(
    plan: &Plan,
    raw: &RawFacts<'_>,
    case_at: (InputFile, usize),
    problems: &mut Vec<Problem>,
) -> Vec<Option<FactValue>> {
    let procedure = plan.procedure;
    let mut values = crate::scratch::facts();
    values.resize(procedure.facts.len(), None);
    // Which facts the case gave, as bits (most procedures have few facts): no list per case.
    let mut given = Given::default();
    for (name, value, fact_line) in &raw.0 {
        let (file, fact_line) = match *fact_line {
            0 => case_at,
            n => (InputFile::Facts, n),
        };
        let mut report = |code: Code, message: String| {
            problems.push(Problem {
                code,
                file,
                line: fact_line,
                message,
            });
        };
        let Some(id) = plan.fact_named(name) else {
            let names = procedure.facts.iter().map(|fact| fact.id.as_str());
            let help = match did_you_mean(name, names) {
                Some(guess) => format!("; did you mean `{guess}`?"),
                None => format!("; its facts are {}", plan.fact_list()),
            };
            report(
                Code::CaseUnknownName,
                format!("unknown fact `{name}`: the procedure has no such fact{help}"),
            );
            continue;
        };
        if procedure.fact(id).decided_by.is_some() {
            report(
                Code::CaseValueInvalid,
                format!(
                    "`{name}` is a decision: its outcome comes from the decision's record (its \
                     `outcome`), not from the case's facts"
                ),
            );
            continue;
        }
        if let Some(step) = procedure.fact(id).recorded_at {
            let step = &procedure.step(step).id;
            report(
                Code::CaseGivesRecordedFact,
                format!(
                    "`{name}` is recorded at `{step}`: its value comes from that step's record \
                     (`\"facts\"` on the event), not from the case's facts"
                ),
            );
            continue;
        }
        let index = id.0 as usize;
        if given.mark(index) {
            report(
                Code::CaseValueInvalid,
                format!("the fact `{name}` is given twice"),
            );
            continue;
        }
        let fact = procedure.fact(id);
        match fact_value(&fact.kind, value) {
            // An unknown value of a fact every case needs is bad data, not a branch: taken as
            // unknown, it would send the case down `otherwise`.
            Ok(None) if !fact.optional => report(
                Code::CaseValueInvalid,
                format!(
                    "the fact `{name}` is given as {}, but every case needs it ({}); give its \
                 value, or mark the fact `optional` in the procedure",
                    match value {
                        RawValue::Null => "null",
                        _ => "an empty value",
                    },
                    fact.kind.describe()
                ),
            ),
            Ok(value) => values[index] = value,
            Err(why) => report(
                Code::CaseValueInvalid,
                format!(
                    "the fact `{name}` must be {}, but {why}",
                    fact.kind.describe()
                ),
            ),
        }
    }
    for (index, fact) in procedure.facts.iter().enumerate() {
        let up_front = fact.known_at().is_none();
        if up_front && !fact.optional && values[index].is_none() && !given.contains(index) {
            problems.push(Problem {
                code: Code::CaseValueInvalid,
                file: case_at.0,
                line: case_at.1,
                message: format!(
                    "the fact `{}` is missing: every case needs it ({})",
                    fact.id,
                    fact.kind.describe()
                ),
            });
        }
    }
    values
}

/// A fact's value checked against its kind; `Ok(None)` for a JSON `null` or an empty CSV cell.
fn fact_value(kind: &FactKind, value: &RawValue<'_>) -> Result<Option<FactValue>, String> {
    let text = match value {
        RawValue::Null => return Ok(None),
        RawValue::Text(text) if text.is_empty() => return Ok(None),
        RawValue::Text(text) => text.as_ref(),
        RawValue::Whole(n) => {
            return match kind {
                FactKind::Number => u32::try_from(*n)
                    .map(|n| Some(FactValue::Number(n)))
                    .map_err(|_| format!("{n} is too large")),
                _ => Err(format!("it is the number {n}")),
            };
        }
        RawValue::Other(number) => {
            return match kind {
                FactKind::Number => whole_number(number).map(|n| Some(FactValue::Number(n))),
                _ => Err(format!("it is the number {number}")),
            };
        }
        RawValue::Bool(yes) => {
            return match kind {
                FactKind::YesNo => Ok(Some(FactValue::YesNo(*yes))),
                _ => Err(format!("it is {yes}")),
            };
        }
    };
    let value = match kind {
        FactKind::OneOf(words) => words
            .iter()
            .position(|word| same_text(word, text))
            .map(|index| FactValue::Choice(index as u32))
            .ok_or_else(
                || match did_you_mean(text, words.iter().map(String::as_str)) {
                    Some(meant) => format!("it is `{text}`; did you mean `{meant}`?"),
                    None => format!("it is `{text}`"),
                },
            )?,
        FactKind::Date => FactValue::Date(date(text)?),
        FactKind::Number => FactValue::Number(whole_number(text)?),
        FactKind::YesNo => match text {
            "yes" | "true" => FactValue::YesNo(true),
            "no" | "false" => FactValue::YesNo(false),
            _ => return Err(format!("it is `{text}`")),
        },
    };
    Ok(Some(value))
}

/// Whether two texts are equal, their lengths and last bytes compared first: the words a
/// case's values are matched with (a fact's choices, a decision's outcomes) mostly differ at
/// their ends or in length (`level2`, `level3`), and comparing the rest of them is a call.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// A whole number of 0 or more, as a case file gives it. `16.0` is sixteen: pandas and
/// spreadsheets write whole numbers so.
fn whole_number(text: &str) -> Result<u32, String> {
    let whole = match text.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        _ => text,
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("it is `{text}`"));
    }
    whole
        .parse::<u32>()
        .map_err(|_| format!("it is `{text}`, which is too large (at most {})", u32::MAX))
}

/// A date written `YYYY-MM-DD`, within the years the calendars cover.
#[inline]
fn date(text: &str) -> Result<NaiveDate, String> {
    match quick_date(text) {
        Some(date) => Ok(date),
        None => slow_date(text),
    }
}

/// [`date`] for anything but a plain date: says what is wrong. Kept out of line so the plain
/// path stays small where it is inlined (it runs for every record).
#[cold]
#[inline(never)]
fn slow_date(text: &str) -> Result<NaiveDate, String> {
    // A spreadsheet's padding is not part of the date.
    let trimmed = text.trim();
    if trimmed.len() != text.len() && !trimmed.is_empty() {
        return date(trimmed);
    }
    match parse_date(text) {
        Ok(date)
            if date < waymark_calendar::first_date() || date > waymark_calendar::last_date() =>
        {
            Err(format!(
                "`{text}` is outside the years Waymark counts ({}-{})",
                waymark_calendar::FIRST_YEAR,
                waymark_calendar::LAST_YEAR
            ))
        }
        Ok(date) => Ok(date),
        Err(DateError::Shape) if is_day_month_year(text) => Err(format!(
            "`{text}` is day-first or month-first and cannot be read safely: dates must be \
             written YYYY-MM-DD, e.g. 2026-01-05 for 5 January 2026"
        )),
        Err(DateError::Shape) => Err(format!("`{text}` is not a date written YYYY-MM-DD")),
        Err(DateError::NoSuchDay) => Err(format!(
            "`{text}` is not a real date: {}",
            why_no_such_day(text)
        )),
    }
}

/// A date written with the year last, such as `05/01/2026` or `5.1.2026`, as spreadsheets
/// write them: whether the day or the month comes first cannot be told.
fn is_day_month_year(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let number = |part: &&str, widths: std::ops::RangeInclusive<usize>| {
        widths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    matches!(parts.as_slice(), [day, month, year]
        if number(day, 1..=2) && number(month, 1..=2) && number(year, 4..=4))
}

/// The common case, quickly: a well-formed, real date within the covered years. Anything else
/// goes the slow way, which says what is wrong.
///
/// `YYYY-MM-` is checked as one number of eight bytes: this runs for every record of every
/// case, and byte by byte it was a tenth of the time spent reading one.
#[inline]
pub(crate) fn quick_date(text: &str) -> Option<NaiveDate> {
    const DASHES: u64 = 0xff00_00ff_0000_0000;
    const HIGH_HALVES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    let (head, &[d1, d2]) = text.as_bytes().split_first_chunk::<8>()? else {
        return None;
    };
    let lanes = u64::from_le_bytes(*head) ^ u64::from_le_bytes(*b"0000-00-");
    // A digit is now 0-9 and a dash 0; any other byte shows in a high half, at once or once
    // six is added (10-15 become 16-21, and with every high half clear no carry crosses bytes).
    let shaped = lanes & (DASHES | HIGH_HALVES) == 0
        && lanes.wrapping_add(SIXES) & HIGH_HALVES == 0
        && d1.is_ascii_digit()
        && d2.is_ascii_digit();
    if !shaped {
        return None;
    }
    // Each byte times ten plus the next: pairs of digits as numbers, `YY` in byte 0, `YY` in
    // byte 2 and `MM` in byte 5 (at most 99, so no byte carries into the next).
    let pairs = lanes.wrapping_mul(10).wrapping_add(lanes >> 8);
    let year = (pairs & 0xff) as usize * 100 + (pairs >> 16 & 0xff) as usize;
    let month = (pairs >> 40 & 0xff) as usize;
    let day = usize::from(d1 - b'0') * 10 + usize::from(d2 - b'0');
    if !(1..=12).contains(&month) || day >= 32 {
        return None;
    }
    let years = year.checked_sub(waymark_calendar::FIRST_YEAR as usize)?;
    *DAYS.get((years * 12 + month - 1) * 32 + day)?
}

/// Every day of the covered years, by month from January of the first, 32 places a month:
/// place `d` of a month holds its day `d`, and places 0 and past the month's end hold `None`.
/// Made when Waymark is compiled (170 KB); a date is then one look-up, where
/// `NaiveDate::from_ymd_opt` takes dozens of steps, for every record of every case.
static DAYS: [Option<NaiveDate>; MONTH_COUNT * 32] = {
    let mut days = [None; MONTH_COUNT * 32];
    let mut index = 0;
    while index < MONTH_COUNT {
        let year = waymark_calendar::FIRST_YEAR + (index / 12) as i32;
        let month = (index % 12) as u32 + 1;
        let mut day = 1;
        while day < 32 {
            days[index * 32 + day as usize] = NaiveDate::from_ymd_opt(year, month, day);
            day += 1;
        }
        index += 1;
    }
    days
};

const MONTH_COUNT: usize =
    (waymark_calendar::LAST_YEAR - waymark_calendar::FIRST_YEAR + 1) as usize * 12;

/// [`when`] for the usual `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, read byte by byte where they
/// stand; `None` for anything else, which `when` reads in full. (A date without a `T` in its
/// first ten bytes is cut where `when` would cut it.)
#[inline]
pub(crate) fn quick_when(text: &str) -> Option<When> {
    let date = quick_date(text.get(..10)?)?;
    let digits = |tens: u8, ones: u8| {
        let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
        (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
    };
    let time = match *text.as_bytes().get(10..)? {
        [] => None,
        [b'T', h1, h2, b':', m1, m2] => Some(NaiveTime::from_hms_opt(
            digits(h1, h2)?,
            digits(m1, m2)?,
            0,
        )?),
        _ => return None,
    };
    Some(When { date, time })
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (as databases export it; the
/// seconds, and any fraction of them, are dropped: deadlines and reports count in minutes).
fn when(text: &str) -> Result<When, String> {
    match quick_when(text) {
        Some(when) => Ok(when),
        None => any_when(text),
    }
}

/// [`when`] for any text: says what is wrong. Spaces around it are a spreadsheet's padding, and
/// a space for the `T` is how databases and spreadsheets write a moment: both are read.
fn any_when(text: &str) -> Result<When, String> {
    let trimmed = text.trim();
    if trimmed.len() != text.len() && !trimmed.is_empty() {
        return any_when(trimmed);
    }
    // Nearly every date is plain `YYYY-MM-DD`: no need to search it for a `T`.
    let (day, time) = match text.len() == 10 {
        true => (text, None),
        false => match text.split_once(['T', ' ']) {
            Some((day, time)) => (day, Some(time)),
            None => (text, None),
        },
    };
    let date = date(day)?;
    let time = match time {
        None => None,
        Some(time) if has_time_zone(time) => {
            return Err(format!(
                "`{text}` gives a time zone: write the local time without one, \
                 YYYY-MM-DDTHH:MM (deadlines count in local days and hours)"
            ));
        }
        Some(time) => Some(clock_time(time.trim_start()).ok_or_else(|| {
            format!(
                "`{text}` does not have a time written HH:MM or HH:MM:SS (24-hour clock) after the date"
            )
        })?),
    };
    Ok(When { date, time })
}

/// Whether a time of day ends with a time zone: `Z`, or an offset such as `+01:00` or `-0500`.
fn has_time_zone(time: &str) -> bool {
    time.ends_with(['Z', 'z']) || time.get(1..).is_some_and(|rest| rest.contains(['+', '-']))
}

fn clock_time(text: &str) -> Option<NaiveTime> {
    let text = match text.len() {
        5 => text,
        _ => without_seconds(text)?,
    };
    let bytes = text.as_bytes();
    let shaped = matches!(bytes, [h1, h2, b':', m1, m2]
        if [h1, h2, m1, m2].iter().all(|digit| digit.is_ascii_digit()));
    if !shaped {
        return None;
    }
    let hours = text.get(0..2)?.parse().ok()?;
    let minutes = text.get(3..5)?.parse().ok()?;
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// `HH:MM` of `HH:MM:SS` or `HH:MM:SS.fraction`, when the seconds are a real 00-59.
fn without_seconds(text: &str) -> Option<&str> {
    let (minutes, seconds) = (text.get(..5)?, text.get(5..)?);
    let seconds = seconds.strip_prefix(':')?;
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let real = whole.len() == 2 && digits(whole) && whole < "60" && digits(fraction);
    real.then_some(minutes)
}

/// The usual record, checked in a few steps: a step done on a date, perhaps by a known role,
/// perhaps with a reason, with a decision's outcome where it is one, and nothing else. `None`
/// for anything else, which [`check_event`] then checks in full (saying what is wrong); for
/// every record this accepts, `check_event` makes the same event (a test checks it). Nearly
/// every record of a caseload is like this, and it is checked for each.
#[inline]
fn usual_event(
    plan: &Plan,
    raw: &EventText<'_>,
    line: usize,
    events: &mut Vec<Event>,
) -> Option<()> {
    let unusual = raw.waived == Some(true)
        || raw.extended_by.is_some()
        || raw.approved_by.is_some()
        || !raw.facts.is_empty();
    if unusual {
        return None;
    }
    let step_id = match raw.step_index {
        Some(step) => step,
        None => plan.step_named(raw.step)?,
    };
    let step = plan.procedure.step(step_id);
    let outcome = match (&step.kind, raw.outcome) {
        (StepKind::Together { .. } | StepKind::Join { .. }, _) => return None,
        (StepKind::Decision, Some(text)) => {
            Some(step.outcomes.iter().position(|o| same_text(&o.id, text))?)
        }
        (StepKind::Decision, None) | (_, Some(_)) => return None,
        (_, None) => None,
    };
    let by = match (raw.by_index, raw.by) {
        (Some(role), _) => Some(role),
        (None, Some(role)) if !role.is_empty() => Some(plan.role_named(role)?),
        _ => None,
    };
    let on = match raw.on_when {
        Some(when) => when,
        None => when(raw.on?).ok()?,
    };
    // (Taken by the closure below, which is called once.)
    let mut reason = Some(
        (raw.reason)
            .filter(|reason| !reason.trim().is_empty())
            .map(str::to_string),
    );
    // Written where it lies in the list: an event built aside and moved in was copied, and the
    // copy read back bytes just written (a stall on every record).
    events.resize_with(events.len() + 1, || Event {
        step: step_id,
        on: Some(on),
        outcome,
        by,
        reason: reason.take().flatten(),
        waived: false,
        approved_by: None,
        facts: Vec::new(),
        extended_by: None,
        line,
    });
    Some(())
}

/// The role a record names (`by`, `approved_by`), or an unknown-role problem reported with
/// did-you-mean (`Err`). `step` and `said` begin the message: "`visit` is done by". The message
/// is built only when there is a problem: this runs for every record of every case, so it is
/// inlined and the problem is kept out of line.
#[inline]
fn event_role(
    plan: &Plan,
    role: Option<&str>,
    (step, said): (&str, &str),
    report: &mut impl FnMut(Code, String),
) -> Result<Option<waymark_compile::RoleIndex>, ()> {
    let Some(role) = role.filter(|role| !role.is_empty()) else {
        return Ok(None);
    };
    match plan.role_named(role) {
        Some(id) => Ok(Some(id)),
        None => {
            unknown_role(plan, role, (step, said), report);
            Err(())
        }
    }
}

#[cold]
#[inline(never)]
fn unknown_role(
    plan: &Plan,
    role: &str,
    (step, said): (&str, &str),
    report: &mut impl FnMut(Code, String),
) {
    let names = plan.procedure.roles.iter().map(|r| r.id.as_str());
    let help = match did_you_mean(role, names) {
        Some(guess) => format!("; did you mean `{guess}`?"),
        None => String::new(),
    };
    report(
        Code::CaseUnknownName,
        format!("`{step}` is {said} `{role}`, an unknown role{help}"),
    );
}

fn check_event(
    plan: &Plan,
    raw: &EventText<'_>,
    line: usize,
    report: &mut impl FnMut(Code, String),
) -> Option<Event> {
    let Some(step_id) = plan.step_named(raw.step) else {
        unknown_step(plan, raw.step, report);
        return None;
    };
    let step = plan.procedure.step(step_id);
    let name = &step.id;
    if matches!(step.kind, StepKind::Together { .. } | StepKind::Join { .. }) {
        not_recordable(plan, step_id, report);
        return None;
    }
    let waived = raw.waived.unwrap_or(false);
    let extended_by = raw.extended_by.filter(|text| !text.trim().is_empty());
    if let Some(text) = extended_by {
        return extension_event(plan, step_id, raw, text, line, report);
    }
    let mut ok = true;
    if waived && !step.waivable {
        // An optional step needs no waiver: leaving it unrecorded says it was not needed.
        let hint = match step.optional {
            Some(_) => "; it is optional, so leave it unrecorded when it was not needed",
            None => "",
        };
        report(
            Code::CaseRecordNotAllowed,
            format!("`{name}` is waived, but the procedure does not allow it to be waived{hint}"),
        );
        ok = false;
    } else if waived && raw.reason.is_none_or(|reason| reason.trim().is_empty()) {
        // `waivable with reason` is the only waiver the language has: the reason is the record.
        report(
            Code::CaseRecordNotAllowed,
            format!(
                "`{name}` is waived without a reason, but the procedure allows a waiver only with \
             its reason; add `\"reason\"` (CSV: the `reason` column)"
            ),
        );
        ok = false;
    }
    let on = match raw.on {
        Some(text) => match when(text) {
            Ok(when) => Some(when),
            Err(message) => {
                report(Code::CaseValueInvalid, format!("`{name}`: {message}"));
                ok = false;
                None
            }
        },
        None if waived && !matches!(step.kind, StepKind::Recurring { .. }) => None,
        None => {
            report(
                Code::CaseRecordNotAllowed,
                format!("`{name}` has no `on` date (only a waiver may leave it out)"),
            );
            ok = false;
            None
        }
    };
    let outcome = check_outcome(plan, step_id, raw.outcome, report);
    ok &= outcome.is_ok();
    let by = event_role(plan, raw.by, (name, "done by"), report);
    let approved_by = event_role(plan, raw.approved_by, (name, "approved by"), report);
    ok &= by.is_ok() && approved_by.is_ok();
    let (by, approved_by) = (by.ok().flatten(), approved_by.ok().flatten());
    let facts = recorded_facts(plan, step_id, raw.facts, report);
    ok &= facts.is_some();
    ok.then(|| Event {
        step: step_id,
        facts: facts.unwrap_or_default(),
        approved_by,
        extended_by: None,
        on,
        outcome: outcome.ok().flatten(),
        by,
        reason: raw
            .reason
            .filter(|reason| !reason.trim().is_empty())
            .map(str::to_string),
        waived,
        line,
    })
}

/// A record of a step the procedure does not have. Out of line: this runs only for bad data.
#[cold]
#[inline(never)]
fn unknown_step(plan: &Plan, step: &str, report: &mut impl FnMut(Code, String)) {
    let help = match did_you_mean(step, plan.event_step_names()) {
        Some(guess) => format!("; did you mean `{guess}`?"),
        None => String::new(),
    };
    report(
        Code::CaseUnknownName,
        format!("unknown step `{step}`: the procedure has no such step{help}"),
    );
}

/// A record of a together block or a join, which only their pieces of work can have.
#[cold]
#[inline(never)]
fn not_recordable(plan: &Plan, step_id: StepIndex, report: &mut impl FnMut(Code, String)) {
    let procedure = plan.procedure;
    let step = procedure.step(step_id);
    let name = &step.id;
    match &step.kind {
        StepKind::Together { members, .. } => {
            let members: Vec<&str> = members
                .iter()
                .map(|m| procedure.step(*m).id.as_str())
                .collect();
            report(
                Code::CaseRecordNotAllowed,
                format!(
                    "`{name}` is a together block: record its pieces ({}) instead",
                    members.join(", ")
                ),
            );
        }
        _ => report(
            Code::CaseRecordNotAllowed,
            format!("`{name}` cannot be recorded: record the pieces of work"),
        ),
    }
}

/// The facts a record gives (`"facts"` on the event): each must be recorded at the record's
/// step, once, with a value of its kind. `None` when any is not.
fn recorded_facts(
    plan: &Plan,
    step: StepIndex,
    given: &[(Cow<'_, str>, RawValue<'_>, usize)],
    report: &mut impl FnMut(Code, String),
) -> Option<Vec<(waymark_compile::FactIndex, FactValue)>> {
    let procedure = plan.procedure;
    let here = &procedure.step(step).id;
    let mut facts = Vec::new();
    let mut ok = true;
    for (index, (name, value, _)) in given.iter().enumerate() {
        let Some(id) = plan.fact_named(name) else {
            let names = procedure
                .facts
                .iter()
                .filter(|fact| fact.recorded_at == Some(step))
                .map(|fact| fact.id.as_str());
            let help = match did_you_mean(name, names) {
                Some(guess) => format!("; did you mean `{guess}`?"),
                None => String::new(),
            };
            report(
                Code::CaseUnknownName,
                format!(
                    "`{here}` gives unknown fact `{name}`: the procedure has no such fact{help}"
                ),
            );
            ok = false;
            continue;
        };
        let fact = procedure.fact(id);
        if fact.recorded_at != Some(step) {
            let instead = match (fact.recorded_at, fact.decided_by) {
                (Some(other), _) => format!("it is recorded at `{}`", procedure.step(other).id),
                (None, Some(_)) => "it is a decision's outcome (its `outcome`)".to_string(),
                (None, None) => "the case gives it up front, in its own `facts`".to_string(),
            };
            report(
                Code::RecordGivesFactNotRecordedThere,
                format!("the record of `{here}` gives `{name}`, but {instead}"),
            );
            ok = false;
            continue;
        }
        if given[..index].iter().any(|(earlier, ..)| earlier == name) {
            report(
                Code::CaseValueInvalid,
                format!("the record of `{here}` gives `{name}` twice"),
            );
            ok = false;
            continue;
        }
        match fact_value(&fact.kind, value) {
            Ok(Some(value)) => facts.push((id, value)),
            Ok(None) => {}
            Err(why) => {
                report(
                    Code::CaseValueInvalid,
                    format!(
                        "the fact `{name}` on the record of `{here}` must be {}, but {why}",
                        fact.kind.describe()
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(facts)
}

/// A record with `extended_by`: an extension of the step granted on its `on` date, not the step
/// done. Its amount is read in the unit of the step's `extendable` line; it cannot also be a
/// waiver or carry an outcome. Its reason and approval are judged when the case runs (a
/// missing one is a deviation, not bad data).
fn extension_event(
    plan: &Plan,
    step_id: StepIndex,
    raw: &EventText<'_>,
    text: &str,
    line: usize,
    report: &mut impl FnMut(Code, String),
) -> Option<Event> {
    let step = plan.procedure.step(step_id);
    let name = &step.id;
    let Some(extension) = &step.extension else {
        report(
            Code::CaseExtensionNotAllowed,
            format!(
                "`{name}` is extended, but the procedure gives it no `extendable` line: its \
                 limits cannot be extended"
            ),
        );
        return None;
    };
    let mut ok = true;
    let mut invalid = |message: String| {
        report(Code::CaseExtensionInvalid, format!("`{name}`: {message}"));
        ok = false;
    };
    let amount = extension_amount(text, extension.unit);
    match amount {
        Some(0) => invalid("an extension of 0 is no extension".to_string()),
        Some(_) => {}
        None => invalid(format!(
            "`extended_by` must be a whole number of {units} (`10` or `\"10 {units}\"`), not \
             `{}`",
            // The message is escaped where it is shown; a long value is cut here.
            text.chars().take(40).collect::<String>(),
            units = extension.unit.words(2u32)
        )),
    }
    if raw.waived == Some(true) {
        invalid("an extension cannot also be a waiver: record them apart".to_string());
    }
    if raw.outcome.is_some_and(|outcome| !outcome.is_empty()) {
        invalid("an extension has no outcome: record the decision apart".to_string());
    }
    let on = match raw.on.map(when) {
        Some(Ok(on)) => Some(on),
        Some(Err(message)) => {
            invalid(message);
            None
        }
        None => {
            invalid("an extension needs its `on` date, the day it was granted".to_string());
            None
        }
    };
    let by = event_role(plan, raw.by, (name, "extended by"), report);
    let approved_by = event_role(
        plan,
        raw.approved_by,
        (name, "extended with the approval of"),
        report,
    );
    let (Ok(by), Ok(approved_by), true) = (by, approved_by, ok) else {
        return None;
    };
    Some(Event {
        step: step_id,
        on,
        outcome: None,
        by,
        reason: raw
            .reason
            .filter(|reason| !reason.trim().is_empty())
            .map(str::to_string),
        waived: false,
        approved_by,
        facts: Vec::new(),
        extended_by: amount,
        line,
    })
}

/// An extension's amount: a whole number, alone or followed by the extension's unit in words
/// (singular or plural, as the language writes it: `10 working days`, `1 week`).
fn extension_amount(text: &str, unit: waymark_compile::Unit) -> Option<u32> {
    let text = text.trim();
    let (number, words) = match text.split_once(char::is_whitespace) {
        Some((number, words)) => (number, Some(words.split_whitespace().collect::<Vec<_>>())),
        None => (text, None),
    };
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u32 = number.parse().ok()?;
    match words.map(|words| words.join(" ")) {
        None => Some(amount),
        Some(words) if words == unit.words(1u32) || words == unit.words(2u32) => Some(amount),
        // `10 days` for calendar days, as the language lets a deadline say it.
        Some(words)
            if unit == waymark_compile::Unit::CalendarDays
                && (words == "days" || words == "day") =>
        {
            Some(amount)
        }
        Some(_) => None,
    }
}

/// A decision needs one of its outcomes; nothing else may have one.
fn check_outcome(
    plan: &Plan,
    step_id: StepIndex,
    outcome: Option<&str>,
    report: &mut impl FnMut(Code, String),
) -> Result<Option<usize>, ()> {
    let step = plan.procedure.step(step_id);
    let outcome = outcome.filter(|text| !text.is_empty());
    let allowed = || {
        step.outcomes
            .iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (&step.kind, outcome) {
        (StepKind::Decision, None) => {
            report(
                Code::CaseRecordNotAllowed,
                format!(
                    "the decision `{}` has no `outcome`: it must be one of {}",
                    step.id,
                    allowed()
                ),
            );
            Err(())
        }
        (StepKind::Decision, Some(text)) => match step.outcomes.iter().position(|o| o.id == text) {
            Some(index) => Ok(Some(index)),
            None => {
                report(
                    Code::CaseRecordNotAllowed,
                    format!(
                        "`{text}` is not an outcome of the decision `{}`: it must be one of {}",
                        step.id,
                        allowed()
                    ),
                );
                Err(())
            }
        },
        (_, Some(text)) => {
            report(
                Code::CaseRecordNotAllowed,
                format!(
                    "`{}` is not a decision, so it has no outcome (`{text}` was given)",
                    step.id
                ),
            );
            Err(())
        }
        (_, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record the quick check of usual records accepts is the event the full check
    /// makes of it, over every step and role of the assessment procedure, with outcomes,
    /// waivers, reasons and dates of every kind around them.
    #[test]
    fn usual_records_are_checked_as_the_full_check_checks_them() {
        let procedure = crate::shipped_assessment();
        let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
        let steps: Vec<&str> = (procedure.steps.iter().map(|s| s.id.as_str()))
            .chain(["nonsense", ""])
            .collect();
        let roles: Vec<Option<&str>> = (procedure.roles.iter().map(|r| Some(r.id.as_str())))
            .chain([None, Some(""), Some("nobody")])
            .collect();
        let outcomes: Vec<Option<&str>> = (procedure.steps.iter())
            .flat_map(|step| step.outcomes.iter().map(|o| Some(o.id.as_str())))
            .chain([None, Some(""), Some("nothing")])
            .collect();
        let dates = [
            None,
            Some("2026-01-05"),
            Some("2026-02-30"),
            Some("2026-01-05T10:30"),
            Some("2026-01-05T10:30:59"),
            Some("2026-01-05T25:30"),
            Some("05/01/2026"),
        ];
        let (mut accepted, mut tried) = (0, 0);
        for step in &steps {
            for by in &roles {
                for outcome in &outcomes {
                    for on in dates {
                        for (waived, reason) in [
                            (None, None),
                            (Some(false), None),
                            (None, Some("why")),
                            (None, Some(" ")),
                            (Some(true), Some("r")),
                        ] {
                            let raw = EventText {
                                step,
                                on,
                                // As the quick JSON reader gives it, or not.
                                on_when: on.and_then(quick_when).filter(|_| waived.is_none()),
                                outcome: *outcome,
                                by: *by,
                                waived,
                                reason,
                                ..EventText::default()
                            };
                            tried += 1;
                            let mut made = Vec::new();
                            if usual_event(&plan, &raw, 7, &mut made).is_none() {
                                assert!(made.is_empty(), "{raw:?}");
                                continue;
                            }
                            let quick = made.pop().expect("the usual event was pushed");
                            accepted += 1;
                            let mut problems = Vec::new();
                            let full = check_event(&plan, &raw, 7, &mut |_, message| {
                                problems.push(message)
                            });
                            assert_eq!(Some(quick), full, "{raw:?} {problems:?}");
                        }
                    }
                }
            }
        }
        assert!(
            accepted > 250 && tried > 10 * accepted,
            "{accepted} of {tried}"
        );
    }

    #[test]
    fn given_facts_are_marked_once_below_and_beyond_64() {
        let mut given = Given::default();
        for index in [0, 63, 64, 200] {
            assert!(!given.contains(index));
            assert!(!given.mark(index), "{index} was not marked before");
            assert!(given.mark(index), "{index} is marked now");
            assert!(given.contains(index));
        }
        assert!(!given.contains(1) && !given.contains(65));
    }

    #[test]
    fn extension_amounts_are_read_in_the_extension_unit() {
        use waymark_compile::Unit;
        let amount = |text| extension_amount(text, Unit::WorkingDays);
        assert_eq!(amount("10"), Some(10));
        assert_eq!(amount(" 10 working days "), Some(10));
        assert_eq!(amount("1 working day"), Some(1));
        assert_eq!(
            amount("0"),
            Some(0),
            "zero is read, and refused by the caller"
        );
        for bad in ["ten", "10 weeks", "10 days", "-3", "1.5", "10 working", ""] {
            assert_eq!(amount(bad), None, "{bad}");
        }
        assert_eq!(extension_amount("2 days", Unit::CalendarDays), Some(2));
        assert_eq!(extension_amount("1 week", Unit::Weeks), Some(1));
        assert_eq!(extension_amount("99999999999", Unit::Weeks), None);
    }

    /// The quick date reader agrees with chrono on every day of every covered year, and on
    /// every impossible day and month of them.
    #[test]
    fn quick_dates_are_chrono_dates() {
        for year in waymark_calendar::FIRST_YEAR..=waymark_calendar::LAST_YEAR {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    let chrono = NaiveDate::from_ymd_opt(year, month, day);
                    assert_eq!(quick_date(&text), chrono, "{text}");
                }
            }
        }
        for outside in ["1989-12-31", "2101-01-01", "0000-01-01", "9999-12-31"] {
            assert_eq!(quick_date(outside), None, "{outside}");
        }
        // Every byte of a date changed to every other: only digits make dates.
        let shaped = |b: &[u8]| {
            let digits = [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&at| b[at].is_ascii_digit());
            let number = |range: std::ops::Range<usize>| {
                std::str::from_utf8(&b[range]).ok()?.parse::<u32>().ok()
            };
            (digits && b[4] == b'-' && b[7] == b'-')
                .then(|| {
                    let year = i32::try_from(number(0..4)?).ok()?;
                    let covered = (waymark_calendar::FIRST_YEAR..=waymark_calendar::LAST_YEAR)
                        .contains(&year);
                    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?).filter(|_| covered)
                })
                .flatten()
        };
        for at in 0..10 {
            for byte in 0..=255u8 {
                let mut bytes = *b"2024-02-29";
                bytes[at] = byte;
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    assert_eq!(quick_date(text), shaped(&bytes), "{text:?}");
                }
            }
        }
    }

    /// What exports write around a moment: padding and a space for the `T` are read; a time
    /// zone is refused in words, since deadlines count in local days and hours.
    #[test]
    fn exported_moments_are_read_or_refused_in_words() {
        let ten = any_when("2026-03-27T10:00");
        assert_eq!(any_when("2026-03-27 10:00"), ten);
        assert_eq!(any_when(" 2026-03-27T10:00 "), ten);
        assert_eq!(any_when(" 2026-03-27 "), any_when("2026-03-27"));
        for zoned in [
            "2026-03-27T10:00Z",
            "2026-03-27T10:00+01:00",
            "2026-03-27 10:00-0500",
        ] {
            let message = any_when(zoned).expect_err(zoned);
            assert!(message.contains("gives a time zone"), "{message}");
        }
        assert_eq!(whole_number("16"), Ok(16));
        assert_eq!(whole_number("16.0"), Ok(16));
        assert!(whole_number("16.5").is_err());
        assert!(whole_number(".0").is_err());
        assert!(whole_number("99999999999").is_err_and(|m| m.contains("too large")));
    }

    #[test]
    fn quick_times_are_read_as_when_reads_them() {
        let mut tried = 0;
        for at in 10..16 {
            for byte in 0..=255u8 {
                let mut bytes = *b"2024-02-29T23:59";
                bytes[at] = byte;
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                tried += 1;
                // A space for the `T` is read too, by the full reader only.
                let space_for_t = at == 10 && byte == b' ';
                match quick_when(text) {
                    Some(quick) => assert_eq!(Ok(quick), any_when(text), "{text:?}"),
                    None if space_for_t => {
                        assert_eq!(any_when(text), any_when("2024-02-29T23:59"));
                    }
                    None => assert!(any_when(text).is_err(), "{text:?}"),
                }
            }
        }
        assert!(tried > 700, "{tried}");
        assert!(quick_when("2024-02-29T24:00").is_none());
        assert!(quick_when("2024-02-29T10:30:00").is_none());
    }

    #[test]
    fn times_are_strict() {
        assert!(when("2026-01-07T10:30").is_ok());
        // Seconds, as databases export them, are read and dropped.
        for with_seconds in ["2026-01-07T10:30:00", "2026-01-07T10:30:59.250"] {
            let read = when(with_seconds).unwrap();
            assert_eq!(
                read.time,
                NaiveTime::from_hms_opt(10, 30, 0),
                "{with_seconds}"
            );
        }
        assert!(when("2026-01-07").is_ok());
        for bad in [
            "2026-01-07T1030",
            "2026-01-07T25:00",
            "2026-01-07T10:3",
            "2026-02-30",
            "2026-01-07T10:30:60",
            "2026-01-07T10:30:5",
            "2026-01-07T10:30:00.",
            "2026-01-07T10:30:00Z",
            "2026-01-07T10:30.00",
        ] {
            assert!(when(bad).is_err(), "{bad}");
        }
        assert!(
            when("05/01/2026")
                .unwrap_err()
                .contains("day-first or month-first"),
        );
        assert!(
            when("2026/01/05")
                .unwrap_err()
                .contains("not a date written")
        );
        assert!(
            when("2026-02-30")
                .unwrap_err()
                .contains("February 2026 has 28 days")
        );
    }
}
