//! Private mode (silent brainstorming): while the moderator's `private` entry is on,
//! a participant's new notes are drafts — a board of their own (`Editor::drafts`),
//! kept in this browser only and never sent over any transport. When the moderator
//! reveals ("Reveal" turns private mode off), every client publishes its drafts into
//! the board in one transaction; a participant who was offline then does so when the
//! control entry reaches them.
//!
//! The drafts are stored in this browser's localStorage (`lernraum.drafts.ROOM`, the
//! drafts board's Yjs update, base64), so a reload keeps them.

use base64::Engine;
use crdt::control::keys;
use serde_json::Value;

use crate::editor::Editor;

thread_local! {
    /// The stored drafts were read: only then may saving replace them.
    static LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn key() -> Option<String> {
    Some(format!("lernraum.drafts.{}", crate::boot::link()?.room))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The moderator's private mode: (on, round).
pub fn setting() -> Option<(bool, u64)> {
    let v = crate::facilitation::get(keys::PRIVATE)?;
    Some((
        v.get("on").and_then(Value::as_bool).unwrap_or(false),
        v.get("round").and_then(Value::as_u64).unwrap_or(0),
    ))
}

/// Loads the drafts kept in this browser.
pub fn load(ed: &mut Editor) {
    let stored = key().and_then(|k| storage()?.get_item(&k).ok()?);
    if let Some(bytes) = stored.and_then(|s| b64().decode(s).ok()) {
        ed.load_drafts(&bytes);
    }
    LOADED.with(|l| l.set(true));
}

/// Keeps the drafts in this browser (after every change to them).
pub fn save(ed: &Editor) {
    if !LOADED.with(|l| l.get()) {
        return;
    }
    let (Some(k), Some(s)) = (key(), storage()) else {
        return;
    };
    if ed.draft_ids.is_empty() {
        let _ = s.remove_item(&k);
    } else {
        let _ = s.set_item(&k, &b64().encode(ed.drafts.encode()));
    }
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
