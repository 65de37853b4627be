//! Facilitation (issue "Facilitation that every client enforces"): the moderator's
//! signed `control` entries (`crdt::control`), read and checked by every client.
//!
//! - The moderator is whoever holds the board's moderator secret (`&mod=` in the link),
//!   whose public key is `meta.moderatorKey`, which must match the link's `mk`, so no
//!   peer can swap in its own key.
//! - Entries are accepted only when signed by that key; the rest is ignored (debug log).
//! - Times (timer) are on the moderator's clock; participants correct their clock skew
//!   with the moderator's clock from awareness (`set_moderator_clock`).

use std::cell::{Cell, RefCell};

use base64::Engine;
use crdt::control::{self, Accepted};
use crdt::timer::Timer;
use crdt::Board;
use serde_json::Value;

thread_local! {
    static ACCEPTED: RefCell<Accepted> = RefCell::new(Accepted::default());
    /// The "bring everyone here" request already followed (its sequence number).
    static BROUGHT: Cell<u64> = const { Cell::new(0) };
    /// Moderator's clock minus ours, in ms.
    static CLOCK_OFFSET: Cell<f64> = const { Cell::new(0.0) };
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// `meta.moderatorKey`, if it matches the link's `mk` (else `None`: no entry counts).
pub fn moderator_key(board: &Board) -> Option<String> {
    let key = board.moderator_key()?;
    let link = crate::boot::link()?;
    let bytes = b64().decode(&key).ok()?;
    match &link.moderator_hash {
        Some(mk) if *mk == crate::room::key_hash(&bytes) => Some(key),
        Some(_) => {
            log::debug!("control: meta.moderatorKey does not match the link's mk; ignored");
            None
        }
        // Old links without mk: trust the board's key.
        None => Some(key),
    }
}

/// This browser holds the board's moderator secret.
pub fn is_moderator(board: &Board) -> bool {
    let Some(link) = crate::boot::link() else {
        return false;
    };
    match (link.moderator_public_key(), moderator_key(board)) {
        (Some(ours), Some(board)) => ours == board,
        _ => false,
    }
}

/// Takes in the board's control entries; returns whether what is in force changed.
pub fn refresh(board: &Board) -> bool {
    let key = moderator_key(board);
    let entries = board.control_entries();
    ACCEPTED.with(|a| {
        !a.borrow_mut()
            .refresh(
                entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                key.as_deref(),
            )
            .is_empty()
    })
}

/// The accepted value of control entry `key`.
pub fn get(key: &str) -> Option<Value> {
    ACCEPTED.with(|a| a.borrow().get(key).map(|e| e.value.clone()))
}

/// Writes control entry `key` (moderator only; others cannot sign). Returns whether
/// it was written.
pub fn write(board: &mut Board, key: &str, value: &Value) -> bool {
    let Some(seed) = crate::boot::link()
        .and_then(|l| l.moderator_secret)
        .and_then(|s| b64().decode(s).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
    else {
        return false;
    };
    if !is_moderator(board) {
        return false;
    }
    // Above everything accepted so far, and above the clock, so co-moderators on
    // other devices keep increasing numbers too.
    let seq = ACCEPTED
        .with(|a| a.borrow().max_seq() + 1)
        .max(js_sys::Date::now() as u64);
    let sealed = control::seal(key, seq, value, &seed);
    match board.set_control(key, &sealed) {
        Ok(()) => true,
        Err(e) => {
            log::warn!("control: could not write {key}: {e}");
            false
        }
    }
}

/// Now on the moderator's clock.
pub fn now() -> f64 {
    js_sys::Date::now() + CLOCK_OFFSET.with(|c| c.get())
}

/// The moderator's clock as last heard (ms since the epoch), heard just now.
pub fn set_moderator_clock(clock: f64) {
    let offset = clock - js_sys::Date::now();
    // Ignore absurd clocks (more than a day off).
    if offset.abs() < 86_400_000.0 {
        CLOCK_OFFSET.with(|c| c.set(offset));
    }
}

/// The timer in force.
pub fn timer() -> Timer {
    get(control::keys::TIMER)
        .map(|v| Timer::from_value(&v))
        .unwrap_or(Timer::Stopped)
}

/// Puts what the moderator decided into effect in this editor: locks, and a new
/// "bring everyone here" (participants glide to the moderator's view).
pub fn apply(ed: &mut crate::editor::Editor) {
    let lock = get(control::keys::LOCK).unwrap_or(Value::Null);
    ed.scene.locks.board = lock.get("board").and_then(Value::as_bool).unwrap_or(false);
    ed.scene.locks.elements = lock
        .get("elements")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    ed.view_version += 1;
    let bring = ACCEPTED.with(|a| a.borrow().get(control::keys::BRING).cloned());
    if let Some(entry) = bring {
        let fresh = BROUGHT.with(|b| b.replace(entry.seq)) < entry.seq;
        let v = &entry.value;
        let num = |k: &str| v.get(k).and_then(Value::as_f64).filter(|f| f.is_finite());
        let recent = num("at").is_some_and(|at| (now() - at).abs() < 30_000.0);
        if fresh && recent && !is_moderator(&ed.board) {
            if let (Some(x), Some(y), Some(z)) = (num("x"), num("y"), num("zoom")) {
                ed.following = None;
                ed.glide_to(x, y, z, js_sys::Date::now(), 700.0);
            }
        }
    }
}

/// The moderator's "Bring everyone here": everyone glides to this view.
pub fn bring_everyone(ed: &mut crate::editor::Editor) -> bool {
    let (w, h) = ed.viewport;
    let (x, y) = crate::camera::centre_of(ed.camera, w.max(1.0), h.max(1.0));
    let value = serde_json::json!({ "x": x, "y": y, "zoom": ed.camera.z, "at": now() });
    write(&mut ed.board, control::keys::BRING, &value)
}

/// The moderator locks or unlocks the whole board, or the given elements.
pub fn set_lock(
    ed: &mut crate::editor::Editor,
    board: Option<bool>,
    elements: Option<(&[String], bool)>,
) -> bool {
    let lock = get(control::keys::LOCK).unwrap_or(Value::Null);
    let mut board_locked = lock.get("board").and_then(Value::as_bool).unwrap_or(false);
    let mut ids: std::collections::BTreeSet<String> = lock
        .get("elements")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if let Some(b) = board {
        board_locked = b;
    }
    if let Some((list, on)) = elements {
        for id in list {
            if on {
                ids.insert(id.clone());
            } else {
                ids.remove(id);
            }
        }
    }
    // Only ids that still exist stay listed.
    ids.retain(|id| ed.scene.get(id).is_some());
    let value = serde_json::json!({ "board": board_locked, "elements": ids });
    write(&mut ed.board, control::keys::LOCK, &value)
}

/// The Chatham House setting: (rule in force, anonymous cursors). The rule is on
/// unless the moderator turned it off.
pub fn chatham() -> (bool, bool) {
    let v = get(control::keys::CHATHAM).unwrap_or(Value::Null);
    (
        v.get("on").and_then(Value::as_bool).unwrap_or(true),
        v.get("anonymousCursors")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    )
}

/// The moderator sets the Chatham House setting.
pub fn set_chatham(board: &mut Board, on: bool, anonymous_cursors: bool) -> bool {
    write(
        board,
        control::keys::CHATHAM,
        &serde_json::json!({ "on": on, "anonymousCursors": anonymous_cursors }),
    )
}
