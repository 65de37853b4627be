//! The context menu: right-click, long press (touch) or Shift+F10 / the Menu key open
//! it with the actions for the selection. A real `role=menu` with `menuitem`s, arrow
//! keys move between them, Escape closes it and gives the focus back to the board.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::editor::Editor;
use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, Ui};

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Cut,
    Copy,
    Paste,
    Duplicate,
    Front,
    Back,
    Delete,
    SelectAll,
}

impl Action {
    fn label(self) -> Msg {
        match self {
            Action::Cut => Msg::Cut,
            Action::Copy => Msg::Copy,
            Action::Paste => Msg::Paste,
            Action::Duplicate => Msg::Duplicate,
            Action::Front => Msg::BringToFront,
            Action::Back => Msg::SendToBack,
            Action::Delete => Msg::Delete,
            Action::SelectAll => Msg::SelectAll,
        }
    }

    fn shortcut(self) -> &'static str {
        match self {
            Action::Cut => "Ctrl+X",
            Action::Copy => "Ctrl+C",
            Action::Paste => "Ctrl+V",
            Action::Duplicate => "Ctrl+D",
            Action::Front => "Ctrl+Shift+]",
            Action::Back => "Ctrl+Shift+[",
            Action::Delete => "Del",
            Action::SelectAll => "Ctrl+A",
        }
    }

    /// Actions that need a selection.
    fn needs_selection(self) -> bool {
        !matches!(self, Action::Paste | Action::SelectAll)
    }
}

const ACTIONS: [Action; 8] = [
    Action::Cut,
    Action::Copy,
    Action::Paste,
    Action::Duplicate,
    Action::Front,
    Action::Back,
    Action::Delete,
    Action::SelectAll,
];

fn clipboard() -> Option<web_sys::Clipboard> {
    Some(web_sys::window()?.navigator().clipboard())
}

fn write_clipboard(text: String) {
    if let Some(c) = clipboard() {
        let promise = c.write_text(&text);
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
                log::warn!("the browser refused to write the clipboard");
            }
        });
    }
}

fn run(action: Action) {
    let run_on = |f: fn(&mut Editor)| {
        with_editor(f);
    };
    match action {
        Action::Cut => {
            if let Some(text) = with_editor(|ed| ed.cut_selection()).flatten() {
                write_clipboard(text);
            }
        }
        Action::Copy => {
            if let Some(text) = with_editor(|ed| ed.copy_selection()).flatten() {
                write_clipboard(text);
            }
        }
        Action::Paste => {
            if let Some(c) = clipboard() {
                let promise = c.read_text();
                leptos::task::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(v) => {
                            if let Some(text) = v.as_string() {
                                with_editor(|ed| ed.paste_text(&text));
                                after_input();
                            }
                        }
                        Err(_) => {
                            log::warn!("the browser refused to read the clipboard; use Ctrl+V")
                        }
                    }
                });
            }
        }
        Action::Duplicate => run_on(|ed| ed.duplicate_selection()),
        Action::Front => run_on(|ed| ed.reorder_selection(crdt::Layer::Front)),
        Action::Back => run_on(|ed| ed.reorder_selection(crdt::Layer::Back)),
        Action::Delete => run_on(|ed| ed.delete_selection()),
        Action::SelectAll => run_on(|ed| ed.select_all()),
    }
    after_input();
}

fn focus_board() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".board").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[component]
pub fn ContextMenu(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let menu_ref: NodeRef<html::Div> = NodeRef::new();
    let close = move || {
        ui.menu.set(None);
        focus_board();
    };
    // Keep the whole menu inside the window, then focus its first enabled item.
    Effect::new(move |_| {
        if ui.menu.get().is_some() {
            if let Some(menu) = menu_ref.get() {
                let el: &HtmlElement = &menu;
                let r = el.get_bounding_client_rect();
                let (w, h) = web_sys::window()
                    .map(|w| {
                        let f = |v: Result<wasm_bindgen::JsValue, _>| {
                            v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
                        };
                        (f(w.inner_width()), f(w.inner_height()))
                    })
                    .unwrap_or((0.0, 0.0));
                let left = r.left().min(w - r.width() - 4.0).max(4.0);
                let top = r.top().min(h - r.height() - 4.0).max(4.0);
                let _ = el.style().set_property("left", &format!("{left}px"));
                let _ = el.style().set_property("top", &format!("{top}px"));
                if let Ok(Some(first)) = menu.query_selector("[role=menuitem]:not([disabled])") {
                    if let Ok(el) = first.dyn_into::<HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        }
    });
    let on_key = move |ev: KeyboardEvent| {
        ev.stop_propagation();
        let key = ev.key();
        if key == "Escape" || key == "Tab" {
            ev.prevent_default();
            close();
            return;
        }
        let forward = match key.as_str() {
            "ArrowDown" => true,
            "ArrowUp" => false,
            _ => return,
        };
        ev.prevent_default();
        let Some(menu) = menu_ref.get_untracked() else {
            return;
        };
        let Ok(items) = menu.query_selector_all("[role=menuitem]:not([disabled])") else {
            return;
        };
        let items: Vec<HtmlElement> = (0..items.length())
            .filter_map(|i| items.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .collect();
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let at = items.iter().position(|el| {
            active
                .as_ref()
                .is_some_and(|a| a == el.as_ref() as &web_sys::Element)
        });
        let n = items.len();
        if n == 0 {
            return;
        }
        let next = match at {
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
            None => 0,
        };
        let _ = items[next].focus();
    };
    view! {
        {move || ui.menu.get().map(|(x, y)| {
            let style = format!("left:{x}px;top:{y}px");
            let empty = ui.selection.with(|s| s.is_empty());
            view! {
                <div class="menu-backdrop" on:pointerdown=move |_| close()
                    on:contextmenu=move |ev: web_sys::MouseEvent| { ev.prevent_default(); close(); }></div>
                <div class="context-menu" role="menu" aria-label=t(lang, Msg::Actions) style=style
                    node_ref=menu_ref on:keydown=on_key>
                    {ACTIONS.into_iter().map(|a| view! {
                        <button role="menuitem" disabled=a.needs_selection() && empty
                            on:click=move |_| { ui.menu.set(None); run(a); focus_board(); }>
                            <span>{t(lang, a.label())}</span>
                            <kbd aria-hidden="true">{a.shortcut()}</kbd>
                        </button>
                    }).collect_view()}
                </div>
            }
        })}
    }
}
