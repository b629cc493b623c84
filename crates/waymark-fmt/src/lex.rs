//! One line's words: the pieces the layout puts one space apart, and its trailing comment.

/// A piece of a line of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece<'a> {
    /// A keyword, name, number, date or unit word.
    Word(&'a str),
    /// A quoted text, quotes included, exactly as written.
    Text(&'a str),
    Comma,
}

/// A line of code split into its code, laid out canonically, and its trailing comment (from the
/// `#`, without trailing spaces).
pub fn split(line: &str) -> (String, Option<&str>) {
    let (pieces, comment) = pieces(line);
    let mut code = String::with_capacity(line.len());
    for piece in pieces {
        match piece {
            Piece::Comma => code.push(','),
            Piece::Word(word) | Piece::Text(word) => {
                if !code.is_empty() {
                    code.push(' ');
                }
                code.push_str(word);
            }
        }
    }
    (code, comment.map(str::trim_end))
}

/// The pieces of a line and the comment after them. Quoted texts may hold `#`, `,` and spaces;
/// a backslash inside a text escapes the next character.
fn pieces(line: &str) -> (Vec<Piece<'_>>, Option<&str>) {
    let mut pieces = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let Some(first) = rest.chars().next() else {
            return (pieces, None);
        };
        let end = match first {
            '#' => return (pieces, Some(rest)),
            ',' => {
                pieces.push(Piece::Comma);
                1
            }
            '"' => {
                let end = text_end(rest);
                pieces.push(Piece::Text(rest.get(..end).unwrap_or(rest)));
                end
            }
            _ => {
                let end = rest.find([' ', '\t', ',', '"', '#']).unwrap_or(rest.len());
                pieces.push(Piece::Word(rest.get(..end).unwrap_or(rest)));
                end
            }
        };
        rest = rest.get(end..).unwrap_or_default();
    }
}

/// Where the quoted text at the start of `text` ends (just after its closing quote, or at the
/// end of the line if it has none).
fn text_end(text: &str) -> usize {
    let mut escaped = false;
    for (index, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return index + 1,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn words_one_space_apart_and_commas_close_up() {
        assert_eq!(
            split("at  5 ,15,\t30 working   days after referral"),
            ("at 5, 15, 30 working days after referral".to_string(), None)
        );
    }

    #[test]
    fn texts_are_kept_exactly_and_comments_split_off() {
        assert_eq!(
            split(r#"untimed   "a  \" # b,c"   # note  "#),
            (r#"untimed "a  \" # b,c""#.to_string(), Some("# note"))
        );
        assert_eq!(split(r#"step a"A""#), (r#"step a "A""#.to_string(), None));
    }
}
