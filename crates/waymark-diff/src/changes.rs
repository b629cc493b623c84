//! What a change is, and the changes to a procedure's header and declarations.

use serde::Serialize;
use std::collections::BTreeMap;
use waymark_compile::Procedure;

/// The part of a procedure a change is in; changes are reported in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Procedure,
    Steps,
    Deadlines,
    Responsibilities,
    Decisions,
    Routes,
    Citations,
    Roles,
    Facts,
    Sources,
}

impl Group {
    pub const ALL: [Group; 10] = [
        Group::Procedure,
        Group::Steps,
        Group::Deadlines,
        Group::Responsibilities,
        Group::Decisions,
        Group::Routes,
        Group::Citations,
        Group::Roles,
        Group::Facts,
        Group::Sources,
    ];

    /// The group's name in JSON and CSV, as serde writes it.
    pub fn key(self) -> &'static str {
        match self {
            Group::Procedure => "procedure",
            Group::Steps => "steps",
            Group::Deadlines => "deadlines",
            Group::Responsibilities => "responsibilities",
            Group::Decisions => "decisions",
            Group::Routes => "routes",
            Group::Citations => "citations",
            Group::Roles => "roles",
            Group::Facts => "facts",
            Group::Sources => "sources",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Group::Procedure => "Procedure",
            Group::Steps => "Steps",
            Group::Deadlines => "Deadlines",
            Group::Responsibilities => "Who acts",
            Group::Decisions => "Decision outcomes",
            Group::Routes => "Where cases go next",
            Group::Citations => "Citations",
            Group::Roles => "Roles",
            Group::Facts => "Facts",
            Group::Sources => "Sources",
        }
    }
}

/// One difference between two versions.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub group: Group,
    /// The step, role, fact or source changed (`""` for the procedure itself).
    pub subject: String,
    /// A stable snake_case name for the kind of change, e.g. `deadline_changed`.
    pub kind: &'static str,
    /// The old wording, when there was one.
    pub before: Option<String>,
    /// The new wording, when there is one.
    pub after: Option<String>,
}

impl Change {
    pub fn new(
        group: Group,
        subject: &str,
        kind: &'static str,
        before: Option<String>,
        after: Option<String>,
    ) -> Self {
        Change {
            group,
            subject: subject.to_string(),
            kind,
            before,
            after,
        }
    }
}

pub fn header(old: &Procedure, new: &Procedure, changes: &mut Vec<Change>) {
    let fields = [
        (
            "title_changed",
            Some(old.title.clone()),
            Some(new.title.clone()),
        ),
        ("version_changed", old.version.clone(), new.version.clone()),
        (
            "effective_date_changed",
            old.effective.map(|d| d.to_string()),
            new.effective.map(|d| d.to_string()),
        ),
        (
            "calendar_changed",
            Some(old.calendar.clone()),
            Some(new.calendar.clone()),
        ),
    ];
    for (kind, before, after) in fields {
        if before != after {
            changes.push(Change::new(Group::Procedure, "", kind, before, after));
        }
    }
}

pub fn declarations(old: &Procedure, new: &Procedure, changes: &mut Vec<Change>) {
    let roles = |p: &Procedure| {
        p.roles
            .iter()
            .map(|r| (r.id.clone(), r.title.clone()))
            .collect()
    };
    compare_maps(Group::Roles, "role", roles(old), roles(new), changes);
    // A decision's outcome read as a fact is not declared: its decision and routes say what
    // changed.
    let facts = |p: &Procedure| {
        p.facts
            .iter()
            .filter(|f| f.decided_by.is_none())
            .map(|f| {
                // Where a fact comes from is part of it: given up front, or recorded at a step
                // ("yes or no, recorded at strategy_discussion").
                let recorded_at = f
                    .recorded_at
                    .map(|at| format!(", recorded at {}", p.step(at).id))
                    .unwrap_or_default();
                (
                    f.id.clone(),
                    format!(
                        "{}{}{recorded_at}",
                        f.kind.describe(),
                        if f.optional { ", optional" } else { "" }
                    ),
                )
            })
            .collect()
    };
    compare_maps(Group::Facts, "fact", facts(old), facts(new), changes);
    let sources = |p: &Procedure| {
        p.sources
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    match s.updated {
                        Some(d) => format!("{} (updated {d})", s.title),
                        None => s.title.clone(),
                    },
                )
            })
            .collect()
    };
    compare_maps(
        Group::Sources,
        "source",
        sources(old),
        sources(new),
        changes,
    );
}

/// Adds, removals and changes between two maps from a name to its wording.
fn compare_maps(
    group: Group,
    what: &'static str,
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    let (added, removed, changed) = match what {
        "role" => ("role_added", "role_removed", "role_changed"),
        "fact" => ("fact_added", "fact_removed", "fact_changed"),
        _ => ("source_added", "source_removed", "source_changed"),
    };
    for (name, before) in &old {
        match new.get(name) {
            None => changes.push(Change::new(
                group,
                name,
                removed,
                Some(before.clone()),
                None,
            )),
            Some(after) if after != before => {
                changes.push(Change::new(
                    group,
                    name,
                    changed,
                    Some(before.clone()),
                    Some(after.clone()),
                ));
            }
            Some(_) => {}
        }
    }
    for (name, after) in &new {
        if !old.contains_key(name) {
            changes.push(Change::new(group, name, added, None, Some(after.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_are_the_json_names() {
        for group in Group::ALL {
            let json = serde_json::to_string(&group).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", group.key()));
        }
    }
}
