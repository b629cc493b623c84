//! `waymark export`: a snapshot of every format for every shipped procedure, the real tools
//! accepting every export (Graphviz, Mermaid's parser, xmllint with the BPMN 2.0 XSD,
//! bpmn-moddle), drawings without overlapping boxes, and the command line's promises.
//!
//! The tools are installed by `tests/run-all`. A test whose tool is missing fails, saying how to
//! install it: a skipped validation would pass CI without validating anything.

use crate::cli::waymark;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use waymark_check::CheckOptions;
use waymark_compile::{Loader, Procedure};
use waymark_diagnostics::{FileId, Sources};
use waymark_export::Format;

const INSTALL_HINT: &str = "run `./tests/run-all` (it installs the export validators, then runs every test), or install \
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
pub(crate) fn compiled(path: &str) -> Procedure {
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

/// Writes every shipped procedure's export in `format` to a fresh folder of the test's own
/// (tests run in parallel); returns the paths.
fn write_exports(format: Format, test: &str) -> Vec<PathBuf> {
    let folder = root().join("target/export-tests").join(test);
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
pub(crate) fn tool(program: &str, args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(program)
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .unwrap_or_else(|error| panic!("cannot run `{program}` ({error}): {INSTALL_HINT}"))
}

pub(crate) fn node_tool(script: &str, files: &[PathBuf]) -> Output {
    let modules = root().join("tools/node_modules");
    assert!(
        modules.is_dir(),
        "tools/node_modules is missing, so `{script}` cannot run: {INSTALL_HINT}"
    );
    tool("node", &[script], files)
}

pub(crate) fn assert_clean(what: &str, output: &Output) {
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
        for format in Format::ALL {
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
    for file in write_exports(Format::Dot, "dot") {
        let output = tool(
            "dot",
            &["-Tsvg", "-o", "/dev/null"],
            std::slice::from_ref(&file),
        );
        assert_clean(&format!("dot on {}", file.display()), &output);
    }
}

/// Graphviz draws every shipped procedure at most twice as wide as tall or tall as wide: read at
/// the size Graphviz gives, no drawing is a long strip (left to right, the assessment was 7.6
/// times as wide as tall).
#[test]
fn graphviz_draws_no_long_strips() {
    let mut shapes = Vec::new();
    for file in write_exports(Format::Dot, "dot-shape") {
        let output = tool("dot", &["-Tplain"], std::slice::from_ref(&file));
        assert_clean(&format!("dot on {}", file.display()), &output);
        let plain = String::from_utf8_lossy(&output.stdout);
        // The first line is "graph SCALE WIDTH HEIGHT".
        let numbers: Vec<f64> = plain
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .skip(2)
            .map(|n| n.parse().unwrap())
            .collect();
        let (width, height) = (numbers[0], numbers[1]);
        shapes.push((file.display().to_string(), width / height));
    }
    let strips: Vec<_> = shapes
        .iter()
        .filter(|(_, ratio)| *ratio > 2.0 || *ratio < 0.5)
        .collect();
    assert!(strips.is_empty(), "width / height: {shapes:?}");
}

#[test]
fn mermaid_parses_every_mermaid_export() {
    let files = write_exports(Format::Mermaid, "mermaid");
    let output = node_tool("tools/parse-mermaid.mjs", &files);
    assert_clean("Mermaid's parser", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("ok: ").count(), files.len(), "{stdout}");
}

/// Every shipped procedure's Mermaid as Mermaid itself draws it (mermaid-cli in Debian's
/// Chromium, `tools/render/check-mermaid.mjs`): no line runs through a box it does not start or
/// end at, so no path can be misread, and every box and line was found in the drawing.
#[test]
fn mermaid_drawn_by_mermaid_runs_no_line_through_a_box() {
    let files = write_exports(Format::Mermaid, "mermaid-cli");
    assert!(
        root().join("tools/render/node_modules").is_dir(),
        "tools/render/node_modules is missing: run `./tests/run-all`, or install by hand: \
         `apt-get install chromium fonts-dejavu-core` and `PUPPETEER_SKIP_DOWNLOAD=1 npm ci` in \
         `tools/render/`"
    );
    let output = tool("node", &["tools/render/check-mermaid.mjs"], &files);
    assert_clean("mermaid-cli", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches(", 0 problems").count(),
        files.len(),
        "{stdout}"
    );
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
    // Output that cannot be written is exit 2, as for every command.
    assert_eq!(code, 2, "{stderr}");
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

#[test]
fn bpmn_exports_validate_against_the_bpmn_xsd() {
    let files = write_exports(Format::Bpmn, "bpmn-xsd");
    let schema = "tools/node_modules/bpmn-moddle/resources/bpmn/xsd/BPMN20.xsd";
    assert!(
        root().join(schema).is_file(),
        "the BPMN 2.0 XSD ({schema}) is missing: {INSTALL_HINT}"
    );
    let output = tool("xmllint", &["--noout", "--schema", schema], &files);
    // xmllint reports "FILE validates" on stderr for each valid file.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "xmllint rejected a BPMN export:\n{stderr}"
    );
    assert_eq!(
        stderr.matches(" validates").count(),
        files.len(),
        "{stderr}"
    );
}

#[test]
fn bpmn_moddle_imports_every_bpmn_export_without_warnings() {
    let files = write_exports(Format::Bpmn, "bpmn-moddle");
    let output = node_tool("tools/validate-bpmn.mjs", &files);
    assert_clean("bpmn-moddle", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("ok: ").count(), files.len(), "{stdout}");
}

/// bpmnlint's `recommended` rules find no error and no warning in any shipped procedure's BPMN,
/// and Camunda's compatibility rules for Camunda 8.8 (as Camunda Modeler runs them, with the
/// zeebe moddle extension) find no error.
#[test]
fn bpmn_exports_pass_bpmnlint_and_the_camunda_8_8_rules() {
    let files = write_exports(Format::Bpmn, "bpmn-lint");
    let output = node_tool("tools/lint-bpmn.mjs", &files);
    assert_clean("bpmnlint", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("ok: ").count(), files.len(), "{stdout}");
}

/// Every shipped procedure's BPMN runs in bpmn-engine with FEEL evaluated by feelin: cases are
/// driven down every flow out of every gateway (each outcome of each decision, each fact branch)
/// to an end, one deadline timer fires at the day after its due date and reaches its escalation
/// while its task goes on, recurring work's timer fires and its task runs, and a checkpoint's
/// timer fires on its day and its task runs beside the case's (`tools/run-bpmn.mjs`).
#[test]
fn bpmn_exports_run_in_a_process_engine() {
    let files = write_exports(Format::Bpmn, "bpmn-engine");
    let output = node_tool("tools/run-bpmn.mjs", &files);
    assert_clean("bpmn-engine", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("ok: ").count(), files.len(), "{stdout}");
    // The procedures with deadlines read from a due date each fired one.
    for name in [
        "assessment",
        "consent_refused",
        "family_moves",
        "homeless_16_17",
        "pre_birth",
        "section47",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("/{name}.bpmn:")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"));
        assert!(
            line.contains("fired at") && line.contains("_missed"),
            "{line}"
        );
    }
    // Recurring work's cycle timer fired on its step, and the work ran to its end.
    for name in [
        "family_practitioner_lead",
        "supervision",
        "updated_assessment",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("/{name}.bpmn:")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"));
        assert!(line.contains("; recurring "), "{line}");
    }
    // A checkpoint's timer (an event subprocess's timer start) fired on its due date while the
    // case was open, and the checkpoint's task ran beside the case's own.
    for name in ["assessment", "child_protection_plan"] {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("/{name}.bpmn:")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"));
        assert!(
            line.contains("; checkpoint ") && line.contains("_task was done beside "),
            "{line}"
        );
    }
}

#[test]
fn every_svg_export_is_well_formed_xml() {
    let files = write_exports(Format::Svg, "svg");
    let output = tool("xmllint", &["--noout"], &files);
    assert_clean("xmllint on the SVG exports", &output);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("foreignObject"), "{}", file.display());
    }
}

#[test]
fn no_two_boxes_overlap_and_no_line_crosses_a_box() {
    for path in shipped() {
        let procedure = compiled(&path);
        for (what, (layout, edges)) in [
            ("svg", waymark_export::svg::svg_layout(&procedure)),
            ("bpmn", waymark_export::bpmn::bpmn_layout(&procedure)),
        ] {
            let problems = waymark_export::layout::problems(&layout, &edges);
            assert!(
                problems.is_empty(),
                "{path} ({what}):\n{}",
                problems.join("\n")
            );
            assert!(layout.boxes.iter().all(|b| b.width > 0 && b.height > 0));
        }
    }
}

/// The value of every `name="..."` attribute in `text`, as a number.
fn numbers_of(text: &str, name: &str) -> Vec<f64> {
    let key = format!(" {name}=\"");
    text.match_indices(&key)
        .filter_map(|(at, _)| {
            let rest = &text[at + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

/// Printed on one A3 sheet with 10 mm margins (400 x 277 mm, turned whichever way prints it
/// larger), every shipped procedure's SVG has text of at least 6 pt and step titles of at
/// least 7.5 pt.
#[test]
fn every_svg_export_is_readable_on_one_a3_sheet() {
    const POINT_MM: f64 = 25.4 / 72.0;
    let mut report = Vec::new();
    let mut failed = false;
    for path in shipped() {
        let svg = exported(&path, Format::Svg);
        let root = &svg[svg.find("<svg ").unwrap()..];
        let root = &root[..root.find('>').unwrap()];
        let (width, height) = (numbers_of(root, "width")[0], numbers_of(root, "height")[0]);
        // The larger of landscape and portrait, for a sheet of `long` x `short` mm inside 10 mm
        // margins.
        let fit = |long: f64, short: f64| {
            (long / width)
                .min(short / height)
                .max((short / width).min(long / height))
        };
        let scale = fit(400.0, 277.0);
        let a4_text_pt = smallest_font(&svg) * fit(277.0, 190.0) / POINT_MM;
        // docs/exports.md says which procedures need A3 and which print on A4 too.
        let needs_a3 = [
            "assessment",
            "consent_refused",
            "family_moves",
            "injury_referral",
            "section47",
        ]
        .iter()
        .any(|name| path.ends_with(&format!("/{name}.wm")));
        failed |= !needs_a3 && a4_text_pt < 6.0;
        let smallest = smallest_font(&svg);
        let nodes = &svg[svg.find("<g id=\"nodes\">").unwrap()..];
        let nodes = &nodes[..nodes.find("\n  </g>").unwrap()];
        let titles: Vec<f64> = nodes
            .lines()
            .filter(|line| line.contains("<text") && line.contains("font-weight=\"bold\""))
            .flat_map(|line| numbers_of(line, "font-size"))
            .collect();
        assert!(!titles.is_empty(), "{path}: no step titles found");
        let smallest_title = titles.into_iter().fold(f64::INFINITY, f64::min);
        let (text_pt, title_pt) = (
            smallest * scale / POINT_MM,
            smallest_title * scale / POINT_MM,
        );
        failed |= text_pt < 6.0 || title_pt < 7.5;
        report.push(format!(
            "{path}: {width} x {height} units, {:.0} x {:.0} mm on A3, smallest text {text_pt:.2} pt, \
             smallest step title {title_pt:.2} pt; smallest text on A4 {a4_text_pt:.2} pt",
            width * scale,
            height * scale
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        !failed,
        "text must print at 6 pt or more and step titles at 7.5 pt or more on A3, and text at \
         6 pt on A4 for all but the five large procedures:\n{}",
        report.join("\n")
    );
}

fn smallest_font(svg: &str) -> f64 {
    numbers_of(svg, "font-size")
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

/// In every shipped procedure's SVG, each lane's name is printed inside its lane: its lines,
/// from the top of their tallest letters (0.76 of the font size above the baseline in DejaVu
/// Sans) to the bottom of their descenders (0.24 below), lie within the lane's header, so a
/// long name never runs over the name of the lane under it, in any band.
#[test]
fn every_lane_name_fits_its_lane_in_the_svg() {
    let mut problems = Vec::new();
    for path in shipped() {
        let svg = exported(&path, Format::Svg);
        let lanes = &svg[svg.find("<g id=\"lanes\">").unwrap()..];
        let lanes = &lanes[..lanes.find("\n  </g>").unwrap()];
        // (top, bottom) of the header being read, and how many lines it has.
        let mut header: Option<(f64, f64, usize)> = None;
        let mut headers = 0;
        for line in lanes.lines() {
            if line.contains("<rect") && line.contains("fill=\"#dde4ec\"") {
                if let Some((_, _, 0)) = header {
                    problems.push(format!("{path}: a lane header without a name"));
                }
                let (y, height) = (numbers_of(line, "y")[0], numbers_of(line, "height")[0]);
                header = Some((y, y + height, 0));
                headers += 1;
            } else if line.contains("<text") {
                let Some((top, bottom, ref mut count)) = header else {
                    panic!("{path}: a lane name before its header: {line}");
                };
                *count += 1;
                let (baseline, size) = (numbers_of(line, "y")[0], numbers_of(line, "font-size")[0]);
                let (ink_top, ink_bottom) = (baseline - 0.76 * size, baseline + 0.24 * size);
                if ink_top < top || ink_bottom > bottom {
                    let text = &line[line.find('>').unwrap() + 1..line.rfind("</text>").unwrap()];
                    problems.push(format!(
                        "{path}: \"{text}\" runs from {ink_top:.1} to {ink_bottom:.1}, outside \
                         its lane, {top} to {bottom}"
                    ));
                }
            }
        }
        assert!(headers > 0, "{path}: no lane headers found");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An axis-aligned box, (left, top, right, bottom).
type Bounds = (f64, f64, f64, f64);

fn apart(a: Bounds, b: Bounds) -> bool {
    a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1
}

/// The bounds of a node's shape: its `<rect>`, `<polygon>` or `<circle>`.
fn shape_bounds(line: &str) -> Option<Bounds> {
    if line.contains("<rect") {
        let at = |name| numbers_of(line, name)[0];
        Some((
            at("x"),
            at("y"),
            at("x") + at("width"),
            at("y") + at("height"),
        ))
    } else if line.contains("<polygon") {
        let start = line.find("points=\"")? + 8;
        let points: Vec<f64> = line[start..start + line[start..].find('"')?]
            .split([' ', ','])
            .filter_map(|n| n.parse().ok())
            .collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = points.chunks(2).map(|p| (p[0], p[1])).unzip();
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((min(&xs), min(&ys), max(&xs), max(&ys)))
    } else if line.contains("<circle") {
        let (cx, cy, r) = (
            numbers_of(line, "cx")[0],
            numbers_of(line, "cy")[0],
            numbers_of(line, "r")[0],
        );
        Some((cx - r, cy - r, cx + r, cy + r))
    } else {
        None
    }
}

/// In the drawing of what changed, each changed step's coloured outline and its tag ("added",
/// "changed", "removed") stay clear of every other step's shape.
#[test]
fn comparison_outlines_and_tags_keep_clear_of_other_boxes() {
    let (code, svg, stderr) = waymark(&[
        "export",
        "examples/assessment-amendment-draft.wm",
        "--to",
        "svg",
        "--compare",
        "procedures/assessment.wm",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let nodes = &svg[svg.find("<g id=\"nodes\">").unwrap()..];
    let nodes = &nodes[..nodes.find("\n  </g>").unwrap()];
    // Each node's shape, and the outline and tag of each mark with the node it belongs to.
    let mut shapes: Vec<(String, Bounds)> = Vec::new();
    let mut marks: Vec<(String, Bounds, Bounds)> = Vec::new();
    let mut current = String::new();
    for line in nodes.lines() {
        if let Some(start) = line.find("<g id=\"node-") {
            let id = &line[start + 12..];
            current = id[..id.find('"').unwrap()].to_string();
        } else if line.contains("class=\"mark ") {
            let outline = shape_bounds(line).unwrap();
            // Stroke 4: it reaches 2 units out.
            let outline = (
                outline.0 - 2.0,
                outline.1 - 2.0,
                outline.2 + 2.0,
                outline.3 + 2.0,
            );
            let tag = &line[line.find("<text").unwrap()..];
            let word = &tag[tag.find('>').unwrap() + 1..tag.find("</text>").unwrap()];
            let (x, baseline, size) = (
                numbers_of(tag, "x")[0],
                numbers_of(tag, "y")[0],
                numbers_of(tag, "font-size")[0],
            );
            // Bold DejaVu Sans letters are at most 0.8 of the size wide on average.
            let width = word.len() as f64 * 0.8 * size;
            let tag = (x, baseline - 0.76 * size, x + width, baseline + 0.24 * size);
            marks.push((current.clone(), outline, tag));
        } else if let Some(bounds) = shape_bounds(line)
            && !shapes.iter().any(|(id, _)| *id == current)
        {
            shapes.push((current.clone(), bounds));
        }
    }
    assert!(marks.len() >= 3, "expected marked steps: {marks:?}");
    let mut problems = Vec::new();
    for (marked, outline, tag) in &marks {
        for (id, shape) in shapes.iter().filter(|(id, _)| id != marked) {
            for (what, bounds) in [("outline", outline), ("tag", tag)] {
                if !apart(*bounds, *shape) {
                    problems.push(format!(
                        "the {what} of {marked} {bounds:?} runs into {id} {shape:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn boundary_timers_keep_working_days_exact_and_claim_no_false_duration() {
    let bpmn = exported("procedures/assessment.wm", Format::Bpmn);
    assert!(bpmn.contains("xmlns:waymark=\"urn:waymark:bpmn:1\""));
    assert!(bpmn.contains("isExecutable=\"true\""));
    assert!(bpmn.contains("modeler:executionPlatform=\"Camunda Cloud\""));
    // The working-day limit fires the day after the due date in its process variable, and the
    // rule is shown in Camunda Modeler's properties panel.
    assert!(bpmn.contains(
        "=date and time(date(due_assessment_complete_limit) + duration(&quot;P1D&quot;), time(&quot;00:00:00@Europe/London&quot;))</bpmn:timeDate>"
    ));
    assert!(
        bpmn.contains(
            "<zeebe:property name=\"rule\" value=\"due 45 working days after referral\" />"
        )
    );
    // The pre-birth limit applies only when the expected delivery date is known.
    assert!(bpmn.contains("=if expected_delivery != null then"));
    // Every timer leads somewhere: an escalation an engine shows.
    assert_eq!(
        bpmn.matches("<bpmn:boundaryEvent ").count(),
        bpmn.matches("<bpmn:escalationEventDefinition ").count()
    );
    // Decisions branch on their outcome.
    assert!(bpmn.contains("=assessment_outcome = &quot;strategy_discussion&quot;"));
    assert!(
        bpmn.contains(
            "name=\"limit: 45 working days after referral received\" cancelActivity=\"false\""
        ),
        "the timer names the step it counts from by its title"
    );
    assert!(bpmn.contains("waymark:unit=\"working-days\""));
    assert!(bpmn.contains("waymark:calendar=\"england-and-wales\""));
    assert!(
        !bpmn.contains("timeDuration"),
        "no working-day timer has a duration"
    );
    let recording = exported("procedures/recording.wm", Format::Bpmn);
    assert!(
        recording.contains(">PT48H</bpmn:timeDuration>"),
        "hours from the step before are exact"
    );
}

/// In `homeless_16_17` the together block is reached from two exclusive paths (straight from
/// the referral, or after the immediate help): an exclusive gateway merges them before the
/// parallel gateway, which would otherwise wait for both for ever.
#[test]
fn a_parallel_fork_reached_by_exclusive_paths_is_merged_first() {
    let bpmn = exported("procedures/homeless_16_17.wm", Format::Bpmn);
    let fork = &bpmn[bpmn
        .find("<bpmn:parallelGateway id=\"Gateway_homeless_assessment_work\"")
        .unwrap()..];
    let fork = &fork[..fork.find("</bpmn:parallelGateway>").unwrap()];
    assert_eq!(fork.matches("<bpmn:incoming>").count(), 1, "{fork}");
    assert!(fork.contains("<bpmn:incoming>Flow_homeless_assessment_work_merged</bpmn:incoming>"));
    assert!(bpmn.contains("<bpmn:exclusiveGateway id=\"Gateway_homeless_assessment_work_merge\">"));
    // The fact branch reads as FEEL on the facts.
    assert!(bpmn.contains(
        "=age &gt;= 16 and age &lt;= 17 and (housing = &quot;homeless&quot; or housing = &quot;imminent_threat&quot;)"
    ));
}

/// Every procedure that compiles, even with errors, draws in every format without panicking,
/// and a large generated one lays out with no overlaps.
#[test]
fn exports_never_panic_and_scale() {
    for folder in ["tests/check/ok", "tests/check/err"] {
        let mut names: Vec<_> = std::fs::read_dir(root().join(folder))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".wm"))
            .collect();
        names.sort();
        for name in names {
            let full = root().join(folder).join(&name);
            let text = std::fs::read_to_string(&full).unwrap();
            let mut sources = Sources::new();
            let file = sources.add(full.to_string_lossy(), text.clone());
            let mut loader = Files {
                sources: &mut sources,
            };
            let checked = waymark_check::check_text(
                file,
                &text,
                &mut loader,
                &CheckOptions { guidance: None },
            );
            if let Some(procedure) = checked.procedure {
                for format in Format::ALL {
                    assert!(!waymark_export::export(&procedure, format).is_empty());
                }
            }
        }
    }
    let text = waymark_syntax::generate_procedure(300);
    let mut sources = Sources::new();
    let file = sources.add("generated.wm", text.clone());
    let checked = waymark_check::check_text(
        file,
        &text,
        &mut waymark_compile::NoFiles,
        &CheckOptions { guidance: None },
    );
    let procedure = checked.procedure.unwrap();
    let (layout, edges) = waymark_export::svg::svg_layout(&procedure);
    assert_eq!(
        waymark_export::layout::problems(&layout, &edges),
        Vec::<String>::new()
    );
    for format in Format::ALL {
        assert!(!waymark_export::export(&procedure, format).is_empty());
    }
}

/// Titles full of characters that mean something to Mermaid, DOT and XML, a loop back, a
/// condition and recurring work: every format still passes its real tool.
#[test]
fn awkward_text_and_shapes_pass_every_tool() {
    let folder = root().join("target/export-tests/awkward");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let procedure = folder.join("awkward.wm");
    std::fs::write(
        &procedure,
        r#"procedure awkward "Quotes \" & <angles> #hash `ticks` 'apostrophes' \\ end"
role end_role "Manager \"A\" & <B>"
fact threshold is one of level2, level3
start referral

step referral "Referral <received> & \"logged\" #1"
  by end_role
  untimed "starts every clock"
  then review_loop when threshold is level3
  otherwise closed

step review_loop "Review; maybe again {x} [y] (z) |pipe|"
  by end_role
  due 48 hours after referral
  then again

decision again "Again? --> -.-> end"
  by end_role
  due 2 working days after review_loop
  outcomes repeat, stop
  on repeat then review_loop
  on stop then closed

recurring visit "Visit %% every ;; time"
  by end_role
  every 2 weeks while review_loop

end closed "Closed & done"
"#,
    )
    .unwrap();
    let path = procedure.to_string_lossy().into_owned();
    let mut files = Vec::new();
    for format in Format::ALL {
        let (code, stdout, stderr) = waymark(&["export", &path, "--to", format_name(format)]);
        assert_eq!(code, 0, "{stderr}");
        let file = folder.join(format!("awkward.{}", format.extension()));
        std::fs::write(&file, stdout).unwrap();
        files.push(file);
    }
    let [mermaid, dot, svg, bpmn] = [&files[0], &files[1], &files[2], &files[3]];
    assert_clean(
        "dot",
        &tool(
            "dot",
            &["-Tsvg", "-o", "/dev/null"],
            std::slice::from_ref(dot),
        ),
    );
    assert_clean(
        "Mermaid's parser",
        &node_tool("tools/parse-mermaid.mjs", std::slice::from_ref(mermaid)),
    );
    assert_clean(
        "xmllint (SVG)",
        &tool("xmllint", &["--noout"], std::slice::from_ref(svg)),
    );
    let schema = "tools/node_modules/bpmn-moddle/resources/bpmn/xsd/BPMN20.xsd";
    let output = tool(
        "xmllint",
        &["--noout", "--schema", schema],
        std::slice::from_ref(bpmn),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_clean(
        "bpmn-moddle",
        &node_tool("tools/validate-bpmn.mjs", std::slice::from_ref(bpmn)),
    );
}

/// A comparison says what changed, not only that it did: the old and new deadline, the old
/// title of a renamed step, and the version and effective date in the key, in the SVG and in
/// the Mermaid.
#[test]
fn a_comparison_says_what_changed() {
    for format in ["svg", "mermaid"] {
        let (code, drawing, stderr) = waymark(&[
            "export",
            "examples/assessment-amendment-draft.wm",
            "--to",
            format,
            "--compare",
            "procedures/assessment.wm",
        ]);
        assert_eq!(code, 0, "{stderr}");
        // The SVG wraps lines, so look at the words with the breaks taken out.
        let flat = drawing
            .replace("</text>", " ")
            .replace("<br/>", " ")
            .split('<')
            .map(|part| part.rsplit_once('>').map_or(part, |(_, text)| text))
            .collect::<Vec<_>>()
            .join("");
        let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "limit: was 5, now 3 working days after referral",
            "limit: was 45, now 40 working days after referral",
            "Analysis of the information gathered",
            "version was 2025-12, now 2026-draft",
            "effective date was 2025-12-23, now 2026-09-01",
        ] {
            assert!(
                flat.contains(expected),
                "{format}: no \"{expected}\" in:\n{flat}"
            );
        }
    }
}

/// Two steps whose `otherwise` lines run into the same box each keep their own "otherwise":
/// it means "none of this step's conditions", which differs from step to step, so it is never
/// written once where the lines merge.
#[test]
fn otherwise_keeps_its_own_line() {
    let folder = root().join("target/export-tests/otherwise");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let procedure = folder.join("otherwise.wm");
    std::fs::write(
        &procedure,
        r#"procedure otherwise "Two otherwise lines into one end"
role worker "Worker"
fact level is one of low, high
start first

step first "First look"
  by worker
  untimed "starts the case"
  then second when level is high
  otherwise closed

step second "Second look"
  by worker
  untimed "follows the first"
  then escalated when level is high
  otherwise closed

end escalated "Escalated"
end closed "Closed"
"#,
    )
    .unwrap();
    let path = procedure.to_string_lossy().into_owned();
    let (code, svg, stderr) = waymark(&["export", &path, "--to", "svg"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(svg.matches(">otherwise</text>").count(), 2, "{svg}");
}

/// Ids Waymark makes for the flows under a timer never clash with a step's own id, even for a
/// step named like one of them: every `id` in the BPMN is different.
#[test]
fn bpmn_ids_never_clash() {
    let text = r#"procedure clash "Clash"
role worker "Worker"
start a

step a "A"
  by worker
  due 2 working days after a
  then a_limit_fired

step a_limit_fired "Named like a flow"
  by worker
  due 3 working days after a
  then a_limit_missed

end a_limit_missed "Named like an end"
"#;
    let mut sources = Sources::new();
    let file = sources.add("clash.wm", text.to_string());
    let checked = waymark_check::check_text(
        file,
        text,
        &mut waymark_compile::NoFiles,
        &CheckOptions { guidance: None },
    );
    let bpmn = waymark_export::export(&checked.procedure.unwrap(), Format::Bpmn);
    let mut ids: Vec<&str> = bpmn
        .match_indices(" id=\"")
        .map(|(at, _)| {
            let rest = &bpmn[at + 5..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "{bpmn}");
    assert!(bpmn.contains("Activity_a_limit_fired"));
}

/// Routes out of a decision with conditions of their own (`on section47 then enquiry when
/// ...`, `on section47 otherwise ...`): every drawing labels a route with its outcome and its
/// condition, the BPMN flows test both and exclude each other, and every format passes its
/// real tool; bpmn-engine drives cases down every flow.
#[test]
fn decision_routes_with_conditions_pass_every_tool() {
    let folder = root().join("target/export-tests/decision-routes");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let path = "tests/check/ok/decision_routes_with_conditions.wm";
    let mut files = Vec::new();
    for format in Format::ALL {
        let (code, stdout, stderr) = waymark(&["export", path, "--to", format_name(format)]);
        assert_eq!(code, 0, "{stderr}");
        let file = folder.join(format!("routes.{}", format.extension()));
        std::fs::write(&file, &stdout).unwrap();
        files.push((file, stdout));
    }
    let [mermaid, dot, svg, bpmn] = [&files[0], &files[1], &files[2], &files[3]];
    for label in [
        "section47, and age band is under 16",
        "section47, otherwise",
        "section17, and agencies unanimously agreed and the front door triage decided routine",
        "section17, otherwise",
    ] {
        // Mermaid and DOT wrap a long label; BPMN names the flow whole.
        for (format, text) in [("mermaid", &mermaid.1), ("dot", &dot.1), ("bpmn", &bpmn.1)] {
            let text = text.replace("<br/>", " ");
            assert!(text.contains(label), "{format} lacks {label:?}:\n{text}");
        }
    }
    let conditions: Vec<&str> = bpmn
        .1
        .lines()
        .filter(|line| line.contains("conditionExpression"))
        .map(str::trim)
        .collect();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("export__decision_routes_mermaid", &mermaid.1);
        insta::assert_snapshot!("export__decision_routes_bpmn_conditions", conditions.join("\n"));
    });
    assert_clean(
        "dot",
        &tool(
            "dot",
            &["-Tsvg", "-o", "/dev/null"],
            std::slice::from_ref(&dot.0),
        ),
    );
    assert_clean(
        "Mermaid's parser",
        &node_tool("tools/parse-mermaid.mjs", std::slice::from_ref(&mermaid.0)),
    );
    assert_clean(
        "xmllint (SVG)",
        &tool("xmllint", &["--noout"], std::slice::from_ref(&svg.0)),
    );
    let bpmn_file = std::slice::from_ref(&bpmn.0);
    assert_clean(
        "bpmn-moddle",
        &node_tool("tools/validate-bpmn.mjs", bpmn_file),
    );
    assert_clean("bpmnlint", &node_tool("tools/lint-bpmn.mjs", bpmn_file));
    let output = node_tool("tools/run-bpmn.mjs", bpmn_file);
    assert_clean("bpmn-engine", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("took all 6 branches"), "{stdout}");
}
