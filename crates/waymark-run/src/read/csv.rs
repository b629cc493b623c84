//! Case data as CSV, the shape case-management systems export: an events file with the header
//! `case,step,on,outcome,by,reason,waived[,approved_by][,facts][,extended_by]` and a facts
//! file with `case,fact,value`. A row's `facts` are the facts recorded at its step,
//! `name=value` pairs separated by `;` (`unanimous=no`).
//!
//! A case's rows need not be next to each other, so both files are held whole. The first pass
//! (the `csv` crate's reader) notes where each row is and which case it belongs to, and checks
//! what can be checked of a row alone; the second reads the rows of a few cases at a time into
//! cases. So memory is the files plus a few words a row, not a string per field. Cases come out
//! in the order each first appears in the events file, then cases that only have facts.
//!
//! A bad row (bytes that are not UTF-8, a quote never closed, the wrong number of fields) is a
//! problem of its case only: every other case is still read. A UTF-8 byte-order mark, as
//! Excel's "CSV UTF-8" writes, is skipped.
#![allow(
    clippy::indexing_slicing,
    reason = "group numbers are below the group count the lists were sized from, and record offsets come from the CSV reader for the buffers it was given"
)]

use crate::case::{BadCase, Case, InputFile, Problem};
use crate::plan::Plan;
use crate::read::{RawCase, RawEvent, RawFacts, RawValue};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use waymark_diagnostics::Code;

/// The columns of the events file.
pub const EVENT_COLUMNS: [&str; 10] = [
    "case",
    "step",
    "on",
    "outcome",
    "by",
    "reason",
    "waived",
    "approved_by",
    "facts",
    "extended_by",
];
/// The columns of the facts file.
pub const FACT_COLUMNS: [&str; 3] = ["case", "fact", "value"];

/// A problem with a whole file (a bad header): no case can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem(pub Problem);

/// Both files, scanned: every row's place and case, ready to be read a few cases at a time.
pub struct CsvCases<'f> {
    events: Scanned<'f>,
    facts: Option<Scanned<'f>>,
    groups: Vec<Group>,
    /// Every row of both files (events first), ordered by group: `rows_of[g]` is the range of
    /// group `g`'s rows in this list.
    order: Vec<RowRef>,
    rows_of: Vec<Range<usize>>,
    /// For naming a case a facts-only id may have meant (made only when one is found).
    likeness: std::sync::OnceLock<HashMap<String, usize>>,
}

/// A case id as a person might mistype it: letters and digits only, upper case, with `O` read
/// as `0` and `I` or `L` as `1`.
fn likeness(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// One file, scanned.
struct Scanned<'f> {
    bytes: &'f [u8],
    file: InputFile,
    /// Per wanted column, its position in the file's header.
    columns: Vec<Option<usize>>,
    /// The header's width, and the positions of its empty names (a spreadsheet's trailing
    /// comma): ignored, as long as no row has a value there.
    width: usize,
    unnamed: Vec<usize>,
    rows: Vec<Row>,
}

impl Scanned<'_> {
    /// Where the wanted column `column` is in this file's rows, if the header has it.
    fn position(&self, column: usize) -> Option<usize> {
        self.columns.get(column).copied().flatten()
    }
}

/// Where a data row is, and whose it is.
#[derive(Clone, Copy, Debug)]
struct Row {
    start: usize,
    end: usize,
    line: u32,
    group: u32,
}

/// A row of one of the two files.
#[derive(Clone, Copy, Debug)]
struct RowRef {
    facts: bool,
    row: u32,
}

/// A case: its id, the line it first appears on, and problems found with its rows alone.
struct Group {
    id: Option<String>,
    line: usize,
    problems: Vec<Problem>,
}

