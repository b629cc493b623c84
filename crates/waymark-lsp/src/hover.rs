//! Hover: a step's title, who acts, its deadlines in words and its citations; a deadline in
//! words with an example due date counted from today; a diagnostic code's explanation.

use crate::analysis::Analysis;
use crate::symbols::{self, Kind};
use chrono::NaiveDate;
use waymark_diagnostics::{Code, Span, codes};
use waymark_syntax::{Clause, ClauseKind, Clock, Deadline, DeadlineKind, Document, Item, Unit};

/// The hover text (Markdown) at a byte offset, if there is anything to say there.
pub fn hover(analysis: &Analysis, offset: usize, today: NaiveDate) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(code) = code_at(analysis.text(), offset) {
        parts.push(explain(code));
    }
    if let Some(found) = symbols::at(&analysis.occurrences, offset) {
        parts.extend(symbol(analysis, found.kind, &found.key));
    } else if let Some(clause) = clause_at(&analysis.document, offset) {
        parts.extend(deadline_clause(analysis, clause, today).or_else(|| text_clause(clause)));
    }
    for diagnostic in &analysis.diagnostics {
        let span = diagnostic.primary.span;
        let here = span.file == analysis.file
            && (span.start as usize) <= offset
            && offset <= span.end as usize;
        if here && !parts.iter().any(|p| p.contains(diagnostic.code.as_str())) {
            parts.push(explain(diagnostic.code));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn explain(code: Code) -> String {
    format!(
        "**{}** `{}`: {}\n\n{}",
        code.as_str(),
        code.name(),
        code.summary(),
        code.explanation().trim()
    )
}

/// A code such as `WM0101` under the cursor (in a comment, say).
fn code_at(text: &str, offset: usize) -> Option<Code> {
    let word = word_at(text, offset)?;
    codes::ALL
        .iter()
        .copied()
        .find(|code| code.as_str() == word)
}

/// The word (letters, digits, `_`) around a byte offset.
pub fn word_at(text: &str, offset: usize) -> Option<&str> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(at, _)| at);
    let after = text.get(offset..)?;
    let end = offset + after.find(|c: char| !is_word(c)).unwrap_or(after.len());
    text.get(start..end).filter(|w| !w.is_empty())
}

fn slice(analysis: &Analysis, span: Span) -> &str {
    analysis
        .text()
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default()
}

fn symbol(analysis: &Analysis, kind: Kind, key: &str) -> Option<String> {
    let document = &analysis.document;
    match kind {
        Kind::Step => match document.items.iter().find(|i| i.id.text == key) {
            Some(item) => Some(step(analysis, item)),
            None => document
                .uses
                .iter()
                .find(|u| u.procedure.text == key)
                .map(|u| {
                    format!(
                        "**procedure** `{key}`, used from `{}`",
                        u.path.value.replace('`', "'")
                    )
                }),
        },
        Kind::Role => document.roles.iter().find(|r| r.id.text == key).map(|r| {
            let title = r.title.as_ref().map_or("", |t| t.value.as_str());
            format!("**role** `{key}`: {title}")
        }),
        Kind::Fact => document.facts.iter().find(|f| f.id.text == key).map(|f| {
            let title = f.title.as_ref().map_or("", |t| t.value.as_str());
            // The kind follows the title, which may run over several lines (and hold " is ").
            let after_title = f.title.as_ref().map_or(f.id.span.end, |t| t.span.end);
            let rest = Span::new(f.span.file, after_title as usize, f.span.end as usize);
            let kind = slice(analysis, rest)
                .split_once("is ")
                .map_or("", |(_, kind)| kind.trim());
            let known = match &f.recorded_at {
                Some(step) => format!(
                    "\n\nknown once `{}` is recorded: its record gives it (`\"facts\"` on the \
                     event), its latest record for a step that may repeat",
                    step.text
                ),
                None => String::new(),
            };
            format!("**fact** `{key}`: {title}\n\nis {kind}{known}")
        }),
        Kind::Source => {
            let header = document.header.as_ref()?;
            header.sources.iter().find(|s| s.id.text == key).map(|s| {
                let updated = s.updated.map(|d| format!(", updated {}", d.date));
                format!(
                    "**source** `{key}`: {}{}",
                    s.title.value,
                    updated.unwrap_or_default()
                )
            })
        }
        Kind::Outcome => Some(format!(
            "**outcome** `{}` of decision `{}`",
            key.rsplit('.').next().unwrap_or(key),
            key.split('.').next().unwrap_or(key)
        )),
    }
}

