//! Sign-offs (`approved by ROLE`) and work every named role must record (`by a and b`), end to
//! end: what `run` prints of them in every format, case records in CSV, the drawings, and what
//! `diff` says of adding them, with their effect on cases. `tests/run/signoff/` holds the
//! procedure and cases (its table and JSON are snapshotted with every run fixture);
//! `tests/diff/signoff_and_joint_work/` the two versions.

use crate::cli::waymark;

const PROCEDURE: &str = "tests/run/signoff/procedure.wm";
const CASES: &str = "tests/run/signoff/cases.jsonl";

fn run(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["run", PROCEDURE, CASES, "--as-of", "2026-06-10"];
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

fn row<'a>(cases: &'a [serde_json::Value], case: &str, step: &str) -> &'a serde_json::Value {
    let case = cases.iter().find(|c| c["case"] == case).unwrap();
    let rows = case["steps"].as_array().unwrap();
    rows.iter().find(|row| row["step"] == step).unwrap()
}

/// The hand-worked expectations: the heads are told on the day of the last one told; a
/// request needs a team manager's sign-off.
#[test]
fn run_reports_missing_roles_and_sign_offs() {
    let cases = json_cases();
    // Both heads told on 1 June: done that day, and no `repeated` for the second record.
    let all_done = row(&cases, "all_done", "heads_notified");
    assert_eq!(all_done["status"], "met");
    assert_eq!(all_done["done"], "2026-06-01");
    assert_eq!(row(&cases, "all_done", "request")["approval"], "recorded");
    let all_done_case = cases.iter().find(|c| c["case"] == "all_done").unwrap();
    assert_eq!(all_done_case["deviations"], serde_json::json!([]));
    // Only the Head of Service told: overdue, awaiting the Service Manager.
    let one = row(&cases, "one_head_told", "heads_notified");
    assert_eq!(one["status"], "overdue");
    assert_eq!(one["awaiting"], serde_json::json!(["service_manager"]));
    // The second head told on the Monday after a Friday meeting: late, done that Monday, and
    // the request's own clock still counts from the meeting.
    let late = row(&cases, "second_head_late", "heads_notified");
    assert_eq!(
        (&late["status"], &late["done"]),
        (&"late".into(), &"2026-06-08".into())
    );
    // Done without a sign-off: still met, but `approval` missing and a deviation.
    let unsigned = row(&cases, "not_signed_off", "request");
    assert_eq!(
        (&unsigned["status"], &unsigned["approval"]),
        (&"met".into(), &"missing".into())
    );
    let case = cases
        .iter()
        .find(|c| c["case"] == "not_signed_off")
        .unwrap();
    assert_eq!(case["deviations"][0]["kind"], "not_approved");
    assert_eq!(case["fit"], 0.75);
    // A sign-off by a role the procedure does not name does not count, and is warned about.
    let wrong = cases
        .iter()
        .find(|c| c["case"] == "signed_by_the_wrong_role")
        .unwrap();
    assert!(
        wrong["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`head_of_service`, who may not sign it off"),
        "{wrong}"
    );
    // Rows of steps without either construct keep exactly the keys they had.
    let plain = row(&cases, "all_done", "strategy");
    let keys: Vec<&String> = plain.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["done", "due", "status", "step", "target"]);
}

#[test]
fn csv_summary_and_explain_say_it_too() {
    let (code, csv, _) = run(&["--format", "csv"]);
    assert_eq!(code, 1, "one case names an unknown approver");
    let (_, summary_json, _) = run(&["--summary", "--format", "json"]);
    let (_, summary_table, _) = run(&["--summary"]);
    let mut explained = String::new();
    for case in ["one_head_told", "not_signed_off", "all_done"] {
        let (code, stdout, stderr) = run(&["--explain", case]);
        assert_eq!(code, 0, "{stderr}");
        explained.push_str(&stdout);
    }
    assert!(csv.contains("awaiting service_manager"), "{csv}");
    assert!(csv.contains(",not_approved\n"), "{csv}");
    assert!(
        summary_json.contains("\"not_approved\":2"),
        "{summary_json}"
    );
    assert!(explained.contains("sign-off: none recorded"), "{explained}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(
            "signoff__run_outputs",
            format!("---- csv\n{csv}---- --summary json\n{summary_json}---- --summary\n{summary_table}---- --explain\n{explained}")
        );
    });
}

