//! Bank holidays: the three UK divisions and the rules that fix each year's dates.
//!
//! The rules come from the Banking and Financial Dealings Act 1971 (Schedule 1), the St Andrew's
//! Day Bank Holiday (Scotland) Act 2007 and the yearly royal proclamations, as summarised on
//! GOV.UK. They give the usual pattern only: one-off days (a royal wedding, a jubilee) and moved
//! days (VE Day in 2020) are in the shipped data files, not here. The rules are used for years
//! the data files do not cover, and the caller is told so (see [`crate::Calendar::computed_years`]).

use crate::date::is_weekend;
use chrono::{Days, NaiveDate, Weekday};

/// A part of the UK with its own bank holidays, named as GOV.UK names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Division {
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    /// Every division, the default (England and Wales) first.
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    /// The name used in procedures, on the command line and as the key in GOV.UK's file.
    pub fn name(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    /// The division with this name, e.g. `scotland`.
    pub fn from_name(name: &str) -> Option<Division> {
        Division::ALL
            .into_iter()
            .find(|division| division.name() == name)
    }
}

impl std::fmt::Display for Division {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a day off is a public bank holiday or a local closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HolidayKind {
    BankHoliday,
    /// A day the user's closures file adds, e.g. an office closed between Christmas and New Year.
    Closure,
}

/// One named day that is not a working day (besides weekends).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    pub kind: HolidayKind,
}

impl Holiday {
    pub fn bank(date: NaiveDate, name: impl Into<String>) -> Self {
        Holiday {
            date,
            name: name.into(),
            kind: HolidayKind::BankHoliday,
        }
    }
}

/// A year's bank holidays for a division, from the rules alone, sorted by date.
///
/// A fixed-date holiday (New Year, Christmas, St Andrew's Day ...) that falls on a Saturday or
/// Sunday gets a substitute: the first weekday after it that is not already a holiday. Taking
/// them in date order gives the familiar results: Christmas on a Saturday moves to Monday and
/// Boxing Day (Sunday) to Tuesday; Christmas on a Sunday moves to Tuesday, because Monday is
/// Boxing Day itself.
pub fn rule_holidays(division: Division, year: i32) -> Vec<Holiday> {
    let mut fixed: Vec<(NaiveDate, &str)> = Vec::new();
    let mut moving: Vec<(NaiveDate, &str)> = Vec::new();
    let mut day = |month, day, name| {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            fixed.push((date, name));
        }
    };
    day(1, 1, "New Year's Day");
    if division == Division::Scotland {
        day(1, 2, "2nd January");
        day(11, 30, "St Andrew's Day");
    }
    if division == Division::NorthernIreland {
        day(3, 17, "St Patrick's Day");
        day(7, 12, "Battle of the Boyne (Orangemen's Day)");
    }
    day(12, 25, "Christmas Day");
    day(12, 26, "Boxing Day");

    if let Some(easter) = easter_sunday(year) {
        moving.extend(
            easter
                .checked_sub_days(Days::new(2))
                .map(|d| (d, "Good Friday")),
        );
        if division != Division::Scotland {
            moving.extend(
                easter
                    .checked_add_days(Days::new(1))
                    .map(|d| (d, "Easter Monday")),
            );
        }
    }
    moving.extend(first_monday(year, 5).map(|d| (d, "Early May bank holiday")));
    moving.extend(last_monday(year, 5).map(|d| (d, "Spring bank holiday")));
    let summer = match division {
        Division::Scotland => first_monday(year, 8),
        _ => last_monday(year, 8),
    };
    moving.extend(summer.map(|d| (d, "Summer bank holiday")));

    let mut holidays: Vec<Holiday> = moving
        .into_iter()
        .map(|(date, name)| Holiday::bank(date, name))
        .collect();
    holidays.extend(with_substitutes(fixed, &holidays));
    holidays.sort();
    holidays
}

/// Fixed-date holidays, each moved to a substitute weekday if it falls at a weekend.
fn with_substitutes(mut fixed: Vec<(NaiveDate, &str)>, moving: &[Holiday]) -> Vec<Holiday> {
    fixed.sort();
    let mut taken: Vec<NaiveDate> = moving.iter().map(|holiday| holiday.date).collect();
    taken.extend(
        fixed
            .iter()
            .map(|(date, _)| *date)
            .filter(|d| !is_weekend(*d)),
    );
    let mut out = Vec::new();
    for (date, name) in fixed {
        if !is_weekend(date) {
            out.push(Holiday::bank(date, name));
            continue;
        }
        let mut substitute = date;
        while is_weekend(substitute) || taken.contains(&substitute) {
            match substitute.succ_opt() {
                Some(next) => substitute = next,
                None => break,
            }
        }
        taken.push(substitute);
        out.push(Holiday::bank(
            substitute,
            format!("{name} (substitute day)"),
        ));
    }
    out
}

fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    // The fifth Monday if there is one, else the fourth.
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
}

