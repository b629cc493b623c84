//! The changes as text: for a person at a terminal, as JSON or CSV for analysts, or as Markdown
//! to paste into a committee paper.

use crate::changes::{Change, Group};
use crate::impact::{CaseChange, CaseImpact, ImpactSummary, Value};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
use waymark_compile::Procedure;
use waymark_run::render::shown;

/// How to write the changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
    /// One row per change; with cases, one row per difference in a case instead.
    Csv,
}

/// What the changes do to a caseload (its counts), and the date the cases were taken as
/// standing on.
#[derive(Clone, Copy, Debug)]
pub struct ImpactOn<'a> {
    pub summary: &'a ImpactSummary,
    pub as_of: NaiveDate,
}

/// The changes from `old` to `new` in the chosen format, ending with a newline; with their
/// impact on cases when `impact` is given (the counts and every affected case).
///
/// A large caseload is written in three parts instead, so that its affected cases never need
/// to be held together: [`render_head`] (which needs the counts of the whole caseload), the
/// cases a block at a time with [`render_cases`], then [`render_tail`]. The parts join to
/// exactly what this function gives.
pub fn render(
    old: &Procedure,
    new: &Procedure,
    changes: &[Change],
    impact: Option<(ImpactOn<'_>, &[CaseImpact<'_>])>,
    format: Format,
) -> String {
    let on = impact.map(|(on, _)| on);
    let mut out = render_head(old, new, changes, on, format);
    if let Some((on, cases)) = impact {
        render_cases(cases, 0, format, &mut out);
        out.push_str(render_tail(on, format));
    }
    out
}

/// The report up to its list of affected cases: the changes, and with cases the impact's
/// heading and counts. Without cases, the whole report.
pub fn render_head(
    old: &Procedure,
    new: &Procedure,
    changes: &[Change],
    impact: Option<ImpactOn<'_>>,
    format: Format,
) -> String {
    match format {
        Format::Human => human(old, new, changes) + &impact.map(human_impact).unwrap_or_default(),
        Format::Json => json(old, new, changes, impact),
        Format::Markdown => {
            markdown(old, new, changes) + &impact.map(markdown_impact).unwrap_or_default()
        }
        Format::Csv => match impact {
            Some(_) => CSV_IMPACT_HEADER.to_string(),
            None => csv_changes(changes),
        },
    }
}

