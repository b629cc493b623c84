//! Extensions of a deadline (`extendable by up to N UNIT with reason, approved by ROLE`), end to
//! end: what `run` prints of them in every format, extension records in CSV, the drawings, and
//! what `diff` says of changing the bound, with its effect on cases. `tests/run/extension/`
//! holds the procedure and cases (its table and JSON are snapshotted with every run fixture);
//! `tests/diff/extension_*` the versions compared.

use crate::cli::waymark;

const PROCEDURE: &str = "tests/run/extension/procedure.wm";
const CASES: &str = "tests/run/extension/cases.jsonl";

fn run(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["run", PROCEDURE, CASES, "--as-of", "2026-03-31"];
    args.extend_from_slice(extra);
    waymark(&args)
}

fn json_cases() -> Vec<serde_json::Value> {
    let (_, stdout, _) = run(&["--format", "json"]);
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn case<'a>(cases: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    cases.iter().find(|c| c["case"] == id).unwrap()
}

fn row<'a>(cases: &'a [serde_json::Value], id: &str, step: &str) -> &'a serde_json::Value {
    let rows = case(cases, id)["steps"].as_array().unwrap();
    rows.iter().find(|row| row["step"] == step).unwrap()
}

/// The hand-worked expectations. A referral on Monday 5 January 2026: the assessment is due on
/// Monday 9 March (45 working days), and 10 working days later is Monday 23 March.
#[test]
fn run_moves_the_due_date_within_the_bound_and_reports_the_rest() {
    let cases = json_cases();
    // Within the bound, approved, with a reason: done on 18 March, met by the extended date,
    // and late by the date as written, which the row still says.
    let within = row(&cases, "within_bound", "assessment_complete");
    assert_eq!(within["status"], "met");
    assert_eq!(within["due"], "2026-03-09");
    assert_eq!(within["extended_due"], "2026-03-23");
    assert_eq!(within["extended_by"], "10 working days");
    assert_eq!(within["unextended_status"], "late");
    assert_eq!(case(&cases, "within_bound")["fit"], 1.0);
    // Two extensions of 6: applied only up to the bound of 10, and the second is a deviation;
    // done on 25 March, after the bound's date: late.
    let past = row(&cases, "past_bound", "assessment_complete");
    assert_eq!(
        (&past["status"], &past["extended_due"]),
        (&"late".into(), &"2026-03-23".into())
    );
    assert_eq!(
        case(&cases, "past_bound")["deviations"][0]["kind"],
        "extension_over_bound"
    );
    // Without the manager's approval, or without a reason: not applied at all.
    for (id, kind) in [
        ("without_approval", "extension_not_approved"),
        ("without_reason", "extension_without_reason"),
    ] {
        let judged = row(&cases, id, "assessment_complete");
        assert_eq!(judged["status"], "late", "{id}");
        assert!(judged.get("extended_due").is_none(), "{id}: {judged}");
        assert_eq!(case(&cases, id)["deviations"][0]["kind"], kind);
    }
    // Extended and not done: pending by the extended date (8 April, over Easter), overdue by
    // the date as written; what is due next goes by the extended date.
    let open = row(&cases, "extended_and_open", "assessment_complete");
    assert_eq!(
        (&open["status"], &open["unextended_status"]),
        (&"pending".into(), &"overdue".into())
    );
    assert_eq!(open["extended_due"], "2026-04-08");
    assert_eq!(
        case(&cases, "extended_and_open")["next"]["due"],
        "2026-04-08"
    );
    // Rows of a case with no extension keep exactly the keys they had.
    let plain = row(&cases, "on_time", "initial_visit");
    let keys: Vec<&String> = plain.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["done", "due", "status", "step", "target"]);
    // Bad extension records are bad data, coded, and the other cases still run.
    let codes: Vec<&str> = ["bad_amount", "not_extendable"]
        .iter()
        .map(|id| case(&cases, id)["errors"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["WM0509", "WM0510"]);
}

#[test]
fn csv_summary_and_explain_say_it_too() {
    let (code, csv, _) = run(&["--format", "csv"]);
    assert_eq!(code, 1, "two cases have bad extension records");
    let (_, summary_json, _) = run(&["--summary", "--format", "json"]);
    let (_, summary_table, _) = run(&["--summary"]);
    let mut explained = String::new();
    for id in ["within_bound", "past_bound", "without_approval"] {
        let (code, stdout, stderr) = run(&["--explain", id]);
        assert_eq!(code, 0, "{stderr}");
        explained.push_str(&stdout);
    }
    assert!(
        csv.contains("extended by 10 working days, due 2026-03-23; without the extension: late"),
        "{csv}"
    );
    assert!(csv.contains(",extension_over_bound\n"), "{csv}");
    assert!(
        summary_json.contains("\"extension_not_approved\":1"),
        "{summary_json}"
    );
    assert!(
        explained.contains("applied only up to the bound"),
        "{explained}"
    );
    assert!(
        explained.contains("without the extension, by 2026-03-09: late"),
        "{explained}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(
            "extension__run_outputs",
            format!("---- csv\n{csv}---- --summary json\n{summary_json}---- --summary\n{summary_table}---- --explain\n{explained}")
        );
    });
}

