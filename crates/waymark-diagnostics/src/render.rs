//! Turning diagnostics into text: miette's report for people, JSON lines for editors and CI.

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, Label};
use crate::sources::{SourceFile, Sources};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;
use std::fmt;

/// Choices for the human rendering.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Use colour (only when printing to a terminal).
    pub colour: bool,
    /// Terminal width to wrap to.
    pub width: Option<usize>,
}

/// A file as miette reads it: through our line index, so a report costs the lines it shows,
/// not a copy and a scan of the whole file (which made 1,000 reports on a large file take
/// seconds).
struct Indexed<'a> {
    file: &'a SourceFile,
}

impl SourceCode for Indexed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.file.text.as_str();
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len());
        let first_line = self.file.line_index(start).saturating_sub(before);
        // The last byte of the span decides its last line (an empty span uses its start).
        let last_byte = if span.is_empty() { end } else { end - 1 };
        let last_line = (self.file.line_index(last_byte) + after).min(self.file.line_count() - 1);
        // As miette's own sources do: with no lines of context the data starts at the span and
        // the column is the span's (in bytes); with context it starts at a line, column 0.
        let (data_start, column) = if before == 0 {
            (start, start - self.file.line_start(first_line))
        } else {
            (self.file.line_start(first_line), 0)
        };
        let data_end = self.file.line_start(last_line + 1).max(data_start);
        let data = text
            .as_bytes()
            .get(data_start..data_end)
            .unwrap_or_default();
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            SourceSpan::new(data_start.into(), data.len()),
            first_line,
            column,
            // miette's own sources count lines from the start of the file here, and its report
            // handler relies on that to draw all labels of a file in one snippet.
            last_line + 1,
        )))
    }
}

/// A diagnostic paired with its file, in the shape miette's report handler wants.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Indexed<'a>,
    file_text_len: usize,
    /// False when a label sits on a line too long to draw (see [`clip_long_lines`]): the
    /// report then has no snippet, and notes show the clipped line instead.
    snippet: bool,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Report<'_> {
    fn labeled(&self, label: &Label, primary: bool) -> LabeledSpan {
        let start = (label.span.start as usize).min(self.file_text_len);
        let len = label.span.len().min(self.file_text_len - start);
        let text = (!label.text.is_empty()).then(|| label.text.clone());
        if primary {
            LabeledSpan::new_primary_with_span(text, (start, len))
        } else {
            LabeledSpan::new_with_span(text, (start, len))
        }
    }
}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut text = self.diagnostic.help.clone();
        for note in &self.diagnostic.notes {
            text.push_str("\nnote: ");
            text.push_str(note);
        }
        (!text.is_empty()).then(|| Box::new(text) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet
            .then_some(&self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.snippet {
            return None;
        }
        let primary = self.diagnostic.primary.span.file;
        let related = self
            .diagnostic
            .related
            .iter()
            .filter(move |label| label.span.file == primary)
            .map(|label| self.labeled(label, false));
        let all = std::iter::once(self.labeled(&self.diagnostic.primary, true)).chain(related);
        Some(Box::new(all))
    }
}

/// Renders diagnostics as miette reports, one after another, in the order given.
///
/// Related places in other files cannot be drawn in the same snippet, so they become notes
/// naming the file, line and column.
pub fn render_human(
    diagnostics: &[Diagnostic],
    sources: &Sources,
    options: RenderOptions,
) -> String {
    let theme = if options.colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme);
    if let Some(width) = options.width {
        handler = handler.with_width(width);
    }
    let mut out = String::new();
    let missing = SourceFile::new("<unknown>", "");
    let mut safe_copies: std::collections::HashMap<crate::FileId, Option<SourceFile>> =
        std::collections::HashMap::new();
    for diagnostic in diagnostics {
        let diagnostic = terminal_safe(with_cross_file_notes(diagnostic, sources));
        let file = sources
            .get(diagnostic.primary.span.file)
            .unwrap_or(&missing);
        // A file holding control characters is drawn from a copy with each one replaced by a
        // `?` of the same length, so the labels still line up. Each file is looked at once.
        let file = safe_copies
            .entry(diagnostic.primary.span.file)
            .or_insert_with(|| {
                has_control(&file.text)
                    .then(|| SourceFile::new(file.name.clone(), safe_text(&file.text)))
            })
            .as_ref()
            .unwrap_or(file);
        let (diagnostic, snippet) = clip_long_lines(diagnostic, file);
        let report = Report {
            diagnostic: &diagnostic,
            source: Indexed { file },
            file_text_len: file.text.len(),
            snippet,
        };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        out.push('\n');
    }
    out
}

