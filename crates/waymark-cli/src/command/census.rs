//! A Children in Need census file given to `waymark run` or `waymark import cin-census`:
//! recognised by its content, read as a stream a block of children at a time (a reader thread
//! while both cores run the block before), through a mapping checked against the procedure.

use crate::exit::Failure;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::fs::File;
use std::io::Read;
use waymark_calendar::parse_date;
use waymark_census::{CensusReader, Finding, Mapping};
use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Sources};
use waymark_run::{BadCase, Case, InputFile, Plan, Problem, RunOptions, Summary};

/// Episodes read and run together: enough to keep both cores busy, few enough for flat memory.
const EPISODES_PER_BLOCK: usize = 16_384;

/// An open census file, read up to its first child.
pub(crate) struct Census {
    pub(crate) path: String,
    pub(crate) reader: CensusReader<File>,
}

impl Census {
    /// The census in `path`, or `None` when the file is not one (by its first bytes, whatever
    /// its name). Standard input is never taken for a census.
    pub(crate) fn detect(path: &str) -> Result<Option<Census>, Failure> {
        if path == "-" {
            return Ok(None);
        }
        let Ok(mut file) = File::open(path) else {
            return Ok(None);
        };
        let mut start = vec![0; 8192];
        let mut filled = 0;
        while let Some(rest) = start.get_mut(filled..).filter(|rest| !rest.is_empty()) {
            match file.read(rest) {
                Ok(0) | Err(_) => break,
                Ok(n) => filled += n,
            }
        }
        let start = start.get(..filled).unwrap_or_default();
        crate::input::refuse_utf16(path, start)?;
        if !waymark_census::looks_like_census(start) {
            return Ok(None);
        }
        Census::open(path).map(Some)
    }

    pub(crate) fn open(path: &str) -> Result<Census, Failure> {
        let file = File::open(path)
            .map_err(|error| Failure::usage(format!("cannot read `{path}`: {error}")))?;
        let reader = CensusReader::open(file).map_err(|not| {
            Failure::problems(format!(
                "`{path}` line {}, column {}: {} ({}); no case was read",
                not.at.line,
                not.at.column,
                not.message,
                Code::CensusUnreadable
            ))
        })?;
        Ok(Census {
            path: path.to_string(),
            reader,
        })
    }

    /// The header's `<ReferenceDate>`, the day the return was taken.
    pub(crate) fn reference_date(&self) -> Result<NaiveDate, Failure> {
        let Some((text, at)) = &self.reader.header.reference_date else {
            return Err(Failure::usage(format!(
                "`{}` has no `<ReferenceDate>` in its header, so the day to read it on is not known\nhelp: give `--as-of YYYY-MM-DD`",
                self.path
            )));
        };
        parse_date(text).map_err(|_| {
            Failure::problems(format!(
                "`{}` line {}, column {}: the `<ReferenceDate>` `{text}` is not a real date ({})\nhelp: give `--as-of YYYY-MM-DD`",
                self.path,
                at.line,
                at.column,
                Code::CensusDateInvalid
            ))
        })
    }

    /// Reads, runs and writes every case, a block at a time; returns the counts.
    pub(crate) fn run(
        mut self,
        plan: &Plan,
        mapping: &Mapping,
        options: RunOptions,
        write: &mut dyn FnMut(&[u8]) -> Result<(), Failure>,
    ) -> Result<Summary, Failure> {
        let mut summary = Summary::new(plan);
        let path = self.path.clone();
        let reader = &mut self.reader;
        std::thread::scope(|scope| {
            let (sender, blocks) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                loop {
                    let block = reader.next_block(EPISODES_PER_BLOCK);
                    if block.is_empty() {
                        let _ = sender.send((block, reader.findings.split_off(0)));
                        return;
                    }
                    if sender.send((block, Vec::new())).is_err() {
                        return;
                    }
                }
            });
            for (children, file_findings) in blocks {
                let made: Vec<waymark_census::ChildCases> = children
                    .par_iter()
                    .map(|child| waymark_census::child_cases(child, mapping))
                    .collect();
                warn(&path, made.iter().flat_map(|m| &m.warnings));
                let mut cases: Vec<Result<Case, BadCase>> = made
                    .into_par_iter()
                    .flat_map_iter(|m| m.cases)
                    .map(|case| case.and_then(|case| case.to_case(plan)))
                    .collect();
                let (errors, warnings): (Vec<Finding>, Vec<Finding>) =
                    file_findings.into_iter().partition(Finding::is_error);
                warn(&path, &warnings);
                if !errors.is_empty() {
                    cases.push(Err(file_bad_case(&errors)));
                }
                let batch = waymark_run::run_cases(plan, options, cases);
                for part in &batch.output {
                    write(part.as_bytes())?;
                }
                summary.merge(&batch.summary);
                for line in &batch.problems {
                    eprintln!("{line}");
                }
            }
            Ok(summary)
        })
    }
}

