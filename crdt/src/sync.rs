//! The y-protocols sync exchange (as y-websocket and y-webrtc speak it), behind no
//! transport: frames in, frames out. One `SyncSession` per connection.
//!
//! Framing: outer varUint type (0 sync, 1 awareness, 3 query-awareness), then for
//! sync a varUint (0 step 1 with a state vector, 1 step 2 / 2 update with an update
//! v1). Remote updates are applied with the `REMOTE` origin, so they are neither sent
//! back nor undone. Input is untrusted: frames over the size limit or that do not
//! decode are dropped with a reason and never touch the board; a connection that keeps
//! sending them should be closed (`should_close`). A packed frame (`crate::pack`, a
//! Lernraum extension) is unpacked and handled as the frame inside.
//!
//! Presence: [`SyncSession::start_with_awareness`] and
//! [`SyncSession::receive_with_awareness`] also speak awareness (type 1) and answer
//! queries (type 3) from the room's [`Awareness`], always one message per frame: SS1 and
//! the awareness update are separate frames (yrs `DefaultProtocol::start` joins them, and
//! JavaScript peers read only the first). [`SyncSession::start`] and
//! [`SyncSession::receive`] leave awareness to the caller, as before.

use std::borrow::Cow;

use yrs::encoding::read::Cursor;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::{Encode, Encoder, EncoderV1};

use crate::awareness::{self, Awareness, AwarenessError};
use crate::board::{Board, REMOTE};
use crate::pack;

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
    /// What changed, as one update v1 (`applied` is true): the structs integrated by this
    /// frame, including any that waited for it, and the deletions. A mesh passes it on to
    /// its other peers; an update already known changes nothing and is not passed on.
    pub changes: Option<Vec<u8>>,
    /// The peer has sent us its state (step 2): we are in sync with it.
    pub synced: bool,
    /// An awareness payload (JSON states), for the presence layer.
    pub awareness: Option<Vec<u8>>,
    /// With [`SyncSession::receive_with_awareness`]: what an awareness frame changed.
    /// Send its `broadcast` frame to every connected peer (gossip), this one included.
    pub awareness_change: Option<awareness::AwarenessChange>,
}

#[derive(Debug, Default)]
pub struct SyncSession {
    limits: SyncLimits,
    bad_frames: u32,
    synced: bool,
    /// Clients whose awareness state came over this connection and is still present.
    peer_clients: std::collections::BTreeSet<u32>,
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

    /// The frames to send when a connection opens, each on its own: sync step 1, then
    /// (if any state is known) every awareness state, as y-webrtc does.
    pub fn start_with_awareness(&mut self, board: &Board, awareness: &Awareness) -> Vec<Vec<u8>> {
        self.peer_clients.clear();
        let mut frames = vec![self.start(board)];
        if awareness.states().next().is_some() {
            frames.push(awareness.full_frame());
        }
        frames
    }

    /// Clients whose awareness state arrived over this connection and is still present,
    /// as the y-websocket server tracks them. When a connection to a single peer or a
    /// server closes, `awareness.remove_states(&session.peer_clients(), now)` drops them
    /// at once; in a mesh (where states are gossiped) leave them to the timeout instead.
    pub fn peer_clients(&self) -> Vec<u32> {
        self.peer_clients.iter().copied().collect()
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

    /// `bytes`, or the frame inside if they are a packed frame (`crate::pack`), within
    /// the frame size limit; a packed frame that does not unpack is dropped.
    fn unpacked<'a>(&mut self, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, Dropped> {
        if !pack::is_packed(bytes) {
            return Ok(Cow::Borrowed(bytes));
        }
        match pack::unpack(bytes, self.limits.max_frame) {
            Ok(inner) => Ok(Cow::Owned(inner)),
            Err(pack::UnpackError::TooLarge(n)) => {
                Err(self.dropped(Dropped::TooLarge(usize::try_from(n).unwrap_or(usize::MAX))))
            }
            Err(e) => Err(self.dropped(Dropped::Undecodable(e.to_string()))),
        }
    }

