//! `waymark export`: a snapshot of every format for every shipped procedure, the real tools
//! accepting every export (Graphviz, Mermaid's parser, xmllint with the BPMN 2.0 XSD,
//! bpmn-moddle), drawings without overlapping boxes, and the command line's promises.
//!
//! The tools are installed by `.ci/run`. A test whose tool is missing fails, saying how to
//! install it: a skipped validation would pass CI without validating anything.

use crate::cli::waymark;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use waymark_check::CheckOptions;
use waymark_compile::{Loader, Procedure};
use waymark_diagnostics::{FileId, Sources};
use waymark_export::Format;

const INSTALL_HINT: &str = "run `.ci/run` once (it installs the export validators), or install \
them by hand: `apt-get install graphviz libxml2-utils` and `npm ci` in `tools/`";

fn shipped() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("procedures"))
        .unwrap()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".wm"))
        .map(|name| format!("procedures/{name}"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "expected the shipped procedures");
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Mermaid => "mermaid",
        Format::Dot => "dot",
        Format::Svg => "svg",
        Format::Bpmn => "bpmn",
    }
}

/// Runs `waymark export` and returns what it printed.
fn exported(path: &str, format: Format) -> String {
    let (code, stdout, stderr) = waymark(&["export", path, "--to", format_name(format)]);
    assert_eq!(code, 0, "export of {path} failed:\n{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

/// Reads `use` files from beside the procedure.
struct Files<'a> {
    sources: &'a mut Sources,
}

impl Loader for Files<'_> {
    fn load(&mut self, from: FileId, path: &str) -> Result<(FileId, String), String> {
        let base = Path::new(self.sources.name(from))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let full = base.join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((self.sources.add(full.to_string_lossy(), text.clone()), text))
    }
}

/// Compiles a procedure file (relative to the repository root) with the library.
fn compiled(path: &str) -> Procedure {
    let full = root().join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    let mut sources = Sources::new();
    let file = sources.add(full.to_string_lossy(), text.clone());
    let mut loader = Files {
        sources: &mut sources,
    };
    let checked =
        waymark_check::check_text(file, &text, &mut loader, &CheckOptions { guidance: None });
    checked.procedure.unwrap()
}

/// Writes every shipped procedure's export in `format` to a fresh folder; returns the paths.
fn write_exports(format: Format) -> Vec<PathBuf> {
    let folder = root().join("target/export-tests").join(format_name(format));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    shipped()
        .iter()
        .map(|path| {
            let file = folder.join(format!("{}.{}", stem(path), format.extension()));
            std::fs::write(&file, exported(path, format)).unwrap();
            file
        })
        .collect()
}

/// Runs an external tool; a tool that is not installed fails the test with how to install it.
fn tool(program: &str, args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(program)
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .unwrap_or_else(|error| panic!("cannot run `{program}` ({error}): {INSTALL_HINT}"))
}

fn node_tool(script: &str, files: &[PathBuf]) -> Output {
    let modules = root().join("tools/node_modules");
    assert!(
        modules.is_dir(),
        "tools/node_modules is missing, so `{script}` cannot run: {INSTALL_HINT}"
    );
    tool("node", &[script], files)
}

fn assert_clean(what: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stderr.trim().is_empty(),
        "{what} warned (warnings count as failures):\n{stderr}"
    );
}

#[test]
fn every_format_of_every_shipped_procedure_is_snapshotted() {
    for path in shipped() {
        for format in [Format::Mermaid, Format::Dot] {
            let name = format_name(format);
            let description = format!("waymark export {path} --to {name}");
            insta::with_settings!({
                snapshot_path => "snapshots",
                prepend_module_to_snapshot => false,
                description => description,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("export__{}_{name}", stem(&path)), exported(&path, format));
            });
        }
    }
}

#[test]
fn exports_are_deterministic() {
    for path in shipped() {
        let procedure = compiled(&path);
        let again = compiled(&path);
        for format in Format::ALL {
            let first = waymark_export::export(&procedure, format);
            let second = waymark_export::export(&again, format);
            assert_eq!(first, second, "{path} as {format:?} differs between runs");
        }
    }
}

#[test]
fn graphviz_parses_every_dot_export_without_warnings() {
    for file in write_exports(Format::Dot) {
        let output = tool(
            "dot",
            &["-Tsvg", "-o", "/dev/null"],
            std::slice::from_ref(&file),
        );
        assert_clean(&format!("dot on {}", file.display()), &output);
    }
}

#[test]
fn mermaid_parses_every_mermaid_export() {
    let files = write_exports(Format::Mermaid);
    let output = node_tool("tools/parse-mermaid.mjs", &files);
    assert_clean("Mermaid's parser", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("ok: ").count(), files.len(), "{stdout}");
}

#[test]
fn export_refuses_a_procedure_with_errors() {
    let (code, stdout, stderr) =
        waymark(&["export", "tests/check/err/dead_end.wm", "--to", "mermaid"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("WM0"), "{stderr}");
    assert!(stderr.contains("was not drawn"), "{stderr}");
}

#[test]
fn export_writes_the_file_whole() {
    let folder = root().join("target/export-tests/output");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("assessment.mmd");
    let file_text = file.to_string_lossy().into_owned();
    let (code, stdout, stderr) = waymark(&[
        "export",
        "procedures/assessment.wm",
        "--to",
        "mermaid",
        "-o",
        &file_text,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        exported("procedures/assessment.wm", Format::Mermaid)
    );
    let leftovers = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(leftovers, 1, "only the drawing is left behind");
    let missing = folder.join("no/such/folder/a.svg");
    let (code, _, stderr) = waymark(&[
        "export",
        "procedures/assessment.wm",
        "--to",
        "svg",
        "-o",
        &missing.to_string_lossy(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn export_usage_errors_and_help() {
    let (code, _, stderr) = waymark(&["export", "procedures/assessment.wm", "--to", "png"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = waymark(&["export", "no/such/file.wm", "--to", "svg"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no such file"), "{stderr}");
    let (code, stdout, _) = waymark(&["export", "--help"]);
    assert_eq!(code, 0);
    for expected in ["--to", "mermaid", "dot", "svg", "bpmn", "-o", "Examples:"] {
        assert!(
            stdout.contains(expected),
            "help lacks {expected}:\n{stdout}"
        );
    }
}
