//! "Did you mean" suggestions by edit distance.
#![allow(
    clippy::indexing_slicing,
    reason = "the edit-distance rows are sized to the words' lengths plus one"
)]

/// Edit distance between two strings, counted in characters: insertions, deletions,
/// substitutions, and swaps of two neighbouring characters (`stpe` is one edit from `step`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            table[i * width + j] = match (i, j) {
                (0, j) => j,
                (i, 0) => i,
                (i, j) => {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut best = (table[(i - 1) * width + j] + 1)
                        .min(table[i * width + j - 1] + 1)
                        .min(table[(i - 1) * width + j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        best = best.min(table[(i - 2) * width + j - 2] + 1);
                    }
                    best
                }
            };
        }
    }
    table[a.len() * width + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible slip.
///
/// "Close enough" allows one edit for short words and about one edit in three for longer ones,
/// so `stpe` suggests `step` but `banana` suggests nothing. The edits must also leave something
/// of the shorter word standing: `c` is one edit from `a`, as every one-letter name is, so it
/// suggests nothing. Numbers in names are never corrected: `level5` is a different value from
/// `level2`, not a slip for it. Ties go to the earliest candidate, which keeps suggestions
/// deterministic.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let lowered = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word && same_digits(word, candidate))
        .map(|candidate| {
            (
                edit_distance(&lowered, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| {
            *distance <= limit && *distance < length.min(candidate.chars().count())
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Whether two words hold the same digits in the same order (both none counts as the same).
fn same_digits(a: &str, b: &str) -> bool {
    let digits = |word: &str| {
        word.chars()
            .filter(char::is_ascii_digit)
            .collect::<Vec<_>>()
    };
    digits(a) == digits(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("step", "step"), 0);
        assert_eq!(edit_distance("stpe", "step"), 1);
        assert_eq!(edit_distance("stp", "step"), 1);
        assert_eq!(edit_distance("", "due"), 3);
    }

    #[test]
    fn suggests_close_words_only() {
        let words = ["step", "decision", "together", "role"];
        assert_eq!(did_you_mean("stp", words), Some("step"));
        assert_eq!(did_you_mean("stpe", words), Some("step"));
        assert_eq!(did_you_mean("desicion", words), Some("decision"));
        assert_eq!(did_you_mean("Step", words), Some("step"));
        assert_eq!(did_you_mean("banana", words), None);
    }

    #[test]
    fn one_letter_names_suggest_only_a_change_of_case() {
        let steps = ["a", "b", "start"];
        assert_eq!(did_you_mean("c", steps), None);
        assert_eq!(did_you_mean("z", steps), None);
        assert_eq!(did_you_mean("A", steps), Some("a"));
    }

    #[test]
    fn numbers_in_names_are_not_corrected() {
        let levels = ["level2", "level3", "level4"];
        assert_eq!(did_you_mean("level5", levels), None);
        assert_eq!(did_you_mean("level", levels), None);
        assert_eq!(did_you_mean("Level3", levels), Some("level3"));
        assert_eq!(did_you_mean("levl3", levels), Some("level3"));
        assert_eq!(did_you_mean("review_5", ["review_15"]), None);
    }

    #[test]
    fn no_suggestion_that_replaces_the_whole_shorter_word() {
        // Each is one edit away, but that edit is all of the shorter word.
        assert_eq!(did_you_mean("ab", ["a"]), None);
        assert_eq!(did_you_mean("x", ["xy"]), None);
        assert_eq!(did_you_mean("", ["a"]), None);
        // Two-letter words keep their one-edit slips.
        assert_eq!(did_you_mean("os", ["or"]), Some("or"));
        assert_eq!(did_you_mean("ab", ["abc"]), Some("abc"));
    }
}
