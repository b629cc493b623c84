//! `waymark export --used`: a procedure brought in by `use` drawn step by step (`inline`) or as
//! one box (`box`), and `auto` choosing the box only when the inline SVG would print too small
//! on A3. The shipped assessment uses `section47.wm`, and its inline SVG is too small.

use crate::cli::waymark;
use crate::export::{assert_clean, compiled, node_tool, tool};
use std::path::PathBuf;
use waymark_export::Used;

const ASSESSMENT: &str = "procedures/assessment.wm";

/// The procedures shipped with a `use` line.
const USING: [&str; 4] = [
    "procedures/assessment.wm",
    "procedures/consent_refused.wm",
    "procedures/family_moves.wm",
    "procedures/injury_referral.wm",
];

fn export(args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = waymark(&all);
    assert_eq!(code, 0, "waymark {all:?} failed:\n{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

/// The `id` of every node group of an SVG, in order.
fn node_ids(svg: &str) -> Vec<&str> {
    svg.lines()
        .filter_map(|line| line.trim().strip_prefix("<g id=\"node-"))
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The lines of an SVG from the one starting `<g id="NAME"` (indented) to its `</g>`.
fn group<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<g id=\"{name}\"");
    let lines: Vec<&str> = svg.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_start().starts_with(&open)) else {
        panic!("no group {name}");
    };
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = lines[start..]
        .iter()
        .position(|l| l.len() - l.trim_start().len() == indent && l.trim() == "</g>")
        .map_or(start, |n| start + n);
    lines[start..=end].to_vec()
}

/// The smallest text of the SVG, in points, fitted to A3 (400 x 277 mm) either way round.
fn smallest_text_on_a3(svg: &str) -> f64 {
    let root = &svg[svg.find("<svg ").unwrap()..];
    let number = |name: &str| -> f64 {
        let key = format!(" {name}=\"");
        let rest = &root[root.find(&key).unwrap() + key.len()..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    };
    let (width, height) = (number("width"), number("height"));
    let scale = (400.0 / width)
        .min(277.0 / height)
        .max((277.0 / width).min(400.0 / height));
    11.0 * scale / (25.4 / 72.0)
}

#[test]
fn the_assessment_drawn_with_section47_as_one_box() {
    let boxed = export(&[ASSESSMENT, "--to", "svg", "--used", "box"]);
    // The inline drawing prints under 6 pt on A3, so `auto` (the default) draws the box.
    assert_eq!(export(&[ASSESSMENT, "--to", "svg"]), boxed);
    assert_eq!(
        export(&[ASSESSMENT, "--to", "svg", "--used", "auto"]),
        boxed
    );
    assert!(smallest_text_on_a3(&boxed) >= 6.0);
    let ids = node_ids(&boxed);
    assert!(ids.contains(&"used_section47"), "{ids:?}");
    for inner in [
        "strategy_discussion",
        "legal_advice",
        "icpc",
        "conference_held",
    ] {
        assert!(!ids.contains(&inner), "{inner} is drawn: {ids:?}");
    }
    let reviewed = [
        format!("nodes: {}", ids.join(" ")),
        group(&boxed, "node-used_section47").join("\n"),
        group(&boxed, "used-key").join("\n"),
    ]
    .join("\n");
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => "waymark export procedures/assessment.wm --to svg --used box: the nodes, the box and its key",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("export_used__assessment_box", reviewed);
    });
}

#[test]
fn the_assessment_drawn_inline_is_too_small_for_a3() {
    let inline = export(&[ASSESSMENT, "--to", "svg", "--used", "inline"]);
    let ids = node_ids(&inline);
    assert!(!ids.iter().any(|id| id.starts_with("used_")), "{ids:?}");
    assert!(!inline.contains("id=\"used-key\""));
    // Why `auto` chose the box: inline, the section47 steps print too small.
    let points = smallest_text_on_a3(&inline);
    assert!(points < 6.0, "{points}");
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => "waymark export procedures/assessment.wm --to svg --used inline: the nodes",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("export_used__assessment_inline", format!("nodes: {}", ids.join(" ")));
    });
}

