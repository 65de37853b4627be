//! Splitting a Yjs update (v1) into several smaller updates that are each valid on their
//! own, so a large sync step 2 fits into WebRTC data-channel messages (Chrome drops
//! messages over 256 KiB) and any y-protocols peer, JavaScript y-webrtc included, applies
//! the pieces as ordinary updates. No extra framing: the receiver cannot tell a piece from
//! any other update.
//!
//! An update v1 is a list of struct groups (one per client: count, client, first clock,
//! then the structs) followed by a delete set. A piece takes whole structs from the
//! groups, in order, with the group header rewritten for the piece's first clock; the
//! delete set travels with the last piece (or in pieces of its own when it is large
//! itself). A single item whose content is too big is cut the way Yjs splits items: the
//! first part keeps the item's header, every further part names the part before it as its
//! left origin (and keeps the right origin), which is exactly how Yjs encodes an item it
//! split. Strings are cut at character boundaries, lengths are counted in UTF-16 units.
//!
//! Pieces may be applied in any order: a receiver keeps a struct whose left neighbour has
//! not arrived yet pending until it does (Yjs and yrs both do). Sent in order over one
//! reliable channel, nothing waits. An item whose content cannot be cut (one huge value)
//! comes out as one piece over the limit; the caller decides what to do with it.
//!
//! The parser follows the Yjs encoder (`Item.write`, `ContentX.write`); anything it does
//! not know makes [`split_update`] return `None`, and the caller sends the update whole.

use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;

const HAS_ORIGIN: u8 = 0b1000_0000;
const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
const GC: u8 = 0;
const SKIP: u8 = 10;
const CONTENT_DELETED: u8 = 1;
const CONTENT_JSON: u8 = 2;
const CONTENT_BINARY: u8 = 3;
const CONTENT_STRING: u8 = 4;
const CONTENT_EMBED: u8 = 5;
const CONTENT_FORMAT: u8 = 6;
const CONTENT_TYPE: u8 = 7;
const CONTENT_ANY: u8 = 8;
const CONTENT_DOC: u8 = 9;
/// Nesting depth of lib0 `any` values the parser follows (deeper is refused).
const MAX_ANY_DEPTH: usize = 64;

/// One struct of a group, as bytes of the original update.
#[derive(Debug, Clone)]
struct Struct {
    /// Byte range of the whole struct.
    start: usize,
    end: usize,
    /// Clock length.
    len: u64,
    /// Where the content begins (items only), the info byte, and the cut points.
    item: Option<ItemLayout>,
}

#[derive(Debug, Clone)]
struct ItemLayout {
    info: u8,
    /// Right origin `(client, clock)`, if any.
    right: Option<(u64, u64)>,
    /// Byte offset of the content (after the header).
    content_start: usize,
}

#[derive(Debug)]
struct Group {
    client: u64,
    clock: u64,
    structs: Vec<Struct>,
}

fn skip_any(c: &mut Cursor<'_>, depth: usize) -> Option<()> {
    if depth > MAX_ANY_DEPTH {
        return None;
    }
    match c.read_u8().ok()? {
        127 | 126 | 121 | 120 => {}
        125 => {
            c.read_var::<i64>().ok()?;
        }
        124 => {
            c.read_exact(4).ok()?;
        }
        123 | 122 => {
            c.read_exact(8).ok()?;
        }
        119 => {
            skip_str(c)?;
        }
        118 => {
            let n: u64 = c.read_var().ok()?;
            for _ in 0..n {
                skip_str(c)?;
                skip_any(c, depth + 1)?;
            }
        }
        117 => {
            let n: u64 = c.read_var().ok()?;
            for _ in 0..n {
                skip_any(c, depth + 1)?;
            }
        }
        116 => {
            c.read_buf().ok()?;
        }
        _ => return None,
    }
    Some(())
}

/// Skips a string whose text is not needed (keys, names): its bytes are passed on as
/// they are.
fn skip_str(c: &mut Cursor<'_>) -> Option<()> {
    c.read_buf().ok().map(|_| ())
}

