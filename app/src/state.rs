//! The running board: the editor lives in a thread-local (the app is single-threaded
//! wasm), the UI reads it back into small signals. Rules that keep this safe:
//! - borrow the editor only through `with_editor`, never across an `.await`;
//! - set signals after the borrow ends (`refresh`), so effects never re-enter it.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;

use crate::editor::Editor;
use crate::i18n::Lang;
use crate::tools::Tool;

pub use crate::outline::OutlineItem;
use crate::outline::{outline_items, schedule_outline, set_outline, OUTLINE_SYNC_LIMIT};
pub use crate::paint::{add_damage, paint_counts, paint_now, set_drawer};

thread_local! {
    static EDITOR: RefCell<Option<Editor>> = const { RefCell::new(None) };
    static FRAME_PENDING: Cell<bool> = const { Cell::new(false) };
    static UI: Cell<Option<Ui>> = const { Cell::new(None) };
    static AFTER_CHANGE: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
    static LAST_CONTENT: Cell<u64> = const { Cell::new(u64::MAX) };
    /// Remote changes arrived since the last `refresh`.
    static REMOTE_PENDING: Cell<bool> = const { Cell::new(false) };
    /// The next frame repaints everything (anything but remote changes asked for it).
    static FULL_PENDING: Cell<bool> = const { Cell::new(true) };
    /// When the last frame was painted (`Date.now`, ms).
    static LAST_PAINT: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    /// The vote marks changed in the last `refresh` (for `Ui::tally`).
    static TALLY_CHANGED: Cell<bool> = const { Cell::new(false) };
}

/// Reads remote changes still waiting for their frame into the UI state now (so
/// what follows, such as storing, sees them).
pub fn refresh_if_remote() {
    if REMOTE_PENDING.with(|p| p.get()) {
        refresh();
    }
}

/// Whether a frame or a refresh for remote changes is still to come.
pub fn frame_pending() -> bool {
    FRAME_PENDING.with(|p| p.get()) || REMOTE_PENDING.with(|p| p.get())
}

pub fn install_editor(editor: Editor) {
    EDITOR.with(|e| *e.borrow_mut() = Some(editor));
}

/// Runs `f` on the editor; `None` if there is none or it is busy (re-entrant call).
pub fn with_editor<R>(f: impl FnOnce(&mut Editor) -> R) -> Option<R> {
    EDITOR.with(|cell| match cell.try_borrow_mut() {
        Ok(mut guard) => guard.as_mut().map(f),
        Err(_) => {
            log::warn!("editor busy: input dropped");
            None
        }
    })
}

/// Sets what runs after the board content changed (persistence).
pub fn set_after_change(f: impl Fn() + 'static) {
    AFTER_CHANGE.with(|d| *d.borrow_mut() = Some(Box::new(f)));
}

/// Where the text editor overlay sits (CSS px, relative to the board).
#[derive(Debug, Clone, PartialEq)]
pub struct EditBox {
    pub id: String,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub zoom: f64,
    pub color: String,
    /// Free text (left-aligned, no fill) rather than a boxed label.
    pub free_text: bool,
    /// An arrow's label: centred on the arrow's middle, where it is drawn.
    pub arrow_label: bool,
    /// One line (frame titles, arrow labels): Enter finishes editing.
    pub single_line: bool,
}

/// The state of one connection, as the People panel shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Offline,
    Connecting,
    Connected,
    Synced,
}

/// Every transport's state. `None`: that transport is not in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connections {
    pub tabs: Link,
    pub server: Option<Link>,
    pub peers: Option<Link>,
}

impl Connections {
    /// No connection beyond this browser: edits wait (kept) until one comes back.
    pub fn offline(&self) -> bool {
        let up = |l: Option<Link>| matches!(l, Some(Link::Connected | Link::Synced));
        !up(self.server) && !up(self.peers)
    }
}

