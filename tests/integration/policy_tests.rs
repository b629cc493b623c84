//! `waymark test`: the shipped tests pass and cover every deadline rule, decision and
//! checkpoint; a failing test says what was expected, what happened and which procedure line
//! decided it; a bad test file gets coded diagnostics; `waymark diff --tests` names the
//! expectations a draft breaks.

use crate::cli::waymark;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// A folder of its own under Cargo's test folder, holding a copy of `recording.wm` and the
/// given test file.
fn folder_with(name: &str, test_file: &str) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("policy-{name}"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy("procedures/recording.wm", folder.join("recording.wm")).unwrap();
    std::fs::write(folder.join("visits.wmtest"), test_file).unwrap();
    folder
}

#[test]
fn the_shipped_tests_pass() {
    let (code, stdout, stderr) = waymark(&["test"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("test result: ok.") && last.ends_with("0 failed, 0 errors, in 12 files"),
        "{last}"
    );
}

/// Every deadline line (`due`, `target`, a checkpoint's `at`) of every shipped procedure
/// decided a passing expectation, every recurring obligation and checkpoint is named by one,
/// every decision is recorded with an outcome in some test, every sign-off (`approved by`) is
/// expected both recorded and missing, and every step all of whose roles must act (`by a and
/// b`) is expected to await one.
#[test]
fn the_shipped_tests_cover_every_rule_decision_and_checkpoint() {
    let (code, stdout, _) = waymark(&["test", "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut decided = BTreeSet::new();
    let mut named = BTreeSet::new();
    let mut expected_texts = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for test in file["tests"].as_array().unwrap() {
            for expectation in test["expectations"].as_array().unwrap() {
                assert_eq!(expectation["passed"], true);
                if let Some(rule) = expectation["decided_by"].as_object() {
                    let file = rule["file"].as_str().unwrap().to_string();
                    decided.insert((file, rule["line"].as_u64().unwrap() as usize));
                }
                let first = expectation["expected"].as_str().unwrap();
                expected_texts.push(first.to_string());
                named.insert(first.split([' ', '_']).next().unwrap().to_string());
                named.insert(first.split(' ').next().unwrap().to_string());
            }
        }
    }
    let tests_text: String = std::fs::read_dir("procedures")
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "wmtest"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir("procedures").unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "wm") {
            continue;
        }
        let name = path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut item = String::new();
        for (index, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["step" | "decision", step, ..] = words.as_slice() {
                item = step.to_string();
            }
            let expects = |what: &str| {
                expected_texts
                    .iter()
                    .any(|e| e.starts_with(&format!("{item} ")) && e.contains(what))
            };
            match words.as_slice() {
                ["approved", "by", ..]
                    if !expects("approval recorded") || !expects("approval missing") =>
                {
                    missing.push(format!(
                        "{name}:{}: the sign-off of {item} is not expected both recorded and missing",
                        index + 1
                    ));
                }
                // An extension applied and one refused, each expected of the step.
                ["extendable", ..] if !expects("extended to 2") || !expects("extended to none") => {
                    missing.push(format!(
                        "{name}:{}: no test expects {item} both extended and not",
                        index + 1
                    ));
                }
                ["by", roles @ ..]
                    if roles
                        .iter()
                        .take_while(|w| **w != "when")
                        .any(|w| *w == "and")
                        && !expects(" awaiting ") =>
                {
                    missing.push(format!(
                        "{name}:{}: no test expects {item} to await a role",
                        index + 1
                    ));
                }
                ["due" | "target" | "at", ..]
                    if line.starts_with("  ") && !decided.contains(&(name.clone(), index + 1)) =>
                {
                    missing.push(format!("{name}:{}: {}", index + 1, line.trim()));
                }
                ["recurring" | "checkpoint", step, ..] => {
                    let step = step.to_string();
                    if !named
                        .iter()
                        .any(|n| *n == step || n.starts_with(&format!("{step}_")))
                    {
                        missing.push(format!("{name}:{}: {step} is in no expectation", index + 1));
                    }
                }
                ["decision", step, ..] => {
                    let recorded = tests_text.lines().any(|l| {
                        l.trim().starts_with(&format!("record {step} ")) && l.contains(" outcome ")
                    });
                    if !recorded {
                        missing.push(format!(
                            "{name}:{}: decision {step} is recorded in no test",
                            index + 1
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not covered by a shipped test:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_failing_test_says_expected_actual_and_the_deciding_line() {
    let folder = folder_with(
        "failing",
        "tests \"recording.wm\"\n\
         test friday_visit \"A Friday visit\"\n\
         \x20 as of 2026-01-12\n\
         \x20 record visit on 2026-01-09 16:00\n\
         \x20 record visit_recorded on 2026-01-12 09:00\n\
         \x20 expect visit_recorded met due 2026-01-12\n\
         \x20 expect case closed at recorded\n\
         test on_time\n\
         \x20 as of 2026-01-07\n\
         \x20 record visit on 2026-01-05 10:00\n\
         \x20 expect visit_recorded pending due 2026-01-07\n",
    );
    let path = folder.join("visits.wmtest");
    let (code, stdout, stderr) = waymark(&["test", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("FAIL ")
            && lines[0].ends_with("visits.wmtest:2 friday_visit: A Friday visit"),
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        "  expected: visit_recorded met due 2026-01-12  (line 6)"
    );
    assert_eq!(
        lines[2],
        "  actually: `visit_recorded` is late (done 2026-01-12 09:00), due 2026-01-11 16:00, target 2026-01-10 16:00"
    );
    assert!(
        lines[3].starts_with("  decided by ")
            && lines[3].ends_with("recording.wm:34: due 48 hours after visit"),
        "{stdout}"
    );
    assert!(
        lines[4].starts_with("PASS ") && lines[4].contains("on_time (1 expectation)"),
        "{stdout}"
    );
    assert_eq!(
        lines[5],
        "test result: FAILED. 1 passed, 1 failed, 0 errors, in 1 file"
    );

    let (code, stdout, _) = waymark(&["test", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["summary"],
        serde_json::json!({"passed": 1, "failed": 1, "errors": 0})
    );
    let test = &report["files"][0]["tests"][0];
    assert_eq!(test["status"], "failed");
    assert_eq!(test["expectations"][0]["passed"], false);
    assert_eq!(test["expectations"][0]["decided_by"]["line"], 34);
    assert_eq!(test["expectations"][1]["passed"], true);
}

#[test]
fn a_bad_test_file_gets_coded_diagnostics_and_the_good_tests_still_run() {
    let (code, stdout, stderr) = waymark(&["test", "tests/policy/bad.wmtest"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    // WM0705 detail before any test, WM0706 unknown step with did-you-mean, WM0707 unknown
    // status, WM0701 unknown keyword, WM0703 bad date, WM0702 malformed record, WM0708 nothing
    // expected, WM0710 a second test of one name, WM0709 a waiver `waymark run` refuses, WM0702
    // an open case expected at an end.
    for code in [
        "WM0701", "WM0702", "WM0703", "WM0705", "WM0706", "WM0707", "WM0708", "WM0709", "WM0710",
    ] {
        assert!(stderr.contains(code), "{code} missing:\n{stderr}");
    }
    assert!(stderr.contains("did you mean `visit`?"), "{stderr}");
    assert!(stderr.contains("did you mean `overdue`?"), "{stderr}");
    assert!(stderr.contains("did you mean `expect`?"), "{stderr}");
    assert!(
        stderr.contains("a case that is open reached no end, so `at recorded` cannot hold"),
        "{stderr}"
    );
    assert!(
        stdout.contains("bad.wmtest:25 good (1 expectation)"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("test result: FAILED. 1 passed, 0 failed, 10 errors, in 1 file\n"),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("test__bad_file", format!("{stderr}\n{stdout}"));
    });
}

#[test]
fn a_test_file_without_a_usable_procedure_is_reported() {
    let folder = folder_with(
        "no-procedure",
        "test t\n  as of 2026-01-31\n  expect case open\n",
    );
    let (code, _, stderr) = waymark(&["test", folder.join("visits.wmtest").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("WM0704"), "{stderr}");

    let folder = folder_with("missing-procedure", "tests \"recordings.wm\"\n");
    let (code, _, stderr) = waymark(&["test", folder.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("WM0711") && stderr.contains("recordings.wm"),
        "{stderr}"
    );

    let (code, _, stderr) = waymark(&["test", "no/such/file.wmtest"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn diff_with_tests_names_the_expectations_a_draft_breaks() {
    let (code, stdout, stderr) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--tests",
        "procedures/assessment.wmtest",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("the new version breaks 9."), "{stdout}");
    assert!(
        stdout.contains(
            "BROKEN procedures/assessment.wmtest:43 completion_limits: assessment_complete pending due 2026-04-08"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  new: `assessment_complete` is pending, due 2026-03-30"),
        "{stdout}"
    );
    assert!(stdout.contains("decided by examples/assessment-amendment-draft.wm:97: due 3 working days after referral"), "{stdout}");

    let (code, stdout, _) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--tests",
        "procedures/assessment.wmtest",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["tests"]["broken"].as_array().unwrap().len(), 9);
    assert!(
        report["diff"].is_object() || report["diff"].is_array(),
        "{stdout}"
    );

    // A version compared with itself breaks nothing.
    let (code, stdout, _) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "procedures/assessment.wm",
        "--tests",
        "procedures/assessment.wmtest",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("the new version breaks 0."), "{stdout}");
}
