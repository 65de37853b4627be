//! The Leptos chrome. The canvas is drawn outside Leptos; components here only render
//! small signals from `state::Ui` and forward input to the editor.

pub mod board;
pub mod export;
pub mod gallery;
pub mod home;
pub mod keys;
pub mod menu;
pub mod outline;
pub mod panels;
pub mod toolbar;

use leptos::prelude::*;

use crate::i18n::{t, Lang, Msg};
use crate::state::Ui;

/// What the address bar asked for.
#[derive(Clone)]
pub enum Route {
    Board(Box<Ui>),
    BrokenLink { lang: Lang, reason: String },
}

#[component]
pub fn App(route: Route) -> impl IntoView {
    match route {
        Route::Board(ui) => view! { <BoardPage ui=*ui/> }.into_any(),
        Route::BrokenLink { lang, reason } => {
            view! { <BrokenLink lang=lang reason=reason/> }.into_any()
        }
    }
}

#[component]
fn BoardPage(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    view! {
        <div class="app" lang=lang.code()>
            <header class="topbar">
                <button class="boards" aria-label=t(lang, Msg::Boards) title=t(lang, Msg::Boards)
                    aria-expanded=move || if ui.show_home.get() { "true" } else { "false" }
                    on:click=move |_| ui.show_home.update(|v| *v = !*v)>
                    {t(lang, Msg::Boards)}
                </button>
                <panels::TitleField ui=ui/>
                <button class="templates" aria-expanded=move || if ui.show_templates.get() { "true" } else { "false" }
                    on:click=move |_| ui.show_templates.update(|v| *v = !*v)>
                    {t(lang, Msg::Templates)}
                </button>
                <span class="server-note" role="status" hidden=move || !ui.server_note.get()>
                    {t(lang, Msg::ServerCanRead)}
                </span>
                <toolbar::Actions ui=ui/>
            </header>
            <toolbar::Toolbar ui=ui/>
            <main class="stage">
                <board::BoardSurface ui=ui/>
                <panels::ColourPicker ui=ui/>
                <gallery::Gallery ui=ui/>
                <panels::ZoomControls ui=ui/>
            </main>
            <outline::Outline ui=ui/>
            <home::Home ui=ui/>
            <panels::Notice ui=ui/>
            <menu::ContextMenu ui=ui/>
            <export::ExportDialog ui=ui/>
            <export::ImportDialog ui=ui/>
        </div>
    }
}

#[component]
fn BrokenLink(lang: Lang, reason: String) -> impl IntoView {
    view! {
        <main class="broken" lang=lang.code()>
            <div role="alert">
                <h1>{t(lang, Msg::BrokenLinkTitle)}</h1>
                <p>{t(lang, Msg::BrokenLinkBody)}</p>
                <p class="detail">{reason}</p>
            </div>
            // Dropping the broken fragment: a page without one creates a new board.
            <button class="primary" on:click=move |_| home::open_new_board()>{t(lang, Msg::StartNewBoard)}</button>
        </main>
    }
}
