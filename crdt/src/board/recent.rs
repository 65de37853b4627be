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

/// The key under which `bytes` are kept (a hash of them), or `None` when they are too
/// large to keep. Computed once per received update, for the lookup and the insert.
pub(super) fn key(bytes: &[u8]) -> Option<u64> {
    (bytes.len() <= MAX_PIECE)
        .then(|| foldhash::fast::FixedState::with_seed(0x4c52).hash_one(bytes))
}

impl Recent {
    /// Whether exactly these bytes (with this `key`) were recorded and not replaced since.
    pub(super) fn contains(&self, key: u64, bytes: &[u8]) -> bool {
        if bytes.len() > MAX_BYTES {
            return (self.pieces.iter()).any(|(k, b)| *k == key && **b == *bytes);
        }
        matches!(&self.slots[key as usize % SLOTS], Some((k, b)) if *k == key && **b == *bytes)
    }

    /// Records an update (with its `key`) that has been applied.
    pub(super) fn insert(&mut self, key: u64, bytes: &[u8]) {
        if bytes.len() > MAX_BYTES {
            self.pieces_bytes += bytes.len();
            self.pieces.push_back((key, bytes.into()));
            while self.pieces_bytes > MAX_PIECES_BYTES {
                let Some((_, old)) = self.pieces.pop_front() else {
                    break;
                };
                self.pieces_bytes -= old.len();
            }
            return;
        }
        self.slots[key as usize % SLOTS] = Some((key, bytes.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the board does with a received update: keep it if it can be kept.
    fn insert(r: &mut Recent, bytes: &[u8]) {
        if let Some(k) = key(bytes) {
            r.insert(k, bytes);
        }
    }

    fn contains(r: &Recent, bytes: &[u8]) -> bool {
        key(bytes).is_some_and(|k| r.contains(k, bytes))
    }

    #[test]
    fn only_the_same_bytes_are_recognised_and_large_ones_are_not_kept() {
        let mut r = Recent::default();
        insert(&mut r, b"abc");
        assert!(contains(&r, b"abc"));
        assert!(!contains(&r, b"abd"));
        assert!(!contains(&r, b"ab"));
        let big = vec![7u8; MAX_PIECE + 1];
        insert(&mut r, &big);
        assert!(!contains(&r, &big));
        // Many later updates: the earliest may be replaced, each latest is there.
        for i in 0..10 * SLOTS as u32 {
            insert(&mut r, &i.to_le_bytes());
            assert!(contains(&r, &i.to_le_bytes()));
        }
    }

    #[test]
    fn pieces_of_a_board_are_kept_up_to_a_total_and_compared_whole() {
        let mut r = Recent::default();
        let piece = |i: u8| vec![i; 64 * 1024];
        insert(&mut r, &piece(1));
        assert!(contains(&r, &piece(1)));
        let mut other = piece(1);
        other[40_000] = 2;
        assert!(!contains(&r, &other));
        // 4 MiB of later pieces push the first one out, and no more than that is kept.
        for i in 2..=65 {
            insert(&mut r, &piece(i));
        }
        assert!(!contains(&r, &piece(1)));
        assert!(contains(&r, &piece(2)) && contains(&r, &piece(65)));
        assert!(r.pieces_bytes <= MAX_PIECES_BYTES);
    }
}