/// Control characters other than newline and tab: an ESC in a title could recolour or clear
/// the terminal, and a carriage return or other control could hide or forge report lines.
fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn has_control(text: &str) -> bool {
    text.chars().any(is_unsafe_control)
}

/// `text` with every unsafe control character replaced by as many `?` as its UTF-8 bytes, so
/// every byte offset into it stays true.
fn safe_text(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let width = if is_unsafe_control(c) {
                c.len_utf8()
            } else {
                0
            };
            let keep = (width == 0).then_some(c);
            keep.into_iter().chain(std::iter::repeat_n('?', width))
        })
        .collect()
}

/// The diagnostic's own words (message, labels, help, notes) with control characters escaped
/// (`\u{1b}`), newlines included: they are one line each, and a newline in a name taken from
/// the user's file could forge a line of the report.
fn terminal_safe(mut diagnostic: Diagnostic) -> Diagnostic {
    let escape = |text: &mut String| {
        if text.chars().any(char::is_control) {
            *text = text
                .chars()
                .flat_map(|c| match c.is_control() {
                    true => c.escape_default().collect::<Vec<_>>(),
                    false => vec![c],
                })
                .collect();
        }
        // A word quoted from the user's file can be a megabyte long; a log needs its start.
        if let Some((cut, _)) = text.char_indices().nth(LONGEST_WORDS) {
            let rest = text.len() - cut;
            text.truncate(cut);
            text.push_str(&format!("... ({rest} more bytes)"));
        }
    };
    escape(&mut diagnostic.message);
    escape(&mut diagnostic.primary.text);
    for label in &mut diagnostic.related {
        escape(&mut label.text);
    }
    for note in &mut diagnostic.notes {
        escape(note);
    }
    // Help may hold line breaks of its own making (a list); only other controls are escaped.
    if has_control(&diagnostic.help) {
        diagnostic.help = safe_text(&diagnostic.help);
    }
    diagnostic
}

/// The most characters of a message, label or note shown for people (JSON keeps them whole).
const LONGEST_WORDS: usize = 1_000;

/// Lines longer than this many bytes are not drawn whole. miette pads to a label's column with
/// a format width, which panics past column 65,535; and a megabyte line is no use on a terminal.
const LONGEST_DRAWN_LINE: usize = 1_000;

/// Characters shown either side of a label's span, and of the span itself, on a clipped line.
const CLIP_CONTEXT: usize = 40;

/// A diagnostic whose labels sit on a line too long to draw loses its snippet; instead a note
/// per label gives its place and a clipped excerpt of the line around it. Returns the
/// diagnostic to render and whether to draw its snippet.
fn clip_long_lines(diagnostic: Diagnostic, file: &SourceFile) -> (Diagnostic, bool) {
    let primary = diagnostic.primary.span.file;
    let labels: Vec<&Label> = std::iter::once(&diagnostic.primary)
        .chain(diagnostic.related.iter().filter(|l| l.span.file == primary))
        .collect();
    let line_length = |offset: usize| {
        let line = file.line_index(offset);
        file.line_start(line + 1) - file.line_start(line)
    };
    if labels
        .iter()
        .all(|label| line_length(label.span.start as usize) <= LONGEST_DRAWN_LINE)
    {
        return (diagnostic, true);
    }
    let notes: Vec<String> = labels
        .iter()
        .map(|label| {
            let (line, column) = file.line_column(label.span.start);
            format!(
                "{}:{line}:{column}: {}: `{}`",
                file.name,
                label.text,
                excerpt(file, label)
            )
        })
        .collect();
    let mut clipped = diagnostic;
    clipped.notes.splice(0..0, notes);
    (clipped, false)
}

