//! A peer's data channel: which channel to use, sending paced by `bufferedAmount`
//! (large sync frames split into valid smaller updates, frames packed for peers that
//! read packed frames), and receiving frames.

use super::*;

pub(super) fn is_open(ch: &RtcDataChannel) -> bool {
    ch.ready_state() == RtcDataChannelState::Open
}

pub(super) fn setup_channel(ch: &RtcDataChannel, remote: &str, generation: u32, incoming: bool) {
    ch.set_binary_type(RtcDataChannelType::Arraybuffer);
    ch.set_buffered_amount_low_threshold(LOW_WATER);

    let id = remote.to_owned();
    let ch2 = ch.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        channel_open(&id, generation, &ch2, incoming);
    });
    ch.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let id = remote.to_owned();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Ok(buf) = ev.data().dyn_into::<ArrayBuffer>() else {
            log::warn!("webrtc: dropped a message that is not binary");
            return;
        };
        if buf.byte_length() as usize > MAX_INCOMING {
            log::warn!("webrtc: dropped a message of {} bytes", buf.byte_length());
            return;
        }
        on_data(&id, generation, &Uint8Array::new(&buf).to_vec());
    });
    ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let id = remote.to_owned();
    let ch3 = ch.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || {
        channel_closed(&id, generation, &ch3);
    });
    ch.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();

    let id = remote.to_owned();
    let on_low = Closure::<dyn FnMut()>::new(move || {
        let failed = with_peer(&id, generation, pump).unwrap_or(false);
        if failed {
            close_peer(&id, Some(generation), "send failed", false);
        }
    });
    ch.set_onbufferedamountlow(Some(on_low.as_ref().unchecked_ref()));
    on_low.forget();

    if is_open(ch) {
        channel_open(remote, generation, ch, incoming);
    }
}

pub(super) fn channel_open(remote: &str, generation: u32, ch: &RtcDataChannel, incoming: bool) {
    // The channel the peer reads: the one it created, if it created one.
    let Some(Some(mut session)) = with_peer(remote, generation, |p| {
        let same = p.primary.as_ref().is_some_and(|c| c == ch);
        let take = !same && (incoming || p.primary.is_none() || !p.primary_incoming);
        if !take || (!incoming && p.primary_incoming) {
            return None;
        }
        p.primary = Some(ch.clone());
        p.primary_incoming = incoming;
        p.opened = true;
        p.session.take()
    }) else {
        return;
    };
    let mut first = crate::net::start_frames(&mut session);
    if with_mesh(|m| hold_step1(m, remote, generation)) == Some(true) && !first.is_empty() {
        // Sync step 1 comes first; awareness goes now.
        first.remove(0);
    }
    let failed = with_peer(remote, generation, |p| {
        p.session = Some(session);
        // Sync starts over on this channel: what was queued for another is moot.
        p.queue.clear();
        p.queued = 0;
        first.iter().any(|f| !enqueue(p, f))
    });
    with_mesh(|m| m.retries.remove(remote));
    if failed == Some(true) {
        close_peer(remote, Some(generation), "send failed", false);
    }
    status_changed();
}

/// Whether our sync step 1 to a peer whose channel just opened should wait: another
/// peer is answering one (`Mesh::asking`). Otherwise this peer is the one asked, and the
/// others wait for its answer. A newcomer to a room of several peers that hold the
/// same board thus receives it once, not once from each of them (y-webrtc asks them
/// all at once); what the others hold beyond it follows when they are asked.
fn hold_step1(m: &mut Mesh, remote: &str, generation: u32) -> bool {
    let busy = m.asking.as_ref().is_some_and(|a| {
        a.peer != remote
            && m.peers
                .get(&a.peer)
                .is_some_and(|p| p.generation == a.generation)
    });
    if busy {
        m.deferred.retain(|(id, _)| id != remote);
        m.deferred.push((remote.to_owned(), generation));
        return true;
    }
    let first = m.asking.is_none();
    m.asking = Some(Asking {
        peer: remote.to_owned(),
        generation,
        since: now(),
        last: None,
    });
    if first {
        leptos::prelude::set_timeout(check_asking, Duration::from_millis(ASK_QUIET_MS as u64));
    }
    false
}

