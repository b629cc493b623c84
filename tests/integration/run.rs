//! `waymark run`: every folder in `tests/run/` is run as its `args` file says (`{dir}` is the
//! folder), and the command, exit code, standard error, table and JSON Lines are kept as one
//! reviewed snapshot. Then the things a snapshot cannot show: the hand-worked expectations of
//! `examples/README.md`, the same bytes on one thread and on two, `-o` writing whole files,
//! standard input, exit codes, and generated caseloads that always run clean.

use crate::cli::waymark;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const FIXTURES: &str = "tests/run";

fn fixture_folders() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    folders
}

/// The arguments after `waymark run` for a fixture folder.
fn fixture_args(name: &str) -> Vec<String> {
    let folder = format!("{FIXTURES}/{name}");
    let args = std::fs::read_to_string(format!("{}/{folder}/args", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{folder}/args: {e}"));
    args.split_whitespace()
        .map(|arg| arg.replace("{dir}", &folder))
        .collect()
}

fn run(args: &[String], extra: &[&str]) -> (i32, String, String) {
    let mut all = vec!["run"];
    all.extend(args.iter().map(String::as_str));
    all.extend_from_slice(extra);
    waymark(&all)
}

#[test]
fn every_fixture_is_snapshotted() {
    let folders = fixture_folders();
    assert!(folders.len() >= 8, "{folders:?}");
    for name in folders {
        let args = fixture_args(&name);
        let (code, table, stderr) = run(&args, &["--format", "table"]);
        let (json_code, json, _) = run(&args, &["--format", "json"]);
        assert_eq!(code, json_code, "{name}");
        let snapshot = format!(
            "$ waymark run {}\nexit {code}\n---- stderr\n{stderr}---- table\n{table}---- json\n{json}",
            args.join(" ")
        );
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("run__{name}"), snapshot);
        });
    }
}

/// The caseload summary and the CSV output of the shipped examples.
#[test]
fn summary_and_csv_are_snapshotted() {
    let args = fixture_args("examples_assessment");
    let (code, summary, _) = run(&args, &["--summary", "--format", "json"]);
    assert_eq!(code, 1, "the examples hold five bad lines");
    let (_, csv, _) = run(&fixture_args("examples_csv"), &["--format", "csv"]);
    let (_, csv_summary, csv_summary_stderr) = run(
        &fixture_args("examples_csv"),
        &["--summary", "--format", "csv"],
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("run__summary_json", summary);
        insta::assert_snapshot!(
            "run__csv_output",
            format!("{csv}---- --summary\n{csv_summary}---- its standard error\n{csv_summary_stderr}")
        );
    });
}

