//! The y-webrtc signaling client (ROOMS.md, "Transports" 2): one WebSocket per signaling
//! URL, JSON frames, `subscribe` to the room, `publish` encrypted peer messages, `ping`
//! every 15 s, reconnect with backoff. The relay sees the room name, sizes and timing,
//! never a peer message: each is `base64(AES-GCM(lib0 writeAny(obj)))` with the room key,
//! exactly as y-webrtc with a `password` writes it.
//!
//! Order matters (an ICE candidate must not overtake its offer), and WebCrypto is
//! asynchronous: outgoing messages are encrypted and sent one at a time from one queue,
//! incoming ones decrypted and handed to `webrtc` one at a time from another. Nothing a
//! relay or peer sends can panic the app: bad frames are dropped with a logged reason.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use crdt::signaling::{self as wire, PeerMessage, RelayMessage};
use leptos::prelude::set_timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CryptoKey, MessageEvent, WebSocket};

use super::crypto;

/// Send a ping after this much silence; close the socket after twice as much.
const PING_AFTER_MS: f64 = 15_000.0;
/// Incoming messages waiting for decryption, at most (more are dropped).
const MAX_INBOX: usize = 256;
/// Outgoing messages waiting for encryption, at most (more are dropped).
const MAX_OUTBOX: usize = 1024;

/// Connection state of the signaling servers taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalingState {
    Offline,
    Connecting,
    Connected,
}

struct Socket {
    url: String,
    ws: Option<WebSocket>,
    open: bool,
    /// Bumped for each new WebSocket, so events of an old one are ignored.
    generation: u32,
    /// Failed attempts since the last open connection.
    attempt: u32,
    last_message: f64,
    last_ping: f64,
}

struct Client {
    room: String,
    key: CryptoKey,
    sockets: Vec<Socket>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    /// Messages to publish: `(socket index or all, message)`.
    static OUTBOX: RefCell<VecDeque<(Option<usize>, PeerMessage)>> = const { RefCell::new(VecDeque::new()) };
    static SENDING: Cell<bool> = const { Cell::new(false) };
    /// Received `data` strings: `(socket index, base64)`.
    static INBOX: RefCell<VecDeque<(usize, String)>> = const { RefCell::new(VecDeque::new()) };
    static RECEIVING: Cell<bool> = const { Cell::new(false) };
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Connects to every signaling URL (and keeps reconnecting).
pub(super) fn start(mut urls: Vec<String>, room: String, key: CryptoKey) {
    urls.dedup();
    urls.truncate(8);
    let n = urls.len();
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client {
            room,
            key,
            sockets: urls
                .into_iter()
                .map(|url| Socket {
                    url,
                    ws: None,
                    open: false,
                    generation: 0,
                    attempt: 0,
                    last_message: 0.0,
                    last_ping: 0.0,
                })
                .collect(),
        })
    });
    for i in 0..n {
        open(i);
    }
}

pub fn state() -> SignalingState {
    CLIENT.with(|c| {
        let c = c.borrow();
        let Some(c) = c.as_ref() else {
            return SignalingState::Offline;
        };
        if c.sockets.iter().any(|s| s.open) {
            SignalingState::Connected
        } else if c.sockets.iter().any(|s| s.ws.is_some()) {
            SignalingState::Connecting
        } else {
            SignalingState::Offline
        }
    })
}

fn with_socket<R>(i: usize, generation: u32, f: impl FnOnce(&mut Socket) -> R) -> Option<R> {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let s = c.as_mut()?.sockets.get_mut(i)?;
        (s.generation == generation).then(|| f(s))
    })
}

