//! Everything shipped stays correct: every procedure and example checks clean with warnings
//! denied, and every citation is found in the guidance it cites.

use crate::cli::waymark;
use std::path::{Path, PathBuf};

/// The draft amendment changes two rules ahead of the guidance it cites: `check` is meant to
/// warn about exactly those (see `the_draft_amendment_is_warned_where_it_leaves_the_guidance`).
const DRAFT: &str = "examples/assessment-amendment-draft.wm";

fn shipped_files() -> Vec<String> {
    let mut files = Vec::new();
    for folder in ["procedures", "examples"] {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "wm") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    files.retain(|file| file != DRAFT);
    files.sort();
    files
}

#[test]
fn the_draft_amendment_is_warned_where_it_leaves_the_guidance() {
    let (code, stdout, stderr) = waymark(&["check", "--format", "json", DRAFT]);
    assert_eq!(code, 0, "warnings only: {stderr}");
    let text = std::fs::read_to_string(DRAFT).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // The draft's changed time limits: "# DRAFT CHANGE: 3 working days (...)".
    let changed: Vec<usize> = (0..lines.len())
        .filter(|i| {
            lines[*i].trim_start().starts_with("# DRAFT CHANGE: ")
                && lines[*i].contains("working days")
        })
        .map(|i| i + 1)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    let warned: Vec<(String, usize)> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|json| {
            let code = json["code"].as_str().unwrap_or_default().to_string();
            (code, json["line"].as_u64().unwrap_or(0) as usize)
        })
        .collect();
    // Every warning is WM0318, on a citation of a changed item; every change is warned.
    let item_of = |line: usize| {
        changed
            .iter()
            .rev()
            .find(|c| **c <= line && line - **c < 12)
            .copied()
    };
    for (code, line) in &warned {
        assert_eq!(code, "WM0318", "{stderr}");
        assert!(
            lines[line - 1].trim_start().starts_with("cite "),
            "line {line}: {stderr}"
        );
        assert!(
            item_of(*line).is_some(),
            "line {line} is not in a changed item: {stderr}"
        );
    }
    for change in &changed {
        assert!(
            warned
                .iter()
                .any(|(_, line)| item_of(*line) == Some(*change)),
            "{change}: {stderr}"
        );
    }
}

/// The guidance texts the procedures cite. They are not part of the project (it must not copy
/// them): they sit beside it in `../shared/seeds`, or where `WAYMARK_SEEDS` says.
fn seeds() -> Option<PathBuf> {
    let path = std::env::var_os("WAYMARK_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"));
    path.is_dir().then_some(path)
}

#[test]
fn shipped_procedures_and_examples_check_clean() {
    let files = shipped_files();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("procedures/assessment.wm")),
        "{files:?}"
    );
    let mut args = vec!["check".to_string(), "--deny-warnings".to_string()];
    match seeds() {
        Some(dir) => args.extend(["--sources".to_string(), dir.to_string_lossy().into_owned()]),
        None => eprintln!(
            "note: guidance texts not found at ../shared/seeds (set WAYMARK_SEEDS): citations not verified"
        ),
    }
    args.extend(files.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, stderr) = waymark(&args);
    assert_eq!(code, 0, "shipped files must check clean:\n{stderr}");
    assert!(
        stderr.contains(&format!("no problems in {} files", files.len())),
        "{stderr}"
    );
}

