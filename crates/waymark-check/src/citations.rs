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

/// Finds the text for each declared source: a file named after the source (`protocol.txt`,
/// `protocol.md`), or else a file with a line near its top that is the source's title. The
/// result has one entry per source, in the procedure's order.
pub fn match_guidance(procedure: &Procedure, files: &[GuidanceText]) -> Vec<Option<GuidanceText>> {
    procedure
        .sources
        .iter()
        .map(|source| {
            let by_name = files.iter().find(|f| {
                f.name
                    .rsplit_once('.')
                    .map_or(f.name.as_str(), |(stem, _)| stem)
                    == source.id
            });
            let title = normalise(&source.title);
            let by_title = || {
                files
                    .iter()
                    .find(|f| f.text.lines().take(40).any(|line| normalise(line) == title))
            };
            by_name.or_else(by_title).cloned()
        })
        .collect()
}

pub fn check(
    procedure: &Procedure,
    guidance: &[Option<GuidanceText>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let texts: Vec<Option<String>> = guidance
        .iter()
        .map(|g| g.as_ref().map(|g| normalise(&g.text)))
        .collect();
    for (index, source) in procedure.sources.iter().enumerate() {
        if texts.get(index).is_some_and(Option::is_some) {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(Code::SourceTextMissing, source.span, format!("no text was found for the source `{}`, so its citations were not checked", source.id))
                .label("no matching file")
                .help(format!("put the text in the sources folder as `{}.txt`, or as a file whose first lines include the title \"{}\"", source.id, source.title)),
        );
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
                .and_then(Option::as_ref)
                .map_or("", |g| g.name.as_str());
            diagnostics.push(
                Diagnostic::new(Code::CitationNotFound, cite.phrase_span, format!("the phrase \"{}\" no longer appears in `{}` ({file})", cite.phrase, source.id))
                    .label("not found in the source text")
                    .help("the guidance may have changed: re-read it, update the rule if needed, and cite a phrase that appears in the current text"),
            );
        }
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
    use super::normalise;

    #[test]
    fn normalises_case_space_and_quotes() {
        assert_eq!(
            normalise("  The  ‘Lead’\nPractitioner – now "),
            "the 'lead' practitioner - now"
        );
    }
}
