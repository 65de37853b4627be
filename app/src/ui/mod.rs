//! The Leptos chrome. The canvas is drawn outside Leptos; components here only render
//! small signals from `state::Ui` and forward input to the editor.

pub mod board;
pub mod dom;
pub mod export;
pub mod facilitation;
pub mod gallery;
pub mod home;
pub mod keys;
pub mod menu;
pub mod outline;
pub mod panels;
pub mod people;
pub mod share;
pub mod toolbar;
pub mod voting;

use leptos::prelude::*;

use crate::i18n::{t, Lang, Msg};
use crate::state::{after_input, with_editor, Ui};

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
    // The name is asked once per browser: until one is saved (or "Later").
    let name_prompt = RwSignal::new(crate::net::presence::saved_name().is_none());
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
                <facilitation::Countdown ui=ui/>
                {move || ui.moderator.get().then(|| view! {
                    <button class="timer-button" aria-label=t(lang, Msg::Timer) title=t(lang, Msg::Timer)
                        aria-expanded=move || if ui.show_timer.get() { "true" } else { "false" }
                        on:click=move |_| ui.show_timer.update(|v| *v = !*v)>
                        {toolbar::svg_icon("M12 8v5l3 2M9 2h6M12 22a8 8 0 1 0 0-16 8 8 0 0 0 0 16z")}
                    </button>
                })}
                {move || ui.moderator.get().then(|| view! {
                    <button class="bring-button" aria-label=t(lang, Msg::BringEveryone) title=t(lang, Msg::BringEveryone)
                        on:click=move |_| { with_editor(crate::facilitation::bring_everyone); after_input(); }>
                        {toolbar::svg_icon("M12 3v4M12 17v4M3 12h4M17 12h4M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z")}
                    </button>
                    <button class="lock-button" aria-pressed=move || if ui.board_locked.get() { "true" } else { "false" }
                        aria-label=move || t(lang, if ui.board_locked.get() { Msg::UnlockBoard } else { Msg::LockBoard })
                        title=move || t(lang, if ui.board_locked.get() { Msg::UnlockBoard } else { Msg::LockBoard })
                        on:click=move |_| {
                            let on = !ui.board_locked.get_untracked();
                            with_editor(|ed| crate::facilitation::set_lock(ed, Some(on), None));
                            after_input();
                        }>
                        {toolbar::svg_icon("M7 11V7a5 5 0 0 1 10 0v4M5 11h14v10H5z")}
                    </button>
                })}
                {move || ui.moderator.get().then(|| view! {
                    <button class="private-button" aria-pressed=move || if ui.private_on.get() { "true" } else { "false" }
                        aria-label=t(lang, Msg::PrivateMode) title=t(lang, Msg::PrivateMode)
                        on:click=move |_| {
                            let on = !ui.private_on.get_untracked();
                            with_editor(|ed| crate::drafts::set(ed, on));
                            after_input();
                        }>
                        {toolbar::svg_icon("M3 12s3.5-6 9-6 9 6 9 6-3.5 6-9 6-9-6-9-6zM4 4l16 16")}
                    </button>
                    <button class="reveal-button" hidden=move || !ui.private_on.get()
                        on:click=move |_| { with_editor(|ed| crate::drafts::set(ed, false)); after_input(); }>
                        {t(lang, Msg::Reveal)}
                    </button>
                })}
                <span class="badge private-badge" role="status" hidden=move || !ui.private_mode.get()>
                    {t(lang, Msg::PrivateBadge)}
                </span>
                <span class="badge private-badge" hidden=move || !(ui.private_on.get() && ui.moderator.get())>
                    {t(lang, Msg::PrivateMode)}
                </span>
                <voting::VotingBar ui=ui/>
                <span class="badge locked-badge" role="status" hidden=move || !ui.board_locked.get() || ui.moderator.get()>
                    {t(lang, Msg::BoardLockedBadge)}
                </span>
                <span class="badge chatham-badge" title=t(lang, Msg::ChathamBadgeHint) hidden=move || !ui.chatham.get()>
                    {t(lang, Msg::ChathamBadge)}
                </span>
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
            {dom::mounted(move || name_prompt.get() && !ui.show_people.get(), move || people::prompt(ui, name_prompt), None)}
            <outline::Outline ui=ui/>
            <home::Home ui=ui/>
            <panels::Notice ui=ui/>
            <menu::ContextMenu ui=ui/>
            {dom::mounted(move || ui.show_export.get(), move || export::export_dialog(ui), Some("input:checked"))}
            {dom::mounted(move || ui.import.with(|i| i.is_some()), move || export::import_dialog(ui), Some("button"))}
            {dom::mounted(move || ui.show_share.get(), move || share::dialog(ui), Some("button"))}
            {dom::mounted(move || ui.show_people.get(), move || people::panel(ui), None)}
            {dom::mounted(move || ui.show_timer.get() && ui.moderator.get(), move || facilitation::timer_panel(ui), Some("input"))}
            {dom::mounted(move || ui.show_voting.get() && ui.moderator.get(), move || voting::start_panel(ui), Some("input"))}
            {dom::mounted(move || ui.show_results.get(), move || voting::results_panel(ui), Some("button"))}
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