/// The transports' states now.
pub fn connections() -> Connections {
    use crate::net::websocket::{self, WsState};
    Connections {
        tabs: if crate::net::broadcast::is_open() {
            Link::Connected
        } else {
            Link::Offline
        },
        server: websocket::state().map(|s| match s {
            WsState::Connecting => Link::Connecting,
            WsState::Synced => Link::Synced,
            WsState::Offline => Link::Offline,
        }),
        peers: {
            use crate::net::signaling::SignalingState;
            let w = crate::net::webrtc::status();
            Some(match (w.peers, w.signaling) {
                (n, _) if n > 0 => Link::Synced,
                (_, SignalingState::Connected) => Link::Connected,
                (_, SignalingState::Connecting) => Link::Connecting,
                (_, SignalingState::Offline) => Link::Offline,
            })
        },
    }
}

/// Someone else in the room, as the People panel lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Has voted in the open round (a flag from awareness).
    pub voted: bool,
    pub client: u32,
    pub name: String,
    pub color: String,
    pub moderator: bool,
}

/// The signals the chrome renders from. All `Copy`.
#[derive(Clone, Copy)]
pub struct Ui {
    pub lang: Lang,
    pub tool: RwSignal<Tool>,
    /// "Keep tool active" is on.
    pub keep_tool: RwSignal<bool>,
    pub selection: RwSignal<Vec<String>>,
    pub selected_color: RwSignal<Option<String>>,
    pub outline: RwSignal<Vec<OutlineItem>>,
    pub title: RwSignal<String>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    pub editing: RwSignal<Option<EditBox>>,
    pub zoom: RwSignal<f64>,
    pub notice: RwSignal<Option<String>>,
    pub show_home: RwSignal<bool>,
    /// The template gallery was asked for.
    pub show_templates: RwSignal<bool>,
    /// The context menu is open at this point (CSS px, page).
    pub menu: RwSignal<Option<(f64, f64)>>,
    pub ready: RwSignal<bool>,
    /// The board syncs through a y-websocket server, which can read it.
    pub server_note: RwSignal<bool>,
    /// The other people in the room, live (presence).
    pub people: RwSignal<Vec<Person>>,
    /// The timer in force (moderator's signed `control` entry).
    pub timer: RwSignal<crdt::timer::Timer>,
    /// This browser holds the board's moderator secret.
    pub moderator: RwSignal<bool>,
    /// Private mode is on for this person (new notes are drafts).
    pub private_mode: RwSignal<bool>,
    /// The moderator's private mode is on (for the moderator's Reveal button).
    pub private_on: RwSignal<bool>,
    /// Votes left in the open round.
    pub votes_left: RwSignal<Option<u32>>,
    /// The round in force: (id, open, results shown).
    pub voting: RwSignal<Option<(u32, bool, bool)>>,
    /// The moderator's voting panel is open.
    pub show_voting: RwSignal<bool>,
    /// The Results panel is open.
    pub show_results: RwSignal<bool>,
    /// Bumped whenever the vote marks (dots or totals) change: ballots arrived.
    pub tally: RwSignal<u64>,
    /// The moderator locked the board (for participants).
    pub board_locked: RwSignal<bool>,
    /// Some selected element is locked by the moderator.
    pub selection_locked: RwSignal<bool>,
    /// The Chatham House rule is in force (the default).
    pub chatham: RwSignal<bool>,
    /// Names on cursors are hidden (the moderator's "anonymous cursors").
    pub anonymous_cursors: RwSignal<bool>,
    /// The client this person follows.
    pub following: RwSignal<Option<u32>>,
    /// The moderator's Timer panel is open.
    pub show_timer: RwSignal<bool>,
    /// The transports' states.
    pub connections: RwSignal<Connections>,
    /// The People panel is open.
    pub show_people: RwSignal<bool>,
    /// The Share dialog is open.
    pub show_share: RwSignal<bool>,
    /// The Export dialog is open.
    pub show_export: RwSignal<bool>,
    /// A board file was opened or dropped: its name and element count, waiting for
    /// "Open" or "Merge" (the bytes wait in `ui::export`).
    pub import: RwSignal<Option<(String, usize)>>,
}

