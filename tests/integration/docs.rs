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

/// The calendar guide's worked answers are the tool's: its closures example (the file it shows,
/// run with the command it shows) and the answers in the comments of `waymark days in full`.
/// The guide once said "Friday 9 January" where `waymark days` gives Thursday 2026-01-08.
#[test]
fn the_calendar_guide_answers_are_the_tools() {
    let guide = std::fs::read_to_string("docs/calendar.md").unwrap();
    let section = &guide[guide.find("## Adding your own closure days").unwrap()..];
    let file = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let scratch = crate::cli::Scratch::new("docs-closures");
    let closures = scratch.file("closures.txt", file.as_bytes());
    let answer = |extra: &[&str]| {
        let args = [&["days", "2025-12-24", "+5"][..], extra].concat();
        let (code, stdout, stderr) = crate::cli::waymark(&args);
        assert_eq!(code, 0, "{stderr}");
        chrono::NaiveDate::parse_from_str(stdout.trim(), "%Y-%m-%d").unwrap()
    };
    let with = answer(&["--calendar", &closures]);
    let without = answer(&[]);
    let claim = format!(
        "5 working days after Wednesday 24 December 2025 is {} instead of {}:",
        with.format("%A %-d %B %Y"),
        without.format("%A %-d %B"),
    );
    // Compared word by word: the sentence is wrapped across lines.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (prose, claim) = (words(section), words(&claim));
    assert!(
        prose.contains(&claim),
        "docs/calendar.md should say: {claim}"
    );
    // `waymark days 2025-12-01 +45   # 45 working days after: 2026-02-05`
    let full = &guide[guide.find("## `waymark days` in full").unwrap()..];
    let mut checked = 0;
    let block = full.lines().skip_while(|line| *line != "```sh").skip(1);
    for line in block.take_while(|line| *line != "```") {
        let Some((command, comment)) = line.split_once('#') else {
            continue;
        };
        let Some((_, expected)) = comment.rsplit_once(": ") else {
            continue;
        };
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let (code, stdout, stderr) = crate::cli::waymark(&words);
        assert_eq!(code, 0, "{line}: {stderr}");
        assert_eq!(stdout.trim(), expected.trim(), "{line}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} answers checked");
}

/// The README says where the example caseload's deliberately bad cases are (it once said they
/// end the file, though cases follow them).
#[test]
fn the_readme_says_where_the_bad_example_cases_are() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let cases = std::fs::read_to_string("examples/cases.jsonl").unwrap();
    let bad: Vec<usize> = cases
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains("\"BAD"))
        .map(|(index, _)| index + 1)
        .collect();
    let (first, last) = (bad[0], bad[bad.len() - 1]);
    assert_eq!(bad, (first..=last).collect::<Vec<_>>());
    let said = format!(
        "`examples/cases.jsonl` holds five deliberately bad cases on lines {first} to {last} of its {}",
        cases.lines().count()
    );
    assert_eq!(bad.len(), 5);
    assert!(readme.contains(&said), "README.md should say: {said}");
}
