//! The y-webrtc signaling messages, as bytes (ROOMS.md, "Transports" 2).
//!
//! - The relay speaks JSON: `{type:"subscribe",topics}`, `{type:"publish",topic,data}`,
//!   `{type:"ping"}` / `{type:"pong"}` ([`relay_subscribe`], [`relay_publish`],
//!   [`relay_ping`], [`parse_relay`]).
//! - With a room password, `data` is `base64(encrypt(lib0 writeAny(obj)))`, where `obj`
//!   is `{type:"announce",from}` or `{type:"signal",from,to,token,signal}` and `signal`
//!   is a simple-peer signal: `{type:"offer"|"answer",sdp}` or
//!   `{type:"candidate",candidate:{candidate,sdpMLineIndex,sdpMid}}`. Lernraum adds
//!   `lernraum: 1` to its signals: it reads packed frames ([`EXT_PACKED`])
//!   ([`PeerMessage::encode`], [`PeerMessage::decode`]; the app does the encryption and
//!   base64).
//!
//! lib0's `writeAny`/`readAny` are implemented here over `serde_json::Value`, with bounds:
//! input comes from anyone who knows the room key, so nesting depth, lengths and sizes are
//! checked, and anything unexpected is an `Err`, never a panic.

use serde_json::{Map, Number, Value};
use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;

/// Deepest nesting of arrays and objects accepted by [`read_any`].
pub const MAX_DEPTH: usize = 16;
/// Longest peer id accepted (y-webrtc's are 36-character UUIDs).
pub const MAX_PEER_ID: usize = 128;
/// Longest SDP accepted.
pub const MAX_SDP: usize = 64 * 1024;
/// Longest ICE candidate line accepted.
pub const MAX_CANDIDATE: usize = 4096;
/// Largest relay message (JSON text) handled at all.
pub const MAX_RELAY_MESSAGE: usize = 256 * 1024;

/// Writes a JSON value as lib0 `writeAny` does (numbers: integers that fit 31 bits as
/// varInt, else float32 when exact, else float64).
pub fn write_any(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.write_u8(126),
        Value::Bool(b) => out.write_u8(if *b { 120 } else { 121 }),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() <= 2_147_483_647.0 {
                out.write_u8(125);
                out.write_var(f as i64);
            } else if (f as f32) as f64 == f {
                out.write_u8(124);
                out.write_f32(f as f32);
            } else {
                out.write_u8(123);
                out.write_f64(f);
            }
        }
        Value::String(s) => {
            out.write_u8(119);
            out.write_string(s);
        }
        Value::Array(a) => {
            out.write_u8(117);
            out.write_var(a.len() as u64);
            for x in a {
                write_any(out, x);
            }
        }
        Value::Object(o) => {
            out.write_u8(118);
            out.write_var(o.len() as u64);
            for (k, x) in o {
                out.write_string(k);
                write_any(out, x);
            }
        }
    }
}

fn number(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Reads one lib0 `any` value; `undefined` reads as null, byte arrays are refused.
pub fn read_any(c: &mut Cursor<'_>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("nested too deeply".into());
    }
    let e = |e: yrs::encoding::read::Error| e.to_string();
    Ok(match c.read_u8().map_err(e)? {
        127 | 126 => Value::Null,
        125 => {
            let v: i64 = c.read_var::<i64>().map_err(e)?;
            Value::Number(v.into())
        }
        124 => number(c.read_f32().map_err(e)? as f64),
        123 => number(c.read_f64().map_err(e)?),
        122 => Value::Number(c.read_i64().map_err(e)?.into()),
        121 => Value::Bool(false),
        120 => Value::Bool(true),
        119 => Value::String(c.read_string().map_err(e)?.to_owned()),
        118 => {
            let n: u64 = c.read_var().map_err(e)?;
            if n > 64 {
                return Err("object with too many keys".into());
            }
            let mut m = Map::new();
            for _ in 0..n {
                let k = c.read_string().map_err(e)?.to_owned();
                let v = read_any(c, depth + 1)?;
                m.insert(k, v);
            }
            Value::Object(m)
        }
        117 => {
            let n: u64 = c.read_var().map_err(e)?;
            if n > 1024 {
                return Err("array too long".into());
            }
            let mut a = Vec::with_capacity(n as usize);
            for _ in 0..n {
                a.push(read_any(c, depth + 1)?);
            }
            Value::Array(a)
        }
        t => return Err(format!("unexpected type {t}")),
    })
}

