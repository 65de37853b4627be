//! Lernraum: a workshop whiteboard that runs entirely in the browser.
//!
//! Modules: `editor` (DOM-free editing state), `tools` (state machines), `scene`
//! (spatial index), `camera`, `render` (Canvas 2D), `ui` (Leptos chrome), `store`
//! (IndexedDB), `room` (board links), `i18n`, `boot` (start-up), `hooks` (test and
//! bench hooks). The board document itself lives in the `crdt` crate.

mod boot;
mod camera;
mod clipboard;
mod drafts;
mod editor;
mod export;
mod facilitation;
mod hooks;
mod i18n;
mod kinds;
mod logger;
mod net;
mod outline;
mod paint;
mod palette;
mod peers;
mod render;
mod room;
mod scene;
mod state;
mod store;
mod templates;
mod text_layout;
mod tools;
mod ui;
mod voting;
mod wal;

// The global allocator (talc) in the browser.
use heap as _;

fn main() {
    boot::start();
}
