//! `Board`: one board document (schema 1) over a yrs `Doc`, with typed reads,
//! commands, change tracking, per-user undo and whole-board save/load.
//!
//! Conflicts resolve as yrs resolves them: each element is its own map, so two people
//! changing different keys of one element both keep their edits; the same key written
//! concurrently ends with one deterministic winner on every peer.
//! Never hold a transaction across calls into this type: every method takes its own.

mod apply;
mod ballots;
mod recent;
mod zorder;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;
use zorder::ZOrder;

use yrs::types::DeepObservable;
use yrs::undo::{Options as UndoOptions, UndoManager};
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Doc, Map, MapRef, OffsetKind, Options, Origin, Out, ReadTxn, StateVector, Transact,
    TransactionMut, Update,
};

use crate::change::BoardChange;
use crate::command::Command;
use crate::element::Element;

/// Schema version written to `meta.schema`.
pub const SCHEMA_VERSION: f64 = 1.0;

/// Origin of the local user's edits: the only origin the undo manager tracks.
pub const LOCAL: &str = "local";
/// Origin of updates received from peers.
pub const REMOTE: &str = "remote";
/// Origin of loads from storage and file imports.
pub const LOAD: &str = "load";
/// Origin of the board's creation (schema, title, moderator key): not undoable.
const INIT: &str = "init";
/// Origin of control entries: synced and stored, never undone.
const CONTROL: &str = "control";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardError {
    /// Another transaction is alive (we were called from inside an observer).
    Busy,
    /// Bytes that are not a Yjs update v1, or that yrs refused to apply.
    BadUpdate(String),
}

impl std::fmt::Display for BoardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoardError::Busy => write!(f, "the board is busy with another change"),
            BoardError::BadUpdate(why) => write!(f, "not a readable board update: {why}"),
        }
    }
}

impl std::error::Error for BoardError {}

/// An update (v1) to store, and whether it was made here (not received from a peer).
type StoredUpdate = (Vec<u8>, bool);

/// Whether a transaction inserted or deleted anything. Not its state vector: yrs
/// integrates a struct that arrives before earlier ones of its client (but depends on
/// none of them) behind a gap, which the state vector does not count.
fn changed(txn: &TransactionMut<'_>) -> bool {
    !txn.insert_set().is_empty() || !txn.delete_set().is_empty()
}

/// An element's `z` from its entry in `elements`: `None` when the entry is not an element
/// map, empty when it has no `z` string.
fn z_of<T: ReadTxn>(txn: &T, entry: Out) -> Option<String> {
    match entry {
        Out::YMap(m) => match m.get(txn, "z") {
            Some(Out::Any(Any::String(z))) => Some(z.to_string()),
            _ => Some(String::new()),
        },
        _ => None,
    }
}

pub struct Board {
    doc: Doc,
    elements: MapRef,
    meta: MapRef,
    control: MapRef,
    undo: UndoManager<()>,
    pending: Rc<RefCell<BoardChange>>,
    /// Every element's `z`, ordered, kept up to date by the deep observer, so finding
    /// the top or bottom of the paint order is O(log n), not a scan.
    zorder: Rc<RefCell<ZOrder>>,
    /// Updates (v1) of every transaction not loaded from storage, for persistence.
    /// Each with whether it was made here (not received from a peer).
    updates: Rc<RefCell<Vec<StoredUpdate>>>,
    /// Some of `updates` were made here (not received from peers).
    local_unsaved: Rc<std::cell::Cell<bool>>,
    /// Updates (v1) this peer must send: neither loaded nor received from a peer.
    outgoing: Rc<RefCell<Vec<Vec<u8>>>>,
    /// The whole board as one update (`encode`), kept until a transaction changes the
    /// board or leaves parts waiting: what every new peer asks for (sync step 1 with an
    /// empty state vector), several at once when a workshop starts.
    whole: Rc<RefCell<Option<Vec<u8>>>>,
    /// Updates received lately, to recognise the same update passed on by several peers.
    recent: recent::Recent,
    /// Received updates recognised as repeats and not decoded.
    repeats: u64,
    gesture: bool,
}

