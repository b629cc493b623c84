//! Text shared by the formats: escaping for XML, comments on one line, and wrapping text to a
//! width. (Conditions and
//! deadlines in words come from the model: `Procedure::guard_words`.)

/// `5, 15, 30`.
pub fn list(items: &[String]) -> String {
    items.join(", ")
}

/// Text for a one-line comment in an output file: control characters become spaces.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text for XML content and attribute values (double-quoted). Characters XML 1.0 cannot hold
/// at all become U+FFFD.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Breaks text into lines of at most `width` characters, at spaces where it can; a word longer
/// than the width is cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    wrap_with(text, |line| line.chars().count() <= width, Some(width))
}

/// Breaks text into lines at spaces, each as long as `fits` allows. A word that does not fit
/// on a line of its own is cut into pieces of `cut` characters, or, without `cut`, gets a line
/// of its own whole. Empty text is one empty line.
pub fn wrap_with(text: &str, fits: impl Fn(&str) -> bool, cut: Option<usize>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        if let Some(width) = cut {
            while word.chars().count() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let at = word
                    .char_indices()
                    .nth(width)
                    .map_or(word.len(), |(i, _)| i);
                let rest = word.split_off(at);
                lines.push(std::mem::replace(&mut word, rest));
            }
        }
        let joined = match line.is_empty() {
            true => word.clone(),
            false => format!("{line} {word}"),
        };
        if line.is_empty() || fits(&joined) {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{wrap, xml_escape};

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;\u{FFFD}"
        );
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(
            wrap("within 5 working days of referral", 16),
            ["within 5 working", "days of referral"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
    }
}
