//! The bank-holiday data files shipped in `data/`, embedded at compile time.
//!
//! They cover [`SHIPPED_FIRST_YEAR`] to [`SHIPPED_LAST_YEAR`] and include the one-off days the
//! rules cannot know. See `data/README.md` for their sources.

use crate::closures::parse_lines;
use crate::holidays::{Division, Holiday, HolidayKind};
use chrono::Datelike;
use std::collections::BTreeMap;
use waymark_diagnostics::FileId;

/// The first year the data files cover.
pub const SHIPPED_FIRST_YEAR: i32 = 2010;
/// The last year the data files cover.
pub const SHIPPED_LAST_YEAR: i32 = 2030;

fn text(division: Division) -> &'static str {
    match division {
        Division::EnglandAndWales => include_str!("../data/england-and-wales.txt"),
        Division::Scotland => include_str!("../data/scotland.txt"),
        Division::NorthernIreland => include_str!("../data/northern-ireland.txt"),
    }
}

/// The shipped bank holidays of a division, grouped by year.
///
/// The files are in the closures format; a test checks they read without a single problem, so
/// nothing is lost by ignoring the (always empty) list of diagnostics here.
pub(crate) fn by_year(division: Division) -> BTreeMap<i32, Vec<Holiday>> {
    let (days, _) = parse_lines(text(division), FileId::default(), HolidayKind::BankHoliday);
    let mut years: BTreeMap<i32, Vec<Holiday>> = BTreeMap::new();
    for day in days {
        let year = day.date.year();
        if (SHIPPED_FIRST_YEAR..=SHIPPED_LAST_YEAR).contains(&year) {
            years.entry(year).or_default().push(day);
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::rule_holidays;
    use std::collections::BTreeSet;

    /// The days the data adds to, and removes from, the rules in every division; a division's own
    /// one-offs are in [`own_one_offs`].
    const ADDED: &[&str] = &[
        "2011-04-29", // royal wedding
        "2012-06-04", // spring bank holiday, moved for the Diamond Jubilee
        "2012-06-05", // Queen's Diamond Jubilee
        "2020-05-08", // early May bank holiday, moved to VE Day
        "2022-06-02", // spring bank holiday, moved for the Platinum Jubilee
        "2022-06-03", // Platinum Jubilee
        "2022-09-19", // state funeral of Queen Elizabeth II
        "2023-05-08", // coronation of King Charles III
    ];
    const REMOVED: &[&str] = &["2012-05-28", "2020-05-04", "2022-05-30"];

    /// One-offs of one division only.
    fn own_one_offs(division: Division) -> &'static [&'static str] {
        match division {
            // Proclaimed on 3 February 2026 for Scotland alone (GOV.UK's list; PyPI `holidays`).
            Division::Scotland => &["2026-06-15"],
            _ => &[],
        }
    }

    #[test]
    fn data_files_read_cleanly_and_cover_every_year() {
        for division in Division::ALL {
            let (_, problems) = parse_lines(text(division), FileId(0), HolidayKind::BankHoliday);
            assert!(problems.is_empty(), "{division}: {problems:?}");
            let years = by_year(division);
            let expected: Vec<i32> = (SHIPPED_FIRST_YEAR..=SHIPPED_LAST_YEAR).collect();
            assert_eq!(
                years.keys().copied().collect::<Vec<_>>(),
                expected,
                "{division}"
            );
        }
    }

    #[test]
    fn data_differs_from_the_rules_only_by_the_one_offs() {
        for division in Division::ALL {
            let shipped: BTreeSet<String> = by_year(division)
                .into_values()
                .flatten()
                .map(|day| day.date.to_string())
                .collect();
            let rules: BTreeSet<String> = (SHIPPED_FIRST_YEAR..=SHIPPED_LAST_YEAR)
                .flat_map(|year| rule_holidays(division, year))
                .map(|day| day.date.to_string())
                .collect();
            let added: Vec<&str> = shipped.difference(&rules).map(String::as_str).collect();
            let removed: Vec<&str> = rules.difference(&shipped).map(String::as_str).collect();
            let mut expected: Vec<&str> = ADDED
                .iter()
                .chain(own_one_offs(division))
                .copied()
                .collect();
            expected.sort();
            assert_eq!(added, expected, "{division}");
            assert_eq!(removed, REMOVED, "{division}");
        }
    }

    #[test]
    fn scotland_has_the_bank_holiday_of_15_june_2026() {
        let scotland = by_year(Division::Scotland);
        assert!(
            scotland[&2026]
                .iter()
                .any(|day| day.date.to_string() == "2026-06-15")
        );
        let england = by_year(Division::EnglandAndWales);
        assert!(
            !england[&2026]
                .iter()
                .any(|day| day.date.to_string() == "2026-06-15")
        );
    }

    #[test]
    fn one_off_days_have_their_names() {
        let names: BTreeMap<String, String> = by_year(Division::EnglandAndWales)
            .into_values()
            .flatten()
            .map(|day| (day.date.to_string(), day.name))
            .collect();
        let name = |date: &str| names.get(date).map(String::as_str).unwrap_or("none");
        assert!(name("2011-04-29").starts_with("Royal wedding"));
        assert_eq!(name("2012-06-05"), "Queen's Diamond Jubilee");
        assert_eq!(
            name("2020-05-08"),
            "Early May bank holiday (moved to VE Day)"
        );
        assert_eq!(name("2022-06-03"), "Platinum Jubilee bank holiday");
        assert_eq!(name("2022-09-19"), "State funeral of Queen Elizabeth II");
        assert_eq!(name("2023-05-08"), "Coronation of King Charles III");
        assert_eq!(name("2022-12-27"), "Christmas Day (substitute day)");
    }

    #[test]
    fn each_year_has_the_expected_number_of_days() {
        // 8 in England and Wales, 9 in Scotland, 10 in Northern Ireland, plus the one-offs.
        for (division, usual) in [
            (Division::EnglandAndWales, 8),
            (Division::Scotland, 9),
            (Division::NorthernIreland, 10),
        ] {
            for (year, days) in by_year(division) {
                let extra = match year {
                    2011 | 2023 => 1,
                    2012 => 1,
                    2022 => 2,
                    _ => 0,
                } + own_one_offs(division)
                    .iter()
                    .filter(|day| day.starts_with(&year.to_string()))
                    .count();
                assert_eq!(days.len(), usual + extra, "{division} {year}");
            }
        }
    }
}
