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
