//! Transports: each carries the same y-protocols frames (crdt::sync) to peers or a
//! server. One transport per file; `presence` keeps the awareness states they share.
//! Local updates are fanned out by `flush_outgoing`, presence by `presence::flush`.

pub mod broadcast;
pub mod crypto;
pub mod ice;
pub mod invite;
pub mod presence;
pub mod signaling;
pub mod webrtc;
pub mod websocket;

use crdt::sync::SyncSession;

use crate::state::{after_remote, with_editor};

/// Sends a frame over every open transport.
pub fn send_all(frame: &[u8]) {
    websocket::broadcast(frame);
    broadcast::post(frame.to_vec());
    webrtc::broadcast(frame);
}

/// Sends the board's pending local updates over every open transport.
pub fn flush_outgoing() {
    let update = with_editor(|ed| ed.board.take_outgoing()).flatten();
    if let Some(update) = update {
        send_all(&SyncSession::update_frame(&update));
    }
}

/// What one received frame led to, for the transport it came in on.
#[derive(Default)]
pub struct Handled {
    /// Frames to send back on the same connection.
    pub replies: Vec<Vec<u8>>,
    /// Frames to pass on to the other peers of a mesh (gossip): a sync update that
    /// changed the board, an awareness change. Servers and buses ignore this.
    pub gossip: Vec<Vec<u8>>,
    /// The peer has sent its state: this connection is in sync.
    pub synced: bool,
    /// The frame was dropped and the connection has sent too many bad frames.
    pub close: bool,
}

/// Handles a frame from a peer or server: sync messages go to the board, awareness
/// to `presence`. The board and presence are redrawn as needed.
pub fn handle_frame(session: &mut SyncSession, frame: &[u8]) -> Handled {
    let now = js_sys::Date::now();
    let result = presence::with_awareness(|aw| {
        with_editor(|ed| session.receive_with_awareness(&mut ed.board, aw, frame, now))
    })
    .flatten();
    let mut out = Handled::default();
    match result {
        Some(Ok(received)) => {
            out.replies = received.replies;
            out.synced = received.synced;
            if let Some(changes) = &received.changes {
                out.gossip.push(SyncSession::update_frame(changes));
            }
            if let Some(change) = received.awareness_change {
                if let Some(b) = change.broadcast.clone() {
                    out.gossip.push(b);
                }
                presence::changed(&change);
            }
            if received.applied || received.synced {
                after_remote();
            }
        }
        Some(Err(_)) => out.close = session.should_close(),
        None => {}
    }
    out
}

/// The frames that open a connection: sync step 1, then the awareness states.
pub fn start_frames(session: &mut SyncSession) -> Vec<Vec<u8>> {
    presence::with_awareness(|aw| with_editor(|ed| session.start_with_awareness(&ed.board, aw)))
        .flatten()
        .unwrap_or_default()
}
