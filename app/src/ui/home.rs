//! The home view: the boards this browser knows, newest first, and "New board".

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::state::Ui;
use crate::store::{KnownBoard, Store};

/// The address of a board: the current page with `fragment`.
pub fn board_href(fragment: &str) -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    format!("./{search}{fragment}")
}

/// Navigates to the app without a fragment, which creates a new board.
pub fn open_new_board() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(&board_href(""));
    }
}

#[component]
pub fn Home(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let boards: RwSignal<Option<Result<Vec<KnownBoard>, String>>> = RwSignal::new(None);
    Effect::new(move |_| {
        if ui.show_home.get() {
            leptos::task::spawn_local(async move {
                let list = match Store::open().await {
                    Ok(store) => store.boards().await,
                    Err(e) => Err(e),
                };
                boards.set(Some(list));
            });
        }
    });
    let untitled = t(lang, Msg::UntitledBoard);
    view! {
        <section class="home" role="region" aria-labelledby="home-heading" hidden=move || !ui.show_home.get()>
            <h2 id="home-heading">{t(lang, Msg::YourBoards)}</h2>
            <div class="home-actions">
                <button class="primary" on:click=move |_| open_new_board()>{t(lang, Msg::NewBoard)}</button>
                <button on:click=move |_| ui.show_home.set(false)>{t(lang, Msg::BackToBoard)}</button>
            </div>
            {move || match boards.get() {
                None => view! { <p>"…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{t(lang, Msg::StorageUnavailable)} " (" {e} ")"</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>{t(lang, Msg::NoBoardsYet)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="board-list">
                        {list.into_iter().map(|b| {
                            let title = if b.title.trim().is_empty() { untitled.to_string() } else { b.title.clone() };
                            let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(b.updated));
                            let when = String::from(when.to_locale_string(lang.code(), &wasm_bindgen::JsValue::UNDEFINED));
                            view! {
                                <li>
                                    <a href=board_href(&b.fragment)>{title}</a>
                                    <span class="when">{when}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
