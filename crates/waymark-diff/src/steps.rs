//! Matching the steps of two versions (by id, then a renamed step by its unchanged title) and
//! comparing each matched pair in words.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::changes::{Change, Group};
use std::collections::{BTreeMap, BTreeSet};
use waymark_compile::{Clock, Deadline, DeadlineKind, Procedure, RouteWhen, Step, StepKind};

pub fn compare(old: &Procedure, new: &Procedure, changes: &mut Vec<Change>) {
    let old_steps = named(old);
    let new_steps = named(new);
    let renames = find_renames(&old_steps, &new_steps);
    let renamed_to: BTreeSet<&str> = renames.values().map(String::as_str).collect();
    for (id, step) in &old_steps {
        if !new_steps.contains_key(id) && !renames.contains_key(*id) {
            changes.push(Change::new(
                Group::Steps,
                id,
                "step_removed",
                Some(step.title.clone()),
                None,
            ));
        }
    }
    for (id, step) in &new_steps {
        if !old_steps.contains_key(id) && !renamed_to.contains(id) {
            changes.push(Change::new(
                Group::Steps,
                id,
                "step_added",
                None,
                Some(step.title.clone()),
            ));
        }
    }
    for (from, to) in &renames {
        changes.push(Change::new(
            Group::Steps,
            to,
            "step_renamed",
            Some(from.clone()),
            Some(to.clone()),
        ));
    }
    let pair = Pair {
        old,
        new,
        renames: &renames,
    };
    for (id, old_step) in &old_steps {
        let new_id = renames.get(*id).map_or(*id, String::as_str);
        if let Some(new_step) = new_steps.get(new_id) {
            pair.compare_step(new_id, old_step, new_step, changes);
        }
    }
}

/// Steps by the names case files use; the joins of together blocks have no name of their own.
fn named(procedure: &Procedure) -> BTreeMap<&str, &Step> {
    procedure
        .steps
        .iter()
        .filter(|step| !matches!(step.kind, StepKind::Join { .. }))
        .map(|step| (step.id.as_str(), step))
        .collect()
}

/// An old step missing from the new version, and a new step missing from the old one, with the
/// same title and kind, are one step renamed.
fn find_renames(
    old: &BTreeMap<&str, &Step>,
    new: &BTreeMap<&str, &Step>,
) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (new_id, new_step) in new.iter().filter(|(id, _)| !old.contains_key(*id)) {
        let candidate = old.iter().find(|(old_id, old_step)| {
            !new.contains_key(*old_id)
                && !taken.contains(*old_id)
                && old_step.title == new_step.title
                && kind_name(&old_step.kind) == kind_name(&new_step.kind)
        });
        if let Some((old_id, _)) = candidate {
            taken.insert(*old_id);
            renames.insert(old_id.to_string(), new_id.to_string());
        }
    }
    renames
}

fn kind_name(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Task => "step",
        StepKind::Decision => "decision",
        StepKind::Together { .. } => "together block",
        StepKind::Join { .. } => "join",
        StepKind::Checkpoint { .. } => "checkpoint",
        StepKind::Recurring { .. } => "recurring obligation",
        StepKind::End => "end",
    }
}

/// The two versions, and the renames that translate old names into new ones.
struct Pair<'a> {
    old: &'a Procedure,
    new: &'a Procedure,
    renames: &'a BTreeMap<String, String>,
}