/// A step in words, from its lines.
fn step(analysis: &Analysis, item: &Item) -> String {
    let title = item.title.as_ref().map_or("", |t| t.value.as_str());
    let mut text = format!("**{}** `{}`: {title}", item.kind.keyword(), item.id.text);
    let role_title = |name: &str| {
        analysis
            .document
            .roles
            .iter()
            .find(|r| r.id.text == name)
            .and_then(|r| r.title.as_ref())
            .map_or(name.to_string(), |t| t.value.clone())
    };
    let mut who = Vec::new();
    let mut signoff = Vec::new();
    let mut when = Vec::new();
    let mut cites = Vec::new();
    let mut pieces = Vec::new();
    for clause in &item.clauses {
        match &clause.kind {
            ClauseKind::AllOf(_) | ClauseKind::AnyOf(_) => pieces.extend(pieces_words(clause)),
            ClauseKind::By { roles, guard, join } => {
                let names: Vec<String> = roles.iter().map(|r| role_title(&r.text)).collect();
                let condition = guard
                    .as_ref()
                    .map(|g| format!(" (when {})", slice(analysis, g.span)));
                let (joiner, each) = match join {
                    waymark_syntax::RoleJoin::All => (" and ", ", each with a record"),
                    _ => (" or ", ""),
                };
                who.push(format!(
                    "{}{each}{}",
                    names.join(joiner),
                    condition.unwrap_or_default()
                ));
            }
            ClauseKind::Approved { roles } => {
                let names: Vec<String> = roles.iter().map(|r| role_title(&r.text)).collect();
                signoff.push(format!("approved by {}", names.join(" or ")));
            }
            ClauseKind::Deadline(deadline) => when.push(deadline_words(analysis, deadline)),
            ClauseKind::Extendable(extension) => {
                when.push(extension_words(extension, &role_title));
            }
            ClauseKind::MayRepeat => when.push(may_repeat_words(item).to_string()),
            ClauseKind::Untimed(reason) => when.push(format!("no time limit: {}", reason.value)),
            ClauseKind::Optional(reason) => when.push(format!(
                "optional ({}): a case may move past it unrecorded, and only work that was done \
                 is judged against its due date",
                reason.value
            )),
            ClauseKind::Cite(cite) => {
                let section = cite
                    .section
                    .as_ref()
                    .map(|s| format!(", in \"{}\"", s.value));
                cites.push(format!(
                    "{} \"{}\"{}",
                    cite.source.text,
                    cite.phrase.value,
                    section.unwrap_or_default()
                ));
            }
            _ => {}
        }
    }
    let parts = [
        ("Pieces", pieces),
        ("By", who),
        ("Sign-off", signoff),
        ("Deadlines", when),
        ("Cites", cites),
    ];
    for (heading, lines) in parts {
        if !lines.is_empty() {
            text.push_str(&format!("\n\n{heading}:\n"));
            for line in lines {
                text.push_str(&format!("- {line}\n"));
            }
        }
    }
    text
}

/// "due 45 working days after `referral`, when ...".
fn deadline_words(analysis: &Analysis, deadline: &Deadline) -> String {
    let kind = match deadline.kind {
        DeadlineKind::Limit => "due",
        DeadlineKind::Target => "target",
    };
    let amount = deadline.amount.value;
    let condition = deadline
        .guard
        .as_ref()
        .map(|g| format!(", when {}", slice(analysis, g.span)));
    let event = match &deadline.clock {
        Clock::AfterStep(step) => Some(format!("`{}` is done", step.text)),
        Clock::AfterOutcome(decision, outcome) => Some(format!(
            "the first `{}` that decided `{}`",
            decision.text, outcome.text
        )),
        _ => None,
    };
    let same_day = match (amount, deadline.unit.unit.same_day()) {
        (0, Some(same)) => event.map(|event| (same, event)),
        _ => None,
    };
    if let Some((same, event)) = same_day {
        let condition = condition.unwrap_or_default();
        return format!("{kind} on the {same} as {event}{condition}");
    }
    format!(
        "{kind} {} {}{}",
        deadline.unit.unit.amount_words(amount),
        clock_words(&deadline.clock),
        condition.unwrap_or_default()
    )
}

