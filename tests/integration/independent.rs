//! An independent check of `waymark run` on a realistic generated caseload: due dates counted
//! by hand-written rules of the Child and Family Assessment (not Waymark's procedure model,
//! nor its calendar: working days are counted day by day against the bank holidays written
//! out below), done dates taken straight from each case's records, and statuses judged by
//! the replay's rules in words. For the five steps every path of the assessment goes through,
//! in every case whose referral is recorded, the due date, done date and status must agree
//! with Waymark's report.

use crate::cli::waymark;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::Value;
use std::collections::BTreeMap;

/// England and Wales bank holidays over the generated years (GOV.UK).
const BANK_HOLIDAYS: [&str; 24] = [
    "2025-01-01",
    "2025-04-18",
    "2025-04-21",
    "2025-05-05",
    "2025-05-26",
    "2025-08-25",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-04-03",
    "2026-04-06",
    "2026-05-04",
    "2026-05-25",
    "2026-08-31",
    "2026-12-25",
    "2026-12-28",
    "2027-01-01",
    "2027-03-26",
    "2027-03-29",
    "2027-05-03",
    "2027-05-31",
    "2027-08-30",
    "2027-12-27",
    "2027-12-28",
];

const AS_OF: &str = "2027-06-30";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").unwrap()
}

/// `n` working days after `from`, one day at a time.
fn working_days_after(from: NaiveDate, n: u32) -> NaiveDate {
    let holidays: Vec<NaiveDate> = BANK_HOLIDAYS.iter().map(|d| date(d)).collect();
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !holidays.contains(&day) {
            left -= 1;
        }
    }
    day
}

/// What the hand-written rules expect of one step.
#[derive(Debug, PartialEq)]
struct Expected {
    due: Option<NaiveDate>,
    done: Option<NaiveDate>,
    status: &'static str,
}

/// Done on the step's first record (by date) up to the as-of date; judged against `due`.
fn judge(
    records: &BTreeMap<String, Vec<(NaiveDate, bool)>>,
    step: &str,
    due: Option<NaiveDate>,
) -> Expected {
    let as_of = date(AS_OF);
    let first = records
        .get(step)
        .and_then(|dates| dates.iter().filter(|(on, _)| *on <= as_of).min().copied());
    let status = match (first, due) {
        (Some((_, true)), _) => "waived",
        (Some((done, _)), Some(due)) if done > due => "late",
        (Some(_), _) => "met",
        (None, Some(due)) if as_of > due => "overdue",
        (None, _) => "pending",
    };
    Expected {
        due,
        done: first.map(|(on, _)| on),
        status,
    }
}

/// The rules of `procedures/assessment.wm`, written out by hand for the steps on every path.
fn expected(case: &Value) -> Option<BTreeMap<&'static str, Expected>> {
    let mut records: BTreeMap<String, Vec<(NaiveDate, bool)>> = BTreeMap::new();
    for event in case["events"].as_array()? {
        let Some(on) = event["on"].as_str() else {
            continue;
        };
        let waived = event["waived"].as_bool().unwrap_or(false);
        records
            .entry(event["step"].as_str()?.to_string())
            .or_default()
            .push((date(on), waived));
    }
    let as_of = date(AS_OF);
    let referral = records
        .get("referral")?
        .iter()
        .map(|(on, _)| *on)
        .filter(|on| *on <= as_of)
        .min()?;
    let mut steps = BTreeMap::new();
    // The plan: 1 working day after the referral. The initial visit: 5.
    steps.insert(
        "assessment_plan",
        judge(
            &records,
            "assessment_plan",
            Some(working_days_after(referral, 1)),
        ),
    );
    steps.insert(
        "initial_visit",
        judge(
            &records,
            "initial_visit",
            Some(working_days_after(referral, 5)),
        ),
    );
    // Completion: 45 working days after the referral, or 4 weeks before the expected delivery
    // date when that is earlier.
    let mut complete_due = working_days_after(referral, 45);
    if let Some(delivery) = case["facts"]["expected_delivery"].as_str() {
        complete_due = complete_due.min(date(delivery) - Duration::days(28));
    }
    let complete = judge(&records, "assessment_complete", Some(complete_due));
    // Sharing and the outcome: 5 working days after completion, once it is recorded.
    let after_complete = complete.done.map(|done| working_days_after(done, 5));
    steps.insert("assessment_complete", complete);
    for step in ["shared_with_family", "assessment_outcome"] {
        let mine = judge(&records, step, after_complete);
        // Without a completion date there is no due date: Waymark then says pending or
        // not_recorded by where the case went, which this check does not model.
        if after_complete.is_some() || mine.done.is_some() {
            steps.insert(step, mine);
        }
    }
    Some(steps)
}

fn reported(row: &Value) -> Expected {
    let day = |key: &str| row[key].as_str().map(date);
    let status = match row["status"].as_str().unwrap() {
        "met" => "met",
        "late" => "late",
        "overdue" => "overdue",
        "pending" => "pending",
        "waived" => "waived",
        "not_recorded" => "not_recorded",
        _ => "not_applicable",
    };
    Expected {
        due: day("due"),
        done: day("done"),
        status,
    }
}

#[test]
fn hand_written_rules_agree_with_the_replay_on_a_realistic_caseload() {
    let text = crate::run::generated_cases(4_000);
    let folder = crate::run::temp_folder("independent");
    let path = folder.join("cases.jsonl");
    std::fs::write(&path, &text).unwrap();
    let path = path.to_string_lossy().into_owned();
    let (code, json, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &path,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut checked = 0;
    let mut messy = 0;
    for (input, output) in text.lines().zip(json.lines()) {
        let case: Value = serde_json::from_str(input).unwrap();
        let report: Value = serde_json::from_str(output).unwrap();
        assert_eq!(case["case"], report["case"]);
        let Some(steps) = expected(&case) else {
            continue;
        };
        messy += usize::from(!report["deviations"].as_array().unwrap().is_empty());
        for (step, expected) in steps {
            let row = report["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|row| row["step"] == step)
                .unwrap_or_else(|| panic!("{} has no row for {step}", case["case"]));
            assert_eq!(
                reported(row),
                expected,
                "case {} step {step}\ninput: {input}\nreport: {output}",
                case["case"]
            );
            checked += 1;
        }
    }
    assert!(checked > 15_000, "{checked} rows checked");
    assert!(
        messy > 800,
        "the caseload is realistic: {messy} cases deviate"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
