//! Deadline clocks: which deadline of a step governs a case, and when it falls. All arithmetic
//! is the calendar's O(1) table look-ups; nothing here walks the days.

use crate::case::When;
use crate::due::Due;
use waymark_calendar::{Calendar, OutOfRange, add_hours, add_hours_to_date};
use waymark_compile::{Clock, Deadline, DeadlineKind, FactIndex, FactValue, Step, StepIndex, Unit};

/// `amount` units after `from` (before it when negative). Hours run round the clock from the
/// moment itself, so they are counted here, where the time of day is known.
pub fn shift(calendar: &Calendar, from: When, amount: i64, unit: Unit) -> Result<Due, OutOfRange> {
    match unit {
        Unit::Hours => match from.time {
            Some(time) => add_hours(from.date.and_time(time), amount).map(Due::At),
            None => add_hours_to_date(from.date, amount).map(Due::At),
        },
        Unit::WorkingDays | Unit::CalendarDays | Unit::Weeks | Unit::Months => {
            calendar.shift(from.date, amount, unit).map(Due::Day)
        }
    }
}

/// When `deadline` falls, `amount` units from `from` (as [`clock_start`] gives them). Counting
/// back no working days from a day off lands on the working day before it: work due "0 working
/// days before" a Saturday meeting is due on the Friday, not on the Monday after the meeting.
pub fn deadline_shift(
    calendar: &Calendar,
    deadline: &Deadline,
    from: When,
    amount: i64,
) -> Result<Due, OutOfRange> {
    if amount == 0 && deadline.unit == Unit::WorkingDays && deadline.clock.counts_back() {
        return calendar.working_day_on_or_before(from.date).map(Due::Day);
    }
    shift(calendar, from, amount, deadline.unit)
}

/// Where a deadline's clock stands for one case.
pub enum ClockStart {
    /// The clock started at this moment; count `sign × amount` from it.
    Started(When, i64),
    /// The step it counts from is not done yet (or, for `after DECISION is OUTCOME`, not
    /// yet recorded with that outcome).
    NotYet,
    /// The date fact it counts from is not known for this case: the deadline does not apply.
    NoFact,
}

/// Where `deadline`'s clock stands: `done` says when a step was done, `decided` when a decision
/// was first recorded with an outcome ([`crate::Case::first_decided`]).
pub fn clock_start(
    deadline: &Deadline,
    fact: &impl Fn(FactIndex) -> Option<FactValue>,
    done: &impl Fn(StepIndex) -> Option<When>,
    decided: &impl Fn(StepIndex, u32) -> Option<When>,
) -> ClockStart {
    let amount = i64::from(deadline.amount);
    let fact_date = |id| match fact(id) {
        Some(FactValue::Date(date)) => Some(When::day(date)),
        _ => None,
    };
    match deadline.clock {
        Clock::AfterStep(step) => match done(step) {
            Some(when) => ClockStart::Started(when, amount),
            None => ClockStart::NotYet,
        },
        Clock::AfterFact(id) => match fact_date(id) {
            Some(when) => ClockStart::Started(when, amount),
            None => ClockStart::NoFact,
        },
        // Back from a later step: known once that step is recorded. (Work due before each
        // occurrence is counted per occurrence by `each.rs`, which passes that occurrence as
        // the step's `done`.)
        Clock::BeforeStep(step) | Clock::BeforeEachStep(step) => match done(step) {
            Some(when) => ClockStart::Started(when, -amount),
            None => ClockStart::NotYet,
        },
        Clock::BeforeFact(id) => match fact_date(id) {
            Some(when) => ClockStart::Started(when, -amount),
            None => ClockStart::NoFact,
        },
        // From the first occurrence with that outcome, which need not be the first occurrence.
        Clock::AfterOutcome(step, outcome) => match decided(step, outcome) {
            Some(when) => ClockStart::Started(when, amount),
            None => ClockStart::NotYet,
        },
    }
}

/// The governing limit and target of a step.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Governing {
    pub limit: Option<(Due, usize)>,
    pub target: Option<(Due, usize)>,
}

