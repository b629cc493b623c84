//! `waymark diff`: one folder per kind of change in `tests/diff/`, each an `old.wm` and a
//! `new.wm`; the report is kept as a reviewed snapshot.

use crate::cli::waymark;

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("tests/diff")
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn each_kind_of_change_is_reported_in_words() {
    let names = cases();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let old = format!("tests/diff/{name}/old.wm");
        let new = format!("tests/diff/{name}/new.wm");
        let (code, stdout, stderr) = waymark(&["diff", &old, &new]);
        let expected_code = if name == "only_comments_and_layout" {
            0
        } else {
            1
        };
        assert_eq!(code, expected_code, "{name}: {stdout}{stderr}");
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("diff__{name}"), format!("waymark diff {old} {new} (exit {code})\n{stdout}"));
        });
    }
}

/// A decision route's condition taken away, and an `otherwise` route with it, read backwards
/// from the `decision_route_conditions` folder: each is reported, in the author's words.
#[test]
fn a_decision_routes_condition_removed_is_reported() {
    let (code, stdout, stderr) = waymark(&[
        "diff",
        "tests/diff/decision_route_conditions/new.wm",
        "tests/diff/decision_route_conditions/old.wm",
    ]);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "route removed\n      was: on section47 otherwise young_person_enquiry",
        "was: on section47 then enquiry when age_band is under_16\n      now: on section47 then enquiry\n",
        "was: on section17 then child_in_need when unanimous is yes and age_band is under_16\n      now: on section17 then child_in_need when unanimous is yes\n",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }
}

#[test]
fn comments_and_layout_are_not_changes() {
    let (code, stdout, _) = waymark(&[
        "diff",
        "tests/diff/only_comments_and_layout/old.wm",
        "tests/diff/only_comments_and_layout/new.wm",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("no changes"), "{stdout}");
}

#[test]
fn json_and_markdown_for_analysts_and_papers() {
    let (code, stdout, _) = waymark(&[
        "diff",
        "--format",
        "json",
        "tests/diff/deadline_shortened/old.wm",
        "tests/diff/deadline_shortened/new.wm",
    ]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["deadline_changed", "deadline_changed"]);
    assert_eq!(
        json["changes"][0]["before"],
        "due 45 working days after referral"
    );
    let (_, markdown, _) = waymark(&[
        "diff",
        "--format",
        "markdown",
        "tests/diff/deadline_shortened/old.wm",
        "tests/diff/deadline_shortened/new.wm",
    ]);
    assert!(
        markdown.starts_with("# Changes to Review process"),
        "{markdown}"
    );
    assert!(markdown.contains("| `outcome` | deadline changed | due 45 working days after referral | due 40 working days after referral |"), "{markdown}");
}

#[test]
fn the_shipped_amendment_draft_against_the_assessment() {
    let (code, stdout, stderr) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
    ]);
    assert_eq!(code, 1, "{stderr}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__shipped_amendment", stdout);
    });
}

