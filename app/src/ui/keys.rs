//! Keyboard shortcuts of UI.md, as a data table, and the handler that applies them
//! while focus is on the board or the page (never while typing in a field).

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::editor::Editor;
use leptos::prelude::Set;

use crate::state::{after_input, with_editor};
use crate::tools::Tool;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shortcut {
    Undo,
    Redo,
    SelectAll,
    Delete,
    Escape,
    ZoomToFit,
    ZoomReset,
    Enter,
    Nudge(f64, f64),
    Tool(Tool),
    Front,
    Back,
    KeepTool,
    Duplicate,
}

/// Key → shortcut. `code` is the physical key (layout-independent for digits).
pub fn lookup(key: &str, code: &str, ctrl: bool, shift: bool, alt: bool) -> Option<Shortcut> {
    if alt {
        return None;
    }
    let step = if shift { 10.0 } else { 1.0 };
    let k = key.to_ascii_lowercase();
    Some(match (ctrl, shift, k.as_str(), code) {
        (true, false, "z", _) => Shortcut::Undo,
        (true, true, "z", _) | (true, false, "y", _) => Shortcut::Redo,
        (true, false, "a", _) => Shortcut::SelectAll,
        (true, false, "d", _) => Shortcut::Duplicate,
        (true, true, _, "BracketRight") => Shortcut::Front,
        (true, true, _, "BracketLeft") => Shortcut::Back,
        (false, true, _, "Digit1") => Shortcut::ZoomToFit,
        (false, true, _, "Digit0") => Shortcut::ZoomReset,
        (false, _, "delete" | "backspace", _) => Shortcut::Delete,
        (false, _, "escape", _) => Shortcut::Escape,
        (false, false, "enter", _) => Shortcut::Enter,
        (false, _, "arrowleft", _) => Shortcut::Nudge(-step, 0.0),
        (false, _, "arrowright", _) => Shortcut::Nudge(step, 0.0),
        (false, _, "arrowup", _) => Shortcut::Nudge(0.0, -step),
        (false, _, "arrowdown", _) => Shortcut::Nudge(0.0, step),
        (false, false, "q", _) => Shortcut::KeepTool,
        (false, false, k, _) if k.len() == 1 => Shortcut::Tool(Tool::from_key(k)?),
        _ => return None,
    })
}

fn run(s: Shortcut, ed: &mut Editor) {
    match s {
        Shortcut::Undo => ed.undo(),
        Shortcut::Redo => ed.redo(),
        Shortcut::SelectAll => ed.select_all(),
        Shortcut::Delete => ed.delete_selection(),
        Shortcut::Escape => {
            ed.set_tool(Tool::Select);
            ed.set_selection(Vec::new());
        }
        Shortcut::ZoomToFit => ed.zoom_to_fit(),
        Shortcut::ZoomReset => ed.zoom_reset(),
        Shortcut::Enter => {
            if ed.tool == Tool::Note {
                ed.create_note_at_centre();
            } else if let [id] = ed.selection.as_slice() {
                let id = id.clone();
                ed.start_editing(&id);
            }
        }
        Shortcut::Nudge(dx, dy) => ed.nudge_selection(dx, dy),
        Shortcut::Tool(t) => ed.set_tool(t),
        Shortcut::Front => ed.reorder_selection(crdt::Layer::Front),
        Shortcut::Back => ed.reorder_selection(crdt::Layer::Back),
        Shortcut::KeepTool => ed.keep_tool = !ed.keep_tool,
        Shortcut::Duplicate => ed.duplicate_selection(),
    }
}

/// Whether the event comes from a place where keys mean typing or activation.
fn from_control(ev: &KeyboardEvent) -> (bool, bool) {
    let el = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok());
    let Some(el) = el else { return (false, false) };
    let tag = el.tag_name().to_ascii_lowercase();
    let typing =
        matches!(tag.as_str(), "input" | "textarea" | "select") || el.is_content_editable();
    let activates = matches!(tag.as_str(), "button" | "a" | "li");
    (typing, activates)
}

/// The window-level keydown handler.
pub fn on_keydown(ev: KeyboardEvent) {
    let (typing, activates) = from_control(&ev);
    if typing {
        return;
    }
    let ctrl = ev.ctrl_key() || ev.meta_key();
    if ev.key() == "ContextMenu" || (ev.key() == "F10" && ev.shift_key()) {
        ev.prevent_default();
        open_menu_from_keyboard();
        return;
    }
    if ev.key() == " " && !activates {
        with_editor(|ed| ed.space_held = true);
        ev.prevent_default();
        return;
    }
    let Some(shortcut) = lookup(&ev.key(), &ev.code(), ctrl, ev.shift_key(), ev.alt_key()) else {
        return;
    };
    // Enter on a button or link activates it; arrows in lists are handled there.
    if activates
        && matches!(
            shortcut,
            Shortcut::Enter | Shortcut::Delete | Shortcut::Nudge(..)
        )
    {
        return;
    }
    ev.prevent_default();
    with_editor(|ed| run(shortcut, ed));
    after_input();
}

