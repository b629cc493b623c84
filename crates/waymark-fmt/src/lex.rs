//! One line's words: the pieces the layout puts one space apart, and its trailing comment.

/// A piece of a line of code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A keyword, name, number, date or unit word.
    Word(String),
    /// A quoted text, as the pieces it is written in (one, or one per line when it is
    /// continued), each exactly as written between its quotes.
    Text(Vec<String>),
    Comma,
}

/// A line of code split into its tokens and its trailing comment (from the `#`, without
/// trailing spaces).
pub fn split(line: &str) -> (Vec<Token>, Option<&str>) {
    let mut tokens = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let Some(first) = rest.chars().next() else {
            return (tokens, None);
        };
        let end = match first {
            '#' => return (tokens, Some(rest.trim_end())),
            ',' => {
                tokens.push(Token::Comma);
                1
            }
            '"' => {
                let end = text_end(rest);
                let inner = rest.get(1..end.saturating_sub(1)).unwrap_or_default();
                tokens.push(Token::Text(vec![inner.to_string()]));
                end
            }
            _ => {
                let end = rest.find([' ', '\t', ',', '"', '#']).unwrap_or(rest.len());
                tokens.push(Token::Word(rest.get(..end).unwrap_or(rest).to_string()));
                end
            }
        };
        rest = rest.get(end..).unwrap_or_default();
    }
}

/// Writes tokens one space apart, commas closed up, as one line.
#[cfg(test)]
pub fn joined(tokens: &[Token]) -> String {
    let mut code = String::new();
    for token in tokens {
        match token {
            Token::Comma => code.push(','),
            Token::Word(word) => {
                if !code.is_empty() {
                    code.push(' ');
                }
                code.push_str(word);
            }
            Token::Text(pieces) => {
                if !code.is_empty() {
                    code.push(' ');
                }
                code.push('"');
                code.push_str(&pieces.join(" "));
                code.push('"');
            }
        }
    }
    code
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
    use super::*;

    fn code(line: &str) -> (String, Option<&str>) {
        let (tokens, comment) = split(line);
        (joined(&tokens), comment)
    }

    #[test]
    fn words_one_space_apart_and_commas_close_up() {
        assert_eq!(
            code("at  5 ,15,\t30 working   days after referral"),
            ("at 5, 15, 30 working days after referral".to_string(), None)
        );
    }

    #[test]
    fn texts_are_kept_exactly_and_comments_split_off() {
        assert_eq!(
            code(r#"untimed   "a  \" # b,c"   # note  "#),
            (r#"untimed "a  \" # b,c""#.to_string(), Some("# note"))
        );
        assert_eq!(code(r#"step a"A""#), (r#"step a "A""#.to_string(), None));
    }
}