/// Appends affected cases to `out`, in the format of [`render_head`]; `before` is how many
/// were written before them (lists need separators between items).
pub fn render_cases(cases: &[CaseImpact<'_>], before: usize, format: Format, out: &mut String) {
    for (index, case) in cases.iter().enumerate() {
        let first = before == 0 && index == 0;
        match format {
            Format::Human => human_case(case, out),
            Format::Json => json_case(case, first, out),
            Format::Markdown => {
                if !first {
                    out.push_str(", ");
                }
                out.push_str(&markdown_text(&case.case));
            }
            Format::Csv => csv_case(case, out),
        }
    }
}

/// What closes the list of affected cases, once they are all written.
pub fn render_tail(impact: ImpactOn<'_>, format: Format) -> &'static str {
    if impact.summary.affected == 0 {
        return "";
    }
    match format {
        Format::Human | Format::Csv => "",
        Format::Markdown => ".\n",
        Format::Json => JSON_LIST_END,
    }
}

/// The header of `--format csv` without cases.
pub const CSV_CHANGES_HEADER: &str = "group,subject,change,before,after\n";

/// The header of `--format csv` with cases.
pub const CSV_IMPACT_HEADER: &str =
    "case,line,step,occurrence,difference,before,after,working_days,detail\n";

/// A CSV field: text (from a procedure or a case file, guarded against being run as a
/// formula), or a number Waymark worked out (written as it is: `-5` working days is a number).
enum Field<'a> {
    Text(&'a str),
    Number(Option<i64>),
}

fn csv_changes(changes: &[Change]) -> String {
    let mut out = CSV_CHANGES_HEADER.to_string();
    for change in changes {
        let fields = [
            Field::Text(change.group.key()),
            Field::Text(&change.subject),
            Field::Text(change.kind),
            Field::Text(change.before.as_deref().unwrap_or("")),
            Field::Text(change.after.as_deref().unwrap_or("")),
        ];
        push_csv_row(&mut out, &fields);
    }
    out
}

fn csv_case(case: &CaseImpact<'_>, out: &mut String) {
    {
        for change in &case.changes {
            let words =
                |value: &Option<Value>| value.as_ref().map(Value::words).unwrap_or_default();
            let fields = [
                Field::Text(&case.case),
                Field::Number(i64::try_from(case.line).ok()),
                Field::Text(change.step),
                Field::Number(change.occurrence.map(i64::from)),
                Field::Text(change.kind),
                Field::Text(&words(&change.before)),
                Field::Text(&words(&change.after)),
                Field::Number(change.working_days),
                Field::Text(change.detail.as_deref().unwrap_or("")),
            ];
            push_csv_row(out, &fields);
        }
    }
}

fn push_csv_row(out: &mut String, fields: &[Field<'_>]) {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        match field {
            Field::Text(text) => waymark_run::render::push_csv_field(out, text),
            Field::Number(Some(n)) => waymark_run::render::push_csv_number(out, *n),
            Field::Number(None) => {}
        }
    }
    out.push('\n');
}

fn impact_heading(on: &ImpactOn<'_>) -> String {
    let impact = on.summary;
    let bad = match impact.bad.len() {
        0 => String::new(),
        1 => " (1 case could not be read by either version)".to_string(),
        n => format!(" ({n} cases could not be read by either version)"),
    };
    format!(
        "{} of {} cases affected, as of {}{bad}",
        impact.affected, impact.cases, on.as_of
    )
}

fn human_impact(on: ImpactOn<'_>) -> String {
    let mut out = format!("\nImpact on cases: {}\n", impact_heading(&on));
    if on.summary.affected == 0 {
        return out;
    }
    out.push_str("\n  cases  difference\n");
    for (kind, count) in on.summary.counted() {
        out.push_str(&format!("  {count:>5}  {kind}\n"));
    }
    out.push_str("\nAffected cases\n");
    out
}

fn human_case(case: &CaseImpact<'_>, out: &mut String) {
    // A case id is case-file text: shown escaped, so a line break or an escape sequence in it
    // cannot forge a line of the report or reach the terminal.
    out.push_str(&format!("  {} (line {})\n", shown(&case.case), case.line));
    for change in &case.changes {
        out.push_str(&format!("    {}\n", change_words(change)));
    }
}

/// "assessment_complete: met -> late", "assessment_complete: due 2026-02-05 -> 2026-01-29
/// (5 working days earlier)".
fn change_words(change: &CaseChange<'_>) -> String {
    let step = match (change.step, change.occurrence) {
        ("", _) => "the case".to_string(),
        (step, Some(n)) => format!("{step} (occurrence {n})"),
        (step, None) => step.to_string(),
    };
    // Values and details can quote a case file (a problem naming its event), so are escaped.
    let word = |value: &Option<Value>| {
        value
            .as_ref()
            .map_or_else(|| "none".to_string(), |v| shown(&v.words()).into_owned())
    };
    let detail = change.detail.as_deref().map(shown);
    let (before, after) = (word(&change.before), word(&change.after));
    match change.kind {
        "due_moved" => {
            let moved = moved_words(change);
            format!("{step}: due {before} -> {after}{moved}")
        }
        "step_gone" => format!("{step}: {before} before, no longer in the procedure"),
        "step_new" => format!("{step}: new step, {after}"),
        "deviation_new" | "deviation_gone" => {
            let (word, kind) = match change.kind {
                "deviation_new" => ("new deviation", after),
                _ => ("deviation gone", before),
            };
            match &detail {
                Some(detail) => format!("{step}: {word}, {kind} ({detail})"),
                None => format!("{step}: {word}, {kind}"),
            }
        }
        "unreadable_in_new" => format!("the new version cannot read this case: {after}"),
        "unreadable_in_old" => format!("the old version cannot read this case: {after}"),
        "state_changed" => match &detail {
            Some(detail) => format!("the case: {before} -> {after} ({detail})"),
            None => format!("the case: {before} -> {after}"),
        },
        _ => format!("{step}: {before} -> {after}"),
    }
}

fn markdown_impact(on: ImpactOn<'_>) -> String {
    let mut out = format!("\n## Effect on cases\n\n{}.\n", impact_heading(&on));
    if on.summary.affected == 0 {
        return out;
    }
    out.push_str("\n| Difference | Cases |\n| --- | --- |\n");
    for (kind, count) in on.summary.counted() {
        out.push_str(&format!("| {} | {count} |\n", markdown_text(&kind)));
    }
    out.push_str("\nAffected cases: ");
    out
}

fn version(procedure: &Procedure) -> String {
    procedure
        .version
        .as_ref()
        .map_or_else(|| "(no version)".to_string(), |v| format!("version {v}"))
}

fn kind_words(kind: &str) -> String {
    kind.replace('_', " ")
}

fn human(old: &Procedure, new: &Procedure, changes: &[Change]) -> String {
    let count = match changes.len() {
        0 => "no changes".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    let mut out = format!(
        "`{}` {} -> {}: {count}\n",
        new.id,
        version(old),
        version(new)
    );
    let mut group: Option<Group> = None;
    for change in changes {
        if group != Some(change.group) {
            group = Some(change.group);
            out.push_str(&format!("\n{}\n", change.group.heading()));
        }
        let subject = if change.subject.is_empty() {
            String::new()
        } else {
            format!("`{}`: ", change.subject)
        };
        out.push_str(&format!("  {subject}{}\n", kind_words(change.kind)));
        if let Some(before) = &change.before {
            out.push_str(&format!("      was: {before}\n"));
        }
        if let Some(after) = &change.after {
            out.push_str(&format!("      now: {after}\n"));
        }
    }
    out
}

#[derive(Serialize)]
struct Side<'a> {
    procedure: &'a str,
    title: &'a str,
    version: Option<&'a str>,
    effective: Option<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    old: Side<'a>,
    new: Side<'a>,
    changes: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<ImpactReport<'a>>,
}

#[derive(Serialize)]
struct ImpactReport<'a> {
    as_of: String,
    cases: usize,
    affected: usize,
    unreadable: usize,
    differences: Vec<Counted>,
    /// Always empty here: the cases are written after the report's head (see [`json`]).
    affected_cases: &'a [CaseImpact<'a>],
}

