//! Updates received lately, byte for byte. In a mesh every peer passes on what it
//! receives (gossip), so each change arrives once from its author and again from each
//! other peer, the same bytes. Applying an update a second time changes nothing (yrs
//! integrates each struct once), so a repeat is recognised here and not decoded,
//! applied or passed on again.
//!
//! Small updates (edits): a direct-mapped cache, each update has one slot chosen by a
//! hash of its bytes. Pieces of a board (up to 256 KiB each, `crate::split`): a short
//! list of the latest, at most 4 MiB in all. A newcomer asks every peer it meets for the
//! board, and peers that hold the same board send the same pieces byte for byte, so
//! only the first copy of each is applied. Either way a repeat is recognised only when
//! exactly the same bytes are held, so a hash collision (or a hostile peer) can at worst
//! make an update be applied again.

use std::collections::VecDeque;
use std::hash::BuildHasher;

/// Slots; a later update with the same slot replaces the earlier.
const SLOTS: usize = 256;
/// Updates up to this size go to the slots.
const MAX_BYTES: usize = 2048;
/// Larger updates up to this size (pieces of a board) go to the list …
const MAX_PIECE: usize = 256 * 1024;
/// … which keeps the latest up to this many bytes in all.
const MAX_PIECES_BYTES: usize = 4 * 1024 * 1024;

pub(super) struct Recent {
    slots: Vec<Option<(u64, Box<[u8]>)>>,
    pieces: VecDeque<(u64, Box<[u8]>)>,
    pieces_bytes: usize,
}

impl Default for Recent {
    fn default() -> Recent {
        Recent {
            slots: vec![None; SLOTS],
            pieces: VecDeque::new(),
            pieces_bytes: 0,
        }
    }
}

fn hash(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x4c52).hash_one(bytes)
}

impl Recent {
    /// Whether exactly these bytes were recorded (and not replaced since).
    pub(super) fn contains(&self, bytes: &[u8]) -> bool {
        if bytes.len() > MAX_PIECE {
            return false;
        }
        let h = hash(bytes);
        if bytes.len() > MAX_BYTES {
            return (self.pieces.iter()).any(|(k, b)| *k == h && **b == *bytes);
        }
        matches!(&self.slots[h as usize % SLOTS], Some((k, b)) if *k == h && **b == *bytes)
    }

    /// Records an update that has been applied.
    pub(super) fn insert(&mut self, bytes: &[u8]) {
        if bytes.len() > MAX_PIECE {
            return;
        }
        let h = hash(bytes);
        if bytes.len() > MAX_BYTES {
            self.pieces_bytes += bytes.len();
            self.pieces.push_back((h, bytes.into()));
            while self.pieces_bytes > MAX_PIECES_BYTES {
                let Some((_, old)) = self.pieces.pop_front() else {
                    break;
                };
                self.pieces_bytes -= old.len();
            }
            return;
        }
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
        let big = vec![7u8; MAX_PIECE + 1];
        r.insert(&big);
        assert!(!r.contains(&big));
        // Many later updates: the earliest may be replaced, each latest is there.
        for i in 0..10 * SLOTS as u32 {
            r.insert(&i.to_le_bytes());
            assert!(r.contains(&i.to_le_bytes()));
        }
    }

    #[test]
    fn pieces_of_a_board_are_kept_up_to_a_total_and_compared_whole() {
        let mut r = Recent::default();
        let piece = |i: u8| vec![i; 64 * 1024];
        r.insert(&piece(1));
        assert!(r.contains(&piece(1)));
        let mut other = piece(1);
        other[40_000] = 2;
        assert!(!r.contains(&other));
        // 4 MiB of later pieces push the first one out, and no more than that is kept.
        for i in 2..=65 {
            r.insert(&piece(i));
        }
        assert!(!r.contains(&piece(1)));
        assert!(r.contains(&piece(2)) && r.contains(&piece(65)));
        assert!(r.pieces_bytes <= MAX_PIECES_BYTES);
    }
}
