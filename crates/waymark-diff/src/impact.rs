//! What a change does to real cases: every case runs through both versions (each read once),
//! and the two reports are compared step by step.
#![allow(
    clippy::indexing_slicing,
    reason = "tallies and kinds index lists sized to the number of kinds, and the two reports' rows come from the same plan"
)]

use crate::changes::Change;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use waymark_compile::StepIndex;
use waymark_run::{
    BadCase, Case, CaseReport, Deviation, DeviationKind, Plan, Row, State, Status, Translation,
    parse_json_bytes, parse_json_for_each, recycle, run_case,
};

/// The two versions, ready to run cases through, and which new step each old step became.
pub struct Versions<'a> {
    pub old: &'a Plan<'a>,
    pub new: &'a Plan<'a>,
    /// By old step id: the new step with its name (after renames), if it is still there.
    old_to_new: Vec<Option<StepIndex>>,
    /// How a case read for the old version carries over to the new one without reading it
    /// again.
    carry: Translation,
}

impl<'a> Versions<'a> {
    /// `changes` are the structural changes from old to new (for the renames among them).
    pub fn new(old: &'a Plan<'a>, new: &'a Plan<'a>, changes: &[Change]) -> Self {
        let renames: BTreeMap<&str, &str> = changes
            .iter()
            .filter(|c| c.kind == "step_renamed")
            .filter_map(|c| Some((c.before.as_deref()?, c.after.as_deref()?)))
            .collect();
        let old_to_new = old
            .procedure
            .steps
            .iter()
            .map(|step| {
                let name = renames.get(step.id.as_str()).copied().unwrap_or(&step.id);
                new.procedure.step_named(name)
            })
            .collect();
        Versions {
            old,
            new,
            old_to_new,
            carry: Translation::new(old, new),
        }
    }
}

/// Cases already read for each version (from CSV), in the same order: runs each pair and
/// compares them, on every core. The result is the same whatever the number of threads.
pub fn impact_of_cases<'a>(
    versions: &Versions<'a>,
    as_of: NaiveDate,
    old: Vec<Result<Case, BadCase>>,
    new: Vec<Result<Case, BadCase>>,
) -> Impact<'a> {
    let parts: Vec<Impact<'a>> = old
        .into_par_iter()
        .zip(new)
        .chunks(64)
        .map(|pairs| {
            let mut impact = Impact::default();
            for (old, new) in pairs {
                impact.add_case(versions, as_of, old, new);
            }
            impact
        })
        .collect();
    let mut total = Impact::default();
    for part in parts {
        total.append(part);
    }
    total
}

impl Versions<'_> {
    /// A case line read for both versions, once. Where every case carries over from the old
    /// version to the new one by renaming ids, the line is checked for the old version and the
    /// case carried over (a case that gives `null` for a required fact, or whose records give
    /// facts, is read again); otherwise the line is read once and checked against both.
    pub fn read(
        &self,
        line: usize,
        bytes: &[u8],
    ) -> (Result<Case, BadCase>, Result<Case, BadCase>) {
        if !self.carry.is_total() {
            let [old, new] = parse_json_for_each([self.old, self.new], line, bytes);
            return (old, new);
        }
        let old = parse_json_bytes(self.old, line, bytes);
        let carried = old
            .as_ref()
            .ok()
            .and_then(|case| self.carry.carry_over(case));
        let new = match carried {
            Some(case) => Ok(case),
            None => parse_json_bytes(self.new, line, bytes),
        };
        (old, new)
    }
}

/// A value before or after a change, kept as it is and put into words only when printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Status(Status),
    State(State),
    Date(NaiveDate),
    Deviation(DeviationKind),
    Text(String),
}

impl Value {
    pub fn words(&self) -> String {
        match self {
            Value::Status(status) => status.word().to_string(),
            Value::State(state) => state.word().to_string(),
            Value::Date(date) => date.to_string(),
            Value::Deviation(kind) => kind.word().to_string(),
            Value::Text(text) => text.clone(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.words())
    }
}

/// One difference in one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseChange<'a> {
    /// The step (its new name, or its old name when it is gone), or `""` for the whole case.
    pub step: &'a str,
    /// For checkpoints' and recurring occurrences: which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<u32>,
    /// `status_changed`, `due_moved`, `state_changed`, `step_gone`, `step_new`,
    /// `deviation_new`, `deviation_gone`, `unreadable_in_new` or `unreadable_in_old`. For the
    /// deviations, `before` or `after` is the deviation's kind (`not_recorded`, ...).
    pub kind: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// For `due_moved`: working days from the old due date to the new one (negative: earlier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<i64>,
    /// For a case that would leave the new version: the event it leaves at and what was
    /// expected instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl CaseChange<'_> {
    /// For a due date that moved: earlier or later. Two dates a weekend apart can be the same
    /// number of working days from anything, so the dates themselves decide.
    pub fn direction(&self) -> Option<std::cmp::Ordering> {
        match (&self.before, &self.after) {
            (Some(Value::Date(before)), Some(Value::Date(after))) => Some(after.cmp(before)),
            _ => None,
        }
    }
}

