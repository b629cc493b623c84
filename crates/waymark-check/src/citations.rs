//! Citations: every cited key phrase must still appear in the guidance text it cites, so a
//! changed guidance document is noticed.

use waymark_compile::Procedure;
use waymark_diagnostics::{Code, Diagnostic};

/// A guidance document's text, as read from the `--sources` folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuidanceText {
    /// The file's name, e.g. `003_b2a6f631a985d0cf.txt`.
    pub name: String,
    pub text: String,
}

/// How many lines at the top of a file are searched for a source's title.
const TITLE_LINES: usize = 40;

/// Finds the text for each declared source: a file named after the source (`protocol.txt`,
/// `protocol.md`), or else the one file whose first lines include the source's title. The
/// result has one entry per source, in the procedure's order; a source with no file, or whose
/// title several files include equally well, has none.
pub fn match_guidance(procedure: &Procedure, files: &[GuidanceText]) -> Vec<Option<GuidanceText>> {
    procedure
        .sources
        .iter()
        .map(|source| match find_text(&source.id, &source.title, files) {
            Found::One(file) => Some(file.clone()),
            Found::None | Found::Several(_) => None,
        })
        .collect()
}

/// What the sources folder holds for one source.
enum Found<'a> {
    One(&'a GuidanceText),
    None,
    /// Several files include the title equally well (names in the folder's order).
    Several(Vec<&'a str>),
}

/// How well a line near the top of a file matches a title: lower is better. Guidance pages
/// are titled "Local Protocol for Assessment and Support" where a procedure may say "Local
/// Protocol", and mention other documents' titles in passing, so a line that is the title beats
/// one that begins with it, which beats one that has it in the middle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TitleFit {
    Whole,
    Begins,
    Within,
}

fn find_text<'a>(id: &str, title: &str, files: &'a [GuidanceText]) -> Found<'a> {
    let by_name = files.iter().find(|f| {
        f.name
            .rsplit_once('.')
            .map_or(f.name.as_str(), |(stem, _)| stem)
            == id
    });
    if let Some(file) = by_name {
        return Found::One(file);
    }
    let title = normalise(title);
    if title.is_empty() {
        return Found::None;
    }
    let fits: Vec<(TitleFit, &GuidanceText)> = files
        .iter()
        .filter_map(|file| {
            let best = file
                .text
                .lines()
                .take(TITLE_LINES)
                .filter_map(|line| title_fit(&normalise(line), &title))
                .min()?;
            Some((best, file))
        })
        .collect();
    let Some(best) = fits.iter().map(|(fit, _)| *fit).min() else {
        return Found::None;
    };
    let best_files: Vec<&GuidanceText> = fits
        .iter()
        .filter(|(fit, _)| *fit == best)
        .map(|(_, file)| *file)
        .collect();
    match best_files.as_slice() {
        [only] => Found::One(only),
        several => Found::Several(several.iter().map(|f| f.name.as_str()).collect()),
    }
}

/// Whether a normalised line holds a normalised title as whole words, and how well.
fn title_fit(line: &str, title: &str) -> Option<TitleFit> {
    if line == title {
        return Some(TitleFit::Whole);
    }
    let word_edge = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
    line.match_indices(title)
        .filter(|(at, _)| {
            let before = line.get(..*at).and_then(|head| head.chars().next_back());
            let after = line
                .get(at + title.len()..)
                .and_then(|tail| tail.chars().next());
            word_edge(before) && word_edge(after)
        })
        .map(|(at, _)| match at {
            0 => TitleFit::Begins,
            _ => TitleFit::Within,
        })
        .min()
}

pub fn check(procedure: &Procedure, files: &[GuidanceText], diagnostics: &mut Vec<Diagnostic>) {
    let found: Vec<Found<'_>> = procedure
        .sources
        .iter()
        .map(|source| find_text(&source.id, &source.title, files))
        .collect();
    let guidance: Vec<Option<&GuidanceText>> = found
        .iter()
        .map(|found| match found {
            Found::One(file) => Some(*file),
            Found::None | Found::Several(_) => None,
        })
        .collect();
    let texts: Vec<Option<String>> = guidance
        .iter()
        .map(|g| g.map(|g| normalise(&g.text)))
        .collect();
    for (source, found) in procedure.sources.iter().zip(&found) {
        match found {
            Found::One(_) => {}
            Found::None => diagnostics.push(
                Diagnostic::new(Code::SourceTextMissing, source.span, format!("no text was found for the source `{}`, so its citations were not checked", source.id))
                    .label("no matching file")
                    .help(format!("put the text in the sources folder as `{}.txt`, or as a file whose first {TITLE_LINES} lines include the title \"{}\"", source.id, source.title)),
            ),
            Found::Several(names) => diagnostics.push(
                Diagnostic::new(Code::SourceTextMissing, source.span, format!("several files in the sources folder include the title of `{}`, so its citations were not checked", source.id))
                    .label(format!("{} files match", names.len()))
                    .help(format!("name the one meant `{}.txt`, or make the title exact: each of {} has \"{}\" near its top", source.id, file_list(names), source.title)),
            ),
        }
    }
    for step in &procedure.steps {
        for cite in &step.cites {
            let Some(Some(text)) = texts.get(cite.source.0 as usize) else {
                continue;
            };
            if text.contains(&normalise(&cite.phrase)) {
                continue;
            }
            let source = procedure.source(cite.source);
            let file = guidance
                .get(cite.source.0 as usize)
                .copied()
                .flatten()
                .map_or("", |g| g.name.as_str());
            diagnostics.push(
                Diagnostic::new(Code::CitationNotFound, cite.phrase_span, format!("the phrase \"{}\" no longer appears in `{}` ({file})", cite.phrase, source.id))
                    .label("not found in the source text")
                    .help("the guidance may have changed: re-read it, update the rule if needed, and cite a phrase that appears in the current text"),
            );
        }
    }
}