/// Reads the events file and the (optional) facts file, ready to give cases.
pub fn read_cases<'f>(
    events: &'f [u8],
    facts: Option<&'f [u8]>,
) -> Result<CsvCases<'f>, FileProblem> {
    let mut groups = Grouping::default();
    let events = scan(events, InputFile::Cases, &EVENT_COLUMNS, &mut groups)?;
    let facts = facts
        .map(|bytes| scan(bytes, InputFile::Facts, &FACT_COLUMNS, &mut groups))
        .transpose()?;
    let groups = groups.groups;
    // Counting sort of rows by group, keeping file order within a group.
    let mut counts = vec![0usize; groups.len() + 1];
    let all_rows = || {
        let event_rows = events
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (false, i, r.group));
        let fact_rows = facts
            .iter()
            .flat_map(|f| f.rows.iter().enumerate().map(|(i, r)| (true, i, r.group)));
        event_rows.chain(fact_rows)
    };
    for (_, _, group) in all_rows() {
        counts[group as usize + 1] += 1;
    }
    for g in 1..counts.len() {
        counts[g] += counts[g - 1];
    }
    let rows_of: Vec<Range<usize>> = (0..groups.len())
        .map(|g| counts[g]..counts[g + 1])
        .collect();
    let mut next = counts;
    let mut order = vec![
        RowRef {
            facts: false,
            row: 0
        };
        next.last().copied().unwrap_or(0)
    ];
    for (facts, row, group) in all_rows() {
        let slot = &mut next[group as usize];
        order[*slot] = RowRef {
            facts,
            row: row as u32,
        };
        *slot += 1;
    }
    Ok(CsvCases {
        events,
        facts,
        groups,
        order,
        rows_of,
        likeness: std::sync::OnceLock::new(),
    })
}

