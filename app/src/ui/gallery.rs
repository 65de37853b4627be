//! The template gallery: a dismissible panel (never a dialog; the tools work while it
//! shows) that opens by itself on an empty board and from the "Templates" button.

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, Ui};
use crate::templates::Template;

#[component]
pub fn Gallery(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let dismissed = RwSignal::new(false);
    // On an empty board the gallery offers itself, until it is dismissed or used.
    let visible = move || {
        ui.show_templates.get()
            || (ui.ready.get() && !dismissed.get() && ui.outline.with(|o| o.is_empty()))
    };
    let close = move || {
        dismissed.set(true);
        ui.show_templates.set(false);
    };
    let cards = Template::ALL
        .into_iter()
        .map(|tpl| {
            view! {
                <li>
                    <button class="template" on:click=move |_| {
                        with_editor(|ed| ed.insert_template(tpl, lang));
                        close();
                        after_input();
                    }>
                        <strong>{tpl.name(lang)}</strong>
                        <span>{tpl.description(lang)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="gallery" role="region" aria-labelledby="gallery-heading" hidden=move || !visible()>
            <div class="gallery-head">
                <h2 id="gallery-heading">{t(lang, Msg::Templates)}</h2>
                <button on:click=move |_| close()>{t(lang, Msg::Dismiss)}</button>
            </div>
            <ul role="list">{cards}</ul>
        </section>
    }
}
