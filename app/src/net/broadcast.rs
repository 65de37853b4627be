//! Tabs of one browser: a BroadcastChannel named after the room, carrying the same
//! y-protocols frames as every transport, encrypted with the room key exactly as
//! y-webrtc does for its BroadcastChannel (raw envelope bytes). The channel is a bus:
//! one sync session answers every tab, and all tabs apply what is said (idempotent).

use std::cell::RefCell;

use crdt::sync::{SyncLimits, SyncSession};
use js_sys::Uint8Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, CryptoKey, MessageEvent};

use super::crypto;

struct Bus {
    channel: BroadcastChannel,
    key: CryptoKey,
    session: SyncSession,
    /// Another tab has said something. Until then changes are not posted: nobody
    /// listens, and a tab that opens later starts with sync step 1, whose answer
    /// carries everything (encrypting every edit for nobody cost as much as a tenth
    /// of painting with several peers typing).
    heard: bool,
}

thread_local! {
    static BUS: RefCell<Option<Bus>> = const { RefCell::new(None) };
}

/// Whether other tabs of this browser are reachable (the channel is open).
pub fn is_open() -> bool {
    BUS.with(|b| b.borrow().is_some())
}

/// Joins the room's channel; quietly does nothing where BroadcastChannel or WebCrypto
/// is missing (the board still works alone).
pub fn connect(room: String, password: String) {
    leptos::task::spawn_local(async move {
        let key = match crypto::room_key(&password, &room).await {
            Ok(k) => k,
            Err(e) => {
                log::warn!("tabs: no room key ({e}); not syncing between tabs");
                return;
            }
        };
        let channel = match BroadcastChannel::new(&room) {
            Ok(c) => c,
            Err(e) => {
                log::warn!("tabs: no BroadcastChannel ({e:?})");
                return;
            }
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let bytes = if let Some(a) = data.dyn_ref::<Uint8Array>() {
                a.to_vec()
            } else if let Some(b) = data.dyn_ref::<js_sys::ArrayBuffer>() {
                Uint8Array::new(b).to_vec()
            } else {
                log::warn!("tabs: dropped a message that is not bytes");
                return;
            };
            leptos::task::spawn_local(receive(bytes));
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // Lives as long as the page.
        on_message.forget();
        let first = BUS.with(|b| {
            let mut b = b.borrow_mut();
            let bus = b.insert(Bus {
                channel,
                key,
                session: SyncSession::new(SyncLimits::default()),
                heard: false,
            });
            let mut frames = super::start_frames(&mut bus.session);
            // The other tabs answer with everyone's presence (as y-webrtc's channel does).
            frames.push(crdt::awareness::query_awareness_frame());
            frames
        });
        for frame in first {
            post_anyway(frame);
        }
    });
}

async fn receive(bytes: Vec<u8>) {
    let Some(key) = BUS.with(|b| b.borrow().as_ref().map(|bus| bus.key.clone())) else {
        return;
    };
    let frame = match crypto::decrypt(&key, &bytes).await {
        Ok(f) => f,
        Err(e) => {
            log::warn!("tabs: dropped a message: {e}");
            return;
        }
    };
    // Take the session out while handling, so no borrow of the bus spans the handler.
    let Some(mut session) = BUS.with(|b| {
        b.borrow_mut().as_mut().map(|bus| {
            bus.heard = true;
            std::mem::take(&mut bus.session)
        })
    }) else {
        return;
    };
    let handled = super::handle_frame(&mut session, &frame);
    BUS.with(|b| {
        if let Some(bus) = b.borrow_mut().as_mut() {
            bus.session = session;
        }
    });
    for reply in handled.replies {
        post(reply);
    }
}

/// Encrypts and posts a frame to the other tabs, if any has been heard.
pub fn post(frame: Vec<u8>) {
    if BUS.with(|b| b.borrow().as_ref().is_some_and(|bus| bus.heard)) {
        post_anyway(frame);
    }
}

/// Encrypts and posts a frame to the other tabs.
fn post_anyway(frame: Vec<u8>) {
    let Some((channel, key)) = BUS.with(|b| {
        b.borrow()
            .as_ref()
            .map(|bus| (bus.channel.clone(), bus.key.clone()))
    }) else {
        return;
    };
    leptos::task::spawn_local(async move {
        match crypto::encrypt(&key, &frame).await {
            Ok(sealed) => {
                if let Err(e) = channel.post_message(&Uint8Array::from(&sealed[..])) {
                    log::warn!("tabs: could not post: {e:?}");
                }
            }
            Err(e) => log::warn!("tabs: could not encrypt: {e}"),
        }
    });
}
