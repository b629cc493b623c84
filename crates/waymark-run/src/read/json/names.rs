//! A procedure's step and role names, found where they stand in a case line.
//!
//! Nearly every record names a step and a role the procedure knows. Finding where such a
//! string ends (a scan for its quote) and then looking the text up (a hash of it) went over
//! the same bytes twice; this table is looked up at the string's first bytes instead, and a
//! name it finds is followed by its closing quote, so the string's end comes with its index.
//! A string the table does not find is read and looked up as before.

use waymark_compile::{Procedure, RoleIndex, StepIndex};

/// The names of one procedure's steps and roles, by their first bytes.
pub(crate) struct LineNames {
    steps: Table,
    roles: Table,
}

impl LineNames {
    pub(crate) fn of(procedure: &Procedure) -> LineNames {
        LineNames {
            steps: Table::of(procedure.steps.iter().map(|step| step.id.as_str())),
            roles: Table::of(procedure.roles.iter().map(|role| role.id.as_str())),
        }
    }

    /// The step whose name starts at `at` in `line` and is followed by a quote, and the
    /// name: the table's own copy, so that the line need not be cut (at ends checked to fall
    /// between characters) to give it.
    #[inline(always)]
    pub(crate) fn step_at(&self, line: &[u8], at: usize) -> Option<(StepIndex, &str)> {
        let (index, name) = self.steps.named_at(line, at)?;
        Some((StepIndex(index), name))
    }

    /// [`LineNames::step_at`] for a role.
    #[inline(always)]
    pub(crate) fn role_at(&self, line: &[u8], at: usize) -> Option<(RoleIndex, &str)> {
        let (index, name) = self.roles.named_at(line, at)?;
        Some((RoleIndex(index), name))
    }
}

/// Names grouped by a hash of their first eight bytes (all of a shorter name): each group is
/// a run of `entries`. A line's string is grouped by its first eight bytes up to a quote, so
/// it is compared only with names that start as it does. (Grouping by sixteen bytes made
/// groups of one name, but reading the second eight cost more than it saved.)
struct Table {
    /// Per group: where its run starts in `entries`, and where it ends.
    groups: Vec<(u32, u32)>,
    mask: usize,
    entries: Vec<Entry>,
}

/// A name as numbers to compare with the line: its first eight bytes (the rest of a shorter
/// name masked off), its last eight and the eight after its first (which, for a name of up to
/// 24 bytes, cover it all), and its index among the procedure's steps or roles; and the name.
struct Entry {
    name: Box<str>,
    head: u64,
    mask: u64,
    middle: u64,
    tail: u64,
    index: u32,
}

/// The most names a group keeps.
const MAX_RUN: u32 = 8;

impl Table {
    fn of<'n>(names: impl Iterator<Item = &'n str>) -> Table {
        // A name over 24 bytes is not covered by its numbers, and one a JSON line could only
        // write escaped is never plain: such names (none in the shipped procedures) are read
        // and looked up the usual way, as is an empty one. Of names given twice, the first is
        // kept, as the plan's own look-up keeps it.
        // (A set, not a search of the names so far: a procedure may have 90,000 steps.)
        let mut seen = std::collections::HashSet::new();
        let mut named: Vec<(u32, &str)> = Vec::new();
        for (index, name) in (0..).zip(names) {
            let plain = (1..=24).contains(&name.len())
                && !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
            if plain && seen.insert(name) {
                named.push((index, name));
            }
        }
        // Eight groups a name: few names that start differently share a group (at two a
        // name, a look-up met one every few records). Two for a huge procedure, so that its
        // table stays small.
        let per_name = if named.len() <= 4096 { 8 } else { 2 };
        let size = (named.len() * per_name).next_power_of_two().max(8);
        let mask = size - 1;
        let mut entries: Vec<(usize, Entry)> = (named.iter())
            .map(|(index, name)| Entry::of(name, *index))
            .map(|entry| (group(entry.head, mask), entry))
            .collect();
        entries.sort_by_key(|(group, entry)| (*group, entry.index));
        // Sorted by group, each group's names are one run. A run is kept short, so that a
        // look-up stays a few comparisons even where many names start alike (`step_0001`,
        // `step_0002`, ...): names past its end are read and looked up the usual way.
        let mut groups = vec![(0, 0); size];
        entries.retain(|(key, _)| match groups.get_mut(*key) {
            Some(run) if run.1 < MAX_RUN => {
                run.1 += 1;
                true
            }
            _ => false,
        });
        let mut at = 0;
        for run in &mut groups {
            let count = run.1;
            *run = (at, at + count);
            at += count;
        }
        Table {
            groups,
            mask,
            entries: entries.into_iter().map(|(_, entry)| entry).collect(),
        }
    }

    /// The index and length of the name at `at`, followed by a quote.
    #[cfg(test)]
    fn at(&self, line: &[u8], at: usize) -> Option<(u32, usize)> {
        let (index, name) = self.named_at(line, at)?;
        Some((index, name.len()))
    }

    /// The index of the name at `at`, followed by a quote, and the name.
    #[inline(always)]
    fn named_at(&self, line: &[u8], at: usize) -> Option<(u32, &str)> {
        let rest = line.get(at..)?;
        let head = before_quote(u64::from_le_bytes(*rest.first_chunk::<8>()?));
        let &(start, end) = self.groups.get(group(head, self.mask))?;
        let mut next = start as usize;
        while next < end as usize {
            let entry = self.entries.get(next)?;
            if entry.is_at(rest, head) {
                return Some((entry.index, &entry.name));
            }
            next += 1;
        }
        None
    }
}