/// The differences in one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseImpact<'a> {
    pub case: String,
    pub line: usize,
    pub changes: Vec<CaseChange<'a>>,
}

/// The impact on a caseload (or a block of it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Impact<'a> {
    pub cases: usize,
    /// The cases that differ, in input order.
    pub affected: Vec<CaseImpact<'a>>,
    /// How many cases show each kind of difference, by [`Tally`] number.
    counts: Vec<usize>,
    /// Cases neither version can read, each with its lines for standard error, worded as
    /// `waymark run` words them (`error[WM0503]: case C1, line 4: ...`).
    pub bad: Vec<Vec<String>>,
}

impl<'a> Impact<'a> {
    /// Adds a later block's impact to this one.
    pub fn append(&mut self, mut later: Impact<'a>) {
        self.cases += later.cases;
        self.affected.append(&mut later.affected);
        if self.counts.len() < later.counts.len() {
            self.counts.resize(later.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(later.counts) {
            *mine += theirs;
        }
        self.bad.append(&mut later.bad);
    }

    /// The summary's words for each counted difference, e.g. "met -> late", "due earlier".
    pub fn counted(&self) -> Vec<(String, usize)> {
        counted(&self.counts)
    }

    /// The summary of this impact, with its affected cases set apart.
    pub fn split(self) -> (ImpactSummary, Vec<CaseImpact<'a>>) {
        let summary = ImpactSummary {
            cases: self.cases,
            affected: self.affected.len(),
            counts: self.counts,
            bad: self.bad,
        };
        (summary, self.affected)
    }
}

/// What a report says about a whole caseload before it lists the affected cases: counts only,
/// so that a caseload of any size is summed block by block while its cases are written out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImpactSummary {
    pub cases: usize,
    /// How many cases differ.
    pub affected: usize,
    /// How many cases show each kind of difference, by [`Tally`] number.
    counts: Vec<usize>,
    /// Cases neither version can read, each with its lines for standard error, worded as
    /// `waymark run` words them (`error[WM0503]: case C1, line 4: ...`).
    pub bad: Vec<Vec<String>>,
}

impl ImpactSummary {
    /// Counts a later block's impact and hands back its affected cases, in input order.
    pub fn add<'a>(&mut self, block: Impact<'a>) -> Vec<CaseImpact<'a>> {
        let (mut later, affected) = block.split();
        self.cases += later.cases;
        self.affected += later.affected;
        if self.counts.len() < later.counts.len() {
            self.counts.resize(later.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(later.counts) {
            *mine += theirs;
        }
        self.bad.append(&mut later.bad);
        affected
    }

    /// The summary's words for each counted difference, most cases first.
    pub fn counted(&self) -> Vec<(String, usize)> {
        counted(&self.counts)
    }
}

fn counted(tallies: &[usize]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = tallies
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(tally, n)| (Tally(tally).words(), *n))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// Runs every case of a block of JSON Lines through both versions. `first_line` is the block's
/// first line number in its file. The result is the same whatever the number of threads.
pub fn impact_of<'a>(
    versions: &Versions<'a>,
    as_of: NaiveDate,
    first_line: usize,
    text: &[u8],
) -> Impact<'a> {
    let (parts, _) = waymark_run::for_each_stretch(first_line, text, |lines, _| {
        let mut impact = Impact::default();
        for (line, bytes) in lines {
            let (old, new) = versions.read(line, bytes);
            impact.add_case(versions, as_of, old, new);
        }
        impact
    });
    let mut total = Impact::default();
    for part in parts {
        total.append(part);
    }
    total
}

