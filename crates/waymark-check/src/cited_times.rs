//! Cited times: where a citation states a length of time ("within 15 working days"), a time
//! rule of the item that cites it must count the same, so a mistyped number or unit is noticed.
//! Guidance numbers and units are exactly what a policy author mistypes.

use std::collections::BTreeMap;
use waymark_compile::{Procedure, Step, StepKind, Unit};
use waymark_diagnostics::{Code, Diagnostic, Span};

pub fn check(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    // The occurrences of a checkpoint (`at 5, 15, 30 working days after ...`) share their
    // citations: a citation is compared with the time rules of every step that carries it.
    let mut rules_by_cite: BTreeMap<(u32, u32), (Span, &str, Vec<TimeRule>)> = BTreeMap::new();
    for step in &procedure.steps {
        let rules = time_rules(step);
        for cite in &step.cites {
            let key = (cite.phrase_span.start, cite.phrase_span.end);
            let entry = rules_by_cite
                .entry(key)
                .or_insert_with(|| (cite.phrase_span, cite.phrase.as_str(), Vec::new()));
            entry.2.extend(rules.iter().copied());
        }
    }
    for (span, phrase, rules) in rules_by_cite.into_values() {
        // A citation on an item with no time rule gives background, not the rule.
        if rules.is_empty() {
            continue;
        }
        // A passage may name other times too ("seen within 5 working days and the report
        // within 10"): it is enough that one of them is this item's.
        let cited = times_in(phrase);
        let agrees = |time: &CitedTime| rules.iter().any(|rule| time.agrees_with(rule));
        if cited.iter().any(agrees) {
            continue;
        }
        if let Some(first) = cited.first() {
            diagnostics.push(disagreement(span, phrase, first, &rules));
        }
    }
}

/// A length of time a rule counts, and where the rule is written.
#[derive(Clone, Copy, Debug)]
struct TimeRule {
    amount: u32,
    unit: Unit,
    span: Span,
}

fn time_rules(step: &Step) -> Vec<TimeRule> {
    let mut rules: Vec<TimeRule> = step
        .deadlines
        .iter()
        .map(|deadline| TimeRule {
            amount: deadline.amount,
            unit: deadline.unit,
            span: deadline.span,
        })
        .collect();
    if let StepKind::Recurring { every, unit, .. } = step.kind {
        rules.push(TimeRule {
            amount: every,
            unit,
            span: step.span,
        });
    }
    rules
}

/// A unit as guidance writes it: plain "days" may mean working or calendar days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CitedUnit {
    Exactly(Unit),
    Days,
}

/// A length of time found in a cited phrase, with its place in the phrase (bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
struct CitedTime {
    amount: u32,
    unit: CitedUnit,
    at: std::ops::Range<usize>,
}

impl CitedTime {
    fn agrees_with(&self, rule: &TimeRule) -> bool {
        let same = match self.unit {
            CitedUnit::Exactly(unit) => unit == rule.unit,
            CitedUnit::Days => rule.unit.is_days(),
        };
        let same_days = match (self.calendar_days(), rule.calendar_days()) {
            (Some(cited), Some(counted)) => cited == counted,
            _ => false,
        };
        same && self.amount == rule.amount || same_days
    }

    /// The time in calendar days, where it is a whole number of them ("2 weeks" and "14
    /// days" say the same, either way round).
    fn calendar_days(&self) -> Option<u32> {
        match self.unit {
            CitedUnit::Exactly(unit) => unit.fixed_days(self.amount),
            CitedUnit::Days => Some(self.amount),
        }
    }

    fn words(&self) -> String {
        match self.unit {
            CitedUnit::Exactly(unit) => unit.amount_words(self.amount),
            CitedUnit::Days if self.amount == 1 => "1 day".to_string(),
            CitedUnit::Days => format!("{} days", self.amount),
        }
    }
}