/// The governing deadline of each kind for a step: among those of the kind whose guard holds
/// and whose clock has started, the earliest. Gives each one's due date and the index of the
/// deadline in `step.deadlines`. A deadline that falls outside the calendar's years is left
/// out and reported in `out_of_range`. (Both kinds in one look at the deadlines, not a look
/// per kind.)
pub(crate) fn governing(
    calendar: &Calendar,
    step: &Step,
    fact: &impl Fn(FactIndex) -> Option<FactValue>,
    done: &impl Fn(StepIndex) -> Option<When>,
    decided: &impl Fn(StepIndex, u32) -> Option<When>,
    out_of_range: &mut bool,
) -> Governing {
    let mut found = Governing::default();
    for (index, deadline) in step.deadlines.iter().enumerate() {
        if let Some(guard) = &deadline.guard
            && !guard.holds(fact)
        {
            continue;
        }
        let ClockStart::Started(from, amount) = clock_start(deadline, fact, done, decided) else {
            continue;
        };
        let best = match deadline.kind {
            DeadlineKind::Limit => &mut found.limit,
            DeadlineKind::Target => &mut found.target,
        };
        match deadline_shift(calendar, deadline, from, amount) {
            Ok(due) => {
                if best.is_none_or(|(current, _)| due.moment() < current.moment()) {
                    *best = Some((due, index));
                }
            }
            Err(_) => *out_of_range = true,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    fn date(text: &str) -> NaiveDate {
        waymark_calendar::parse_date(text).unwrap()
    }

    #[test]
    fn hours_from_a_date_only_event_count_from_the_end_of_the_day() {
        let calendar = waymark_calendar::default_calendar();
        let due = shift(calendar, When::day(date("2026-03-02")), 24, Unit::Hours).unwrap();
        assert_eq!(due.date(), date("2026-03-03"));
        let timed = When {
            date: date("2026-06-29"),
            time: NaiveTime::from_hms_opt(15, 0, 0),
        };
        let due = shift(calendar, timed, 48, Unit::Hours).unwrap();
        assert_eq!(
            due,
            Due::At(date("2026-07-01").and_hms_opt(15, 0, 0).unwrap())
        );
        // Done on the due day without a time: on time.
        assert!(due.is_met_by(When::day(date("2026-07-01"))));
        let late = When {
            date: date("2026-07-01"),
            time: NaiveTime::from_hms_opt(15, 1, 0),
        };
        assert!(!due.is_met_by(late));
        assert!(!due.has_passed(date("2026-07-01")));
        assert!(due.has_passed(date("2026-07-02")));
    }

    /// `0 working days before` a Saturday is the Friday; after it, the Monday.
    #[test]
    fn no_working_days_back_from_a_day_off_is_the_working_day_before() {
        let calendar = waymark_calendar::default_calendar();
        let deadline = |clock| Deadline {
            kind: DeadlineKind::Limit,
            amount: 0,
            unit: Unit::WorkingDays,
            clock,
            guard: None,
            span: waymark_diagnostics::Span::default(),
        };
        let saturday = When::day(date("2026-01-10"));
        let before = deadline(Clock::BeforeStep(StepIndex(0)));
        let after = deadline(Clock::AfterStep(StepIndex(0)));
        let due = |deadline: &Deadline, from| deadline_shift(calendar, deadline, from, 0);
        assert_eq!(due(&before, saturday), Ok(Due::Day(date("2026-01-09"))));
        assert_eq!(due(&after, saturday), Ok(Due::Day(date("2026-01-12"))));
        let tuesday = When::day(date("2026-01-13"));
        assert_eq!(due(&before, tuesday), Ok(Due::Day(date("2026-01-13"))));
    }

    #[test]
    fn working_days_use_the_calendar() {
        let calendar = waymark_calendar::default_calendar();
        let due = shift(
            calendar,
            When::day(date("2025-12-01")),
            45,
            Unit::WorkingDays,
        );
        assert_eq!(due, Ok(Due::Day(date("2026-02-05"))));
        let before = shift(calendar, When::day(date("2026-05-01")), -4, Unit::Weeks);
        assert_eq!(before, Ok(Due::Day(date("2026-04-03"))));
    }
}
