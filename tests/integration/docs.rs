//! Every example in the documentation parses, so the reference can never rot.

use waymark_diagnostics::{RenderOptions, Sources, render_human};

/// The ```waymark blocks of a markdown file, with the line each starts on.
pub fn waymark_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start()) {
            (None, "```waymark") => current = Some((index + 2, String::new())),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn every_language_example_parses() {
    let markdown = include_str!("../../docs/language.md");
    let blocks = waymark_blocks(markdown);
    assert!(
        blocks.len() >= 25,
        "expected an example per construct, found {}",
        blocks.len()
    );
    for (line, text) in blocks {
        let mut sources = Sources::new();
        let file = sources.add(format!("docs/language.md:{line}"), text.clone());
        let parsed = waymark_syntax::parse(file, &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "example at docs/language.md line {line} does not parse:\n{}",
            render_human(&parsed.diagnostics, &sources, RenderOptions::default())
        );
    }
}

/// The commands of a markdown file's ```sh blocks that start with `waymark`, joined across
/// `\` line ends.
fn waymark_commands(markdown: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            text if in_sh => {
                pending.push_str(text.trim_end_matches('\\'));
                pending.push(' ');
                if !text.ends_with('\\') {
                    let words: Vec<String> = pending
                        .split('#')
                        .next()
                        .unwrap_or("")
                        .split_whitespace()
                        .map(String::from)
                        .collect();
                    if words.first().map(String::as_str) == Some("waymark") {
                        commands.push(words[1..].to_vec());
                    }
                    pending.clear();
                }
            }
            _ => {}
        }
    }
    commands
}

/// The commands shown in `docs/compare.md` run (exit 0 or 1: changes found is not an error).
#[test]
fn the_comparison_guide_commands_run() {
    let commands = waymark_commands(include_str!("../../docs/compare.md"));
    assert!(commands.len() >= 2, "{commands:?}");
    for words in commands {
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = crate::cli::waymark(&args);
        assert!(
            code == 0 || code == 1 || args.contains(&"--cases") && code == 2,
            "waymark {} gave {code}: {stderr}",
            words.join(" ")
        );
        assert!(!stdout.is_empty(), "waymark {}", words.join(" "));
    }
}

/// The language reference's table of units names every unit the parser knows.
#[test]
fn the_language_reference_lists_every_unit() {
    let reference = std::fs::read_to_string("docs/language.md").unwrap();
    for unit in waymark_calendar::Unit::ALL {
        let written = format!("`{}`", unit.words(2u32));
        assert!(reference.contains(&written), "docs/language.md: {written}");
    }
}