impl CsvCases<'_> {
    /// How many cases the files hold (bad ones included).
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The cases numbered `range`, checked against `plan`.
    pub fn cases(&self, plan: &Plan, range: Range<usize>) -> Vec<Result<Case, BadCase>> {
        // Building a reader makes its state machine: one serves every row.
        let mut reader = RowReader::default();
        range
            .filter_map(|g| self.read_case(plan, g, &mut reader))
            .collect()
    }

    /// Every case, checked against `plan` (for small files; large ones go a range at a time).
    pub fn all(&self, plan: &Plan) -> Vec<Result<Case, BadCase>> {
        self.cases(plan, 0..self.len())
    }

    /// The number of the case with this id, if any.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|group| group.id.as_deref() == Some(id))
    }

    /// WM0513, a warning for each case of the facts file with no rows in the events file: it
    /// runs with no records, which is right for a case not begun, and wrong for an id typed
    /// differently in the two files, so the warning names a case it may have meant.
    pub fn facts_only(&self) -> Vec<Problem> {
        (self.groups.iter().enumerate())
            .filter(|(g, _)| self.has_no_events(*g))
            .filter_map(|(_, group)| {
                Some(self.facts_only_problem(group.id.as_deref()?, group.line))
            })
            .collect()
    }

    /// Whether case number `g` has no row in the events file. (Its event rows come first.)
    fn has_no_events(&self, g: usize) -> bool {
        (self.rows_of.get(g).cloned())
            .and_then(|rows| self.order.get(rows.start))
            .is_none_or(|row| row.facts)
    }

    /// The warning for one case with facts only. Names an events-file case whose id differs
    /// only in case, spaces, punctuation or a letter O or I for a digit, if one does.
    fn facts_only_problem(&self, id: &str, line: usize) -> Problem {
        let similar = self.event_ids_by_likeness().get(&likeness(id)).copied();
        let hint = match similar.and_then(|g| self.groups.get(g)?.id.as_deref()) {
            Some(other) => format!(
                "; the events file has `{}`: is it the same case, its id written differently?",
                short(other)
            ),
            None => ": if it has records, check its id against the events file".to_string(),
        };
        Problem {
            code: Code::CaseFactsOnly,
            file: InputFile::Facts,
            line,
            message: format!(
                "case `{}` is in the facts file but has no rows in the events file, so it is run with no records{hint}",
                short(id)
            ),
        }
    }

    /// The events file's case ids by [`likeness`] (the first case of each), made once.
    fn event_ids_by_likeness(&self) -> &HashMap<String, usize> {
        self.likeness.get_or_init(|| {
            let mut ids = HashMap::new();
            for (g, group) in self.groups.iter().enumerate() {
                if let (false, Some(id)) = (self.has_no_events(g), &group.id) {
                    ids.entry(likeness(id)).or_insert(g);
                }
            }
            ids
        })
    }

    /// Case number `g`: its rows read, then checked.
    pub fn case(&self, plan: &Plan, g: usize) -> Option<Result<Case, BadCase>> {
        self.read_case(plan, g, &mut RowReader::default())
    }

    fn read_case(
        &self,
        plan: &Plan,
        g: usize,
        reader: &mut RowReader,
    ) -> Option<Result<Case, BadCase>> {
        let group = self.groups.get(g)?;
        let rows = self.order.get(self.rows_of.get(g)?.clone())?;
        let mut problems = group.problems.clone();
        let Some(id) = &group.id else {
            return Some(Err(BadCase {
                id: None,
                line: group.line,
                problems,
            }));
        };

        // Every field of the case's rows in one text, read once: the raw case borrows from it.
        let mut text = String::new();
        let mut spans: Vec<(RowRef, u32, Vec<Range<usize>>)> = Vec::with_capacity(rows.len());
        for row_ref in rows {
            let scanned = match row_ref.facts {
                true => self.facts.as_ref()?,
                false => &self.events,
            };
            let row = scanned.rows.get(row_ref.row as usize)?;
            match reader.fields(scanned, row, &mut text) {
                Ok(fields) => spans.push((*row_ref, row.line, fields)),
                Err(message) => problems.push(Problem {
                    code: Code::CsvRowInvalid,
                    file: scanned.file,
                    line: row.line as usize,
                    message,
                }),
            }
        }
        let mut events = Vec::new();
        let mut facts = RawFacts::default();
        for (row_ref, line, fields) in &spans {
            let scanned = match row_ref.facts {
                true => self.facts.as_ref()?,
                false => &self.events,
            };
            let field = |column: usize| {
                scanned
                    .position(column)
                    .and_then(|at| fields.get(at))
                    .and_then(|span| text.get(span.clone()))
                    .unwrap_or("")
            };
            let line = *line as usize;
            if row_ref.facts {
                facts.0.push((
                    Cow::Borrowed(field(1).trim()),
                    RawValue::Text(Cow::Borrowed(field(2).trim())),
                    line,
                ));
                continue;
            }
            // Spreadsheets write `TRUE` and `FALSE`: any case is read, as for yes/no facts' words.
            let waived = match field(6).trim() {
                "" => Some(false),
                word if ["false", "no"]
                    .iter()
                    .any(|no| word.eq_ignore_ascii_case(no)) =>
                {
                    Some(false)
                }
                word if ["true", "yes"]
                    .iter()
                    .any(|yes| word.eq_ignore_ascii_case(yes)) =>
                {
                    Some(true)
                }
                other => {
                    problems.push(Problem {
                        code: Code::CaseValueInvalid,
                        file: InputFile::Cases,
                        line,
                        message: format!(
                            "`waived` must be `true`, `yes`, `false`, `no` or empty, not `{}`",
                            short(other)
                        ),
                    });
                    continue;
                }
            };
            let optional = |column: usize| {
                let text = field(column);
                (!text.is_empty()).then_some(Cow::Borrowed(text))
            };
            let Some(recorded) = recorded_facts(field(8), line, &mut problems) else {
                continue;
            };
            events.push(RawEvent {
                step: Cow::Borrowed(field(1).trim()),
                on: optional(2),
                outcome: optional(3),
                by: optional(4),
                reason: optional(5),
                waived,
                approved_by: optional(7),
                facts: recorded,
                extended_by: optional(9),
                line,
            });
        }
        let raw = RawCase {
            case: Cow::Borrowed(id.as_str()),
            facts,
            events,
        };
        let checked = crate::read::check::check_case(plan, raw, group.line);
        Some(match (checked, problems) {
            (checked, problems) if problems.is_empty() => checked,
            (Ok(_), problems) => Err(BadCase {
                id: Some(id.clone()),
                line: group.line,
                problems,
            }),
            (Err(mut bad), problems) => {
                bad.problems.splice(0..0, problems);
                Err(bad)
            }
        })
    }
}