fn utf16_len(s: &str) -> u64 {
    s.chars().map(|ch| ch.len_utf16() as u64).sum()
}

/// Reads one struct at the cursor; `None` if it is not one Yjs writes.
fn read_struct(c: &mut Cursor<'_>, bytes_len: usize) -> Option<Struct> {
    let start = c.next;
    let info = c.read_u8().ok()?;
    let kind = info & 0b1_1111;
    if kind == GC || kind == SKIP {
        let len: u64 = c.read_var().ok()?;
        return Some(Struct {
            start,
            end: c.next,
            len,
            item: None,
        });
    }
    if info & HAS_ORIGIN != 0 {
        c.read_var::<u64>().ok()?;
        c.read_var::<u64>().ok()?;
    }
    let mut right = None;
    if info & HAS_RIGHT_ORIGIN != 0 {
        right = Some((c.read_var::<u64>().ok()?, c.read_var::<u64>().ok()?));
    }
    if info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) == 0 {
        let named: u64 = c.read_var().ok()?;
        if named == 1 {
            skip_str(c)?;
        } else {
            c.read_var::<u64>().ok()?;
            c.read_var::<u64>().ok()?;
        }
        if info & 0b0010_0000 != 0 {
            skip_str(c)?;
        }
    }
    let content_start = c.next;
    // Only the clock length here: the units of a content are listed (`units`) just for
    // the few items too large for one piece.
    let len = match kind {
        CONTENT_DELETED => c.read_var::<u64>().ok()?,
        CONTENT_JSON | CONTENT_ANY => {
            let n: u64 = c.read_var().ok()?;
            if n > bytes_len as u64 {
                return None;
            }
            for _ in 0..n {
                if kind == CONTENT_JSON {
                    skip_str(c)?;
                } else {
                    skip_any(c, 0)?;
                }
            }
            n
        }
        CONTENT_BINARY => {
            c.read_buf().ok()?;
            1
        }
        CONTENT_STRING => utf16_len(std::str::from_utf8(c.read_buf().ok()?).ok()?),
        CONTENT_EMBED => {
            skip_str(c)?;
            1
        }
        CONTENT_FORMAT => {
            skip_str(c)?;
            skip_str(c)?;
            1
        }
        CONTENT_TYPE => {
            let type_ref: u64 = c.read_var().ok()?;
            match type_ref {
                // XmlElement and XmlHook carry a name.
                3 | 5 => {
                    skip_str(c)?;
                }
                0 | 1 | 2 | 4 | 6 => {}
                _ => return None,
            }
            1
        }
        CONTENT_DOC => {
            skip_str(c)?;
            skip_any(c, 0)?;
            1
        }
        _ => return None,
    };
    if len == 0 {
        return None;
    }
    Some(Struct {
        start,
        end: c.next,
        len,
        item: Some(ItemLayout {
            info,
            right,
            content_start,
        }),
    })
}