#[test]
fn explain_shows_how_due_dates_were_reached() {
    for case in [
        "C011",
        "C020",
        "R004",
        "D2",
        "D4",
        "REVIEW_SHOWS_THE_STAGE",
        "CLOSED_EARLY",
    ] {
        let args = match case {
            "CLOSED_EARLY" => fixture_args("checkpoints_not_needed"),
            "R004" => fixture_args("examples_recording"),
            "REVIEW_SHOWS_THE_STAGE" => fixture_args("recurring_after_a_gap"),
            "D2" | "D4" => fixture_args("deviations"),
            _ => fixture_args("examples_assessment"),
        };
        let (code, stdout, stderr) = run(&args, &["--explain", case]);
        assert_eq!(code, 0, "{stderr}");
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("run__explain_{case}"), stdout);
        });
    }
    // Read strictly, the explanation starts where the case left its procedure.
    let (code, stdout, stderr) = run(&fixture_args("strict"), &["--explain", "D2"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("Read strictly, the case left the procedure at `initial_visit` (line 2)"),
        "{stdout}"
    );
    let (code, _, stderr) = run(&fixture_args("examples_assessment"), &["--explain", "C999"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no case `C999`"), "{stderr}");
    let (code, _, stderr) = run(&fixture_args("examples_assessment"), &["--explain", "BAD2"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("2026-02-30"), "{stderr}");
    // The explanation is text: asking for JSON or a summary with it is refused, not ignored.
    for other in [&["--format", "json"][..], &["--summary"]] {
        let extra = [&["--explain", "C001"][..], other].concat();
        let (code, stdout, stderr) = run(&fixture_args("examples_assessment"), &extra);
        assert_eq!(code, 2, "{other:?}: {stderr}");
        assert!(stdout.is_empty(), "{other:?}: {stdout}");
        assert!(
            stderr.contains("cannot be used with"),
            "{other:?}: {stderr}"
        );
    }
}

/// Any-of work: why a piece is not needed, in words, and the `not_needed` column of a summary.
#[test]
fn any_of_work_is_explained_and_summarised() {
    let args = fixture_args("any_of");
    let (code, explained, stderr) = run(&args, &["--explain", "one_piece"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        explained
            .contains("lawyer_invited \"Legal representative invited to the strategy meeting\" (")
            && explained.contains("): not_needed\n  not needed: `legal_planning` needs any one of"),
        "{explained}"
    );
    let (_, csv, _) = run(&args, &["--summary", "--format", "csv"]);
    let (_, table, _) = run(&args, &["--summary"]);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("run__explain_any_of", explained);
        insta::assert_snapshot!("run__summary_any_of", format!("{table}---- csv\n{csv}"));
    });
}

/// One case of `--format json` output, by id.
fn json_case(lines: &str, id: &str) -> serde_json::Value {
    lines
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|case| case["case"] == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

fn step<'a>(case: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    case["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {}", case["case"]))
}

/// `(status, due, done)` of each row of `step` in one case of `--format json` output, `-`
/// for a date that is `null`.
fn status_due_done(lines: &str, id: &str, step: &str) -> Vec<(String, String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap_or("-").to_string();
    json_case(lines, id)["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["step"] == step)
        .map(|row| (text(&row["status"]), text(&row["due"]), text(&row["done"])))
        .collect()
}

/// The expectations written by hand in `examples/README.md`, as of 2026-06-30.
#[test]
fn shipped_examples_agree_with_their_readme() {
    let (code, json, stderr) = run(&fixture_args("examples_assessment"), &["--format", "json"]);
    assert_eq!(code, 1);
    for bad in ["BAD1", "BAD2", "BAD3", "BAD4", "BAD5"] {
        assert_eq!(json_case(&json, bad)["state"], "error", "{bad}");
        assert!(stderr.contains(&format!("case {bad}, line ")), "{stderr}");
    }
    let status = |id: &str, name: &str| step(&json_case(&json, id), name)["status"].clone();
    let at_end = |id: &str| json_case(&json, id)["end"].clone();
    // C001: review 30 not needed, the assessment completed first.
    assert_eq!(status("C001", "review_30"), "not_applicable");
    // C003: misses the 30-day target, meets the 45-day limit; reviews met.
    let c003 = json_case(&json, "C003");
    assert_eq!(step(&c003, "assessment_complete")["status"], "met");
    assert_eq!(step(&c003, "assessment_complete")["target_met"], false);
    for review in ["review_5", "review_15", "review_30"] {
        assert_eq!(step(&c003, review)["status"], "met");
    }
    // C005: Section 47, risk ongoing, ICPC on time.
    assert_eq!(at_end("C005"), "conference_held");
    assert_eq!(step(&json_case(&json, "C005"), "icpc")["due"], "2026-02-16");
    assert_eq!(at_end("C006"), "child_in_need_support");
    assert_eq!(at_end("C007"), "assessment_of_need_continues");
    assert_eq!(at_end("C008"), "section17_support");
    assert_eq!(at_end("C009"), "child_protected");
    assert_eq!(status("C009", "shared_with_family"), "waived");
    // Pre-birth: the 4-weeks-before date governs when earlier.
    let c010 = json_case(&json, "C010");
    assert_eq!(step(&c010, "assessment_complete")["due"], "2026-03-23");
    assert_eq!(step(&c010, "assessment_complete")["status"], "met");
    let c011 = step(&json_case(&json, "C011"), "assessment_complete").clone();
    assert_eq!(c011["due"], "2026-04-13");
    assert_eq!(c011["status"], "late");
    assert_eq!(c011["reason_recorded"], false);
    // Its target (30 working days, 2026-04-15) falls after the limit it missed: not met.
    assert_eq!(c011["target"], "2026-04-15");
    assert_eq!(c011["target_met"], false);
    assert_eq!(
        step(&json_case(&json, "C021"), "assessment_complete")["due"],
        "2026-03-09"
    );
    // Late with and without a reason.
    assert_eq!(
        step(&json_case(&json, "C012"), "assessment_complete")["reason_recorded"],
        true
    );
    let c013 = step(&json_case(&json, "C013"), "assessment_complete").clone();
    assert_eq!(
        (c013["status"].clone(), c013["reason_recorded"].clone()),
        ("late".into(), false.into())
    );
    assert_eq!(status("C014", "child_seen_alone"), "waived");
    // C015: open, nothing overdue; review 15 is next.
    let c015 = json_case(&json, "C015");
    assert_eq!(c015["state"], "open");
    assert_eq!(c015["next"]["step"], "review_15");
    assert_eq!(c015["next"]["due"], "2026-07-06");
    assert_eq!(step(&c015, "assessment_complete")["due"], "2026-08-17");
    assert!(
        c015["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["status"] != "overdue")
    );
    // C016: stalled.
    assert_eq!(status("C016", "review_30"), "overdue");
    assert_eq!(
        step(&json_case(&json, "C016"), "review_30")["due"],
        "2026-04-15"
    );
    assert_eq!(status("C016", "assessment_complete"), "overdue");
    assert_eq!(status("C017", "review_15"), "overdue");
    assert_eq!(status("C017", "review_30"), "late");
    assert_eq!(status("C018", "initial_visit"), "late");
    assert_eq!(
        step(&json_case(&json, "C018"), "initial_visit")["due"],
        "2026-04-10"
    );
    let c019 = json_case(&json, "C019");
    assert!(
        c019["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("role not allowed")
    );
    let c020 = json_case(&json, "C020");
    assert_eq!(step(&c020, "icpc")["status"], "late");
    assert_eq!(step(&c020, "icpc")["due"], "2026-06-09");
    assert_eq!(step(&c020, "s47_child_seen_alone")["status"], "waived");
    // The request to convene was signed off for C005 and D002, not for C020.
    assert_eq!(step(&c020, "icpc")["approval"], "missing");
    assert_eq!(c020["deviations"][0]["kind"], "not_approved");
    assert_eq!(
        step(&json_case(&json, "C005"), "icpc")["approval"],
        "recorded"
    );
    let c022 = json_case(&json, "C022");
    assert_eq!(c022["state"], "open");
    assert_eq!(c022["next"]["due"], "2026-07-06");

    let (_, csv_json, _) = run(&fixture_args("examples_csv"), &["--format", "json"]);
    assert_eq!(
        step(&json_case(&csv_json, "D002"), "icpc")["due"],
        "2026-05-01"
    );
    assert_eq!(
        step(&json_case(&csv_json, "D002"), "icpc")["approval"],
        "recorded"
    );
    let d003 = json_case(&csv_json, "D003");
    assert_eq!(step(&d003, "assessment_complete")["status"], "overdue");
    assert_eq!(step(&d003, "assessment_complete")["due"], "2026-06-22");
    assert_eq!(step(&d003, "review_15")["status"], "overdue");
    let d004 = step(&json_case(&csv_json, "D004"), "assessment_complete").clone();
    assert_eq!(
        (d004["status"].clone(), d004["reason_recorded"].clone()),
        ("late".into(), true.into())
    );

    let (_, recording, _) = run(&fixture_args("examples_recording"), &["--format", "json"]);
    let visit = |id: &str| step(&json_case(&recording, id), "visit_recorded").clone();
    assert_eq!(visit("R001")["status"], "met");
    assert_eq!(visit("R002")["target_met"], false);
    assert_eq!(visit("R002")["status"], "met");
    assert_eq!(visit("R003")["status"], "late");
    assert_eq!(visit("R004")["status"], "pending");
    assert_eq!(visit("R004")["due_at"], "2026-07-01T15:00");
    // docs/cases.md shows R004's line exactly as it is printed.
    let docs = std::fs::read_to_string("docs/cases.md").unwrap();
    let r004 = recording
        .lines()
        .find(|line| line.contains("\"R004\""))
        .unwrap();
    assert!(docs.contains(r004), "docs/cases.md should show:\n{r004}");
}

pub(crate) fn temp_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("waymark-run-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Generated cases for the shipped assessment procedure, from the library's generator.
pub(crate) fn generated_cases(count: u64) -> String {
    generated_cases_with(count, waymark_run::generate::Records::Realistic)
}

fn generated_cases_with(count: u64, records: waymark_run::generate::Records) -> String {
    let text = std::fs::read_to_string("procedures/assessment.wm").unwrap();
    let mut sources = waymark_diagnostics::Sources::new();
    let file = sources.add("procedures/assessment.wm", text.clone());
    struct Files<'s>(&'s mut waymark_diagnostics::Sources);
    impl waymark_compile::Loader for Files<'_> {
        fn load(
            &mut self,
            _: waymark_diagnostics::FileId,
            path: &str,
        ) -> Result<(waymark_diagnostics::FileId, String), String> {
            let full = format!("procedures/{path}");
            let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
            Ok((self.0.add(full, text.clone()), text))
        }
    }
    let checked = waymark_check::check_text(
        file,
        &text,
        &mut Files(&mut sources),
        &waymark_check::CheckOptions::default(),
    );
    let procedure = checked.procedure.unwrap();
    let plan = waymark_run::Plan::new(&procedure, waymark_calendar::default_calendar());
    waymark_run::generate::cases_with(&plan, 7, 0, count, records)
}

fn run_with_threads(threads: &str, args: &[&str]) -> (i32, Vec<u8>) {
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("run")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (output.status.code().unwrap_or(-1), output.stdout)
}

#[test]
fn output_is_the_same_bytes_on_one_thread_and_on_two() {
    let folder = temp_folder("threads");
    let cases = folder.join("cases.jsonl");
    std::fs::write(&cases, generated_cases(12_000)).unwrap();
    let path = cases.to_string_lossy().into_owned();
    for format in ["json", "csv", "table"] {
        let args = [
            "procedures/assessment.wm",
            &path,
            "--as-of",
            "2026-06-30",
            "--format",
            format,
        ];
        let (code_one, one) = run_with_threads("1", &args);
        let (code_two, two) = run_with_threads("2", &args);
        let (_, again) = run_with_threads("2", &args);
        assert_eq!((code_one, code_two), (0, 0), "generated cases are all good");
        assert!(
            one == two && two == again,
            "{format} output differs between runs"
        );
    }
    std::fs::remove_dir_all(&folder).unwrap();
}

/// What a generated caseload gives: cases per state, the statuses seen, cases per deviation
/// kind, and cases that fit.
#[derive(Default, Debug)]
struct Caseload {
    states: std::collections::BTreeMap<String, usize>,
    statuses: std::collections::BTreeSet<String>,
    deviations: std::collections::BTreeMap<String, usize>,
    fitting: usize,
}

fn run_generated(name: &str, text: &str) -> Caseload {
    let folder = temp_folder(name);
    let cases = folder.join("cases.jsonl");
    std::fs::write(&cases, text).unwrap();
    let path = cases.to_string_lossy().into_owned();
    let (code, json, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &path,
        "--as-of",
        "2027-06-30",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "generated cases are never bad data: {stderr}");
    let mut caseload = Caseload::default();
    for line in json.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        *caseload
            .states
            .entry(case["state"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
        for row in case["steps"].as_array().unwrap() {
            caseload
                .statuses
                .insert(row["status"].as_str().unwrap().to_string());
        }
        let deviations = case["deviations"].as_array().unwrap();
        let kinds: std::collections::BTreeSet<&str> = deviations
            .iter()
            .map(|d| d["kind"].as_str().unwrap())
            .collect();
        for kind in kinds {
            *caseload.deviations.entry(kind.to_string()).or_insert(0) += 1;
        }
        caseload.fitting += usize::from(deviations.is_empty());
        assert_eq!(deviations.is_empty(), case["fit"] == 1.0, "{line}");
    }
    std::fs::remove_dir_all(&folder).unwrap();
    caseload
}

#[test]
fn generated_cases_run_clean_and_never_leave_the_procedure() {
    let text = generated_cases(3_000);
    let caseload = run_generated("generated", &text);
    assert_eq!(caseload.states.get("left"), None, "{caseload:?}");
    assert!(
        caseload.states["closed"] > 2_000 && caseload.states["open"] > 100,
        "{caseload:?}"
    );
    let all = [
        "late",
        "met",
        "not_applicable",
        "not_needed",
        "not_recorded",
        "overdue",
        "pending",
        "waived",
    ];
    assert_eq!(caseload.statuses.iter().collect::<Vec<_>>(), all);
    // Realistic records: 10-30% of cases miss an intermediate step, and every kind of
    // deviation turns up.
    let gaps = caseload.deviations["not_recorded"] as f64 / 3_000.0;
    assert!((0.10..=0.30).contains(&gaps), "{caseload:?}");
    for kind in ["out_of_order", "unexpected", "repeated", "after_end"] {
        assert!(
            caseload.deviations.get(kind).is_some_and(|n| *n >= 10),
            "{kind}: {caseload:?}"
        );
    }
    assert!(
        caseload.fitting > 1_500,
        "most cases still fit: {caseload:?}"
    );
    // The generator is deterministic: the same seed gives the same text.
    assert_eq!(text, generated_cases(3_000));
}

#[test]
fn generated_cases_can_fit_exactly() {
    let text = generated_cases_with(3_000, waymark_run::generate::Records::Fitting);
    let caseload = run_generated("fitting", &text);
    assert_eq!(caseload.fitting, 3_000, "{caseload:?}");
    assert!(caseload.deviations.is_empty(), "{caseload:?}");
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let folder = temp_folder("output");
    let report = folder.join("report.jsonl");
    let report_path = report.to_string_lossy().into_owned();
    let mut args: Vec<String> = fixture_args("examples_assessment");
    args.extend(["--format", "json", "-o", &report_path].map(String::from));
    let (code, stdout, _) = run(&args, &[]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "", "the report goes to the file");
    let (_, expected, _) = run(&fixture_args("examples_assessment"), &["--format", "json"]);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), expected);
    let missing = folder.join("no/such/folder/report.jsonl");
    let (code, _, stderr) = run(
        &fixture_args("examples_assessment"),
        &["-o", &missing.to_string_lossy()],
    );
    assert_eq!(code, 2, "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(left.len(), 1, "only the report, no temporary file");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// `-o /dev/null` (or any device or pipe) is written to, not replaced by a renamed file.
#[cfg(unix)]
#[test]
fn output_to_a_device_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    let (code, stdout, stderr) = run(
        &fixture_args("examples_assessment"),
        &["--format", "json", "-o", "/dev/null"],
    );
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(
        null.file_type().is_char_device(),
        "/dev/null is still a device"
    );
}

#[test]
fn cases_can_come_from_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "run",
            "procedures/recording.wm",
            "-",
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read_to_string("examples/recording.jsonl").unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let (_, from_file, _) = run(&fixture_args("examples_recording"), &["--format", "json"]);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        "examples/cases.jsonl",
        "--as-of",
        "2026-02-30",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("February 2026 has 28 days"), "{stderr}");
    let (code, _, stderr) = waymark(&["run", "procedures/assessment.wm", "no/such/cases.jsonl"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such file"), "{stderr}");
    let (code, _, _) = waymark(&["run", "no/such.wm", "examples/cases.jsonl"]);
    assert_eq!(code, 2);
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        "examples/cases.jsonl",
        "--calendar",
        "scotand",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `scotland`?"), "{stderr}");
}

#[test]
fn as_of_defaults_to_today_and_is_printed() {
    let (code, json, _) = waymark(&[
        "run",
        "procedures/recording.wm",
        "examples/recording.jsonl",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    let as_of = first["as_of"].as_str().unwrap();
    assert!(waymark_calendar::parse_date(as_of).is_ok(), "{as_of}");
}

#[test]
fn help_teaches_with_examples() {
    let (code, stdout, _) = waymark(&["run", "--help"]);
    assert_eq!(code, 0);
    for words in [
        "Examples:",
        "--as-of",
        "--explain",
        "--facts",
        "case,step,on,outcome,by,reason,waived",
        "Exit codes",
    ] {
        assert!(stdout.contains(words), "{words}\n{stdout}");
    }
}

#[test]
fn a_csv_header_waymark_cannot_read_stops_with_a_code() {
    let folder = temp_folder("csv-header");
    let events = folder.join("events.csv");
    std::fs::write(&events, "case,activity,date\nC1,referral,2026-01-05\n").unwrap();
    let path = events.to_string_lossy().into_owned();
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &path,
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("unknown column `activity`") && stderr.contains("(WM0505)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// A CSV case that has only facts (no records) is the case of its first row in the facts
/// file: that is the line it reports, and a fact it lacks is reported there, never as line 0.
#[test]
fn a_case_with_only_facts_reports_its_own_line() {
    let folder = temp_folder("facts-only");
    let (events, facts) = (folder.join("events.csv"), folder.join("facts.csv"));
    std::fs::write(
        &events,
        "case,step,on,outcome,by,reason,waived\nC1,referral,2026-01-05,,front_door,,\n",
    )
    .unwrap();
    std::fs::write(
        &facts,
        "case,fact,value\nC1,threshold,level3\nQUIET,threshold,level4\nBARE,expected_delivery,2026-07-20\n",
    )
    .unwrap();
    let (events, facts) = (
        events.to_string_lossy().into_owned(),
        facts.to_string_lossy().into_owned(),
    );
    let args = |format: &'static str| {
        [
            "run",
            "procedures/assessment.wm",
            events.as_str(),
            "--facts",
            facts.as_str(),
            "--as-of",
            "2026-06-30",
            "--format",
            format,
        ]
    };
    let (code, stdout, stderr) = waymark(&args("json"));
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<(String, u64)> = stdout
        .lines()
        .map(|line| {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                case["case"].as_str().unwrap().to_string(),
                case["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("C1".to_string(), 2),
            ("QUIET".to_string(), 3),
            ("BARE".to_string(), 4)
        ]
    );
    assert!(
        stderr.contains("case BARE, facts file line 4: the fact `threshold` is missing"),
        "{stderr}"
    );
    let (_, table, _) = waymark(&args("table"));
    assert!(!table.contains("line 0"), "{table}");
    assert!(
        table.contains("BARE  not run: the case data has problems (line 4)"),
        "{table}"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// A duplicate record of recurring work (the same visit at the same moment, twice) is
/// `repeated`, as for any step, not a second occurrence; a visit on another day, or at
/// another time of the same day, is an occurrence (docs/cases.md, recurring work).
#[test]
fn a_duplicate_record_of_recurring_work_is_repeated_not_another_occurrence() {
    let folder = temp_folder("recurring-duplicate");
    let cases = folder.join("cases.jsonl");
    let record = |on: &str| format!(r#"{{"step":"joint_visit","on":"{on}","by":"social_worker"}}"#);
    let agreed = r#"{"step":"plan_agreed","on":"2026-01-05","by":"cp_chair"}"#;
    let case = |id: &str, visits: &[&str]| {
        let visits: Vec<String> = visits.iter().map(|on| record(on)).collect();
        format!(
            r#"{{"case":"{id}","facts":{{}},"events":[{agreed},{}]}}"#,
            visits.join(",")
        )
    };
    let text = [
        case("TWICE", &["2026-02-13", "2026-02-13", "2026-03-27"]),
        case(
            "TIMED",
            &["2026-02-13T10:00", "2026-02-13T10:00", "2026-02-13T15:00"],
        ),
        case("ONCE", &["2026-02-13", "2026-03-27"]),
    ]
    .join("\n");
    std::fs::write(&cases, text).unwrap();
    let (_, stdout, stderr) = waymark(&[
        "run",
        "tests/run/recurring_joint_visits/procedure.wm",
        cases.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]);
    let occurrences = |case: &serde_json::Value| -> Vec<(u64, String, String)> {
        case["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row["step"] == "joint_visit")
            .map(|row| {
                (
                    row["occurrence"].as_u64().unwrap(),
                    row["status"].as_str().unwrap().to_string(),
                    row["done"].as_str().unwrap_or("-").to_string(),
                )
            })
            .collect()
    };
    let (twice, once) = (json_case(&stdout, "TWICE"), json_case(&stdout, "ONCE"));
    assert_eq!(occurrences(&twice), occurrences(&once), "{stderr}");
    let deviations = twice["deviations"].as_array().unwrap();
    assert_eq!(deviations.len(), 1, "{deviations:?}");
    assert_eq!(deviations[0]["kind"], "repeated");
    assert_eq!(deviations[0]["step"], "joint_visit");
    assert_eq!(deviations[0]["on"], "2026-02-13");
    assert!(once["deviations"].as_array().unwrap().is_empty());
    // At another time of the same day, a record is another occurrence.
    let timed = json_case(&stdout, "TIMED");
    let rows = occurrences(&timed);
    assert_eq!(
        rows.iter().filter(|row| row.1 == "met").count(),
        2,
        "{rows:?}"
    );
    assert_eq!(timed["deviations"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Two JSON Lines cases with one id are both run, and the run says so (a duplicated export
/// line would otherwise be counted twice without a word).
#[test]
fn a_repeated_case_id_is_warned_with_its_lines() {
    let folder = std::env::temp_dir().join(format!("waymark-repeated-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let cases = folder.join("cases.jsonl");
    let line = |id: &str| {
        format!(
            r#"{{"case":"{id}","facts":{{"threshold":"level2"}},"events":[{{"step":"referral","on":"2026-03-02","by":"front_door"}}]}}"#
        )
    };
    let text = [
        line("A1"),
        line("B1"),
        line("A1"),
        String::new(),
        line("A1"),
    ]
    .join("\n");
    std::fs::write(&cases, text).unwrap();
    let (code, stdout, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        cases.to_str().unwrap(),
        "--as-of",
        "2026-03-31",
        "--summary",
    ]);
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("4 cases"), "{stdout}");
    assert!(
        stderr.contains("warning: 2 cases repeat the id of an earlier case (lines 3, 5)"),
        "{stderr}"
    );
}

/// Deviations of one day come in the order that day's records apply (the procedure's), however
/// the case was written: as one JSON line, or as CSV rows in another order with lines of their
/// own.
#[test]
fn deviations_of_one_day_come_in_the_same_order_from_json_lines_and_csv() {
    let folder = std::env::temp_dir().join(format!("waymark-order-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    // Closed on 2 March; two records after the end on 9 March, the later step written first.
    let rows = [
        ("referral", "2026-03-02", "front_door", ""),
        ("assessment_plan", "2026-03-02", "manager", ""),
        (
            "assessment_outcome",
            "2026-03-02",
            "manager",
            "no_further_action",
        ),
        ("shared_with_family", "2026-03-09", "social_worker", ""),
        ("assessment_plan", "2026-03-09", "manager", ""),
    ];
    let events: Vec<String> = rows
        .iter()
        .map(|(step, on, by, outcome)| match outcome.is_empty() {
            true => format!(r#"{{"step":"{step}","on":"{on}","by":"{by}"}}"#),
            false => {
                format!(r#"{{"step":"{step}","on":"{on}","by":"{by}","outcome":"{outcome}"}}"#)
            }
        })
        .collect();
    let json = format!(
        r#"{{"case":"O1","facts":{{"threshold":"level3"}},"events":[{}]}}"#,
        events.join(",")
    );
    std::fs::write(folder.join("cases.jsonl"), json).unwrap();
    let mut csv = String::from("case,step,on,outcome,by,reason,waived\n");
    for (step, on, by, outcome) in rows {
        csv.push_str(&format!("O1,{step},{on},{outcome},{by},,\n"));
    }
    std::fs::write(folder.join("cases.csv"), csv).unwrap();
    std::fs::write(
        folder.join("facts.csv"),
        "case,fact,value\nO1,threshold,level3\n",
    )
    .unwrap();
    let kinds_and_steps = |args: &[&str]| {
        let mut all = vec!["run", "procedures/assessment.wm"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as-of", "2026-03-31", "--format", "json"]);
        let (code, stdout, stderr) = waymark(&all);
        assert_eq!(code, 0, "{stderr}");
        let case: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
        let deviations: Vec<String> = case["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {} {}", d["on"], d["kind"], d["step"]))
            .collect();
        deviations
    };
    let json_lines = folder.join("cases.jsonl").to_string_lossy().into_owned();
    let csv_cases = folder.join("cases.csv").to_string_lossy().into_owned();
    let csv_facts = folder.join("facts.csv").to_string_lossy().into_owned();
    let from_json = kinds_and_steps(&[&json_lines]);
    let from_csv = kinds_and_steps(&[&csv_cases, "--facts", &csv_facts]);
    std::fs::remove_dir_all(&folder).unwrap();
    assert!(from_json.len() >= 2, "{from_json:?}");
    assert_eq!(from_json, from_csv);
}

/// `--explain` on a strategy meeting held twice: how often, which occurrence is done, which
/// decided the way on, and the clock counted from the meeting that decided Section 47.
#[test]
fn explain_says_which_meeting_decided_and_which_the_clock_counts_from() {
    let (code, stdout, stderr) = run(
        &fixture_args("repeated_strategy_meeting"),
        &["--explain", "further_s47"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "the clock is the first `strategy_discussion` that decided `section47`, done 2026-03-16"
        ),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("run__explain_further_s47", stdout);
    });
}

/// Work due before each meeting (`before each`): a row per meeting, each due from its own
/// meeting; a meeting without its record is overdue and a gap, a record after the latest
/// meeting answers it late, a record between meetings answers the next one.
#[test]
fn work_due_before_each_meeting_has_a_row_per_meeting() {
    let args = fixture_args("before_each_meeting");
    let (code, json, stderr) = run(&args, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rows = |id: &str| status_due_done(&json, id, "share_information");
    let row = |status: &str, due: &str, done: &str| (status.into(), due.into(), done.into());
    assert_eq!(
        rows("both"),
        [
            row("met", "2026-03-09", "2026-03-06"),
            row("met", "2026-03-19", "2026-03-18")
        ]
    );
    assert_eq!(
        rows("first_only"),
        [
            row("met", "2026-03-09", "2026-03-06"),
            row("overdue", "2026-03-19", "-")
        ]
    );
    assert_eq!(
        rows("after_the_second"),
        [
            row("met", "2026-03-09", "2026-03-06"),
            row("late", "2026-03-19", "2026-03-23")
        ]
    );
    assert_eq!(
        rows("between"),
        [
            row("overdue", "2026-03-09", "-"),
            row("met", "2026-03-19", "2026-03-12")
        ]
    );
    assert_eq!(rows("no_meeting_yet"), [row("met", "-", "2026-03-06")]);
    assert_eq!(rows("nothing_yet"), [row("pending", "-", "-")]);
    let kinds = |id: &str| -> Vec<String> {
        json_case(&json, id)["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds("both"), Vec::<String>::new());
    assert_eq!(kinds("first_only"), ["not_recorded"]);
    assert_eq!(kinds("after_the_second"), ["out_of_order"]);
    assert_eq!(kinds("twice_before_one"), ["repeated"]);
    let (_, csv, _) = run(&args, &["--format", "csv"]);
    let (_, summary, _) = run(&args, &["--summary"]);
    let (code, explain, stderr) = run(&args, &["--explain", "between"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        explain.contains("the clock is occurrence #2 of `strategy_discussion`, done 2026-03-20"),
        "{explain}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(
            "run__before_each_meeting_csv_summary_explain",
            format!("{csv}---- --summary\n{summary}---- --explain between\n{explain}")
        );
    });
}

/// The shipped child protection plan: an updated assessment due the working day before each
/// review conference, with 0, 1 and 3 reviews recorded. A plan ended with no review needs
/// neither the review (it is optional) nor the update before it.
#[test]
fn updates_before_each_review_conference_of_the_shipped_plan() {
    let args = fixture_args("review_conferences");
    let (code, json, stderr) = run(&args, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let rows = |id: &str| status_due_done(&json, id, "cp_review_assessment");
    let row = |status: &str, due: &str, done: &str| (status.into(), due.into(), done.into());
    assert_eq!(rows("no_review_open"), [row("pending", "-", "-")]);
    assert_eq!(rows("no_review_ended"), [row("not_needed", "-", "-")]);
    assert_eq!(
        rows("one_updated"),
        [row("met", "2026-04-27", "2026-04-20")]
    );
    assert_eq!(rows("one_not_updated"), [row("overdue", "2026-04-27", "-")]);
    // Two conferences on one day: one update before that day answers both.
    assert_eq!(
        rows("two_reviews_one_day"),
        [row("met", "2026-05-26", "2026-05-20")]
    );
    // Typed up three days after the May review, then done before the November one: late for
    // May (Spring bank holiday skipped: due Friday 22 May), on time for November.
    assert_eq!(
        rows("late_then_on_time"),
        [
            row("late", "2026-05-22", "2026-05-29"),
            row("met", "2026-11-23", "2026-11-20")
        ]
    );
    assert_eq!(
        rows("one_updated_late"),
        [row("late", "2026-04-27", "2026-04-30")]
    );
    assert_eq!(
        rows("update_awaiting_review"),
        [row("met", "-", "2026-04-20")]
    );
    assert_eq!(
        rows("three_all_updated"),
        [
            row("met", "2026-04-27", "2026-04-20"),
            row("met", "2026-10-26", "2026-10-20"),
            row("met", "2027-04-26", "2027-04-23")
        ]
    );
    assert_eq!(
        rows("three_last_not_updated"),
        [
            row("met", "2026-04-27", "2026-04-20"),
            row("met", "2026-10-26", "2026-10-20"),
            row("overdue", "2027-04-26", "-")
        ]
    );
    assert_eq!(
        rows("three_none_updated"),
        [
            row("overdue", "2026-04-27", "-"),
            row("overdue", "2026-10-26", "-"),
            row("overdue", "2027-04-26", "-")
        ]
    );
    let conference = &json_case(&json, "three_all_updated")["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == "cp_review_conference")
        .unwrap()
        .clone();
    assert_eq!(conference["occurrences"], 3);
    let kinds = |id: &str| -> Vec<String> {
        json_case(&json, id)["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["kind"].as_str().unwrap(),
                    d["step"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(kinds("no_review_open"), Vec::<String>::new());
    assert_eq!(kinds("three_all_updated"), Vec::<String>::new());
    assert_eq!(
        kinds("one_updated_late"),
        ["out_of_order cp_review_assessment"]
    );
    // The review conference is optional: a plan ended with none has no gap.
    assert_eq!(kinds("no_review_ended"), Vec::<String>::new());
    let (_, table, _) = run(&args, &[]);
    assert!(
        table.contains(
            "`cp_review_assessment` has no record for the occurrence of `cp_review_conference` on 2027-04-27 (line 8)"
        ),
        "{table}"
    );
    let (_, explain, _) = run(&args, &["--explain", "no_review_ended"]);
    assert!(
        explain.contains(
            "not needed: it is due before each `cp_review_conference`, and none was held (optional: a plan may end before its first review conference)"
        ),
        "{explain}"
    );
    assert!(
        explain.contains(
            "not needed: optional (a plan may end before its first review conference), and the case moved on without it"
        ),
        "{explain}"
    );
    let (code, explain, stderr) = run(&args, &["--explain", "three_last_not_updated"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        explain.contains("the clock is occurrence #3 of `cp_review_conference`, done 2027-04-27"),
        "{explain}"
    );
}

/// `--explain` on a case whose second strategy meeting, where the agencies disagreed, decided
/// Section 47: what each meeting's record gives, and the clocks counted from that meeting.
#[test]
fn explain_says_what_the_meeting_recorded() {
    let (code, stdout, stderr) = run(
        &fixture_args("meeting_decides_who_acts"),
        &["--explain", "second_meeting_decides_s47"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("records `unanimous`: its latest record, 2026-03-16, gives no"),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("run__explain_second_meeting_decides_s47", stdout);
    });
}

/// `--explain` of an id given twice says so, and which line it explains (`run` warns too).
#[test]
fn explain_names_a_repeated_case_id() {
    let scratch = crate::cli::Scratch::new("explain-repeated");
    let cases = scratch.file(
        "cases.jsonl",
        b"{\"case\":\"K1\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\"}]}\n\
          {\"case\":\"K2\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\"}]}\n\
          {\"case\":\"K1\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-06\"}]}\n",
    );
    let explain = |id: &str| {
        waymark(&[
            "run",
            "procedures/assessment.wm",
            &cases,
            "--as-of",
            "2026-01-20",
            "--explain",
            id,
        ])
    };
    let (code, stdout, stderr) = explain("K1");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("(again on line 3); this explains the first, on line 1"),
        "{stderr}"
    );
    assert!(stdout.contains("2026-01-05"), "{stdout}");
    let (_, _, stderr) = explain("K2");
    assert!(!stderr.contains("more than once"), "{stderr}");
}

/// A case whose every record is after the as-of date had not started: the summary counts it
/// apart, and leaves it out of the step counts and the fit share.
#[test]
fn a_case_not_started_by_the_as_of_date_is_counted_apart() {
    let args = fixture_args("not_started");
    let (code, json, stderr) = run(&args, &["--summary", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&json).unwrap();
    let totals = &summary["summary"];
    assert_eq!(
        (&totals["cases"], &totals["open"], &totals["not_started"]),
        (&3.into(), &2.into(), &1.into()),
        "{json}"
    );
    let referral = summary["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["step"] == "referral")
        .unwrap();
    // N2's referral met; N3's pending; N1 not counted.
    assert_eq!(
        (&referral["met"], &referral["pending"]),
        (&1.into(), &1.into()),
        "{json}"
    );
    let (_, table, _) = run(&args, &["--summary"]);
    assert!(
        table.contains("(0 closed, 2 open, 0 left, 1 not started by then, 0 not run for bad data)"),
        "{table}"
    );
    let (_, explained, _) = run(&args, &["--explain", "N1"]);
    assert!(
        explained.contains("The case had not started by 2026-01-04"),
        "{explained}"
    );
    assert!(!explained.contains("Every record fits"), "{explained}");
}

/// `procedures/assessment.wm` took effect on 2025-12-23: a case referred the day before began
/// under the earlier rules, one referred that day did not.
#[test]
fn cases_that_began_before_the_effective_date_are_counted_and_explained() {
    let args = fixture_args("before_effective");
    let (code, json, stderr) = run(&args, &["--summary", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(summary["summary"]["began_before_effective"], 1, "{json}");
    let (_, table, _) = run(&args, &["--summary"]);
    assert!(
        table.contains(
            "1 case began before this version took effect on 2025-12-23: it is judged by its rules"
        ),
        "{table}"
    );
    let said = "It began before this version of the procedure took effect on 2025-12-23";
    let (_, before, _) = run(&args, &["--explain", "E1"]);
    let (_, on_the_day, _) = run(&args, &["--explain", "E2"]);
    assert!(before.contains(said), "{before}");
    assert!(!on_the_day.contains(said), "{on_the_day}");
}
