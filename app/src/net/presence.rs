//! Presence: this browser's awareness state and everyone else's (ROOMS.md,
//! "Presence"). One `Awareness` per room, shared by every transport. Our state is
//! sent at most every 50 ms (cursor moves are many), renewed every 15 s; states of
//! others expire after 30 s without renewal; leaving sends a null state.
//!
//! Names live here and in the browser's preferences only: never in the board.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use crdt::awareness::{Awareness, AwarenessChange, TICK_INTERVAL_MS};
use leptos::prelude::set_timeout;

use crate::peers::{self, Peer};
use crate::state::with_editor;

/// What we tell the others about ourselves.
#[derive(Clone, Default)]
struct Local {
    name: String,
    color: String,
    cursor: Option<(f64, f64)>,
    selection: Vec<String>,
    viewport: (f64, f64, f64),
    moderator: bool,
    voted: bool,
}

thread_local! {
    static AWARENESS: RefCell<Option<Awareness>> = const { RefCell::new(None) };
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
    static FLUSH_PENDING: Cell<bool> = const { Cell::new(false) };
    static PEERS: RefCell<Vec<Peer>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on the room's awareness, if presence started.
pub fn with_awareness<R>(f: impl FnOnce(&mut Awareness) -> R) -> Option<R> {
    AWARENESS.with(|a| a.try_borrow_mut().ok()?.as_mut().map(f))
}

const NAME_KEY: &str = "lernraum.name";
const COLOUR_KEY: &str = "lernraum.colour";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The display name this browser remembers, if the person chose one.
pub fn saved_name() -> Option<String> {
    storage()?
        .get_item(NAME_KEY)
        .ok()?
        .filter(|n| !n.trim().is_empty())
}

/// Remembers a `?name=` as this browser's display name (before the UI asks for one);
/// returns it, cut to the length peers accept, if it is not blank.
pub fn remember_query_name(query_name: Option<String>) -> Option<String> {
    let name = query_name
        .map(|n| n.chars().take(peers::MAX_NAME).collect::<String>())
        .filter(|n| !n.trim().is_empty());
    if let (Some(n), Some(s)) = (&name, storage()) {
        let _ = s.set_item(NAME_KEY, n);
    }
    name
}

/// Starts presence for the board's client id. `name`: `?name=`, else the remembered
/// name, else a friendly random one ("Gast 7").
pub fn start(client_id: u32, query_name: Option<String>, guest: &str, moderator: bool) {
    let store = storage();
    let name = remember_query_name(query_name)
        .or_else(saved_name)
        .unwrap_or_else(|| format!("{guest} {}", fastrand::u32(1..100)));
    let color = store
        .as_ref()
        .and_then(|s| s.get_item(COLOUR_KEY).ok().flatten())
        .filter(|c| peers::COLOURS.contains(&c.as_str()))
        .unwrap_or_else(|| {
            let c = peers::COLOURS[fastrand::usize(..peers::COLOURS.len())].to_string();
            if let Some(s) = &store {
                let _ = s.set_item(COLOUR_KEY, &c);
            }
            c
        });
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.name = name;
        l.color = color;
        l.moderator = moderator;
    });
    AWARENESS.with(|a| *a.borrow_mut() = Some(Awareness::new(client_id)));
    flush();
    tick();
    // Leaving: tell the others at once rather than letting them wait 30 s.
    let leave = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        let frame = with_awareness(|aw| aw.set_local_state(None, js_sys::Date::now()).ok())
            .flatten()
            .and_then(|c| c.broadcast);
        if let Some(f) = frame {
            super::send_all(&f);
        }
    });
    if let Some(w) = web_sys::window() {
        use wasm_bindgen::JsCast;
        let _ = w.add_event_listener_with_callback("pagehide", leave.as_ref().unchecked_ref());
    }
    leave.forget();
}

/// Our display name.
pub fn name() -> String {
    LOCAL.with(|l| l.borrow().name.clone())
}

/// Our cursor colour.
pub fn colour() -> String {
    LOCAL.with(|l| l.borrow().color.clone())
}

/// Changes our display name and remembers it in this browser.
pub fn set_name(name: &str) {
    let name: String = name.trim().chars().take(peers::MAX_NAME).collect();
    if name.is_empty() {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.set_item(NAME_KEY, &name);
    }
    LOCAL.with(|l| l.borrow_mut().name = name);
    schedule();
}

fn update(f: impl FnOnce(&mut Local) -> bool) {
    if LOCAL.with(|l| f(&mut l.borrow_mut())) {
        schedule();
    }
}

/// Where our pointer is on the board (`None`: it left the board).
pub fn set_cursor(at: Option<(f64, f64)>) {
    update(|l| {
        let changed = l.cursor != at;
        l.cursor = at;
        changed
    });
}