/// A simple-peer signal body.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    Offer(String),
    Answer(String),
    Candidate {
        candidate: String,
        sdp_m_line_index: Option<u16>,
        sdp_mid: Option<String>,
    },
    /// Anything else simple-peer may say (`renegotiate`, `transceiverRequest`): media
    /// only, ignored by a data-only peer.
    Other,
}

/// What peers publish to each other through the relay.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerMessage {
    Announce {
        from: String,
    },
    Signal {
        from: String,
        to: String,
        /// y-webrtc's glare token: `Date.now() + Math.random()` of the sender's attempt.
        token: f64,
        signal: Signal,
        /// The Lernraum extensions the sender reads on the data channel (`"lernraum"`
        /// in the message; y-webrtc sends none and ignores it): 0 none, [`EXT_PACKED`]
        /// packed frames (`crate::pack`).
        ext: u32,
    },
}

/// `ext` of a peer that reads packed frames.
pub const EXT_PACKED: u32 = 1;

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn peer_id(v: Option<&Value>) -> Result<String, String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_PEER_ID => Ok(s.clone()),
        _ => Err("no valid peer id".into()),
    }
}

impl PeerMessage {
    pub fn from(&self) -> &str {
        match self {
            PeerMessage::Announce { from } | PeerMessage::Signal { from, .. } => from,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            PeerMessage::Announce { from } => obj(vec![
                ("type", "announce".into()),
                ("from", from.as_str().into()),
            ]),
            PeerMessage::Signal {
                from,
                to,
                token,
                signal,
                ext,
            } => {
                let signal = match signal {
                    Signal::Offer(sdp) => {
                        obj(vec![("type", "offer".into()), ("sdp", sdp.as_str().into())])
                    }
                    Signal::Answer(sdp) => obj(vec![
                        ("type", "answer".into()),
                        ("sdp", sdp.as_str().into()),
                    ]),
                    Signal::Candidate {
                        candidate,
                        sdp_m_line_index,
                        sdp_mid,
                    } => obj(vec![
                        ("type", "candidate".into()),
                        (
                            "candidate",
                            obj(vec![
                                ("candidate", candidate.as_str().into()),
                                (
                                    "sdpMLineIndex",
                                    sdp_m_line_index.map(Value::from).unwrap_or(Value::Null),
                                ),
                                (
                                    "sdpMid",
                                    sdp_mid.as_deref().map(Value::from).unwrap_or(Value::Null),
                                ),
                            ]),
                        ),
                    ]),
                    Signal::Other => obj(vec![("type", "renegotiate".into())]),
                };
                let mut pairs = vec![
                    ("to", to.as_str().into()),
                    ("from", from.as_str().into()),
                    ("type", "signal".into()),
                    ("token", number(*token)),
                    ("signal", signal),
                ];
                if *ext != 0 {
                    pairs.push(("lernraum", Value::from(*ext)));
                }
                obj(pairs)
            }
        }
    }

