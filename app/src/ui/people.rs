//! The People panel (UI.md: "People" [Personen]): who is here, live; your display
//! name (remembered by this browser, never written into the board); the state of each
//! connection, and the reassurance that offline edits are kept. Also the one-time,
//! non-modal name prompt. Built with `ui::dom` (see there why).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{h, input_value, text, H};
use crate::i18n::{t, Lang, Msg};
use crate::net::presence;
use crate::state::{Link, Ui};

fn link_state(lang: Lang, l: Link) -> &'static str {
    t(
        lang,
        match l {
            Link::Offline => Msg::Offline,
            Link::Connecting => Msg::Connecting,
            Link::Connected => Msg::Connected,
            Link::Synced => Msg::Synced,
        },
    )
}

/// A labelled name field that saves on Enter or when left.
fn name_field(lang: Lang, id: &str, on_saved: impl Fn() + Clone + 'static) -> [H; 2] {
    let save = move |v: String| {
        presence::set_name(&v);
        on_saved();
    };
    let save2 = save.clone();
    [
        text("label", t(lang, Msg::YourName)).attr("for", id),
        h("input")
            .attr("id", id)
            .attr("type", "text")
            .attr("maxlength", "40")
            .attr("autocomplete", "nickname")
            .attr("value", &presence::name())
            .on("change", move |ev| save2(input_value(&ev)))
            .on("keydown", move |ev| {
                ev.stop_propagation();
                if ev
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Enter")
                {
                    save(input_value(&ev));
                }
            }),
    ]
}

fn dot(color: &str) -> H {
    h("span")
        .class("dot")
        .attr("style", &format!("background:{color}"))
        .attr("aria-hidden", "true")
}

#[component]
pub fn PeopleButton(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    view! {
        <button class="people-button" aria-label=t(lang, Msg::People) title=t(lang, Msg::People)
            aria-expanded=move || if ui.show_people.get() { "true" } else { "false" }
            on:click=move |_| ui.show_people.update(|v| *v = !*v)>
            {crate::ui::toolbar::svg_icon("M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a6 6 0 0 0-4-5.6")}
            <span class="count" aria-hidden="true">{move || ui.people.with(|p| p.len() + 1)}</span>
        </button>
    }
}

