//! `waymark fmt`: idempotent, meaning-preserving, and the repository is in its layout. Proved on
//! every `.wm` file in the repository and on thousands of mutated and messed-up copies.

use crate::cli::{Scratch, waymark};
use crate::robustness::{Random, Shipped, continue_text, mutate, seeds};
use std::path::{Path, PathBuf};
use waymark_check::CheckOptions;
use waymark_diagnostics::{Diagnostic, Sources};

/// How many mutated procedures are formatted.
const MUTANTS: usize = 6_000;

/// Files kept out of the canonical layout on purpose: the fixture exists to show that tabs and
/// a trailing comment after two spaces parse, which formatting it would remove.
const LEFT_AS_WRITTEN: &[&str] = &["tests/syntax/ok/tabs_comments_and_escapes.wm"];

/// Every `.wm` file under `folder`, sorted.
fn wm_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "wm") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// What compiling and checking a text gives: the model and the problems' codes and messages.
struct Outcome {
    procedure: Option<waymark_compile::Procedure>,
    problems: Vec<(String, String)>,
}

fn compile(text: &str, shipped: &[(String, String)]) -> Outcome {
    let mut sources = Sources::new();
    let file = sources.add("procedure.wm", text.to_string());
    let mut loader = Shipped {
        sources: &mut sources,
        files: shipped,
    };
    let checked = waymark_check::check_text(file, text, &mut loader, &CheckOptions::default());
    let mut problems: Vec<(String, String)> = checked
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| (d.code.to_string(), d.message.clone()))
        .collect();
    problems.sort();
    Outcome {
        procedure: checked.procedure,
        problems,
    }
}

/// Formats `text` and checks that formatting again changes nothing and that the compiled model
/// and the problems found are the same. Returns whether the text could be formatted.
fn assert_safe(name: &str, text: &str, shipped: &[(String, String)]) -> bool {
    let Some(formatted) = waymark_fmt::format_text(text) else {
        return false;
    };
    assert_eq!(
        waymark_fmt::format_text(&formatted).as_deref(),
        Some(formatted.as_str()),
        "formatting {name} twice changed it:\n{text}"
    );
    let before = compile(text, shipped);
    let after = compile(&formatted, shipped);
    assert_eq!(
        before.problems, after.problems,
        "formatting {name} changed its problems:\n{text}\n---\n{formatted}"
    );
    match (&before.procedure, &after.procedure) {
        (Some(old), Some(new)) => {
            let changes = waymark_diff::compare(old, new);
            assert!(
                changes.is_empty(),
                "formatting {name} changed the model: {changes:?}\n{text}\n---\n{formatted}"
            );
            // Stricter than `diff`: the whole model, in order, only the spans may differ.
            assert_eq!(
                without_spans(&format!("{old:?}")),
                without_spans(&format!("{new:?}")),
                "formatting {name} changed the model's structure:\n{text}\n---\n{formatted}"
            );
        }
        (None, None) => {}
        _ => panic!("formatting {name} changed whether it compiles:\n{text}\n---\n{formatted}"),
    }
    true
}

/// A model's debug text with every `Span { .. }` left out.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(start) = rest.find("Span {") {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('}').map_or(rest.len(), |end| end + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_procedure_in_the_repository_formats_safely() {
    let shipped = seeds();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut formatted = 0;
    let mut refused = 0;
    let files: Vec<PathBuf> = ["procedures", "examples", "tests"]
        .iter()
        .flat_map(|folder| wm_files(&root.join(folder)))
        .collect();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        if assert_safe(&path.display().to_string(), &text, &shipped) {
            formatted += 1;
        } else {
            refused += 1;
        }
    }
    for (line, block) in crate::docs::waymark_blocks(include_str!("../../docs/language.md")) {
        assert!(
            assert_safe(&format!("docs/language.md:{line}"), &block, &shipped),
            "docs/language.md:{line} does not parse"
        );
    }
    // The syntax error fixtures are refused; everything else is formatted.
    assert!(
        formatted > 60 && refused >= 15,
        "{formatted} formatted, {refused} refused"
    );
}