/// The text around a label on its line, at most [`CLIP_CONTEXT`] characters either side and of
/// the span, with `...` where the line was cut and control characters escaped.
fn excerpt(file: &SourceFile, label: &Label) -> String {
    let text = file.text.as_str();
    let start = (label.span.start as usize).min(text.len());
    let end = (label.span.end as usize).clamp(start, text.len());
    let line = file.line_index(start);
    let line_start = file.line_start(line);
    let line_end = file.line_start(line + 1).min(text.len());
    let before: String = text
        .get(line_start..start)
        .unwrap_or_default()
        .chars()
        .rev()
        .take(CLIP_CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let span: String = text
        .get(start..end.min(line_end))
        .unwrap_or_default()
        .chars()
        .take(CLIP_CONTEXT)
        .collect();
    let after_start = (start + span.len()).min(line_end);
    let after: String = text
        .get(after_start..line_end)
        .unwrap_or_default()
        .chars()
        .take(CLIP_CONTEXT)
        .collect();
    let cut_before = start - line_start > before.len();
    let cut_after = line_end - after_start > after.len();
    let mut shown = String::new();
    if cut_before {
        shown.push_str("...");
    }
    shown.push_str(&before);
    shown.push_str(&span);
    shown.push_str(after.trim_end_matches(['\n', '\r']));
    if cut_after {
        shown.push_str("...");
    }
    shown
        .chars()
        .flat_map(|c| match c.is_control() {
            true => c.escape_default().collect::<Vec<_>>(),
            false => vec![c],
        })
        .collect()
}

fn with_cross_file_notes(diagnostic: &Diagnostic, sources: &Sources) -> Diagnostic {
    let mut copy = diagnostic.clone();
    for label in &diagnostic.related {
        if label.span.file == diagnostic.primary.span.file {
            continue;
        }
        if let Some(file) = sources.get(label.span.file) {
            let (line, column) = file.line_column(label.span.start);
            copy.notes
                .push(format!("{}:{line}:{column}: {}", file.name, label.text));
        }
    }
    copy
}

#[derive(Serialize)]
struct JsonPlace<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: JsonSpan,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: JsonSpan,
    label: &'a str,
    help: &'a str,
    notes: &'a [String],
    related: Vec<JsonPlace<'a>>,
}

fn place<'a>(label: &'a Label, sources: &'a Sources) -> JsonPlace<'a> {
    let file = sources.get(label.span.file);
    let (line, column) = file.map_or((0, 0), |f| f.line_column(label.span.start));
    let (end_line, end_column) =
        file.map_or((0, 0), |f: &SourceFile| f.line_column(label.span.end));
    JsonPlace {
        file: sources.name(label.span.file),
        line,
        column,
        end_line,
        end_column,
        span: JsonSpan {
            start: label.span.start,
            end: label.span.end,
        },
        label: &label.text,
    }
}

/// Renders diagnostics as JSON Lines: one object per diagnostic, keys in a fixed order.
pub fn render_json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let primary = place(&diagnostic.primary, sources);
        let json = JsonDiagnostic {
            code: diagnostic.code.as_str(),
            name: diagnostic.code.name(),
            severity: diagnostic.severity.as_str(),
            message: &diagnostic.message,
            file: primary.file,
            line: primary.line,
            column: primary.column,
            end_line: primary.end_line,
            end_column: primary.end_column,
            span: primary.span,
            label: primary.label,
            help: &diagnostic.help,
            notes: &diagnostic.notes,
            related: diagnostic
                .related
                .iter()
                .map(|label| place(label, sources))
                .collect(),
        };
        if let Ok(line) = serde_json::to_string(&json) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// "2 errors, 1 warning in 3 files", or "no problems in 1 file".