#[test]
fn bpmn_is_never_drawn_with_boxes() {
    let output = std::env::temp_dir().join(format!("waymark-used-box-{}.bpmn", std::process::id()));
    let _ = std::fs::remove_file(&output);
    let (code, stdout, stderr) = waymark(&[
        "export",
        ASSESSMENT,
        "--to",
        "bpmn",
        "--used",
        "box",
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        !output.exists(),
        "a refused drawing wrote {}",
        output.display()
    );
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => "waymark export procedures/assessment.wm --to bpmn --used box -o FILE",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("export_used__bpmn_box_refused", format!("exit {code}\n{stderr}"));
    });
    // `auto` and `inline` draw BPMN step by step, as without the flag.
    let plain = export(&[ASSESSMENT, "--to", "bpmn"]);
    for how in ["auto", "inline"] {
        assert_eq!(export(&[ASSESSMENT, "--to", "bpmn", "--used", how]), plain);
    }
}

/// Mermaid and DOT draw the box too, from the same chart, and their tools read it; `auto` draws
/// them inline.
#[test]
fn mermaid_and_dot_draw_the_box_and_their_tools_read_it() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/export-tests/used");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let mut mermaid_files = Vec::new();
    for path in USING {
        let stem = path
            .trim_start_matches("procedures/")
            .trim_end_matches(".wm");
        let mermaid = export(&[path, "--to", "mermaid", "--used", "box"]);
        assert!(
            mermaid.contains("n_used_section47[[\"<b>Strategy discussion and Section 47"),
            "{mermaid}"
        );
        // Wrapped at 34 characters a line.
        assert!(
            mermaid.contains("drawn in full on its own chart:<br/>section47.wm"),
            "{mermaid}"
        );
        assert!(!mermaid.contains("n_legal_advice["), "{mermaid}");
        assert_eq!(
            export(&[path, "--to", "mermaid"]),
            export(&[path, "--to", "mermaid", "--used", "inline"])
        );
        let file = folder.join(format!("{stem}.mmd"));
        std::fs::write(&file, mermaid).unwrap();
        mermaid_files.push(file);

        let dot = export(&[path, "--to", "dot", "--used", "box"]);
        assert!(dot.contains("\"used_section47\" [label=<<b>"), "{dot}");
        assert!(dot.contains("peripheries=2"), "{dot}");
        let file = folder.join(format!("{stem}.dot"));
        std::fs::write(&file, dot).unwrap();
        let output = tool("dot", &["-Tsvg", "-o", "/dev/null"], &[file]);
        assert_clean(&format!("dot on {stem} --used box"), &output);
    }
    let output = node_tool("tools/parse-mermaid.mjs", &mermaid_files);
    assert_clean("Mermaid's parser", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("ok: ").count(),
        mermaid_files.len(),
        "{stdout}"
    );
    // Drawn by Mermaid itself (mermaid-cli in Chromium), no line runs through a box.
    let output = tool("node", &["tools/render/check-mermaid.mjs"], &mermaid_files);
    assert_clean("mermaid-cli on --used box", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches(", 0 problems").count(),
        mermaid_files.len(),
        "{stdout}"
    );
}

/// Drawn with boxes, no two boxes of a shipped procedure that uses another overlap and no line
/// runs through a box, as for the inline drawings.
#[test]
fn boxed_drawings_have_no_overlaps() {
    for path in USING {
        let procedure = compiled(path);
        let (layout, edges) = waymark_export::svg::svg_layout_drawn(&procedure, Used::Boxed);
        let problems = waymark_export::layout::problems(&layout, &edges);
        assert!(problems.is_empty(), "{path}:\n{}", problems.join("\n"));
    }
}

#[test]
fn the_help_explains_used() {
    let (code, stdout, _) = waymark(&["export", "--help"]);
    assert_eq!(code, 0);
    for expected in ["--used", "auto", "inline", "box", "--to mermaid --used box"] {
        assert!(
            stdout.contains(expected),
            "help lacks {expected}:\n{stdout}"
        );
    }
    let (code, _, stderr) = waymark(&["export", ASSESSMENT, "--to", "svg", "--used", "boxes"]);
    assert_eq!(code, 2, "{stderr}");
}