/// The `facts` column of an events row: `name=value` pairs separated by `;`, each a fact
/// recorded at the row's step. A pair without `=` is a problem of the row.
fn recorded_facts<'t>(
    text: &'t str,
    line: usize,
    problems: &mut Vec<Problem>,
) -> Option<RawFacts<'t>> {
    let mut facts = Vec::new();
    for pair in text
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
    {
        let Some((name, value)) = pair.split_once('=') else {
            problems.push(Problem {
                code: Code::CaseValueInvalid,
                file: InputFile::Cases,
                line,
                message: format!(
                    "the `facts` column holds `{}`, not `name=value`: write each fact recorded \
                     at the step as `unanimous=no`, separated by `;`",
                    short(pair)
                ),
            });
            return None;
        };
        facts.push((
            Cow::Borrowed(name.trim()),
            RawValue::Text(Cow::Borrowed(value.trim())),
            0,
        ));
    }
    Some(RawFacts(facts))
}

/// A value quoted in a message: at most 40 characters of it.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

/// Reads rows one at a time, with one state machine and output space for all of them.
struct RowReader {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
}

impl Default for RowReader {
    fn default() -> Self {
        RowReader {
            // `new` builds the state machine (a derived default would not).
            reader: csv_core::Reader::new(),
            output: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl RowReader {
    /// Reads one row's fields (unquoted) onto the end of `text`, giving each field's place there.
    fn fields(
        &mut self,
        scanned: &Scanned<'_>,
        row: &Row,
        text: &mut String,
    ) -> Result<Vec<Range<usize>>, String> {
        let bytes = scanned.bytes.get(row.start..row.end).unwrap_or_default();
        self.reader.reset();
        self.output.clear();
        self.output.resize(bytes.len() + 1, 0);
        self.ends.clear();
        self.ends.resize(bytes.len() + 2, 0);
        let (output, ends) = (&mut self.output, &mut self.ends);
        let (mut written, mut count) = (0, 0);
        let mut input = bytes;
        loop {
            let (result, read, out, fields) =
                self.reader
                    .read_record(input, &mut output[written..], &mut ends[count..]);
            input = &input[read..];
            written += out;
            count += fields;
            match result {
                csv_core::ReadRecordResult::InputEmpty if !input.is_empty() => continue,
                // The end of the row's bytes ends the record even without a final line break.
                csv_core::ReadRecordResult::InputEmpty => {
                    let (_, _, out, fields) =
                        self.reader
                            .read_record(&[], &mut output[written..], &mut ends[count..]);
                    written += out;
                    count += fields;
                    break;
                }
                _ => break,
            }
        }
        let output = output.get(..written).unwrap_or_default();
        let unquoted = std::str::from_utf8(output).map_err(|error| {
            format!(
                "the row is not UTF-8 text (a bad byte at column {}); save the file as UTF-8",
                error.valid_up_to() + 1
            )
        })?;
        let base = text.len();
        text.push_str(unquoted);
        let mut start = 0;
        let mut spans = Vec::with_capacity(count);
        for &end in ends.get(..count).unwrap_or_default() {
            spans.push(base + start..base + end);
            start = end;
        }
        Ok(spans)
    }
}

/// Case ids to group numbers, as rows are scanned.
#[derive(Default)]
struct Grouping {
    index: HashMap<Box<[u8]>, u32>,
    groups: Vec<Group>,
}

impl Grouping {
    fn group_of(&mut self, id: &[u8], line: usize) -> u32 {
        if let Some(&group) = self.index.get(id) {
            return group;
        }
        let group = self.groups.len() as u32;
        self.index.insert(id.into(), group);
        self.groups.push(Group {
            id: Some(String::from_utf8_lossy(id).into_owned()),
            line,
            problems: Vec::new(),
        });
        group
    }

    /// A row that names no case: a bad case of its own.
    fn orphan(&mut self, problem: Problem) -> u32 {
        let group = self.groups.len() as u32;
        self.groups.push(Group {
            id: None,
            line: problem.line,
            problems: vec![problem],
        });
        group
    }
}

/// Scans a file: its header, then every data row's place and case.
fn scan<'f>(
    bytes: &'f [u8],
    file: InputFile,
    wanted: &[&str],
    groups: &mut Grouping,
) -> Result<Scanned<'f>, FileProblem> {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut scanned = Scanned {
        bytes,
        file,
        columns: Vec::new(),
        width: 0,
        unnamed: Vec::new(),
        rows: Vec::new(),
    };
    let mut from = start;
    let mut first_line = 1usize;
    while from < bytes.len() {
        match scan_from(&mut scanned, from, first_line, wanted, groups)? {
            Some((resume, line)) => {
                from = resume;
                first_line = line;
            }
            None => break,
        }
    }
    // A row ends where the next begins (reading one stops at its own end in any case).
    for index in 1..scanned.rows.len() {
        let next = scanned.rows[index].start;
        scanned.rows[index - 1].end = next;
    }
    if scanned.columns.is_empty() && file == InputFile::Cases {
        return Err(FileProblem(Problem {
            code: Code::CsvHeaderInvalid,
            file,
            line: 1,
            message: format!(
                "the file is empty: it needs the header {}",
                wanted.join(",")
            ),
        }));
    }
    Ok(scanned)
}