fn clock_words(clock: &Clock) -> String {
    match clock {
        Clock::AfterStep(step) => format!("after `{}` is done", step.text),
        Clock::AfterFact(fact) => format!("after the date in `{}`", fact.text),
        Clock::BeforeFact(fact) => format!("before the date in `{}`", fact.text),
        Clock::BeforeStep(step) => format!("before `{}` is done", step.text),
        Clock::BeforeEachStep(step) => format!(
            "before each occurrence of `{}`: done once per occurrence, each due from its own",
            step.text
        ),
        Clock::BeforeEachFact(fact) => {
            format!("before each `{}`: a fact has one date (WM0237)", fact.text)
        }
        Clock::AfterOutcome(decision, outcome) => format!(
            "after the first `{}` that decided `{}`",
            decision.text, outcome.text
        ),
    }
}

/// What `may repeat` means for the item: every record an occurrence; for a decision, the
/// latest decides the way on.
fn may_repeat_words(item: &Item) -> &'static str {
    match item.kind {
        waymark_syntax::ItemKind::Decision => {
            "may repeat: every record is an occurrence, the first is when it was done, and the latest decides the way on"
        }
        _ => "may repeat: every record is an occurrence, and the first is when it was done",
    }
}

/// An `all of` or `any of` line in words: which pieces, and when the block is done.
fn pieces_words(clause: &Clause) -> Option<String> {
    let (names, words) = match &clause.kind {
        ClauseKind::AllOf(names) => (
            names,
            "every one must be done; the block is done on the day of the last",
        ),
        ClauseKind::AnyOf(names) => (
            names,
            "any one is enough (and/or); the block is done on the day of the first, and the others are then not needed",
        ),
        _ => return None,
    };
    let listed: Vec<String> = names.iter().map(|n| format!("`{}`", n.text)).collect();
    Some(format!("{}: {words}", listed.join(", ")))
}

/// A citation or an untimed reason in full, its text joined when it runs over several lines,
/// for a hover anywhere on the lines it is written on.
fn text_clause(clause: &Clause) -> Option<String> {
    match &clause.kind {
        ClauseKind::Cite(cite) => {
            let section = cite
                .section
                .as_ref()
                .map(|s| format!(", in \"{}\"", s.value));
            Some(format!(
                "**cite** `{}`: \"{}\"{}",
                cite.source.text,
                cite.phrase.value,
                section.unwrap_or_default()
            ))
        }
        ClauseKind::Untimed(reason) => Some(format!("**untimed**: {}", reason.value)),
        ClauseKind::AllOf(_) => Some(format!("**all of** {}", pieces_words(clause)?)),
        ClauseKind::AnyOf(_) => Some(format!("**any of** {}", pieces_words(clause)?)),
        ClauseKind::Extendable(extension) => Some(format!(
            "**{}**\n\nA case records an extension as a record of the step with `extended_by` \
             (at most the bound in all), its `reason` and, when roles are named, `approved_by`. \
             The limits counted after an event move by it; a limit counted back from a later \
             event does not. See docs/cases.md, \"Extensions\".",
            extension_words(extension, &|name: &str| name.to_string())
        )),
        _ => None,
    }
}

/// "extendable by up to 10 working days, with a reason and approval by Team Manager"; roles
/// as `role_name` gives them.
fn extension_words(
    extension: &waymark_syntax::Extension,
    role_name: &dyn Fn(&str) -> String,
) -> String {
    let bound = extension.unit.unit.amount_words(extension.amount.value);
    let roles: Vec<String> = (extension.approvers.iter())
        .map(|role| role_name(&role.text))
        .collect();
    match roles.is_empty() {
        true => format!("extendable by up to {bound}, with a reason"),
        false => format!(
            "extendable by up to {bound}, with a reason and approval by {}",
            roles.join(" or ")
        ),
    }
}

/// The detail line of any item at a byte offset.
fn clause_at(document: &Document, offset: usize) -> Option<&Clause> {
    document
        .items
        .iter()
        .flat_map(|i| &i.clauses)
        .find(|clause| (clause.span.start as usize) <= offset && offset <= clause.span.end as usize)
}

