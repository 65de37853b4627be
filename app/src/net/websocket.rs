//! The y-websocket client (`?ws=URL`): connects to `URL/ROOM`, runs the sync exchange,
//! reconnects with backoff. A y-websocket server sees the board in plain text; the UI
//! says so. Bad frames are dropped with a logged reason; a server that keeps sending
//! them is disconnected (and retried later). Nothing from the socket can panic the app.

use std::cell::RefCell;
use std::time::Duration;

use crdt::sync::{SyncLimits, SyncSession};
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::set_timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::state::after_input;

/// Connection state, for the people panel and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsState {
    Connecting,
    Synced,
    Offline,
}

struct Conn {
    url: String,
    socket: Option<WebSocket>,
    session: SyncSession,
    attempt: u32,
    state: WsState,
}

thread_local! {
    static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
}

/// `URL/ROOM`, with a trailing `/` on URL dropped; `None` for a URL that is not ws(s).
pub fn room_url(base: &str, room: &str) -> Option<String> {
    let base = base.trim().trim_end_matches('/');
    let ok = (base.starts_with("ws://") || base.starts_with("wss://")) && base.len() < 2048;
    ok.then(|| format!("{base}/{room}"))
}

pub fn state() -> Option<WsState> {
    CONN.with(|c| c.borrow().as_ref().map(|c| c.state))
}

/// Starts syncing the board through a y-websocket server.
pub fn connect(url: String) {
    CONN.with(|c| {
        *c.borrow_mut() = Some(Conn {
            url,
            socket: None,
            session: SyncSession::new(SyncLimits::default()),
            attempt: 0,
            state: WsState::Connecting,
        })
    });
    open();
}

fn set_state(s: WsState) {
    CONN.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.state = s;
        }
    });
}

fn open() {
    let Some(url) = CONN.with(|c| c.borrow().as_ref().map(|c| c.url.clone())) else {
        return;
    };
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(e) => {
            log::warn!("y-websocket: cannot open {url}: {e:?}");
            retry_later();
            return;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    set_state(WsState::Connecting);

    let s2 = socket.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let first = CONN.with(|c| {
            let mut c = c.borrow_mut();
            let c = c.as_mut()?;
            Some(super::start_frames(&mut c.session))
        });
        for frame in first.unwrap_or_default() {
            let _ = s2.send_with_u8_array(&frame);
        }
    });
    let s3 = socket.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Ok(buf) = ev.data().dyn_into::<ArrayBuffer>() else {
            log::warn!("y-websocket: dropped a text frame");
            return;
        };
        let bytes = Uint8Array::new(&buf).to_vec();
        // Take the session out while handling, so no borrow spans the handler.
        let Some(mut session) = CONN.with(|c| {
            c.borrow_mut()
                .as_mut()
                .map(|c| std::mem::take(&mut c.session))
        }) else {
            return;
        };
        let handled = super::handle_frame(&mut session, &bytes);
        CONN.with(|c| {
            if let Some(c) = c.borrow_mut().as_mut() {
                c.session = session;
                if handled.synced {
                    c.state = WsState::Synced;
                    // Back off again from the start only once a server proved useful, so
                    // one that keeps sending garbage is not redialled every second.
                    c.attempt = 0;
                }
            }
        });
        for reply in handled.replies {
            let _ = s3.send_with_u8_array(&reply);
        }
        if handled.close {
            log::warn!("y-websocket: too many bad frames, disconnecting");
            let _ = s3.close();
        }
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        set_state(WsState::Offline);
        after_input();
        retry_later();
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the socket; sockets are few and long-lived.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    CONN.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.session = SyncSession::new(SyncLimits::default());
            c.socket = Some(socket);
        }
    });
}

/// Reconnects after 1, 2, 4 … 30 s (with jitter), quietly.
fn retry_later() {
    let attempt = CONN.with(|c| {
        let mut c = c.borrow_mut();
        let c = c.as_mut()?;
        c.socket = None;
        c.attempt += 1;
        Some(c.attempt)
    });
    if let Some(n) = attempt {
        let base = (1000.0 * 2f64.powi(n.min(5) as i32 - 1)).min(30_000.0);
        let delay = base * (0.75 + 0.5 * fastrand::f64());
        set_timeout(open, Duration::from_millis(delay as u64));
    }
}

/// Sends a frame if the socket is open.
pub fn broadcast(frame: &[u8]) {
    CONN.with(|c| {
        if let Some(socket) = c.borrow().as_ref().and_then(|c| c.socket.as_ref()) {
            if socket.ready_state() == WebSocket::OPEN {
                let _ = socket.send_with_u8_array(frame);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::room_url;

    #[test]
    fn the_room_is_appended_and_a_trailing_slash_dropped() {
        assert_eq!(
            room_url("ws://127.0.0.1:1234/", "abc").as_deref(),
            Some("ws://127.0.0.1:1234/abc")
        );
        assert_eq!(
            room_url("wss://example.org/y", "abc").as_deref(),
            Some("wss://example.org/y/abc")
        );
        assert_eq!(room_url("http://example.org", "abc"), None);
        assert_eq!(room_url("javascript:alert(1)", "abc"), None);
    }
}
