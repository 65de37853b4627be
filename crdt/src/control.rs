//! Moderator control (SCHEMA.md `control`): the moderator's state of the workshop —
//! timer, voting round, private mode, locks, "bring everyone here", the Chatham House
//! setting — as entries of the `control` Y.Map, each signed with the board's moderator
//! key, so that every client checks the moderator's authority itself (there is no
//! server to do it).
//!
//! One entry per key. Its stored value is a JSON string (docs/schema.md):
//!
//! ```text
//! {"p":"{\"k\":\"timer\",\"n\":17,\"v\":{…}}","s":"<base64url Ed25519 signature>"}
//! ```
//!
//! - `p`, the payload, is itself JSON text: `k` the entry's key in the map, `n` its
//!   sequence number, `v` its value.
//! - `s` signs `DOMAIN ‖ UTF-8(p)` — the exact stored bytes of `p` — with the Ed25519
//!   key whose public half is `meta.moderatorKey`.
//!
//! A client accepts an entry only if the signature verifies, `k` equals the map key it
//! is stored under, and `n` is higher than the last one it accepted for that key, so a
//! participant can neither forge nor move nor replay an entry. Everything else is
//! ignored, with the reason in the debug log.

use std::collections::BTreeMap;

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::Value;

/// Signed bytes start with this, so a control signature can never be mistaken for any
/// other signature made with the same key.
pub const DOMAIN: &[u8] = b"lernraum-control-1\n";
/// Stored entries larger than this are ignored.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// The keys Lernraum writes (others are kept and verified like these, for later
/// versions).
pub mod keys {
    pub const TIMER: &str = "timer";
    pub const VOTING: &str = "voting";
    pub const PRIVATE: &str = "private";
    pub const LOCK: &str = "lock";
    pub const BRING: &str = "bring";
    pub const CHATHAM: &str = "chatham";
    pub const PHASE: &str = "phase";
    /// Closed voting rounds, kept: `[round value, …]` (each as `voting` holds it).
    pub const ROUNDS: &str = "rounds";
}

/// A verified control entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub seq: u64,
    pub value: Value,
}

/// Why an entry was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    TooLarge,
    Malformed(&'static str),
    /// The board has no (valid) moderator key.
    NoModeratorKey,
    BadSignature,
    /// Signed for another key of the map.
    WrongKey,
    /// Not newer than the entry already accepted for this key (a replay).
    Stale {
        seq: u64,
        accepted: u64,
    },
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::TooLarge => write!(f, "entry too large"),
            ControlError::Malformed(why) => write!(f, "malformed entry: {why}"),
            ControlError::NoModeratorKey => write!(f, "the board has no valid moderator key"),
            ControlError::BadSignature => write!(f, "signature does not verify"),
            ControlError::WrongKey => write!(f, "entry signed for another key"),
            ControlError::Stale { seq, accepted } => {
                write!(f, "sequence {seq} not above the accepted {accepted}")
            }
        }
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// The moderator's public key from `meta.moderatorKey` (base64url of 32 bytes).
pub fn public_key(moderator_key: &str) -> Option<VerifyingKey> {
    let bytes = b64().decode(moderator_key).ok()?;
    VerifyingKey::from_bytes(&<[u8; 32]>::try_from(bytes).ok()?).ok()
}

fn signed_message(payload: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + payload.len());
    m.extend_from_slice(DOMAIN);
    m.extend_from_slice(payload.as_bytes());
    m
}

/// The stored string of entry `key` = `value` with sequence number `seq`, signed with
/// the moderator's 32-byte Ed25519 seed.
pub fn seal(key: &str, seq: u64, value: &Value, seed: &[u8; 32]) -> String {
    let payload = serde_json::json!({ "k": key, "n": seq, "v": value }).to_string();
    let sig = SigningKey::from_bytes(seed).sign(&signed_message(&payload));
    serde_json::json!({ "p": payload, "s": b64().encode(sig.to_bytes()) }).to_string()
}

