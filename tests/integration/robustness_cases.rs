//! No case file makes Waymark panic, and one damaged case never stops the others: thousands of
//! mutated copies of generated caseloads (bytes flipped, quotes and commas added or dropped,
//! Latin-1 bytes, lines cut short, repeated or joined, byte-order marks) are read and run, as
//! JSON Lines and as CSV.

use crate::robustness::Random;
use std::panic::{AssertUnwindSafe, catch_unwind};
use waymark_run::{Plan, Reading};

/// One mutation of a line's bytes.
fn mutate(line: &[u8], random: &mut Random) -> Vec<u8> {
    let mut bytes = line.to_vec();
    let at = random.below(bytes.len() + 1);
    match random.below(9) {
        0 => bytes.insert(at, b'"'),
        1 => bytes.insert(at, b','),
        2 => bytes.insert(at, 0xE9), // Latin-1 é
        3 => bytes.truncate(at),
        4 => {
            if at < bytes.len() {
                bytes.remove(at);
            }
        }
        5 => bytes
            .splice(at..at, b"\xEF\xBB\xBF".iter().copied())
            .for_each(drop),
        6 => bytes
            .splice(at..at, std::iter::repeat_n(b'x', 5_000))
            .for_each(drop),
        7 => bytes.insert(at, b'\n'),
        _ => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= 1 << random.below(8);
            }
        }
    }
    bytes
}

fn plan_and_cases(count: u64) -> (waymark_compile::Procedure, String) {
    let procedure = crate::export::compiled("procedures/assessment.wm");
    let text = {
        let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
        waymark_run::generate::cases(&plan, 11, 0, count)
    };
    (procedure, text)
}

#[test]
fn mutated_json_lines_never_panic_and_only_the_damaged_case_is_lost() {
    let (procedure, text) = plan_and_cases(400);
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    let as_of = waymark_calendar::parse_date("2026-06-30").unwrap();
    let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    let mut random = Random(0x5EED_CA5E);
    let mut bad = 0;
    for round in 0..4_000 {
        let index = random.below(lines.len());
        let damaged = mutate(lines[index], &mut random);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match waymark_run::parse_json_bytes(&plan, index + 1, &damaged) {
                Ok(case) => {
                    let reading = [Reading::Replay, Reading::Strict][round % 2];
                    let report = waymark_run::run_case_with(&plan, case, as_of, reading);
                    assert!(report.fitting <= report.records);
                    true
                }
                Err(problem) => {
                    assert!(!problem.problems.is_empty());
                    assert!(problem.problems.iter().all(|p| p.line == index + 1));
                    false
                }
            }
        }));
        match outcome {
            Ok(ran) => bad += usize::from(!ran),
            Err(_) => panic!(
                "a damaged line panicked (round {round}): {}",
                String::from_utf8_lossy(&damaged)
            ),
        }
    }
    assert!(bad > 700, "the mutations damage lines: {bad}");
}

/// The generated cases as a CSV events file and a facts file.
fn as_csv(text: &str) -> (String, String) {
    let mut events = String::from("case,step,on,outcome,by,reason,waived\n");
    let mut facts = String::from("case,fact,value\n");
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = case["case"].as_str().unwrap();
        for (fact, value) in case["facts"].as_object().unwrap() {
            facts.push_str(&format!("{id},{fact},{}\n", value.as_str().unwrap_or("")));
        }
        for event in case["events"].as_array().unwrap() {
            let field = |key: &str| event[key].as_str().unwrap_or("").replace('"', "\"\"");
            let waived = if event["waived"] == true { "true" } else { "" };
            events.push_str(&format!(
                "{id},{},{},{},{},\"{}\",{waived}\n",
                field("step"),
                field("on"),
                field("outcome"),
                field("by"),
                field("reason"),
            ));
        }
    }
    (events, facts)
}

#[test]
fn mutated_csv_never_panics_and_only_the_damaged_case_is_lost() {
    let (procedure, text) = plan_and_cases(60);
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    let (events, facts) = as_csv(&text);
    let rows: Vec<&str> = events.lines().collect();
    let clean = waymark_run::csv::read_cases(events.as_bytes(), Some(facts.as_bytes()))
        .unwrap()
        .all(&plan);
    let good = clean.iter().filter(|case| case.is_ok()).count();
    assert_eq!(good, 60, "the clean files read whole");
    let mut random = Random(0xC5F_F11E);
    for round in 0..150 {
        // Damage one data row (not the header), keep the rest.
        let index = 1 + random.below(rows.len() - 1);
        let mut damaged = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            match i == index {
                true => damaged.extend(mutate(row.as_bytes(), &mut random)),
                false => damaged.extend_from_slice(row.as_bytes()),
            }
            damaged.push(b'\n');
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let cases = waymark_run::csv::read_cases(&damaged, Some(facts.as_bytes()))
                .expect("the header is intact");
            cases.all(&plan).iter().filter(|case| case.is_ok()).count()
        }));
        match outcome {
            // The damaged row's case, and a case its damage may have renamed or joined.
            Ok(good) => assert!(good >= 58, "round {round}: only {good} cases read"),
            Err(_) => panic!(
                "a damaged CSV row panicked (round {round}): {}",
                String::from_utf8_lossy(&damaged)
            ),
        }
    }
}
