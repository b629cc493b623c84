//! Laying out a file that parses: lines classified, detail lines ordered, indentation and
//! blank lines made canonical.

use crate::lex::{self, Token};
use crate::wrap::wrap;
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
    /// A line of code: its first word, its tokens and its trailing comment. A text continued
    /// over several lines is one line of code here, its text one token of several pieces.
    Code {
        word: String,
        tokens: Vec<Token>,
        comment: Option<String>,
    },
    /// A line that goes on with the quoted text ending the line of code above it.
    Continuation {
        tokens: Vec<Token>,
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
        let (tokens, comment) = lex::split(trimmed);
        let comment = comment.map(str::to_string);
        match tokens.first() {
            Some(Token::Word(word)) => Line::Code {
                word: word.clone(),
                tokens,
                comment,
            },
            _ => Line::Continuation { tokens, comment },
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
        "approved" => item(1),
        "all" | "any" => item(2),
        "target" | "due" => item(3),
        // Under the limits it extends.
        "extendable" => item(4),
        "at" => item(5),
        "every" => item(6),
        "until" => item(7),
        "overrun" => item(8),
        "untimed" => item(9),
        "waivable" => item(10),
        "may" => item(11),
        // "May happen again", then "may not happen at all".
        "optional" => item(12),
        "outcomes" => item(13),
        "cite" => item(14),
        "on" | "then" | "otherwise" => item(15),
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
    let lines = order_details(single_blanks(joined_texts(lines)));
    render(&lines, newline)
}

/// Each continued text made one token of its line of code, so it can be wrapped afresh. The
/// comments of the lines it ran over (trailing ones and comment lines between) move above the
/// line, which keeps only the comment of its last line: a comment stays beside the code only
/// where it can stay however the text is wrapped.
fn joined_texts(lines: Vec<Line>) -> Vec<Line> {
    let mut joined: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        let Line::Continuation { tokens, comment } = line else {
            joined.push(line);
            continue;
        };
        let between = joined
            .iter()
            .rev()
            .take_while(|line| matches!(line, Line::Comment(_)))
            .count();
        let at = joined.len() - between;
        let Some(Line::Code {
            tokens: code,
            comment: above,
            ..
        }) = at.checked_sub(1).and_then(|index| joined.get_mut(index))
        else {
            // Not reached for a file that parses: a continuation always has a text to go on.
            joined.push(Line::Continuation { tokens, comment });
            continue;
        };
        let mut moved: Vec<Line> = above.take().map(Line::Comment).into_iter().collect();
        *above = comment;
        continue_text(code, tokens);
        moved.extend(joined.drain(at..));
        let code_line = joined.pop();
        joined.extend(moved);
        joined.extend(code_line);
    }
    joined
}

/// Adds a continuation line's tokens to its line: its first text's pieces to the text that
/// ends the line, the rest after it.
fn continue_text(code: &mut Vec<Token>, more: Vec<Token>) {
    let mut more = more.into_iter();
    match (code.last_mut(), more.next()) {
        (Some(Token::Text(pieces)), Some(Token::Text(further))) => pieces.extend(further),
        (_, first) => code.extend(first),
    }
    code.extend(more);
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
    if families.windows(2).all(|pair| pair.first() == pair.last()) {
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
            Line::Code {
                tokens, comment, ..
            }
            | Line::Continuation { tokens, comment } => {
                out.push_str(&code_lines(indent, tokens).join(newline));
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

/// A line of code as written: its tokens one space apart, a comma closed up to the word before
/// it, and each quoted text too long for the line wrapped into pieces, one under the other,
/// lined up under its opening quote. What follows a wrapped text goes on after its last piece.
fn code_lines(indent: &str, tokens: &[Token]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = indent.to_string();
    for (index, token) in tokens.iter().enumerate() {
        let first = line.len() == indent.len();
        match token {
            Token::Comma => line.push(','),
            Token::Word(word) => {
                if !first {
                    line.push(' ');
                }
                line.push_str(word);
            }
            Token::Text(pieces) => {
                if !first {
                    line.push(' ');
                }
                let column = line.chars().count();
                let tail = width(tokens.get(index + 1..).unwrap_or_default());
                for (number, piece) in wrap(&pieces.join(" "), column, tail).iter().enumerate() {
                    if number > 0 {
                        lines.push(std::mem::replace(&mut line, " ".repeat(column)));
                    }
                    line.push('"');
                    line.push_str(piece);
                    line.push('"');
                }
            }
        }
    }
    lines.push(line);
    lines
}

/// How wide tokens are when written on one line, with the space before each word or text.
fn width(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .map(|token| match token {
            Token::Comma => 1,
            Token::Word(word) => 1 + word.chars().count(),
            Token::Text(pieces) => {
                let joined: usize = pieces.iter().map(|p| p.chars().count() + 1).sum();
                2 + joined
            }
        })
        .sum()
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