impl Ui {
    pub fn new(lang: Lang) -> Ui {
        Ui {
            lang,
            tool: RwSignal::new(Tool::Select),
            keep_tool: RwSignal::new(false),
            selection: RwSignal::new(Vec::new()),
            selected_color: RwSignal::new(None),
            outline: RwSignal::new(Vec::new()),
            title: RwSignal::new(String::new()),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            editing: RwSignal::new(None),
            zoom: RwSignal::new(1.0),
            notice: RwSignal::new(None),
            show_home: RwSignal::new(false),
            show_templates: RwSignal::new(false),
            menu: RwSignal::new(None),
            ready: RwSignal::new(false),
            server_note: RwSignal::new(false),
            people: RwSignal::new(Vec::new()),
            show_people: RwSignal::new(false),
            timer: RwSignal::new(crdt::timer::Timer::Stopped),
            moderator: RwSignal::new(false),
            show_timer: RwSignal::new(false),
            board_locked: RwSignal::new(false),
            votes_left: RwSignal::new(None),
            private_mode: RwSignal::new(false),
            private_on: RwSignal::new(false),
            voting: RwSignal::new(None),
            show_voting: RwSignal::new(false),
            show_results: RwSignal::new(false),
            tally: RwSignal::new(0),
            selection_locked: RwSignal::new(false),
            chatham: RwSignal::new(true),
            anonymous_cursors: RwSignal::new(false),
            following: RwSignal::new(None),
            connections: RwSignal::new(Connections {
                tabs: Link::Offline,
                server: None,
                peers: None,
            }),
            show_share: RwSignal::new(false),
            show_export: RwSignal::new(false),
            import: RwSignal::new(None),
        }
    }
}

pub fn install_ui(ui: Ui) {
    UI.with(|u| u.set(Some(ui)));
}

pub fn ui() -> Option<Ui> {
    UI.with(|u| u.get())
}

pub(crate) fn set_if_changed<T: PartialEq + Send + Sync + 'static>(s: RwSignal<T>, v: T) {
    if s.with_untracked(|cur| *cur != v) {
        s.set(v);
    }
}