impl<'a> Impact<'a> {
    fn add_case(
        &mut self,
        versions: &Versions<'a>,
        as_of: NaiveDate,
        old: Result<Case, BadCase>,
        new: Result<Case, BadCase>,
    ) {
        self.cases += 1;
        let (id, line, changes) = match (old, new) {
            (Ok(old), Ok(new)) => {
                let mut old = run_case(versions.old, old, as_of);
                let new = run_case(versions.new, new, as_of);
                let changes = compare_reports(versions, &old, &new);
                let (id, line) = (std::mem::take(&mut old.case.id), old.case.line);
                recycle(old);
                recycle(new);
                (id, line, changes)
            }
            (Ok(old), Err(bad)) => (
                old.id,
                old.line,
                vec![unreadable("unreadable_in_new", &bad)],
            ),
            (Err(bad), Ok(new)) => (
                new.id,
                new.line,
                vec![unreadable("unreadable_in_old", &bad)],
            ),
            (Err(bad), Err(_)) => {
                self.bad.push(waymark_run::render::bad_case_lines(&bad));
                return;
            }
        };
        if changes.is_empty() {
            return;
        }
        // Each kind of difference counts once per case.
        let mut seen = [false; Tally::COUNT];
        if self.counts.is_empty() {
            self.counts = vec![0; Tally::COUNT];
        }
        for change in &changes {
            let tally = Tally::of(change).0;
            if !std::mem::replace(&mut seen[tally], true) {
                self.counts[tally] += 1;
            }
        }
        self.affected.push(CaseImpact {
            case: id,
            line,
            changes,
        });
    }
}