fn open(i: usize) {
    let Some((url, generation)) = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let s = c.as_mut()?.sockets.get_mut(i)?;
        s.generation += 1;
        Some((s.url.clone(), s.generation))
    }) else {
        return;
    };
    let ws = match WebSocket::new(&url) {
        Ok(ws) => ws,
        Err(e) => {
            log::warn!("signaling: cannot open {url}: {e:?}");
            retry_later(i, generation);
            return;
        }
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let room = with_socket(i, generation, |s| {
            s.open = true;
            s.attempt = 0;
            s.last_message = now();
            s.last_ping = now();
            s.ws.clone()
        })
        .flatten();
        let Some(ws) = room else { return };
        let topic = CLIENT.with(|c| c.borrow().as_ref().map(|c| c.room.clone()));
        if let Some(topic) = topic {
            let _ = ws.send_with_str(&wire::relay_subscribe(&[&topic]));
        }
        super::webrtc::signaling_opened(i);
        super::webrtc::status_changed();
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if with_socket(i, generation, |s| s.last_message = now()).is_none() {
            return;
        }
        let Some(text) = ev.data().as_string() else {
            log::warn!("signaling: dropped a binary frame");
            return;
        };
        match wire::parse_relay(&text) {
            Some(RelayMessage::Publish { topic, data }) => {
                let ours = CLIENT.with(|c| c.borrow().as_ref().map(|c| c.room == topic));
                if ours != Some(true) {
                    return;
                }
                // Without a string there is no encrypted message: unencrypted y-webrtc
                // rooms are not ours.
                if let Some(data) = data.as_str() {
                    receive(i, data.to_owned());
                }
            }
            Some(RelayMessage::Ping) => {
                with_socket(i, generation, |s| {
                    if let Some(ws) = &s.ws {
                        let _ = ws.send_with_str(r#"{"type":"pong"}"#);
                    }
                });
            }
            Some(RelayMessage::Pong) | None => {}
        }
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let was = with_socket(i, generation, |s| {
            s.ws = None;
            s.open = false;
        });
        if was.is_some() {
            super::webrtc::status_changed();
            retry_later(i, generation);
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // Live as long as the page; a few per connection attempt.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    with_socket(i, generation, |s| s.ws = Some(ws));
    super::webrtc::status_changed();
}

/// Reconnects after 1, 2, 4 … 30 s (with jitter), quietly.
fn retry_later(i: usize, generation: u32) {
    let attempt = with_socket(i, generation, |s| {
        s.ws = None;
        s.open = false;
        s.attempt += 1;
        s.attempt
    });
    if let Some(n) = attempt {
        let base = (1000.0 * 2f64.powi(n.min(6) as i32 - 1)).min(30_000.0);
        let delay = base * (0.75 + 0.5 * fastrand::f64());
        set_timeout(move || open(i), Duration::from_millis(delay as u64));
    }
}

/// Pings quiet sockets and closes dead ones (called every second).
pub(super) fn tick() {
    let t = now();
    CLIENT.with(|c| {
        let c = c.borrow();
        let Some(c) = c.as_ref() else { return };
        for s in &c.sockets {
            let (Some(ws), true) = (&s.ws, s.open) else {
                continue;
            };
            if t - s.last_message > 2.0 * PING_AFTER_MS {
                log::warn!("signaling: {} went quiet, reconnecting", s.url);
                let _ = ws.close();
            }
        }
    });
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(c) = c.as_mut() else { return };
        for s in &mut c.sockets {
            if let (Some(ws), true) = (&s.ws, s.open) {
                if t - s.last_message > PING_AFTER_MS && t - s.last_ping > PING_AFTER_MS {
                    s.last_ping = t;
                    let _ = ws.send_with_str(&wire::relay_ping());
                }
            }
        }
    });
}

/// Publishes a peer message, encrypted, on one signaling socket (`Some(i)`) or on all.
pub(super) fn publish(socket: Option<usize>, msg: PeerMessage) {
    let full = OUTBOX.with(|o| {
        let mut o = o.borrow_mut();
        if o.len() >= MAX_OUTBOX {
            return true;
        }
        o.push_back((socket, msg));
        false
    });
    if full {
        log::warn!("signaling: too many messages waiting, dropped one");
        return;
    }
    if SENDING.with(|s| s.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async {
        while let Some((socket, msg)) = OUTBOX.with(|o| o.borrow_mut().pop_front()) {
            let Some((key, room)) =
                CLIENT.with(|c| c.borrow().as_ref().map(|c| (c.key.clone(), c.room.clone())))
            else {
                break;
            };
            let sealed = match crypto::encrypt(&key, &msg.encode()).await {
                Ok(s) => s,
                Err(e) => {
                    log::warn!("signaling: could not encrypt: {e}");
                    continue;
                }
            };
            let text = wire::relay_publish(&room, &STANDARD.encode(sealed));
            CLIENT.with(|c| {
                if let Some(c) = c.borrow().as_ref() {
                    for (i, s) in c.sockets.iter().enumerate() {
                        if socket.is_some_and(|n| n != i) || !s.open {
                            continue;
                        }
                        if let Some(ws) = &s.ws {
                            let _ = ws.send_with_str(&text);
                        }
                    }
                }
            });
        }
        SENDING.with(|s| s.set(false));
    });
}

fn receive(socket: usize, data: String) {
    if data.len() > wire::MAX_RELAY_MESSAGE {
        return;
    }
    let full = INBOX.with(|q| {
        let mut q = q.borrow_mut();
        if q.len() >= MAX_INBOX {
            return true;
        }
        q.push_back((socket, data));
        false
    });
    if full {
        log::warn!("signaling: too many messages waiting, dropped one");
        return;
    }
    if RECEIVING.with(|r| r.replace(true)) {
        return;
    }
    leptos::task::spawn_local(async {
        while let Some((socket, data)) = INBOX.with(|q| q.borrow_mut().pop_front()) {
            let Some(key) = CLIENT.with(|c| c.borrow().as_ref().map(|c| c.key.clone())) else {
                break;
            };
            let Ok(bytes) = STANDARD.decode(data.as_bytes()) else {
                log::debug!("signaling: dropped a message that is not base64");
                continue;
            };
            let plain = match crypto::decrypt(&key, &bytes).await {
                Ok(p) => p,
                Err(e) => {
                    // Another key in the same room, or garbage: not for us.
                    log::debug!("signaling: dropped a message: {e}");
                    continue;
                }
            };
            match PeerMessage::decode(&plain) {
                Ok(msg) => super::webrtc::on_message(socket, msg),
                Err(e) => log::warn!("signaling: dropped a message: {e}"),
            }
        }
        RECEIVING.with(|r| r.set(false));
    });
}