impl Board {
    /// An empty board document. `client_id` must be random per session and fit in 32 bits
    /// (JavaScript Yjs breaks on larger ids).
    pub fn new(client_id: u32) -> Board {
        let mut options = Options::with_client_id(yrs::block::ClientID::new(client_id as u64));
        options.offset_kind = OffsetKind::Utf16;
        let doc = Doc::with_options(options);
        let elements = doc.get_or_insert_map("elements");
        let meta = doc.get_or_insert_map("meta");
        let control = doc.get_or_insert_map("control");
        let ballots = doc.get_or_insert_map("ballots");

        let pending = Rc::new(RefCell::new(BoardChange::default()));
        let zorder = Rc::new(RefCell::new(ZOrder::default()));
        let (sink, order, els) = (pending.clone(), zorder.clone(), elements.clone());
        elements.observe_deep("board-change", move |txn, events| {
            let change = BoardChange::of_events(txn, events);
            order
                .borrow_mut()
                .apply(&change, |id| els.get(txn, id).and_then(|v| z_of(txn, v)));
            sink.borrow_mut().merge(change);
        });
        let sink = pending.clone();
        meta.observe_deep("board-change", move |_txn, _events| {
            sink.borrow_mut().meta = true;
        });
        let sink = pending.clone();
        control.observe_deep("board-change", move |_txn, _events| {
            sink.borrow_mut().control = true;
        });
        let sink = pending.clone();
        ballots.observe_deep("board-change", move |_txn, _events| {
            sink.borrow_mut().ballots = true;
        });

        let updates = Rc::new(RefCell::new(Vec::new()));
        let outgoing = Rc::new(RefCell::new(Vec::new()));
        let local_unsaved = Rc::new(std::cell::Cell::new(false));
        let whole = Rc::new(RefCell::new(None));
        let (sink, out, local) = (updates.clone(), outgoing.clone(), local_unsaved.clone());
        let stale = whole.clone();
        let (load, remote) = (Origin::from(LOAD), Origin::from(REMOTE));
        // Where the `update` event fires (after GC and squashing), but encoding only what
        // was made here: loads need no record, and an update received from a peer is
        // recorded as the peer sent it (`apply_update_delta`), not encoded a second time.
        let subscribed = doc.observe_transaction_cleanup("persist", move |txn, _| {
            let changed = changed(txn);
            // What changed the board, or what waits to be integrated, makes the kept
            // encoding stale (an empty update from a peer's sync step 2 does not).
            if changed || txn.has_missing_updates() {
                stale.borrow_mut().take();
            }
            let origin = txn.origin();
            if !changed || origin == Some(&load) || origin == Some(&remote) {
                return;
            }
            let update = txn.encode_update_v1();
            local.set(true);
            out.borrow_mut().push(update.clone());
            sink.borrow_mut().push((update, true));
        });
        if let Err(e) = subscribed {
            log::error!("cannot observe updates: {e}");
        }

        let mut tracked = HashSet::new();
        tracked.insert(Origin::from(LOCAL));
        let undo_options = UndoOptions {
            // Steps are delimited explicitly (`end_step`), never by time.
            capture_timeout_millis: u64::MAX,
            tracked_origins: tracked,
            capture_transaction: None,
            timestamp: Arc::new(|| 1u64),
            init_undo_stack: Vec::new(),
            init_redo_stack: Vec::new(),
        };
        let mut undo = UndoManager::with_options(undo_options);
        undo.expand_scope(&doc, &elements);
        undo.expand_scope(&doc, &meta);

        Board {
            doc,
            elements,
            meta,
            control,
            undo,
            pending,
            zorder,
            updates,
            local_unsaved,
            outgoing,
            whole,
            recent: recent::Recent::default(),
            repeats: 0,
            gesture: false,
        }
    }

    /// Writes what the creator of a new board writes: schema, title, moderator key.
    pub fn init_new(&mut self, title: &str, moderator_key: Option<&str>) -> Result<(), BoardError> {
        let mut txn = self.txn(INIT)?;
        self.meta.insert(&mut txn, "schema", SCHEMA_VERSION);
        self.meta.insert(&mut txn, "title", title);
        if let Some(key) = moderator_key {
            self.meta.insert(&mut txn, "moderatorKey", key);
        }
        Ok(())
    }