#[derive(Serialize)]
struct Counted {
    difference: String,
    cases: usize,
}

fn side(procedure: &Procedure) -> Side<'_> {
    Side {
        procedure: &procedure.id,
        title: &procedure.title,
        version: procedure.version.as_deref(),
        effective: procedure.effective.map(|d| d.to_string()),
    }
}

/// How the report's JSON ends when its list of affected cases is empty, and how it ends after
/// the last affected case. The list is the report's last field, so the head is the report
/// serialized with an empty list, cut before the list's `]`: the cases then follow, each
/// serialized alone and indented to its depth, and nothing is held beyond one block of them.
const JSON_EMPTY_LIST_END: &str = "[]\n  }\n}\n";
const JSON_LIST_END: &str = "\n    ]\n  }\n}\n";
/// The indent of an affected case's lines: inside the report, its `impact` and the list.
const JSON_CASE_INDENT: &str = "      ";

fn json(
    old: &Procedure,
    new: &Procedure,
    changes: &[Change],
    impact: Option<ImpactOn<'_>>,
) -> String {
    let affected = impact.map_or(0, |on| on.summary.affected);
    let impact = impact.map(|on| ImpactReport {
        as_of: on.as_of.to_string(),
        cases: on.summary.cases,
        affected: on.summary.affected,
        unreadable: on.summary.bad.len(),
        differences: on
            .summary
            .counted()
            .into_iter()
            .map(|(difference, cases)| Counted { difference, cases })
            .collect(),
        affected_cases: &[],
    });
    let report = Report {
        old: side(old),
        new: side(new),
        changes,
        impact,
    };
    let text = serde_json::to_string_pretty(&report)
        .map_or_else(|e| format!("{{\"error\":\"{e}\"}}\n"), |text| text + "\n");
    match text.strip_suffix(JSON_EMPTY_LIST_END) {
        Some(head) if affected > 0 => format!("{head}["),
        _ => text,
    }
}

/// One affected case as an item of the report's list (see [`JSON_EMPTY_LIST_END`]).
fn json_case(case: &CaseImpact<'_>, first: bool, out: &mut String) {
    if !first {
        out.push(',');
    }
    let text =
        serde_json::to_string_pretty(case).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    // A JSON string holds no raw line break, so every line of the text is a line of layout.
    for line in text.lines() {
        out.push('\n');
        out.push_str(JSON_CASE_INDENT);
        out.push_str(line);
    }
}