    /// lib0 `writeAny` bytes (to be encrypted).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_any(&mut out, &self.to_value());
        out
    }

    /// Reads decrypted lib0 `any` bytes.
    pub fn decode(bytes: &[u8]) -> Result<PeerMessage, String> {
        let mut c = Cursor::new(bytes);
        let v = read_any(&mut c, 0)?;
        if c.has_content() {
            return Err("trailing bytes".into());
        }
        PeerMessage::from_value(&v)
    }

    pub fn from_value(v: &Value) -> Result<PeerMessage, String> {
        let from = peer_id(v.get("from"))?;
        match v.get("type").and_then(Value::as_str) {
            Some("announce") => Ok(PeerMessage::Announce { from }),
            Some("signal") => {
                let to = peer_id(v.get("to"))?;
                let token = v.get("token").and_then(Value::as_f64).unwrap_or(0.0);
                let s = v.get("signal").ok_or("signal without a body")?;
                let sdp = || match s.get("sdp") {
                    Some(Value::String(sdp)) if sdp.len() <= MAX_SDP => Ok(sdp.clone()),
                    _ => Err("no valid sdp".to_string()),
                };
                let signal = match s.get("type").and_then(Value::as_str) {
                    Some("offer") => Signal::Offer(sdp()?),
                    Some("answer") => Signal::Answer(sdp()?),
                    _ if s.get("candidate").is_some() => {
                        let c = &s["candidate"];
                        let candidate = match c.get("candidate") {
                            Some(Value::String(x)) if x.len() <= MAX_CANDIDATE => x.clone(),
                            _ => return Err("no valid candidate".into()),
                        };
                        Signal::Candidate {
                            candidate,
                            sdp_m_line_index: c
                                .get("sdpMLineIndex")
                                .and_then(Value::as_u64)
                                .and_then(|n| u16::try_from(n).ok()),
                            sdp_mid: c
                                .get("sdpMid")
                                .and_then(Value::as_str)
                                .filter(|m| m.len() <= 256)
                                .map(str::to_owned),
                        }
                    }
                    _ => Signal::Other,
                };
                let ext = v
                    .get("lernraum")
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0);
                Ok(PeerMessage::Signal {
                    from,
                    to,
                    token,
                    signal,
                    ext,
                })
            }
            _ => Err("unknown message type".into()),
        }
    }
}

/// `{"type":"subscribe","topics":[…]}`
pub fn relay_subscribe(topics: &[&str]) -> String {
    serde_json::json!({ "type": "subscribe", "topics": topics }).to_string()
}

/// `{"type":"publish","topic":…,"data":…}` (data: the base64 of the encrypted message).
pub fn relay_publish(topic: &str, data: &str) -> String {
    serde_json::json!({ "type": "publish", "topic": topic, "data": data }).to_string()
}

/// `{"type":"ping"}`
pub fn relay_ping() -> String {
    r#"{"type":"ping"}"#.to_owned()
}

/// What the relay sends that a peer acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum RelayMessage {
    /// A message published to `topic`; `data` as it came (a string when encrypted).
    Publish {
        topic: String,
        data: Value,
    },
    Pong,
    Ping,
}

