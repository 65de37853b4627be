//! The WebRTC peer mesh, wire-compatible with y-webrtc 10.x (ROOMS.md, "Transports" 2):
//! JavaScript `new WebrtcProvider(ROOM, doc, { signaling: [URL], password: KEY })` joins
//! the same board.
//!
//! - Peers find each other through the signaling relay (`signaling`): each announces
//!   itself; whoever hears an announce from a peer it does not know dials it (an offer).
//! - Offers, answers and ICE candidates are simple-peer signals. One RTCPeerConnection
//!   and one ordered, reliable data channel per peer, as simple-peer makes it: the dialer
//!   creates the channel (not pre-negotiated, any label), the answerer takes the channel
//!   that arrives.
//! - Glare (both dial at once): the offer with the higher token stands, as y-webrtc
//!   decides it, ties by peer id (`crdt::signaling::our_offer_wins`). The peer whose offer
//!   lost drops its own connection and answers the other offer on a fresh one, so no side
//!   is left waiting. A connection that is not open after 10 s is closed and redialled
//!   with backoff; both sides doing so at once is just another glare.
//! - A simple-peer that lost glare keeps the channel it created itself and reads only
//!   that one. So we read every channel of a connection and send on the channel that
//!   arrived from the peer when there is one, else on ours; whenever that choice changes,
//!   sync restarts on the new channel (step 1 and awareness again; both are idempotent).
//! - Over the channel: raw y-protocols frames, one message per frame, not encrypted
//!   (DTLS protects the channel; its fingerprints travel inside the encrypted signaling).
//!   Each received frame goes to `net::handle_frame`; its replies go back on the same
//!   connection, and what changed the board or presence goes on to every other peer
//!   (gossip), so a partial mesh converges.
//! - Chrome drops data-channel messages over 256 KiB and JavaScript peers cannot
//!   reassemble chunks, so a large sync frame is sent as several smaller updates that
//!   are each valid on their own (`crdt::split`). Sending is paced by `bufferedAmount`.
//! - Our signals say `lernraum: 1`; to a peer whose signals say so, frames over 1 KiB go
//!   packed (`crdt::pack`, LZ4: a board is a quarter of the bytes). JavaScript peers
//!   say nothing and get plain frames.
//! - At most 20–34 connections (random, like y-webrtc's `maxConns`), a few more answered.
//! - Received messages are bounded (16 MiB) and go through the same checks as any frame;
//!   a peer that keeps sending garbage is disconnected. When a connection closes,
//!   presence is left alone: in a mesh, states expire by themselves.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crdt::signaling::{self as wire, PeerMessage, Signal};
use crdt::sync::{SyncLimits, SyncSession};
use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageEvent, RtcConfiguration, RtcDataChannel, RtcDataChannelEvent, RtcDataChannelInit,
    RtcDataChannelState, RtcDataChannelType, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcSdpType, RtcSessionDescriptionInit,
    RtcSignalingState,
};

use super::crypto;
use super::signaling;
pub use super::signaling::SignalingState as Signaling;

/// A connection that has not opened by then is closed and redialled.
const CONNECT_TIMEOUT_MS: f64 = 10_000.0;
/// Peers met through a serverless invite have no signaling socket.
pub(super) const INVITE_SOCKET: usize = usize::MAX;
/// An invite's connection waits this long for the reply code.
const INVITE_TIMEOUT_MS: f64 = 15.0 * 60_000.0;
/// Sync frames over this size are sent as several smaller updates.
const CHUNK: usize = 64 * 1024;
/// What Chrome accepts in one data-channel message.
const MAX_MESSAGE: usize = 256 * 1024;
/// Stop handing messages to the channel while this much is buffered (a smaller burst:
/// with 1 MiB, a large sync stalled in 0.4 s steps about one time in five; with 256 KiB,
/// 2 of 24 joins of 10,000 elements stalled, with 128 KiB none of 24, and the median join
/// was 35 ms shorter. The newcomer applying the pieces is slower than the sender anyway)
/// …
const HIGH_WATER: u32 = 128 * 1024;
/// … and go on when it drops below this.
const LOW_WATER: u32 = 64 * 1024;
/// A peer that lets this much pile up unsent is disconnected (it will resync).
const MAX_QUEUED: usize = 64 * 1024 * 1024;
/// The answer to the first sync step 1 is complete when no piece of it came for this
/// long (pieces arrive a few ms apart; the longest wait between two in the join
/// benchmark is about 30–60 ms) …
const ASK_QUIET_MS: f64 = 200.0;
/// … or the other peers are asked anyway after this long.
const ASK_AT_MOST_MS: f64 = 5_000.0;
/// Largest message accepted from a peer.
const MAX_INCOMING: usize = 16 * 1024 * 1024;
/// Announce again this often (jittered), so peers that lost each other meet again.
const ANNOUNCE_EVERY_MS: f64 = 30_000.0;
/// Redial a peer whose connection did not open at most this often in a row.
const MAX_RETRIES: u32 = 6;
/// Offers answered beyond the connection cap.
const EXTRA_ANSWERED: usize = 6;
/// A connection attempt restarts on the peer's announce at most this often.
const RESTART_EVERY_MS: f64 = 5_000.0;
/// ICE candidates kept while the remote description is not set yet.
const MAX_PENDING_CANDIDATES: usize = 64;

