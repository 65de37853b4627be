//! Serverless invites (ROOMS.md, transport 3): when no signaling server answers, two
//! people connect by passing two codes by hand (chat, e-mail, a QR code):
//!
//! 1. the inviter's app makes an **invite code**: its WebRTC offer, with every ICE
//!    candidate in it (no trickle), compressed and encrypted with the room key;
//! 2. the invited person's app (opened with the board link, so it has the key) turns it
//!    into a **reply code**: the answer, made the same way;
//! 3. the inviter enters the reply code, and the data channel opens: from then on the
//!    two are peers of the mesh like any other (sync, presence, gossip).
//!
//! Later people are invited the same way, by anyone already in; updates reach everyone
//! through the mesh's gossip. A code for another board does not decrypt.

use std::cell::RefCell;

use base64::Engine;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RtcIceGatheringState, RtcPeerConnection, RtcSdpType, RtcSessionDescriptionInit};

use super::crypto;
use super::webrtc::{self, INVITE_SOCKET};

/// Codes start with this, so a pasted code is recognised (and a wrong paste is not).
const PREFIX: &str = "LR1-";
/// Gathering ICE candidates for a code takes at most this long.
const GATHER_MS: u32 = 4_000;
/// The largest code accepted (a compressed offer is well under 2 KB).
const MAX_CODE: usize = 16 * 1024;

thread_local! {
    /// The inviter's pending invitation: its peer key and connection generation.
    static PENDING: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

fn js(e: JsValue) -> String {
    format!("{e:?}")
}

async fn key() -> Result<web_sys::CryptoKey, String> {
    let link = crate::boot::link().ok_or("no board")?;
    crypto::room_key(&link.key, &link.room).await
}

/// A short tag of the room (8 characters of its SHA-256), before the encrypted part:
/// a code of another board is told apart from a damaged one.
fn room_tag() -> String {
    use sha2::{Digest, Sha256};
    let room = crate::boot::link().map(|l| l.room).unwrap_or_default();
    b64().encode(&Sha256::digest(room.as_bytes())[..6])
}

async fn seal(v: &Value) -> Result<String, String> {
    let packed = crate::export::zlib::compress(v.to_string().as_bytes()).await?;
    let sealed = crypto::encrypt(&key().await?, &packed).await?;
    Ok(format!("{PREFIX}{}.{}", room_tag(), b64().encode(sealed)))
}

/// What a code holds, or a reason for the person.
async fn open(code: &str) -> Result<Value, InviteError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() > MAX_CODE {
        return Err(InviteError::NotACode);
    }
    let body = code.strip_prefix(PREFIX).ok_or(InviteError::NotACode)?;
    let (tag, body) = body.split_once('.').ok_or(InviteError::NotACode)?;
    if tag != room_tag() {
        return Err(InviteError::OtherBoard);
    }
    let sealed = b64().decode(body).map_err(|_| InviteError::NotACode)?;
    let key = key().await.map_err(InviteError::Browser)?;
    let packed = crypto::decrypt(&key, &sealed)
        .await
        .map_err(|_| InviteError::NotACode)?;
    let text = crate::export::zlib::decompress(&packed, 64 * 1024)
        .await
        .map_err(|_| InviteError::NotACode)?;
    serde_json::from_slice(&text).map_err(|_| InviteError::NotACode)
}

/// Why a code could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum InviteError {
    /// Not a Lernraum code (or cut off when copying).
    NotACode,
    /// A code of another board (it does not decrypt with this board's key).
    OtherBoard,
    /// A reply code, where an invite code was expected, or the other way round.
    WrongStep,
    /// No invitation is waiting for a reply.
    NothingPending,
    Browser(String),
}

async fn gathered_sdp(pc: &RtcPeerConnection) -> Result<String, String> {
    // Wait (briefly) until every local candidate is in the description.
    let mut waited = 0;
    while pc.ice_gathering_state() != RtcIceGatheringState::Complete && waited < GATHER_MS {
        gloo_sleep(100).await;
        waited += 100;
    }
    pc.local_description()
        .map(|d| d.sdp())
        .ok_or_else(|| "no local description".to_string())
}

async fn gloo_sleep(ms: u32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Sets the peer's remote description (`kind` from the other side's code).
async fn describe(pc: &RtcPeerConnection, kind: RtcSdpType, sdp: &str) -> Result<(), String> {
    let desc = RtcSessionDescriptionInit::new(kind);
    desc.set_sdp(sdp);
    JsFuture::from(pc.set_remote_description(&desc))
        .await
        .map(|_| ())
        .map_err(js)
}