/// A deadline, checkpoint or recurring line in words, with example dates from today.
fn deadline_clause(analysis: &Analysis, clause: &Clause, today: NaiveDate) -> Option<String> {
    let calendar_name = analysis
        .document
        .header
        .as_ref()
        .and_then(|h| h.calendar.as_ref())
        .map(|c| c.text.as_str());
    let calendar = calendar_name
        .and_then(waymark_calendar::builtin)
        .unwrap_or(waymark_calendar::default_calendar());
    let example = |amount: u32, unit: Unit, clock: &Clock| -> String {
        let sign = if matches!(
            clock,
            Clock::BeforeFact(_)
                | Clock::BeforeStep(_)
                | Clock::BeforeEachStep(_)
                | Clock::BeforeEachFact(_)
        ) {
            -1
        } else {
            1
        };
        // Hours say how long, not which day: the time of day decides that.
        let shifted = match unit {
            Unit::Hours => None,
            Unit::WorkingDays | Unit::CalendarDays | Unit::Weeks | Unit::Months => {
                calendar.shift(today, sign * i64::from(amount), unit).ok()
            }
        };
        let from = match clock {
            Clock::AfterStep(step) | Clock::BeforeStep(step) => {
                format!("`{}` is done today", step.text)
            }
            Clock::BeforeEachStep(step) => {
                format!("an occurrence of `{}` is today", step.text)
            }
            Clock::AfterFact(fact) | Clock::BeforeFact(fact) | Clock::BeforeEachFact(fact) => {
                format!("the date in `{}` is today", fact.text)
            }
            Clock::AfterOutcome(decision, outcome) => {
                format!("`{}` decides `{}` today", decision.text, outcome.text)
            }
        };
        match shifted {
            Some(date) => format!("if {from} ({}), it falls on {}", day(today), day(date)),
            None => format!("if {from} ({}), it falls {amount} hours later", day(today)),
        }
    };
    let text = match &clause.kind {
        ClauseKind::MayRepeat => {
            let item = analysis
                .document
                .items
                .iter()
                .find(|i| i.clauses.contains(clause))?;
            format!(
                "**{}**\n\nA further record of `{}` is not a repeat. A deadline can count from the \
                 occurrence that decided an outcome: `after DECISION is OUTCOME`.",
                may_repeat_words(item),
                item.id.text
            )
        }
        ClauseKind::Deadline(deadline) => format!(
            "**{}**\n\nFor example: {}.",
            deadline_words(analysis, deadline),
            example(deadline.amount.value, deadline.unit.unit, &deadline.clock)
        ),
        ClauseKind::At {
            offsets,
            unit,
            clock,
        } => {
            let lines: Vec<String> = offsets
                .iter()
                .map(|o| {
                    format!(
                        "- {} {}: {}",
                        unit.unit.amount_words(o.value),
                        clock_words(clock),
                        example(o.value, unit.unit, clock)
                    )
                })
                .collect();
            format!("**checkpoints**\n\n{}", lines.join("\n"))
        }
        ClauseKind::Every {
            amount,
            unit,
            during,
            ..
        } => format!(
            "**every {}** while the case is at `{}`",
            unit.unit.amount_words(amount.value),
            during.text
        ),
        _ => return None,
    };
    Some(if text.contains("working day") {
        format!(
            "{text}\n\nWorking days skip weekends and the bank holidays of {}.",
            calendar.name()
        )
    } else {
        text
    })
}