/// Ends the wait once the answer is in (or its peer is gone, or it took too long), and
/// sends sync step 1, with the state we now have, to every peer that waited.
fn check_asking() {
    let t = now();
    let done = with_mesh(|m| {
        let a = m.asking.as_ref()?;
        let alive = m
            .peers
            .get(&a.peer)
            .is_some_and(|p| p.generation == a.generation && p.primary.is_some());
        let quiet = a.last.is_some_and(|l| t - l >= ASK_QUIET_MS);
        if alive && !quiet && t - a.since < ASK_AT_MOST_MS {
            return Some(None);
        }
        m.asking = None;
        Some(Some(std::mem::take(&mut m.deferred)))
    })
    .flatten();
    let Some(waiting) = done else {
        return;
    };
    let Some(waiting) = waiting else {
        leptos::prelude::set_timeout(check_asking, Duration::from_millis(50));
        return;
    };
    for (id, generation) in waiting {
        let Some(Some(mut session)) = with_peer(&id, generation, |p| p.session.take()) else {
            continue;
        };
        let step1 = crate::state::with_editor(|ed| session.start(&ed.board));
        if step1.is_none() {
            log::warn!("webrtc: no board to ask {id} with; it syncs when it next connects");
        }
        let failed = with_peer(&id, generation, |p| {
            p.session = Some(session);
            step1.is_some_and(|f| !enqueue(p, &f))
        });
        if failed == Some(true) {
            close_peer(&id, Some(generation), "send failed", false);
        }
    }
}

pub(super) fn channel_closed(remote: &str, generation: u32, ch: &RtcDataChannel) {
    let gone = with_peer(remote, generation, |p| {
        if p.primary.as_ref() == Some(ch) {
            p.primary = None;
        }
        p.primary.is_none()
    });
    if gone == Some(true) {
        close_peer(remote, Some(generation), "channel closed", false);
        // If the peer is still there, it hears this and dials again (as y-webrtc does).
        announce_all();
    }
}

/// A large frame that was split: its length and hash, its pieces (and the same packed,
/// made when a peer that reads packed frames first needs them), and a use count.
struct Split {
    len: usize,
    hash: u64,
    plain: Option<Vec<Vec<u8>>>,
    packed: Option<Vec<Vec<u8>>>,
    uses: u64,
}

thread_local! {
    /// The last large frame split, kept for a while: when several peers join at once
    /// they all ask for the same whole board (`Board::encode` keeps it too). Our own
    /// frames only, so a hash identifies one.
    static LAST_SPLIT: RefCell<Option<Split>> = const { RefCell::new(None) };
}

