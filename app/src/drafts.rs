//! Private mode (silent brainstorming): while the moderator's `private` entry is on,
//! a participant's new notes are drafts — a board of their own (`Editor::drafts`),
//! kept in this browser only and never sent over any transport. When the moderator
//! reveals ("Reveal" turns private mode off), every client publishes its drafts into
//! the board in one transaction; a participant who was offline then does so when the
//! control entry reaches them.
//!
//! The drafts are kept in this browser's IndexedDB (store `drafts`, keyed by room: the
//! drafts board as one Yjs update), so a reload keeps them. Like the board itself
//! (`wal.rs`), each save is first written synchronously to localStorage
//! (`lernraum.drafts.ROOM`, base64) and removed there once the IndexedDB write has
//! committed: a draft typed just before a reload or a closed tab is not lost. Loading
//! merges both (they are states of the same Yjs document). Without IndexedDB the
//! localStorage copy is all there is.

use std::cell::{Cell, RefCell};

use base64::Engine;
use crdt::control::keys;
use serde_json::Value;

use crate::editor::Editor;

thread_local! {
    /// The stored drafts were read: only then may saving replace them.
    static LOADED: Cell<bool> = const { Cell::new(false) };
    /// What was saved last (`None`: no drafts), so unchanged drafts are not rewritten.
    static SAVED: RefCell<Option<Option<Vec<u8>>>> = const { RefCell::new(None) };
}

/// The localStorage copy meaning "no drafts" (not base64 of anything).
const NONE: &str = "-";

fn key(room: &str) -> String {
    format!("lernraum.drafts.{room}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Loads the drafts kept in this browser: IndexedDB's, then a newer copy a cut-short
/// write left in localStorage. Unreadable drafts are left where they are (never
/// overwritten this session).
pub async fn load() {
    let Some(room) = crate::boot::link().map(|l| l.room) else {
        return;
    };
    let mut parts = Vec::new();
    if let Some(store) = crate::boot::store() {
        match store.drafts(&room).await {
            Ok(Some(v)) => match crate::store::as_bytes(&v) {
                Ok(bytes) => parts.push(bytes),
                Err(e) => {
                    log::warn!("stored drafts unreadable, left as they are: {e}");
                    return;
                }
            },
            Ok(None) => {}
            Err(e) => {
                log::warn!("stored drafts could not be read, left as they are: {e}");
                return;
            }
        }
    }
    let logged = storage().and_then(|s| s.get_item(&key(&room)).ok()?);
    match logged.as_deref() {
        // "No drafts any more" whose IndexedDB delete had not committed: what
        // IndexedDB still holds was revealed or deleted already.
        Some(NONE) => parts.clear(),
        Some(text) => match b64().decode(text) {
            Ok(bytes) => parts.push(bytes),
            Err(e) => log::warn!("unreadable drafts in localStorage ignored: {e}"),
        },
        None => {}
    }
    let readable = crate::state::with_editor(|ed| parts.iter().all(|p| ed.load_drafts(p)));
    if readable == Some(true) {
        LOADED.with(|l| l.set(true));
        // Writes the merged drafts to IndexedDB and clears the localStorage copy.
        crate::state::with_editor(|ed| save(ed));
    }
}

/// Keeps the drafts in this browser (called after every change; writes only when
/// the drafts changed).
pub fn save(ed: &Editor) {
    if !LOADED.with(|l| l.get()) {
        return;
    }
    let Some(room) = crate::boot::link().map(|l| l.room) else {
        return;
    };
    let bytes = (!ed.draft_ids.is_empty()).then(|| ed.drafts.encode());
    if SAVED.with(|s| s.borrow().as_ref() == Some(&bytes)) {
        return;
    }
    SAVED.with(|s| *s.borrow_mut() = Some(bytes.clone()));
    // No drafts is written as the marker `NONE` until IndexedDB's delete commits.
    let logged = bytes
        .as_ref()
        .map(|b| b64().encode(b))
        .unwrap_or_else(|| NONE.to_string());
    let store = crate::boot::store();
    if let Some(s) = storage() {
        let _ = match (&store, &bytes) {
            // Without IndexedDB this copy is all there is: none means none.
            (None, None) => s.remove_item(&key(&room)),
            _ => s.set_item(&key(&room), &logged),
        };
    }
    let Some(store) = store else {
        return;
    };
    leptos::task::spawn_local(async move {
        match store.put_drafts(&room, bytes.as_deref()).await {
            Ok(()) => {
                // Stored: drop the localStorage copy unless a newer save replaced it.
                if let Some(s) = storage() {
                    if s.get_item(&key(&room)).ok().flatten().as_ref() == Some(&logged) {
                        let _ = s.remove_item(&key(&room));
                    }
                }
            }
            Err(e) => log::error!("saving the drafts failed (kept in localStorage): {e}"),
        }
    });
}

/// The moderator's private mode: (on, round).
pub fn setting() -> Option<(bool, u64)> {
    let v = crate::facilitation::get(keys::PRIVATE)?;
    Some((
        v.get("on").and_then(Value::as_bool).unwrap_or(false),
        v.get("round").and_then(Value::as_u64).unwrap_or(0),
    ))
}

/// Puts the moderator's private mode into effect here: drafts while it is on (never
/// for the moderator), and publishing the drafts once it is off. Returns whether
/// anything changed.
pub fn apply(ed: &mut Editor, moderator: bool) -> bool {
    let on = matches!(setting(), Some((true, _))) && !moderator;
    let mut changed = ed.private_mode != on;
    ed.private_mode = on;
    // Revealed (a known "off"): publish whatever drafts this browser holds.
    if matches!(setting(), Some((false, _))) && !ed.draft_ids.is_empty() {
        let n = ed.reveal_drafts();
        log::debug!("private mode: revealed {n} drafts");
        save(ed);
        changed = true;
    }
    changed
}

/// The moderator turns private mode on, or reveals (turns it off).
pub fn set(ed: &mut Editor, on: bool) -> bool {
    let round = setting().map(|(_, r)| r).unwrap_or(0) + u64::from(on);
    crate::facilitation::write(
        &mut ed.board,
        keys::PRIVATE,
        &serde_json::json!({ "on": on, "round": round }),
    )
}