/// Parses a relay frame; `None` for anything else (ignored).
pub fn parse_relay(text: &str) -> Option<RelayMessage> {
    if text.len() > MAX_RELAY_MESSAGE {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    match v.get("type")?.as_str()? {
        "publish" => Some(RelayMessage::Publish {
            topic: v.get("topic")?.as_str()?.to_owned(),
            data: v.get("data")?.clone(),
        }),
        "pong" => Some(RelayMessage::Pong),
        "ping" => Some(RelayMessage::Ping),
        _ => None,
    }
}

/// A y-webrtc style peer id: a random UUID v4 from 16 random bytes.
pub fn peer_id_from(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The glare rule, the same on every peer: when two peers dial each other at once, the
/// offer with the higher token wins (as y-webrtc decides it), ties by the higher peer id.
/// `true`: our own offer stands and theirs is ignored.
pub fn our_offer_wins(our_token: f64, our_id: &str, their_token: f64, their_id: &str) -> bool {
    if our_token != their_token {
        our_token > their_token
    } else {
        our_id > their_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_round_trips_and_matches_lib0_bytes() {
        // lib0: writeAny({type:'announce', from:'ab'}) — object, 2 keys, strings.
        let m = PeerMessage::Announce { from: "ab".into() };
        let bytes = m.encode();
        assert_eq!(bytes[0], 118);
        assert_eq!(bytes[1], 2);
        assert_eq!(PeerMessage::decode(&bytes).unwrap(), m);
        // Integers: varInt; 0.5 is a float32; a Date.now()+random token is a float64.
        let mut out = Vec::new();
        write_any(&mut out, &Value::from(5));
        assert_eq!(out, vec![125, 5]);
        out.clear();
        write_any(&mut out, &Value::from(-5));
        assert_eq!(out, vec![125, 0x40 | 5]);
        out.clear();
        write_any(&mut out, &Value::from(100));
        assert_eq!(out, vec![125, 0x80 | 36, 1]);
        out.clear();
        write_any(&mut out, &number(0.5));
        assert_eq!(out, vec![124, 0x3f, 0, 0, 0]);
        out.clear();
        let token = 1_764_000_000_000.123_f64;
        write_any(&mut out, &number(token));
        assert_eq!(out[0], 123);
        let mut c = Cursor::new(&out);
        assert_eq!(read_any(&mut c, 0).unwrap().as_f64(), Some(token));
        for v in [-5i64, 0, 63, 64, 100, -100, 2_147_483_647, -2_147_483_647] {
            let mut out = Vec::new();
            write_any(&mut out, &Value::from(v));
            assert_eq!(read_any(&mut Cursor::new(&out), 0).unwrap(), Value::from(v));
        }
    }

    #[test]
    fn signals_round_trip() {
        let msgs = [
            PeerMessage::Signal {
                from: "a".into(),
                to: "b".into(),
                token: 1.5e12 + 0.25,
                signal: Signal::Offer("v=0\r\n".into()),
                ext: EXT_PACKED,
            },
            PeerMessage::Signal {
                from: "a".into(),
                to: "b".into(),
                token: 3.0,
                signal: Signal::Answer("v=0\r\n".into()),
                ext: 0,
            },
            PeerMessage::Signal {
                from: "a".into(),
                to: "b".into(),
                token: 3.0,
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
                    sdp_m_line_index: Some(0),
                    sdp_mid: Some("0".into()),
                },
                ext: 7,
            },
        ];
        for m in msgs {
            assert_eq!(PeerMessage::decode(&m.encode()).unwrap(), m);
        }
    }

    #[test]
    fn bad_messages_are_errors() {
        assert!(PeerMessage::decode(&[]).is_err());
        assert!(PeerMessage::decode(&[118, 0]).is_err());
        assert!(PeerMessage::decode(&[200]).is_err());
        // Deep nesting is refused before it can exhaust the stack.
        let deep = [117u8, 1].repeat(10_000);
        assert!(PeerMessage::decode(&deep).is_err());
        // An array that claims to be huge.
        assert!(PeerMessage::decode(&[117, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        let mut m = PeerMessage::Announce {
            from: "x".repeat(200),
        }
        .encode();
        assert!(PeerMessage::decode(&m).is_err());
        m.push(0);
        assert!(PeerMessage::decode(&m).is_err());
        assert_eq!(parse_relay("not json"), None);
        assert_eq!(parse_relay(r#"{"type":"publish"}"#), None);
        assert_eq!(parse_relay(r#"{"type":"pong"}"#), Some(RelayMessage::Pong));
        assert_eq!(
            parse_relay(r#"{"type":"publish","topic":"r","data":"QQ==","clients":2}"#),
            Some(RelayMessage::Publish {
                topic: "r".into(),
                data: "QQ==".into()
            })
        );
    }

    #[test]
    fn peer_ids_look_like_uuids_and_glare_is_decided_the_same_on_both_sides() {
        let id = peer_id_from([0xab; 16]);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(our_offer_wins(2.0, "a", 1.0, "b"));
        assert!(!our_offer_wins(1.0, "b", 2.0, "a"));
        assert!(our_offer_wins(1.0, "b", 1.0, "a"));
        assert!(!our_offer_wins(1.0, "a", 1.0, "b"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = PeerMessage::decode(&bytes);
        }
    }
}