thread_local! {
    /// Frames queued packed so far, for tests.
    pub(super) static PACKED_SENT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How long the pieces of the last split are kept after their last use.
const KEEP_SPLIT_MS: u64 = 30_000;

/// A frame packed if that makes it smaller (`crdt::pack`), else as it is.
fn packed(frame: &[u8]) -> Vec<u8> {
    crdt::pack::pack(frame).unwrap_or_else(|| frame.to_vec())
}

/// A large sync frame in valid smaller updates (packed for a peer that reads them); the
/// same frame again is not split or packed again.
fn split(frame: &[u8], pack: bool) -> Vec<Vec<u8>> {
    use std::hash::BuildHasher;
    let hash = foldhash::quality::FixedState::with_seed(0x1e27).hash_one(frame);
    let (parts, uses) = LAST_SPLIT.with(|l| {
        let mut l = l.borrow_mut();
        let s = match l.as_mut() {
            Some(s) if s.len == frame.len() && s.hash == hash => s,
            _ => l.insert(Split {
                len: frame.len(),
                hash,
                plain: None,
                packed: None,
                uses: 0,
            }),
        };
        s.uses += 1;
        let plain = s
            .plain
            .get_or_insert_with(|| crdt::split::split_sync_frame(frame, CHUNK));
        let parts = if pack {
            s.packed
                .get_or_insert_with(|| plain.iter().map(|p| packed(p)).collect())
        } else {
            plain
        };
        (parts.clone(), s.uses)
    });
    // Let go of them once nobody asked for a while (megabytes for a large board).
    leptos::prelude::set_timeout(
        move || {
            LAST_SPLIT.with(|l| {
                let mut l = l.borrow_mut();
                if l.as_ref().is_some_and(|s| s.hash == hash && s.uses == uses) {
                    *l = None;
                }
            })
        },
        std::time::Duration::from_millis(KEEP_SPLIT_MS),
    );
    parts
}

/// Queues a frame for a peer (split into valid smaller updates if large, packed if the
/// peer reads packed frames) and sends what the channel takes. `false` if the peer should
/// be dropped.
pub(super) fn enqueue(p: &mut Peer, frame: &[u8]) -> bool {
    enqueue_shared(p, frame, &mut None)
}

/// [`enqueue`] for a frame that goes to several peers: `memo` keeps it packed for the
/// next peer that reads packed frames (a board passed on to six peers is packed once).
pub(super) fn enqueue_shared(p: &mut Peer, frame: &[u8], memo: &mut Option<Vec<u8>>) -> bool {
    let parts = if frame.len() > CHUNK {
        split(frame, p.packs)
    } else if p.packs {
        vec![memo.get_or_insert_with(|| packed(frame)).clone()]
    } else {
        vec![frame.to_vec()]
    };
    for part in parts {
        if p.packs && crdt::pack::is_packed(&part) {
            PACKED_SENT.set(PACKED_SENT.get() + 1);
        }
        p.queued += part.len();
        p.queue.push_back(part);
    }
    if p.queued > MAX_QUEUED {
        log::warn!("webrtc: a peer does not keep up; disconnecting it");
        return false;
    }
    !pump(p)
}

/// Sends queued frames while the channel's buffer has room; `true` if sending failed.
pub(super) fn pump(p: &mut Peer) -> bool {
    let Some(ch) = p.primary.clone() else {
        return false;
    };
    if !is_open(&ch) {
        return false;
    }
    while ch.buffered_amount() < HIGH_WATER {
        let Some(part) = p.queue.pop_front() else {
            break;
        };
        p.queued -= part.len();
        if let Err(e) = ch.send_with_u8_array(&part) {
            if part.len() > MAX_MESSAGE {
                // One value too large to cut (see crdt::split): this peer misses it.
                log::warn!(
                    "webrtc: could not send a message of {} bytes: {e:?}",
                    part.len()
                );
                continue;
            }
            log::warn!("webrtc: send failed: {e:?}");
            return true;
        }
    }
    false
}

pub(super) fn on_data(remote: &str, generation: u32, bytes: &[u8]) {
    let Some(Some(mut session)) = with_peer(remote, generation, |p| p.session.take()) else {
        return;
    };
    // No borrow of the mesh while the board handles the frame: it may send (flush).
    let handled = crate::net::handle_frame(&mut session, bytes);
    let mut failed = Vec::new();
    with_mesh(|m| {
        if handled.synced {
            if let Some(a) = m.asking.as_mut() {
                if a.peer == remote && a.generation == generation {
                    a.last = Some(now());
                }
            }
        }
        if let Some(p) = m
            .peers
            .get_mut(remote)
            .filter(|p| p.generation == generation)
        {
            p.session = Some(session);
            if handled.replies.iter().any(|r| !enqueue(p, r)) {
                failed.push((remote.to_owned(), p.generation));
            }
        }
        if !handled.gossip.is_empty() {
            let mut memos = vec![None; handled.gossip.len()];
            for (id, p) in m.peers.iter_mut() {
                if id == remote || !p.primary.as_ref().is_some_and(is_open) {
                    continue;
                }
                let sent = (handled.gossip.iter().zip(memos.iter_mut()))
                    .all(|(g, memo)| enqueue_shared(p, g, memo));
                if !sent {
                    failed.push((id.clone(), p.generation));
                }
            }
        }
    });
    if handled.close {
        log::warn!("webrtc: {remote} keeps sending bad frames; disconnecting");
        close_peer(remote, Some(generation), "bad frames", false);
    }
    for (id, g) in failed {
        close_peer(&id, Some(g), "send failed", false);
    }
}