/// Scans from byte `from` (on line `first_line`) to the end, or to a quote never closed: then
/// that row is its case's problem, and scanning should resume on the next line (returned).
fn scan_from(
    scanned: &mut Scanned<'_>,
    from: usize,
    first_line: usize,
    wanted: &[&str],
    groups: &mut Grouping,
) -> Result<Option<(usize, usize)>, FileProblem> {
    let bytes = scanned.bytes;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.get(from..).unwrap_or_default());
    let mut record = csv::ByteRecord::new();
    let rows_before = scanned.rows.len();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(take_back_unclosed(scanned, rows_before, groups)),
            Ok(true) => {}
            Err(error) => {
                // The reader stops only on a broken read: the rest is one bad row.
                let line = first_line + error.position().map_or(0, |p| p.line() as usize - 1);
                groups.orphan(Problem {
                    code: Code::CsvRowInvalid,
                    file: scanned.file,
                    line,
                    message: format!("the row cannot be read as CSV: {error}"),
                });
                return Ok(None);
            }
        }
        let mut start = from + record.position().map_or(0, |p| p.byte() as usize);
        let mut line = first_line + record.position().map_or(1, |p| p.line() as usize) - 1;
        // After a CR LF, the reader's record starts at the LF, still on the line before.
        while let Some(&byte @ (b'\r' | b'\n')) = bytes.get(start) {
            line += usize::from(byte == b'\n');
            start += 1;
        }
        // A row of only commas, as spreadsheets write for an empty row, is a blank line.
        let blank = record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace));
        if blank {
            continue;
        }
        if scanned.columns.is_empty() {
            scanned.columns = columns(&record, wanted, scanned.file, line)?;
            scanned.width = record.len();
            scanned.unnamed = (0..record.len())
                .filter(|&at| {
                    record
                        .get(at)
                        .is_some_and(|name| name.trim_ascii().is_empty())
                })
                .collect();
            continue;
        }
        let group = note_row(scanned, &record, line, groups, None);
        scanned.rows.push(Row {
            start,
            end: bytes.len(),
            line: line as u32,
            group,
        });
    }
}