#[test]
fn the_repository_is_in_canonical_layout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["procedures", "examples"]
        .iter()
        .flat_map(|folder| wm_files(&root.join(folder)))
        .collect();
    files.extend(
        wm_files(&root.join("tests"))
            .into_iter()
            .filter(|p| p.parent().is_some_and(|f| f.ends_with("ok"))),
    );
    let mut unformatted = Vec::new();
    for path in &files {
        let shown = path.strip_prefix(root).unwrap().display().to_string();
        if LEFT_AS_WRITTEN.contains(&shown.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        if waymark_fmt::format_text(&text).as_deref() != Some(text.as_str()) {
            unformatted.push(shown);
        }
    }
    for (line, block) in crate::docs::waymark_blocks(include_str!("../../docs/language.md")) {
        if waymark_fmt::format_text(&block).as_deref() != Some(block.as_str()) {
            unformatted.push(format!("docs/language.md:{line}"));
        }
    }
    assert!(files.len() > 15);
    assert!(
        unformatted.is_empty(),
        "run `waymark fmt` on {unformatted:?}"
    );
}

/// The same procedure with its layout spoiled: indentation, spaces between words, blank lines.
/// A line that continues a text stays indented deeper than the line it continues, with no blank
/// line before it, so that it still continues it; a wrapped text is joined again one time in
/// four (as an author might join it back).
fn mess_up(text: &str, random: &mut Random) -> String {
    const INDENTS: &[&str] = &["", " ", "  ", "\t", "    ", " \t "];
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut code_indent = 0;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let continues = trimmed.starts_with('"');
        if continues && random.below(4) == 0 && out.ends_with("\"\n") {
            out.truncate(out.len() - 2);
            out.push(' ');
            out.push_str(&trimmed[1..]);
            out.push('\n');
            continue;
        }
        let indent = match continues {
            true => " ".repeat(code_indent + 1 + random.below(30)),
            false => INDENTS[random.below(INDENTS.len())].to_string(),
        };
        if !continues && !trimmed.is_empty() && !trimmed.starts_with('#') {
            code_indent = indent.chars().count();
        }
        out.push_str(&indent);
        // Words are spread apart only before the first quote, where a space means nothing.
        let (code, rest) = trimmed.split_at(trimmed.find('"').unwrap_or(trimmed.len()));
        if random.below(3) == 0 {
            out.push_str(&code.replace(' ', "  \t").replace(',', " , "));
        } else {
            out.push_str(code);
        }
        out.push_str(rest);
        if random.below(4) == 0 {
            out.push_str("   ");
        }
        out.push('\n');
        let next_continues = lines
            .get(index + 1)
            .is_some_and(|next| next.trim_start().starts_with('"'));
        if random.below(8) == 0 && !next_continues {
            out.push_str("\n \n");
        }
    }
    out
}