    /// Counts and logs a dropped frame.
    fn dropped(&mut self, why: Dropped) -> Dropped {
        self.bad_frames += 1;
        log::warn!("sync: dropped a frame: {why}");
        why
    }

    fn drop_frame(&mut self, why: Dropped) -> Result<Received, Dropped> {
        Err(self.dropped(why))
    }

    /// Handles one received frame, applying awareness frames (type 1) to `awareness` and
    /// answering queries (type 3) with every known state. `now_ms` is the current time
    /// in milliseconds. Other frames go to [`SyncSession::receive`].
    pub fn receive_with_awareness(
        &mut self,
        board: &mut Board,
        awareness: &mut Awareness,
        bytes: &[u8],
        now_ms: f64,
    ) -> Result<Received, Dropped> {
        if bytes.len() > self.limits.max_frame {
            return self.drop_frame(Dropped::TooLarge(bytes.len()));
        }
        let bytes = &*self.unpacked(bytes)?;
        let kind = match awareness::frame_type(bytes) {
            Ok((kind, _)) => kind,
            Err(e) => return self.drop_frame(Dropped::Undecodable(e.to_string())),
        };
        match kind {
            awareness::MESSAGE_AWARENESS => {
                let update = match awareness::unframe_awareness(bytes) {
                    Ok(update) => update,
                    Err(e) => return self.drop_frame(Dropped::Undecodable(e.to_string())),
                };
                let change = match awareness.apply_update(update, now_ms) {
                    Ok(change) => change,
                    Err(e @ AwarenessError::Undecodable(_)) => {
                        return self.drop_frame(Dropped::Undecodable(e.to_string()))
                    }
                    Err(AwarenessError::TooLarge(n)) => {
                        return self.drop_frame(Dropped::TooLarge(n))
                    }
                    Err(e) => return self.drop_frame(Dropped::BadUpdate(e.to_string())),
                };
                let own = awareness.client_id();
                for &id in change
                    .added
                    .iter()
                    .chain(&change.updated)
                    .chain(&change.renewed)
                {
                    if id != own {
                        self.peer_clients.insert(id);
                    }
                }
                for id in &change.removed {
                    self.peer_clients.remove(id);
                }
                Ok(Received {
                    awareness: Some(update.to_vec()),
                    awareness_change: Some(change),
                    ..Received::default()
                })
            }
            awareness::MESSAGE_QUERY_AWARENESS => Ok(Received {
                replies: vec![awareness.full_frame()],
                ..Received::default()
            }),
            _ => self.receive(board, bytes),
        }
    }