fn unreadable(kind: &'static str, bad: &BadCase) -> CaseChange<'static> {
    // Two records of one renamed step give the same message: say it once, naming both records
    // ("events 2, 4: unknown step ...").
    let mut problems: Vec<(&str, Vec<&str>)> = Vec::new();
    for problem in &bad.problems {
        let (event, message) = event_and_message(&problem.message);
        match problems.iter_mut().find(|(known, _)| *known == message) {
            Some((_, events)) => events.extend(event),
            None => problems.push((message, event.into_iter().collect())),
        }
    }
    let problems: Vec<String> = problems
        .into_iter()
        .map(|(message, events)| match events.as_slice() {
            [] => message.to_string(),
            [one] => format!("event {one}: {message}"),
            many => format!("events {}: {message}", many.join(", ")),
        })
        .collect();
    CaseChange {
        step: "",
        occurrence: None,
        kind,
        before: None,
        after: Some(Value::Text(problems.join("; "))),
        working_days: None,
        detail: None,
    }
}

/// A JSON Lines case's problem names its event (`event 2: unknown step ...`): the number and
/// the rest, apart.
fn event_and_message(message: &str) -> (Option<&str>, &str) {
    message
        .strip_prefix("event ")
        .and_then(|rest| rest.split_once(": "))
        .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .map_or((None, message), |(number, rest)| (Some(number), rest))
}

/// What a difference is counted under in the caseload summary: its kind and, for status and
/// state changes, the statuses or states before and after, numbered so that counting is
/// indexing (a map keyed by words cost more than the comparison itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tally(usize);

const PLAIN_KINDS: [&str; 7] = [
    "due_earlier",
    "due_later",
    "due_moved",
    "step_gone",
    "step_new",
    "unreadable_in_new",
    "unreadable_in_old",
];
const STATUSES: usize = Status::ALL.len();
const STATES: usize = State::ALL.len();
const DEVIATIONS: usize = DeviationKind::ALL.len();

impl Tally {
    const COUNT: usize = PLAIN_KINDS.len() + STATUSES * STATUSES + STATES * STATES + 2 * DEVIATIONS;
    const FIRST_STATUS: usize = PLAIN_KINDS.len();
    const FIRST_STATE: usize = Self::FIRST_STATUS + STATUSES * STATUSES;
    /// Deviations that appear, then deviations that vanish, by kind.
    const FIRST_DEVIATION: usize = Self::FIRST_STATE + STATES * STATES;

    fn of(change: &CaseChange<'_>) -> Tally {
        let plain = |kind: &str| PLAIN_KINDS.iter().position(|k| *k == kind).unwrap_or(2);
        match (change.kind, &change.before, &change.after) {
            ("due_moved", ..) => Tally(match change.direction() {
                Some(std::cmp::Ordering::Less) => 0,
                Some(std::cmp::Ordering::Greater) => 1,
                _ => 2,
            }),
            ("status_changed", Some(Value::Status(a)), Some(Value::Status(b))) => {
                Tally(Self::FIRST_STATUS + *a as usize * STATUSES + *b as usize)
            }
            ("state_changed", Some(Value::State(a)), Some(Value::State(b))) => {
                Tally(Self::FIRST_STATE + *a as usize * STATES + *b as usize)
            }
            ("deviation_new", _, Some(Value::Deviation(kind))) => {
                Tally(Self::FIRST_DEVIATION + *kind as usize)
            }
            ("deviation_gone", Some(Value::Deviation(kind)), _) => {
                Tally(Self::FIRST_DEVIATION + DEVIATIONS + *kind as usize)
            }
            (kind, ..) => Tally(plain(kind)),
        }
    }

    /// The summary's words, e.g. "met -> late", "due earlier".
    fn words(self) -> String {
        if self.0 >= Self::FIRST_DEVIATION {
            let n = self.0 - Self::FIRST_DEVIATION;
            let kind = DeviationKind::ALL[n % DEVIATIONS].word();
            return match n < DEVIATIONS {
                true => format!("new deviation: {kind}"),
                false => format!("deviation gone: {kind}"),
            };
        }
        if self.0 >= Self::FIRST_STATE {
            let n = self.0 - Self::FIRST_STATE;
            let (a, b) = (State::ALL[n / STATES], State::ALL[n % STATES]);
            return format!("case {} -> {}", a.word(), b.word());
        }
        if self.0 >= Self::FIRST_STATUS {
            let n = self.0 - Self::FIRST_STATUS;
            let (a, b) = (Status::ALL[n / STATUSES], Status::ALL[n % STATUSES]);
            return format!("{} -> {}", a.word(), b.word());
        }
        match PLAIN_KINDS.get(self.0).copied().unwrap_or("due_moved") {
            "due_earlier" => "due earlier".to_string(),
            "due_later" => "due later".to_string(),
            "step_gone" => "step no longer in the procedure".to_string(),
            "step_new" => "new step for the case".to_string(),
            "unreadable_in_new" => "case cannot be read by the new version".to_string(),
            "unreadable_in_old" => "case cannot be read by the old version".to_string(),
            other => other.replace('_', " "),
        }
    }
}

/// Rows are matched by step (old steps mapped to new ones once, in [`Versions`]) and
/// occurrence (a row without one is the first). Both reports list rows in declaration order, which the versions mostly share, so
/// each match is looked for first just after the previous one: no index is built per case.
fn compare_reports<'a>(
    versions: &Versions<'a>,
    old: &CaseReport,
    new: &CaseReport,
) -> Vec<CaseChange<'a>> {
    let mut matched = Matched::new(new.rows.len());
    let mut changes = Vec::new();
    if old.state != new.state {
        let (before, after) = (Some(Value::State(old.state)), Some(Value::State(new.state)));
        let detail = new
            .left
            .as_ref()
            .map(|left| left_words(versions.new.procedure, left));
        changes.push(CaseChange {
            step: "",
            occurrence: None,
            kind: "state_changed",
            before,
            after,
            working_days: None,
            detail,
        });
    }
    let mut cursor = 0;
    for old_row in &old.rows {
        let new_step = versions
            .old_to_new
            .get(old_row.step.0 as usize)
            .copied()
            .flatten();
        // A step's one row is its first occurrence's in the other version: a rule that comes to
        // apply `before each` occurrence of a step (or stops doing so) keeps the row it had.
        let is_partner = |row: &Row| {
            Some(row.step) == new_step
                && row.occurrence.unwrap_or(1) == old_row.occurrence.unwrap_or(1)
        };
        let found = new_step.and_then(|_| {
            let after = new
                .rows
                .get(cursor..)
                .unwrap_or_default()
                .iter()
                .position(is_partner)
                .map(|i| cursor + i);
            after.or_else(|| new.rows.iter().position(is_partner))
        });
        let Some(index) = found else {
            // A step on a branch this case did not take changes nothing for it.
            if old_row.status != Status::NotApplicable {
                let step = versions.old.procedure.step(old_row.step).id.as_str();
                let before = Some(Value::Status(old_row.status));
                changes.push(CaseChange {
                    step,
                    occurrence: old_row.occurrence,
                    kind: "step_gone",
                    before,
                    after: None,
                    working_days: None,
                    detail: None,
                });
            }
            continue;
        };
        cursor = index + 1;
        matched.set(index);
        compare_rows(versions, old_row, &new.rows[index], &mut changes);
    }
    let unmatched = new
        .rows
        .iter()
        .enumerate()
        .filter(|(index, _)| !matched.get(*index));
    for (_, new_row) in unmatched {
        if new_row.status != Status::NotApplicable {
            let step = versions.new.procedure.step(new_row.step).id.as_str();
            let after = Some(Value::Status(new_row.status));
            changes.push(CaseChange {
                step,
                occurrence: new_row.occurrence,
                kind: "step_new",
                before: None,
                after,
                working_days: None,
                detail: None,
            });
        }
    }
    compare_deviations(versions, old, new, &mut changes);
    changes
}

