//! Regression tests for hostile input (issue 14): each failed before its fix.

use crate::cli::{Scratch, waymark};
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

// The bounds below are ten times what the fixed code takes in a debug build on a busy machine;
// before the fixes each took far longer (minutes for the drawings).

#[test]
fn a_decision_with_40_000_outcomes_is_checked_and_drawn_in_linear_time() {
    let scratch = Scratch::new("many-outcomes");
    let path = scratch.file("d.wm", decision(40_000).as_bytes());
    for args in [
        vec!["check", path.as_str()],
        vec!["export", path.as_str(), "--to", "mermaid"],
    ] {
        let (code, stderr, took) = timed(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(took < Duration::from_secs(15), "{args:?} took {took:?}");
    }
}

#[test]
fn an_svg_of_a_40_000_step_chain_is_drawn_in_linear_time() {
    let scratch = Scratch::new("svg-chain");
    let path = scratch.file("line.wm", chain(40_000, false).as_bytes());
    let (code, stderr, took) = timed(&["export", &path, "--to", "svg", "-o", "/dev/null"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(took < Duration::from_secs(40), "took {took:?}");
}
