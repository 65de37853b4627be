//! The accessible outline (UI.md): a DOM list mirroring the board in paint order,
//! keyboard navigable. Selecting an item selects and reveals the element; Enter edits
//! it; Delete deletes it; arrow keys move between items.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, Ui};

fn select(id: &str) {
    with_editor(|ed| {
        ed.set_selection(vec![id.to_string()]);
        ed.reveal(id);
    });
    after_input();
}

fn focus_sibling(ev: &KeyboardEvent, forward: bool) {
    let current = ev
        .current_target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok());
    let next = current.and_then(|c| {
        if forward {
            c.next_element_sibling()
        } else {
            c.previous_element_sibling()
        }
    });
    if let Some(el) = next.and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

#[component]
pub fn Outline(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    view! {
        <ul class="outline" role="list" aria-label=t(lang, Msg::BoardContents)>
            <For
                each=move || ui.outline.get()
                key=|item| (item.id.clone(), item.label.clone())
                children=move |item| {
                    let id = item.id.clone();
                    let (id_focus, id_click, id_key) = (id.clone(), id.clone(), id.clone());
                    let selected = Memo::new(move |_| ui.selection.with(|s| s.contains(&id)));
                    view! {
                        <li
                            role="listitem"
                            tabindex="0"
                            aria-current=move || if selected.get() { "true" } else { "false" }
                            class:selected=selected
                            on:focus=move |_| select(&id_focus)
                            on:click=move |_| select(&id_click)
                            on:keydown=move |ev: KeyboardEvent| {
                                match ev.key().as_str() {
                                    "Enter" => {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        with_editor(|ed| ed.start_editing(&id_key));
                                        after_input();
                                    }
                                    "Delete" | "Backspace" => {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        // Keep keyboard focus in the list after the item goes.
                                        focus_sibling(&ev, true);
                                        with_editor(|ed| {
                                            ed.set_selection(vec![id_key.clone()]);
                                            ed.delete_selection();
                                        });
                                        after_input();
                                    }
                                    "ArrowDown" => {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        focus_sibling(&ev, true);
                                    }
                                    "ArrowUp" => {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        focus_sibling(&ev, false);
                                    }
                                    _ => {}
                                }
                            }
                        >
                            {item.label.clone()}
                        </li>
                    }
                }
            />
        </ul>
    }
}