/// Copy and cut of the selection through the system clipboard (the browser's copy and
/// cut events, so no permission prompt), unless a text field has the focus.
pub fn on_copy(ev: web_sys::ClipboardEvent, cut: bool) {
    if from_clipboard_field(&ev) {
        return;
    }
    let text = with_editor(|ed| {
        if cut {
            ed.cut_selection()
        } else {
            ed.copy_selection()
        }
    })
    .flatten();
    if let (Some(text), Some(data)) = (text, ev.clipboard_data()) {
        if data.set_data("text/plain", &text).is_ok() {
            ev.prevent_default();
        }
        after_input();
    }
}

/// Paste: Lernraum elements, or one note per line of plain text.
pub fn on_paste(ev: web_sys::ClipboardEvent) {
    if from_clipboard_field(&ev) {
        return;
    }
    let Some(text) = ev
        .clipboard_data()
        .and_then(|d| d.get_data("text/plain").ok())
    else {
        return;
    };
    ev.prevent_default();
    with_editor(|ed| ed.paste_text(&text));
    after_input();
}

fn from_clipboard_field(ev: &web_sys::ClipboardEvent) -> bool {
    let el = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok());
    el.is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        matches!(tag.as_str(), "input" | "textarea") || el.is_content_editable()
    })
}

/// The context menu at the selection (or the view centre), for keyboard users.
fn open_menu_from_keyboard() {
    let Some(ui) = crate::state::ui() else { return };
    let at = with_editor(|ed| {
        let sel = ed
            .selection
            .iter()
            .filter_map(|id| ed.scene.get(id))
            .map(|e| e.bounds())
            .reduce(|a, b| a.union(&b));
        match sel {
            Some(r) => ed.camera.to_screen(r.x + r.w / 2.0, r.y + r.h / 2.0),
            None => (ed.viewport.0 / 2.0, ed.viewport.1 / 2.0),
        }
    });
    let origin = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".board").ok().flatten())
        .map(|b| {
            let r = b.get_bounding_client_rect();
            (r.left(), r.top())
        })
        .unwrap_or((0.0, 0.0));
    if let Some((x, y)) = at {
        ui.menu.set(Some((x + origin.0, y + origin.1)));
    }
}

pub fn on_keyup(ev: KeyboardEvent) {
    if ev.key() == " " {
        with_editor(|ed| ed.space_held = false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_table_of_ui_md() {
        assert_eq!(
            lookup("z", "KeyZ", true, false, false),
            Some(Shortcut::Undo)
        );
        assert_eq!(lookup("Z", "KeyZ", true, true, false), Some(Shortcut::Redo));
        assert_eq!(
            lookup("y", "KeyY", true, false, false),
            Some(Shortcut::Redo)
        );
        assert_eq!(
            lookup("!", "Digit1", false, true, false),
            Some(Shortcut::ZoomToFit)
        );
        assert_eq!(
            lookup("=", "Digit0", false, true, false),
            Some(Shortcut::ZoomReset)
        );
        assert_eq!(
            lookup("Delete", "Delete", false, false, false),
            Some(Shortcut::Delete)
        );
        assert_eq!(
            lookup("Backspace", "Backspace", false, false, false),
            Some(Shortcut::Delete)
        );
        assert_eq!(
            lookup("ArrowLeft", "ArrowLeft", false, true, false),
            Some(Shortcut::Nudge(-10.0, 0.0))
        );
        assert_eq!(
            lookup("n", "KeyN", false, false, false),
            Some(Shortcut::Tool(Tool::Note))
        );
        assert_eq!(
            lookup("v", "KeyV", false, false, false),
            Some(Shortcut::Tool(Tool::Select))
        );
        assert_eq!(
            lookup("h", "KeyH", false, false, false),
            Some(Shortcut::Tool(Tool::Hand))
        );
        assert_eq!(
            lookup("q", "KeyQ", false, false, false),
            Some(Shortcut::KeepTool)
        );
        assert_eq!(
            lookup("d", "KeyD", true, false, false),
            Some(Shortcut::Duplicate)
        );
        assert_eq!(lookup("x", "KeyX", false, false, false), None);
        assert_eq!(lookup("n", "KeyN", false, false, true), None);
    }
}