/// Easter Sunday in the Gregorian calendar, by the "anonymous Gregorian algorithm" (published in
/// Nature in 1876; also known as the Meeus/Jones/Butcher method). Every step is whole-number
/// arithmetic; the names follow the published description.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19; // place in the 19-year cycle of moon phases
    let (b, c) = (year / 100, year % 100); // century, year within it
    let (d, e) = (b / 4, b % 4); // leap-century corrections
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3; // the moon's drift against the calendar
    let h = (19 * a + b - d - g + 15) % 30; // days from 21 March to the paschal full moon, roughly
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7; // days on from the full moon to Sunday
    let m = (a + 11 * h + 22 * l) / 451; // the two exceptional cases
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn date(text: &str) -> NaiveDate {
        crate::date::parse_date(text).unwrap()
    }

    fn dates(division: Division, year: i32) -> Vec<String> {
        rule_holidays(division, year)
            .into_iter()
            .map(|holiday| holiday.date.to_string())
            .collect()
    }

    #[test]
    fn easter_matches_published_tables() {
        // Easter Sunday 2010-2030, from the Church of England's published table.
        let known = [
            "2010-04-04",
            "2011-04-24",
            "2012-04-08",
            "2013-03-31",
            "2014-04-20",
            "2015-04-05",
            "2016-03-27",
            "2017-04-16",
            "2018-04-01",
            "2019-04-21",
            "2020-04-12",
            "2021-04-04",
            "2022-04-17",
            "2023-04-09",
            "2024-03-31",
            "2025-04-20",
            "2026-04-05",
            "2027-03-28",
            "2028-04-16",
            "2029-04-01",
            "2030-04-21",
        ];
        for (year, expected) in (2010..).zip(known) {
            assert_eq!(easter_sunday(year), Some(date(expected)), "{year}");
        }
        // The algorithm's two exceptional cases, and the earliest and latest possible dates.
        assert_eq!(easter_sunday(1954), Some(date("1954-04-18")));
        assert_eq!(easter_sunday(1981), Some(date("1981-04-19")));
        assert_eq!(easter_sunday(2008), Some(date("2008-03-23")));
        assert_eq!(easter_sunday(2038), Some(date("2038-04-25")));
        assert_eq!(easter_sunday(2285), Some(date("2285-03-22")));
    }

    #[test]
    fn easter_is_always_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=4000 {
            let easter = easter_sunday(year).unwrap();
            assert_eq!(easter.weekday(), Weekday::Sun, "{year}");
            let earliest = NaiveDate::from_ymd_opt(year, 3, 22).unwrap();
            let latest = NaiveDate::from_ymd_opt(year, 4, 25).unwrap();
            assert!(earliest <= easter && easter <= latest, "{year}: {easter}");
        }
    }

    #[test]
    fn england_and_wales_2026() {
        assert_eq!(
            dates(Division::EnglandAndWales, 2026),
            [
                "2026-01-01",
                "2026-04-03",
                "2026-04-06",
                "2026-05-04",
                "2026-05-25",
                "2026-08-31",
                "2026-12-25",
                "2026-12-28"
            ]
        );
    }

    #[test]
    fn christmas_substitutes() {
        // 2021: Christmas on Saturday, Boxing Day on Sunday: Monday 27 and Tuesday 28.
        let ew = |year| dates(Division::EnglandAndWales, year);
        assert!(ew(2021).ends_with(&["2021-12-27".into(), "2021-12-28".into()]));
        // 2022: Christmas on Sunday: Boxing Day Monday 26, Christmas moves to Tuesday 27.
        assert!(ew(2022).ends_with(&["2022-12-26".into(), "2022-12-27".into()]));
        // 2020: Boxing Day on Saturday moves to Monday 28.
        assert!(ew(2020).ends_with(&["2020-12-25".into(), "2020-12-28".into()]));
        let names: Vec<_> = rule_holidays(Division::EnglandAndWales, 2022)
            .into_iter()
            .map(|holiday| holiday.name)
            .collect();
        assert_eq!(
            names.last().map(String::as_str),
            Some("Christmas Day (substitute day)")
        );
    }

    #[test]
    fn scotland_new_year_and_st_andrew() {
        let scotland = |year| dates(Division::Scotland, year);
        // 2022: 1 January Saturday, 2 January Sunday: Monday 3 and Tuesday 4.
        assert!(scotland(2022).starts_with(&["2022-01-03".into(), "2022-01-04".into()]));
        // 2023: 1 January Sunday: 2 January is Monday, New Year's Day moves to Tuesday 3.
        assert!(scotland(2023).starts_with(&["2023-01-02".into(), "2023-01-03".into()]));
        // 2021: 2 January Saturday moves to Monday 4.
        assert!(scotland(2021).starts_with(&["2021-01-01".into(), "2021-01-04".into()]));
        // St Andrew's Day: Saturday 2024 and Sunday 2025 both move to the Monday.
        assert!(scotland(2024).contains(&"2024-12-02".into()));
        assert!(scotland(2025).contains(&"2025-12-01".into()));
        // No Easter Monday; summer holiday on the first Monday of August.
        assert!(!scotland(2026).contains(&"2026-04-06".into()));
        assert!(scotland(2026).contains(&"2026-08-03".into()));
    }

    #[test]
    fn northern_ireland_extras() {
        let ni = |year| dates(Division::NorthernIreland, year);
        assert!(ni(2026).contains(&"2026-03-17".into()));
        assert!(ni(2024).contains(&"2024-03-18".into())); // 17th a Sunday
        assert!(ni(2026).contains(&"2026-07-13".into())); // 12th a Sunday
        assert!(ni(2025).contains(&"2025-07-14".into())); // 12th a Saturday
        assert_eq!(ni(2026).len(), 10);
    }

    #[test]
    fn names_round_trip() {
        for division in Division::ALL {
            assert_eq!(Division::from_name(division.name()), Some(division));
        }
        assert_eq!(Division::from_name("wales"), None);
    }
}