#[test]
fn an_invalid_version_is_an_error_not_a_comparison() {
    for (broken, code_shown) in [
        ("tests/check/err/unknown_role.wm", "WM0202"),
        ("tests/check/err/dead_end.wm", "WM0302"),
    ] {
        let (code, _, stderr) = waymark(&["diff", broken, "tests/diff/step_renamed/new.wm"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(code_shown), "{stderr}");
    }
    let (code, _, stderr) = waymark(&["diff", "no/such.wm", "tests/diff/step_renamed/new.wm"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("WM0001"), "{stderr}");
}

#[test]
fn the_visual_diff_colours_what_changed_and_passes_the_real_tools() {
    let scratch = crate::cli::Scratch::new("visual-diff");
    let (old, new) = (
        "tests/diff/step_added_and_removed/old.wm",
        "tests/diff/step_added_and_removed/new.wm",
    );
    let svg = scratch.0.join("compare.svg");
    let mermaid = scratch.0.join("compare.mmd");
    for (format, path) in [("svg", &svg), ("mermaid", &mermaid)] {
        let (code, _, stderr) = waymark(&[
            "export",
            new,
            "--to",
            format,
            "--compare",
            old,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let drawing = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(
        drawing.matches("class=\"mark added\"").count(),
        1,
        "visit_recorded is new"
    );
    assert_eq!(
        drawing.matches("class=\"mark changed\"").count(),
        2,
        "visit and outcome changed"
    );
    assert_eq!(
        drawing.matches("class=\"mark removed\"").count(),
        1,
        "support_plan is gone"
    );
    assert!(drawing.contains("Compared with version 1:"));
    crate::export::assert_clean(
        "xmllint on the comparison SVG",
        &crate::export::tool("xmllint", &["--noout"], &[svg]),
    );
    let parsed =
        crate::export::node_tool("tools/parse-mermaid.mjs", std::slice::from_ref(&mermaid));
    crate::export::assert_clean("Mermaid's parser on the comparison", &parsed);
    let text = std::fs::read_to_string(&mermaid).unwrap();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__visual_mermaid", text);
    });
    let (code, _, stderr) = waymark(&["export", new, "--to", "dot", "--compare", old]);
    assert_eq!(code, 2, "comparisons are drawn as svg or mermaid: {stderr}");
}

/// `waymark diff old.wm new.wm --cases cases.jsonl --as-of AS_OF` on the files of `dir`, which
/// differ (exit 1): the exit code, standard output and the command as written (without
/// `waymark`).
fn diff_folder_with_cases(dir: &str, as_of: &str) -> (i32, String, String) {
    let (old, new, cases) = (
        format!("{dir}/old.wm"),
        format!("{dir}/new.wm"),
        format!("{dir}/cases.jsonl"),
    );
    let args = ["diff", &old, &new, "--cases", &cases, "--as-of", as_of];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(code, 1, "{stderr}");
    (code, stdout, args.join(" "))
}

/// A block that needed every piece now needs any one: the cases whose other pieces were
/// overdue find them not needed, and the step after the block falls due from the first piece.
#[test]
fn all_of_to_any_of_changes_cases_in_words() {
    let (code, stdout, command) =
        diff_folder_with_cases("tests/diff/all_of_to_any_of", "2026-06-10");
    assert!(
        stdout.contains("any one piece now enough")
            && stdout.contains("lawyer_invited: overdue -> not_needed"),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__all_of_to_any_of_impact", format!("{command} (exit {code})\n{stdout}"));
    });
}

/// A version that makes a step optional: the gaps it no longer counts vanish from the cases.
#[test]
fn a_step_made_optional_removes_its_gaps() {
    let (code, stdout, command) =
        diff_folder_with_cases("tests/diff/step_made_optional", "2027-06-01");
    assert!(
        stdout.contains("`cp_review_conference`: optional changed")
            && stdout.contains("cp_review_conference: not_recorded -> not_needed")
            && stdout.contains("1  deviation gone: not_recorded"),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__step_made_optional_impact", format!("{command} (exit {code})\n{stdout}"));
    });
}

#[test]
fn impact_on_cases_reports_each_kind_of_difference() {
    let dir = "tests/diff/impact_on_cases";
    let (old, new, cases) = (
        format!("{dir}/old.wm"),
        format!("{dir}/new.wm"),
        format!("{dir}/cases.jsonl"),
    );
    let args = [
        "diff",
        &old,
        &new,
        "--cases",
        &cases,
        "--as-of",
        "2026-03-27",
    ];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(
        code, 2,
        "a case neither version can read makes it an error: {stderr}"
    );
    // Worded as `waymark run` words a bad case: its code, id and line, once.
    assert!(
        stderr.contains("error[WM0503]: case I5, line 5: the fact `threshold`"),
        "{stderr}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__case_impact", format!("{} (exit {code})\n{stdout}\n---- stderr\n{stderr}", args.join(" ")));
    });
    let (_, json, _) = waymark(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let impact = &json["impact"];
    assert_eq!(
        (
            impact["cases"].as_u64(),
            impact["affected"].as_u64(),
            impact["unreadable"].as_u64()
        ),
        (Some(5), Some(4), Some(1))
    );
    let first = &impact["affected_cases"][0];
    assert_eq!(first["case"], "I1");
    assert_eq!(
        first["changes"][0],
        serde_json::json!({"step": "visit", "kind": "status_changed", "before": "met", "after": "late"})
    );
    assert_eq!(first["changes"][1]["working_days"], -2);
    let (_, markdown, _) = waymark(&[&args[..], &["--format", "markdown"]].concat());
    assert!(
        markdown.contains("## Effect on cases") && markdown.contains("| met -> late | 1 |"),
        "{markdown}"
    );
    // A row per difference in a case, for spreadsheets; the changes alone without --cases.
    let (_, csv, _) = waymark(&[&args[..], &["--format", "csv"]].concat());
    let (_, changes_csv, _) = waymark(&["diff", &old, &new, "--format", "csv"]);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__case_impact_csv", format!("{csv}---- without --cases\n{changes_csv}"));
    });
}