/// A quote opened and never closed makes the reader take the rest of the file as one field,
/// so only the last row read can show it: an odd number of quotes from its start to the end.
/// That row becomes a problem of its case, and reading resumes on the line after its first
/// (returned with that line's number).
fn take_back_unclosed(
    scanned: &mut Scanned<'_>,
    rows_before: usize,
    groups: &mut Grouping,
) -> Option<(usize, usize)> {
    let last = *scanned.rows.get(rows_before..)?.last()?;
    let rest = scanned.bytes.get(last.start..)?;
    if rest.iter().filter(|&&b| b == b'"').count() % 2 == 0 {
        return None;
    }
    scanned.rows.pop();
    let line = last.line as usize;
    if let Some(group) = groups.groups.get_mut(last.group as usize) {
        // What the row alone showed is moot: its fields ran on to the end of the file.
        group.problems.retain(|problem| problem.line != line);
        group.problems.push(Problem {
            code: Code::CsvRowInvalid,
            file: scanned.file,
            line,
            message: "a quoted field is never closed (a `\"` is missing); the rows after it \
                      are read from the next line"
                .to_string(),
        });
    }
    let line_end = rest.iter().position(|&b| b == b'\n')?;
    Some((last.start + line_end + 1, line + 1))
}

/// Finds a row's case and checks what can be checked of the row alone; gives its group.
fn note_row(
    scanned: &Scanned<'_>,
    record: &csv::ByteRecord,
    line: usize,
    groups: &mut Grouping,
    problem: Option<&str>,
) -> u32 {
    let field = |column: usize| {
        scanned
            .position(column)
            .and_then(|at| record.get(at))
            .unwrap_or_default()
    };
    let id = field(0).trim_ascii();
    let report = |groups: &mut Grouping, group: u32, message: String| {
        if let Some(group) = groups.groups.get_mut(group as usize) {
            group.problems.push(Problem {
                code: Code::CsvRowInvalid,
                file: scanned.file,
                line,
                message,
            });
        }
    };
    if id.is_empty() {
        let message = problem.unwrap_or("the row has no case id").to_string();
        return groups.orphan(Problem {
            code: Code::CsvRowInvalid,
            file: scanned.file,
            line,
            message,
        });
    }
    // The events file is scanned first, so a case first seen in the facts file has only
    // facts: its own line is its first row there.
    let group = groups.group_of(id, line);
    if let Some(message) = problem {
        report(groups, group, message.to_string());
        return group;
    }
    let width = scanned.width;
    if let Some(at) = scanned.unnamed.iter().find(|&&at| {
        record
            .get(at)
            .is_some_and(|value| !value.trim_ascii().is_empty())
    }) {
        let value = String::from_utf8_lossy(record.get(*at).unwrap_or_default());
        report(
            groups,
            group,
            format!(
                "column {} has no name in the header, but this row has `{}` there",
                at + 1,
                short(value.trim()).escape_debug()
            ),
        );
    } else if record.len() != width {
        report(
            groups,
            group,
            format!(
                "the row has {} fields, but the header has {width}",
                record.len()
            ),
        );
    }
    group
}