pub fn summary_line(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let found = match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    };
    format!("{found} in {}", plural(files, "file"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::diagnostic::Span;

    fn sample() -> (Vec<Diagnostic>, Sources) {
        let mut sources = Sources::new();
        let file = sources.add("demo.wm", "procedure demo \"Demo\"\nstpe referral\n");
        let diagnostic = Diagnostic::new(
            Code::UnknownKeyword,
            Span::new(file, 22, 26),
            "unknown keyword `stpe`",
        )
        .label("not a keyword")
        .help("did you mean `step`?");
        (vec![diagnostic], sources)
    }

    #[test]
    fn json_has_position_and_help() {
        let (diagnostics, sources) = sample();
        let json: serde_json::Value =
            serde_json::from_str(render_json(&diagnostics, &sources).trim()).unwrap();
        assert_eq!(json["code"], "WM0101");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["file"], "demo.wm");
        assert_eq!(json["line"], 2);
        assert_eq!(json["column"], 1);
        assert_eq!(json["span"]["start"], 22);
        assert_eq!(json["help"], "did you mean `step`?");
    }

    #[test]
    fn human_shows_code_label_and_help() {
        let (diagnostics, sources) = sample();
        let text = render_human(
            &diagnostics,
            &sources,
            RenderOptions {
                colour: false,
                width: Some(80),
            },
        );
        assert!(text.contains("WM0101"), "{text}");
        assert!(text.contains("not a keyword"), "{text}");
        assert!(text.contains("did you mean `step`?"), "{text}");
        assert!(text.contains("demo.wm:2:1"), "{text}");
    }

    #[test]
    fn a_label_past_column_65_535_is_shown_clipped_not_a_panic() {
        let mut sources = Sources::new();
        let text = format!("procedure p \"P\"\n{}x\n", " ".repeat(65_536));
        let start = text.len() - 2;
        let file = sources.add("wide.wm", text);
        let diagnostic = Diagnostic::new(
            Code::UnknownKeyword,
            Span::new(file, start, start + 1),
            "unknown keyword `x`",
        )
        .label("not a keyword");
        let shown = render_human(&[diagnostic], &sources, RenderOptions::default());
        assert!(shown.contains("wide.wm:2:65537: not a keyword"), "{shown}");
        assert!(shown.len() < 1_000, "{} bytes", shown.len());
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let mut sources = Sources::new();
        let text = "procedure p \"P\"\nstep a \"\u{1b}[2J\u{1b}[31mRed\"\n";
        let file = sources.add("esc.wm", text);
        let diagnostic = Diagnostic::new(
            Code::UnknownKeyword,
            Span::new(file, 16, 20),
            "a title `\u{1b}[2J`\nerror: forged",
        )
        .label("here\u{7}");
        let shown = render_human(&[diagnostic], &sources, RenderOptions::default());
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(!shown.contains("\nerror: forged"), "{shown}");
        assert!(shown.contains("\\u{1b}[2J"), "{shown}");
    }

    #[test]
    fn a_huge_word_in_a_message_is_cut_short() {
        let mut sources = Sources::new();
        let file = sources.add("big.wm", "x\n");
        let word = "w".repeat(5_000_000);
        let diagnostic = Diagnostic::new(
            Code::UnknownKeyword,
            Span::new(file, 0, 1),
            format!("unknown keyword `{word}`"),
        );
        let shown = render_human(&[diagnostic], &sources, RenderOptions::default());
        assert!(shown.len() < 5_000, "{} bytes", shown.len());
        assert!(shown.contains("more bytes)"), "{shown}");
    }

    #[test]
    fn summary_counts() {
        let (diagnostics, _) = sample();
        assert_eq!(summary_line(&diagnostics, 1), "1 error in 1 file");
        assert_eq!(summary_line(&[], 3), "no problems in 3 files");
    }
}