/// A case system's CSV export carries an extension in an `extended_by` column (with `reason`
/// and `approved_by`); a file without the column reads as before.
#[test]
fn csv_cases_carry_the_extension_in_a_column() {
    let folder = crate::run::temp_folder("extension_csv");
    let events = folder.join("events.csv");
    std::fs::write(
        &events,
        "case,step,on,by,reason,approved_by,extended_by\n\
         A,referral,2026-01-05,,,,\n\
         A,initial_visit,2026-01-08,,,,\n\
         A,assessment_complete,2026-03-02,,\"an interpreter, booked for April\",manager,10 working days\n\
         A,assessment_complete,2026-03-18,social_worker,,,\n\
         B,referral,2026-01-05,,,,\n\
         B,assessment_complete,2026-03-02,,,manager,10\n",
    )
    .unwrap();
    let events = events.to_str().unwrap();
    let (code, stdout, stderr) = waymark(&[
        "run",
        PROCEDURE,
        events,
        "--as-of",
        "2026-03-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let cases: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(row(&cases, "A", "assessment_complete")["status"], "met");
    assert_eq!(
        row(&cases, "A", "assessment_complete")["extended_due"],
        "2026-03-23"
    );
    assert_eq!(row(&cases, "B", "assessment_complete")["status"], "overdue");
    assert_eq!(
        case(&cases, "B")["deviations"][0]["kind"],
        "extension_without_reason"
    );
}

#[test]
fn every_drawing_shows_the_extension() {
    for format in ["mermaid", "dot", "svg", "bpmn"] {
        let (code, stdout, stderr) = waymark(&["export", PROCEDURE, "--to", format]);
        assert_eq!(code, 0, "{format}: {stderr}");
        // Lines are wrapped to fit the boxes: look for the words up to where a line may break.
        assert!(
            stdout.contains("extendable by up to"),
            "{format} lacks the extension"
        );
    }
    let (_, bpmn, _) = waymark(&["export", PROCEDURE, "--to", "bpmn"]);
    assert!(
        bpmn.contains(r#"name="extension" value="extendable by up to 10 working days with reason, approved by manager""#),
        "{bpmn}"
    );
    let (_, mermaid, _) = waymark(&["export", PROCEDURE, "--to", "mermaid"]);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("extension__mermaid", mermaid);
    });
}

#[test]
fn diff_reports_the_bound_and_its_effect_on_cases() {
    let dir = "tests/diff/extension_bound";
    let (old, new, cases) = (
        format!("{dir}/old.wm"),
        format!("{dir}/new.wm"),
        format!("{dir}/cases.jsonl"),
    );
    let (code, stdout, stderr) = waymark(&[
        "diff",
        &old,
        &new,
        "--cases",
        &cases,
        "--as-of",
        "2026-03-31",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("extension changed"), "{stdout}");
    assert!(
        stdout.contains("assessment_complete: late -> met"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deviation gone, extension_over_bound"),
        "{stdout}"
    );
    // Added, and the other way round, removed.
    let added = (
        "tests/diff/extension_added/old.wm",
        "tests/diff/extension_added/new.wm",
    );
    let (_, forth, _) = waymark(&["diff", added.0, added.1]);
    assert!(forth.contains("extension added"), "{forth}");
    let (_, back, _) = waymark(&["diff", added.1, added.0]);
    assert!(back.contains("extension removed"), "{back}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("extension__diff_cases", stdout);
    });
}

/// Policy tests: records of an extension (`extended by N`) and expectations of the extended due
/// date (`extended to DATE|none`), and their misuse, coded.
#[test]
fn policy_tests_record_and_expect_extensions() {
    let (code, stdout, stderr) = waymark(&["test", "tests/policy/extension.wmtest"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 passed, 0 failed, 0 errors"), "{stdout}");
    let (code, stdout, stderr) = waymark(&["test", "tests/policy/extension_misuse.wmtest"]);
    assert_eq!(code, 1);
    for code in ["WM0715", "WM0702"] {
        assert!(stderr.contains(code), "{code} missing:\n{stderr}");
    }
    assert!(
        stdout.contains("extended to 2026-03-16"),
        "a wrong extended date fails and says the right one: {stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("extension__policy_misuse", format!("{stdout}---- stderr\n{stderr}"));
    });
}

/// Amounts a case system might write: each is a coded problem of its own case (never a panic),
/// and a case with a blank or null amount is a record of the step done, as in CSV.
#[test]
fn hostile_amounts_are_coded_problems_of_their_own_case() {
    let folder = crate::run::temp_folder("extension_hostile");
    let cases = folder.join("cases.jsonl");
    let values = [
        ("1e5", "WM0509"),
        ("-1", "WM0509"),
        ("1.5", "WM0509"),
        ("0", "WM0509"),
        ("99999999999", "WM0509"),
        ("\"10 weeks\"", "WM0509"),
        ("\"\\u0007 10\"", "WM0509"),
        ("{}", "WM0501"),
        ("[10]", "WM0501"),
        ("true", "WM0501"),
        ("null", ""),
        ("\"  \"", ""),
    ];
    let lines: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(n, (value, _))| {
            format!(
                r#"{{"case":"H{n}","events":[{{"step":"referral","on":"2026-01-05"}},{{"step":"assessment_complete","on":"2026-03-02","extended_by":{value},"reason":"r","approved_by":"manager"}}]}}"#
            )
        })
        .collect();
    std::fs::write(&cases, lines.join("\n")).unwrap();
    let (code, stdout, stderr) = waymark(&[
        "run",
        PROCEDURE,
        cases.to_str().unwrap(),
        "--as-of",
        "2026-03-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let reports: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(reports.len(), values.len());
    for (report, (value, code)) in reports.iter().zip(values) {
        let found = report["errors"][0]["code"].as_str().unwrap_or("");
        assert_eq!(found, code, "{value}: {report}");
    }
    // A bell in the amount is escaped where the message is shown.
    assert!(!stderr.contains('\u{7}'), "{stderr}");
}