/// The mesh as the people panel shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebrtcStatus {
    pub signaling: Signaling,
    /// Peers with an open data channel.
    pub peers: usize,
}

pub(super) struct Peer {
    /// Distinguishes this connection from earlier ones to the same peer: events of an
    /// old connection find no match and are ignored.
    generation: u32,
    /// The signaling socket this peer was met on (signals go back the same way).
    socket: usize,
    pub(super) pc: RtcPeerConnection,
    /// We sent the offer.
    initiator: bool,
    /// Our glare token for this attempt.
    token: f64,
    remote_set: bool,
    pending: Vec<RtcIceCandidateInit>,
    /// The channel we send on (open).
    primary: Option<RtcDataChannel>,
    /// Whether `primary` arrived from the peer (preferred over our own).
    primary_incoming: bool,
    /// `None` only while a frame of this peer is being handled.
    session: Option<SyncSession>,
    started: f64,
    queue: VecDeque<Vec<u8>>,
    queued: usize,
    opened: bool,
    /// The peer reads packed frames (it said so in its signals, or came through a
    /// serverless invite, which only Lernraum makes).
    packs: bool,
}

struct Retry {
    attempts: u32,
    at: f64,
    socket: usize,
}

struct Mesh {
    our_id: String,
    max_conns: usize,
    peers: HashMap<String, Peer>,
    retries: HashMap<String, Retry>,
    /// When an attempt to a peer was last restarted on its announce.
    restarts: HashMap<String, f64>,
    next_generation: u32,
    next_announce: f64,
    last_status: Option<WebrtcStatus>,
    /// Offers that crossed ours (for tests).
    glares: u32,
    /// The peer asked for the board first, while its answer arrives (`channel::hold_step1`).
    asking: Option<Asking>,
    /// Open channels whose sync step 1 waits for that answer.
    deferred: Vec<(String, u32)>,
}

/// A sync step 1 sent while no other was being answered: until its answer is in, the
/// step 1 to every other peer waits, so that they send only what that answer lacked.
struct Asking {
    peer: String,
    generation: u32,
    since: f64,
    /// When the last piece of its answer (sync step 2) arrived.
    last: Option<f64>,
}

