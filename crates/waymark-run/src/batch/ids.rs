//! Case ids seen earlier in a file, to report a case whose id repeats one (a duplicated
//! export line, or two children given one id). Only an 8-byte hash of each id is kept, with
//! its line: 16 MB for a million cases. Two different ids sharing a hash is a chance of about
//! one in 37 million for a million cases, and would only add a warning.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// The hash of a case id, as [`SeenIds`] keeps it: each eight bytes of the id mixed in by a
/// full mixing step, then the length. (A multiply and rotate per eight bytes was too weak: ids
/// in sequence such as `APP0002190` and `APP0002920` shared a hash, and 300,000 such ids gave
/// 7,480 false warnings of a repeated id.)
pub(crate) fn id_hash(id: &str) -> u64 {
    let mut hash: u64 = 0x9e37_79b9_7f4a_7c15;
    for chunk in id.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        for (slot, byte) in word.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        hash = mix(hash ^ u64::from_le_bytes(word));
    }
    mix(hash ^ id.len() as u64)
}

/// Murmur3's finalizer: every bit of the result depends on every bit of `hash`, and no two
/// values give the same result, so two ids collide only by chance (about one pair in 37
/// million for a million ids).
fn mix(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The ids of a stream's cases, to find the cases whose id an earlier case had.
///
/// While the stream runs, each id's hash and line is only put aside, in one of 256 groups
/// chosen by eight bits of the hash; the repeats are found at the end, a group at a time.
/// (Looking each id up as it came, in one set of a million ids, missed the processor's cache
/// for nearly every id, and that wait was most of the writer's time. A group's set stays in
/// the cache.)
#[derive(Default)]
pub(crate) struct SeenIds {
    groups: Vec<Vec<(u64, usize)>>,
}

const GROUPS: usize = 256;

/// Which group keeps a hash: bits 48 to 55. A group's set finds a slot by the low bits and
/// tells entries of a slot group apart by the top seven, so neither may choose the group (all
/// of a group's entries would share them).
fn group(hash: u64) -> usize {
    (hash >> 48) as usize % GROUPS
}

/// The most ids [`SeenIds::expect`] makes room for at once (about 36 MB): a wrong guess must
/// not take a large share of the machine's memory. Beyond it the groups grow.
const MOST_EXPECTED: usize = 2_000_000;

impl SeenIds {
    /// Makes room at once for about `ids` ids, rather than growing a group (and copying it) a
    /// dozen times.
    pub(crate) fn make_room_for(&mut self, ids: usize) {
        self.make_groups();
        let per_group = ids.min(MOST_EXPECTED) / GROUPS;
        // The ids share out over the groups unevenly, by a few percent for a large caseload
        // and more for a small one: an eighth more, and a few dozen, is ample.
        let room = per_group + per_group / 8 + 64;
        for group in &mut self.groups {
            group.reserve(room.saturating_sub(group.len()));
        }
    }

    fn make_groups(&mut self) {
        if self.groups.is_empty() {
            self.groups = (0..GROUPS).map(|_| Vec::new()).collect();
        }
    }

    /// Notes each case's `(id hash, line)`, in input order.
    pub(crate) fn note(&mut self, ids: &[(u64, usize)]) {
        self.make_groups();
        for &(hash, line) in ids {
            if let Some(group) = self.groups.get_mut(group(hash)) {
                group.push((hash, line));
            }
        }
    }

    /// The lines of the cases whose id an earlier case had, in input order.
    pub(crate) fn repeated(self) -> Vec<usize> {
        let mut repeated = Vec::new();
        let mut seen: HashSet<u64, BuildHasherDefault<AlreadyHashed>> = HashSet::default();
        for group in &self.groups {
            seen.clear();
            seen.reserve(group.len());
            // In input order within a group: the first case with an id is never the repeat.
            for &(hash, line) in group {
                if !seen.insert(hash) {
                    repeated.push(line);
                }
            }
        }
        repeated.sort_unstable();
        repeated
    }
}

/// The keys are hashes already: use them as they are.
#[derive(Default)]
pub(crate) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_noted_with_its_line() {
        let mut seen = SeenIds::default();
        seen.note(&[(id_hash("A1"), 1), (id_hash("B2"), 2), (id_hash("C3"), 3)]);
        seen.note(&[(id_hash("A1"), 4), (id_hash("A10"), 5), (id_hash("A1"), 9)]);
        seen.note(&[(id_hash("C3"), 10), (id_hash("B2"), 11)]);
        assert_eq!(seen.repeated(), [4, 9, 10, 11], "in input order");
        assert_ne!(id_hash("A1"), id_hash("A1\0"), "the length counts");
    }

    /// Ids that differ only in their last characters must spread over the set's slots, which
    /// it picks by the hash's low bits.
    #[test]
    fn ids_in_sequence_spread_over_the_low_bits() {
        let slots: std::collections::BTreeSet<u64> = (0..4096)
            .map(|n| id_hash(&format!("G{n:07}")) & 0xfff)
            .collect();
        assert!(
            slots.len() > 2000,
            "only {} of 4096 slots used",
            slots.len()
        );
    }

    /// The sets must share the ids out evenly, or one of them grows as a single set would.
    #[test]
    fn ids_in_sequence_spread_over_the_sets() {
        let mut counts = [0usize; GROUPS];
        for n in 0..(GROUPS * 64) {
            counts[group(id_hash(&format!("G{n:07}")))] += 1;
        }
        let fullest = counts.iter().max().copied().unwrap_or(0);
        assert!(
            fullest < 128,
            "one set holds {fullest} of {} ids",
            GROUPS * 64
        );
    }

    #[test]
    fn room_made_for_the_ids_expected_is_enough_for_them() {
        let mut seen = SeenIds::default();
        seen.make_room_for(100_000);
        let room: Vec<usize> = seen.groups.iter().map(Vec::capacity).collect();
        let ids: Vec<(u64, usize)> = (0..100_000)
            .map(|n| (id_hash(&format!("G{n:07}")), n + 1))
            .collect();
        seen.note(&ids);
        let after: Vec<usize> = seen.groups.iter().map(Vec::capacity).collect();
        assert_eq!(room, after, "no group grew");
        assert!(seen.repeated().is_empty());
        // A wild guess takes no more than the most allowed.
        let mut wild = SeenIds::default();
        wild.make_room_for(usize::MAX);
        let slots: usize = wild.groups.iter().map(Vec::capacity).sum();
        assert!(
            slots < 2 * (MOST_EXPECTED + MOST_EXPECTED / 8),
            "{slots} slots"
        );
    }

    #[test]
    fn a_million_ids_in_sequence_have_no_repeats() {
        let mut seen = SeenIds::default();
        let ids: Vec<(u64, usize)> = (0..1_000_000)
            .map(|n| (id_hash(&format!("C{n}")), n + 1))
            .collect();
        seen.note(&ids);
        seen.note(&ids[..3]);
        assert_eq!(seen.repeated(), [1, 2, 3]);
    }

    /// Ids in sequence, in the shapes exports use, never share a hash (the old hash made
    /// `APP0002190` and `APP0002920` one id, and 7,480 of 300,000 such ids repeats).
    #[test]
    fn ids_in_sequence_are_never_taken_for_repeats() {
        assert_ne!(id_hash("APP0002190"), id_hash("APP0002920"));
        let shapes: [fn(usize) -> String; 5] = [
            |n| format!("APP{n:07}"),
            |n| format!("G{n:07}"),
            |n| format!("{n}"),
            |n| format!("CASE-{n:08}-LA"),
            |n| format!("child/{:04}/{:03}", n / 1000, n % 1000),
        ];
        for shape in shapes {
            let mut seen = SeenIds::default();
            let ids: Vec<(u64, usize)> =
                (0..300_000).map(|n| (id_hash(&shape(n)), n + 1)).collect();
            seen.note(&ids);
            assert_eq!(
                seen.repeated(),
                Vec::<usize>::new(),
                "ids like {}",
                shape(7)
            );
        }
    }
}
