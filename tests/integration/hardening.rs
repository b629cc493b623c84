//! Regression tests for hostile input (issue 14): each failed before its fix.

use crate::cli::{Scratch, run_on_standard_input, waymark};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// `steps` steps in a line, the last going on to an end, or back to the first for a loop.
fn chain(steps: usize, looped: bool) -> String {
    let mut text = String::from("procedure p \"P\"\nrole w \"W\"\nstart s0\n");
    for i in 0..steps {
        let next = match (i + 1 == steps, looped) {
            (false, _) => format!("s{}", i + 1),
            (true, false) => "done".to_string(),
            (true, true) => "s0".to_string(),
        };
        let _ = write!(
            text,
            "step s{i} \"S{i}\"\n  by w\n  untimed \"x\"\n  then {next}\n"
        );
    }
    text.push_str("end done \"Done\"\n");
    text
}

/// A decision with `count` outcomes, each its own `on` line.
fn decision(count: usize) -> String {
    let names: Vec<String> = (0..count).map(|i| format!("o{i}")).collect();
    let mut text = format!(
        "procedure p \"P\"\nrole w \"W\"\nstart d\ndecision d \"D\"\n  by w\n  untimed \"x\"\n  outcomes {}\n",
        names.join(", ")
    );
    for name in &names {
        let _ = writeln!(text, "  on {name} then done");
    }
    text.push_str("end done \"Done\"\n");
    text
}

/// Runs `waymark`, killing it if it is still running after `limit` (a test that would hang
/// fails instead).
fn timed_out_after(args: &[&str], limit: Duration) -> (i32, String, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if began.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("waymark {args:?} was still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (code, String::new(), stderr)
}

/// Asserts that `run`'s time grows no faster than its input: timed at a tenth of `size` (the
/// best of two runs) and at `size`. A linear command takes about ten times as long at ten
/// times the size (less, with the fixed cost of starting), a quadratic one a hundred: the bound
/// between tells them apart however fast or busy the machine is, which a bound in seconds does
/// not.
fn assert_linear(what: &str, size: usize, run: impl Fn(usize) -> Duration) {
    let small = run(size / 10).min(run(size / 10));
    let large = run(size);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.001);
    assert!(
        ratio < 40.0,
        "{what}: {small:?} at {} but {large:?} at {size}, {ratio:.0} times as long",
        size / 10
    );
}

/// Runs `waymark` and says how long it took.
fn timed(args: &[&str]) -> (i32, String, Duration) {
    let began = Instant::now();
    let (code, _, stderr) = waymark(args);
    (code, stderr, began.elapsed())
}