/// The elements of a cuttable content (strings, JSON and `any` lists), each as `(byte
/// range inside the update, clock length)`; `None` for a content that cannot be cut.
fn units(update: &[u8], item: &ItemLayout) -> Option<Vec<(usize, usize, u64)>> {
    let kind = item.info & 0b1_1111;
    let mut c = Cursor::new(update);
    c.next = item.content_start;
    match kind {
        CONTENT_JSON | CONTENT_ANY => {
            let n: u64 = c.read_var().ok()?;
            let mut u = Vec::with_capacity(n.min(update.len() as u64) as usize);
            for _ in 0..n {
                let s = c.next;
                if kind == CONTENT_JSON {
                    c.read_string().ok()?;
                } else {
                    skip_any(&mut c, 0)?;
                }
                u.push((s, c.next, 1));
            }
            Some(u)
        }
        CONTENT_STRING => {
            // Characters, with their byte range inside the original update.
            let n: usize = c.read_var().ok()?;
            let base = c.next;
            let s = std::str::from_utf8(update.get(base..base.checked_add(n)?)?).ok()?;
            Some(
                s.char_indices()
                    .map(|(i, ch)| (base + i, base + i + ch.len_utf8(), ch.len_utf16() as u64))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn parse(update: &[u8]) -> Option<(Vec<Group>, usize)> {
    let mut c = Cursor::new(update);
    let n_groups: u64 = c.read_var().ok()?;
    if n_groups > update.len() as u64 {
        return None;
    }
    let mut groups = Vec::with_capacity(n_groups as usize);
    for _ in 0..n_groups {
        let n: u64 = c.read_var().ok()?;
        if n > update.len() as u64 {
            return None;
        }
        let client: u64 = c.read_var().ok()?;
        let clock: u64 = c.read_var().ok()?;
        let mut structs = Vec::with_capacity(n as usize);
        for _ in 0..n {
            structs.push(read_struct(&mut c, update.len())?);
        }
        groups.push(Group {
            client,
            clock,
            structs,
        });
    }
    let ds_start = c.next;
    // The delete set must parse to the end.
    parse_ds(&update[ds_start..])?;
    Some((groups, ds_start))
}

/// A delete set: `(client, [(clock, len)])`.
type DeleteSet = Vec<(u64, Vec<(u64, u64)>)>;

/// Parses a delete set to its end.
fn parse_ds(ds: &[u8]) -> Option<DeleteSet> {
    let mut c = Cursor::new(ds);
    let n: u64 = c.read_var().ok()?;
    if n > ds.len() as u64 {
        return None;
    }
    let mut out = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let client: u64 = c.read_var().ok()?;
        let k: u64 = c.read_var().ok()?;
        if k > ds.len() as u64 {
            return None;
        }
        let mut ranges = Vec::with_capacity(k as usize);
        for _ in 0..k {
            ranges.push((c.read_var().ok()?, c.read_var().ok()?));
        }
        out.push((client, ranges));
    }
    (!c.has_content()).then_some(out)
}

/// A piece being built: groups of raw struct bytes.
#[derive(Default)]
struct Piece {
    /// `(client, first clock, struct count, bytes)`.
    groups: Vec<(u64, u64, u64, Vec<u8>)>,
    /// The client and clock the last group would continue with.
    open: Option<(u64, u64)>,
    size: usize,
}

impl Piece {
    fn push(&mut self, client: u64, clock: u64, len: u64, bytes: &[u8]) {
        match self.groups.last_mut() {
            Some((_, _, n, buf)) if self.open == Some((client, clock)) => {
                *n += 1;
                buf.extend_from_slice(bytes);
            }
            _ => {
                self.groups.push((client, clock, 1, bytes.to_vec()));
                self.size += 30;
            }
        }
        self.open = Some((client, clock + len));
        self.size += bytes.len();
    }

    fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    fn encode(&self, ds: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size + ds.len() + 8);
        out.write_var(self.groups.len() as u64);
        for (client, clock, n, bytes) in &self.groups {
            out.write_var(*n);
            out.write_var(*client);
            out.write_var(*clock);
            out.write_all(bytes);
        }
        out.write_all(ds);
        out
    }
}

fn encode_ds(entries: &[(u64, Vec<(u64, u64)>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.write_var(entries.len() as u64);
    for (client, ranges) in entries {
        out.write_var(*client);
        out.write_var(ranges.len() as u64);
        for (clock, len) in ranges {
            out.write_var(*clock);
            out.write_var(*len);
        }
    }
    out
}

/// The delete set in parts of at most about `max` bytes each.
fn split_ds(ds: &[u8], max: usize) -> Option<Vec<Vec<u8>>> {
    if ds.len() <= max {
        return Some(vec![ds.to_vec()]);
    }
    let entries = parse_ds(ds)?;
    let mut parts = Vec::new();
    let mut current: DeleteSet = Vec::new();
    let mut size = 1;
    for (client, ranges) in entries {
        for r in ranges {
            if size + 40 > max && !current.is_empty() {
                parts.push(encode_ds(&current));
                current.clear();
                size = 1;
            }
            match current.last_mut() {
                Some((c, rs)) if *c == client => rs.push(r),
                _ => {
                    current.push((client, vec![r]));
                    size += 20;
                }
            }
            size += 20;
        }
    }
    if !current.is_empty() {
        parts.push(encode_ds(&current));
    }
    Some(parts)
}

/// Cuts one item whose content is over `max` into parts: `(clock offset, clock length,
/// struct bytes)`. `None` if its content cannot be cut.
fn cut_item(
    update: &[u8],
    client: u64,
    clock: u64,
    s: &Struct,
    max: usize,
) -> Option<Vec<(u64, Vec<u8>)>> {
    let item = s.item.as_ref()?;
    let units = units(update, item)?;
    let kind = item.info & 0b1_1111;
    let mut parts = Vec::new();
    let mut i = 0;
    let mut offset = 0u64;
    let budget = max.saturating_sub(40).max(16);
    while i < units.len() {
        // Take units while they fit (at least one).
        let first = i;
        let mut bytes = 0;
        let mut len = 0;
        while i < units.len() {
            let (a, b, l) = units[i];
            if i > first && bytes + (b - a) > budget {
                break;
            }
            bytes += b - a;
            len += l;
            i += 1;
        }
        let content = &update[units[first].0..units[i - 1].1];
        let mut out = Vec::with_capacity(bytes + 32);
        if first == 0 {
            // The original header, unchanged.
            out.write_all(&update[s.start..item.content_start]);
        } else {
            let info = (item.info & !0b1_1111 & !HAS_RIGHT_ORIGIN)
                | kind
                | HAS_ORIGIN
                | if item.right.is_some() {
                    HAS_RIGHT_ORIGIN
                } else {
                    0
                };
            out.write_u8(info);
            out.write_var(client);
            out.write_var(clock + offset - 1);
            if let Some((rc, rk)) = item.right {
                out.write_var(rc);
                out.write_var(rk);
            }
        }
        match kind {
            CONTENT_STRING => {
                let s = std::str::from_utf8(content).ok()?;
                out.write_string(s);
            }
            CONTENT_ANY | CONTENT_JSON => {
                out.write_var((i - first) as u64);
                out.write_all(content);
            }
            _ => return None,
        }
        parts.push((len, out));
        offset += len;
    }
    Some(parts)
}

/// Splits an update v1 into updates of at most about `max` bytes each (`max` ≥ 256), in
/// the order to apply them. An update that already fits comes back as the only piece.
/// `None` if the update does not parse as Yjs writes updates; send it whole then.
pub fn split_update(update: &[u8], max: usize) -> Option<Vec<Vec<u8>>> {
    let max = max.max(256);
    if update.len() <= max {
        return Some(vec![update.to_vec()]);
    }
    let (groups, ds_start) = parse(update)?;
    let ds = &update[ds_start..];
    let mut pieces = Vec::new();
    let mut piece = Piece::default();
    let flush = |piece: &mut Piece, pieces: &mut Vec<Vec<u8>>| {
        if !piece.is_empty() {
            pieces.push(piece.encode(&[0]));
            *piece = Piece::default();
        }
    };
    for g in &groups {
        let mut clock = g.clock;
        for s in &g.structs {
            let bytes = &update[s.start..s.end];
            let parts = if bytes.len() + 40 > max {
                cut_item(update, g.client, clock, s, max)
            } else {
                None
            };
            match parts {
                Some(parts) => {
                    let mut at = clock;
                    for (len, part) in parts {
                        if piece.size + part.len() + 40 > max {
                            flush(&mut piece, &mut pieces);
                        }
                        piece.push(g.client, at, len, &part);
                        at += len;
                    }
                }
                None => {
                    if piece.size + bytes.len() + 40 > max {
                        flush(&mut piece, &mut pieces);
                    }
                    // One that cannot be cut goes alone, over the limit.
                    piece.push(g.client, clock, s.len, bytes);
                }
            }
            clock += s.len;
        }
    }
    // The delete set: with the last piece if it fits, else in parts of its own.
    if piece.size + ds.len() <= max {
        pieces.push(piece.encode(ds));
    } else {
        flush(&mut piece, &mut pieces);
        for part in split_ds(ds, max)? {
            let mut out = vec![0u8];
            out.extend_from_slice(&part);
            pieces.push(out);
        }
    }
    Some(pieces)
}

/// Splits a y-protocols sync frame (`0, 1|2, update`) into frames of the same kind that
/// fit into `max` bytes each; any other frame, or one that already fits, comes back as
/// is. The pieces of a step 2 are all sent as step 2 (a receiver that counts the first
/// one as "synced" is right to: the rest follow on the same channel).
pub fn split_sync_frame(frame: &[u8], max: usize) -> Vec<Vec<u8>> {
    if frame.len() <= max || frame.len() < 3 || frame[0] != 0 || !matches!(frame[1], 1 | 2) {
        return vec![frame.to_vec()];
    }
    let mut c = Cursor::new(&frame[2..]);
    let Ok(update) = c.read_buf().map(<[u8]>::to_vec) else {
        return vec![frame.to_vec()];
    };
    if c.has_content() {
        return vec![frame.to_vec()];
    }
    match split_update(&update, max.saturating_sub(8)) {
        Some(pieces) => pieces
            .into_iter()
            .map(|p| {
                let mut out = Vec::with_capacity(p.len() + 8);
                out.write_u8(0);
                out.write_u8(frame[1]);
                out.write_buf(&p);
                out
            })
            .collect(),
        None => vec![frame.to_vec()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Board, Command, NewElement, LOCAL, REMOTE};
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

    /// Adds notes by two clients (long texts with emoji), moves and deletions to `a`.
    fn add_notes(a: &mut Board, from: usize, notes: usize) {
        let mut b = Board::new(22);
        b.apply_update(&a.encode(), REMOTE).unwrap();
        let mut ids = Vec::new();
        for i in from..from + notes {
            let who = if i % 3 == 0 { &mut b } else { &mut *a };
            let n = NewElement::note_centred(i as f64 * 10.0, 0.0, "yellow");
            let id = n.id.clone();
            ids.push(id.clone());
            who.apply(&Command::Create(vec![n]), LOCAL).unwrap();
            let text = format!("Notiz {i} — äöü 🦀 {}", "x".repeat(i % 50));
            who.apply(&Command::SetText { id, text }, LOCAL).unwrap();
            // Keep both boards in sync as they go, so items reference each other.
            let (ua, ub) = (a.encode(), b.encode());
            a.apply_update(&ub, REMOTE).unwrap();
            b.apply_update(&ua, REMOTE).unwrap();
        }
        for (i, id) in ids.iter().enumerate().step_by(7) {
            let moves = vec![(id.clone(), i as f64, 5.0)];
            a.apply(&Command::Move { moves }, LOCAL).unwrap();
        }
        let gone: Vec<String> = ids.iter().step_by(5).cloned().collect();
        a.apply(&Command::Delete { ids: gone }, LOCAL).unwrap();
    }

    fn busy_board(notes: usize) -> Board {
        let mut a = Board::new(11);
        add_notes(&mut a, 0, notes);
        a
    }

    fn apply_all(pieces: &[Vec<u8>]) -> Board {
        let mut copy = Board::new(99);
        for p in pieces {
            copy.apply_update(p, REMOTE).unwrap();
        }
        copy
    }

    #[test]
    fn pieces_of_a_large_board_fit_and_rebuild_it() {
        let board = busy_board(400);
        let whole = board.encode();
        for max in [256usize, 1000, 4096, 16 * 1024] {
            let pieces = split_update(&whole, max).unwrap();
            assert!(pieces.len() > 1 || whole.len() <= max);
            for p in &pieces {
                assert!(p.len() <= max, "piece of {} bytes over {max}", p.len());
                // Each piece is a valid update on its own.
                Update::decode_v1(p).unwrap();
            }
            let copy = apply_all(&pieces);
            assert!(copy.is_complete());
            assert!(copy.elements() == board.elements());
            assert_eq!(copy.state_vector(), board.state_vector());
            // In reverse order too: what arrives early waits for what it needs.
            let mut rev = pieces.clone();
            rev.reverse();
            let copy = apply_all(&rev);
            assert!(copy.elements() == board.elements());
            assert!(copy.is_complete());
        }
    }

    #[test]
    fn a_diff_against_a_peer_splits_too() {
        let mut board = busy_board(100);
        let mut peer = Board::new(5);
        peer.apply_update(&board.encode(), REMOTE).unwrap();
        add_notes(&mut board, 100, 100);
        let diff = board.diff(&peer.state_vector());
        let pieces = split_update(&diff, 2048).unwrap();
        assert!(pieces.len() > 2);
        for p in &pieces {
            assert!(p.len() <= 2048);
            peer.apply_update(p, REMOTE).unwrap();
        }
        assert!(peer.elements() == board.elements());
        assert!(peer.is_complete());
    }

    #[test]
    fn one_huge_text_is_cut_into_items_yjs_would_write() {
        let doc = Doc::with_client_id(7);
        let text = doc.get_or_insert_text("t");
        let big: String = (0..60_000).map(|i| ["a", "ß", "🦀", "語"][i % 4]).collect();
        {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, "head ");
            text.insert(&mut txn, 5, &big);
            text.insert(&mut txn, 3, "MID");
        }
        let whole = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let pieces = split_update(&whole, 8192).unwrap();
        assert!(pieces.len() > 10, "{} pieces", pieces.len());
        let copy = Doc::with_client_id(8);
        let t2 = copy.get_or_insert_text("t");
        for p in &pieces {
            assert!(p.len() <= 8192);
            copy.transact_mut()
                .apply_update(Update::decode_v1(p).unwrap())
                .unwrap();
        }
        assert_eq!(
            t2.get_string(&copy.transact()),
            text.get_string(&doc.transact())
        );
        assert_eq!(
            copy.transact().state_vector(),
            doc.transact().state_vector()
        );
    }

    #[test]
    fn small_updates_and_garbage() {
        let small = Board::new(3).encode();
        assert_eq!(split_update(&small, 1024).unwrap(), vec![small.clone()]);
        let big = busy_board(50).encode();
        let mut cut = big.clone();
        cut.truncate(big.len() / 2);
        assert_eq!(split_update(&cut, 256), None);
        let mut junk = big.clone();
        junk.extend_from_slice(&[1, 2, 3]);
        assert_eq!(split_update(&junk, 256), None);
        assert_eq!(split_update(&[0xff; 4000], 256), None);
    }

    #[test]
    fn sync_frames_split_into_frames_of_the_same_kind() {
        let board = busy_board(300);
        let frame = crate::sync::SyncSession::update_frame(&board.encode());
        let mut step2 = frame.clone();
        step2[1] = 1;
        for f in [&frame, &step2] {
            let parts = split_sync_frame(f, 4096);
            assert!(parts.len() > 1);
            let mut copy = Board::new(9);
            let mut s = crate::sync::SyncSession::default();
            for p in &parts {
                assert!(p.len() <= 4096);
                assert_eq!(&p[..2], &f[..2]);
                s.receive(&mut copy, p).unwrap();
            }
            assert!(copy.elements() == board.elements());
        }
        // Awareness frames and small frames pass unchanged.
        let aw = vec![1u8; 9000];
        assert_eq!(split_sync_frame(&aw, 4096), vec![aw.clone()]);
        assert_eq!(split_sync_frame(&frame, frame.len()), vec![frame.clone()]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000), max in 256usize..2000) {
            let _ = split_update(&bytes, max);
            let mut f = vec![0u8, 2];
            f.write_buf(&bytes);
            let _ = split_sync_frame(&f, max);
        }
    }
}