#[test]
fn shipped_citations_are_checked_when_the_guidance_is_present() {
    let Some(dir) = seeds() else {
        eprintln!("note: guidance texts not found: this test only runs beside ../shared/seeds");
        return;
    };
    let (_, stdout, _) = waymark(&[
        "check",
        "--format",
        "json",
        "--sources",
        &dir.to_string_lossy(),
        "procedures/assessment.wm",
    ]);
    assert!(
        !stdout.contains("WM0314"),
        "every source of assessment.wm has its text:\n{stdout}"
    );
    // A changed phrase is noticed: cite one that is not in the text.
    let scratch = crate::cli::Scratch::new("citation");
    let text = std::fs::read_to_string("procedures/section47.wm").unwrap();
    let changed = text.replacen(
        "cite protocol \"",
        "cite protocol \"not in the guidance ",
        1,
    );
    let path = scratch.file("section47.wm", changed.as_bytes());
    let (code, stdout, _) = waymark(&[
        "check",
        "--deny-warnings",
        "--format",
        "json",
        "--sources",
        &dir.to_string_lossy(),
        &path,
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("WM0313"), "{stdout}");
}

#[test]
fn the_csv_example_runs_with_its_facts() {
    let args = [
        "run",
        "procedures/assessment.wm",
        "examples/cases.csv",
        "--facts",
        "examples/facts.csv",
        "--as-of",
        "2026-06-30",
    ];
    let (code, stdout, stderr) = waymark(&args);
    assert_eq!(code, 0, "{stderr}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("shipped__csv_example", format!("{}\n{stdout}", args.join(" ")));
    });
}

#[test]
fn the_amendment_draft_runs_and_is_drawn() {
    let (code, stdout, stderr) = waymark(&[
        "run",
        "examples/assessment-amendment-draft.wm",
        "examples/cases.jsonl",
        "--as-of",
        "2026-06-30",
        "--summary",
    ]);
    assert_eq!(
        code, 1,
        "the example cases hold deliberately bad lines: {stderr}"
    );
    assert!(stdout.contains("assessment_complete"), "{stdout}");
    let scratch = crate::cli::Scratch::new("amendment-drawing");
    let svg = scratch.0.join("amendment.svg");
    let (code, _, stderr) = waymark(&[
        "export",
        "examples/assessment-amendment-draft.wm",
        "--to",
        "svg",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    crate::export::assert_clean(
        "xmllint on the amendment",
        &crate::export::tool("xmllint", &["--noout"], &[svg]),
    );
    let (code, mermaid, _) = waymark(&[
        "export",
        "examples/assessment-amendment-draft.wm",
        "--to",
        "mermaid",
    ]);
    assert_eq!(code, 0);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("shipped__amendment_mermaid", mermaid);
    });
}

/// Reads `use`d procedures from the procedures folder.
struct Procedures(waymark_diagnostics::Sources);

impl waymark_compile::Loader for Procedures {
    fn load(
        &mut self,
        _from: waymark_diagnostics::FileId,
        path: &str,
    ) -> Result<(waymark_diagnostics::FileId, String), String> {
        let full = Path::new("procedures").join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((self.0.add(full.to_string_lossy(), text.clone()), text))
    }
}

/// Every shipped procedure runs: 300 generated cases each (seeded, so the same every time), with
/// a fixed as-of date; the caseload summary is kept as a snapshot.
#[test]
fn every_shipped_procedure_runs_a_generated_caseload() {
    let as_of = waymark_calendar::parse_date("2026-06-30").unwrap();
    for path in shipped_files()
        .into_iter()
        .filter(|f| f.starts_with("procedures/"))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut loader = Procedures(waymark_diagnostics::Sources::new());
        let file = loader.0.add(path.clone(), text.clone());
        let checked = waymark_check::check_text(
            file,
            &text,
            &mut loader,
            &waymark_check::CheckOptions::default(),
        );
        let procedure = checked.procedure.unwrap();
        let calendar = waymark_calendar::builtin(&procedure.calendar).unwrap();
        let plan = waymark_run::Plan::new(&procedure, calendar);
        let cases = waymark_run::generate::cases(&plan, 7, 0, 300);
        let options = waymark_run::RunOptions {
            as_of,
            format: waymark_run::Format::Json,
            summary_only: true,
            reading: waymark_run::Reading::Replay,
        };
        let batch = waymark_run::run_batch(&plan, options, 1, cases.as_bytes());
        assert_eq!(
            (batch.summary.cases(), batch.summary.bad()),
            (300, 0),
            "{path}: {:?}",
            batch.problems
        );
        let name = Path::new(&path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("shipped__run_{name}"), batch.summary.to_json(&plan, as_of));
        });
    }
}
