//! The changes as text: for a person at a terminal, as JSON for analysts, or as Markdown to paste
//! into a committee paper.

use crate::changes::{Change, Group};
use serde::Serialize;
use waymark_compile::Procedure;

/// How to write the changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

/// The changes from `old` to `new` in the chosen format, ending with a newline.
pub fn render(old: &Procedure, new: &Procedure, changes: &[Change], format: Format) -> String {
    match format {
        Format::Human => human(old, new, changes),
        Format::Json => json(old, new, changes),
        Format::Markdown => markdown(old, new, changes),
    }
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
}

fn side(procedure: &Procedure) -> Side<'_> {
    Side {
        procedure: &procedure.id,
        title: &procedure.title,
        version: procedure.version.as_deref(),
        effective: procedure.effective.map(|d| d.to_string()),
    }
}

fn json(old: &Procedure, new: &Procedure, changes: &[Change]) -> String {
    let report = Report {
        old: side(old),
        new: side(new),
        changes,
    };
    serde_json::to_string_pretty(&report)
        .map_or_else(|e| format!("{{\"error\":\"{e}\"}}\n"), |text| text + "\n")
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
                .map_or_else(|| "-".to_string(), |t| t.replace('|', "\\|"))
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
