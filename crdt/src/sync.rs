//! The y-protocols sync exchange (as y-websocket and y-webrtc speak it), behind no
//! transport: frames in, frames out. One `SyncSession` per connection.
//!
//! Framing: outer varUint type (0 sync, 1 awareness, 3 query-awareness), then for
//! sync a varUint (0 step 1 with a state vector, 1 step 2 / 2 update with an update
//! v1). Remote updates are applied with the `REMOTE` origin, so they are neither sent
//! back nor undone. Input is untrusted: frames over the size limit or that do not
//! decode are dropped with a reason and never touch the board; a connection that keeps
//! sending them should be closed (`should_close`).

use yrs::encoding::read::Cursor;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::{Encode, Encoder, EncoderV1};

use crate::board::{Board, REMOTE};

/// Bounds on what a peer may send.
#[derive(Debug, Clone, Copy)]
pub struct SyncLimits {
    /// Largest frame accepted, in bytes (a whole 10,000-element board is ~2 MB).
    pub max_frame: usize,
    /// Bad frames tolerated before the connection should be closed.
    pub max_bad_frames: u32,
}

impl Default for SyncLimits {
    fn default() -> Self {
        SyncLimits {
            max_frame: 64 * 1024 * 1024,
            max_bad_frames: 8,
        }
    }
}

/// Why a frame was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    TooLarge(usize),
    Undecodable(String),
    BadUpdate(String),
    Busy,
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dropped::TooLarge(n) => write!(f, "frame of {n} bytes is over the limit"),
            Dropped::Undecodable(e) => write!(f, "frame does not decode: {e}"),
            Dropped::BadUpdate(e) => write!(f, "update refused: {e}"),
            Dropped::Busy => write!(f, "board busy"),
        }
    }
}

/// What a received frame led to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Frames to send back on the same connection.
    pub replies: Vec<Vec<u8>>,
    /// The board changed.
    pub applied: bool,
    /// The peer has sent us its state (step 2): we are in sync with it.
    pub synced: bool,
    /// An awareness payload (JSON states), for the presence layer.
    pub awareness: Option<Vec<u8>>,
}

#[derive(Debug, Default)]
pub struct SyncSession {
    limits: SyncLimits,
    bad_frames: u32,
    synced: bool,
}

fn frame(msg: Message) -> Vec<u8> {
    let mut enc = EncoderV1::new();
    msg.encode(&mut enc);
    enc.to_vec()
}

impl SyncSession {
    pub fn new(limits: SyncLimits) -> SyncSession {
        SyncSession {
            limits,
            ..SyncSession::default()
        }
    }

    /// The frame to send when a connection opens: sync step 1 with our state vector.
    /// (Awareness goes in its own frame: JavaScript peers read only the first message
    /// of a frame.)
    pub fn start(&mut self, board: &Board) -> Vec<u8> {
        self.synced = false;
        frame(Message::Sync(SyncMessage::SyncStep1(board.state_vector())))
    }

    /// A frame carrying a local update.
    pub fn update_frame(update: &[u8]) -> Vec<u8> {
        frame(Message::Sync(SyncMessage::Update(update.to_vec())))
    }

    pub fn is_synced(&self) -> bool {
        self.synced
    }

    /// The connection has sent too many bad frames and should be closed.
    pub fn should_close(&self) -> bool {
        self.bad_frames >= self.limits.max_bad_frames
    }

    fn drop_frame(&mut self, why: Dropped) -> Result<Received, Dropped> {
        self.bad_frames += 1;
        log::warn!("sync: dropped a frame: {why}");
        Err(why)
    }