/// The panel, built when it opens; its lists follow `ui.people` and `ui.connections`.
pub fn panel(ui: Ui) -> H {
    let lang = ui.lang;
    let own_name = text("span", &presence::name()).class("name");
    let own = own_name.0.clone();
    let [label, field] = name_field(lang, "people-name", move || {
        own.set_text_content(Some(&presence::name()));
    });
    let list = h("ul")
        .class("people-list")
        .attr("aria-label", t(lang, Msg::People));
    let nobody = text("p", t(lang, Msg::NobodyElse));
    let links = h("ul").class("links");
    let offline = text("p", t(lang, Msg::OfflineKept))
        .class("offline")
        .attr("role", "status");
    let (l, n) = (list.0.clone(), nobody.0.clone());
    let you = h("li").children([
        dot(&presence::colour()),
        own_name,
        text("span", &format!("({})", t(lang, Msg::You))).class("role"),
    ]);
    let you_el = you.0.clone();
    Effect::new(move |_| {
        let people = ui.people.get();
        l.set_inner_html("");
        let _ = l.append_child(&you_el);
        let following = ui.following.get();
        for p in people {
            let mut row = h("li").children([dot(&p.color), text("span", &p.name).class("name")]);
            if p.moderator {
                row = row.child(text("span", t(lang, Msg::Moderator)).class("role"));
            }
            let client = p.client;
            let follow = text("button", t(lang, Msg::Follow))
                .class("follow")
                .attr(
                    "aria-label",
                    &format!("{} {}", t(lang, Msg::Follow), p.name),
                )
                .attr(
                    "aria-pressed",
                    if following == Some(client) {
                        "true"
                    } else {
                        "false"
                    },
                )
                .on("click", move |_| {
                    crate::net::presence::follow(client);
                });
            let _ = l.append_child(&row.child(follow).0);
        }
        super::dom::set_flag(&n, "hidden", l.child_element_count() > 1);
    });
    // During a vote: how many have voted (a count only, never who).
    let voted = text("p", "").class("voted").attr("role", "status");
    let v = voted.0.clone();
    Effect::new(move |_| {
        let people = ui.people.get();
        let open = ui.voting.get().is_some_and(|r| r.1);
        let n = people.iter().filter(|p| p.voted).count() + usize::from(crate::voting::has_voted());
        let all = people.len() + 1;
        v.set_text_content(
            open.then(|| crate::i18n::voted_count(lang, n, all))
                .as_deref(),
        );
        super::dom::set_flag(&v, "hidden", !open);
    });
    let (k, o) = (links.0.clone(), offline.0.clone());
    Effect::new(move |_| {
        let c = ui.connections.get();
        k.set_inner_html("");
        let mut rows = vec![(t(lang, Msg::OtherTabs), c.tabs)];
        rows.extend(c.server.map(|s| (t(lang, Msg::Server), s)));
        rows.extend(c.peers.map(|s| (t(lang, Msg::Peers), s)));
        for (name, state) in rows {
            let row = h("li").children([
                text("span", &format!("{name}: ")),
                text("span", link_state(lang, state)).class("state"),
            ]);
            let _ = k.append_child(&row.0);
        }
        super::dom::set_flag(&o, "hidden", !c.offline());
    });
    // The moderator's Chatham House settings.
    let moderator_part = ui.moderator.get_untracked().then(|| {
        let anonymous = ui.anonymous_cursors.get_untracked();
        h("div").class("moderator-part").children([
            text("h3", t(lang, Msg::Facilitation)),
            h("label").class("choice").children([
                h("input")
                    .attr("type", "checkbox")
                    .flag("checked", anonymous)
                    .on("change", move |ev| {
                        let on = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            .is_some_and(|i| i.checked());
                        crate::state::with_editor(|ed| {
                            crate::facilitation::set_chatham(&mut ed.board, true, on)
                        });
                        crate::state::after_input();
                    }),
                text("span", t(lang, Msg::AnonymousCursors)),
            ]),
            text("button", t(lang, Msg::ShowRuleCard)).on("click", move |_| {
                crate::state::with_editor(|ed| ed.insert_rule_card(lang));
                crate::state::after_input();
            }),
        ])
    });
    let panel = h("section")
        .attr("id", "people-panel")
        .class("people")
        .attr("role", "region")
        .attr("aria-label", t(lang, Msg::People))
        .on("keydown", |ev| ev.stop_propagation())
        .children([
            text("h2", t(lang, Msg::People)),
            h("div").class("own-name").children([
                label,
                field,
                text("p", t(lang, Msg::NameHint)).class("hint"),
            ]),
            list,
            nobody,
            voted,
            text("h3", t(lang, Msg::Connections)),
            links,
            offline,
        ])
        .children(moderator_part);
    super::dom::below_top_bar(&panel)
}

/// Asks for a display name once per browser, without blocking anything: a small
/// group in the top bar until the person saves a name or says "Later".
pub fn prompt(ui: Ui, open: RwSignal<bool>) -> H {
    let lang = ui.lang;
    let [label, field] = name_field(lang, "prompt-name", move || open.set(false));
    let input = field.0.clone();
    h("div")
        .class("name-prompt")
        .attr("role", "group")
        .attr("aria-label", t(lang, Msg::YourName))
        .children([
            label,
            field,
            text("button", t(lang, Msg::SaveName))
                .class("primary")
                .on("click", move |_| {
                    if let Some(i) = input.dyn_ref::<web_sys::HtmlInputElement>() {
                        presence::set_name(&i.value());
                    }
                    open.set(false);
                }),
            text("button", t(lang, Msg::Later)).on("click", move |_| open.set(false)),
            text("p", t(lang, Msg::NameHint)).class("hint"),
        ])
}