impl Pair<'_> {
    fn compare_step(&self, id: &str, old: &Step, new: &Step, changes: &mut Vec<Change>) {
        let mut push = |group, kind, before: Option<String>, after: Option<String>| {
            changes.push(Change::new(group, id, kind, before, after));
        };
        if old.title != new.title {
            push(
                Group::Steps,
                "title_changed",
                Some(old.title.clone()),
                Some(new.title.clone()),
            );
        }
        if kind_name(&old.kind) != kind_name(&new.kind) {
            push(
                Group::Steps,
                "kind_changed",
                Some(kind_name(&old.kind).into()),
                Some(kind_name(&new.kind).into()),
            );
        }
        // Each flag in the words of the language when on, and in plain words when off.
        let flags = [
            (
                "waivable_changed",
                old.waivable,
                new.waivable,
                ["waivable with reason", "not waivable"],
            ),
            (
                "repeats_changed",
                old.repeats,
                new.repeats,
                ["may repeat", "happens once"],
            ),
            (
                "overrun_rule_changed",
                old.overrun_needs_reason,
                new.overrun_needs_reason,
                ["overrun needs reason", "an overrun needs no reason"],
            ),
        ];
        for (kind, before, after, [on, off]) in flags {
            if before != after {
                let say = |set: bool| Some(if set { on } else { off }.to_string());
                push(Group::Steps, kind, say(before), say(after));
            }
        }
        // Optional with its reason, as written, so a changed reason shows too.
        let optional = |step: &Step| match &step.optional {
            Some(optional) => format!("optional \"{}\"", optional.reason),
            None => "required: a case that moves past it unrecorded has a gap".to_string(),
        };
        if optional(old) != optional(new) {
            push(
                Group::Steps,
                "optional_changed",
                Some(optional(old)),
                Some(optional(new)),
            );
        }
        let (was, now) = (
            pieces(self.old, old).map(|w| self.translate(&w)),
            pieces(self.new, new),
        );
        if was != now {
            push(Group::Steps, pieces_change(&was, &now), was, now);
        }
        if old.untimed != new.untimed {
            push(
                Group::Deadlines,
                "untimed_changed",
                old.untimed.clone(),
                new.untimed.clone(),
            );
        }
        let (was, now) = (
            schedule(self.old, old).map(|w| self.translate(&w)),
            schedule(self.new, new),
        );
        if was != now {
            changes.push(Change::new(
                Group::Deadlines,
                id,
                "schedule_changed",
                was,
                now,
            ));
        }
        self.compare_deadlines(id, old, new, changes);
        self.compare_sets(
            id,
            Group::Responsibilities,
            "who_acts",
            self.role_rules(self.old, old),
            self.role_rules(self.new, new),
            changes,
        );
        let approval = |procedure: &Procedure, step: &Step| {
            step.approval
                .as_ref()
                .map(|approval| procedure.approval_words(approval, false))
        };
        let (was, now) = (approval(self.old, old), approval(self.new, new));
        if was != now {
            let kind = match (&was, &now) {
                (None, _) => "approval_added",
                (_, None) => "approval_removed",
                _ => "approval_changed",
            };
            changes.push(Change::new(Group::Responsibilities, id, kind, was, now));
        }
        // An extension's bound, unit and approvers, in the language's words.
        let extension = |procedure: &Procedure, step: &Step| {
            (step.extension.as_ref()).map(|extension| procedure.extension_words(extension))
        };
        let (was, now) = (extension(self.old, old), extension(self.new, new));
        if was != now {
            let kind = match (&was, &now) {
                (None, _) => "extension_added",
                (_, None) => "extension_removed",
                _ => "extension_changed",
            };
            changes.push(Change::new(Group::Deadlines, id, kind, was, now));
        }
        let outcomes = |step: &Step| {
            step.outcomes
                .iter()
                .map(|o| o.id.clone())
                .collect::<BTreeSet<_>>()
        };
        self.compare_sets(
            id,
            Group::Decisions,
            "outcome",
            outcomes(old),
            outcomes(new),
            changes,
        );
        self.compare_routes(id, old, new, changes);
        self.compare_sets(
            id,
            Group::Citations,
            "citation",
            self.citations(self.old, old),
            self.citations(self.new, new),
            changes,
        );
    }

    /// Deadlines are paired by what they count from (and their kind and condition); a pair
    /// whose amount or unit differs is one changed deadline.
    fn compare_deadlines(&self, id: &str, old: &Step, new: &Step, changes: &mut Vec<Change>) {
        let deadlines =
            |procedure: &Procedure, step: &Step, translate: bool| -> BTreeSet<(String, String)> {
                step.deadlines
                    .iter()
                    .map(|deadline| {
                        let (key, line) = deadline_key(procedure, deadline);
                        if translate {
                            (self.translate(&key), self.translate(&line))
                        } else {
                            (key, line)
                        }
                    })
                    .collect()
            };
        let kinds = ["deadline_changed", "deadline_removed", "deadline_added"];
        let by_clock = |deadline: &(String, String)| deadline.0.clone();
        let sides = (
            deadlines(self.old, old, true),
            deadlines(self.new, new, false),
        );
        report_pairs(Group::Deadlines, id, kinds, sides, &[&by_clock], changes);
    }

    /// Routes are paired first by where they lead (a changed condition), then by what takes
    /// them (a changed destination: `on support then support_plan` -> `on support then closed`);
    /// a route left unpaired was added or removed.
    fn compare_routes(&self, id: &str, old: &Step, new: &Step, changes: &mut Vec<Change>) {
        let routes =
            |procedure: &Procedure, step: &Step, translate: bool| -> BTreeSet<(String, String)> {
                step.routes
                    .iter()
                    .map(|route| {
                        let target = procedure.step(route.target).id.clone();
                        let line = route_line(procedure, step, &route.when, &target);
                        if translate {
                            (self.translate(&target), self.translate(&line))
                        } else {
                            (target, line)
                        }
                    })
                    .collect()
            };
        let by_target = |route: &(String, String)| route.0.clone();
        // The route's wording with its destination left out: "on support then", "otherwise".
        let by_taker = |route: &(String, String)| {
            let (target, line) = route;
            line.replacen(&format!("then {target}"), "then", 1)
                .replacen(&format!("otherwise {target}"), "otherwise", 1)
        };
        let kinds = ["route_changed", "route_removed", "route_added"];
        let sides = (routes(self.old, old, true), routes(self.new, new, false));
        report_pairs(
            Group::Routes,
            id,
            kinds,
            sides,
            &[&by_target, &by_taker],
            changes,
        );
    }

    /// Adds and removals between two sets of wordings, e.g. of outcomes or citations.
    fn compare_sets(
        &self,
        id: &str,
        group: Group,
        what: &'static str,
        old: BTreeSet<String>,
        new: BTreeSet<String>,
        changes: &mut Vec<Change>,
    ) {
        let (added, removed) = match what {
            "who_acts" => ("who_acts_added", "who_acts_removed"),
            "outcome" => ("outcome_added", "outcome_removed"),
            _ => ("citation_added", "citation_removed"),
        };
        let old: BTreeSet<String> = old.iter().map(|line| self.translate(line)).collect();
        for line in old.difference(&new) {
            changes.push(Change::new(group, id, removed, Some(line.clone()), None));
        }
        for line in new.difference(&old) {
            changes.push(Change::new(group, id, added, None, Some(line.clone())));
        }
    }

    fn role_rules(&self, procedure: &Procedure, step: &Step) -> BTreeSet<String> {
        step.roles
            .iter()
            .map(|rule| procedure.role_rule_words(rule, false))
            .collect()
    }

    fn citations(&self, procedure: &Procedure, step: &Step) -> BTreeSet<String> {
        step.cites
            .iter()
            .map(|cite| {
                format!(
                    "cite {} \"{}\"",
                    procedure.source(cite.source).id,
                    cite.phrase
                )
            })
            .collect()
    }

    /// An old wording in the new version's names: every renamed step's old name replaced.
    fn translate(&self, text: &str) -> String {
        if self.renames.is_empty() {
            return text.to_string();
        }
        text.split(' ')
            .map(|word| self.renames.get(word).map_or(word, String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A together block's pieces in the language's words: "all of a, b" or "any of a, b".
fn pieces(procedure: &Procedure, step: &Step) -> Option<String> {
    let StepKind::Together {
        members, needed, ..
    } = &step.kind
    else {
        return None;
    };
    let names: Vec<&str> = (members.iter())
        .map(|m| procedure.step(*m).id.as_str())
        .collect();
    Some(format!("{} {}", needed.keyword(), names.join(", ")))
}

/// When a block went from needing every piece to any one, `any_one_piece_now_enough`, or
/// back, `every_piece_now_needed` (with the same pieces or not); else `pieces_changed`.
fn pieces_change(was: &Option<String>, now: &Option<String>) -> &'static str {
    let any = |words: &Option<String>| words.as_deref().map(|w| w.starts_with("any of"));
    match (any(was), any(now)) {
        (Some(false), Some(true)) => "any_one_piece_now_enough",
        (Some(true), Some(false)) => "every_piece_now_needed",
        _ => "pieces_changed",
    }
}

/// What pairs a deadline with its counterpart in the other version (its kind, the event it
/// counts from and its condition), and its full wording.
fn deadline_key(procedure: &Procedure, deadline: &Deadline) -> (String, String) {
    let kind = match deadline.kind {
        DeadlineKind::Limit => "due",
        DeadlineKind::Target => "target",
    };
    let clock = match deadline.clock {
        Clock::AfterStep(step) => format!("after {}", procedure.step(step).id),
        Clock::AfterFact(fact) => format!("after fact {}", procedure.fact(fact).id),
        Clock::BeforeFact(fact) => format!("before fact {}", procedure.fact(fact).id),
        // `before X` and `before each X` pair, so a rule that comes to apply before every
        // occurrence (or stops doing so) reads as one changed deadline.
        Clock::BeforeStep(step) | Clock::BeforeEachStep(step) => {
            format!("before {}", procedure.step(step).id)
        }
        // Paired with a deadline after the same decision, so a clock that moves to the
        // occurrence with an outcome (or to another outcome) reads as one changed deadline.
        Clock::AfterOutcome(step, _) => format!("after {}", procedure.step(step).id),
    };
    let condition = deadline
        .guard
        .as_ref()
        .map(|g| procedure.guard_words(g))
        .unwrap_or_default();
    let key = format!("{kind} {clock} when {condition}");
    (key, procedure.deadline_line(deadline))
}

fn route_line(procedure: &Procedure, step: &Step, when: &RouteWhen, target: &str) -> String {
    procedure.route_line(step, when, target)
}

/// An item compared between versions: (what pairs it with its counterpart, its wording).
type Item = (String, String);

/// A key that pairs an old item with its new counterpart.
type PairKey<'a> = &'a dyn Fn(&Item) -> String;

/// Items are (what pairs them, their wording). What differs between the two sides is reported
/// as changed where a key pairs exactly one old item with one new item (trying `keys` in
/// turn), and as removed or added otherwise. `kinds` names (changed, removed, added).
fn report_pairs(
    group: Group,
    id: &str,
    [changed, removed, added]: [&'static str; 3],
    (before, after): (BTreeSet<Item>, BTreeSet<Item>),
    keys: &[PairKey<'_>],
    changes: &mut Vec<Change>,
) {
    let mut gone: Vec<&(String, String)> = before.difference(&after).collect();
    let mut came: Vec<&(String, String)> = after.difference(&before).collect();
    for key in keys {
        let count =
            |list: &[&(String, String)], k: &str| list.iter().filter(|item| key(item) == k).count();
        let mut index = 0;
        while index < gone.len() {
            let k = key(gone[index]);
            let unique = count(&gone, &k) == 1 && count(&came, &k) == 1;
            match came
                .iter()
                .position(|item| key(item) == k)
                .filter(|_| unique)
            {
                Some(position) => {
                    let (was, now) = (gone.remove(index), came.remove(position));
                    changes.push(Change::new(
                        group,
                        id,
                        changed,
                        Some(was.1.clone()),
                        Some(now.1.clone()),
                    ));
                }
                None => index += 1,
            }
        }
    }
    for item in gone {
        changes.push(Change::new(group, id, removed, Some(item.1.clone()), None));
    }
    for item in came {
        changes.push(Change::new(group, id, added, None, Some(item.1.clone())));
    }
}

/// How often recurring work is due, and while when; when a checkpoint series stops.
fn schedule(procedure: &Procedure, step: &Step) -> Option<String> {
    match &step.kind {
        StepKind::Recurring {
            every,
            unit,
            during,
            when,
        } => {
            let condition = when
                .as_ref()
                .map(|g| format!(" when {}", procedure.guard_words(g)))
                .unwrap_or_default();
            Some(format!(
                "{}{condition}",
                procedure.every_words(*every, *unit, *during)
            ))
        }
        StepKind::Checkpoint {
            until: Some(until), ..
        } => Some(format!("until {}", procedure.step(*until).id)),
        _ => None,
    }
}