    /// Handles one received frame.
    pub fn receive(&mut self, board: &mut Board, bytes: &[u8]) -> Result<Received, Dropped> {
        if bytes.len() > self.limits.max_frame {
            return self.drop_frame(Dropped::TooLarge(bytes.len()));
        }
        let mut decoder = DecoderV1::new(Cursor::new(bytes));
        let msg = match Message::decode(&mut decoder) {
            Ok(m) => m,
            Err(e) => return self.drop_frame(Dropped::Undecodable(e.to_string())),
        };
        let mut out = Received::default();
        match msg {
            Message::Sync(SyncMessage::SyncStep1(sv)) => {
                out.replies.push(frame(Message::Sync(SyncMessage::SyncStep2(
                    board.diff(&sv),
                ))));
            }
            Message::Sync(SyncMessage::SyncStep2(update))
            | Message::Sync(SyncMessage::Update(update)) => {
                let step2 = matches!(bytes.get(1), Some(1));
                match board.apply_update(&update, REMOTE) {
                    Ok(()) => {
                        out.applied = true;
                        if step2 {
                            self.synced = true;
                            out.synced = true;
                        }
                    }
                    Err(crate::BoardError::Busy) => return self.drop_frame(Dropped::Busy),
                    Err(e) => return self.drop_frame(Dropped::BadUpdate(e.to_string())),
                }
            }
            Message::Awareness(update) => {
                out.awareness = Some(update.encode_v1());
            }
            Message::AwarenessQuery | Message::Auth(_) | Message::Custom(..) => {}
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Command, NewElement, LOCAL};

    /// Runs frames between two sessions until both are quiet.
    fn exchange(a: &mut (SyncSession, Board), b: &mut (SyncSession, Board)) {
        let mut to_b = vec![a.0.start(&a.1)];
        let mut to_a = vec![b.0.start(&b.1)];
        while !to_a.is_empty() || !to_b.is_empty() {
            let mut next_a = Vec::new();
            for f in to_b.drain(..) {
                next_a.extend(b.0.receive(&mut b.1, &f).unwrap().replies);
            }
            let mut next_b = Vec::new();
            for f in to_a.drain(..) {
                next_b.extend(a.0.receive(&mut a.1, &f).unwrap().replies);
            }
            to_a = next_a;
            to_b = next_b;
        }
    }

    #[test]
    fn two_boards_sync_both_ways_and_remote_updates_are_not_sent_back() {
        let mut a = (SyncSession::default(), Board::new(1));
        let mut b = (SyncSession::default(), Board::new(2));
        a.1.apply(
            &Command::Create(vec![NewElement::note_centred(0.0, 0.0, "yellow")]),
            LOCAL,
        )
        .unwrap();
        b.1.apply(
            &Command::Create(vec![NewElement::note_centred(500.0, 0.0, "blue")]),
            LOCAL,
        )
        .unwrap();
        a.1.take_outgoing();
        b.1.take_outgoing();
        exchange(&mut a, &mut b);
        assert_eq!(a.1.elements(), b.1.elements());
        assert_eq!(a.1.len(), 2);
        assert!(a.0.is_synced() && b.0.is_synced());
        // What came from the peer is not queued to be sent again.
        assert_eq!(a.1.take_outgoing(), None);
        // A later local edit travels as an update frame.
        a.1.apply(
            &Command::SetTitle {
                title: "Retro".into(),
            },
            LOCAL,
        )
        .unwrap();
        let update = a.1.take_outgoing().unwrap();
        b.0.receive(&mut b.1, &SyncSession::update_frame(&update))
            .unwrap();
        assert_eq!(b.1.title(), "Retro");
    }

    #[test]
    fn bad_frames_are_dropped_and_leave_the_board_intact() {
        let mut s = SyncSession::new(SyncLimits {
            max_frame: 1024,
            max_bad_frames: 3,
        });
        let mut board = Board::new(1);
        board
            .apply(
                &Command::Create(vec![NewElement::note_centred(0.0, 0.0, "yellow")]),
                LOCAL,
            )
            .unwrap();
        let before = board.elements();
        assert!(matches!(
            s.receive(&mut board, &[0, 2, 5, 1, 2, 3, 4, 5]),
            Err(Dropped::BadUpdate(_))
        ));
        assert!(matches!(
            s.receive(&mut board, &[0, 9]),
            Err(Dropped::Undecodable(_))
        ));
        assert!(!s.should_close());
        assert!(matches!(
            s.receive(&mut board, &vec![0u8; 2048]),
            Err(Dropped::TooLarge(2048))
        ));
        assert!(s.should_close());
        assert_eq!(board.elements(), before);
    }
}