/// Problems with the file itself (cut short, not XML) as a case that could not be read, so
/// they are printed, counted and make the exit code 1 like any bad case.
pub(crate) fn file_bad_case(errors: &[Finding]) -> BadCase {
    BadCase {
        id: None,
        line: errors.first().map_or(0, |f| f.at.line as usize),
        problems: errors
            .iter()
            .map(|finding| Problem {
                code: finding.code,
                file: InputFile::Cases,
                line: finding.at.line as usize,
                message: format!("{} (column {})", finding.message, finding.at.column),
            })
            .collect(),
    }
}

/// Prints warnings about the file (unknown elements, stray text) to standard error.
pub(crate) fn warn<'f>(path: &str, findings: impl IntoIterator<Item = &'f Finding>) {
    for finding in findings {
        eprintln!(
            "warning[{}]: `{path}` line {}, column {}: {}",
            finding.code, finding.at.line, finding.at.column, finding.message
        );
    }
}

/// The mapping: `--map FILE`, or the one shipped for the procedure; checked against it when
/// there is one. Its problems stop the command (exit 1).
pub(crate) fn load_mapping(
    map: Option<&str>,
    procedure: Option<&Procedure>,
    sources: &mut Sources,
) -> Result<Mapping, Failure> {
    let file = match map {
        Some(path) => crate::input::read_text(path, sources)?,
        None => {
            let id = procedure.map_or("assessment", |p| p.id.as_str());
            let Some((name, text)) = waymark_census::mapping::shipped(id) else {
                return Err(Failure::usage(format!(
                    "no census mapping is shipped for the procedure `{id}`\nhelp: write one (docs/cin-census.md) and give it with `--map FILE`; mappings are shipped for {}",
                    waymark_census::mapping::shipped_for().join(", ")
                )));
            };
            sources.add(format!("(shipped) {name}"), text)
        }
    };
    let text = sources
        .get(file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let mapping = Mapping::parse(file, &text).map_err(|problems| {
        Failure::problems("the census mapping cannot be used").with(problems)
    })?;
    if let Some(procedure) = procedure {
        let problems = mapping.check(procedure);
        if !problems.is_empty() {
            return Err(Failure::problems(format!(
                "the census mapping does not fit the procedure `{}`",
                procedure.id
            ))
            .with(problems));
        }
    }
    Ok(mapping)
}

impl Census {
    /// The reference date as the as-of date, saying so on standard error.
    pub(crate) fn as_of_reference_date(&self) -> Result<NaiveDate, Failure> {
        let date = self.reference_date()?;
        eprintln!(
            "note: as of {date}, the census reference date of `{}` (give --as-of to read it on another day)",
            self.path
        );
        Ok(date)
    }
}

impl Census {
    /// The case with this id (for `--explain`), read child by child until it is found.
    pub(crate) fn find(
        mut self,
        plan: &Plan,
        mapping: &Mapping,
        case_id: &str,
    ) -> Option<Result<Case, BadCase>> {
        // Only the child whose LAchildID the case id starts with is turned into cases.
        let child_id = case_id.split('/').next().unwrap_or(case_id);
        while let Some(child) = self.reader.next_child() {
            let id = child
                .node()
                .first("ChildIdentifiers")
                .and_then(|ids| ids.first("LAchildID"))
                .map(|id| id.text.trim());
            if id != Some(child_id) {
                continue;
            }
            let made = waymark_census::child_cases(&child, mapping);
            for case in made.cases {
                match case {
                    Ok(case) if case.id == case_id => return Some(case.to_case(plan)),
                    Err(bad) if bad.id.as_deref() == Some(case_id) => return Some(Err(bad)),
                    _ => {}
                }
            }
        }
        None
    }
}