#[test]
fn a_chain_and_a_loop_of_90_000_steps_do_not_overflow_the_stack() {
    let scratch = Scratch::new("long-chain");
    let line = scratch.file("line.wm", chain(90_000, false).as_bytes());
    let (code, stderr, _) = timed(&["check", &line]);
    assert_eq!(code, 0, "{stderr}");
    let looped = scratch.file("loop.wm", chain(90_000, true).as_bytes());
    let (code, stderr, _) = timed(&["check", &looped]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0303"), "{stderr}");
    // The message names a few of the steps, not all 90,000.
    assert!(stderr.contains("89990 more steps"), "{stderr}");
    assert!(
        stderr.len() < 10_000,
        "{} bytes of diagnostics",
        stderr.len()
    );
}

// The tests below compare a run with one on a tenth of the input: before the fixes the
// drawings took minutes, growing with the square (or cube) of the input.

#[test]
fn a_decision_with_40_000_outcomes_is_checked_and_drawn_in_linear_time() {
    let scratch = Scratch::new("many-outcomes");
    for command in [&["check"][..], &["export", "--to", "mermaid"][..]] {
        assert_linear(&format!("{command:?}"), 40_000, |n| {
            let path = scratch.file(&format!("d{n}.wm"), decision(n).as_bytes());
            let args: Vec<&str> = command.iter().copied().chain([path.as_str()]).collect();
            let (code, stderr, took) = timed(&args);
            assert_eq!(code, 0, "{args:?}: {stderr}");
            took
        });
    }
}

#[test]
fn a_decision_with_20_000_outcomes_into_one_box_is_drawn_in_linear_time() {
    // Each outcome's label is stacked above the others. Placing them was cubic, then
    // quadratic: each label looked at every label placed before and stepped up past them one
    // label height at a time (3.2 s at 5,000 outcomes in a debug build), each line's vertical
    // run looked along every track, and each BPMN flow id tried every suffix taken before
    // (12 s at 5,000, 250 s at 20,000).
    let scratch = Scratch::new("many-labels");
    for format in ["svg", "bpmn"] {
        assert_linear(format, 20_000, |n| {
            let path = scratch.file(&format!("d{n}.wm"), decision(n).as_bytes());
            let (code, stderr, took) = timed(&["export", &path, "--to", format, "-o", "/dev/null"]);
            assert_eq!(code, 0, "{format}: {stderr}");
            took
        });
    }
}

#[test]
fn an_svg_of_a_40_000_step_chain_is_drawn_in_linear_time() {
    let scratch = Scratch::new("svg-chain");
    // The BPMN model found each element's flows by scanning them all (37 s before).
    for format in ["svg", "bpmn"] {
        assert_linear(format, 40_000, |n| {
            let path = scratch.file(&format!("line{n}.wm"), chain(n, false).as_bytes());
            let (code, stderr, took) = timed(&["export", &path, "--to", format, "-o", "/dev/null"]);
            assert_eq!(code, 0, "{format}: {stderr}");
            took
        });
    }
}

#[test]
fn output_may_not_name_one_of_the_commands_own_inputs() {
    let scratch = Scratch::new("output-is-input");
    let procedure = std::fs::read("procedures/assessment.wm").unwrap();
    let used = std::fs::read("procedures/section47.wm").unwrap();
    let cases = std::fs::read("examples/cases.jsonl").unwrap();
    let r = scratch.file("assessment.wm", &procedure);
    let s47 = scratch.file("section47.wm", &used);
    let c = scratch.file("cases.jsonl", &cases);
    let dotted = format!("{}/./cases.jsonl", scratch.0.display());
    let attempts: [&[&str]; 4] = [
        &["run", &r, &c, "--as-of", "2026-06-30", "-o", &dotted],
        &[
            "run",
            &r,
            &c,
            "--as-of",
            "2026-06-30",
            "--summary",
            "-o",
            &r,
        ],
        &["export", &r, "--to", "svg", "-o", &r],
        // A file the procedure reads through a `use` line.
        &["export", &r, "--to", "svg", "-o", &s47],
    ];
    for args in attempts {
        let (code, _, stderr) = waymark(args);
        assert_ne!(code, 0, "{args:?}");
        assert!(stderr.contains("WM0007"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(&r).unwrap(), procedure);
    assert_eq!(std::fs::read(&s47).unwrap(), used);
    assert_eq!(std::fs::read(&c).unwrap(), cases);
}

/// `- < cases.jsonl -o cases.jsonl` read the file through standard input and then replaced
/// it with the report.
#[cfg(unix)]
#[test]
fn output_may_not_name_the_file_standard_input_comes_from() {
    use std::process::Stdio;
    let scratch = Scratch::new("output-is-standard-input");
    let cases = std::fs::read("examples/cases.jsonl").unwrap();
    let c = scratch.file("cases.jsonl", &cases);
    let output = run_on_standard_input()
        .args(["-o", &c])
        .stdin(Stdio::from(std::fs::File::open(&c).unwrap()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("WM0007"), "{stderr}");
    assert_eq!(std::fs::read(&c).unwrap(), cases);
}

#[cfg(unix)]
#[test]
fn a_signal_removes_the_temporary_output_file() {
    use std::process::{Command, Stdio};
    for signal in ["INT", "TERM", "HUP"] {
        let scratch = Scratch::new(&format!("signal-{signal}"));
        let out = scratch.0.join("report.jsonl");
        // Cases come from a pipe that stays open, so the run is still writing when signalled.
        let mut child = run_on_standard_input()
            .arg("-o")
            .arg(&out)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let temporary = || {
            std::fs::read_dir(&scratch.0)
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        };
        let began = Instant::now();
        while !temporary() && began.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(temporary(), "the run opened its temporary file");
        // The handler is installed before the output is opened, so the signal is caught.
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        // Keep the pipe open until the child has ended: `wait` would close it first, and a run
        // that read end of input before the signal was handled would finish normally.
        let stdin = child.stdin.take();
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "SIG{signal}: {stderr}");
        assert!(!temporary(), "SIG{signal}: the temporary file is gone");
        assert!(!out.exists(), "SIG{signal}: no partial report");
    }
}

/// Runs `waymark` with one of its output streams closed before it writes anything.
#[cfg(unix)]
fn with_closed(stream: &str, args: &[&str]) -> (i32, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut kept = String::new();
    if stream == "stderr" {
        drop(child.stderr.take());
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut kept)
            .unwrap();
    } else {
        drop(child.stdout.take());
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut kept)
            .unwrap();
    }
    (child.wait().unwrap().code().unwrap_or(-1), kept)
}

#[cfg(unix)]
#[test]
fn closed_output_streams_keep_the_exit_code_and_never_panic() {
    let bad = "tests/check/err/dead_end.wm";
    let (code, _) = with_closed("stderr", &["check", bad]);
    assert_eq!(code, 1, "errors found, with nowhere to say so");
    let (code, _) = with_closed(
        "stderr",
        &["check", "tests/check/ok/branches_cover_every_value.wm"],
    );
    assert_eq!(code, 0);
    let (code, _) = with_closed("stderr", &["days", "2026-13-01", "+1"]);
    assert_eq!(code, 2);
    let (code, stderr) = with_closed("stdout", &["check", "--format", "json", bad]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, stderr) = with_closed(
        "stdout",
        &[
            "diff",
            "procedures/assessment.wm",
            "examples/assessment-amendment-draft.wm",
        ],
    );
    assert_eq!(code, 1, "changes found: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_huge_thread_count_is_clamped_and_said() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "run",
            "procedures/assessment.wm",
            "examples/cases.jsonl",
            "--as-of",
            "2026-06-30",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", "100000000")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("RAYON_NUM_THREADS=100000000"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!output.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_are_refused_where_a_file_is_needed() {
    let scratch = Scratch::new("not-regular");
    let fifo = scratch.0.join("pipe.wm");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    for path in ["/dev/zero", fifo.as_str()] {
        let (code, _, stderr) = waymark(&["check", path]);
        assert_eq!(code, 1, "{path}: {stderr}");
        assert!(stderr.contains("WM0006"), "{path}: {stderr}");
        let (code, _, stderr) = waymark(&["days", "2026-01-05", "+1", "--calendar", path]);
        assert_eq!(code, 1, "{path}: {stderr}");
        assert!(stderr.contains("WM0006"), "{path}: {stderr}");
    }
    // A pipe named to `run` or `export` is refused, not waited on for a writer.
    for args in [
        vec![
            "run",
            fifo.as_str(),
            "examples/cases.jsonl",
            "--as-of",
            "2026-06-30",
        ],
        vec![
            "run",
            "procedures/assessment.wm",
            fifo.as_str(),
            "--as-of",
            "2026-06-30",
        ],
        vec!["export", fifo.as_str(), "--to", "dot"],
    ] {
        let (code, _, stderr) = timed_out_after(&args, Duration::from_secs(30));
        assert_ne!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.contains("WM0006"), "{args:?}: {stderr}");
    }
    // Case data too, for `run` and `diff --cases`; `-` stays the way to stream cases.
    let (code, _, stderr) = waymark(&["run", "procedures/assessment.wm", "/dev/zero"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("WM0006"), "{stderr}");
    let (code, _, stderr) = waymark(&[
        "diff",
        "procedures/assessment.wm",
        "examples/assessment-amendment-draft.wm",
        "--cases",
        "/dev/zero",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("WM0006"), "{stderr}");
    // A `use` line naming a device gets its coded problem too, not an endless read.
    let user = scratch.file(
        "user.wm",
        b"procedure p \"P\"\nuse z from \"/dev/zero\"\nrole w \"W\"\nstart a\nstep a \"A\"\n  by w\n  untimed \"x\"\n  then done\nend done \"Done\"\n",
    );
    let (code, _, stderr) = waymark(&["check", &user]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn days_request_errors_have_codes() {
    for (args, expected) in [
        (vec!["days", "2026-02-30", "+1"], "WM0406"),
        (vec!["days", "2026/01/05", "+1"], "WM0406"),
        (vec!["days", "2026-01-05", "+1x"], "WM0407"),
        (
            vec!["days", "2026-01-05", "+99999999999999999999"],
            "WM0407",
        ),
        (vec!["days", "2026-01-05"], "WM0408"),
        (vec!["days", "between", "2026-01-05"], "WM0408"),
        (
            vec![
                "days",
                "2026-01-05",
                "+1",
                "--calendar",
                "scotland",
                "--calendar",
                "northern-ireland",
            ],
            "WM0408",
        ),
    ] {
        let (code, _, stderr) = waymark(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn as_of_outside_the_calendar_is_a_usage_error() {
    for command in ["run", "diff"] {
        let second = match command {
            "run" => "examples/cases.jsonl",
            _ => "examples/assessment-amendment-draft.wm",
        };
        let mut args = vec![
            command,
            "procedures/assessment.wm",
            second,
            "--as-of",
            "0202-06-30",
        ];
        if command == "diff" {
            args.extend(["--cases", "examples/cases.jsonl"]);
        }
        let (code, _, stderr) = waymark(&args);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(stderr.contains("WM0406"), "{command}: {stderr}");
    }
}

#[test]
fn a_calendar_file_that_is_not_utf8_is_a_problem_with_the_file() {
    let scratch = Scratch::new("calendar-latin1");
    let path = scratch.file("closures.txt", b"2026-01-06  Caf\xe9 closed\n");
    let (code, _, stderr) = waymark(&["days", "2026-01-05", "+1", "--calendar", &path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0002"), "{stderr}");
}

#[test]
fn a_used_file_that_is_not_a_procedure_is_not_shown() {
    let scratch = Scratch::new("use-secret");
    scratch.file(
        "secret.txt",
        b"root:SECRET-HASH:19000:0:99999:7:::\nbin:OTHER-HASH:19000\n",
    );
    let user = scratch.file(
        "user.wm",
        b"procedure p \"P\"\nuse x from \"secret.txt\"\nrole w \"W\"\nstart a\nstep a \"A\"\n  by w\n  untimed \"x\"\n  then done\nend done \"Done\"\n",
    );
    let (code, stdout, stderr) = waymark(&["check", &user]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0210"), "{stderr}");
    assert!(stderr.contains("not a procedure"), "{stderr}");
    assert!(
        !stderr.contains("HASH") && !stdout.contains("HASH"),
        "{stderr}"
    );
}

#[test]
fn a_file_of_comments_or_old_mac_line_endings_is_reported_by_check() {
    let scratch = Scratch::new("comments-only");
    let comments = scratch.file("comments.wm", b"# a draft\n# to be written\n");
    let old_mac = scratch.file(
        "old-mac.wm",
        b"# a draft\rprocedure p \"P\"\rrole w \"W\"\rstart a\rstep a \"A\"\r  by w\r  untimed \"x\"\r",
    );
    for path in [&comments, &old_mac] {
        let (code, _, stderr) = waymark(&["check", path]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("WM0108"), "{stderr}");
        // `export` refuses it with the same code, no longer an uncoded message.
        let (code, _, stderr) = waymark(&["export", path, "--to", "mermaid"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("WM0108"), "{stderr}");
    }
    let (_, _, stderr) = waymark(&["check", &old_mac]);
    assert!(stderr.contains("carriage return alone"), "{stderr}");
}

#[test]
fn a_utf16_procedure_is_not_utf8_rather_than_binary() {
    let scratch = Scratch::new("utf16");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "procedure p \"P\"\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let path = scratch.file("utf16.wm", &bytes);
    let (code, _, stderr) = waymark(&["check", &path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("WM0002") && stderr.contains("UTF-16"),
        "{stderr}"
    );
}

#[test]
fn a_diagnostic_past_column_65_535_is_clipped_not_a_panic() {
    let scratch = Scratch::new("wide-line");
    let text = format!("procedure p \"P\"\n{}x\n", " ".repeat(65_536));
    let path = scratch.file("wide.wm", text.as_bytes());
    for args in [
        vec!["check", path.as_str()],
        vec!["export", path.as_str(), "--to", "dot"],
    ] {
        let (code, _, stderr) = waymark(&args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains(":2:65537"), "{args:?}: {stderr}");
        assert!(stderr.len() < 2_000, "{args:?}: {} bytes", stderr.len());
    }
    // A one-line GOV.UK file of 85 KB with a mistake at its end.
    let mut json =
        String::from("{\"england-and-wales\":{\"division\":\"england-and-wales\",\"events\":[");
    while json.len() < 85_000 {
        json.push_str(
            "{\"title\":\"Day\",\"date\":\"2026-01-01\",\"notes\":\"\",\"bunting\":true},",
        );
    }
    json.push_str("{\"title\":\"Day\",\"date\":\"2026-02-30\",\"notes\":\"\",\"bunting\":true}]}}");
    let calendar = scratch.file("bank-holidays.json", json.as_bytes());
    let (code, _, stderr) = waymark(&["days", "2026-01-05", "+1", "--calendar", &calendar]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Every shipped bank-holiday file agrees with the PyPI `holidays` package for 2010-2030, apart
/// from the differences docs/calendar.md lists with their sources. `tests/run-all` installs the
/// package and sets WAYMARK_PYTHON; without it the test fails saying so, since a skipped
/// comparison would pass CI without comparing anything.
#[test]
fn shipped_calendars_agree_with_the_holidays_package() {
    let python = std::env::var("WAYMARK_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = std::process::Command::new(&python)
        .arg("tests/calendar/compare_holidays.py")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    let hint = "run `./tests/run-all` (it installs the PyPI `holidays` package), or \
                `pip install -r tests/calendar/requirements.txt`";
    let output = output.unwrap_or_else(|error| panic!("cannot run {python}: {error}; {hint}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'holidays'"),
        "the `holidays` package is missing: {hint}"
    );
    assert!(output.status.success(), "{stdout}{stderr}");
}

#[test]
fn scotland_counts_the_bank_holiday_of_15_june_2026() {
    let (code, stdout, stderr) = waymark(&["days", "2026-06-12", "+1", "--calendar", "scotland"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "2026-06-16\n");
}

#[test]
fn control_characters_in_names_are_escaped_in_human_output() {
    let scratch = Scratch::new("control-characters");
    let path = scratch.file(
        "esc.wm",
        b"procedure p \"P\"\nrole w \"W\"\nstart a\nstep a \"\x1b[2J\x1b[31mTitle\"\n  by w\n  untimed \"x\"\n  then nowhere\n",
    );
    let (code, _, stderr) = waymark(&["check", &path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    let forged = "no\nerror: forged.wm";
    let (code, _, stderr) = waymark(&["check", forged]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("\nerror: forged"), "{stderr}");
    let (code, _, stderr) = waymark(&["explain", "WM\u{1b}[2J"]);
    assert_eq!(code, 2);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn two_versions_of_90_000_steps_are_compared_in_linear_time() {
    // Each step was looked up by a scan of every step (56 s in a debug build).
    let scratch = Scratch::new("long-diff");
    assert_linear("diff", 90_000, |n| {
        let old = chain(n, false);
        let old_path = scratch.file(&format!("old{n}.wm"), old.as_bytes());
        let new = old.replacen("\"S1\"", "\"S one\"", 1);
        let new_path = scratch.file(&format!("new{n}.wm"), new.as_bytes());
        let (code, stderr, took) = timed(&["diff", &old_path, &new_path]);
        assert_eq!(code, 1, "changes found: {stderr}");
        took
    });
}

/// Together blocks nested `depth` deep, each holding the next block and one step of its own.
fn nested_together(depth: usize) -> String {
    let mut text = String::from("procedure p \"P\"\nrole w \"W\"\nstart t0\n");
    for i in 0..depth {
        let _ = write!(
            text,
            "together t{i} \"T{i}\"\n  all of t{}, own{i}\n  then done\nstep own{i} \"Own {i}\"\n  by w\n  untimed \"x\"\n",
            i + 1
        );
    }
    let _ = write!(
        text,
        "step t{depth} \"Innermost\"\n  by w\n  untimed \"x\"\nend done \"Done\"\n"
    );
    text
}

/// A case through [`nested_together`]: every block's own step, the innermost step, the end.
fn nested_case(depth: usize) -> String {
    let mut events: Vec<String> = (0..depth)
        .map(|i| format!(r#"{{"step":"own{i}","on":"2026-01-06","by":"w"}}"#))
        .collect();
    events.push(format!(
        r#"{{"step":"t{depth}","on":"2026-01-06","by":"w"}}"#
    ));
    events.push(r#"{"step":"done","on":"2026-01-07"}"#.to_string());
    format!("{{\"case\":\"c1\",\"events\":[{}]}}\n", events.join(","))
}

#[test]
fn together_blocks_nested_10_000_deep_are_checked_drawn_and_run_in_linear_time() {
    // The check kept every enclosing block for every step and walked every block's whole
    // work (27 s and 811 MB in a release build); the Mermaid and DOT drawings looked for each
    // join's fork among every box. Nesting was refused at 65 deep (WM0217). Now each step
    // knows its innermost block, and enclosing blocks are a walk up that tree.
    let scratch = Scratch::new("nested-together");
    let procedure = |depth: usize| {
        scratch.file(
            &format!("deep{depth}.wm"),
            nested_together(depth).as_bytes(),
        )
    };
    assert_linear("check", 10_000, |depth| {
        let (code, stderr, took) = timed(&["check", &procedure(depth)]);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("WM0217"), "{stderr}");
        took
    });
    for format in ["mermaid", "dot"] {
        assert_linear(format, 10_000, |depth| {
            let args = [
                "export",
                &procedure(depth),
                "--to",
                format,
                "-o",
                "/dev/null",
            ];
            let (code, stderr, took) = timed(&args);
            assert_eq!(code, 0, "{format}: {stderr}");
            took
        });
    }
    assert_linear("run", 10_000, |depth| {
        let cases = scratch.file(&format!("case{depth}.jsonl"), nested_case(depth).as_bytes());
        let began = Instant::now();
        let (code, stdout, stderr) = waymark(&[
            "run",
            &procedure(depth),
            &cases,
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ]);
        let took = began.elapsed();
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains(r#""state":"closed","end":"done""#),
            "{stdout:.300}"
        );
        took
    });
}

/// The together blocks whose work `step` is part of, as the check found them before the
/// nesting tree: every block's whole work walked from its members (routes, nested blocks'
/// pieces and joins, up to its own join). Quadratic, kept here as the reference.
fn enclosing_by_full_walks(
    procedure: &waymark_compile::Procedure,
) -> Vec<Vec<waymark_compile::StepIndex>> {
    use waymark_compile::StepKind;
    let mut enclosing = vec![Vec::new(); procedure.steps.len()];
    for together in procedure.step_ids() {
        let StepKind::Together { members, join, .. } = &procedure.step(together).kind else {
            continue;
        };
        let mut seen = vec![false; procedure.steps.len()];
        let mut stack = members.clone();
        while let Some(step) = stack.pop() {
            if step == *join || std::mem::replace(&mut seen[step.0 as usize], true) {
                continue;
            }
            enclosing[step.0 as usize].push(together);
            let current = procedure.step(step);
            if let StepKind::Together { members, join, .. } = &current.kind {
                stack.extend(members.iter().copied());
                stack.push(*join);
            }
            stack.extend(current.routes.iter().map(|route| route.target));
        }
    }
    enclosing
}

#[test]
fn the_nesting_tree_finds_the_blocks_that_walking_every_block_found() {
    let scratch = Scratch::new("nesting-tree");
    // Inner blocks with no `then` of their own (their join is a piece of the outer block),
    // declared before the block they are part of, beside work that goes on after a piece.
    let inner_first = "procedure p \"P\"\nrole w \"W\"\nstart outer\n\
        together inner \"Inner\"\n  all of a, b\n\
        together outer \"Outer\"\n  all of inner, c\n  then done\n\
        step a \"A\"\n  by w\n  untimed \"x\"\n  then a2\n\
        step a2 \"A2\"\n  by w\n  untimed \"x\"\n\
        step b \"B\"\n  by w\n  untimed \"x\"\n\
        step c \"C\"\n  by w\n  untimed \"x\"\n\
        end done \"Done\"\n";
    let mut files = vec![
        scratch.file("nested.wm", nested_together(40).as_bytes()),
        scratch.file("inner-first.wm", inner_first.as_bytes()),
    ];
    for folder in ["procedures", "examples"] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "wm") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    let mut shipped_blocks = 0;
    for file in &files {
        let procedure = crate::export::compiled(file);
        let expected = enclosing_by_full_walks(&procedure);
        for step in procedure.step_ids() {
            let mut found: Vec<_> = procedure.nesting.enclosing(step).collect();
            found.sort();
            assert_eq!(found, expected[step.0 as usize], "{file}: {step:?}");
            assert_eq!(
                procedure.nesting.depth(step),
                found.len(),
                "{file}: {step:?}"
            );
            if !file.contains("nesting-tree") {
                shipped_blocks += found.len();
            }
        }
    }
    // The shipped procedures have together blocks, so the comparison means something.
    assert!(shipped_blocks > 0);
}

#[test]
fn the_drawings_waymark_lays_out_refuse_nesting_deeper_than_500_quickly() {
    // SVG and BPMN share a layered layout that gives a line a point in every column it
    // crosses: depth x depth points for nested blocks. They draw 500 deep and refuse deeper
    // with WM0217, found in linear time.
    let scratch = Scratch::new("nested-drawn");
    let deepest = scratch.file("deep500.wm", nested_together(500).as_bytes());
    let too_deep = scratch.file("deep501.wm", nested_together(501).as_bytes());
    for format in ["svg", "bpmn"] {
        let (code, stderr, _) = timed(&["export", &deepest, "--to", format, "-o", "/dev/null"]);
        assert_eq!(code, 0, "{format}: {stderr}");
        let (code, stderr, _) = timed(&["export", &too_deep, "--to", format, "-o", "/dev/null"]);
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(stderr.contains("WM0217"), "{stderr}");
        assert!(stderr.contains("`t500`"), "{stderr}");
        assert_linear(format, 10_000, |depth| {
            let path = scratch.file(
                &format!("deep{depth}.wm"),
                nested_together(depth).as_bytes(),
            );
            let (code, stderr, took) = timed(&["export", &path, "--to", format, "-o", "/dev/null"]);
            assert_eq!(code, 1, "{format}: {stderr}");
            assert!(stderr.contains("WM0217"), "{stderr}");
            took
        });
    }
}

#[test]
fn a_control_character_in_a_title_does_not_reach_the_terminal_from_diff() {
    let scratch = Scratch::new("diff-control");
    let old = b"procedure p \"P\"\nrole w \"W\"\nstart a\nstep a \"A\"\n  by w\n  untimed \"x\"\n  then done\nend done \"Done\"\n";
    let new = b"procedure p \"P\"\nrole w \"W\"\nstart a\nstep a \"\x1b[2JA\"\n  by w\n  untimed \"x\"\n  then done\nend done \"Done\"\n";
    let old = scratch.file("old.wm", old);
    let new = scratch.file("new.wm", new);
    for format in ["human", "markdown"] {
        let (code, stdout, stderr) = waymark(&["diff", &old, &new, "--format", format]);
        assert_eq!(code, 1, "{stderr}");
        assert!(!stdout.contains('\u{1b}'), "{format}: {stdout:?}");
        // Markdown also writes `[` as `\[`, which reads as `[`.
        let shown = match format {
            "markdown" => "\\u{1b}\\[2JA",
            _ => "\\u{1b}[2JA",
        };
        assert!(stdout.contains(shown), "{format}: {stdout}");
    }
}
