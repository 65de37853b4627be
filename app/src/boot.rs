//! Start-up: read the address, open (or create) the board, mount the UI, load the
//! stored document, and keep saving it. Every failure here becomes a visible message;
//! none of it may panic, since a panic ends the whole app on wasm.

use std::cell::RefCell;
use std::rc::Rc;

use crdt::{Board, LOAD};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::editor::Editor;
use crate::i18n::{t, Lang, Msg};
use crate::room::{LinkError, RoomLink};
use crate::state::{self, install_editor, install_ui, with_editor, Ui};
use crate::store::{KnownBoard, Store};
use crate::ui::{keys, App, Route};

thread_local! {
    static STORE: RefCell<Option<Rc<Store>>> = const { RefCell::new(None) };
    static LINK: RefCell<Option<RoomLink>> = const { RefCell::new(None) };
    static SAVE: RefCell<SaveState> = RefCell::new(SaveState::default());
}

#[derive(Default)]
struct SaveState {
    /// Appends issued and not finished yet (and a deferred save, while one waits).
    in_flight: u32,
    /// A save waits for more changes to store together.
    deferred: bool,
    /// Updates taken from the board and not stored yet.
    pending: Vec<Vec<u8>>,
    /// Write-ahead log keys of those made here, removed once they are stored.
    logged: Vec<String>,
    /// The stored board was read and folded into one snapshot (or could not be).
    loaded: bool,
    /// `whenSaved()` promises to resolve once nothing is in flight.
    waiters: Vec<js_sys::Function>,
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if getrandom::getrandom(&mut buf).is_err() {
        // No CSPRNG: fall back to fastrand so the app still opens. Rooms created this
        // way are guessable; say so in the log.
        log::error!("crypto.getRandomValues unavailable: using a weak random source");
        buf.iter_mut().for_each(|b| *b = fastrand::u8(..));
    }
    buf
}

fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|arr| arr.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