#[test]
fn the_shipped_amendment_against_the_example_caseload() {
    let args = [
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--cases",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
        "--format",
        "markdown",
    ];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(
        code, 2,
        "examples/cases.jsonl holds deliberately bad lines: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 5, "{stderr}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__shipped_amendment_impact", stdout);
    });
}

#[test]
fn impact_is_the_same_whatever_the_number_of_threads() {
    let args = [
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--cases",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ];
    let run = |threads: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(args)
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        output.stdout
    };
    assert_eq!(run("1"), run("2"));
}

/// Comparing versions reads each case once and carries it over to the other version by
/// renaming ids; wherever it does, the result must be exactly what reading the line for that
/// version gives. Checked both ways on every pair of versions in `tests/diff/` and on the
/// shipped amendment, with generated cases and damaged copies of them.
#[test]
fn a_case_carried_over_to_another_version_is_the_case_read_for_it() {
    let mut pairs: Vec<(String, String)> = cases()
        .iter()
        .map(|name| {
            (
                format!("tests/diff/{name}/old.wm"),
                format!("tests/diff/{name}/new.wm"),
            )
        })
        .collect();
    pairs.push((
        "procedures/assessment.wm".to_string(),
        "examples/assessment-amendment-draft.wm".to_string(),
    ));
    let calendar = waymark_calendar::default_calendar();
    let (mut carried, mut compared, mut total) = (0, 0, Vec::new());
    for (a, b) in &pairs {
        let (a, b) = (crate::export::compiled(a), crate::export::compiled(b));
        for (from, to) in [(&a, &b), (&b, &a)] {
            let (from, to) = (
                waymark_run::Plan::new(from, calendar),
                waymark_run::Plan::new(to, calendar),
            );
            let translation = waymark_run::Translation::new(&from, &to);
            total.push(translation.is_total());
            let text = waymark_run::generate::cases(&from, 7, 0, 200);
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            // Damaged copies: each event in turn waived, done by another role, or given an
            // outcome; a fact given as null.
            let mut damaged = Vec::new();
            for line in lines.iter().take(40) {
                damaged.push(line.replacen(":\"level3\"", ":null", 1));
                for (at, _) in line.match_indices("\"on\":") {
                    let (before, after) = line.split_at(at);
                    for insert in ["\"waived\":true,", "\"outcome\":\"support\","] {
                        damaged.push(format!("{before}{insert}{after}"));
                    }
                }
                for (at, _) in line.match_indices("\"by\":\"") {
                    let (before, after) = line.split_at(at + 6);
                    let rest = after.split_once('"').map_or("", |(_, rest)| rest);
                    damaged.push(format!("{before}family_practitioner\"{rest}"));
                }
            }
            lines.extend(damaged);
            for (index, line) in lines.iter().enumerate() {
                let Ok(case) = waymark_run::parse_json_line(&from, index + 1, line) else {
                    continue;
                };
                compared += 1;
                let over = translation.carry_over(&case);
                // A pair said to carry every case over does, but for a required fact given
                // as null, and a case whose records give facts (`recorded at`), read again.
                let record_facts = case.events.iter().any(|event| !event.facts.is_empty());
                if translation.is_total() && !line.contains(":null") && !record_facts {
                    assert!(over.is_some(), "said to carry over: {line}");
                }
                if let Some(over) = over {
                    carried += 1;
                    let fresh = waymark_run::parse_json_line(&to, index + 1, line);
                    assert_eq!(Ok(over), fresh, "{line}");
                }
            }
        }
    }
    assert!(
        compared > 5_000 && carried > compared / 2,
        "{carried} of {compared}"
    );
    // Some pairs carry every case over (the shipped amendment, both ways: the last two), and
    // some cannot (waivers, facts and roles changed), so both ways of reading are exercised.
    assert!(total.ends_with(&[true, true]), "{total:?}");
    assert!(total.contains(&false), "{total:?}");
}

