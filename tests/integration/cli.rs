//! Runs the built `waymark` binary and checks exit codes and output.

use std::process::Command;

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