pub fn set_selection(ids: &[String]) {
    update(|l| {
        let changed = l.selection != ids;
        if changed {
            l.selection = ids.to_vec();
        }
        changed
    });
}

/// Whether this person has placed a dot in the open round (for "n have voted").
pub fn set_voted(voted: bool) {
    update(|l| {
        let changed = l.voted != voted;
        l.voted = voted;
        changed
    });
}

pub fn set_viewport(x: f64, y: f64, zoom: f64) {
    update(|l| {
        let changed = l.viewport != (x, y, zoom);
        l.viewport = (x, y, zoom);
        changed
    });
}

/// Sends our state within 50 ms, once however often it changed meanwhile.
fn schedule() {
    if FLUSH_PENDING.with(|p| p.replace(true)) {
        return;
    }
    set_timeout(
        || {
            FLUSH_PENDING.with(|p| p.set(false));
            flush();
        },
        Duration::from_millis(50),
    );
}

fn flush() {
    let local = LOCAL.with(|l| l.borrow().clone());
    let json = peers::state_json(&peers::Own {
        name: &local.name,
        color: &local.color,
        cursor: local.cursor,
        selection: &local.selection,
        viewport: local.viewport,
        moderator: local.moderator,
        clock: local.moderator.then(js_sys::Date::now),
        voted: local.voted,
    });
    let frame = with_awareness(|aw| aw.set_local_state(Some(&json), js_sys::Date::now()).ok())
        .flatten()
        .and_then(|c| c.broadcast);
    if let Some(f) = frame {
        super::send_all(&f);
    }
}

/// Every 3 s: renew ours (each 15 s), drop others silent for 30 s.
fn tick() {
    let change = with_awareness(|aw| aw.tick(js_sys::Date::now()));
    if let Some(change) = change {
        if let Some(f) = &change.broadcast {
            super::send_all(f);
        }
        if change.is_visible() {
            changed(&change);
        }
    }
    set_timeout(tick, Duration::from_millis(TICK_INTERVAL_MS as u64));
}

/// Re-reads everyone's state after a change and hands it to the editor and UI.
pub fn changed(change: &AwarenessChange) {
    if !change.is_visible() && change.renewed.is_empty() {
        return;
    }
    let list: Vec<Peer> = with_awareness(|aw| {
        let own = aw.client_id();
        aw.states()
            .filter(|(id, _)| *id != own)
            .filter_map(|(id, json)| peers::parse(id, json))
            .collect()
    })
    .unwrap_or_default();
    // A moderator's freshly sent state carries its clock (renewals repeat an old one).
    for p in &list {
        if p.moderator && (change.added.contains(&p.client) || change.updated.contains(&p.client)) {
            if let Some(c) = p.clock {
                crate::facilitation::set_moderator_clock(c);
            }
        }
    }
    PEERS.with(|p| *p.borrow_mut() = list.clone());
    with_editor(|ed| {
        // Following someone: glide along with their view.
        if let Some(f) = ed.following {
            match list.iter().find(|p| p.client == f) {
                Some(p) if change.updated.contains(&f) || change.added.contains(&f) => {
                    if let Some((x, y, z)) = p.viewport {
                        ed.glide_to(x, y, z, js_sys::Date::now(), 250.0);
                    }
                }
                None => ed.following = None,
                _ => {}
            }
        }
        // Repaint where their cursors and selections were and are now.
        let moved: Vec<u32> = change
            .added
            .iter()
            .chain(&change.updated)
            .chain(&change.removed)
            .copied()
            .collect();
        let mut areas = Vec::new();
        for p in ed.peers.iter().chain(&list) {
            if !moved.contains(&p.client) {
                continue;
            }
            if let Some((x, y)) = p.cursor {
                areas.push(crate::render::cursor_area(ed.camera, x, y));
            }
            for id in p.selection.iter().take(500) {
                if let Some(e) = ed.scene.get(id) {
                    areas.push(crate::scene::paint_bounds(e));
                }
            }
        }
        crate::state::add_damage(areas);
        ed.peers = list;
        ed.view_version += 1;
    });
    // Cursors move many times a second per person: redraw once per frame.
    crate::state::after_remote();
}

/// Everyone else present now.
pub fn peers() -> Vec<Peer> {
    PEERS.with(|p| p.borrow().clone())
}

/// Starts following `client`'s view (until this person moves the camera), or stops
/// when already following them.
pub fn follow(client: u32) {
    let target = PEERS.with(|p| {
        p.borrow()
            .iter()
            .find(|p| p.client == client)
            .and_then(|p| p.viewport)
    });
    with_editor(|ed| {
        if ed.following == Some(client) {
            ed.break_away();
        } else {
            ed.following = Some(client);
            if let Some((x, y, z)) = target {
                ed.glide_to(x, y, z, js_sys::Date::now(), 500.0);
            }
        }
    });
    crate::state::after_input();
}
