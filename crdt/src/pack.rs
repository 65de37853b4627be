//! Packed frames: a Lernraum extension of the y-protocols framing, sent only to peers
//! that said they read it (docs/protocol.md, "Packed frames").
//!
//! A packed frame is `varUint 76` (a message type y-protocols does not use), `varUint`
//! the length of the frame inside, then that frame compressed as one LZ4 block. The frame
//! inside is any ordinary frame (sync or awareness), never another packed one.
//!
//! Why: a board arriving over WebRTC crosses DTLS, SCTP and the browser's socket process
//! on both sides, and on a small machine that costs more than applying it. A board's
//! update is mostly repeated keys and short values: 10,000 elements are 2.3 MB in update
//! v1 and 0.6 MB packed. LZ4 because the receiver is the one that waits: it unpacks such
//! a board in about a millisecond natively (deflate: five).
//!
//! Input is untrusted: the stated length is checked against a limit before anything is
//! allocated, and a block that does not decode to exactly that length is refused.

use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;

/// The message type of a packed frame.
pub const MESSAGE_PACKED: u64 = 76;

/// Frames smaller than this are sent as they are: an edit is a few hundred bytes.
pub const MIN_PACKED: usize = 1024;

/// Why a packed frame was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnpackError {
    /// The frame inside would be larger than the limit.
    TooLarge(u64),
    /// The header or the block does not decode, or decodes to another length.
    Corrupt(&'static str),
}

impl std::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpackError::TooLarge(n) => write!(f, "packed frame of {n} bytes is over the limit"),
            UnpackError::Corrupt(why) => write!(f, "packed frame does not decode: {why}"),
        }
    }
}

/// Whether `frame` is a packed frame (by its message type).
pub fn is_packed(frame: &[u8]) -> bool {
    // 76 fits in one varUint byte; a longer varUint with the same value is not ours.
    frame.first() == Some(&(MESSAGE_PACKED as u8))
}

/// `frame` packed, or `None` when packing would not make it at least an eighth smaller
/// (or it is small, or already packed).
pub fn pack(frame: &[u8]) -> Option<Vec<u8>> {
    if frame.len() < MIN_PACKED || is_packed(frame) {
        return None;
    }
    let block = lz4_flex::block::compress(frame);
    let mut out = Vec::with_capacity(block.len() + 8);
    out.write_var(MESSAGE_PACKED);
    out.write_var(frame.len() as u64);
    out.extend_from_slice(&block);
    (out.len() <= frame.len() - frame.len() / 8).then_some(out)
}

/// The frame inside a packed frame, if it is at most `max` bytes. The frame inside must
/// not be packed itself.
pub fn unpack(frame: &[u8], max: usize) -> Result<Vec<u8>, UnpackError> {
    let mut c = Cursor::new(frame);
    let corrupt = |_| UnpackError::Corrupt("header");
    if c.read_var::<u64>().map_err(corrupt)? != MESSAGE_PACKED {
        return Err(UnpackError::Corrupt("not a packed frame"));
    }
    let len: u64 = c.read_var().map_err(corrupt)?;
    if len > max as u64 {
        return Err(UnpackError::TooLarge(len));
    }
    let block = &frame[c.next..];
    // LZ4 expands at most about 255 times: a block far too short for `len` is refused
    // before `len` bytes are allocated for it.
    if (block.len() as u64).saturating_mul(255) + 16 < len {
        return Err(UnpackError::Corrupt("block too short"));
    }
    let mut out = vec![0; len as usize];
    match lz4_flex::block::decompress_into(block, &mut out) {
        Ok(n) if n as u64 == len => {}
        Ok(_) => return Err(UnpackError::Corrupt("length differs")),
        Err(_) => return Err(UnpackError::Corrupt("block")),
    }
    if is_packed(&out) {
        return Err(UnpackError::Corrupt("packed twice"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::SyncSession;
    use crate::{Board, Command, NewElement, LOCAL};

    fn board_frame(n: usize) -> Vec<u8> {
        let mut b = Board::new(1);
        let notes = (0..n)
            .map(|i| NewElement::note_centred(i as f64 * 240.0, 0.0, "yellow"))
            .collect();
        b.apply(&Command::Create(notes), LOCAL).unwrap();
        SyncSession::update_frame(&b.encode())
    }

    #[test]
    fn a_board_packs_small_and_unpacks_to_the_same_bytes() {
        let frame = board_frame(200);
        let packed = pack(&frame).expect("a board is worth packing");
        assert!(is_packed(&packed));
        assert!(
            packed.len() * 2 < frame.len(),
            "{} of {}",
            packed.len(),
            frame.len()
        );
        assert_eq!(unpack(&packed, frame.len()).unwrap(), frame);
    }

    #[test]
    fn small_or_incompressible_frames_are_not_packed() {
        assert_eq!(pack(&[0, 2, 3, 1, 2, 3]), None);
        let mut rng = fastrand::Rng::with_seed(3);
        let noise: Vec<u8> = (0..4096).map(|_| rng.u8(..)).collect();
        assert_eq!(pack(&noise), None);
        let packed = pack(&board_frame(20)).unwrap();
        assert_eq!(pack(&packed), None, "never packed twice");
    }

    #[test]
    fn hostile_packed_frames_are_refused_without_allocating_their_claim() {
        let frame = board_frame(50);
        let packed = pack(&frame).unwrap();
        // Over the limit.
        assert_eq!(
            unpack(&packed, frame.len() - 1),
            Err(UnpackError::TooLarge(frame.len() as u64))
        );
        // A huge claim with a tiny block.
        let mut bomb = vec![MESSAGE_PACKED as u8];
        bomb.write_var(1u64 << 40);
        bomb.extend_from_slice(&[0x1f, 0]);
        assert!(unpack(&bomb, usize::MAX).is_err());
        let mut bomb = vec![MESSAGE_PACKED as u8];
        bomb.write_var(10_000_000u64);
        bomb.extend_from_slice(&[0xf0, 0]);
        assert_eq!(
            unpack(&bomb, 16 << 20),
            Err(UnpackError::Corrupt("block too short"))
        );
        // A claim that does not match the block.
        let mut short = vec![MESSAGE_PACKED as u8];
        short.write_var(frame.len() as u64 + 1);
        short.extend_from_slice(&lz4_flex::block::compress(&frame));
        assert!(unpack(&short, usize::MAX).is_err());
        // Packed twice.
        let mut twice = vec![MESSAGE_PACKED as u8];
        twice.write_var(packed.len() as u64);
        twice.extend_from_slice(&lz4_flex::block::compress(&packed));
        assert_eq!(
            unpack(&twice, usize::MAX),
            Err(UnpackError::Corrupt("packed twice"))
        );
        // Every truncation and random bytes: an error or a frame, never a panic.
        for cut in 0..packed.len() {
            let _ = unpack(&packed[..cut], 1 << 20);
        }
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..2000 {
            let mut bytes = packed.clone();
            for _ in 0..rng.usize(1..8) {
                let i = rng.usize(..bytes.len());
                bytes[i] = rng.u8(..);
            }
            let _ = unpack(&bytes, 1 << 20);
        }
    }
}
