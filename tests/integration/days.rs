//! `waymark days`: plain answers for scripts, `--explain`, `between`, calendar files, bad input.

use crate::cli::waymark;
use std::path::PathBuf;

/// Writes `text` to a fresh file in Cargo's folder for test files (not the system temp folder,
/// which the tests would litter) and returns its path.
fn temp_file(name: &str, text: &str) -> String {
    let folder: PathBuf = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("waymark-days-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Runs `waymark days ARGS...`, expects success, and returns stdout.
fn days(args: &[&str]) -> String {
    let mut all = vec!["days"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = waymark(&all);
    assert_eq!(code, 0, "waymark {all:?}\nstderr: {stderr}");
    stdout
}

#[test]
fn plain_output_is_the_answer_alone() {
    assert_eq!(days(&["2025-12-01", "+45"]), "2026-02-05\n");
    assert_eq!(days(&["2026-03-27", "15"]), "2026-04-21\n");
    assert_eq!(days(&["2026-04-07", "-10"]), "2026-03-20\n");
    assert_eq!(days(&["2026-05-01", "-4w"]), "2026-04-03\n");
    assert_eq!(days(&["2026-05-01", "+3d"]), "2026-05-04\n");
    assert_eq!(days(&["2026-01-31", "+1m"]), "2026-02-28\n");
    assert_eq!(days(&["2026-03-07", "+0"]), "2026-03-09\n");
    // Back no working days from a Saturday, and from Christmas Day: the working day before.
    assert_eq!(days(&["2026-03-07", "-0"]), "2026-03-06\n");
    assert_eq!(days(&["2025-12-25", "-0"]), "2025-12-24\n");
    assert_eq!(days(&["2026-03-09", "-0"]), "2026-03-09\n");
}

#[test]
fn between_counts_working_days_after_the_first_date() {
    assert_eq!(days(&["between", "2026-01-05", "2026-03-02"]), "40\n");
    assert_eq!(days(&["between", "2026-03-02", "2026-01-05"]), "-40\n");
    // Consistent with adding: 45 working days after 1 December 2025 is 5 February 2026.
    assert_eq!(days(&["between", "2025-12-01", "2026-02-05"]), "45\n");
}

#[test]
fn built_in_calendars_differ() {
    // Easter Monday is not a bank holiday in Scotland.
    assert_eq!(
        days(&["2026-03-27", "+15", "--calendar", "scotland"]),
        "2026-04-20\n"
    );
    // St Patrick's Day (Tuesday 17 March 2026) is one in Northern Ireland.
    assert_eq!(days(&["2026-03-16", "+1"]), "2026-03-17\n");
    assert_eq!(
        days(&["2026-03-16", "+1", "--calendar", "northern-ireland"]),
        "2026-03-18\n"
    );
}

#[test]
fn explain_lists_the_days_skipped_with_names() {
    let stdout = days(&["2025-12-01", "+45", "--explain"]);
    assert!(
        stdout.contains("2025-12-25  Thursday   Christmas Day"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2025-12-26  Friday     Boxing Day"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2026-01-01  Thursday   New Year's Day"),
        "{stdout}"
    );
    assert!(stdout.contains("2025-12-06  Saturday"), "{stdout}");
    assert!(
        stdout.contains("That is 18 weekend days and 3 bank holidays."),
        "{stdout}"
    );
    // The last line is still the bare answer.
    assert_eq!(stdout.lines().last(), Some("2026-02-05"), "{stdout}");

    let stdout = days(&["2026-05-01", "-4w", "--explain"]);
    assert!(
        stdout.contains("not a working day (Good Friday)"),
        "{stdout}"
    );

    let stdout = days(&["--explain", "between", "2026-03-27", "2026-04-10"]);
    assert!(stdout.contains("Easter Monday"), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("8"), "{stdout}");
}

#[test]
fn closures_file_adds_days_off() {
    let path = temp_file(
        "closures.txt",
        "# Office closures\n2025-12-29 to 2025-12-31  Christmas closure\n2026-01-02\n",
    );
    // Without closures: 29, 30, 31 December, 2 January, 5 January.
    assert_eq!(days(&["2025-12-24", "+5"]), "2026-01-05\n");
    assert_eq!(
        days(&["2025-12-24", "+5", "--calendar", &path]),
        "2026-01-09\n"
    );
    let stdout = days(&["2025-12-24", "+5", "--calendar", &path, "--explain"]);
    assert!(
        stdout.contains("2025-12-30  Tuesday    Christmas closure"),
        "{stdout}"
    );
    assert!(stdout.contains("and 4 closure days"), "{stdout}");
    // On top of Scotland, where 2 January is already a bank holiday.
    let scotland = days(&[
        "2025-12-24",
        "+5",
        "--calendar",
        "scotland",
        "--calendar",
        &path,
    ]);
    assert_eq!(scotland, "2026-01-09\n");
}

/// A closure on a Saturday changes no count: `days --explain` and `run --explain` both tally it
/// as a weekend day (they once differed, one calling it a closure day).
#[test]
fn a_closure_on_a_weekend_is_a_weekend_day_in_both_explanations() {
    // Saturday 7 March 2026 is a closure day; 5 working days after Wednesday 4 March is
    // Wednesday 11 March either way.
    let closures = temp_file("weekend-closure.txt", "2026-03-07  Saturday training day\n");
    let stdout = days(&["2026-03-04", "+5", "--calendar", &closures, "--explain"]);
    assert!(stdout.contains("That is 2 weekend days."), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("2026-03-11"), "{stdout}");
    let cases = temp_file(
        "weekend-closure.jsonl",
        r#"{"case":"W1","facts":{"threshold":"level3"},"events":[{"step":"referral","on":"2026-03-04","by":"front_door"}]}"#,
    );
    let (code, stdout, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &cases,
        "--as-of",
        "2026-03-05",
        "--calendar",
        &closures,
        "--explain",
        "W1",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let initial_visit = stdout
        .split("\n\n")
        .find(|part| part.starts_with("initial_visit"))
        .unwrap_or_default();
    assert!(
        initial_visit.contains("skipped: 2 weekend days\n"),
        "{initial_visit}"
    );
    assert!(
        initial_visit.contains("limit 2026-03-11"),
        "{initial_visit}"
    );
}

#[test]
fn govuk_file_with_a_division() {
    let json = r#"{"england-and-wales":{"division":"england-and-wales","events":[
        {"title":"New Year’s Day","date":"2026-01-01","notes":"","bunting":true}]},
      "scotland":{"division":"scotland","events":[
        {"title":"New Year’s Day","date":"2026-01-01","notes":"","bunting":true},
        {"title":"2nd January","date":"2026-01-02","notes":"","bunting":true}]}}"#;
    let path = temp_file("bank-holidays.json", json);
    assert_eq!(
        days(&["2025-12-31", "+1", "--calendar", &path]),
        "2026-01-02\n"
    );
    let scotland = format!("{path}#scotland");
    assert_eq!(
        days(&["2025-12-31", "+1", "--calendar", &scotland]),
        "2026-01-05\n"
    );
}

#[test]
fn bad_calendar_files_point_at_the_line() {
    let path = temp_file(
        "bad-closures.txt",
        "2025-12-24  fine\n24/12/2025  Christmas Eve\n",
    );
    let (code, stdout, stderr) = waymark(&["days", "2025-12-01", "+1", "--calendar", &path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("WM0401"), "{stderr}");
    assert!(stderr.contains("bad-closures.txt:2:1"), "{stderr}");

    let json = temp_file(
        "bad.json",
        "{\"england-and-wales\": {\"events\": [\n{\"title\": \"x\", \"date\": \"2026-02-30\"}]}}",
    );
    let (code, _, stderr) = waymark(&["days", "2025-12-01", "+1", "--calendar", &json]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0402"), "{stderr}");
    assert!(stderr.contains("bad.json:2:"), "{stderr}");
    assert!(stderr.contains("February 2026 has 28 days"), "{stderr}");
}

#[test]
fn bad_input_is_a_usage_error() {
    for (args, expected) in [
        (&["2026-02-30", "+4"][..], "February 2026 has 28 days"),
        (&["2026/02/03", "+4"], "not a date written YYYY-MM-DD"),
        (&["2026-02-03", "+x"], "`+x` is not an amount"),
        (&["2026-02-03"], "needs an amount"),
        (&["between", "2026-02-03"], "`between` needs two dates"),
        (&["2150-01-01", "+1"], "WM0404"),
        (&["2100-12-30", "+5"], "WM0404"),
        (
            &["2026-02-03", "+1", "--calendar", "scotand"],
            "did you mean `scotland`?",
        ),
        (
            &["2026-02-03", "+1", "--calendar", "no/such/file.json"],
            "no such file",
        ),
        (
            &[
                "2026-02-03",
                "+1",
                "--calendar",
                "scotland",
                "--calendar",
                "england-and-wales",
            ],
            "two calendars",
        ),
    ] {
        let mut all = vec!["days"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = waymark(&all);
        assert_eq!(code, 2, "waymark {all:?}\nstderr: {stderr}");
        assert!(stdout.is_empty(), "waymark {all:?}\nstdout: {stdout}");
        assert!(
            stderr.contains(expected),
            "waymark {all:?}\nstderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn unknown_division_is_wm0403() {
    let path = temp_file("divisions.json", r#"{"england-and-wales":{"events":[]}}"#);
    let (code, _, stderr) = waymark(&[
        "days",
        "2026-02-03",
        "+1",
        "--calendar",
        &format!("{path}#wales"),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("WM0403"), "{stderr}");
}

#[test]
fn computed_years_warn_but_still_answer() {
    let (code, stdout, stderr) = waymark(&["days", "2031-02-03", "+4"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "2031-02-07\n");
    assert!(stderr.contains("WM0405"), "{stderr}");
    let (_, _, quiet) = waymark(&["days", "2026-02-03", "+4"]);
    assert!(quiet.is_empty(), "{quiet}");
}

#[test]
fn help_teaches_with_examples() {
    let (code, stdout, _) = waymark(&["days", "--help"]);
    assert_eq!(code, 0);
    for example in [
        "waymark days 2025-12-01 +45",
        "between",
        "--calendar",
        "closures.txt",
    ] {
        assert!(stdout.contains(example), "{stdout}");
    }
}
