//! The accessible outline (UI.md): a DOM list mirroring the board in paint order,
//! keyboard navigable. Selecting an item selects and reveals the element; Enter edits
//! it; Delete deletes it; arrow keys move between items.
//!
//! Long lists are windowed: above `WINDOW_FROM` items only the rows in and near the
//! scrolled view exist in the DOM (with `aria-setsize`/`aria-posinset`), so a board of
//! 10,000 notes does not carry 10,000 list items.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, OutlineItem, Ui};

/// Row height in CSS px (style.css `.outline li`).
const ROW: f64 = 32.0;
/// Lists longer than this are windowed.
const WINDOW_FROM: usize = 200;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 30;

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
    // Spacers of a windowed list are not items.
    if let Some(el) = next
        .and_then(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|el| el.has_attribute("data-index"))
    {
        let _ = el.focus();
    }
}

/// The rows to render: all of them, or a window around the scrolled view.
fn row_window(n: usize, scroll_top: f64, view_h: f64) -> (usize, usize) {
    if n <= WINDOW_FROM {
        return (0, n);
    }
    let first = (scroll_top / ROW).floor().max(0.0) as usize;
    let visible = (view_h / ROW).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(n);
    let end = (first + visible + OVERSCAN).min(n);
    (start, end)
}

/// One list item, with its frame's children nested in a list of their own.
fn item_view(
    ui: Ui,
    index: usize,
    item: OutlineItem,
    children: Vec<(usize, OutlineItem)>,
) -> impl IntoView {
    let n = move || ui.outline.with(|o| o.len());
    let id = item.id.clone();
    let (id_focus, id_click, id_key) = (id.clone(), id.clone(), id.clone());
    let selected = Memo::new(move |_| ui.selection.with(|s| s.contains(&id)));
    let nested = (!children.is_empty()).then(|| {
        let label = item.label.clone();
        view! {
            <ul role="list" aria-label=label class="nested">
                {children.into_iter().map(|(i, c)| item_view(ui, i, c, Vec::new())).collect_view()}
            </ul>
        }
        .into_any()
    });
    view! {
        <li
            role="listitem"
            tabindex="0"
            data-index=index
            aria-posinset=index + 1
            aria-setsize=n
            aria-current=move || if selected.get() { "true" } else { "false" }
            class:selected=move || selected.get()
            on:focus=move |ev: web_sys::FocusEvent| {
                // Focus on a nested item bubbles: only the item itself selects.
                if ev.target() == ev.current_target() {
                    select(&id_focus);
                }
            }
            on:click=move |ev: web_sys::MouseEvent| {
                ev.stop_propagation();
                select(&id_click);
            }
            on:keydown=move |ev: KeyboardEvent| {
                if ev.target() != ev.current_target() {
                    return;
                }
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
            <span class="label">{item.label.clone()}</span>
            {nested}
        </li>
    }
}

/// Top-level rows with their children: nested under their frame when the whole list
/// is rendered, flat when it is windowed.
type Row = (usize, OutlineItem, Vec<(usize, OutlineItem)>);

fn rows_of(items: &[OutlineItem], start: usize, end: usize) -> Vec<Row> {
    let windowed = items.len() > WINDOW_FROM;
    if windowed {
        return items[start..end]
            .iter()
            .enumerate()
            .map(|(i, it)| (start + i, it.clone(), Vec::new()))
            .collect();
    }
    let mut children: std::collections::HashMap<&str, Vec<(usize, OutlineItem)>> =
        Default::default();
    for (i, it) in items.iter().enumerate() {
        if let Some(p) = &it.parent {
            children
                .entry(p.as_str())
                .or_default()
                .push((i, it.clone()));
        }
    }
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.parent.is_none())
        .map(|(i, it)| {
            (
                i,
                it.clone(),
                children.remove(it.id.as_str()).unwrap_or_default(),
            )
        })
        .collect()
}

#[component]
pub fn Outline(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let scroll_top = RwSignal::new(0.0);
    let view_h = RwSignal::new(800.0);
    let range = Memo::new(move |_| {
        let n = ui.outline.with(|o| o.len());
        row_window(n, scroll_top.get(), view_h.get())
    });
    let rows = move || {
        let (start, end) = range.get();
        ui.outline.with(|o| rows_of(o, start, end))
    };
    let n = move || ui.outline.with(|o| o.len());
    let above = move || format!("height:{}px", range.get().0 as f64 * ROW);
    let below = move || format!("height:{}px", (n() - range.get().1) as f64 * ROW);
    view! {
        <aside class="sidebar" on:scroll=move |ev: web_sys::Event| {
            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                scroll_top.set(el.scroll_top() as f64);
                view_h.set(el.client_height() as f64);
            }
        }>
            <h2 class="sr-only">{t(lang, Msg::BoardContents)}</h2>
            <ul class="outline" role="list" aria-label=t(lang, Msg::BoardContents)>
                <li class="spacer" aria-hidden="true" style=above hidden=move || range.get().0 == 0></li>
                <For
                    each=rows
                    key=|(i, item, kids)| {
                        let kids: Vec<(String, String)> = kids.iter().map(|(_, k)| (k.id.clone(), k.label.clone())).collect();
                        (*i, item.id.clone(), item.label.clone(), kids)
                    }
                    children=move |(index, item, kids)| item_view(ui, index, item, kids)
                />
                <li class="spacer" aria-hidden="true" style=below hidden=move || range.get().1 >= n()></li>
            </ul>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, parent: Option<&str>) -> OutlineItem {
        OutlineItem {
            id: id.into(),
            label: id.into(),
            parent: parent.map(str::to_string),
        }
    }

    #[test]
    fn children_nest_under_their_frame_in_paint_order() {
        let items = [
            item("f", None),
            item("a", Some("f")),
            item("x", None),
            item("b", Some("f")),
        ];
        let rows = rows_of(&items, 0, items.len());
        let top: Vec<&str> = rows.iter().map(|(_, it, _)| it.id.as_str()).collect();
        assert_eq!(top, ["f", "x"]);
        let kids: Vec<&str> = rows[0].2.iter().map(|(_, it)| it.id.as_str()).collect();
        assert_eq!(kids, ["a", "b"]);
    }

    #[test]
    fn short_lists_are_rendered_whole_and_long_ones_windowed() {
        assert_eq!(row_window(150, 5000.0, 800.0), (0, 150));
        let (start, end) = row_window(10_000, 32.0 * 5000.0, 800.0);
        assert!(start <= 5000 && end > 5000 + 25, "{start}..{end}");
        assert!(end - start < 120);
        assert_eq!(row_window(10_000, 0.0, 800.0).0, 0);
        assert_eq!(row_window(10_000, 1e9, 800.0).1, 10_000);
    }
}