/// Deviations that appear or vanish: matched by kind, step (after renames) and date. A new
/// version that adds a required step shows at once, as `not_recorded`, in every case recorded
/// past it.
fn compare_deviations<'a>(
    versions: &Versions<'a>,
    old: &CaseReport,
    new: &CaseReport,
    changes: &mut Vec<CaseChange<'a>>,
) {
    if old.deviations.is_empty() && new.deviations.is_empty() {
        return;
    }
    let in_new = |deviation: &Deviation| {
        versions
            .old_to_new
            .get(deviation.step.0 as usize)
            .copied()
            .flatten()
    };
    let same = |a: &Deviation, a_step: Option<StepIndex>, b: &Deviation| {
        a.kind == b.kind
            && a_step == Some(b.step)
            && a.on.map(|on| on.date) == b.on.map(|on| on.date)
    };
    let deviation_change =
        |procedure: &'a waymark_compile::Procedure, deviation: &Deviation, new: bool| {
            let kind = Some(Value::Deviation(deviation.kind));
            let (before, after) = match new {
                true => (None, kind),
                false => (kind, None),
            };
            CaseChange {
                step: procedure.step(deviation.step).id.as_str(),
                occurrence: None,
                kind: if new {
                    "deviation_new"
                } else {
                    "deviation_gone"
                },
                before,
                after,
                working_days: None,
                detail: deviation.on.map(|on| match deviation.kind {
                    DeviationKind::NotRecorded => format!(
                        "no record, though the case was recorded past it on {}",
                        on.date
                    ),
                    _ => format!("the record of {}", on.date),
                }),
            }
        };
    for deviation in &old.deviations {
        let step = in_new(deviation);
        if !new
            .deviations
            .iter()
            .any(|other| same(deviation, step, other))
        {
            changes.push(deviation_change(versions.old.procedure, deviation, false));
        }
    }
    for deviation in &new.deviations {
        let matched = old
            .deviations
            .iter()
            .any(|other| same(other, in_new(other), deviation));
        if !matched {
            changes.push(deviation_change(versions.new.procedure, deviation, true));
        }
    }
}

/// Which rows of the new report found a partner: bits in a number for up to 128 rows (no
/// allocation per case), a list beyond that.
enum Matched {
    Few(u128),
    Many(Vec<bool>),
}

impl Matched {
    fn new(rows: usize) -> Matched {
        match rows <= 128 {
            true => Matched::Few(0),
            false => Matched::Many(vec![false; rows]),
        }
    }

    fn set(&mut self, index: usize) {
        match self {
            Matched::Few(bits) => *bits |= 1 << index,
            Matched::Many(flags) => flags[index] = true,
        }
    }

    fn get(&self, index: usize) -> bool {
        match self {
            Matched::Few(bits) => bits >> index & 1 == 1,
            Matched::Many(flags) => flags[index],
        }
    }
}

fn compare_rows<'a>(
    versions: &Versions<'a>,
    old: &Row,
    new: &Row,
    changes: &mut Vec<CaseChange<'a>>,
) {
    let step = versions.new.procedure.step(new.step).id.as_str();
    let change = |kind, before, after, working_days| CaseChange {
        step,
        occurrence: new.occurrence,
        kind,
        before,
        after,
        working_days,
        detail: None,
    };
    if old.status != new.status {
        changes.push(change(
            "status_changed",
            Some(Value::Status(old.status)),
            Some(Value::Status(new.status)),
            None,
        ));
    }
    let (old_due, new_due) = (old.due.map(|d| d.date()), new.due.map(|d| d.date()));
    if old_due != new_due {
        let days = match (old_due, new_due) {
            (Some(a), Some(b)) => versions.new.calendar.working_days_between(a, b).ok(),
            _ => None,
        };
        changes.push(change(
            "due_moved",
            old_due.map(Value::Date),
            new_due.map(Value::Date),
            days,
        ));
    }
}

/// "the new version does not allow `outcome` on 2026-02-20; it expected `visit_recorded`".
fn left_words(procedure: &waymark_compile::Procedure, left: &waymark_run::Left) -> String {
    let on = left
        .on
        .map(|when| format!(" on {}", when.date))
        .unwrap_or_default();
    let expected: Vec<String> = left
        .expected
        .iter()
        .map(|s| format!("`{}`", procedure.step(*s).id))
        .collect();
    let expected = if expected.is_empty() {
        "nothing more".to_string()
    } else {
        expected.join(" or ")
    };
    format!(
        "the new version does not allow `{}`{on}; it expected {expected}",
        procedure.step(left.step).id
    )
}
