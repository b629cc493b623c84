//! When something is due: a day, or (for hours deadlines) a moment; and whether a record met it.

use crate::case::When;
use chrono::{NaiveDate, NaiveDateTime};
use waymark_calendar::end_of_day;

/// When something is due: by the end of a day, or (for hours deadlines) by a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Due {
    Day(NaiveDate),
    At(NaiveDateTime),
}

impl Due {
    pub fn date(self) -> NaiveDate {
        match self {
            Due::Day(date) => date,
            Due::At(moment) => moment.date(),
        }
    }

    /// The last moment that is still on time.
    pub fn moment(self) -> NaiveDateTime {
        match self {
            Due::Day(date) => end_of_day(date),
            Due::At(moment) => moment,
        }
    }

    /// Whether something done at `done` was on time. A date-only event against an hours
    /// deadline is on time when its date is on or before the deadline's date: without a time
    /// nobody can say it was late.
    pub fn is_met_by(self, done: When) -> bool {
        match (self, done.time) {
            (Due::Day(date), _) => done.date <= date,
            (Due::At(moment), Some(time)) => done.date.and_time(time) <= moment,
            (Due::At(moment), None) => done.date <= moment.date(),
        }
    }

    /// Whether, on `as_of`, the deadline has passed: it fell on an earlier day.
    pub fn has_passed(self, as_of: NaiveDate) -> bool {
        as_of > self.date()
    }
}
