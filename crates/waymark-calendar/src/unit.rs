//! [`Unit`]: the units a deadline counts in, and everything that differs from one unit to
//! another, each an exhaustive match, so that adding a unit is done by following the compiler.
//! The one place it cannot point to is the grammar (`unit` in `grammar/waymark.pest`); a test in
//! the syntax crate parses every unit's words, so a unit missing there fails it.

/// The unit of an amount of time in a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Monday to Friday, not counting the calendar's holidays.
    WorkingDays,
    /// Every day.
    CalendarDays,
    /// Seven days each.
    Weeks,
    /// Same day of the month, clamped to the month's last day.
    Months,
    /// Round the clock, from a moment (an event known only by its date counts from that
    /// day's end: see [`crate::end_of_day`]).
    Hours,
}

impl Unit {
    /// Every unit, in the order the language lists them.
    pub const ALL: [Unit; 5] = [
        Unit::WorkingDays,
        Unit::CalendarDays,
        Unit::Weeks,
        Unit::Months,
        Unit::Hours,
    ];

    /// The unit in words, singular or plural as `amount` needs, as the language writes it:
    /// "working day", "calendar days", "weeks".
    pub fn words(self, amount: impl Into<u64>) -> &'static str {
        let one = amount.into() == 1;
        match self {
            Unit::WorkingDays if one => "working day",
            Unit::WorkingDays => "working days",
            Unit::CalendarDays if one => "calendar day",
            Unit::CalendarDays => "calendar days",
            Unit::Weeks if one => "week",
            Unit::Weeks => "weeks",
            Unit::Months if one => "month",
            Unit::Months => "months",
            Unit::Hours if one => "hour",
            Unit::Hours => "hours",
        }
    }

    /// An amount of the unit: "45 working days", "1 week".
    pub fn amount_words(self, amount: impl Into<u64>) -> String {
        let amount = amount.into();
        format!("{amount} {}", self.words(amount))
    }

    /// How 0 of the unit reads, where the language has words for it: "same day" (that very
    /// day) and "same working day" (that day, or the next working day when it is not one).
    pub fn same_day(self) -> Option<&'static str> {
        match self {
            Unit::CalendarDays => Some("same day"),
            Unit::WorkingDays => Some("same working day"),
            Unit::Weeks | Unit::Months | Unit::Hours => None,
        }
    }

    /// The unit's name in data written for other programs (BPMN attributes): "working-days".
    pub fn name(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working-days",
            Unit::CalendarDays => "calendar-days",
            Unit::Weeks => "weeks",
            Unit::Months => "months",
            Unit::Hours => "hours",
        }
    }

    /// The suffix of an amount in `waymark days` (`+45wd`, `+3d`, `-4w`, `+2m`); `None` for
    /// hours, which that command, counting dates, does not take.
    pub fn suffix(self) -> Option<&'static str> {
        match self {
            Unit::WorkingDays => Some("wd"),
            Unit::CalendarDays => Some("d"),
            Unit::Weeks => Some("w"),
            Unit::Months => Some("m"),
            Unit::Hours => None,
        }
    }

    /// The unit a `waymark days` suffix names (see [`Unit::suffix`]).
    pub fn from_suffix(suffix: &str) -> Option<Unit> {
        Unit::ALL
            .into_iter()
            .find(|unit| unit.suffix() == Some(suffix))
    }

    /// `amount` of the unit as a fixed number of days, where it is one ("2 weeks" is 14 days);
    /// working days, months and hours have no fixed length in days.
    pub fn fixed_days(self, amount: u32) -> Option<u32> {
        match self {
            Unit::CalendarDays => Some(amount),
            Unit::Weeks => amount.checked_mul(7),
            Unit::WorkingDays | Unit::Months | Unit::Hours => None,
        }
    }

    /// `amount` of the unit as an ISO 8601 duration ("P14D" for 2 weeks, "PT24H"); `None` for
    /// working days, which skip days off and so are no fixed interval.
    pub fn iso_duration(self, amount: u32) -> Option<String> {
        match self {
            Unit::Hours => Some(format!("PT{amount}H")),
            Unit::Months => Some(format!("P{amount}M")),
            Unit::CalendarDays => Some(format!("P{amount}D")),
            Unit::Weeks => Some(format!("P{}D", amount.saturating_mul(7))),
            Unit::WorkingDays => None,
        }
    }

    /// Whether the unit is a kind of day, so that guidance saying only "days" may mean it.
    pub fn is_days(self) -> bool {
        match self {
            Unit::WorkingDays | Unit::CalendarDays => true,
            Unit::Weeks | Unit::Months | Unit::Hours => false,
        }
    }

    /// Whether counting skips weekends and the calendar's holidays, so the answer depends on
    /// which calendar is used.
    pub fn skips_days_off(self) -> bool {
        match self {
            Unit::WorkingDays => true,
            Unit::CalendarDays | Unit::Weeks | Unit::Months | Unit::Hours => false,
        }
    }

    /// Whether the unit counts time round the clock, so that it falls due at a moment rather
    /// than by the end of a day.
    pub fn counts_hours(self) -> bool {
        match self {
            Unit::Hours => true,
            Unit::WorkingDays | Unit::CalendarDays | Unit::Weeks | Unit::Months => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Unit;

    #[test]
    fn words_agree_with_amounts() {
        assert_eq!(Unit::WorkingDays.amount_words(1u32), "1 working day");
        assert_eq!(Unit::CalendarDays.amount_words(0u32), "0 calendar days");
        assert_eq!(Unit::Weeks.amount_words(6u64), "6 weeks");
        for unit in Unit::ALL {
            assert_ne!(unit.words(1u32), unit.words(2u32));
        }
    }

    #[test]
    fn suffixes_name_their_units_and_no_other() {
        for unit in Unit::ALL {
            if let Some(suffix) = unit.suffix() {
                assert_eq!(Unit::from_suffix(suffix), Some(unit));
            }
        }
        assert_eq!(Unit::from_suffix("h"), None);
        assert_eq!(Unit::from_suffix(""), None);
    }

    #[test]
    fn durations_are_exact_or_absent() {
        assert_eq!(Unit::Weeks.iso_duration(2).as_deref(), Some("P14D"));
        assert_eq!(Unit::Weeks.fixed_days(2), Some(14));
        assert_eq!(Unit::CalendarDays.iso_duration(3).as_deref(), Some("P3D"));
        assert_eq!(Unit::Months.iso_duration(1).as_deref(), Some("P1M"));
        assert_eq!(Unit::Hours.iso_duration(24).as_deref(), Some("PT24H"));
        assert_eq!(Unit::WorkingDays.iso_duration(5), None);
        assert_eq!(Unit::Months.fixed_days(1), None);
    }
}