/// CSV cases (events and facts files, as for `waymark run`) are compared as JSON Lines are.
#[test]
fn impact_on_csv_cases() {
    let (code, stdout, stderr) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--cases",
        "examples/cases.csv",
        "--facts",
        "examples/facts.csv",
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        rows[0],
        "case,line,step,occurrence,difference,before,after,working_days,detail"
    );
    assert!(
        rows.contains(&"D001,9,initial_visit,,due_moved,2026-03-16,2026-03-12,-2,"),
        "{stdout}"
    );
    let (code, _, stderr) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--facts",
        "examples/facts.csv",
    ]);
    assert_eq!(code, 2, "--facts needs --cases: {stderr}");
}

/// The peak resident memory of `waymark ARGS` (its `VmHWM`, in kB), watched while it runs;
/// its output goes nowhere.
fn peak_memory(args: &[&str]) -> u64 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::cli::peak_memory_until_done(&mut child)
}

/// `diff --cases` writes each block's affected cases as it goes and keeps only the counts:
/// ten times the cases (nearly all affected) must not take more memory (issue 14: it grew to
/// 760 MB on a million cases while `run` stayed flat). Every format but CSV puts its counts
/// first, so the cases wait in a temporary file.
#[test]
fn impact_on_a_large_caseload_takes_flat_memory() {
    let folder = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-memory");
    std::fs::create_dir_all(&folder).unwrap();
    let old = crate::export::compiled("procedures/assessment.wm");
    let plan = waymark_run::Plan::new(&old, waymark_calendar::default_calendar());
    let write = |count: u64| {
        let path = folder.join(format!("cases-{count}.jsonl"));
        std::fs::write(&path, waymark_run::generate::cases(&plan, 2026, 0, count)).unwrap();
        path.to_string_lossy().into_owned()
    };
    let (few, many) = (write(3_000), write(30_000));
    for format in ["json", "human", "markdown", "csv"] {
        let peak = |cases: &str| {
            peak_memory(&[
                "diff",
                "procedures/assessment.wm",
                "examples/assessment-amendment-draft.wm",
                "--cases",
                cases,
                "--as-of",
                "2026-06-30",
                "--format",
                format,
            ])
        };
        let (small, large) = (peak(&few), peak(&many));
        assert!(
            large < small + 12_000,
            "--format {format}: {small} kB for 3,000 cases, {large} kB for 30,000"
        );
    }
    // The cases written a block at a time (30 blocks of JSON Lines) join into one valid
    // report, every affected case listed once, in input order.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "diff",
            "procedures/assessment.wm",
            "examples/assessment-amendment-draft.wm",
            "--cases",
            &many,
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let impact = &report["impact"];
    let lines: Vec<u64> = impact["affected_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["line"].as_u64().unwrap())
        .collect();
    assert_eq!(impact["cases"], 30_000);
    assert_eq!(impact["affected"], lines.len());
    assert!(lines.len() > 20_000, "{}", lines.len());
    assert!(lines.is_sorted_by(|a, b| a < b));
}

#[test]
fn a_due_date_moved_across_a_weekend_is_said_in_calendar_days() {
    // `same working day` of a Saturday is the Tuesday after a bank holiday Monday; `same day`
    // is the Saturday itself. No working day lies between them, so the move is said in
    // calendar days, and counted as earlier, not as a move of no size.
    let scratch = crate::cli::Scratch::new("weekend-move");
    let old = scratch.file(
        "old.wm",
        std::fs::read("tests/run/same_day/procedure.wm")
            .unwrap()
            .as_slice(),
    );
    let text = std::fs::read_to_string("tests/run/same_day/procedure.wm").unwrap();
    let new = scratch.file(
        "new.wm",
        text.replace(
            "due same working day as incident",
            "due same day as incident",
        )
        .as_bytes(),
    );
    let cases = scratch.file(
        "cases.jsonl",
        br#"{"case":"sat","facts":{},"events":[{"step":"incident","on":"2026-08-29"}]}
"#,
    );
    let args = [
        "diff",
        &old,
        &new,
        "--cases",
        &cases,
        "--as-of",
        "2026-08-29",
    ];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("record: due 2026-09-01 -> 2026-08-29 (3 calendar days earlier)"),
        "{stdout}"
    );
    let (_, json, _) = waymark(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["impact"]["differences"],
        serde_json::json!([{"cases": 1, "difference": "due earlier"}]),
        "{json}"
    );
}

