//! Work due `before each STEP` (issue 16, item 3), end to end beyond `run`'s fixtures: every
//! drawing of `examples/strategy_meetings.wm` (snapshotted, and passed through the tools the
//! export tests use), and `diff --cases` between `before` and `before each`.

use crate::cli::waymark;
use crate::export::{assert_clean, node_tool, tool};
use std::path::PathBuf;

const EXAMPLE: &str = "examples/strategy_meetings.wm";

fn exported(format: &str) -> String {
    let (code, stdout, stderr) = waymark(&["export", EXAMPLE, "--to", format]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// The example's export in `format`, written to a folder of the test's own.
fn written(format: &str) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/export-tests")
        .join(format!("before-each-{format}"));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(format!("strategy_meetings.{format}"));
    std::fs::write(&file, exported(format)).unwrap();
    file
}

#[test]
fn every_drawing_says_the_work_is_due_before_each_meeting() {
    let words = "before each strategy discussion or meeting";
    for format in ["mermaid", "dot", "svg", "bpmn"] {
        let text = exported(format);
        // Drawings wrap lines; the words are there once the breaks are taken out.
        let flat = text
            .replace("<br/>", " ")
            .replace("</tspan><tspan", " <tspan")
            .replace('\n', " ");
        let flat = strip_tags(&flat);
        assert!(flat.contains(words), "{format}: {text}");
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            description => format!("waymark export {EXAMPLE} --to {format}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("before_each__strategy_meetings_{format}"), text);
        });
    }
    let bpmn = exported("bpmn");
    assert!(
        bpmn.contains("waymark:before-each=\"strategy_discussion\""),
        "{bpmn}"
    );
    assert!(
        bpmn.contains("done once before each occurrence of strategy_discussion"),
        "{bpmn}"
    );
}

/// Text without its XML tags, with spaces run together.
fn strip_tags(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_drawings_pass_the_tools() {
    let dot = written("dot");
    assert_clean(
        "dot",
        &tool(
            "dot",
            &["-Tsvg", "-o", "/dev/null"],
            std::slice::from_ref(&dot),
        ),
    );
    let svg = written("svg");
    assert_clean(
        "xmllint on the SVG",
        &tool("xmllint", &["--noout"], std::slice::from_ref(&svg)),
    );
    let mermaid = written("mermaid");
    assert_clean(
        "Mermaid's parser",
        &node_tool("tools/parse-mermaid.mjs", std::slice::from_ref(&mermaid)),
    );
    let bpmn = written("bpmn");
    let schema = "tools/node_modules/bpmn-moddle/resources/bpmn/xsd/BPMN20.xsd";
    let output = tool(
        "xmllint",
        &["--noout", "--schema", schema],
        std::slice::from_ref(&bpmn),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for script in [
        "tools/validate-bpmn.mjs",
        "tools/lint-bpmn.mjs",
        "tools/run-bpmn.mjs",
    ] {
        let output = node_tool(script, std::slice::from_ref(&bpmn));
        assert_clean(script, &output);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("ok: "), "{script}: {stdout}");
    }
}

/// `before` to `before each`: the deadline reads as one changed rule, and each case's first
/// row stays the row it was (only what changed per meeting is listed).
#[test]
fn diff_cases_between_before_and_before_each() {
    let (code, stdout, stderr) = waymark(&[
        "diff",
        "tests/diff/before_each/old.wm",
        "tests/diff/before_each/new.wm",
        "--cases",
        "tests/run/before_each_meeting/cases.jsonl",
        "--as-of",
        "2026-04-10",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("was: due 1 working day before strategy_discussion")
            && stdout.contains("now: due 1 working day before each strategy_discussion"),
        "{stdout}"
    );
    // The case with a record before both meetings gains its second meeting's row, met; the
    // first row is unchanged.
    assert!(
        stdout.contains("share_information (occurrence 2): new step, met"),
        "{stdout}"
    );
    assert!(!stdout.contains("no longer in the procedure"), "{stdout}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("before_each__diff_cases", stdout);
    });
}

/// The example's policy tests, worked out by hand, pass: `waymark test` picks each meeting's
/// row by `occurrence N`.
#[test]
fn the_examples_policy_tests_pass() {
    let (code, stdout, stderr) = waymark(&["test", "examples/strategy_meetings.wmtest"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("test result: ok. 4 passed, 0 failed, 0 errors"),
        "{stdout}"
    );
}
