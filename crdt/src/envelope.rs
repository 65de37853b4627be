//! The envelope of an encrypted message, as y-webrtc writes it for signaling and
//! BroadcastChannel frames: `varString("AES-GCM") • varUint8Array(iv) •
//! varUint8Array(ciphertext‖tag)` (lib0 encoding). The encryption itself is WebCrypto's
//! (in the app); this module only packs and unpacks, and rejects anything else.

use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;

/// Bytes of the AES-GCM nonce.
pub const IV_LEN: usize = 12;

/// Packs a nonce and a ciphertext.
pub fn seal(iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ciphertext.len() + 24);
    out.write_string("AES-GCM");
    out.write_buf(iv);
    out.write_buf(ciphertext);
    out
}

/// Unpacks `(iv, ciphertext)`; `None` for anything that is not such an envelope.
pub fn open(bytes: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut c = Cursor::new(bytes);
    if c.read_string().ok()? != "AES-GCM" {
        return None;
    }
    let iv = c.read_buf().ok()?.to_vec();
    let ciphertext = c.read_buf().ok()?.to_vec();
    (iv.len() == IV_LEN && ciphertext.len() >= 16 && !c.has_content()).then_some((iv, ciphertext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_round_trip_in_the_y_webrtc_layout() {
        let sealed = seal(&[7; 12], &[1; 20]);
        // varString: length 7, then the ASCII name; varUint8Array: length, then bytes.
        assert_eq!(
            &sealed[..8],
            &[7u8, b'A', b'E', b'S', b'-', b'G', b'C', b'M'][..]
        );
        assert_eq!(sealed[8], 12);
        assert_eq!(open(&sealed), Some((vec![7; 12], vec![1; 20])));
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(open(&[]), None);
        assert_eq!(open(&[3, b'a', b'b', b'c']), None);
        let mut other = Vec::new();
        other.write_string("AES-CBC");
        other.write_buf([0u8; 12]);
        other.write_buf([0u8; 20]);
        assert_eq!(open(&other), None);
        let short_iv = seal(&[0; 8], &[0; 20]);
        assert_eq!(open(&short_iv), None);
        let mut trailing = seal(&[0; 12], &[0; 20]);
        trailing.push(0);
        assert_eq!(open(&trailing), None);
        // A length prefix near 2^32 must not panic (32-bit targets).
        assert_eq!(
            open(&[7, b'A', b'E', b'S', b'-', b'G', b'C', b'M', 0xff, 0xff, 0xff, 0xff, 0x0f]),
            None
        );
    }
}