/// Makes our offer or answer, sets it, and returns it once every ICE candidate is in
/// it (the codes carry the candidates: no trickle).
async fn local_sdp(pc: &RtcPeerConnection, kind: RtcSdpType) -> Result<String, String> {
    let made = match kind {
        RtcSdpType::Offer => pc.create_offer(),
        _ => pc.create_answer(),
    };
    let made = JsFuture::from(made).await.map_err(js)?;
    let sdp = js_sys::Reflect::get(&made, &"sdp".into())
        .ok()
        .and_then(|s| s.as_string())
        .ok_or("no sdp")?;
    let desc = RtcSessionDescriptionInit::new(kind);
    desc.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&desc))
        .await
        .map_err(js)?;
    gathered_sdp(pc).await
}

/// A new connection of the mesh for `remote`, met by invite: its generation and
/// `RtcPeerConnection`.
fn connection(remote: &str, initiator: bool) -> Result<(u32, RtcPeerConnection), InviteError> {
    let generation = webrtc::new_peer(remote, INVITE_SOCKET, initiator)
        .ok_or(InviteError::Browser("cannot create a connection".into()))?;
    let pc = webrtc::with_peer(remote, generation, |p| p.pc.clone())
        .ok_or(InviteError::Browser("connection gone".into()))?;
    Ok((generation, pc))
}

/// Step 1 (inviter): a new connection and its invite code.
pub async fn create() -> Result<String, InviteError> {
    let our = webrtc::peer_id().ok_or(InviteError::Browser("WebRTC is not available".into()))?;
    // The invited peer's id is not known yet: keep the connection under a key of its own.
    let remote = format!("invite-{}", b64().encode(crate::boot::random_bytes::<9>()));
    if let Some((old, _)) = PENDING.with(|p| p.borrow_mut().take()) {
        webrtc::close(&old);
    }
    let (generation, pc) = connection(&remote, true)?;
    let sdp = local_sdp(&pc, RtcSdpType::Offer)
        .await
        .map_err(InviteError::Browser)?;
    PENDING.with(|p| *p.borrow_mut() = Some((remote, generation)));
    seal(&json!({ "t": "offer", "from": our, "sdp": sdp }))
        .await
        .map_err(InviteError::Browser)
}

/// Step 2 (invited): answers an invite code; returns the reply code.
pub async fn answer(code: &str) -> Result<String, InviteError> {
    let v = open(code).await?;
    if v.get("t").and_then(Value::as_str) != Some("offer") {
        return Err(InviteError::WrongStep);
    }
    let from = v
        .get("from")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty() && f.len() < 64)
        .ok_or(InviteError::NotACode)?
        .to_string();
    let offer = v
        .get("sdp")
        .and_then(Value::as_str)
        .ok_or(InviteError::NotACode)?;
    let our = webrtc::peer_id().ok_or(InviteError::Browser("WebRTC is not available".into()))?;
    webrtc::close(&from);
    let (generation, pc) = connection(&from, false)?;
    describe(&pc, RtcSdpType::Offer, offer)
        .await
        .map_err(|_| InviteError::NotACode)?;
    webrtc::remote_description_set(&from, generation);
    let sdp = local_sdp(&pc, RtcSdpType::Answer)
        .await
        .map_err(InviteError::Browser)?;
    seal(&json!({ "t": "answer", "from": our, "sdp": sdp }))
        .await
        .map_err(InviteError::Browser)
}

/// Step 3 (inviter): takes the reply code; the channel opens shortly after.
pub async fn complete(code: &str) -> Result<(), InviteError> {
    let v = open(code).await?;
    if v.get("t").and_then(Value::as_str) != Some("answer") {
        return Err(InviteError::WrongStep);
    }
    let sdp = v
        .get("sdp")
        .and_then(Value::as_str)
        .ok_or(InviteError::NotACode)?;
    let (remote, generation) = PENDING
        .with(|p| p.borrow().clone())
        .ok_or(InviteError::NothingPending)?;
    let pc = webrtc::with_peer(&remote, generation, |p| p.pc.clone())
        .ok_or(InviteError::NothingPending)?;
    describe(&pc, RtcSdpType::Answer, sdp)
        .await
        .map_err(|_| InviteError::NotACode)?;
    webrtc::remote_description_set(&remote, generation);
    PENDING.with(|p| p.borrow_mut().take());
    Ok(())
}
