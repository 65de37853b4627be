//! Board links (ROOMS.md, "Every board is a room"): parsing and creating
//! `#room=ROOM&key=KEY&mod=SECRET&mk=HASH`. DOM-free; everything here is untrusted
//! input from the address bar, so it returns errors and never panics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// A parsed board link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomLink {
    /// base64url of ≥ 10 random bytes; names the room, the storage slot, the channel.
    pub room: String,
    /// base64url of ≥ 16 random bytes; the encryption password.
    pub key: String,
    /// base64url of the 32-byte Ed25519 seed: only in the moderator's link.
    pub moderator_secret: Option<String>,
    /// base64url of the first 9 bytes of SHA-256(moderator public key).
    pub moderator_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// No fragment at all: the caller creates a new board.
    Empty,
    /// A fragment that is not a usable board link.
    Malformed(&'static str),
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.as_bytes()).ok()
}

impl RoomLink {
    /// Parses a location hash (with or without the leading `#`).
    pub fn parse(hash: &str) -> Result<RoomLink, LinkError> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.is_empty() {
            return Err(LinkError::Empty);
        }
        if hash.len() > 2048 {
            return Err(LinkError::Malformed("link too long"));
        }
        let mut room = None;
        let mut key = None;
        let mut secret = None;
        let mut hash_param = None;
        for pair in hash.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "room" => room = Some(v.to_string()),
                "key" => key = Some(v.to_string()),
                "mod" => secret = Some(v.to_string()),
                "mk" => hash_param = Some(v.to_string()),
                _ => {} // unknown parameters are ignored, for links from newer versions
            }
        }
        let room = room.ok_or(LinkError::Malformed("no room"))?;
        let key = key.ok_or(LinkError::Malformed("no key"))?;
        match decode(&room) {
            Some(b) if b.len() >= 10 => {}
            _ => return Err(LinkError::Malformed("room is not base64url of ≥ 10 bytes")),
        }
        match decode(&key) {
            Some(b) if b.len() >= 16 => {}
            _ => return Err(LinkError::Malformed("key is not base64url of ≥ 16 bytes")),
        }
        if let Some(h) = &hash_param {
            match decode(h) {
                Some(b) if b.len() == 9 => {}
                _ => return Err(LinkError::Malformed("mk is not base64url of 9 bytes")),
            }
        }
        let moderator_secret = match secret {
            None => None,
            Some(s) => {
                let seed = decode(&s)
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or(LinkError::Malformed("mod is not base64url of 32 bytes"))?;
                let expected = key_hash(&public_key(&seed));
                if hash_param.as_deref().is_some_and(|h| h != expected) {
                    return Err(LinkError::Malformed("mod does not match mk"));
                }
                Some(s)
            }
        };
        let moderator_hash = match (&hash_param, &moderator_secret) {
            (Some(h), _) => Some(h.clone()),
            (None, Some(s)) => decode(s)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(|seed| key_hash(&public_key(&seed))),
            (None, None) => None,
        };
        Ok(RoomLink {
            room,
            key,
            moderator_secret,
            moderator_hash,
        })
    }

    /// A new board from random bytes: 12 for the room, 18 for the key, 32 for the
    /// moderator seed (the caller supplies them from a CSPRNG).
    pub fn create(room: [u8; 12], key: [u8; 18], seed: [u8; 32]) -> RoomLink {
        let public = public_key(&seed);
        RoomLink {
            room: b64(&room),
            key: b64(&key),
            moderator_secret: Some(b64(&seed)),
            moderator_hash: Some(key_hash(&public)),
        }
    }

    /// The moderator's public key (base64url), when this is a moderator link.
    pub fn moderator_public_key(&self) -> Option<String> {
        let seed = decode(self.moderator_secret.as_deref()?)?;
        let seed = <[u8; 32]>::try_from(seed).ok()?;
        Some(b64(&public_key(&seed)))
    }

    #[cfg(test)]
    fn is_moderator(&self) -> bool {
        self.moderator_secret.is_some()
    }

    /// The fragment for this link (with `#`). `with_secret = false` gives the
    /// participant link.
    pub fn fragment(&self, with_secret: bool) -> String {
        let mut s = format!("#room={}&key={}", self.room, self.key);
        if with_secret {
            if let Some(m) = &self.moderator_secret {
                s.push_str("&mod=");
                s.push_str(m);
            }
        }
        if let Some(h) = &self.moderator_hash {
            s.push_str("&mk=");
            s.push_str(h);
        }
        s
    }
}

fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes()
}

/// base64url of the first 9 bytes of SHA-256(public key): the `mk` link parameter.
pub fn key_hash(public: &[u8]) -> String {
    let digest = Sha256::digest(public);
    b64(&digest[..9])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_link_parses_back_with_and_without_the_secret() {
        let link = RoomLink::create([1; 12], [2; 18], [3; 32]);
        let parsed = RoomLink::parse(&link.fragment(true)).unwrap();
        assert_eq!(parsed, link);
        assert!(parsed.is_moderator());
        let participant = RoomLink::parse(&link.fragment(false)).unwrap();
        assert!(!participant.is_moderator());
        assert_eq!(participant.moderator_hash, link.moderator_hash);
        assert_eq!(participant.room, link.room);
    }

    #[test]
    fn malformed_links_are_errors_not_panics() {
        assert_eq!(RoomLink::parse(""), Err(LinkError::Empty));
        assert_eq!(RoomLink::parse("#"), Err(LinkError::Empty));
        for bad in [
            "#room=%%%&key=x",
            "#room=abc",
            "#key=AAAAAAAAAAAAAAAAAAAAAA",
            "#room=AAAA&key=AAAAAAAAAAAAAAAAAAAAAA",
            "#room=AAAAAAAAAAAAAAAA&key=short",
            "#room=AAAAAAAAAAAAAAAA&key=AAAAAAAAAAAAAAAAAAAAAAAA&mod=xyz",
            "#room=AAAAAAAAAAAAAAAA&key=AAAAAAAAAAAAAAAAAAAAAAAA&mk=@@",
            "#&&&===",
        ] {
            assert!(
                matches!(RoomLink::parse(bad), Err(LinkError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_secret_that_does_not_match_mk_is_rejected() {
        let a = RoomLink::create([1; 12], [2; 18], [3; 32]);
        let b = RoomLink::create([1; 12], [2; 18], [4; 32]);
        let forged = format!(
            "#room={}&key={}&mod={}&mk={}",
            a.room,
            a.key,
            b.moderator_secret.unwrap(),
            a.moderator_hash.unwrap()
        );
        assert!(RoomLink::parse(&forged).is_err());
    }
}
