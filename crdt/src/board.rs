//! `Board`: one board document (schema 1) over a yrs `Doc`, with typed reads,
//! commands, change tracking, per-user undo and whole-board save/load.
//!
//! Conflicts resolve as yrs resolves them: each element is its own map, so two people
//! changing different keys of one element both keep their edits; the same key written
//! concurrently ends with one deterministic winner on every peer.
//! Never hold a transaction across calls into this type: every method takes its own.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use yrs::types::{DeepObservable, GetString};
use yrs::undo::{Options as UndoOptions, UndoManager};
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Doc, Map, MapPrelim, MapRef, OffsetKind, Options, Origin, Out, ReadTxn, StateVector, Text,
    TextPrelim, TextRef, Transact, TransactionMut, Update,
};

use crate::change::BoardChange;
use crate::command::{Command, Layer, NewElement};
use crate::element::{is_valid_color, Element};
use crate::text_splice::splice;
use crate::zindex;

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

pub struct Board {
    doc: Doc,
    elements: MapRef,
    meta: MapRef,
    undo: UndoManager<()>,
    pending: Rc<RefCell<BoardChange>>,
    /// Every element's `z`, ordered, kept up to date by the deep observer, so finding
    /// the top or bottom of the paint order is O(log n), not a scan.
    zorder: Rc<RefCell<ZOrder>>,
    /// Updates (v1) of every transaction not loaded from storage, for persistence.
    updates: Rc<RefCell<Vec<Vec<u8>>>>,
    /// Updates (v1) this peer must send: neither loaded nor received from a peer.
    outgoing: Rc<RefCell<Vec<Vec<u8>>>>,
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
        // Ensure the other roots exist with the right type for later readers.
        doc.get_or_insert_map("control");
        doc.get_or_insert_map("ballots");

        let pending = Rc::new(RefCell::new(BoardChange::default()));
        let zorder = Rc::new(RefCell::new(ZOrder::default()));
        let (sink, order, els) = (pending.clone(), zorder.clone(), elements.clone());
        elements.observe_deep("board-change", move |txn, events| {
            let change = BoardChange::of_events(txn, events);
            order
                .borrow_mut()
                .apply(&change, |id| match els.get(txn, id) {
                    Some(Out::YMap(m)) => match m.get(txn, "z") {
                        Some(Out::Any(Any::String(z))) => Some(z.to_string()),
                        _ => Some(String::new()),
                    },
                    _ => None,
                });
            sink.borrow_mut().merge(change);
        });
        let sink = pending.clone();
        meta.observe_deep("board-change", move |_txn, _events| {
            sink.borrow_mut().meta = true;
        });