/// Verifies the entry stored under `map_key`.
pub fn open(map_key: &str, stored: &str, moderator: &VerifyingKey) -> Result<Entry, ControlError> {
    if stored.len() > MAX_ENTRY_BYTES {
        return Err(ControlError::TooLarge);
    }
    let outer: Value =
        serde_json::from_str(stored).map_err(|_| ControlError::Malformed("not JSON"))?;
    let payload = outer
        .get("p")
        .and_then(Value::as_str)
        .ok_or(ControlError::Malformed("no payload"))?;
    let sig = outer
        .get("s")
        .and_then(Value::as_str)
        .and_then(|s| b64().decode(s).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .ok_or(ControlError::Malformed("no signature"))?;
    moderator
        .verify_strict(&signed_message(payload), &Signature::from_bytes(&sig))
        .map_err(|_| ControlError::BadSignature)?;
    let inner: Value =
        serde_json::from_str(payload).map_err(|_| ControlError::Malformed("payload not JSON"))?;
    let key = inner
        .get("k")
        .and_then(Value::as_str)
        .ok_or(ControlError::Malformed("no key"))?;
    if key != map_key {
        return Err(ControlError::WrongKey);
    }
    let seq = inner
        .get("n")
        .and_then(Value::as_u64)
        .ok_or(ControlError::Malformed("no sequence number"))?;
    Ok(Entry {
        key: key.to_string(),
        seq,
        value: inner.get("v").cloned().unwrap_or(Value::Null),
    })
}

/// The control entries a client has accepted: for each key, the newest verified one.
/// It survives the entry's removal or replacement by an older one in the map (both
/// are a participant's doing), so what was accepted stays in force.
#[derive(Debug, Default, Clone)]
pub struct Accepted {
    entries: BTreeMap<String, Entry>,
}

impl Accepted {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// The highest sequence number accepted for any key (a moderator continues above it).
    pub fn max_seq(&self) -> u64 {
        self.entries.values().map(|e| e.seq).max().unwrap_or(0)
    }

    /// Takes in the map's current entries: verifies each against `moderator_key`
    /// (`meta.moderatorKey`), accepts the newer ones, logs why others are ignored.
    /// Returns the keys whose accepted entry changed.
    pub fn refresh<'a>(
        &mut self,
        stored: impl IntoIterator<Item = (&'a str, &'a str)>,
        moderator_key: Option<&str>,
    ) -> Vec<String> {
        let key = moderator_key.and_then(public_key);
        let mut changed = Vec::new();
        for (map_key, value) in stored {
            let result = match &key {
                None => Err(ControlError::NoModeratorKey),
                Some(k) => open(map_key, value, k),
            };
            let entry = match result {
                Ok(e) => e,
                Err(e) => {
                    log::debug!("control: ignored entry {map_key:?}: {e}");
                    continue;
                }
            };
            match self.entries.get(map_key) {
                Some(old) if old.seq >= entry.seq => {
                    if old.seq > entry.seq || old.value != entry.value {
                        log::debug!(
                            "control: ignored entry {map_key:?}: {}",
                            ControlError::Stale {
                                seq: entry.seq,
                                accepted: old.seq
                            }
                        );
                    }
                }
                _ => {
                    changed.push(map_key.to_string());
                    self.entries.insert(map_key.to_string(), entry);
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SEED: [u8; 32] = [7; 32];

    fn key_b64(seed: &[u8; 32]) -> String {
        b64().encode(SigningKey::from_bytes(seed).verifying_key().to_bytes())
    }

    #[test]
    fn a_sealed_entry_opens_with_the_moderator_key() {
        let stored = seal("timer", 5, &json!({"endsAt": 1000}), &SEED);
        let k = public_key(&key_b64(&SEED)).unwrap();
        let e = open("timer", &stored, &k).unwrap();
        assert_eq!((e.key.as_str(), e.seq), ("timer", 5));
        assert_eq!(e.value, json!({"endsAt": 1000}));
    }

    #[test]
    fn forged_moved_tampered_and_replayed_entries_are_ignored() {
        let k = key_b64(&SEED);
        let other = seal("lock", 9, &json!({"board": true}), &[8; 32]);
        let moved = seal("timer", 9, &json!({}), &SEED);
        let mut tampered = seal("lock", 10, &json!({"board": false}), &SEED);
        tampered = tampered.replace("false", "true ");
        let mut acc = Accepted::default();
        assert!(acc
            .refresh(
                [
                    ("lock", other.as_str()),
                    ("lock", tampered.as_str()),
                    ("voting", moved.as_str())
                ],
                Some(&k)
            )
            .is_empty());
        let v2 = seal("lock", 2, &json!({"board": true}), &SEED);
        let v1 = seal("lock", 1, &json!({"board": false}), &SEED);
        assert_eq!(acc.refresh([("lock", v2.as_str())], Some(&k)), vec!["lock"]);
        // An older entry written back (a replay) changes nothing.
        assert!(acc.refresh([("lock", v1.as_str())], Some(&k)).is_empty());
        assert_eq!(acc.get("lock").unwrap().value, json!({"board": true}));
        // Without a moderator key nothing is accepted.
        let mut none = Accepted::default();
        assert!(none.refresh([("lock", v2.as_str())], None).is_empty());
        assert!(none
            .refresh([("lock", v2.as_str())], Some("not-a-key"))
            .is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        let k = public_key(&key_b64(&SEED)).unwrap();
        for s in [
            "",
            "{}",
            "[]",
            "{\"p\":1,\"s\":2}",
            "{\"p\":\"{}\",\"s\":\"AAAA\"}",
            "null",
        ] {
            assert!(open("timer", s, &k).is_err(), "{s}");
        }
        let big = "x".repeat(MAX_ENTRY_BYTES + 1);
        assert_eq!(open("timer", &big, &k), Err(ControlError::TooLarge));
    }
}
