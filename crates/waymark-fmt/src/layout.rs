//! Laying out a file that parses: lines classified, detail lines ordered, indentation and
//! blank lines made canonical.

use crate::lex;
use waymark_syntax::{CLAUSE_KEYWORDS, HEADER_KEYWORDS};

/// The indentation of a detail line.
const INDENT: &str = "  ";

/// What separates code from a comment after it on the same line (two spaces, as in Python's
/// PEP 8, so the comment stands apart from the last word).
const COMMENT_GAP: &str = "  ";

/// One line of the file as the layout sees it.
#[derive(Clone, Debug)]
enum Line {
    Blank,
    /// A line holding only a comment, from its `#`.
    Comment(String),
    /// A line of code: its first word, its code laid out, and its trailing comment.
    Code {
        word: String,
        code: String,
        comment: Option<String>,
    },
}

impl Line {
    fn read(raw: &str) -> Line {
        let trimmed = raw.trim_matches([' ', '\t']);
        if trimmed.is_empty() {
            return Line::Blank;
        }
        if trimmed.starts_with('#') {
            return Line::Comment(trimmed.to_string());
        }
        let (code, comment) = lex::split(trimmed);
        let word = code.split(' ').next().unwrap_or_default().to_string();
        Line::Code {
            word,
            code,
            comment: comment.map(str::to_string),
        }
    }

    /// Where a detail line goes among the detail lines of its group, if it is one.
    fn rank(&self) -> Option<(Family, u8)> {
        match self {
            Line::Code { word, .. } => detail_rank(word),
            _ => None,
        }
    }
}

/// Which kind of line a detail line belongs to: lines of the two families are never reordered
/// among each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `version`, `effective`, `calendar`, `source` under `procedure`.
    Header,
    /// The detail lines of an item.
    Item,
}

/// The canonical place of a detail line starting with `word` within its group: lower first.
/// Lines of equal rank keep their order, because their order can mean something: a later
/// `untimed` replaces an earlier one, deadlines are listed in order, and routes are tried in
/// order. So `due` and `target` share a rank, as do `on`, `then` and `otherwise`.
pub fn detail_rank(word: &str) -> Option<(Family, u8)> {
    let item = |rank| Some((Family::Item, rank));
    match word {
        "version" => Some((Family::Header, 0)),
        "effective" => Some((Family::Header, 1)),
        "calendar" => Some((Family::Header, 2)),
        "source" => Some((Family::Header, 3)),
        "by" => item(0),
        "all" => item(1),
        "target" | "due" => item(2),
        "at" => item(3),
        "every" => item(4),
        "until" => item(5),
        "overrun" => item(6),
        "untimed" => item(7),
        "waivable" => item(8),
        "may" => item(9),
        "outcomes" => item(10),
        "cite" => item(11),
        "on" | "then" | "otherwise" => item(12),
        _ => None,
    }
}

/// The canonical layout of `text`, which must parse without errors.
pub fn layout(text: &str) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<Line> = text
        .split('\n')
        .map(|raw| Line::read(raw.strip_suffix('\r').unwrap_or(raw)))
        .collect();
    let lines = order_details(single_blanks(lines));
    render(&lines, newline)
}

/// No blank line at the start or end, and never two in a row.
fn single_blanks(lines: Vec<Line>) -> Vec<Line> {
    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = matches!(line, Line::Blank);
        if blank && kept.last().is_none_or(|last| matches!(last, Line::Blank)) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|last| matches!(last, Line::Blank)) {
        kept.pop();
    }
    kept
}

/// Puts each group of detail lines (detail lines with no blank line or other line between
/// them) in canonical order. A comment block directly above a detail line moves with it.
fn order_details(lines: Vec<Line>) -> Vec<Line> {
    let mut ordered = Vec::with_capacity(lines.len());
    let mut group: Vec<Vec<Line>> = Vec::new();
    let mut comments: Vec<Line> = Vec::new();
    for line in lines {
        if matches!(line, Line::Comment(_)) {
            comments.push(line);
        } else if line.rank().is_some() {
            comments.push(line);
            group.push(std::mem::take(&mut comments));
        } else {
            flush(&mut group, &mut ordered);
            ordered.append(&mut comments);
            ordered.push(line);
        }
    }
    flush(&mut group, &mut ordered);
    ordered.append(&mut comments);
    ordered
}

/// Sorts one group of detail lines (each with the comments above it) into `out`. A group that
/// mixes header and item details (which does not parse cleanly) keeps its order.
fn flush(group: &mut Vec<Vec<Line>>, out: &mut Vec<Line>) {
    let rank = |unit: &Vec<Line>| unit.last().and_then(Line::rank);
    let families: Vec<Family> = group.iter().filter_map(rank).map(|(f, _)| f).collect();
    if families.windows(2).all(|pair| pair[0] == pair[1]) {
        group.sort_by_key(|unit| rank(unit).map(|(_, rank)| rank));
    }
    for unit in group.drain(..) {
        out.extend(unit);
    }
}

/// Writes the lines, each comment line indented like the next line of code.
fn render(lines: &[Line], newline: &str) -> String {
    let mut out = String::new();
    let mut indents = vec![""; lines.len()];
    let mut next_indent = "";
    for (index, line) in lines.iter().enumerate().rev() {
        if let Line::Code { word, .. } = line {
            next_indent = indent(word);
        }
        if let Some(slot) = indents.get_mut(index) {
            *slot = next_indent;
        }
    }
    for (line, indent) in lines.iter().zip(indents) {
        match line {
            Line::Blank => {}
            Line::Comment(comment) => {
                out.push_str(indent);
                out.push_str(comment);
            }
            Line::Code { code, comment, .. } => {
                out.push_str(indent);
                out.push_str(code);
                if let Some(comment) = comment {
                    out.push_str(COMMENT_GAP);
                    out.push_str(comment);
                }
            }
        }
        out.push_str(newline);
    }
    out
}

/// Detail lines are indented under their item; everything else starts at the margin.
fn indent(word: &str) -> &'static str {
    let detail = HEADER_KEYWORDS.contains(&word) && word != "procedure";
    if detail || CLAUSE_KEYWORDS.contains(&word) {
        INDENT
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::layout;

    #[test]
    fn indents_details_and_keeps_comments_with_their_line() {
        let text = "procedure p\n version \"1\"\n\n\n\nstart a\nstep a   \"A\"\n# who\n\t\tby r\nthen b\n  cite s \"x\"\n\n";
        assert_eq!(
            layout(text),
            "procedure p\n  version \"1\"\n\nstart a\nstep a \"A\"\n  # who\n  by r\n  cite s \"x\"\n  then b\n"
        );
    }

    #[test]
    fn equal_ranks_keep_their_order_and_blank_lines_split_groups() {
        let text = "step a\n  then b\n  due 1 day after a\n  target 1 day after a\n\n  by r\n";
        assert_eq!(
            layout(text),
            "step a\n  due 1 day after a\n  target 1 day after a\n  then b\n\n  by r\n"
        );
    }

    #[test]
    fn may_repeat_comes_after_waivable_and_before_outcomes() {
        let text =
            "decision a\n  on x then b\n  outcomes x\n  may repeat\n  untimed \"u\"\n  by r\n";
        assert_eq!(
            layout(text),
            "decision a\n  by r\n  untimed \"u\"\n  may repeat\n  outcomes x\n  on x then b\n"
        );
    }

    #[test]
    fn windows_line_endings_stay() {
        assert_eq!(
            layout("procedure p\r\nstart a\r\n"),
            "procedure p\r\nstart a\r\n"
        );
    }
}
