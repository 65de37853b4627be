//! The outline (UI.md): every element as "Kind: text" in paint order, nested under
//! its frame, built from the scene; at once after each change on boards up to
//! `OUTLINE_SYNC_LIMIT` elements, else coalesced.

use std::cell::Cell;

use leptos::prelude::*;

use crate::editor::Editor;
use crate::i18n::{kind_name, Lang};
use crate::state::{set_if_changed, with_editor, Ui};

thread_local! {
    static OUTLINE_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// One outline entry (UI.md): "Kind: text", in paint order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineItem {
    pub id: String,
    pub label: String,
    /// The frame this element belongs to, if that frame exists.
    pub parent: Option<String>,
}

/// Up to this many elements the outline follows every change at once; above, it is
/// rebuilt at most every `OUTLINE_DELAY_MS`, so drags on big boards stay smooth.
pub(crate) const OUTLINE_SYNC_LIMIT: usize = 1000;
const OUTLINE_DELAY_MS: u64 = 250;

pub(crate) fn outline_items(ed: &mut Editor, lang: Lang) -> Vec<OutlineItem> {
    ed.scene.ensure_order();
    let ordered = ed.scene.in_order();
    let frames: std::collections::HashSet<&str> = ordered
        .iter()
        .filter(|e| e.kind == crdt::Kind::Frame)
        .map(|e| e.id.as_str())
        .collect();
    ordered
        .iter()
        .map(|e| OutlineItem {
            id: e.id.clone(),
            label: format!(
                "{}: {}",
                kind_name(lang, &e.kind),
                outline_text(e, &ed.scene)
            ),
            parent: e.parent.clone().filter(|p| frames.contains(p.as_str())),
        })
        .collect()
}

/// What the outline says about an element: its text; for an arrow without a label,
/// what it connects ("Ursachen → Spannungsfelder"), so a screen reader hears the map.
fn outline_text(e: &crdt::Element, scene: &crate::scene::Scene) -> String {
    if e.kind != crdt::Kind::Arrow || !e.text.is_empty() {
        return e.text.clone();
    }
    let end = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| scene.get(id))
            .map(|t| t.text.lines().next().unwrap_or("").to_string())
    };
    match (end(&e.from), end(&e.to)) {
        (None, None) => String::new(),
        (a, b) => format!("{} → {}", a.unwrap_or_default(), b.unwrap_or_default()),
    }
}

pub(crate) fn set_outline(ui: Ui, items: Vec<OutlineItem>) {
    let ids: std::collections::HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    crate::paint::prune(|id| ids.contains(id));
    set_if_changed(ui.outline, items);
}

pub(crate) fn schedule_outline(ui: Ui) {
    if OUTLINE_PENDING.with(|p| p.replace(true)) {
        return;
    }
    set_timeout(
        move || {
            OUTLINE_PENDING.with(|p| p.set(false));
            if let Some(items) = with_editor(|ed| outline_items(ed, ui.lang)) {
                set_outline(ui, items);
            }
        },
        std::time::Duration::from_millis(OUTLINE_DELAY_MS),
    );
}