fn markdown(old: &Procedure, new: &Procedure, changes: &[Change]) -> String {
    let mut out = format!("# Changes to {}\n\n", new.title);
    let effective = |p: &Procedure| {
        p.effective
            .map(|d| format!(", effective {d}"))
            .unwrap_or_default()
    };
    out.push_str(&format!(
        "From {}{} to {}{}.\n",
        version(old),
        effective(old),
        version(new),
        effective(new)
    ));
    if changes.is_empty() {
        out.push_str("\nNo changes to steps, deadlines, roles, decisions or citations.\n");
        return out;
    }
    let mut group: Option<Group> = None;
    for change in changes {
        if group != Some(change.group) {
            group = Some(change.group);
            out.push_str(&format!(
                "\n## {}\n\n| | Change | Before | After |\n| --- | --- | --- | --- |\n",
                change.group.heading()
            ));
        }
        let cell = |text: &Option<String>| {
            text.as_deref()
                .map_or_else(|| "-".to_string(), |t| markdown_text(t).into_owned())
        };
        let subject = if change.subject.is_empty() {
            String::new()
        } else {
            format!("`{}`", change.subject)
        };
        out.push_str(&format!(
            "| {subject} | {} | {} | {} |\n",
            kind_words(change.kind),
            cell(&change.before),
            cell(&change.after)
        ));
    }
    out
}

/// Text from a case or procedure file, made safe to put in a Markdown line or table cell: control
/// characters escaped as `run` escapes them (a line break could end the table or start a
/// `## heading` of its own), and the characters Markdown acts on inside a line (`|` ends a
/// cell; `` ` ``, `[`, `<` start code, links or HTML) written with a `\`. A `\` is doubled
/// only where it would escape what follows (`a\|b` must not end a cell); the `\u{1b}` of an
/// escaped control character reads as it is. Emphasis marks are left alone: at worst they
/// italicise, and step names are full of `_`.
fn markdown_text(text: &str) -> Cow<'_, str> {
    let active = |c: char| matches!(c, '|' | '`' | '[' | ']' | '<');
    let safe = shown(text);
    if !safe.contains(|c: char| active(c) || c == '\\') {
        return safe;
    }
    let mut out = String::with_capacity(safe.len() + 8);
    let mut chars = safe.chars().peekable();
    while let Some(c) = chars.next() {
        let escapes_next = c == '\\' && chars.peek().is_none_or(char::is_ascii_punctuation);
        if active(c) || escapes_next {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// "(3 working days later)", or in calendar days when no working day lies between the two
/// dates (a Saturday and the Tuesday after a bank holiday Monday).
fn moved_words(change: &CaseChange<'_>) -> String {
    let dates = match (&change.before, &change.after) {
        (Some(Value::Date(before)), Some(Value::Date(after))) => Some((*before, *after)),
        _ => None,
    };
    let (Some((before, after)), Some(working)) = (dates, change.working_days) else {
        return String::new();
    };
    let (count, unit) = match working {
        0 => ((after - before).num_days(), "calendar day"),
        _ => (working, "working day"),
    };
    let plural = if count.abs() == 1 { "" } else { "s" };
    match count {
        0 => String::new(),
        n if n < 0 => format!(" ({} {unit}{plural} earlier)", -n),
        n => format!(" ({n} {unit}{plural} later)"),
    }
}

#[cfg(test)]
mod tests {
    use super::markdown_text;

    #[test]
    fn markdown_text_cannot_end_a_cell_or_start_a_block() {
        assert_eq!(markdown_text("C1"), "C1");
        assert_eq!(markdown_text("met -> late"), "met -> late");
        assert_eq!(markdown_text("a|b\n## Injected"), "a\\|b\\n## Injected");
        assert_eq!(markdown_text("a\\|b"), "a\\\\\\|b");
        assert_eq!(markdown_text("<img src=x>"), "\\<img src=x>");
        assert_eq!(markdown_text("[x](http://y)"), "\\[x\\](http://y)");
        assert_eq!(markdown_text("\u{1b}[2J"), "\\u{1b}\\[2J");
        assert_eq!(markdown_text("ends\\"), "ends\\\\");
    }
}
