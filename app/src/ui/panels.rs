//! Small chrome around the board: the title field, the colour picker for the
//! selection, the zoom controls and notices.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};

use crate::i18n::{colour_name, t, Msg};
use crate::state::{after_input, with_editor, Ui};

#[component]
pub fn TitleField(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let commit = move |ev: web_sys::Event| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            let v = input.value();
            with_editor(|ed| ed.set_title(&v));
            after_input();
        }
    };
    view! {
        <input
            class="title"
            type="text"
            maxlength="200"
            aria-label=t(lang, Msg::BoardTitle)
            placeholder=t(lang, Msg::UntitledBoard)
            prop:value=move || ui.title.get()
            on:change=commit
            on:keydown=move |ev: KeyboardEvent| {
                ev.stop_propagation();
                if ev.key() == "Enter" || ev.key() == "Escape" {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        let _ = input.blur();
                    }
                }
            }
        />
    }
}

#[component]
pub fn ColourPicker(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let swatches = crdt::PALETTE
        .into_iter()
        .map(|key| {
            let style = format!("background:{}", crate::palette::fill(key));
            view! {
                <button
                    class="swatch"
                    style=style
                    aria-label=colour_name(lang, key)
                    title=colour_name(lang, key)
                    aria-pressed=move || {
                        if ui.selected_color.with(|c| c.as_deref() == Some(key)) { "true" } else { "false" }
                    }
                    on:click=move |_| {
                        with_editor(|ed| ed.recolor_selection(key));
                        after_input();
                    }
                ></button>
            }
        })
        .collect_view();
    let act = |f: fn(&mut crate::editor::Editor)| {
        move |_| {
            with_editor(f);
            after_input();
        }
    };
    view! {
        <div class="selection-panel" role="group" aria-label=t(lang, Msg::SelectionActions)
            hidden=move || ui.selection.with(|s| s.is_empty())>
            <div class="colours" role="group" aria-label=t(lang, Msg::Colour)>
                {swatches}
            </div>
            <button aria-label=t(lang, Msg::BringToFront) title=format!("{} (Ctrl+Shift+])", t(lang, Msg::BringToFront))
                on:click=act(|ed| ed.reorder_selection(crdt::Layer::Front))>
                {crate::ui::toolbar::svg_icon("M5 4h14M12 20V8M7 13l5-5 5 5")}
            </button>
            <button aria-label=t(lang, Msg::SendToBack) title=format!("{} (Ctrl+Shift+[)", t(lang, Msg::SendToBack))
                on:click=act(|ed| ed.reorder_selection(crdt::Layer::Back))>
                {crate::ui::toolbar::svg_icon("M5 20h14M12 4v12M7 11l5 5 5-5")}
            </button>
            {move || ui.moderator.get().then(|| {
                let label = move || t(lang, if ui.selection_locked.get() { Msg::UnlockSelection } else { Msg::LockSelection });
                view! {
                    <button aria-label=label title=label aria-pressed=move || if ui.selection_locked.get() { "true" } else { "false" }
                        on:click=move |_| {
                            let on = !ui.selection_locked.get_untracked();
                            with_editor(|ed| {
                                let ids = ed.selection.clone();
                                crate::facilitation::set_lock(ed, None, Some((&ids, on)))
                            });
                            after_input();
                        }>
                        {crate::ui::toolbar::svg_icon("M7 11V7a5 5 0 0 1 10 0v4M5 11h14v10H5z")}
                    </button>
                }
            })}
            <button aria-label=t(lang, Msg::Delete) title=format!("{} (Delete)", t(lang, Msg::Delete))
                on:click=act(|ed| ed.delete_selection())>
                {crate::ui::toolbar::svg_icon("M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6")}
            </button>
        </div>
    }
}

#[component]
pub fn ZoomControls(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let act = |f: fn(&mut crate::editor::Editor)| {
        move |_| {
            with_editor(f);
            after_input();
        }
    };
    view! {
        <div class="zoom" role="group" aria-label=t(lang, Msg::Zoom)>
            <button aria-label=t(lang, Msg::ZoomOut) title=t(lang, Msg::ZoomOut)
                on:click=act(|ed| { let (w, h) = ed.viewport; ed.camera.zoom_at(w / 2.0, h / 2.0, ed.camera.z / 1.25); ed.view_version += 1; })>
                <span aria-hidden="true">"−"</span>
            </button>
            <button class="zoom-level" aria-label=t(lang, Msg::ZoomReset) title=format!("{} (Shift+0)", t(lang, Msg::ZoomReset))
                on:click=act(|ed| ed.zoom_reset())>
                {move || format!("{:.0} %", ui.zoom.get() * 100.0)}
            </button>
            <button aria-label=t(lang, Msg::ZoomIn) title=t(lang, Msg::ZoomIn)
                on:click=act(|ed| { let (w, h) = ed.viewport; ed.camera.zoom_at(w / 2.0, h / 2.0, ed.camera.z * 1.25); ed.view_version += 1; })>
                <span aria-hidden="true">"+"</span>
            </button>
            <button aria-label=t(lang, Msg::ZoomToFit) title=format!("{} (Shift+1)", t(lang, Msg::ZoomToFit))
                on:click=act(|ed| ed.zoom_to_fit())>
                {crate::ui::toolbar::svg_icon("M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5")}
            </button>
        </div>
    }
}

#[component]
pub fn Notice(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    view! {
        {move || ui.notice.get().map(|text| view! {
            <div class="notice" role="alert">
                <p>{text}</p>
                <button on:click=move |_| ui.notice.set(None)>{t(lang, Msg::Dismiss)}</button>
            </div>
        })}
    }
}