fn disagreement(span: Span, phrase: &str, cited: &CitedTime, rules: &[TimeRule]) -> Diagnostic {
    // Point at the words themselves when the quoted text is written as it reads, in one piece
    // with no escapes (so that a place in the phrase is a place in the file); else, for a text
    // with escapes or one continued over several lines, at the whole phrase.
    let as_written = span.end as usize - span.start as usize == phrase.len() + 2;
    let primary = match !as_written || phrase.contains('\\') {
        true => span,
        false => Span::new(
            span.file,
            span.start as usize + 1 + cited.at.start,
            span.start as usize + 1 + cited.at.end,
        ),
    };
    let counted: Vec<String> = rules.iter().map(rule_words).collect();
    let mut diagnostic = Diagnostic::new(
        Code::CitedTimeDiffers,
        primary,
        format!(
            "the citation says {}, but the rules here count {}",
            cited.words(),
            list(&counted)
        ),
    )
    .label(format!("the guidance says {}", cited.words()));
    let mut labelled = Vec::new();
    for rule in rules {
        if labelled.contains(&(rule.span.start, rule.span.end)) {
            continue;
        }
        labelled.push((rule.span.start, rule.span.end));
        diagnostic = diagnostic.related(rule.span, format!("counts {}", rule_words(rule)));
    }
    diagnostic.help(
        "if the rule is mistyped, correct its number or unit to match the guidance; if the \
         citation is about another item's time limit, cite it on that item",
    )
}

impl TimeRule {
    fn calendar_days(&self) -> Option<u32> {
        self.unit.fixed_days(self.amount)
    }
}

fn rule_words(rule: &TimeRule) -> String {
    match (rule.amount, rule.unit.same_day()) {
        (0, Some(same)) => format!("the {same}"),
        _ => rule.unit.amount_words(rule.amount),
    }
}

/// "5 working days", "5 working days or 30 working days", "a, b or c".
fn list(items: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    match unique.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).clone(),
        Some((last, rest)) => {
            let head: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
            format!("{} or {last}", head.join(", "))
        }
    }
}

/// Every "NUMBER UNIT" in a phrase: "15 working days", "six weeks", "forty-five working days",
/// "24-hours", "12 x months".
fn times_in(phrase: &str) -> Vec<CitedTime> {
    let words = words_of(phrase);
    let mut found = Vec::new();
    let mut index = 0;
    while index < words.len() {
        match time_at(&words, index) {
            Some((time, last)) => {
                found.push(time);
                index = last + 1;
            }
            None => index += 1,
        }
    }
    found
}

/// The time written from word `index` on, and the index of its last word.
fn time_at(words: &[(usize, &str)], index: usize) -> Option<(CitedTime, usize)> {
    let &(start, word) = words.get(index)?;
    let mut amount = number(word)?;
    let mut next = index + 1;
    // "forty five", "forty-five"
    if let Some(&(_, ones_word)) = words.get(next)
        && amount % 10 == 0
        && amount >= 20
        && !ones_word.starts_with(|c: char| c.is_ascii_digit())
        && let Some(ones) = number(ones_word).filter(|ones| *ones < 10)
    {
        amount += ones;
        next += 1;
    }
    if words
        .get(next)
        .is_some_and(|(_, w)| w.eq_ignore_ascii_case("x"))
    {
        next += 1;
    }
    let (unit, last) = unit_at(words, next)?;
    let &(end_start, end_word) = words.get(last)?;
    let time = CitedTime {
        amount,
        unit,
        at: start..end_start + end_word.len(),
    };
    Some((time, last))
}

/// The unit starting at word `index`, and the index of its last word.
fn unit_at(words: &[(usize, &str)], index: usize) -> Option<(CitedUnit, usize)> {
    let word = |i: usize| words.get(i).map(|(_, w)| w.to_ascii_lowercase());
    let first = word(index)?;
    let is_days = |w: Option<String>| matches!(w.as_deref(), Some("days" | "day"));
    let unit = match first.as_str() {
        "working" if is_days(word(index + 1)) => (CitedUnit::Exactly(Unit::WorkingDays), index + 1),
        "calendar" if is_days(word(index + 1)) => {
            (CitedUnit::Exactly(Unit::CalendarDays), index + 1)
        }
        "days" | "day" => (CitedUnit::Days, index),
        "weeks" | "week" => (CitedUnit::Exactly(Unit::Weeks), index),
        "months" | "month" => (CitedUnit::Exactly(Unit::Months), index),
        "hours" | "hour" => (CitedUnit::Exactly(Unit::Hours), index),
        _ => return None,
    };
    Some(unit)
}

