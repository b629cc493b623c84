//! Runs the built `waymark` binary and checks exit codes and output.

use std::process::Command;

/// `waymark run` of the assessment procedure on cases from standard input, as of 2026-06-30
/// (more arguments may follow; standard input is for the caller to give).
pub fn run_on_standard_input() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command
        .args([
            "run",
            "procedures/assessment.wm",
            "-",
            "--as-of",
            "2026-06-30",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

pub fn waymark(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the waymark binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The peak resident memory (its `VmHWM`, in kB) of a running child, watched until it ends.
/// The high-water mark only grows: the last reading before the process ends is its peak but
/// for the last few milliseconds.
pub fn peak_memory_until_done(child: &mut std::process::Child) -> u64 {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let high = text
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok());
        peak = peak.max(high.unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    peak
}

#[test]
fn missing_file_is_a_usage_error() {
    let (code, _, stderr) = waymark(&["check", "no/such/file.wm"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn bad_flag_is_a_usage_error() {
    let (code, _, _) = waymark(&["check", "--no-such-flag", "x.wm"]);
    assert_eq!(code, 2);
}

#[test]
fn explain_prints_the_long_explanation() {
    let (code, stdout, _) = waymark(&["explain", "WM0101"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# WM0101 unknown-keyword"), "{stdout}");
    let (code, _, stderr) = waymark(&["explain", "dead-edn"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `dead-end`?"), "{stderr}");
}

/// A scratch folder for files a test writes, removed on drop.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("waymark-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn missing_file_has_its_code() {
    let (code, _, stderr) = waymark(&["check", "no/such/file.wm"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("error[WM0001]"), "{stderr}");
}

#[test]
fn clean_warning_and_error_files_exit_0_0_and_1() {
    let (code, _, stderr) = waymark(&["check", "tests/check/ok/branches_cover_every_value.wm"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.ends_with("no problems in 1 file\n"), "{stderr}");
    let (code, _, stderr) = waymark(&["check", "tests/check/err/role_never_used.wm"]);
    assert_eq!(code, 0, "warnings alone do not fail: {stderr}");
    assert!(stderr.contains("1 warning in 1 file"), "{stderr}");
    let (code, _, _) = waymark(&[
        "check",
        "--deny-warnings",
        "tests/check/err/role_never_used.wm",
    ]);
    assert_eq!(code, 1);
    let (code, _, stderr) = waymark(&[
        "check",
        "tests/check/err/dead_end.wm",
        "tests/check/err/role_never_used.wm",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("1 error, 1 warning in 2 files"), "{stderr}");
}

#[test]
fn unusable_files_get_a_diagnostic_not_a_panic() {
    let scratch = Scratch::new("unusable");
    let cases: [(&str, &[u8], &str); 4] = [
        ("latin1.wm", b"procedure a \"caf\xe9\"\n", "WM0002"),
        ("empty.wm", b"", "WM0003"),
        ("blank.wm", b"\n  \n", "WM0003"),
        ("binary.wm", b"\x7fELF\x02\x01\x00\x00", "WM0004"),
    ];
    for (name, bytes, expected) in cases {
        let path = scratch.file(name, bytes);
        let (code, stdout, stderr) = waymark(&["check", "--format", "json", &path]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stdout.contains(expected), "{name}: {stdout}");
    }
    let huge = scratch.0.join("huge.wm");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let (code, _, stderr) = waymark(&["check", huge.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("WM0005"), "{stderr}");
}

#[test]
fn json_diagnostics_carry_position_span_and_help() {
    let (code, stdout, _) = waymark(&[
        "check",
        "--format",
        "json",
        "tests/syntax/err/several_mistakes_in_one_file.wm",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    for json in &lines {
        for key in [
            "code", "severity", "message", "file", "line", "column", "span", "label", "help",
        ] {
            assert!(!json[key].is_null(), "missing {key} in {json}");
        }
        assert!(json["span"]["start"].as_u64() <= json["span"]["end"].as_u64());
    }
    let lines_seen: Vec<u64> = lines.iter().map(|j| j["line"].as_u64().unwrap()).collect();
    let mut sorted = lines_seen.clone();
    sorted.sort();
    assert_eq!(lines_seen, sorted, "diagnostics come in file order");
}

#[test]
fn every_help_teaches_with_examples() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["explain", "--help"],
        &["days", "--help"],
        &["run", "--help"],
        &["export", "--help"],
        &["diff", "--help"],
        &["import", "--help"],
        &["import", "cin-census", "--help"],
        &["test", "--help"],
        &["serve", "--help"],
    ] {
        let (code, stdout, _) = waymark(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(
            stdout.contains("Examples:"),
            "{args:?} help has no examples:\n{stdout}"
        );
    }
}

#[test]
fn explain_lists_every_code() {
    let (code, stdout, _) = waymark(&["explain", "--list"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.lines().count(),
        waymark_diagnostics::codes::ALL.len()
    );
}

#[test]
fn a_reader_that_stops_early_gets_no_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        // Over 64 KB, more than a pipe holds, so writing really does hit the closed pipe.
        .args(["days", "1991-01-02", "+20000", "--explain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader (and with it the pipe) is gone; the rest of the list has nowhere to go.
    let output = child.wait_with_output().unwrap();
    assert!(first.starts_with("Counting 20000 working days"), "{first}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `waymark` with `input` on standard input.
pub fn waymark_with_input(args: &[&str], input: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the waymark binary runs");
    let mut stdin = child.stdin.take().expect("a pipe to standard input");
    // A program that refuses its input may stop before reading it: on a loaded machine the
    // pipe is then closed before the text is all written, which is no failure of the program.
    if let Err(error) = stdin.write_all(input.as_bytes()) {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_reads_a_procedure_from_standard_input() {
    // A shipped procedure with no `use` line checks as cleanly from a pipe as from its file.
    let text = std::fs::read_to_string("procedures/recording.wm").unwrap();
    let (from_file, _, file_stderr) = waymark(&["check", "procedures/recording.wm"]);
    let (code, _, stderr) = waymark_with_input(&["check", "-"], &text);
    assert_eq!((code, from_file), (0, 0), "{stderr}\n{file_stderr}");

    // Problems are reported against `<stdin>`, in JSON as in words.
    let broken = "procedure p\nstart a\nstep a \"A\"\n  then b\n";
    let (code, _, stderr) = waymark_with_input(&["check", "-"], broken);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("WM0201") && stderr.contains("<stdin>:4:8"),
        "{stderr}"
    );
    let (code, stdout, _) = waymark_with_input(&["check", "-", "--format", "json"], broken);
    assert_eq!(code, 1);
    assert!(stdout.contains("\"code\":\"WM0201\""), "{stdout}");

    // Empty input is refused as an empty file is; standard input cannot be read twice.
    let (code, _, stderr) = waymark_with_input(&["check", "-"], "");
    assert_eq!(code, 1);
    assert!(stderr.contains("WM0003"), "{stderr}");
    let (code, _, stderr) = waymark_with_input(&["check", "-", "-"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("more than once"), "{stderr}");
}

/// Every example in a command's `--help` that names only files shipped in this repository (and
/// writes no file, pipes nowhere) runs as written: no usage error (exit 2), no panic.
#[test]
fn help_examples_on_shipped_files_run_as_written() {
    let commands: &[&[&str]] = &[
        &["check"],
        &["explain"],
        &["days"],
        &["run"],
        &["export"],
        &["diff"],
        &["import", "cin-census"],
        &["fmt"],
        &["test"],
    ];
    let shipped = |word: &str| {
        let looks_like_a_file = word.contains('/') || word.contains('.');
        !looks_like_a_file || word.starts_with('-') || std::path::Path::new(word).exists()
    };
    let mut ran = 0;
    for command in commands {
        let (_, help, _) = waymark(&[&command[..], &["--help"]].concat());
        // An example may go on over the next line after a `\`.
        let mut joined: Vec<String> = Vec::new();
        for line in help.lines() {
            match joined.last_mut().filter(|last| last.ends_with('\\')) {
                Some(last) => {
                    last.pop();
                    last.push_str(line.trim_start());
                }
                None => joined.push(line.to_string()),
            }
        }
        for line in &joined {
            let Some(example) = line.trim_start().strip_prefix("waymark ") else {
                continue;
            };
            // The text after two spaces is the example's comment.
            let example = example.split("  ").next().unwrap_or_default();
            let words: Vec<&str> = example.split_whitespace().collect();
            let writes = words
                .iter()
                .any(|w| matches!(*w, "-o" | "|" | ">" | "serve" | "lsp"));
            let edits = words.first() == Some(&"fmt") && !words.contains(&"--check");
            if writes || edits || !words.iter().all(|w| shipped(w)) {
                continue;
            }
            let (code, _, stderr) = waymark(&words);
            // `diff` exits 2 for the shipped examples' five bad cases, which neither version
            // can read; anything else that exits 2 is a usage error in the example.
            let bad_cases = words.first() == Some(&"diff") && stderr.contains("case BAD1");
            assert!(
                code == 0 || code == 1 || (code == 2 && bad_cases),
                "`waymark {example}` exit {code}: {stderr}"
            );
            ran += 1;
        }
    }
    assert!(ran >= 15, "only {ran} help examples ran");
}