/// "`a.txt` and `b.txt`", "`a.txt`, `b.txt` and 3 more".
fn file_list(names: &[&str]) -> String {
    const SHOWN: usize = 4;
    let quoted: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    match (quoted.split_last(), names.len().saturating_sub(SHOWN)) {
        (None, _) => String::new(),
        (Some((only, [])), 0) => only.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), more) => format!("{} and {more} more", quoted.join(", ")),
    }
}

/// Lowercase, with typographic quotes and dashes made plain and runs of spaces made one, so a
/// citation is not lost to formatting.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> GuidanceText {
        GuidanceText {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    fn found(title: &str, files: &[GuidanceText]) -> Result<String, Vec<String>> {
        match find_text("protocol", title, files) {
            Found::One(file) => Ok(file.name.clone()),
            Found::None => Err(Vec::new()),
            Found::Several(names) => Err(names.iter().map(|n| n.to_string()).collect()),
        }
    }

    #[test]
    fn a_title_the_first_lines_include_matches() {
        let files = [
            file(
                "003.txt",
                "Local  Protocol for Assessment and Support\nScope",
            ),
            file("000.txt", "Skip to content\nAssessments\n"),
        ];
        assert_eq!(found("Local Protocol", &files), Ok("003.txt".to_string()));
        assert_eq!(
            found("local protocol FOR assessment", &files),
            Ok("003.txt".to_string())
        );
        assert_eq!(found("Assessments", &files), Ok("000.txt".to_string()));
        assert_eq!(found("Support", &files), Ok("003.txt".to_string()));
    }

    #[test]
    fn a_title_matches_whole_words_only() {
        let files = [file("a.txt", "Local Protocols for Assessment")];
        assert_eq!(found("Local Protocol", &files), Err(Vec::new()));
        assert_eq!(found("Protocols for", &files), Ok("a.txt".to_string()));
    }

    #[test]
    fn the_exact_title_beats_a_title_within_a_line() {
        let files = [
            file(
                "a.txt",
                "Referral guidance\nSee also Assessments, chapter 2",
            ),
            file("b.txt", "Contents\nAssessments"),
            file("c.txt", "Assessments and reviews"),
        ];
        assert_eq!(found("Assessments", &files), Ok("b.txt".to_string()));
        let files = [
            file("a.txt", "See Assessments"),
            file("c.txt", "Assessments and reviews"),
        ];
        assert_eq!(found("Assessments", &files), Ok("c.txt".to_string()));
    }

    #[test]
    fn several_equal_matches_are_ambiguous() {
        let files = [
            file("2024.txt", "Local Protocol for Assessment (2024)"),
            file("2025.txt", "Local Protocol for Assessment (2025)"),
        ];
        assert_eq!(
            found("Local Protocol", &files),
            Err(vec!["2024.txt".to_string(), "2025.txt".to_string()])
        );
    }

    #[test]
    fn a_file_named_after_the_source_wins() {
        let files = [
            file("other.txt", "Local Protocol"),
            file("protocol.md", "anything"),
        ];
        assert_eq!(
            found("Local Protocol", &files),
            Ok("protocol.md".to_string())
        );
    }

    #[test]
    fn lists_files_briefly() {
        assert_eq!(file_list(&["a"]), "`a`");
        assert_eq!(file_list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(
            file_list(&["a", "b", "c", "d", "e", "f"]),
            "`a`, `b`, `c`, `d` and 2 more"
        );
    }

    #[test]
    fn normalises_case_space_and_quotes() {
        assert_eq!(
            normalise("  The  ‘Lead’\nPractitioner – now "),
            "the 'lead' practitioner - now"
        );
    }
}
