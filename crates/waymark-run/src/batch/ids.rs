//! Case ids seen earlier in a file, to report a case whose id repeats one (a duplicated
//! export line, or two children given one id). Only an 8-byte hash of each id is kept, so a
//! national caseload costs a few megabytes; two different ids sharing a hash is a chance of
//! about one in 37 million for a million cases, and would only add a warning.

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

/// The ids seen so far, and the lines of the cases whose id had been seen before.
///
/// The hashes are kept in 256 sets, chosen by eight bits of the hash that the sets do not use
/// themselves. One set for a million ids grows to 19 MB by doubling, and each doubling takes
/// fresh memory from the system (slow to touch the first time) and rehashes the whole set
/// with a cache miss an id; small sets grow in memory the allocator already has, and rehash
/// in the cache.
pub(crate) struct SeenIds {
    seen: Vec<HashSet<u64, BuildHasherDefault<AlreadyHashed>>>,
    pub repeated: Vec<usize>,
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds {
            seen: (0..SHARDS).map(|_| HashSet::default()).collect(),
            repeated: Vec::new(),
        }
    }
}

const SHARDS: usize = 256;

/// Which set keeps a hash: bits 48 to 55. A set finds a slot by the low bits and tells
/// entries of a slot group apart by the top seven, so neither may choose the set (all of
/// a set's entries would share them).
fn shard(hash: u64) -> usize {
    (hash >> 48) as usize % SHARDS
}

/// The most ids [`SeenIds::expect`] makes room for at once (about 40 MB of sets): a wrong
/// guess must not take a large share of the machine's memory. Beyond it the sets grow.
const MOST_EXPECTED: usize = 2_000_000;

impl SeenIds {
    /// Makes room at once for about `ids` ids. Grown by doubling, the sets of a million ids
    /// copy every id several times over, into memory fresh from the system at each step.
    pub(crate) fn expect(&mut self, ids: usize) {
        let per_set = ids.min(MOST_EXPECTED) / SHARDS;
        // The ids share out over the sets unevenly by a few percent: an eighth more is ample.
        let room = per_set + per_set / 8;
        for set in &mut self.seen {
            set.reserve(room.saturating_sub(set.len()));
        }
    }

    /// Notes each case's `(id hash, line)`, in input order.
    pub(crate) fn note(&mut self, ids: &[(u64, usize)]) {
        for &(hash, line) in ids {
            let fresh = match self.seen.get_mut(shard(hash)) {
                Some(set) => set.insert(hash),
                None => true,
            };
            if !fresh {
                self.repeated.push(line);
            }
        }
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
        seen.note(&[(id_hash("A1"), 1), (id_hash("B2"), 2)]);
        seen.note(&[(id_hash("A1"), 4), (id_hash("A10"), 5), (id_hash("A1"), 9)]);
        assert_eq!(seen.repeated, [4, 9]);
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
        let mut counts = [0usize; SHARDS];
        for n in 0..(SHARDS * 64) {
            counts[shard(id_hash(&format!("G{n:07}")))] += 1;
        }
        let fullest = counts.iter().max().copied().unwrap_or(0);
        assert!(
            fullest < 128,
            "one set holds {fullest} of {} ids",
            SHARDS * 64
        );
    }

    #[test]
    fn room_made_for_the_ids_expected_is_enough_for_them() {
        let mut seen = SeenIds::default();
        seen.expect(100_000);
        let room: Vec<usize> = seen.seen.iter().map(HashSet::capacity).collect();
        let ids: Vec<(u64, usize)> = (0..100_000)
            .map(|n| (id_hash(&format!("G{n:07}")), n + 1))
            .collect();
        seen.note(&ids);
        let after: Vec<usize> = seen.seen.iter().map(HashSet::capacity).collect();
        assert_eq!(room, after, "no set grew");
        assert!(seen.repeated.is_empty());
        // A wild guess takes no more than the most allowed.
        let mut wild = SeenIds::default();
        wild.expect(usize::MAX);
        let slots: usize = wild.seen.iter().map(HashSet::capacity).sum();
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
        assert_eq!(seen.repeated, [1, 2, 3]);
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
            assert_eq!(seen.repeated, Vec::<usize>::new(), "ids like {}", shape(7));
        }
    }
}