pub fn start() {
    crate::logger::init();
    console_error_panic_hook::set_once();
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let query_lang = params.as_ref().and_then(|p| p.get("lang"));
    let lang = Lang::pick(query_lang.as_deref(), &browser_languages());
    if let Some(doc) = window.document().and_then(|d| d.document_element()) {
        let _ = doc.set_attribute("lang", lang.code());
    }

    let hash = location.hash().unwrap_or_default();
    let (link, is_new) = match RoomLink::parse(&hash) {
        Ok(link) => (link, false),
        Err(LinkError::Empty) => {
            let link = RoomLink::create(random_bytes(), random_bytes(), random_bytes());
            if let Ok(history) = window.history() {
                let url = format!("{}{}", location.pathname().unwrap_or_default(), search);
                let _ = history.replace_state_with_url(
                    &JsValue::NULL,
                    "",
                    Some(&format!("{url}{}", link.fragment(true))),
                );
            }
            (link, true)
        }
        Err(LinkError::Malformed(reason)) => {
            log::warn!("malformed board link: {reason}");
            leptos::mount::mount_to_body(
                move || view! { <App route=Route::BrokenLink { lang, reason: reason.to_string() }/> },
            );
            return;
        }
    };

    let client_id = u32::from_le_bytes(random_bytes());
    let mut board = Board::new(client_id);
    if is_new {
        if let Err(e) = board.init_new(
            t(lang, Msg::UntitledBoard),
            link.moderator_public_key().as_deref(),
        ) {
            log::error!("could not initialise the board: {e}");
        }
    }
    let mut editor = Editor::new(board);
    editor.frame_title = t(lang, Msg::Frame).to_string();
    install_editor(editor);
    LINK.with(|l| *l.borrow_mut() = Some(link.clone()));
    let ui = Ui::new(lang);
    install_ui(ui);
    state::set_after_change(|| {
        crate::net::flush_outgoing();
        schedule_save();
        with_editor(|ed| crate::drafts::save(ed));
    });

    // `?name=` is the person's name: remembered before the UI decides to ask for one.
    crate::net::presence::remember_query_name(params.as_ref().and_then(|p| p.get("name")));
    leptos::mount::mount_to_body(move || view! { <App route=Route::Board(Box::new(ui))/> });

    window_event_listener(leptos::ev::keydown, keys::on_keydown);
    window_event_listener(leptos::ev::keyup, keys::on_keyup);
    window_event_listener(leptos::ev::copy, |ev| keys::on_copy(ev, false));
    window_event_listener(leptos::ev::cut, |ev| keys::on_copy(ev, true));
    window_event_listener(leptos::ev::paste, keys::on_paste);
    // Opening another board from the home view changes only the fragment: start fresh.
    window_event_listener(leptos::ev::hashchange, |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    crate::hooks::install(params.as_ref().and_then(|p| p.get("bench")));
    // Presence first, so every transport opens with our state.
    // Presence gets its own random id, not the document's client id: every item a
    // person writes carries the document id, so sharing it would let anyone who logs
    // awareness (names) tie contributions to people (Chatham House rule).
    crate::net::presence::start(
        u32::from_le_bytes(random_bytes()),
        params.as_ref().and_then(|p| p.get("name")),
        t(lang, Msg::Guest),
        link.moderator_public_key().is_some(),
    );
    // Other tabs of this browser with the same board sync directly, encrypted.
    crate::net::broadcast::connect(link.room.clone(), link.key.clone());
    // The WebRTC mesh, through the `?signal=` servers or the page's own /signal.
    crate::net::webrtc::connect(signaling_urls(), link.room.clone(), link.key.clone());
    if let Some(ws) = params.as_ref().and_then(|p| p.get("ws")) {
        match crate::net::websocket::room_url(&ws, &link.room) {
            Some(url) => {
                ui.server_note.set(true);
                crate::net::websocket::connect(url);
            }
            None => log::warn!("ignoring ?ws={ws}: not a ws:// or wss:// URL"),
        }
    }
    leptos::task::spawn_local(load(link, ui));
}

async fn load(link: RoomLink, ui: Ui) {
    match Store::open().await {
        Err(e) => {
            log::warn!("IndexedDB unavailable: {e}");
            ui.notice
                .set(Some(t(ui.lang, Msg::StorageUnavailable).to_string()));
        }
        Ok(store) => {
            let store = Rc::new(store);
            match store.load_raw(&link.room).await {
                Ok(raw) => {
                    let mut failed = None;
                    for value in &raw {
                        let applied = crate::store::as_bytes(value).and_then(|bytes| {
                            with_editor(|ed| ed.board.apply_update(&bytes, LOAD))
                                .unwrap_or(Err(crdt::BoardError::Busy))
                                .map_err(|e| e.to_string())
                        });
                        if let Err(e) = applied {
                            failed = Some(e);
                            break;
                        }
                    }
                    if let Some(reason) = failed {
                        log::warn!("stored board unreadable: {reason}");
                        // Keep the stored values exactly as they were, aside.
                        if let Err(q) = store.quarantine(&link.room, &raw, &reason).await {
                            log::error!("could not keep the unreadable data aside: {q}");
                        }
                        ui.notice
                            .set(Some(t(ui.lang, Msg::StoredDataUnreadable).to_string()));
                        // Start next to the kept data with an empty board of the same room.
                        let mut fresh = Board::new(u32::from_le_bytes(random_bytes()));
                        let _ = fresh.init_new(
                            t(ui.lang, Msg::UntitledBoard),
                            link.moderator_public_key().as_deref(),
                        );
                        install_editor(Editor::new(fresh));
                    }
                }
                Err(e) => {
                    // Reading failed as a whole: never write over what may still be
                    // there. This session keeps its edits in memory only.
                    log::warn!("stored board could not be read: {e}");
                    ui.notice
                        .set(Some(t(ui.lang, Msg::StorageUnavailable).to_string()));
                    ui.ready.set(true);
                    SAVE.with(|s| s.borrow_mut().loaded = true);
                    resolve_saved();
                    state::after_input();
                    return;
                }
            }
            // Edits whose IndexedDB write was cut short by a reload or a closed tab.
            let logged = crate::wal::entries(&link.room);
            for (key, bytes) in &logged {
                if let Some(Err(e)) = with_editor(|ed| ed.board.apply_update(bytes, LOAD)) {
                    log::warn!("write-ahead entry {key} unreadable: {e}");
                }
            }
            // Fold what was loaded (and anything typed meanwhile) into one snapshot.
            if let Some((snapshot, entry)) = with_editor(|ed| {
                ed.board.take_update_parts();
                (ed.board.encode(), known_board(&link, ed))
            }) {
                match store.compact(&entry, &snapshot).await {
                    Ok(()) => logged.iter().for_each(|(key, _)| crate::wal::remove(key)),
                    Err(e) => log::error!("saving the board failed: {e}"),
                }
            }
            STORE.with(|s| *s.borrow_mut() = Some(store));
            // Edits made while the snapshot was written.
            schedule_save();
        }
    }
    with_editor(|ed| ed.flush());
    crate::drafts::load().await;
    ui.ready.set(true);
    SAVE.with(|s| s.borrow_mut().loaded = true);
    resolve_saved();
    state::after_input();
}

fn known_board(link: &RoomLink, ed: &Editor) -> KnownBoard {
    KnownBoard {
        room: link.room.clone(),
        fragment: link.fragment(true),
        title: ed.board.title(),
        updated: js_sys::Date::now(),
    }
}

/// Stores the edits made since the last call, at once: one small append per burst of
/// edits. Each append is its own IndexedDB transaction, issued in the same task as the
/// edit; IndexedDB runs them in order, so nothing waits behind a slower save and a
/// reload right after typing still finds the text.
pub fn schedule_save() {
    if STORE.with(|s| s.borrow().is_none()) {
        // Not loaded yet: `load` stores everything when it is done.
        return;
    }
    // Edits made here are written to the write-ahead log at once (synchronously, so
    // they survive the tab closing in the next millisecond). The IndexedDB append, for
    // them and for what came from peers, waits a little and takes everything since
    // together: with several people typing, one IndexedDB transaction per edit or per
    // animation frame would cost more than everything else the page does.
    take_and_log();
    let start = SAVE.with(|s| {
        let mut s = s.borrow_mut();
        let start = !s.deferred && !s.pending.is_empty();
        if start {
            s.deferred = true;
            s.in_flight += 1;
        }
        start
    });
    if start {
        leptos::prelude::set_timeout(
            || {
                SAVE.with(|s| s.borrow_mut().deferred = false);
                save_now();
                finish_save();
                // Left over (the editor was busy): try again a little later.
                if SAVE.with(|s| !s.borrow().pending.is_empty()) {
                    schedule_save();
                }
            },
            std::time::Duration::from_millis(SAVE_DELAY_MS),
        );
    }
}

/// How long changes wait to be stored together in IndexedDB.
const SAVE_DELAY_MS: u64 = 300;

/// Takes the board's new updates into the pending save; those made here go to the
/// write-ahead log first. What came from peers does not: they still hold it if this
/// page goes away, and a board arriving from a peer (megabytes) would fill localStorage.
fn take_and_log() {
    let Some(link) = LINK.with(|l| l.borrow().clone()) else {
        return;
    };
    let Some(parts) = with_editor(|ed| ed.board.take_update_parts()) else {
        return;
    };
    if parts.is_empty() {
        return;
    }
    let logged: Vec<String> = parts
        .iter()
        .filter(|(_, here)| *here)
        .filter_map(|(u, _)| crate::wal::write(&link.room, u))
        .collect();
    SAVE.with(|s| {
        let mut s = s.borrow_mut();
        s.pending.extend(parts.into_iter().map(|(u, _)| u));
        s.logged.extend(logged);
    });
}

/// One save (or deferral) finished: resolves `whenSaved()` once none is left.
fn finish_save() {
    SAVE.with(|s| s.borrow_mut().in_flight -= 1);
    resolve_saved();
}

/// Resolves the `whenSaved()` promises if the board is loaded and nothing is in flight.
fn resolve_saved() {
    let waiters = SAVE.with(|s| {
        let mut s = s.borrow_mut();
        if s.loaded && s.in_flight == 0 {
            std::mem::take(&mut s.waiters)
        } else {
            Vec::new()
        }
    });
    for w in waiters {
        let _ = w.call0(&JsValue::NULL);
    }
}

/// Stores the updates not stored yet, now (one IndexedDB transaction).
fn save_now() {
    let store = STORE.with(|s| s.borrow().clone());
    let link = LINK.with(|l| l.borrow().clone());
    let (Some(store), Some(link)) = (store, link) else {
        return;
    };
    take_and_log();
    if SAVE.with(|s| s.borrow().pending.is_empty()) {
        return;
    }
    // The editor busy (a re-entrant call): the next save takes everything.
    let Some(entry) = with_editor(|ed| known_board(&link, ed)) else {
        return;
    };
    let (updates, logged) = SAVE.with(|s| {
        let mut s = s.borrow_mut();
        s.in_flight += 1;
        (
            std::mem::take(&mut s.pending),
            std::mem::take(&mut s.logged),
        )
    });
    leptos::task::spawn_local(async move {
        match store.append(&entry, &updates).await {
            // Only now are the logged edits in IndexedDB.
            Ok(()) => logged.iter().for_each(|key| crate::wal::remove(key)),
            Err(e) => log::error!("saving the board failed: {e}"),
        }
        finish_save();
    });
}

/// A promise that resolves once the stored board has been read and every change so far
/// is stored.
pub fn when_saved() -> js_sys::Promise {
    // Changes received but not yet read in (they wait for the next frame) count too.
    crate::state::refresh_if_remote();
    js_sys::Promise::new(&mut |resolve, _reject| {
        let idle = SAVE.with(|s| {
            let mut s = s.borrow_mut();
            if !s.loaded || s.in_flight > 0 {
                s.waiters.push(resolve.clone());
                false
            } else {
                true
            }
        });
        if idle {
            let _ = resolve.call0(&JsValue::NULL);
        }
    })
}

/// The participant link's fragment, and the moderator's where this browser has the
/// moderator secret.
pub fn share_fragments() -> (String, Option<String>) {
    LINK.with(|l| match l.borrow().as_ref() {
        Some(link) => (
            link.fragment(false),
            link.moderator_secret.is_some().then(|| link.fragment(true)),
        ),
        None => (String::new(), None),
    })
}

/// The y-webrtc signaling servers: every `?signal=URL` (ws: or wss:), else the page's
/// own origin at `/signal` (ROOMS.md).
pub fn signaling_urls() -> Vec<String> {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return Vec::new();
    };
    let search = loc.search().unwrap_or_default();
    let given: Vec<String> = web_sys::UrlSearchParams::new_with_str(&search)
        .map(|p| {
            p.get_all("signal")
                .iter()
                .filter_map(|v| v.as_string())
                .filter(|u| u.starts_with("ws://") || u.starts_with("wss://"))
                .collect()
        })
        .unwrap_or_default();
    if !given.is_empty() {
        return given;
    }
    let scheme = if loc.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    vec![format!(
        "{scheme}://{}/signal",
        loc.host().unwrap_or_default()
    )]
}

/// The y-websocket server (`?ws=`) the board also syncs through, if any.
pub fn server_url() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let ws = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("ws")?;
    let link = LINK.with(|l| l.borrow().clone())?;
    crate::net::websocket::room_url(&ws, &link.room)
}

/// The board link this page was opened with.
/// This browser's IndexedDB store, once the board is loaded (`None` before, or when
/// IndexedDB is unavailable).
pub fn store() -> Option<Rc<Store>> {
    STORE.with(|s| s.borrow().clone())
}

pub fn link() -> Option<RoomLink> {
    LINK.with(|l| l.borrow().clone())
}
