//! The command line's input and output at their edges: a full disk, files of the wrong kind
//! or format, empty case files, closures files as Windows editors save them, `diff
//! --calendar`.

use crate::cli::{Scratch, run_on_standard_input, waymark};
use std::process::{Command, Stdio};

/// The impact test's two versions and cases: the new version shortens the visit's deadline.
const OLD: &str = "tests/diff/impact_on_cases/old.wm";
const NEW: &str = "tests/diff/impact_on_cases/new.wm";
const CASES: &str = "tests/diff/impact_on_cases/cases.jsonl";

#[test]
fn diff_counts_days_on_the_calendar_given() {
    let scratch = Scratch::new("diff-calendar");
    let closures = scratch.file(
        "closures.txt",
        b"# office move\n2026-03-24 to 2026-03-26  Office move\n",
    );
    let args = ["diff", OLD, NEW, "--cases", CASES, "--as-of", "2026-03-27"];
    let (_, plain, _) = waymark(&args);
    assert!(
        plain.contains("visit: due 2026-03-30 -> 2026-03-26"),
        "{plain}"
    );
    // Case I2's referral is on Monday 23 March: with the office closed 24-26 March, 5 working
    // days are 2 April (old) and 3 are 31 March (new).
    let (code, closed, stderr) = waymark(&[&args[..], &["--calendar", &closures]].concat());
    assert_eq!(code, 2, "case I5 is still bad: {stderr}");
    assert!(
        closed.contains("visit: due 2026-04-02 -> 2026-03-31"),
        "{closed}"
    );
    // A built-in name works as for `run`, and a bad one is a usage error.
    let (code, _, stderr) = waymark(&[&args[..], &["--calendar", "scotand"]].concat());
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `scotland`?"), "{stderr}");
    // Without --cases or --tests nothing counts days, so the calendar would be ignored.
    let (code, _, stderr) = waymark(&["diff", OLD, NEW, "--calendar", &closures]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_closures_file_may_start_with_a_byte_order_mark() {
    let scratch = Scratch::new("closures-bom");
    let closures = scratch.file(
        "closures.txt",
        "\u{feff}2025-12-24  Christmas Eve\r\n2025-12-29 to 2025-12-31  Christmas closure\r\n"
            .as_bytes(),
    );
    let (code, stdout, stderr) = waymark(&["days", "2025-12-23", "+1", "--calendar", &closures]);
    assert_eq!((code, stdout.as_str()), (0, "2026-01-02\n"), "{stderr}");
    // A bad date on the first line still points at the date, after the mark.
    let bad = scratch.file("bad.txt", "\u{feff}2025-12-32  Nope\n".as_bytes());
    let (code, _, stderr) = waymark(&["days", "2025-12-23", "+1", "--calendar", &bad]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("feff"), "{stderr}");
}

/// Runs `waymark` with standard output going to `/dev/full`, where every write fails.
#[cfg(target_os = "linux")]
fn to_full_disk(args: &[&str]) -> (i32, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(full)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error_for_every_command() {
    let commands: &[&[&str]] = &[
        &["days", "2025-12-01", "+45"],
        &["days", "2025-12-01", "+45", "--explain"],
        &["days", "between", "2026-01-05", "2026-03-02"],
        &["explain", "WM0301"],
        &["explain", "--list"],
        &["test", "procedures/recording.wmtest"],
        &["check", "--format", "json", "tests/check/err/dead_end.wm"],
        &["fmt", "procedures/assessment.wm", "--check"],
        &["diff", OLD, NEW],
        &["diff", OLD, NEW, "--cases", CASES, "--as-of", "2026-03-27"],
        &[
            "run",
            "procedures/assessment.wm",
            "examples/cases.jsonl",
            "--as-of",
            "2026-06-30",
        ],
    ];
    for args in commands {
        let (code, stderr) = to_full_disk(args);
        let said = stderr.matches("No space left on device").count();
        // `fmt --check` of a file in canonical layout prints nothing, so nothing fails.
        let expected = usize::from(args[0] != "fmt");
        assert_eq!(said, expected, "{args:?}: {stderr}");
        if expected == 1 {
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(
                stderr.contains("error: cannot write the output"),
                "{stderr}"
            );
        }
    }
}

/// `waymark run` of the shipped procedure and cases with `-o output`: its exit code and
/// standard error.
fn run_shipped_cases_to(output: &str) -> (i32, String) {
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
        "-o",
        output,
    ]);
    (code, stderr)
}

/// A report written with `-o` that fails part-way names the file (a full disk met during a
/// long run said only "cannot write the output").
#[cfg(target_os = "linux")]
#[test]
fn output_to_a_file_that_cannot_be_written_names_the_file() {
    let (code, stderr) = run_shipped_cases_to("/dev/full");
    assert_eq!(code, 2, "{stderr}");
    // After the file's bad cases, as a run reports them.
    assert!(
        stderr
            .ends_with("error: cannot write `/dev/full`: No space left on device (os error 28)\n"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_still_not_an_error() {
    for args in [
        &["days", "2025-12-01", "+45", "--explain"][..],
        &["explain", "--list"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn output_into_a_missing_folder_names_the_users_path() {
    let (code, stderr) = run_shipped_cases_to("/nonexistent/dir/x.txt");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "error: cannot write `/nonexistent/dir/x.txt`: the folder `/nonexistent/dir` does not exist"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains(".tmp"),
        "the temporary file is ours: {stderr}"
    );
}

#[test]
fn a_procedure_given_to_test_is_one_clear_error() {
    let (code, _, stderr) = waymark(&["test", "procedures/section47.wm"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("WM07").count(), 1, "{stderr}");
    assert!(
        stderr.contains("`procedures/section47.wm` is a procedure, not a test file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `waymark test procedures/section47.wmtest`"),
        "the test file beside it: {stderr}"
    );
    // Without a test file beside it, `waymark check` is suggested.
    let scratch = Scratch::new("procedure-as-test");
    let text = std::fs::read("procedures/section47.wm").unwrap();
    let alone = scratch.file("s47.wm", &text);
    let (code, _, stderr) = waymark(&["test", &alone]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0714"), "{stderr}");
    assert!(
        stderr.contains(&format!("run `waymark check {alone}`")),
        "{stderr}"
    );
}

#[test]
fn a_test_file_given_as_a_procedure_is_one_clear_error() {
    let (code, _, stderr) = waymark(&["check", "procedures/recording.wmtest"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("WM0008"), "{stderr}");
    assert!(!stderr.contains("WM0101"), "no unknown keyword: {stderr}");
    assert!(
        stderr.contains("run its tests with `waymark test procedures/recording.wmtest`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`waymark check procedures/recording.wm`"),
        "{stderr}"
    );
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/recording.wmtest",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("WM0").count(), 1, "{stderr}");
}

#[test]
fn a_case_file_with_no_cases_says_so() {
    let scratch = Scratch::new("no-cases");
    for (name, bytes) in [("empty.jsonl", &b""[..]), ("blank.jsonl", b"\n  \r\n\n")] {
        let path = scratch.file(name, bytes);
        let (code, _, stderr) = waymark(&[
            "run",
            "procedures/assessment.wm",
            &path,
            "--as-of",
            "2026-06-30",
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stderr, format!("note: no cases in `{path}`\n"));
        let (code, _, stderr) = waymark(&["diff", OLD, NEW, "--cases", &path]);
        assert_eq!(code, 1, "the versions differ: {stderr}");
        assert_eq!(stderr, format!("note: no cases in `{path}`\n"));
    }
    let (_, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
    ]);
    assert!(!stderr.contains("note: no cases"), "{stderr}");
}

#[test]
fn csv_or_xml_given_as_json_lines_is_one_message() {
    let scratch = Scratch::new("other-formats");
    let csv = scratch.file(
        "cases.txt",
        b"case,step,on\nC1,referral,2026-01-05\nC2,referral,2026-01-06\n",
    );
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &csv,
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error[WM0501]: `{csv}` looks like CSV, not JSON Lines: its first line is `case,step,on`"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("give `--input csv`"), "{stderr}");
    // Read as CSV when asked, its rows are read (these lack the fact every case needs).
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/assessment.wm",
        &csv,
        "--input",
        "csv",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("WM0501"), "{stderr}");
    assert!(
        stderr.contains("error[WM0503]: case C1, line 2"),
        "{stderr}"
    );
    // `diff --cases` says the same (exit 2: for diff, 1 means changes).
    let (code, _, stderr) = waymark(&["diff", OLD, NEW, "--cases", &csv]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    // A census piped to standard input.
    let census = std::fs::read("examples/census.xml").unwrap();
    let mut child = run_on_standard_input()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        // The command stops after the first line, so the rest may meet a closed pipe.
        let _ = child.stdin.take().unwrap().write_all(&census);
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(
        stderr.contains("error[WM0501]: standard input looks like XML, not JSON Lines"),
        "{stderr}"
    );
    assert!(stderr.contains("named on the command line"), "{stderr}");
}

/// `-o` through a symbolic link replaces the file it points to and keeps the link; `-o -` is
/// standard output, as `-` is standard input.
#[test]
fn output_goes_through_a_link_and_dash_is_standard_output() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("output-link");
    let real = scratch.file("real.mmd", b"old\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = real.replace("real.mmd", "link.mmd");
    std::os::unix::fs::symlink("real.mmd", &link).unwrap();
    let procedure = "procedures/recording.wm";
    let (code, _, stderr) = waymark(&["export", procedure, "--to", "mermaid", "-o", &link]);
    assert_eq!(code, 0, "{stderr}");
    let link_meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(link_meta.file_type().is_symlink(), "the link is kept");
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(written.contains("flowchart"), "{written}");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the file keeps its permissions");
    // A link to a file not made yet makes the file where it points.
    let dangling = real.replace("real.mmd", "later-link.mmd");
    std::os::unix::fs::symlink("later.mmd", &dangling).unwrap();
    let (code, _, stderr) = waymark(&["export", procedure, "--to", "mermaid", "-o", &dangling]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::path::Path::new(&real.replace("real.mmd", "later.mmd")).is_file());

    let (code, stdout, stderr) = waymark(&["export", procedure, "--to", "mermaid", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("flowchart"), "{stdout}");
    assert!(!std::path::Path::new("-").exists(), "no file named `-`");
}

/// `-o` naming a folder says so, for every command that writes a file, and writes nothing.
#[test]
fn output_to_a_folder_asks_for_a_file_name() {
    let scratch = Scratch::new("cli-io-out-folder");
    let folder = format!("{}/", scratch.0.display());
    let shown = |text: &str| text.replace(&folder, "DIR/");
    let run = [
        "run",
        "procedures/assessment.wm",
        "examples/deviations.jsonl",
        "-o",
        &folder,
    ];
    let (code, _, stderr) = waymark(&run);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        shown(&stderr),
        "error: `DIR/` is a folder: give a file name, e.g. `-o DIR/report.jsonl`\n"
    );
    let missing = format!("{folder}newdir/");
    let export = [
        "export",
        "procedures/assessment.wm",
        "--to",
        "svg",
        "-o",
        &missing,
    ];
    let (code, _, stderr) = waymark(&export);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        shown(&stderr).contains("the folder `DIR/newdir/` does not exist"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&scratch.0).unwrap().count(), 0);
}

/// A procedure given as `-` was looked for as a file called `-` ("no such file"); a version
/// that could not be read was said to have errors ("must check without errors").
#[test]
fn a_procedure_from_standard_input_or_a_pipe_is_refused_in_words() {
    let text = std::fs::read_to_string("procedures/assessment.wm").unwrap();
    let refused = "reading a procedure from standard input (`-`) is not supported here: save it to a file and give the file's path";
    let (code, _, stderr) = crate::cli::waymark_with_input(
        &[
            "run",
            "-",
            "examples/deviations.jsonl",
            "--as-of",
            "2026-06-30",
        ],
        &text,
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr, format!("error: {refused}\n"));
    let (code, _, stderr) =
        crate::cli::waymark_with_input(&["diff", "-", "procedures/assessment.wm"], &text);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error[WM0001]: {refused}\nhelp: for a version in git, save it first: `git show HEAD:PATH > old.wm`, then `waymark diff old.wm NEW`\n"
        )
    );
    // A pipe (what `<(git show ...)` gives) is refused as one, and only as one.
    let (code, _, stderr) = waymark(&["diff", "/dev/null", "procedures/assessment.wm"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("WM0006"), "{stderr}");
    assert!(
        stderr.contains("error: `/dev/null` could not be read, so the versions were not compared"),
        "{stderr}"
    );
    assert!(!stderr.contains("must check without errors"), "{stderr}");
}
