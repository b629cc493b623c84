//! Case data as CSV, the shape case-management systems export: an events file with the header
//! `case,step,on,outcome,by,reason,waived` and a facts file with `case,fact,value`.
//!
//! A case's rows need not be next to each other, so both files are read whole and grouped by
//! case: memory grows with the files (about three times their size). Cases come out in the
//! order each first appears in the events file, then cases that only have facts.

use crate::case::{BadCase, Case, InputFile, Problem};
use crate::plan::Plan;
use crate::read::{RawCase, RawEvent, RawFacts, RawValue};
use std::borrow::Cow;
use std::collections::HashMap;

/// The columns of the events file.
pub const EVENT_COLUMNS: [&str; 7] = ["case", "step", "on", "outcome", "by", "reason", "waived"];
/// The columns of the facts file.
pub const FACT_COLUMNS: [&str; 3] = ["case", "fact", "value"];

/// A record of a CSV file: its fields and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes written
/// twice, and line breaks). Blank lines are skipped. An unclosed quote is an error.
pub fn records(text: &str) -> Result<Vec<Record>, Problem> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                let blank = fields.len() == 1 && fields[0].trim().is_empty();
                if !blank {
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(Problem {
            file: InputFile::Cases,
            line: record_line,
            message: "a quoted field is never closed (a `\"` is missing)".to_string(),
        });
    }
    fields.push(field);
    if !(fields.len() == 1 && fields[0].trim().is_empty()) {
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

/// The position of each wanted column in a header; `case` and the second column are required.
fn columns(
    header: &Record,
    wanted: &[&str],
    file: InputFile,
) -> Result<Vec<Option<usize>>, Problem> {
    let names: Vec<&str> = header.fields.iter().map(|f| f.trim()).collect();
    let problem = |message: String| Problem {
        file,
        line: header.line,
        message,
    };
    for name in &names {
        if !wanted.contains(name) {
            return Err(problem(format!(
                "unknown column `{name}`: the columns are {}",
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

/// A problem with a whole file (an unclosed quote, a bad header): no case can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem(pub Problem);

/// Reads the events file and the (optional) facts file into cases, in order.
pub fn read_cases(
    plan: &Plan,
    events: &str,
    facts: Option<&str>,
) -> Result<Vec<Result<Case, BadCase>>, FileProblem> {
    let event_records = records(events).map_err(FileProblem)?;
    let fact_records = match facts {
        Some(text) => records(text).map_err(|problem| {
            FileProblem(Problem {
                file: InputFile::Facts,
                ..problem
            })
        })?,
        None => Vec::new(),
    };
    let mut groups = Groups::default();
    if let Some((header, rows)) = event_records.split_first() {
        let at = columns(header, &EVENT_COLUMNS, InputFile::Cases).map_err(FileProblem)?;
        for record in rows {
            groups.event(record, &at);
        }
    }
    if let Some((header, rows)) = fact_records.split_first() {
        let at = columns(header, &FACT_COLUMNS, InputFile::Facts).map_err(FileProblem)?;
        for record in rows {
            groups.fact(record, &at);
        }
    }
    Ok(groups.into_cases(plan))
}

/// Rows grouped by case id, in order of first appearance.
#[derive(Default)]
struct Groups<'r> {
    index: HashMap<&'r str, usize>,
    cases: Vec<Group<'r>>,
    /// Rows whose case id is missing: each becomes a bad case of its own.
    orphans: Vec<Problem>,
}

struct Group<'r> {
    id: &'r str,
    line: usize,
    events: Vec<RawEvent<'r>>,
    facts: RawFacts<'r>,
    problems: Vec<Problem>,
}

impl<'r> Groups<'r> {
    fn group(&mut self, id: &'r str, line: usize) -> &mut Group<'r> {
        let next = self.cases.len();
        let index = *self.index.entry(id).or_insert(next);
        if index == next {
            self.cases.push(Group {
                id,
                line,
                events: Vec::new(),
                facts: RawFacts::default(),
                problems: Vec::new(),
            });
        }
        &mut self.cases[index]
    }

    /// The field at a column, `""` when the column is absent or the row is short.
    fn field(record: &'r Record, at: Option<usize>) -> &'r str {
        at.and_then(|i| record.fields.get(i))
            .map_or("", |field| field.as_str())
    }

    fn event(&mut self, record: &'r Record, at: &[Option<usize>]) {
        let field = |column: usize| Self::field(record, at.get(column).copied().flatten());
        let id = field(0).trim();
        if id.is_empty() {
            self.orphans.push(Problem {
                file: InputFile::Cases,
                line: record.line,
                message: "the row has no case id".to_string(),
            });
            return;
        }
        let width = at.iter().flatten().count();
        let group = self.group(id, record.line);
        if record.fields.len() != width {
            group.problems.push(Problem {
                file: InputFile::Cases,
                line: record.line,
                message: format!(
                    "the row has {} fields, but the header has {width}",
                    record.fields.len()
                ),
            });
            return;
        }
        let optional = |column: usize| {
            let text = field(column);
            (!text.is_empty()).then_some(Cow::Borrowed(text))
        };
        let waived = match field(6).trim() {
            "" | "false" | "no" => Some(false),
            "true" | "yes" => Some(true),
            other => {
                group.problems.push(Problem {
                    file: InputFile::Cases,
                    line: record.line,
                    message: format!("`waived` must be `true` or empty, not `{other}`"),
                });
                return;
            }
        };
        group.events.push(RawEvent {
            step: Cow::Borrowed(field(1).trim()),
            on: optional(2),
            outcome: optional(3),
            by: optional(4),
            reason: optional(5),
            waived,
            line: record.line,
        });
    }

    fn fact(&mut self, record: &'r Record, at: &[Option<usize>]) {
        let field = |column: usize| Self::field(record, at.get(column).copied().flatten());
        let id = field(0).trim();
        if id.is_empty() {
            self.orphans.push(Problem {
                file: InputFile::Facts,
                line: record.line,
                message: "the row has no case id".to_string(),
            });
            return;
        }
        let group = self.group(id, 0);
        if record.fields.len() != 3 {
            group.problems.push(Problem {
                file: InputFile::Facts,
                line: record.line,
                message: format!(
                    "the row has {} fields, but the header has 3",
                    record.fields.len()
                ),
            });
            return;
        }
        group.facts.0.push((
            Cow::Borrowed(field(1).trim()),
            RawValue::Text(Cow::Borrowed(field(2).trim())),
            record.line,
        ));
    }

    fn into_cases(self, plan: &Plan) -> Vec<Result<Case, BadCase>> {
        let mut cases = Vec::with_capacity(self.cases.len() + self.orphans.len());
        for group in self.cases {
            let raw = RawCase {
                case: Cow::Borrowed(group.id),
                facts: group.facts,
                events: group.events,
            };
            let checked = crate::read::check::check_case(plan, raw, group.line);
            let case = match (checked, group.problems) {
                (checked, problems) if problems.is_empty() => checked,
                (Ok(_), problems) => Err(BadCase {
                    id: Some(group.id.to_string()),
                    line: group.line,
                    problems,
                }),
                (Err(mut bad), problems) => {
                    bad.problems.splice(0..0, problems);
                    Err(bad)
                }
            };
            cases.push(case);
        }
        for problem in self.orphans {
            cases.push(Err(BadCase {
                id: None,
                line: problem.line,
                problems: vec![problem],
            }));
        }
        cases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "a,b\r\n1,\"x, \"\"y\"\"\"\n\n2,\"two\nlines\"\n3,z";
        let records = records(text).unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4, 6]);
        assert_eq!(records[1].fields, ["1", "x, \"y\""]);
        assert_eq!(records[2].fields, ["2", "two\nlines"]);
        assert_eq!(records[3].fields, ["3", "z"]);
        assert!(super::records("a,\"b\n").is_err());
    }
}
