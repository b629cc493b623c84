//! The fixture folders: every `tests/{syntax,check}/err/*.wm` file must give exactly the
//! diagnostics its `# expect: CODE` comments name, on those lines; every `ok/*.wm` file must
//! check clean even with `--deny-warnings`. Each err fixture's source and report are kept as a
//! snapshot, so a change to any message is reviewed.

use crate::cli::waymark;
use std::collections::BTreeSet;
use std::path::Path;

/// Guidance texts for citation fixtures (written for the tests, not copied from the seeds).
const SOURCES: &str = "tests/check/sources";

fn fixtures(folder: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {folder}: {e}"))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".wm"))
        .map(|name| format!("{folder}/{name}"))
        .collect();
    files.sort();
    files
}

/// (line, code) for every `# expect: CODE[, CODE]` comment. A diagnostic that belongs in a file
/// the fixture uses is written `# expect-elsewhere: CODE` and counted with line 0.
fn expectations(text: &str) -> BTreeSet<(usize, String)> {
    let mut expected = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let (line_number, codes) = match (
            line.split_once("# expect:"),
            line.split_once("# expect-elsewhere:"),
        ) {
            (Some((_, codes)), _) => (index + 1, codes),
            (None, Some((_, codes))) => (0, codes),
            (None, None) => continue,
        };
        for code in codes.split(',') {
            expected.insert((line_number, code.trim().to_string()));
        }
    }
    expected
}

/// (line, code) of every diagnostic from `waymark check --format json`; those in other files
/// (files the fixture uses) with line 0.
fn reported(path: &str) -> BTreeSet<(usize, String)> {
    let (_, stdout, stderr) = waymark(&["check", "--format", "json", "--sources", SOURCES, path]);
    stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("{e}: {line}\n{stderr}"))
        })
        .map(|json| {
            let in_fixture = json["file"] == path;
            let line = if in_fixture {
                json["line"].as_u64().unwrap_or(0) as usize
            } else {
                0
            };
            (line, json["code"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn check_error_fixtures(folder: &str, minimum: usize) {
    let files = fixtures(folder);
    assert!(
        files.len() >= minimum,
        "expected at least {minimum} fixtures in {folder}"
    );
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expectations(&text);
        assert!(!expected.is_empty(), "{path} has no `# expect:` comment");
        let found = reported(path);
        if found != expected {
            failures.push(format!(
                "{path}\n  expected {expected:?}\n  reported {found:?}"
            ));
        }
        let (code, _, stderr) = waymark(&["check", "--sources", SOURCES, path]);
        let name = Path::new(path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let snapshot = format!("{text}\n---- waymark check {path} (exit {code})\n{stderr}");
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{}__{name}", folder.replace('/', "_")), snapshot);
        });
    }
    assert!(
        failures.is_empty(),
        "fixtures whose diagnostics differ from their `# expect:` comments:\n{}",
        failures.join("\n")
    );
}

fn check_clean_fixtures(folder: &str, minimum: usize) {
    let files = fixtures(folder);
    assert!(
        files.len() >= minimum,
        "expected at least {minimum} fixtures in {folder}"
    );
    for path in files {
        let (code, _, stderr) = waymark(&["check", "--deny-warnings", "--sources", SOURCES, &path]);
        assert_eq!(code, 0, "{path} should check clean:\n{stderr}");
    }
}

#[test]
fn syntax_error_fixtures() {
    check_error_fixtures("tests/syntax/err", 15);
}

#[test]
fn syntax_ok_fixtures() {
    check_clean_fixtures("tests/syntax/ok", 2);
}

#[test]
fn check_error_fixtures_each_give_their_code() {
    check_error_fixtures("tests/check/err", 30);
}

#[test]
fn check_ok_fixtures() {
    check_clean_fixtures("tests/check/ok", 5);
}