    /// This session's Yjs client id (32 bits, as `new` was given).
    pub fn client_id(&self) -> u32 {
        self.doc.client_id().get() as u32
    }

    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    fn txn(&self, origin: &str) -> Result<TransactionMut<'_>, BoardError> {
        self.doc
            .try_transact_mut_with(origin)
            .map_err(|_| BoardError::Busy)
    }

    // ---- reading -------------------------------------------------------------------

    /// All readable elements in paint order.
    pub fn elements(&self) -> Vec<Element> {
        let txn = self.doc.transact();
        let mut out: Vec<Element> = self
            .elements
            .iter(&txn)
            .filter_map(|(id, v)| match v {
                Out::YMap(m) => Element::read(id, &m, &txn),
                other => {
                    log::warn!("element {id}: skipped, not a map ({other:?})");
                    None
                }
            })
            .collect();
        crate::order::sort_by(&mut out, |a, b| a.paint_key().cmp(&b.paint_key()));
        out
    }

    /// The readable elements among `ids` (in that order), read in one transaction: a
    /// change that names thousands (a board arriving) opens one, not thousands.
    pub fn elements_named<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<Element> {
        let txn = self.doc.transact();
        ids.into_iter()
            .filter_map(|id| match self.elements.get(&txn, id) {
                Some(Out::YMap(m)) => Element::read(id, &m, &txn),
                _ => None,
            })
            .collect()
    }

    pub fn element(&self, id: &str) -> Option<Element> {
        self.elements_named([id]).pop()
    }

    /// How many received updates were recognised as repeats and not decoded again
    /// (`recent.rs`), for tests and diagnostics.
    pub fn repeats(&self) -> u64 {
        self.repeats
    }

    pub fn len(&self) -> usize {
        self.elements.len(&self.doc.transact()) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn title(&self) -> String {
        match self.meta.get(&self.doc.transact(), "title") {
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        }
    }

    /// `meta.schema`, if present and a number.
    pub fn schema(&self) -> Option<f64> {
        self.meta
            .get(&self.doc.transact(), "schema")
            .and_then(|v| crate::element::number(&v))
    }

    pub fn moderator_key(&self) -> Option<String> {
        match self.meta.get(&self.doc.transact(), "moderatorKey") {
            Some(Out::Any(Any::String(s))) => Some(s.to_string()),
            _ => None,
        }
    }

    /// Everything that changed since the last call.
    pub fn take_changes(&self) -> BoardChange {
        std::mem::take(&mut *self.pending.borrow_mut())
    }

    /// The updates (Yjs v1) of all transactions since the last call, except loads
    /// (origin `LOAD`), merged into one; `None` if there were none. This is what a
    /// store appends to keep every edit, however soon the page goes away.
    pub fn take_updates(&self) -> Option<Vec<u8>> {
        self.merged(
            self.take_update_parts()
                .into_iter()
                .map(|(u, _)| u)
                .collect(),
        )
    }

    /// Whether updates made here (not received from peers) wait to be stored.
    pub fn unsaved_local(&self) -> bool {
        self.local_unsaved.get()
    }

    /// As [`Board::take_updates`], unmerged (merging a board that arrived from a peer
    /// in many pieces costs more than storing the pieces), each with whether it was
    /// made here rather than received from a peer: a store may log only those
    /// synchronously, as peers still hold the others if the page goes away.
    pub fn take_update_parts(&self) -> Vec<(Vec<u8>, bool)> {
        self.local_unsaved.set(false);
        std::mem::take(&mut *self.updates.borrow_mut())
    }

    /// The updates to send to peers since the last call (everything except loads and
    /// updates that came from peers, so nothing is echoed), merged into one.
    pub fn take_outgoing(&self) -> Option<Vec<u8>> {
        self.merged(std::mem::take(&mut *self.outgoing.borrow_mut()))
    }

    fn merged(&self, updates: Vec<Vec<u8>>) -> Option<Vec<u8>> {
        match updates.len() {
            0 => None,
            1 => updates.into_iter().next(),
            _ => match yrs::merge_updates_v1(&updates) {
                Ok(merged) => Some(merged),
                Err(e) => {
                    // Cannot happen for updates yrs produced itself; fall back to a
                    // full snapshot rather than lose anything.
                    log::error!("merging updates failed ({e}); storing the whole board");
                    Some(self.encode())
                }
            },
        }
    }

    /// The `control` map's entries whose values are strings (signed control entries,
    /// `crate::control`); anything else there is not Lernraum's and is skipped.
    pub fn control_entries(&self) -> Vec<(String, String)> {
        let txn = self.doc.transact();
        self.control
            .iter(&txn)
            .filter_map(|(k, v)| match v {
                Out::Any(Any::String(s)) => Some((k.to_string(), s.to_string())),
                _ => None,
            })
            .collect()
    }

    /// Stores a sealed control entry (`crate::control::seal`) under `key`. Not an undo
    /// step: facilitation is not undone with Ctrl+Z.
    pub fn set_control(&mut self, key: &str, sealed: &str) -> Result<(), BoardError> {
        let mut txn = self.txn(CONTROL)?;
        self.control.insert(&mut txn, key, sealed);
        Ok(())
    }

    // ---- editing -------------------------------------------------------------------

    /// Applies one command in one transaction. Local commands (`origin == LOCAL`) are
    /// undoable; each is its own undo step unless a gesture is open.
    pub fn apply(&mut self, cmd: &Command, origin: &str) -> Result<(), BoardError> {
        {
            let mut txn = self.txn(origin)?;
            self.apply_in(&mut txn, cmd);
        }
        if origin == LOCAL && !self.gesture {
            self.undo.reset();
        }
        Ok(())
    }

    /// Opens a gesture: every local command until `end_gesture` is one undo step
    /// (a whole drag; creating a note and typing its first text).
    pub fn begin_gesture(&mut self) {
        if !self.gesture {
            self.undo.reset();
            self.gesture = true;
        }
    }

    pub fn end_gesture(&mut self) {
        if self.gesture {
            self.gesture = false;
            self.undo.reset();
        }
    }

    pub fn in_gesture(&self) -> bool {
        self.gesture
    }

    pub fn can_undo(&self) -> bool {
        self.undo.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.undo.can_redo()
    }

    /// Undoes the user's last step (never anybody else's edit).
    pub fn undo(&mut self) -> bool {
        self.end_gesture();
        self.undo.undo_blocking()
    }

    pub fn redo(&mut self) -> bool {
        self.end_gesture();
        self.undo.redo_blocking()
    }

    // ---- whole-board bytes ---------------------------------------------------------

    /// The whole board as one Yjs update v1.
    pub fn encode(&self) -> Vec<u8> {
        if let Some(whole) = self.whole.borrow().as_ref() {
            return whole.clone();
        }
        let txn = self.doc.transact();
        let whole = txn.encode_state_as_update_v1(&StateVector::default());
        if !txn.has_missing_updates() {
            *self.whole.borrow_mut() = Some(whole.clone());
        }
        whole
    }

    /// The whole board as one Yjs update v1 without the content of deleted items.
    /// Undo keeps deleted content in the document (so it can come back), and `encode`
    /// carries it; a file or an export must not: a name typed and deleted again would
    /// still be in its bytes. Applying into a fresh document, which has no undo, lets
    /// Yjs garbage-collect it; the result merges exactly like `encode`'s.
    pub fn encode_clean(&self) -> Vec<u8> {
        let full = self.encode();
        let mut options = Options::with_client_id(self.doc.client_id());
        options.offset_kind = OffsetKind::Utf16;
        let doc = Doc::with_options(options);
        let applied = Update::decode_v1(&full)
            .map_err(|e| e.to_string())
            .and_then(|u| {
                doc.transact_mut()
                    .apply_update(u)
                    .map_err(|e| e.to_string())
            });
        match applied {
            Ok(()) => doc
                .transact()
                .encode_state_as_update_v1(&StateVector::default()),
            Err(e) => {
                // Cannot happen for bytes yrs wrote itself; keep the full board then.
                log::error!("cleaning the board for export failed ({e})");
                full
            }
        }
    }

    /// The board's state vector, for sync step 1.
    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// What a peer with state vector `sv` lacks, as one update v1 (sync step 2).
    pub fn diff(&self, sv: &StateVector) -> Vec<u8> {
        if sv.is_empty() {
            return self.encode();
        }
        self.doc.transact().encode_state_as_update_v1(sv)
    }

    /// Whether everything applied so far is integrated: no update waits for parts it
    /// depends on (a cut-off file leaves such a gap).
    pub fn is_complete(&self) -> bool {
        !self.doc.transact().has_missing_updates()
    }

    /// Merges another copy of a board (a board file's update) into this one as a CRDT
    /// merge: one local, undoable step that peers receive like any edit. This board
    /// keeps its own title and moderator key, whatever the other copy says.
    pub fn merge(&mut self, update: &[u8]) -> Result<(), BoardError> {
        let (title, key) = (self.title(), self.moderator_key());
        self.begin_gesture();
        let applied = self.apply_update(update, LOCAL);
        if applied.is_ok() {
            let (title_now, key_now) = (self.title(), self.moderator_key());
            let mut txn = self.txn(LOCAL)?;
            if title_now != title {
                self.meta.insert(&mut txn, "title", title.as_str());
            }
            if key_now != key {
                match &key {
                    Some(k) => {
                        self.meta.insert(&mut txn, "moderatorKey", k.as_str());
                    }
                    None => {
                        self.meta.remove(&mut txn, "moderatorKey");
                    }
                }
            }
        }
        self.end_gesture();
        applied
    }

    /// Applies a Yjs update v1 (from storage, a file or a peer) with the given origin.
    /// Bad bytes return an error and leave the board untouched.
    pub fn apply_update(&mut self, bytes: &[u8], origin: &str) -> Result<(), BoardError> {
        if origin == REMOTE {
            // Recorded for the store there.
            return self.apply_update_delta(bytes, origin).map(|_| ());
        }
        let update = Update::decode_v1(bytes).map_err(|e| BoardError::BadUpdate(e.to_string()))?;
        let mut txn = self.txn(origin)?;
        txn.apply_update(update)
            .map_err(|e| BoardError::BadUpdate(e.to_string()))
    }

    /// Like [`Board::apply_update`], and returns what actually changed as one update v1
    /// (the structs integrated now, parts that were waiting for this one included, and
    /// the deletions), or `None` when nothing did. A mesh passes this on to the other
    /// peers (gossip) as JavaScript y-webrtc passes on its `update` events: an update
    /// already known is not passed on again, so gossip ends. An update received lately,
    /// byte for byte (an edit, or a piece of a board that another peer sent first), is
    /// not even decoded again (`recent.rs`).
    pub fn apply_update_delta(
        &mut self,
        bytes: &[u8],
        origin: &str,
    ) -> Result<Option<Vec<u8>>, BoardError> {
        if origin == REMOTE {
            let key = recent::key(bytes);
            if key.is_some_and(|k| self.recent.contains(k, bytes)) {
                self.repeats += 1;
                return Ok(None);
            }
            let out = self.apply_update_delta_once(bytes, origin);
            if let (Ok(_), Some(k)) = (&out, key) {
                self.recent.insert(k, bytes);
            }
            return out;
        }
        self.apply_update_delta_once(bytes, origin)
    }

    fn apply_update_delta_once(
        &mut self,
        bytes: &[u8],
        origin: &str,
    ) -> Result<Option<Vec<u8>>, BoardError> {
        let update = Update::decode_v1(bytes).map_err(|e| BoardError::BadUpdate(e.to_string()))?;
        let stored = self.updates.borrow().len();
        let encoded = {
            let mut txn = self.txn(origin)?;
            let waited = txn.has_missing_updates();
            txn.apply_update(update)
                .map_err(|e| BoardError::BadUpdate(e.to_string()))?;
            if !changed(&txn) {
                return Ok(None);
            }
            if origin == REMOTE && !waited && !txn.has_missing_updates() {
                // All of it is in the document now, and nothing that waited for it: the
                // received bytes say what changed (and maybe some that was known, which
                // a receiver skips). Encoding the transaction would cost about as much
                // as applying it did.
                None
            } else if origin == LOAD || origin == REMOTE {
                // The store's observer records neither; this one integrated parts that
                // had waited, or left some waiting: encode what it changed.
                Some(txn.encode_update_v1())
            } else {
                drop(txn);
                // Committed: the store's observer has just encoded this transaction.
                return Ok(self.updates.borrow().get(stored).map(|(u, _)| u.clone()));
            }
        };
        if origin == LOAD {
            return Ok(encoded);
        }
        let delta = encoded.unwrap_or_else(|| bytes.to_vec());
        self.updates.borrow_mut().push((delta.clone(), false));
        Ok(Some(delta))
    }
}
