//! A procedure given where a test file is wanted, or a test file given where a procedure is:
//! told apart by the first word of the first line that is not blank or a comment, so the user
//! gets one message naming the mix-up instead of a diagnostic for every line.

use std::path::Path;
use waymark_diagnostics::{Code, Diagnostic, FileId, Sources, Span};

/// The first word of the first line that is not blank or a comment, and where it starts.
fn first_word(text: &str) -> Option<(&str, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let word = trimmed.split_whitespace().next()?;
        return Some((word, start + (line.len() - trimmed.len())));
    }
    None
}

/// The span of the first word, when it is one of `words`.
fn first_word_among(file: FileId, text: &str, words: &[&str]) -> Option<Span> {
    let (word, start) = first_word(text)?;
    words
        .contains(&word)
        .then(|| Span::new(file, start, start + word.len()))
}

/// WM0008: a test file (`tests "assessment.wm"`) given to a command that reads a procedure.
pub(crate) fn test_file_as_procedure(file: FileId, sources: &Sources) -> Option<Diagnostic> {
    let source = sources.get(file)?;
    let span = first_word_among(file, &source.text, &["tests", "test"])?;
    let name = sources.name(file);
    let path = crate::output::shown(name);
    let tested = match tested_procedure(&source.text, span) {
        Some(procedure) => {
            let beside = Path::new(name)
                .parent()
                .unwrap_or(Path::new(""))
                .join(procedure);
            let beside = crate::output::shown(&beside.to_string_lossy());
            format!("to check the procedure it tests, run `waymark check {beside}`")
        }
        None => "the procedure it tests is named on its `tests` line".to_string(),
    };
    Some(
        Diagnostic::new(
            Code::FileIsATestFile,
            span,
            format!("`{path}` is a test file, not a procedure"),
        )
        .label("a test file starts so")
        .help(format!(
            "run its tests with `waymark test {path}`; {tested}"
        )),
    )
}

/// The file named on a `tests "FILE"` line that starts at `span`.
fn tested_procedure(text: &str, span: Span) -> Option<&str> {
    let rest = text.get(span.start as usize..)?.lines().next()?;
    let quoted = rest.strip_prefix("tests")?.trim();
    let name = quoted.strip_prefix('"')?.split('"').next()?;
    (!name.is_empty()).then_some(name)
}

/// WM0714: a procedure (`procedure assessment "..."`) given to `waymark test`.
pub(crate) fn procedure_as_test_file(file: FileId, sources: &Sources) -> Option<Diagnostic> {
    let source = sources.get(file)?;
    let span = first_word_among(file, &source.text, &["procedure", "use"])?;
    let name = sources.name(file);
    let path = crate::output::shown(name);
    let tests = Path::new(name).with_extension(crate::command::test::TEST_EXTENSION);
    let help = match tests.is_file() {
        true => format!(
            "its tests are in `{}`: run `waymark test {}`; to check the procedure itself, run \
             `waymark check {path}`",
            crate::output::shown(&tests.to_string_lossy()),
            crate::output::shown(&tests.to_string_lossy()),
        ),
        false => format!(
            "to check the procedure, run `waymark check {path}`; its tests go in a `.wmtest` \
             file beside it (docs/testing.md)"
        ),
    };
    Some(
        Diagnostic::new(
            Code::TestFileIsAProcedure,
            span,
            format!("`{path}` is a procedure, not a test file"),
        )
        .label("a procedure starts so")
        .help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::first_word;

    #[test]
    fn the_first_word_skips_blank_lines_and_comments() {
        assert_eq!(
            first_word("# about\n\n  tests \"a.wm\"\n"),
            Some(("tests", 11))
        );
        assert_eq!(first_word("procedure a \"A\""), Some(("procedure", 0)));
        assert_eq!(first_word("# only a comment\n  \n"), None);
    }
}