    /// Handles one received frame.
    pub fn receive(&mut self, board: &mut Board, bytes: &[u8]) -> Result<Received, Dropped> {
        if bytes.len() > self.limits.max_frame {
            return self.drop_frame(Dropped::TooLarge(bytes.len()));
        }
        let bytes = &*self.unpacked(bytes)?;
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
                match board.apply_update_delta(&update, REMOTE) {
                    Ok(changes) => {
                        out.applied = changes.is_some();
                        out.changes = changes;
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
    use crate::awareness;
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
    fn only_what_changed_the_board_is_passed_on_so_gossip_ends() {
        let mut a = Board::new(1);
        a.apply(
            &Command::Create(vec![NewElement::note_centred(0.0, 0.0, "yellow")]),
            LOCAL,
        )
        .unwrap();
        let first = a.take_outgoing().unwrap();
        let id = a.elements()[0].id.clone();
        a.apply(
            &Command::SetText {
                id,
                text: "Hallo".into(),
            },
            LOCAL,
        )
        .unwrap();
        let second = a.take_outgoing().unwrap();
        let mut b = (SyncSession::default(), Board::new(2));
        // The second update waits for the first: nothing changes yet, nothing to pass on.
        let r =
            b.0.receive(&mut b.1, &SyncSession::update_frame(&second))
                .unwrap();
        assert!(!r.applied && r.changes.is_none());
        // The first integrates both; what is passed on holds both.
        let r =
            b.0.receive(&mut b.1, &SyncSession::update_frame(&first))
                .unwrap();
        assert!(r.applied);
        let mut c = Board::new(3);
        c.apply_update(&r.changes.unwrap(), REMOTE).unwrap();
        assert_eq!(c.elements(), a.elements());
        // The same update again changes nothing and is not passed on.
        let r =
            b.0.receive(&mut b.1, &SyncSession::update_frame(&first))
                .unwrap();
        assert!(!r.applied && r.changes.is_none());
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

    #[test]
    fn sync_step_1_and_awareness_open_a_connection_as_separate_frames() {
        let mut a = (SyncSession::default(), Board::new(1), Awareness::new(1));
        let mut b = (SyncSession::default(), Board::new(2), Awareness::new(2));
        a.1.apply(
            &Command::Create(vec![NewElement::note_centred(0.0, 0.0, "yellow")]),
            LOCAL,
        )
        .unwrap();
        a.2.set_local_state(Some(r##"{"user":{"name":"Ada","color":"#c00"}}"##), 0.0)
            .unwrap();
        let frames = a.0.start_with_awareness(&a.1, &a.2);
        assert_eq!(frames.len(), 2);
        // The first frame is exactly one sync step 1, nothing after it.
        assert_eq!(frames[0], a.0.start(&a.1));
        assert_eq!(&frames[0][..2], &[0, 0]);
        assert_eq!(frames[1], a.2.full_frame());
        // Without any state there is no awareness frame.
        assert_eq!(b.0.start_with_awareness(&b.1, &b.2).len(), 1);

        // B takes both frames: the sync reply goes back, the state lands in B's awareness.
        let r =
            b.0.receive_with_awareness(&mut b.1, &mut b.2, &frames[0], 0.0)
                .unwrap();
        assert_eq!(r.replies.len(), 1);
        assert_eq!(r.awareness_change, None);
        let r =
            b.0.receive_with_awareness(&mut b.1, &mut b.2, &frames[1], 0.0)
                .unwrap();
        let change = r.awareness_change.unwrap();
        assert_eq!(change.added, vec![1]);
        assert!(r.replies.is_empty() && !r.applied);
        assert_eq!(b.2.state(1), a.2.local_state());
        assert_eq!(b.0.peer_clients(), vec![1]);
        // The gossip frame carries the state on, to a third peer.
        let mut c = (SyncSession::default(), Board::new(3), Awareness::new(3));
        c.0.receive_with_awareness(&mut c.1, &mut c.2, &change.broadcast.unwrap(), 0.0)
            .unwrap();
        assert_eq!(c.2.state(1), a.2.local_state());

        // A query (type 3) is answered with every state B knows, in an awareness frame.
        b.2.set_local_state(Some(r#"{"user":{"name":"Bo"}}"#), 0.0)
            .unwrap();
        let r = a
            .0
            .receive_with_awareness(&mut a.1, &mut a.2, &awareness::query_awareness_frame(), 0.0)
            .unwrap();
        assert_eq!(r.replies, vec![a.2.full_frame()]);
        let r = b
            .0
            .receive_with_awareness(&mut b.1, &mut b.2, &awareness::query_awareness_frame(), 0.0)
            .unwrap();
        a.0.receive_with_awareness(&mut a.1, &mut a.2, &r.replies[0], 0.0)
            .unwrap();
        assert_eq!(a.2.state(2), b.2.local_state());

        // Sync frames still work through the same call, and the old `receive` ignores
        // awareness as before (handing over the payload).
        let update = a.1.encode();
        let r = b
            .0
            .receive_with_awareness(&mut b.1, &mut b.2, &SyncSession::update_frame(&update), 0.0)
            .unwrap();
        assert!(r.applied);
        assert_eq!(b.1.elements(), a.1.elements());
        let r = SyncSession::default()
            .receive(&mut b.1, &frames[1])
            .unwrap();
        assert_eq!(
            r.awareness.as_deref(),
            Some(awareness::unframe_awareness(&frames[1]).unwrap())
        );
        assert_eq!(r.awareness_change, None);

        // When the connection closes, what came over it can be removed at once.
        let gone = b.2.remove_states(&b.0.peer_clients(), 1.0);
        assert_eq!(gone.removed, vec![1]);
        assert_eq!(b.2.state(1), None);
    }

    #[test]
    fn bad_awareness_frames_are_dropped_and_counted() {
        let mut s = SyncSession::new(SyncLimits {
            max_frame: 1 << 20,
            max_bad_frames: 4,
        });
        let mut board = Board::new(1);
        let mut aw = Awareness::new(1);
        aw.apply_update(&aw_update(5, 1, "{}"), 0.0).unwrap();
        let bad: [&[u8]; 4] = [
            &[1, 9, 1],                                           // length beyond the frame
            &[1, 4, 1, 5, 2, 1],                                  // update cut short
            &awareness::frame_awareness(&aw_update(5, 2, "[1]")), // not an object
            &[0x80],                                              // no type
        ];
        for (i, frame) in bad.iter().enumerate() {
            assert!(s
                .receive_with_awareness(&mut board, &mut aw, frame, 1.0)
                .is_err());
            assert_eq!(s.should_close(), i == 3);
        }
        assert_eq!(aw.state(5), Some("{}"));
        assert_eq!(aw.meta(5).unwrap().clock, 1);
        let big = awareness::frame_awareness(&vec![0; 70 * 1024]);
        assert!(matches!(
            SyncSession::default().receive_with_awareness(&mut board, &mut aw, &big, 1.0),
            Err(Dropped::TooLarge(_))
        ));
    }

    #[test]
    fn packed_frames_are_handled_as_the_frame_inside_and_bad_ones_counted() {
        let mut a = Board::new(1);
        let notes = (0..50)
            .map(|i| NewElement::note_centred(i as f64 * 240.0, 0.0, "yellow"))
            .collect();
        a.apply(&Command::Create(notes), LOCAL).unwrap();
        let step1 = SyncSession::default().start(&Board::new(2));
        let step2 = SyncSession::default()
            .receive(&mut a, &step1)
            .unwrap()
            .replies;
        let packed = crate::pack::pack(&step2[0]).unwrap();

        let mut s = SyncSession::new(SyncLimits {
            max_frame: 1 << 20,
            max_bad_frames: 3,
        });
        let mut b = Board::new(2);
        let mut aw = Awareness::new(2);
        let got = s
            .receive_with_awareness(&mut b, &mut aw, &packed, 0.0)
            .unwrap();
        assert!(got.applied && got.synced);
        assert_eq!(b.elements(), a.elements());
        // Through `receive` too, and an awareness frame inside.
        let mut c = Board::new(3);
        assert!(
            SyncSession::default()
                .receive(&mut c, &packed)
                .unwrap()
                .applied
        );
        assert_eq!(c.len(), 50);
        let states = awareness::frame_awareness(&aw_update(
            9,
            1,
            &format!("{{\"user\":{{\"name\":\"{}\"}}}}", "x".repeat(2000)),
        ));
        let got = s
            .receive_with_awareness(&mut b, &mut aw, &crate::pack::pack(&states).unwrap(), 0.0)
            .unwrap();
        assert!(got.awareness_change.is_some());
        assert!(aw.state(9).is_some());

        // Over the limit once unpacked, corrupt, packed twice: dropped, counted, board intact.
        let mut small = SyncSession::new(SyncLimits {
            max_frame: packed.len() + 10,
            max_bad_frames: 8,
        });
        assert!(matches!(
            small.receive(&mut b, &packed),
            Err(Dropped::TooLarge(n)) if n == step2[0].len()
        ));
        let mut corrupt = packed.clone();
        let at = corrupt.len() / 2;
        corrupt.truncate(at);
        let before = b.encode();
        assert!(s
            .receive_with_awareness(&mut b, &mut aw, &corrupt, 0.0)
            .is_err());
        assert!(s.receive(&mut b, &[76, 0x80]).is_err());
        assert!(!s.should_close());
        assert!(s.receive(&mut b, &[76]).is_err());
        assert!(s.should_close());
        assert_eq!(b.encode(), before);
    }

    fn aw_update(client: u32, clock: u64, json: &str) -> Vec<u8> {
        use yrs::encoding::write::Write;
        let mut out = Vec::new();
        out.write_var(1u32);
        out.write_var(client);
        out.write_var(clock);
        out.write_string(json);
        out
    }
}