/// The position of each wanted column in a header; `case` and the second column are required.
fn columns(
    header: &csv::ByteRecord,
    wanted: &[&str],
    file: InputFile,
    line: usize,
) -> Result<Vec<Option<usize>>, FileProblem> {
    let problem = |message: String| {
        FileProblem(Problem {
            code: Code::CsvHeaderInvalid,
            file,
            line,
            message,
        })
    };
    let names: Vec<String> = header
        .iter()
        .map(|name| String::from_utf8_lossy(name).trim().to_string())
        .collect();
    if let [only] = names.as_slice()
        && only.contains(';')
    {
        return Err(problem(format!(
            "the header `{}` is separated by `;`, but case files are separated by commas: save \
             the file comma-separated (in Excel, Save As \"CSV UTF-8 (Comma delimited)\")",
            short(only).escape_debug()
        )));
    }
    for (at, name) in names.iter().enumerate() {
        if names.get(..at).is_some_and(|before| before.contains(name)) && !name.is_empty() {
            return Err(problem(format!(
                "column `{}` appears twice in the header",
                short(name).escape_debug()
            )));
        }
    }
    // An empty name (a comma at the end of the header) is a column without data: ignored.
    for name in names.iter().filter(|name| !name.is_empty()) {
        if !wanted.contains(&name.as_str()) {
            return Err(problem(format!(
                "unknown column `{}`: the columns are {}",
                short(name).escape_debug(),
                wanted.join(",")
            )));
        }
    }
    let positions: Vec<Option<usize>> = wanted
        .iter()
        .map(|want| names.iter().position(|name| name == want))
        .collect();
    let required = match file {
        InputFile::Cases => &wanted[..2],
        InputFile::Facts => wanted,
    };
    for (want, position) in wanted.iter().zip(&positions) {
        if required.contains(want) && position.is_none() {
            return Err(problem(format!(
                "the header has no `{want}` column: it should be {}",
                wanted.join(",")
            )));
        }
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(bytes: &[u8]) -> Scanned<'_> {
        Scanned {
            bytes,
            file: InputFile::Cases,
            columns: Vec::new(),
            width: 0,
            unnamed: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn fields_of(row: &[u8]) -> Result<Vec<String>, String> {
        let scanned = scanned(row);
        let row = Row {
            start: 0,
            end: row.len(),
            line: 1,
            group: 0,
        };
        let mut text = "before".to_string();
        let spans = RowReader::default().fields(&scanned, &row, &mut text)?;
        Ok(spans
            .into_iter()
            .map(|span| text[span].to_string())
            .collect())
    }

    fn header_problem(header: &[u8]) -> Option<String> {
        let mut groups = Grouping::default();
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(b"\nC1,referral,2026-01-05\n");
        scan(&bytes, InputFile::Cases, &EVENT_COLUMNS, &mut groups)
            .err()
            .map(|problem| problem.0.message)
    }

    #[test]
    fn headers_as_spreadsheets_write_them() {
        assert_eq!(header_problem(b"case,step,on"), None);
        // A trailing comma makes an unnamed column: ignored.
        assert_eq!(header_problem(b"case,step,on,"), None);
        let semicolons = header_problem(b"case;step;on").unwrap();
        assert!(semicolons.contains("separated by `;`"), "{semicolons}");
        let twice = header_problem(b"case,step,on,on").unwrap();
        assert_eq!(twice, "column `on` appears twice in the header");
        assert!(
            header_problem(b"case,step,when")
                .unwrap()
                .contains("unknown column `when`")
        );
    }

    #[test]
    fn rows_of_only_commas_are_blank_and_unnamed_columns_must_be_empty() {
        let mut groups = Grouping::default();
        let bytes =
            b"case,step,on,\n,,,\nC1,referral,2026-01-05,\n , ,,\nC2,referral,2026-01-05,x\n";
        let scanned = scan(bytes, InputFile::Cases, &EVENT_COLUMNS, &mut groups).unwrap();
        assert_eq!(scanned.rows.len(), 2, "two rows of commas are blank lines");
        assert_eq!(groups.groups.len(), 2);
        assert!(groups.groups[0].problems.is_empty());
        let problems = &groups.groups[1].problems;
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .starts_with("column 4 has no name in the header")
        );
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        assert_eq!(
            fields_of(b"1,\"x, \"\"y\"\"\"\n").unwrap(),
            ["1", "x, \"y\""]
        );
        assert_eq!(
            fields_of(b"2,\"two\nlines\"\r\n").unwrap(),
            ["2", "two\nlines"]
        );
        assert_eq!(
            fields_of(b"3,z").unwrap(),
            ["3", "z"],
            "no final line break"
        );
        assert_eq!(
            fields_of(b"4,,\n5,x").unwrap(),
            ["4", "", ""],
            "one row only"
        );
        assert!(fields_of(b"caf\xe9,x\n").unwrap_err().contains("not UTF-8"));
    }
}