thread_local! {
    static MESH: RefCell<Option<Mesh>> = const { RefCell::new(None) };
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn with_mesh<R>(f: impl FnOnce(&mut Mesh) -> R) -> Option<R> {
    MESH.with(|m| m.try_borrow_mut().ok()?.as_mut().map(f))
}

pub(super) fn with_peer<R>(id: &str, generation: u32, f: impl FnOnce(&mut Peer) -> R) -> Option<R> {
    with_mesh(|m| {
        m.peers
            .get_mut(id)
            .filter(|p| p.generation == generation)
            .map(f)
    })
    .flatten()
}

/// The mesh's state, for the people panel and tests.
pub fn status() -> WebrtcStatus {
    let peers = MESH
        .with(|m| {
            m.try_borrow().ok().and_then(|m| {
                m.as_ref().map(|m| {
                    m.peers
                        .values()
                        .filter(|p| p.primary.as_ref().is_some_and(is_open))
                        .count()
                })
            })
        })
        .unwrap_or(0);
    WebrtcStatus {
        signaling: signaling::state(),
        peers,
    }
}

/// Our peer id in the room (y-webrtc's `room.peerId`), once started.
pub fn peer_id() -> Option<String> {
    MESH.with(|m| m.try_borrow().ok()?.as_ref().map(|m| m.our_id.clone()))
}

/// How many offers crossed one of ours so far (glare), for tests.
pub fn glares() -> u32 {
    MESH.with(|m| m.try_borrow().ok()?.as_ref().map(|m| m.glares))
        .unwrap_or(0)
}

/// How many frames were sent packed so far (to peers that read them), for tests.
pub fn packed_sent() -> u32 {
    channel::PACKED_SENT.get()
}

/// Redraws the people panel when the status changed. Never call with the mesh borrowed.
pub(super) fn status_changed() {
    let s = status();
    let changed = with_mesh(|m| {
        let changed = m.last_status != Some(s);
        m.last_status = Some(s);
        changed
    });
    if changed == Some(true) {
        crate::state::after_input();
    }
}

/// Joins the room's mesh through the given signaling servers. Quietly does nothing where
/// the browser has no WebRTC or WebCrypto (the board still works alone).
pub fn connect(urls: Vec<String>, room: String, password: String) {
    if urls.is_empty() {
        return;
    }
    let supported = web_sys::window()
        .map(|w| Reflect::has(&w, &JsValue::from_str("RTCPeerConnection")).unwrap_or(false))
        .unwrap_or(false);
    if !supported {
        log::warn!("webrtc: this browser has no RTCPeerConnection; not joining the mesh");
        return;
    }
    leptos::task::spawn_local(async move {
        let key = match crypto::room_key(&password, &room).await {
            Ok(k) => k,
            Err(e) => {
                log::warn!("webrtc: no room key ({e}); not joining the mesh");
                return;
            }
        };
        MESH.with(|m| {
            *m.borrow_mut() = Some(Mesh {
                our_id: wire::peer_id_from(crate::boot::random_bytes()),
                max_conns: 20 + fastrand::usize(0..15),
                peers: HashMap::new(),
                retries: HashMap::new(),
                restarts: HashMap::new(),
                next_generation: 1,
                next_announce: now() + ANNOUNCE_EVERY_MS,
                last_status: None,
                glares: 0,
                asking: None,
                deferred: Vec::new(),
            })
        });
        signaling::start(urls, room, key);
        leptos::prelude::set_interval(tick, Duration::from_millis(1000));
    });
}

/// A signaling socket opened: say we are here.
pub(super) fn signaling_opened(socket: usize) {
    if let Some(Some(msg)) = with_mesh(|m| {
        (m.peers.len() < m.max_conns).then(|| PeerMessage::Announce {
            from: m.our_id.clone(),
        })
    }) {
        signaling::publish(Some(socket), msg);
    }
}

fn announce_all() {
    if let Some(Some(msg)) = with_mesh(|m| {
        m.next_announce = now() + ANNOUNCE_EVERY_MS * (0.75 + 0.5 * fastrand::f64());
        (m.peers.len() < m.max_conns).then(|| PeerMessage::Announce {
            from: m.our_id.clone(),
        })
    }) {
        signaling::publish(None, msg);
    }
}

/// A decrypted message from the relay.
pub(super) fn on_message(socket: usize, msg: PeerMessage) {
    let Some(our_id) = peer_id() else { return };
    if msg.from() == our_id {
        return;
    }
    match msg {
        PeerMessage::Announce { from } => {
            let t = now();
            let action = with_mesh(|m| {
                m.retries.remove(&from);
                match m.peers.get(&from) {
                    // y-webrtc announces whenever any of its connections closes.
                    Some(p) if p.opened => None,
                    // The peer announces while we are still connecting: it dropped its
                    // half of this attempt (y-webrtc does when offers cross in a way it
                    // cannot handle). Start over now rather than wait for the timeout,
                    // at most once in a while (a peer on two relays announces twice).
                    Some(p) => {
                        let last = m.restarts.get(&from).copied().unwrap_or(f64::MIN);
                        (t - last > RESTART_EVERY_MS).then(|| {
                            m.restarts.insert(from.clone(), t);
                            Some(p.generation)
                        })
                    }
                    None => (m.peers.len() < m.max_conns).then_some(None),
                }
            })
            .flatten();
            if let Some(old) = action {
                if let Some(generation) = old {
                    close_peer(&from, Some(generation), "the peer started over", false);
                }
                dial_peer(&from, socket);
            }
        }
        PeerMessage::Signal {
            from,
            to,
            token,
            signal,
            ext,
        } => {
            if to != our_id {
                return;
            }
            match signal {
                Signal::Offer(sdp) => on_offer(&from, socket, token, sdp, &our_id),
                Signal::Answer(sdp) => on_answer(&from, sdp),
                Signal::Candidate {
                    candidate,
                    sdp_m_line_index,
                    sdp_mid,
                } => {
                    let init = RtcIceCandidateInit::new(&candidate);
                    init.set_sdp_m_line_index(sdp_m_line_index);
                    init.set_sdp_mid(sdp_mid.as_deref());
                    on_candidate(&from, init);
                }
                Signal::Other => {}
            }
            if ext >= wire::EXT_PACKED {
                // Known before the channel opens: offers and answers both carry it (the
                // peer exists by now if the signal was taken).
                with_mesh(|m| {
                    if let Some(p) = m.peers.get_mut(&from) {
                        p.packs = true;
                    }
                });
            }
        }
    }
}

mod channel;
mod negotiate;

use channel::*;
use negotiate::*;
pub(super) use negotiate::{new_peer, remote_description_set};

/// Sends a frame to every peer with an open channel (local updates and presence).
pub fn broadcast(frame: &[u8]) {
    let mut failed = Vec::new();
    let mut memo = None;
    with_mesh(|m| {
        for (id, p) in m.peers.iter_mut() {
            if p.primary.as_ref().is_some_and(is_open) && !enqueue_shared(p, frame, &mut memo) {
                failed.push((id.clone(), p.generation));
            }
        }
    });
    for (id, g) in failed {
        close_peer(&id, Some(g), "send failed", false);
    }
}

/// Closes the connection to a peer (`generation`: only that one). With `retry`, dials it
/// again later with backoff.
fn close_peer(remote: &str, generation: Option<u32>, why: &str, retry: bool) {
    let removed = with_mesh(|m| {
        let p = m.peers.get(remote)?;
        if generation.is_some_and(|g| g != p.generation) {
            return None;
        }
        let p = m.peers.remove(remote)?;
        if retry {
            let r = m.retries.entry(remote.to_owned()).or_insert(Retry {
                attempts: 0,
                at: 0.0,
                socket: p.socket,
            });
            r.attempts += 1;
            r.socket = p.socket;
            let base = (1000.0 * 2f64.powi(r.attempts as i32 - 1)).min(30_000.0);
            r.at = now() + base * (0.5 + fastrand::f64());
            if r.attempts > MAX_RETRIES {
                m.retries.remove(remote);
            }
        }
        Some(p)
    })
    .flatten();
    let Some(p) = removed else { return };
    log::debug!("webrtc: closed the connection to {remote}: {why}");
    if let Some(ch) = &p.primary {
        ch.close();
    }
    p.pc.close();
    status_changed();
}

/// Every second: connection timeouts, redials, announces, signaling pings.
fn tick() {
    signaling::tick();
    let t = now();
    let Some((stale, due, announce)) = with_mesh(|m| {
        let stale: Vec<(String, u32)> = m
            .peers
            .iter()
            .filter(|(_, p)| {
                // A serverless invite waits for a person to pass codes back and forth.
                let limit = if p.socket == INVITE_SOCKET {
                    INVITE_TIMEOUT_MS
                } else {
                    CONNECT_TIMEOUT_MS
                };
                !p.opened && t - p.started > limit
            })
            .map(|(id, p)| (id.clone(), p.generation))
            .collect();
        let room = m.max_conns.saturating_sub(m.peers.len());
        let due: Vec<(String, usize)> = m
            .retries
            .iter()
            .filter(|(id, r)| r.at <= t && !m.peers.contains_key(*id))
            .take(room)
            .map(|(id, r)| (id.clone(), r.socket))
            .collect();
        m.restarts.retain(|_, at| t - *at < 60_000.0);
        (stale, due, t >= m.next_announce)
    }) else {
        return;
    };
    for (id, g) in stale {
        log::debug!("webrtc: no channel to {id} in time; trying again");
        let invited = with_peer(&id, g, |p| p.socket == INVITE_SOCKET).unwrap_or(false);
        close_peer(&id, Some(g), "timed out", !invited);
    }
    for (id, socket) in due {
        // Keep the attempt count: `new_peer` clears it, so carry it over.
        let attempts = with_mesh(|m| m.retries.get(&id).map(|r| r.attempts))
            .flatten()
            .unwrap_or(0);
        dial_peer(&id, socket);
        with_mesh(|m| {
            if attempts > 0 {
                m.retries.insert(
                    id.clone(),
                    Retry {
                        attempts,
                        at: f64::INFINITY,
                        socket,
                    },
                );
            }
        });
    }
    if announce {
        announce_all();
    }
    status_changed();
}

/// Closes any connection to `remote` (a serverless invite replacing it).
pub(super) fn close(remote: &str) {
    close_peer(remote, None, "replaced", false);
}