/// Reads the editor into the UI signals. Cheap when nothing changed.
pub fn refresh() {
    let from_remote = REMOTE_PENDING.with(|p| p.replace(false));
    let Some(ui) = ui() else { return };
    let lang = ui.lang;
    let last = LAST_CONTENT.with(|c| c.get());
    let snap = with_editor(|ed| {
        ed.flush();
        let content_changed = ed.content_version != last;
        if content_changed {
            if crate::facilitation::refresh(&ed.board) {
                crate::facilitation::apply(ed);
            }
            if crate::voting::update(ed) {
                ed.vote_marks = crate::voting::marks();
                ed.view_version += 1;
                TALLY_CHANGED.with(|t| t.set(true));
            }
        }
        let moderator = crate::facilitation::is_moderator(&ed.board);
        ed.scene.locks.moderator = moderator;
        if content_changed && crate::drafts::apply(ed, moderator) {
            ed.view_version += 1;
        }
        // Others' edits rebuild the outline a little later (coalesced): with many
        // people typing, rebuilding it every frame would cost more than the board.
        let outline_now = content_changed && ed.scene.len() <= OUTLINE_SYNC_LIMIT && !from_remote;
        let outline = outline_now.then(|| outline_items(ed, lang));
        let editing = ed.editing.as_ref().and_then(|id| {
            let e = ed.scene.get(id)?;
            let z = ed.camera.z;
            // A frame's title is edited on its title strip, above the frame; an
            // arrow's label on the arrow's middle, where it is drawn.
            let (x, y, w, h) = match e.kind {
                crdt::Kind::Frame => (
                    e.x,
                    e.y - crate::kinds::frame::TITLE_BAR,
                    e.w,
                    crate::kinds::frame::TITLE_BAR,
                ),
                crdt::Kind::Arrow => {
                    let scene = &ed.scene;
                    let target = |id: &str| {
                        let t = scene.get(id)?;
                        Some((t.bounds(), t.kind == crdt::Kind::Ellipse))
                    };
                    let (a, b) = crate::kinds::arrow::resolve(e, &target);
                    let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                    let (w, h) = crate::kinds::arrow::LABEL_EDIT_BOX;
                    (mx - w / 2.0, my - h / 2.0, w, h)
                }
                _ => (e.x, e.y, e.w, e.h),
            };
            let (left, top) = ed.camera.to_screen(x, y);
            Some(EditBox {
                id: id.clone(),
                left,
                top,
                width: w * z,
                height: h * z,
                zoom: z,
                color: e.color.clone(),
                free_text: matches!(e.kind, crdt::Kind::Text | crdt::Kind::Frame),
                arrow_label: e.kind == crdt::Kind::Arrow,
                single_line: matches!(e.kind, crdt::Kind::Frame | crdt::Kind::Arrow),
            })
        });
        let color = ed
            .selection
            .first()
            .and_then(|id| ed.scene.get(id))
            .map(|e| e.color.clone());
        (
            ed.tool,
            ed.selection.clone(),
            color,
            outline,
            ed.board.title(),
            ed.board.can_undo(),
            ed.board.can_redo(),
            editing,
            ed.camera,
            ed.content_version,
            ed.peers
                .iter()
                .map(|p| Person {
                    voted: p.voted,
                    client: p.client,
                    name: p.name.clone(),
                    color: p.color.clone(),
                    moderator: p.moderator,
                })
                .collect::<Vec<_>>(),
            moderator,
        )
    });
    let Some((
        tool,
        selection,
        color,
        outline,
        title,
        can_undo,
        can_redo,
        editing,
        camera,
        version,
        people,
        moderator,
    )) = snap
    else {
        return;
    };
    let zoom = camera.z;
    if TALLY_CHANGED.with(|t| t.replace(false)) {
        ui.tally.update(|n| *n += 1);
    }
    // Drafts stay private: not even their ids go into presence.
    let shared: Vec<String> = with_editor(|ed| {
        selection
            .iter()
            .filter(|id| !ed.draft_ids.contains(*id))
            .cloned()
            .collect()
    })
    .unwrap_or_default();
    crate::net::presence::set_selection(&shared);
    if let Some((cx, cy)) = with_editor(|ed| {
        crate::camera::centre_of(ed.camera, ed.viewport.0.max(1.0), ed.viewport.1.max(1.0))
    }) {
        crate::net::presence::set_viewport(cx, cy, camera.z);
    }
    set_if_changed(ui.people, people);
    set_if_changed(ui.moderator, moderator);
    set_if_changed(ui.timer, crate::facilitation::timer());
    set_if_changed(ui.votes_left, crate::voting::votes_left());
    crate::net::presence::set_voted(crate::voting::has_voted());
    set_if_changed(
        ui.private_on,
        matches!(crate::drafts::setting(), Some((true, _))),
    );
    if let Some(p) = with_editor(|ed| ed.private_mode) {
        set_if_changed(ui.private_mode, p);
    }
    set_if_changed(
        ui.voting,
        crate::voting::round().map(|r| (r.id, r.is_open(), r.shows_results())),
    );
    if let Some((board_locked, selection_locked, following)) = with_editor(|ed| {
        let l = &ed.scene.locks;
        (
            l.board,
            ed.selection.iter().any(|id| l.elements.contains(id)),
            ed.following,
        )
    }) {
        set_if_changed(ui.board_locked, board_locked);
        set_if_changed(ui.selection_locked, selection_locked);
        set_if_changed(ui.following, following);
    }
    let (chatham, anonymous) = crate::facilitation::chatham();
    with_editor(|ed| {
        if ed.anonymous_cursors != anonymous {
            ed.anonymous_cursors = anonymous;
            ed.view_version += 1;
        }
    });
    set_if_changed(ui.chatham, chatham);
    set_if_changed(ui.anonymous_cursors, anonymous);
    set_if_changed(ui.connections, connections());
    set_if_changed(ui.tool, tool);
    if let Some(keep) = with_editor(|ed| ed.keep_tool) {
        set_if_changed(ui.keep_tool, keep);
    }
    set_if_changed(ui.selection, selection);
    set_if_changed(ui.selected_color, color);
    if version != last {
        LAST_CONTENT.with(|c| c.set(version));
        match outline {
            Some(items) => set_outline(ui, items),
            None => schedule_outline(ui),
        }
        if last != u64::MAX {
            AFTER_CHANGE.with(|f| {
                if let Some(f) = f.borrow().as_ref() {
                    f();
                }
            });
        }
    }
    set_if_changed(ui.title, title);
    set_if_changed(ui.can_undo, can_undo);
    set_if_changed(ui.can_redo, can_redo);
    set_if_changed(ui.editing, editing);
    set_if_changed(ui.zoom, zoom);
}

