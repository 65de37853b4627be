//! Transports: each carries the same y-protocols frames (crdt::sync) to peers or a
//! server. One transport per file. Local updates are fanned out by `flush_outgoing`.

pub mod broadcast;
pub mod crypto;
pub mod websocket;

/// Sends the board's pending local updates over every open transport.
pub fn flush_outgoing() {
    let update = crate::state::with_editor(|ed| ed.board.take_outgoing()).flatten();
    if let Some(update) = update {
        let frame = crdt::sync::SyncSession::update_frame(&update);
        websocket::broadcast(&frame);
        broadcast::post(frame);
    }
}