impl Entry {
    fn of(name: &str, index: u32) -> Entry {
        let bytes = name.as_bytes();
        let word = |from: usize| {
            let mut word = [0u8; 8];
            for (to, byte) in word.iter_mut().zip(bytes.iter().skip(from)) {
                *to = *byte;
            }
            u64::from_le_bytes(word)
        };
        let len = bytes.len();
        let mask = match len {
            8.. => u64::MAX,
            _ => (1u64 << (len * 8)) - 1,
        };
        Entry {
            name: name.into(),
            head: word(0) & mask,
            mask,
            middle: if len > 16 { word(8) } else { 0 },
            tail: if len > 8 { word(len - 8) } else { 0 },
            index,
        }
    }

    /// Whether `rest` starts with the name and a quote; `head` is its first eight bytes up to
    /// a quote. Names of a group mostly share their first bytes: the quote and the last
    /// bytes are compared first.
    #[inline(always)]
    fn is_at(&self, rest: &[u8], head: u64) -> bool {
        let len = self.name.len();
        let word = |from: usize| {
            (rest.get(from..).and_then(<[u8]>::first_chunk::<8>))
                .map(|word| u64::from_le_bytes(*word))
        };
        rest.get(len) == Some(&b'"')
            && (len <= 8 || word(len - 8) == Some(self.tail))
            && (len <= 16 || word(8) == Some(self.middle))
            && head & self.mask == self.head
    }
}

/// `word`'s bytes before its first quote (all eight where it has none), the rest zero.
#[inline(always)]
fn before_quote(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let quotes = word ^ (ONES * u64::from(b'"'));
    // The high bit of each byte that was a quote (above the first, others may be set too).
    let found = quotes.wrapping_sub(ONES) & !quotes & HIGHS;
    match found {
        0 => word,
        found => word & (((found & found.wrapping_neg()) >> 7) - 1),
    }
}

/// The group of a name whose first eight bytes (up to a quote) are `head`.
#[inline(always)]
fn group(head: u64, mask: usize) -> usize {
    (head.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[&str]) -> Table {
        Table::of(names.iter().copied())
    }

    /// Every name is found where it stands before a quote, by its own index and length, and
    /// nothing else is: not a prefix of a name, nor a name with more after it.
    #[test]
    fn names_are_found_only_whole_and_before_a_quote() {
        let names = [
            "referral",
            "review_5",
            "review_15",
            "review_30",
            "assessment_plan",
            "assessment_work",
            "assessment_complete",
            "assessment_outcome",
            "family_practitioner",
            "a_name_of_exactly_24_byt",
            "icpc",
            "abc",
            "a",
            "abcdefgh",
            "abcdefg",
            "a_name_that_is_longer_than_24_bytes",
            "review_5",
        ];
        let table = table(&names);
        for name in &names {
            let found = |line: String| table.at(line.as_bytes(), 2);
            // Of a name given twice, the first.
            let first = names.iter().position(|other| other == name).unwrap();
            let known = name.len() <= 24;
            let expected = known.then_some((first as u32, name.len()));
            assert_eq!(found(format!("x\"{name}\",\"on\":1}}")), expected, "{name}");
            // At the very end of a line, where fewer bytes are left than are read at once, a
            // name is left to the usual reading.
            let at_end = expected.filter(|_| name.len() + 1 >= 8);
            assert_eq!(found(format!("x\"{name}\"")), at_end, "{name}");
            assert_eq!(found(format!("x\"{name}x\",\"on\"")), None, "{name}");
            assert_eq!(found(format!("x\"{name}\\\"\"")), None, "{name}");
            let cut = &name[..name.len() - 1];
            let is_name = (names.iter().position(|other| *other == cut))
                .filter(|_| !cut.is_empty())
                .map(|index| (index as u32, cut.len()));
            assert_eq!(found(format!("x\"{cut}\",\"on\":1}}")), is_name, "{name}");
            let mut changed = name.to_string().into_bytes();
            for at in 0..changed.len() {
                let was = changed[at];
                changed[at] = b'#';
                let line = format!("x\"{}\",\"on\":1}}", String::from_utf8_lossy(&changed));
                assert_eq!(found(line), None, "{name} {at}");
                changed[at] = was;
            }
        }
        assert_eq!(table.at(b"\"revi", 1), None);
        // Of many names that start alike, the first few are found, and the others are not
        // taken for them.
        let alike: Vec<String> = (0..100).map(|n| format!("step_000_{n:03}")).collect();
        let table = Table::of(alike.iter().map(String::as_str));
        let found: Vec<Option<(u32, usize)>> = (alike.iter())
            .map(|name| table.at(format!("\"{name}\"}}]}}").as_bytes(), 1))
            .collect();
        let expected: Vec<Option<(u32, usize)>> =
            (0..100).map(|n| (n < MAX_RUN).then_some((n, 12))).collect();
        assert_eq!(found, expected);
        assert_eq!(table.at(b"\"\",\"on\":1}", 1), None);
        assert_eq!(table.at(b"", 0), None);
    }
}