/// Asks for one redraw on the next animation frame (coalesced).
pub fn schedule_frame() {
    mark_full();
    request_frame();
}

/// The next frame repaints everything.
pub(crate) fn mark_full() {
    FULL_PENDING.with(|f| f.set(true));
}

/// A redraw on the next animation frame: only the damaged areas, unless a full
/// repaint was asked for or the view changed.
fn request_frame() {
    if FRAME_PENDING.with(|p| p.replace(true)) {
        return;
    }
    request_animation_frame(|| {
        FRAME_PENDING.with(|p| p.set(false));
        let now = js_sys::Date::now();
        let gliding = with_editor(|ed| ed.step_glide(now)).unwrap_or(false);
        // One refresh per frame, before painting: remote changes reach the UI state
        // first (vote totals, locks, drafts to publish, a glide to the moderator's
        // view…), so this frame paints what they lead to, and the camera's glide step
        // and changes that only asked for a frame (a pan) reach the signals.
        refresh();
        // While a board arrives from others (more changed elements than are worth
        // listing), paint at most every BULK_FRAME_MS: each frame repaints the view and
        // sorts the board, time the newcomer needs to apply the pieces still coming.
        let full = FULL_PENDING.with(|f| f.get());
        let arriving = !full
            && !gliding
            && now - LAST_PAINT.with(|t| t.get()) < BULK_FRAME_MS
            && with_editor(|ed| ed.scene.damage_is_everything()).unwrap_or(false);
        if arriving {
            request_frame();
        } else {
            FULL_PENDING.with(|f| f.set(false));
            LAST_PAINT.with(|t| t.set(now));
            crate::paint::paint(full);
        }
        // Still gliding (or a glide just started in the refresh above): next frame.
        if gliding || with_editor(|ed| ed.glide.is_some()).unwrap_or(false) {
            schedule_frame();
        }
    });
}

/// The shortest time between two frames painted while a board arrives from others.
const BULK_FRAME_MS: f64 = 100.0;

/// After input: update signals now, redraw on the next frame.
pub fn after_input() {
    refresh();
    schedule_frame();
}

/// After a change from a peer or server: signals, saving and the redraw once per
/// animation frame, however many messages arrive in it (a board sent as 40 pieces is
/// read into the scene, the outline and the store once per frame, not 40 times). A
/// timer covers hidden tabs, where animation frames do not run.
pub fn after_remote() {
    if REMOTE_PENDING.with(|p| p.replace(true)) {
        return;
    }
    request_frame();
    set_timeout(
        || {
            if REMOTE_PENDING.with(|p| p.get()) {
                // Like the frame would: no full repaint (that is for own input), and
                // while a board arrives the frame waits its turn.
                refresh();
                request_frame();
            }
        },
        std::time::Duration::from_millis(REMOTE_FALLBACK_MS),
    );
}

/// How long `after_remote` waits for an animation frame before refreshing anyway.
const REMOTE_FALLBACK_MS: u64 = 100;