/// The text with one line in six that ends in a quoted text broken over two lines, well.
fn with_texts_continued(text: &str, random: &mut Random) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for at in (0..lines.len()).rev() {
        if random.below(6) == 0 {
            continue_text(&mut lines, at, random, true);
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_and_messed_up_procedures_format_safely() {
    let seeds = seeds();
    let shipped: Vec<(String, String)> = seeds
        .iter()
        .take_while(|(n, _)| !n.starts_with("example"))
        .cloned()
        .collect();
    let mut random = Random(0x00f0_4a77_ed17);
    let mut formatted = 0;
    let mut with_continued_texts = 0;
    for round in 0..MUTANTS {
        let (name, seed) = &seeds[round % seeds.len()];
        let mutant = if round % 2 == 0 {
            mutate(seed, &mut random)
        } else {
            seed.clone()
        };
        let text = mess_up(&with_texts_continued(&mutant, &mut random), &mut random);
        if assert_safe(&format!("mutant {round} of {name}"), &text, &shipped) {
            formatted += 1;
            let continued = text.lines().any(|l| l.trim_start().starts_with('"'));
            with_continued_texts += usize::from(continued);
        }
    }
    // Enough of them parse for the test to prove something, continued texts among them.
    assert!(
        formatted > MUTANTS / 3,
        "only {formatted} of {MUTANTS} parsed"
    );
    assert!(
        with_continued_texts > MUTANTS / 5,
        "only {with_continued_texts} parsed with a continued text"
    );
}

#[test]
fn fmt_rewrites_checks_and_refuses() {
    let scratch = Scratch::new("fmt");
    let messy = "procedure p \"P\"\nrole r\nstart a\nstep a   \"A\"\n\tthen b\n    by r\nend b\n";
    let tidy = "procedure p \"P\"\nrole r\nstart a\nstep a \"A\"\n  by r\n  then b\nend b\n";
    let path = scratch.file("messy.wm", messy.as_bytes());
    let (code, stdout, _) = waymark(&["fmt", "--check", &path]);
    assert_eq!((code, stdout), (1, format!("{path}\n")));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), messy);

    let (code, _, stderr) = waymark(&["fmt", &path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), tidy);
    let (code, stdout, _) = waymark(&["fmt", "--check", &path]);
    assert_eq!((code, stdout.as_str()), (0, ""));

    let broken = "procedure p\nstep a \"A\n  then b\n";
    let bad = scratch.file("broken.wm", broken.as_bytes());
    let (code, _, stderr) = waymark(&["fmt", &bad, &path]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("WM01") && stderr.contains("left as it is"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), broken);

    let (code, _, stderr) = waymark(&["fmt", "no/such/file.wm", &path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("WM0001"), "{stderr}");
}

/// Long texts before formatting: one line each, a text wrapped by hand at other places, a text
/// with two spaces and escapes in it, and comments on the lines of a wrapped text.
const LONG_TEXTS: &str = r#"procedure long_texts "A procedure whose texts run past the width that waymark fmt keeps lines within"
  source wt2023 "Working Together to Safeguard Children 2023: a guide to multi-agency working to help, protect and promote the welfare of children"
role social_worker "Qualified Social Worker"
start referral

step referral "Referral received"
  by social_worker
  untimed "the clock starts here, on the day the referral is received by the local authority's front door"
  cite wt2023 "The local authority should make a decision about the type of response that is needed within one working day of a referral being received." in "Chapter 2, Decision making"
  then assessment

step assessment "Assessment"  # a comment on the step
  by social_worker
  due 45 working days after referral
  cite wt2023 "The maximum timeframe for the assessment to conclude,"  # wrapped by hand
    # a comment between the pieces
      "such that it is possible to reach a decision on next steps,"
      "should be no longer than 45 working days from the point of referral."  # the last piece
  cite wt2023 "Two  spaces stay where they are, and so do \"quoted\" words and a \\ backslash, however the text is wrapped"
  then closed

end closed "Closed"
"#;

#[test]
fn long_texts_are_wrapped_and_mean_the_same() {
    let formatted = waymark_fmt::format_text(LONG_TEXTS).unwrap();
    insta::assert_snapshot!("fmt_long_texts", formatted);
    assert_eq!(
        waymark_fmt::format_text(&formatted).as_deref(),
        Some(formatted.as_str())
    );
    let widest = formatted.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        widest <= waymark_fmt::WIDTH,
        "a line of {widest} characters"
    );
    assert!(
        formatted
            .lines()
            .filter(|l| l.trim_start().starts_with('"'))
            .count()
            >= 6
    );

    // The compiled procedures are the same, as `waymark diff` sees them.
    let scratch = Scratch::new("fmt-long-texts");
    let old = scratch.file("old.wm", LONG_TEXTS.as_bytes());
    let new = scratch.file("new.wm", formatted.as_bytes());
    let (code, stdout, stderr) = waymark(&["diff", &old, &new]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim_end().ends_with("no changes"), "{stdout}");
    assert!(assert_safe("long texts", LONG_TEXTS, &[]));

    // Each continued text is one text in the model, its pieces joined with single spaces.
    let mut sources = Sources::new();
    let file = sources.add("new.wm", formatted.clone());
    let parsed = waymark_syntax::parse(file, &formatted);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let cites: Vec<String> = parsed.document.items[1]
        .clauses
        .iter()
        .filter_map(|clause| match &clause.kind {
            waymark_syntax::ClauseKind::Cite(cite) => Some(cite.phrase.value.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        cites,
        [
            "The maximum timeframe for the assessment to conclude, such that it is possible to \
             reach a decision on next steps, should be no longer than 45 working days from the \
             point of referral.",
            "Two  spaces stay where they are, and so do \"quoted\" words and a \\ backslash, \
             however the text is wrapped",
        ]
    );
}