/// A fact moved from the case's facts to the meeting's record, and the safety plan made its own
/// step: the changes in words, and what they do to cases (one that gave the fact up front can
/// no longer be read by the new version, and says why).
#[test]
fn a_fact_recorded_at_the_meeting_against_cases() {
    let dir = "tests/diff/fact_recorded_at_the_meeting";
    let (old, new, cases) = (
        format!("{dir}/old.wm"),
        format!("{dir}/new.wm"),
        format!("{dir}/cases.jsonl"),
    );
    let args = [
        "diff",
        &old,
        &new,
        "--cases",
        &cases,
        "--as-of",
        "2026-03-27",
    ];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("now: yes or no, optional, recorded at strategy_discussion"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`unanimous` is recorded at `strategy_discussion`"),
        "{stdout}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("diff__fact_recorded_at_the_meeting_cases", format!("{} (exit {code})\n{stdout}", args.join(" ")));
    });
}

/// A case the new version cannot read because a step it records twice was renamed: the
/// message is given once, not once per record.
#[test]
fn a_case_unreadable_by_one_version_names_each_problem_once() {
    let scratch = crate::cli::Scratch::new("diff-renamed-twice");
    let old = "tests/run/loop_back/procedure.wm";
    let renamed = std::fs::read_to_string(old)
        .unwrap()
        .replace("plan", "draft_plan");
    let new = scratch.file("renamed.wm", renamed.as_bytes());
    let (_, out, stderr) = crate::cli::waymark(&[
        "diff",
        old,
        &new,
        "--cases",
        "tests/run/loop_back/cases.jsonl",
        "--as-of",
        "2026-01-20",
    ]);
    let message = "unknown step `plan`: the procedure has no such step";
    let line = out
        .lines()
        .find(|line| line.contains("redone_once") || line.contains(message))
        .unwrap_or_default();
    assert!(out.contains(message), "{out}{stderr}");
    // Both records are named: the case goes round the loop once, so `plan` is events 2 and 4.
    assert!(out.contains(&format!("events 2, 4: {message}")), "{out}");
    assert!(
        out.lines().all(|line| line.matches(message).count() <= 1),
        "{line}\n{out}"
    );
}

/// Case ids come from case files: in the human and Markdown reports a line break, an escape
/// sequence or a `|` in one is shown escaped, so it cannot forge a line, a heading or a table
/// cell; in CSV a case id that starts like a formula (`-1+1`) is guarded, while the working
/// days Waymark counted (`-2`) stay numbers.
#[test]
fn case_ids_cannot_forge_report_lines_headings_or_formulas() {
    let scratch = crate::cli::Scratch::new("diff-hostile-ids");
    let first = std::fs::read_to_string("examples/cases.jsonl").unwrap();
    let first = first.lines().next().unwrap();
    let mut cases = String::new();
    for id in [
        "a|b\\n## Injected <b>x</b>",
        "-1+1",
        "\\u001b[31mred",
        "-2+3+cmd|' /C calc'!A0",
    ] {
        cases.push_str(&first.replacen("\"C001\"", &format!("\"{id}\""), 1));
        cases.push('\n');
    }
    let cases = scratch.file("cases.jsonl", cases.as_bytes());
    let run = |format: &str| {
        let (code, stdout, stderr) = waymark(&[
            "diff",
            "procedures/assessment.wm",
            "examples/assessment-amendment-draft.wm",
            "--cases",
            &cases,
            "--as-of",
            "2026-06-30",
            "--format",
            format,
        ]);
        assert_eq!(code, 1, "{stderr}");
        stdout
    };
    let human = run("human");
    let markdown = run("markdown");
    let csv = run("csv");
    assert!(!human.contains('\u{1b}') && !markdown.contains('\u{1b}'));
    assert!(!markdown.lines().any(|line| line.starts_with("## Injected")));
    let affected = |text: &str| text[text.find("Affected cases").unwrap()..].to_string();
    assert!(csv.contains("\n'-1+1,2,initial_visit,,due_moved,2025-12-08,2025-12-04,-2,\n"));
    assert!(csv.contains("\n'-2+3+cmd|' /C calc'!A0,4,"), "{csv}");
    insta::assert_snapshot!(
        "diff__hostile_case_ids",
        format!("{}---- markdown\n{}", affected(&human), affected(&markdown))
    );
}
