//! Case ids seen earlier in a file, to report a case whose id repeats one (a duplicated
//! export line, or two children given one id). Only an 8-byte hash of each id is kept, so a
//! national caseload costs a few megabytes; two different ids sharing a hash is a chance of
//! about one in ten million for a million cases, and would only add a warning.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// The hash of a case id, as [`SeenIds`] keeps it.
pub(crate) fn id_hash(id: &str) -> u64 {
    // FxHash-like: a rotate, xor and multiply per eight bytes, then the length.
    let mut hash: u64 = 0;
    for chunk in id.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        for (slot, byte) in word.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word))
            .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    spread((hash.rotate_left(5) ^ id.len() as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95))
}

/// Folds the high bits of a product into its low bits. A product's low bits depend only on
/// the factors' low bits, and the set finds a slot by the low bits: without this, ids that
/// differ only in their last characters ("G0000001", "G0000002") shared a few dozen slots and
/// the set was probed for most of the writer's time.
fn spread(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The ids seen so far, and the lines of the cases whose id had been seen before.
#[derive(Default)]
pub(crate) struct SeenIds {
    seen: HashSet<u64, BuildHasherDefault<AlreadyHashed>>,
    pub repeated: Vec<usize>,
}

impl SeenIds {
    /// Notes each case's `(id hash, line)`, in input order.
    pub(crate) fn note(&mut self, ids: &[(u64, usize)]) {
        for &(hash, line) in ids {
            if !self.seen.insert(hash) {
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
}