/// The words of a phrase with their byte offsets; letters and digits make words, anything else
/// (spaces, hyphens, punctuation) parts them.
fn words_of(phrase: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, character) in phrase.char_indices() {
        match (start, character.is_alphanumeric()) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                words.push((from, &phrase[from..at]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &phrase[from..]));
    }
    words
}

/// A whole number written in figures, or in words up to twenty (and the tens to sixty), as
/// guidance writes time limits.
fn number(word: &str) -> Option<u32> {
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok().filter(|n| *n > 0);
    }
    const WORDS: [&str; 20] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let lower = word.to_ascii_lowercase();
    if let Some(index) = WORDS.iter().position(|w| *w == lower) {
        return Some(index as u32 + 1);
    }
    match lower.as_str() {
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "sixty" => Some(60),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(phrase: &str) -> Vec<(u32, CitedUnit, &str)> {
        times_in(phrase)
            .into_iter()
            .map(|t| (t.amount, t.unit, &phrase[t.at.clone()]))
            .collect()
    }

    #[test]
    fn times_are_found_in_figures_and_in_words() {
        use CitedUnit::*;
        assert_eq!(
            found("initial visit will not exceed 5 working days"),
            [(5, Exactly(Unit::WorkingDays), "5 working days")]
        );
        assert_eq!(
            found("finished within forty five working days, or forty-five"),
            [(45, Exactly(Unit::WorkingDays), "forty five working days")]
        );
        assert_eq!(
            found("at least every six weeks"),
            [(6, Exactly(Unit::Weeks), "six weeks")]
        );
        assert_eq!(
            found("At least every 12 x months"),
            [(12, Exactly(Unit::Months), "12 x months")]
        );
        assert_eq!(
            found("within 24-hours, or 10 calendar days; 3 days"),
            [
                (24, Exactly(Unit::Hours), "24-hours"),
                (10, Exactly(Unit::CalendarDays), "10 calendar days"),
                (3, Days, "3 days"),
            ]
        );
    }

    #[test]
    fn numbers_without_a_unit_are_not_times() {
        assert!(found("Reviews on days 5, 15 and 30").is_empty());
        assert!(found("approaching their 18th birthday").is_empty());
        assert!(found("one of the working group").is_empty());
        assert!(found("0 days").is_empty());
    }

    #[test]
    fn plain_days_agree_with_working_or_calendar_days_and_weeks_with_seven_days() {
        let span = Span::new(waymark_diagnostics::FileId(0), 0, 1);
        let rule = |amount, unit| TimeRule { amount, unit, span };
        let cited = |phrase: &str| times_in(phrase).remove(0);
        assert!(cited("15 days").agrees_with(&rule(15, Unit::WorkingDays)));
        assert!(cited("15 days").agrees_with(&rule(15, Unit::CalendarDays)));
        assert!(!cited("15 working days").agrees_with(&rule(15, Unit::CalendarDays)));
        assert!(!cited("15 working days").agrees_with(&rule(10, Unit::WorkingDays)));
        assert!(cited("2 weeks").agrees_with(&rule(14, Unit::CalendarDays)));
        assert!(!cited("2 weeks").agrees_with(&rule(10, Unit::WorkingDays)));
        assert!(cited("fourteen days").agrees_with(&rule(2, Unit::Weeks)));
        assert!(cited("28 calendar days").agrees_with(&rule(4, Unit::Weeks)));
        assert!(!cited("28 working days").agrees_with(&rule(4, Unit::Weeks)));
        assert!(!cited("3 months").agrees_with(&rule(3, Unit::WorkingDays)));
        assert!(!cited("3 hours").agrees_with(&rule(3, Unit::Months)));
    }
}
