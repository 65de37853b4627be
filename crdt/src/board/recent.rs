//! Updates received lately, byte for byte. In a mesh every peer passes on what it
//! receives (gossip), so each change arrives once from its author and again from each
//! other peer, the same bytes. Applying an update a second time changes nothing (yrs
//! integrates each struct once), so a repeat is recognised here and not decoded,
//! applied or passed on again.
//!
//! A direct-mapped cache: each update has one slot, chosen by a hash of its bytes, and
//! a repeat is recognised only when the slot holds exactly the same bytes, so a hash
//! collision (or a hostile peer) can at worst make an update be applied again.

use std::hash::BuildHasher;

/// Slots; a later update with the same slot replaces the earlier.
const SLOTS: usize = 256;
/// Larger updates are not kept (boards sent whole are not repeated byte for byte).
const MAX_BYTES: usize = 2048;

pub(super) struct Recent {
    slots: Vec<Option<(u64, Box<[u8]>)>>,
}

impl Default for Recent {
    fn default() -> Recent {
        Recent {
            slots: vec![None; SLOTS],
        }
    }
}

fn hash(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x4c52).hash_one(bytes)
}

impl Recent {
    /// Whether exactly these bytes were recorded (and not replaced since).
    pub(super) fn contains(&self, bytes: &[u8]) -> bool {
        if bytes.len() > MAX_BYTES {
            return false;
        }
        let h = hash(bytes);
        matches!(&self.slots[h as usize % SLOTS], Some((k, b)) if *k == h && **b == *bytes)
    }

    /// Records an update that has been applied.
    pub(super) fn insert(&mut self, bytes: &[u8]) {
        if bytes.len() > MAX_BYTES {
            return;
        }
        let h = hash(bytes);
        self.slots[h as usize % SLOTS] = Some((h, bytes.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_bytes_are_recognised_and_large_ones_are_not_kept() {
        let mut r = Recent::default();
        r.insert(b"abc");
        assert!(r.contains(b"abc"));
        assert!(!r.contains(b"abd"));
        assert!(!r.contains(b"ab"));
        let big = vec![7u8; MAX_BYTES + 1];
        r.insert(&big);
        assert!(!r.contains(&big));
        // Many later updates: the earliest may be replaced, each latest is there.
        for i in 0..10 * SLOTS as u32 {
            r.insert(&i.to_le_bytes());
            assert!(r.contains(&i.to_le_bytes()));
        }
    }
}