        let updates = Rc::new(RefCell::new(Vec::new()));
        let outgoing = Rc::new(RefCell::new(Vec::new()));
        let (sink, out) = (updates.clone(), outgoing.clone());
        let (load, remote) = (Origin::from(LOAD), Origin::from(REMOTE));
        let subscribed = doc.observe_update_v1("persist", move |txn, e| {
            let origin = txn.origin();
            if origin != Some(&load) {
                sink.borrow_mut().push(e.update.clone());
                if origin != Some(&remote) {
                    out.borrow_mut().push(e.update.clone());
                }
            }
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
            undo,
            pending,
            zorder,
            updates,
            outgoing,
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
        out.sort_by(|a, b| a.paint_key().cmp(&b.paint_key()));
        out
    }

    pub fn element(&self, id: &str) -> Option<Element> {
        let txn = self.doc.transact();
        match self.elements.get(&txn, id) {
            Some(Out::YMap(m)) => Element::read(id, &m, &txn),
            _ => None,
        }
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
        self.merged(std::mem::take(&mut *self.updates.borrow_mut()))
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

    fn apply_in(&self, txn: &mut TransactionMut<'_>, cmd: &Command) {
        match cmd {
            Command::Create(items) => self.create(txn, items),
            Command::SetText { id, text } => {
                if let Some(el) = self.element_map(txn, id) {
                    set_text(txn, &el, text);
                }
            }
            Command::Move { moves } => {
                for (id, x, y) in moves {
                    if let (Some(el), true) =
                        (self.element_map(txn, id), x.is_finite() && y.is_finite())
                    {
                        el.insert(txn, "x", *x);
                        el.insert(txn, "y", *y);
                    }
                }
            }
            Command::Resize { id, x, y, w, h } => {
                let ok = [*x, *y, *w, *h].iter().all(|v| v.is_finite()) && *w > 0.0 && *h > 0.0;
                if let (Some(el), true) = (self.element_map(txn, id), ok) {
                    // Points are relative to the box: they scale with it.
                    let old = (
                        el.get(txn, "w").and_then(|v| crate::element::number(&v)),
                        el.get(txn, "h").and_then(|v| crate::element::number(&v)),
                    );
                    if let (Some(Out::Any(Any::Array(pts))), (Some(ow), Some(oh))) =
                        (el.get(txn, "pts"), old)
                    {
                        if ow > 0.0 && oh > 0.0 {
                            let (sx, sy) = (w / ow, h / oh);
                            let scaled: Vec<Any> = pts
                                .iter()
                                .enumerate()
                                .map(|(i, v)| {
                                    let n = crate::element::any_number(v).unwrap_or(0.0);
                                    Any::from(if i % 2 == 0 { n * sx } else { n * sy })
                                })
                                .collect();
                            el.insert(txn, "pts", Any::from(scaled));
                        }
                    }
                    el.insert(txn, "x", *x);
                    el.insert(txn, "y", *y);
                    el.insert(txn, "w", *w);
                    el.insert(txn, "h", *h);
                }
            }
            Command::Recolor { ids, color } => {
                if is_valid_color(color) {
                    for id in ids {
                        if let Some(el) = self.element_map(txn, id) {
                            el.insert(txn, "color", color.as_str());
                        }
                    }
                }
            }
            Command::Delete { ids } => {
                for id in ids {
                    self.elements.remove(txn, id);
                }
                // Children of a deleted frame stay on the board, out of any frame.
                let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
                let orphans: Vec<MapRef> = self
                    .elements
                    .iter(txn)
                    .filter_map(|(_, v)| match v {
                        Out::YMap(m) => Some(m),
                        _ => None,
                    })
                    .filter(|m| matches!(m.get(txn, "parent"), Some(Out::Any(Any::String(p))) if gone.contains(p.as_ref())))
                    .collect();
                for m in orphans {
                    m.remove(txn, "parent");
                }
            }
            Command::SetPoints {
                id,
                x,
                y,
                w,
                h,
                pts,
            } => {
                let ok = [*x, *y, *w, *h].iter().all(|v| v.is_finite())
                    && *w > 0.0
                    && *h > 0.0
                    && pts.iter().all(|v| v.is_finite());
                if let (Some(el), true) = (self.element_map(txn, id), ok) {
                    el.insert(txn, "x", *x);
                    el.insert(txn, "y", *y);
                    el.insert(txn, "w", *w);
                    el.insert(txn, "h", *h);
                    let pts: Vec<Any> = pts.iter().map(|v| Any::from(*v)).collect();
                    el.insert(txn, "pts", Any::from(pts));
                }
            }
            Command::Bind { id, from, to } => {
                if let Some(el) = self.element_map(txn, id) {
                    for (key, end) in [("from", from), ("to", to)] {
                        match end {
                            Some(target) if target != id => {
                                el.insert(txn, key, target.as_str());
                            }
                            _ => {
                                el.remove(txn, key);
                            }
                        }
                    }
                }
            }
            Command::SetLocked { ids, locked } => {
                for id in ids {
                    if let Some(el) = self.element_map(txn, id) {
                        if *locked {
                            el.insert(txn, "locked", true);
                        } else {
                            el.remove(txn, "locked");
                        }
                    }
                }
            }
            Command::SetParent { ids, parent } => {
                for id in ids {
                    let Some(el) = self.element_map(txn, id) else {
                        continue;
                    };
                    match parent {
                        Some(p) if p != id => {
                            el.insert(txn, "parent", p.as_str());
                        }
                        _ => {
                            el.remove(txn, "parent");
                        }
                    }
                }
            }
            Command::Reorder { ids, layer } => self.reorder(txn, ids, *layer),
            Command::SetTitle { title } => {
                self.meta.insert(txn, "title", title.as_str());
            }
        }
    }

    fn element_map<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<MapRef> {
        match self.elements.get(txn, id) {
            Some(Out::YMap(m)) => Some(m),
            _ => None,
        }
    }

    /// Lowest and highest `z` on the board.
    fn z_range(&self, skip: &HashSet<&str>) -> (Option<String>, Option<String>) {
        let order = self.zorder.borrow();
        let keep = |(z, id): &&(String, String)| !skip.contains(id.as_str()) && !z.is_empty();
        let lo = order.by_z.iter().find(keep).map(|(z, _)| z.clone());
        let hi = order.by_z.iter().rev().find(keep).map(|(z, _)| z.clone());
        (lo, hi)
    }

    fn create(&self, txn: &mut TransactionMut<'_>, items: &[NewElement]) {
        let needs_z = items.iter().filter(|n| n.z.is_none()).count();
        let (_, top) = if needs_z > 0 {
            self.z_range(&HashSet::new())
        } else {
            (None, None)
        };
        let mut keys = if needs_z == 1 {
            vec![top
                .as_deref()
                .map(zindex::after)
                .unwrap_or_else(zindex::first)]
        } else {
            zindex::sequence_after(top.as_deref(), needs_z)
        }
        .into_iter();
        for n in items {
            let sane = [n.x, n.y, n.w, n.h].iter().all(|v| v.is_finite()) && n.w > 0.0 && n.h > 0.0;
            if !sane {
                log::warn!("create {}: bad geometry, skipped", n.id);
                continue;
            }
            let z = match &n.z {
                Some(z) => z.clone(),
                None => keys.next().unwrap_or_else(zindex::first),
            };
            let color = if is_valid_color(&n.color) {
                n.color.as_str()
            } else {
                "yellow"
            };
            let el = self
                .elements
                .insert(txn, n.id.as_str(), MapPrelim::default());
            el.insert(txn, "kind", n.kind.as_str());
            el.insert(txn, "x", n.x);
            el.insert(txn, "y", n.y);
            el.insert(txn, "w", n.w);
            el.insert(txn, "h", n.h);
            el.insert(txn, "z", z);
            el.insert(txn, "color", color);
            el.insert(txn, "text", TextPrelim::new(n.text.as_str()));
            if let Some(p) = &n.parent {
                el.insert(txn, "parent", p.as_str());
            }
            for (key, end) in [("from", &n.from), ("to", &n.to)] {
                if let Some(id) = end {
                    el.insert(txn, key, id.as_str());
                }
            }
            if !n.pts.is_empty() {
                let pts: Vec<Any> = n
                    .pts
                    .iter()
                    .filter(|v| v.is_finite())
                    .map(|v| Any::from(*v))
                    .collect();
                el.insert(txn, "pts", Any::from(pts));
            }
        }
    }

    fn reorder(&self, txn: &mut TransactionMut<'_>, ids: &[String], layer: Layer) {
        let moving: HashSet<&str> = ids.iter().map(String::as_str).collect();
        // Keep the moved elements' relative order.
        let mut ordered: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| {
                let m = self.element_map(txn, id)?;
                let z = match m.get(txn, "z") {
                    Some(Out::Any(Any::String(z))) => z.to_string(),
                    _ => String::new(),
                };
                Some((z, id.clone()))
            })
            .collect();
        ordered.sort();
        let (lo, hi) = self.z_range(&moving);
        let keys: Vec<String> = match layer {
            Layer::Front => zindex::sequence_after(hi.as_deref(), ordered.len()),
            Layer::Back => {
                // Descending keys below the current minimum, then in ascending order.
                let mut keys = Vec::new();
                let mut bound = lo.clone();
                for _ in 0..ordered.len() {
                    let k = match bound.as_deref() {
                        Some(b) => zindex::before(b),
                        None => Some(zindex::first()),
                    };
                    match k {
                        Some(k) => {
                            bound = Some(k.clone());
                            keys.push(k);
                        }
                        None => {
                            log::warn!("send to back: no z key fits below {bound:?}");
                            return;
                        }
                    }
                }
                keys.reverse();
                keys
            }
        };
        for ((_, id), z) in ordered.iter().zip(keys) {
            if let Some(m) = self.element_map(txn, id) {
                m.insert(txn, "z", z);
            }
        }
    }

    // ---- whole-board bytes ---------------------------------------------------------

    /// The whole board as one Yjs update v1.
    pub fn encode(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    /// The board's state vector, for sync step 1.
    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// What a peer with state vector `sv` lacks, as one update v1 (sync step 2).
    pub fn diff(&self, sv: &StateVector) -> Vec<u8> {
        self.doc.transact().encode_state_as_update_v1(sv)
    }

    /// Applies a Yjs update v1 (from storage, a file or a peer) with the given origin.
    /// Bad bytes return an error and leave the board untouched.
    pub fn apply_update(&mut self, bytes: &[u8], origin: &str) -> Result<(), BoardError> {
        let update = Update::decode_v1(bytes).map_err(|e| BoardError::BadUpdate(e.to_string()))?;
        let mut txn = self.txn(origin)?;
        txn.apply_update(update)
            .map_err(|e| BoardError::BadUpdate(e.to_string()))
    }
}

fn set_text(txn: &mut TransactionMut<'_>, el: &MapRef, text: &str) {
    let current: Option<TextRef> = match el.get(txn, "text") {
        Some(Out::YText(t)) => Some(t),
        _ => None,
    };
    match current {
        Some(t) => {
            let old = t.get_string(txn);
            if let Some((start, delete, insert)) = splice(&old, text) {
                if delete > 0 {
                    t.remove_range(txn, start, delete);
                }
                if !insert.is_empty() {
                    t.insert(txn, start, &insert);
                }
            }
        }
        None => {
            el.insert(txn, "text", TextPrelim::new(text));
        }
    }
}

/// Element ids ordered by `(z, id)`.
#[derive(Default)]
struct ZOrder {
    z_of: std::collections::HashMap<String, String>,
    by_z: std::collections::BTreeSet<(String, String)>,
}

impl ZOrder {
    /// Follows one transaction's change; `z_now(id)` reads an element's current `z`
    /// (`None` if it is gone).
    fn apply(&mut self, change: &BoardChange, z_now: impl Fn(&str) -> Option<String>) {
        let touched = change.removed.iter().chain(change.added.iter()).chain(
            change
                .updated
                .iter()
                .filter(|(_, keys)| keys.contains("z"))
                .map(|(id, _)| id),
        );
        for id in touched {
            if let Some(old) = self.z_of.remove(id) {
                self.by_z.remove(&(old, id.clone()));
            }
            if let Some(z) = z_now(id) {
                self.by_z.insert((z.clone(), id.clone()));
                self.z_of.insert(id.clone(), z);
            }
        }
    }
}