/// A case system's CSV export carries the sign-off in an `approved_by` column; a file without
/// the column reads as before.
#[test]
fn csv_cases_carry_the_sign_off_in_a_column() {
    let folder = crate::run::temp_folder("signoff_csv");
    let events = folder.join("events.csv");
    std::fs::write(
        &events,
        "case,step,on,by,approved_by\n\
         A,strategy,2026-06-01,manager,\n\
         A,heads_notified,2026-06-01,head_of_service,\n\
         A,heads_notified,2026-06-02,service_manager,\n\
         A,request,2026-06-02,social_worker,manager\n\
         B,strategy,2026-06-01,manager,\n\
         B,request,2026-06-02,social_worker,\n",
    )
    .unwrap();
    let events = events.to_str().unwrap();
    let (code, stdout, stderr) = waymark(&[
        "run",
        PROCEDURE,
        events,
        "--as-of",
        "2026-06-10",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let cases: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(row(&cases, "A", "heads_notified")["status"], "late");
    assert_eq!(row(&cases, "A", "request")["approval"], "recorded");
    assert_eq!(row(&cases, "B", "request")["approval"], "missing");
    assert_eq!(
        row(&cases, "B", "heads_notified")["awaiting"],
        serde_json::json!(["head_of_service", "service_manager"])
    );
}

#[test]
fn every_drawing_shows_the_sign_off_and_both_roles() {
    for format in ["mermaid", "dot", "svg", "bpmn"] {
        let (code, stdout, stderr) = waymark(&["export", PROCEDURE, "--to", format]);
        assert_eq!(code, 0, "{format}: {stderr}");
        // Lines are wrapped to fit the boxes: look for the words up to where a line may break.
        assert!(
            stdout.contains("approved by Team"),
            "{format} lacks the sign-off"
        );
        assert!(
            stdout.contains("by Head of Service and"),
            "{format} lacks the joint rule"
        );
    }
    let (_, bpmn, _) = waymark(&["export", PROCEDURE, "--to", "bpmn"]);
    assert!(
        bpmn.contains(r#"name="approved by" value="manager""#),
        "{bpmn}"
    );
}

#[test]
fn diff_reports_the_constructs_and_their_effect_on_cases() {
    let dir = "tests/diff/signoff_and_joint_work";
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
        "2026-06-10",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("approval added"), "{stdout}");
    assert!(
        stdout.contains("request: new deviation, not_approved"),
        "{stdout}"
    );
    assert!(
        stdout.contains("heads_notified: met -> overdue"),
        "{stdout}"
    );
    // And back: the approval removed.
    let (_, back, _) = waymark(&["diff", &new, &old]);
    assert!(back.contains("approval removed"), "{back}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("signoff__diff_cases", stdout);
    });
}

/// Policy tests: expectations of a sign-off (`approval recorded|missing`) and of the roles a
/// step awaits (`awaiting ROLE`, `awaiting nobody`), and their misuse, coded.
#[test]
fn policy_tests_expect_sign_offs_and_awaited_roles() {
    let (code, stdout, stderr) = waymark(&["test", "tests/policy/signoff.wmtest"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("4 passed, 0 failed, 0 errors"), "{stdout}");
    let (code, stdout, stderr) = waymark(&["test", "tests/policy/signoff_misuse.wmtest"]);
    assert_eq!(code, 1);
    for code in ["WM0712", "WM0713", "WM0707", "WM0706"] {
        assert!(stderr.contains(code), "{code} missing:\n{stderr}");
    }
    assert!(
        stdout.contains("it awaits service_manager"),
        "a wrong `awaiting` fails and says why: {stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("signoff__policy_misuse", format!("{stdout}---- stderr\n{stderr}"));
    });
}
