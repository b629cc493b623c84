//! The VS Code extension's TextMate grammar passes its tests: `vscode-tmgrammar-test` on the
//! annotated lines of `editors/vscode/test/*.test.wm`, and a check of every shipped procedure
//! (`editors/vscode/test/shipped.test.js`, which also activates the extension with stand-ins for
//! VS Code and checks it starts `waymark lsp`). `tests/run-all` installs their npm packages.

use std::path::Path;
use std::process::Command;

fn extension() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/editors/vscode"))
}

/// Runs a command in the extension's folder and fails with its output if it fails.
fn passes(program: &str, args: &[&str]) {
    let modules = extension().join("node_modules");
    assert!(
        modules.is_dir(),
        "editors/vscode/node_modules is missing: run `./tests/run-all`, or `npm ci` in editors/vscode"
    );
    let output = Command::new(program)
        .args(args)
        .current_dir(extension())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{shown}"
    );
}

#[test]
fn grammar_marks_every_kind_of_line() {
    passes(
        "node",
        &[
            "node_modules/vscode-tmgrammar-test/dist/unit.js",
            "-g",
            "syntaxes/waymark.tmLanguage.json",
            "test/*.test.wm",
        ],
    );
}

#[test]
fn grammar_reads_every_shipped_procedure_and_the_client_starts_the_server() {
    passes("node", &["--test", "test/shipped.test.js"]);
}