fn day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y (%Y-%m-%d)").to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::hover;
    use crate::analysis::{Analysis, Disk, Open};
    use chrono::NaiveDate;
    use std::path::Path;

    struct NoDisk;

    impl Disk for NoDisk {
        fn read(&self, _: &Path) -> Option<String> {
            None
        }
    }

    const TEXT: &str = "procedure p\nrole head \"Head of Service\"\nrole service \"Service Manager\"\nrole manager \"Team Manager\"\nstart told\n\nstep told \"Heads told\"\n  by head and service\n  approved by manager\n  untimed \"at once\"\n  then closed\n\nend closed\n";

    #[test]
    fn an_extension_is_told_in_words_on_its_step_and_its_line() {
        let text = "procedure p\nrole worker\nrole manager \"Team Manager\"\nstart a\nstep a\n  by worker\n  untimed \"u\"\n  then b\nstep b\n  by worker\n  due 45 working days after a\n  extendable by up to 10 working days with reason, approved by manager\n  then e\nend e\n";
        let analysis = Analysis::new(Path::new("p.wm"), text, &Open::new(), &NoDisk);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let on_step = text.find("then b").unwrap() + "then ".len();
        let step = hover(&analysis, on_step, today).unwrap();
        assert!(
            step.contains(
                "- extendable by up to 10 working days, with a reason and approval by Team Manager"
            ),
            "{step}"
        );
        let on_line = text.find("extendable").unwrap() + 2;
        let line = hover(&analysis, on_line, today).unwrap();
        assert!(line.contains("`extended_by`"), "{line}");
    }

    #[test]
    fn a_step_says_who_must_all_act_and_who_signs_it_off() {
        let analysis = Analysis::new(Path::new("p.wm"), TEXT, &Open::new(), &NoDisk);
        let at = TEXT.find("start told").unwrap() + "start ".len();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let text = hover(&analysis, at, today).unwrap();
        assert!(
            text.contains("Head of Service and Service Manager, each with a record"),
            "{text}"
        );
        assert!(
            text.contains("Sign-off:\n- approved by Team Manager"),
            "{text}"
        );
    }

    #[test]
    fn any_of_work_is_told_in_words_on_the_block_and_its_line() {
        let text = "procedure p\nrole r\nstart s\nstep s\n  by r\n  untimed \"u\"\n  then legal\ntogether legal \"Legal planning\"\n  any of meeting, lawyer\n  untimed \"u\"\n  then closed\nstep meeting\n  by r\n  untimed \"u\"\nstep lawyer\n  by r\n  untimed \"u\"\nend closed\n";
        let analysis = Analysis::new(Path::new("p.wm"), text, &Open::new(), &NoDisk);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let on_line = hover(&analysis, text.find("any of").unwrap() + 1, today).unwrap();
        assert!(
            on_line.contains("**any of** `meeting`, `lawyer`: any one is enough (and/or)"),
            "{on_line}"
        );
        let on_name = hover(&analysis, text.find("then legal").unwrap() + 6, today).unwrap();
        assert!(
            on_name.contains("Pieces:\n- `meeting`, `lawyer`: any one is enough"),
            "{on_name}"
        );
    }

    #[test]
    fn a_fact_recorded_at_a_step_says_when_it_is_known() {
        let text = "procedure p\nrole r\nfact agreed \"Agencies agreed\" is yes or no, recorded at \
                    meeting\nstart meeting\nstep meeting\n  by r when agreed is yes\n  untimed \
                    \"u\"\n  then closed\nend closed\n";
        let analysis = Analysis::new(Path::new("p.wm"), text, &Open::new(), &NoDisk);
        let at = text.find("when agreed").unwrap() + "when ".len();
        let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let hovered = hover(&analysis, at, today).unwrap();
        assert!(
            hovered.contains("is yes or no, recorded at meeting")
                && hovered.contains("known once `meeting` is recorded"),
            "{hovered}"
        );
    }

    const MEETING: &str = "procedure p\nrole r\nstart meeting\ndecision meeting\n  by r\n  untimed \"u\"\n  may repeat\n  outcomes section47, section17\n  on section47 then icpc\n  on section17 then closed\nstep icpc\n  by r\n  due 15 working days after meeting is section47\n  then closed\nend closed\n";

    fn hover_after(needle: &str) -> String {
        let analysis = Analysis::new(
            std::path::Path::new("p.wm"),
            MEETING,
            &crate::analysis::Open::new(),
            &NoDisk,
        );
        let offset = MEETING.find(needle).unwrap_or(0) + 1;
        let today = NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        hover(&analysis, offset, today).unwrap_or_default()
    }

    #[test]
    fn an_outcome_clock_and_may_repeat_are_told_in_words() {
        let due = hover_after("due 15");
        assert!(
            due.contains("after the first `meeting` that decided `section47`"),
            "{due}"
        );
        assert!(due.contains("`meeting` decides `section47` today"), "{due}");
        let repeat = hover_after("may repeat");
        assert!(repeat.contains("the latest decides the way on"), "{repeat}");
        // The outcome named in the clock is the decision's outcome.
        let outcome = hover_after("section47\n  then");
        assert!(
            outcome.contains("**outcome** `section47` of decision `meeting`"),
            "{outcome}"
        );
    }

    const EACH: &str = "procedure p\nrole r\nstart concern\nstep concern\n  by r\n  untimed \"u\"\n  then share\nstep share\n  by r\n  due 1 working day before each meeting\n  may repeat\n  then meeting\nstep meeting\n  by r\n  untimed \"u\"\n  may repeat\n  then closed\nend closed\n";

    #[test]
    fn work_due_before_each_occurrence_is_told_in_words() {
        let analysis = Analysis::new(Path::new("p.wm"), EACH, &Open::new(), &NoDisk);
        let at = EACH.find("due 1").unwrap() + 1;
        let today = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        let text = hover(&analysis, at, today).unwrap();
        assert!(
            text.contains("before each occurrence of `meeting`: done once per occurrence"),
            "{text}"
        );
        // An example from today: a meeting on Tuesday 17 March is due the Monday before.
        assert!(
            text.contains("an occurrence of `meeting` is today"),
            "{text}"
        );
        assert!(text.contains("16 March"), "{text}");
    }
}
