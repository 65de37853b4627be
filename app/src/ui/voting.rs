//! Dot voting chrome: "Votes left: N" for everyone during a round, the moderator's
//! "Start voting" panel and "End voting", and the Results panel (ranked, ties shared,
//! copyable; "Clear votes" for the moderator). Built with `ui::dom`.

use crdt::ballots::{Round, Scope};
use crdt::control::keys;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{h, text, H};
use crate::i18n::{kind_name, t, Msg};
use crate::state::{after_input, with_editor, Ui};

const KINDS: [crdt::Kind; 5] = [
    crdt::Kind::Note,
    crdt::Kind::Rect,
    crdt::Kind::Ellipse,
    crdt::Kind::Text,
    crdt::Kind::Frame,
];

fn checked(el: &web_sys::Element) -> bool {
    el.dyn_ref::<web_sys::HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

/// The moderator's panel to start a round.
pub fn start_panel(ui: Ui) -> H {
    let lang = ui.lang;
    let frames = super::export::board_frames();
    let per_person = h("input")
        .attr("id", "vote-per-person")
        .attr("type", "number")
        .attr("min", "1")
        .attr("max", "99")
        .attr("value", "5");
    let pp = per_person.0.clone();
    let whole = h("input")
        .attr("type", "radio")
        .attr("name", "vote-scope")
        .flag("checked", true);
    let in_frame = h("input")
        .attr("type", "radio")
        .attr("name", "vote-scope")
        .flag("disabled", frames.is_empty());
    let select = super::export::frame_select(lang, &frames).attr("aria-label", t(lang, Msg::Frame));
    let (wf, sel) = (in_frame.0.clone(), select.0.clone());
    let kinds: Vec<(crdt::Kind, H)> = KINDS
        .iter()
        .map(|k| {
            let on = *k != crdt::Kind::Frame;
            (
                k.clone(),
                h("input").attr("type", "checkbox").flag("checked", on),
            )
        })
        .collect();
    let kind_boxes: Vec<(String, web_sys::Element)> = kinds
        .iter()
        .map(|(k, i)| (k.as_str().to_string(), i.0.clone()))
        .collect();
    let multi = h("input").attr("type", "checkbox");
    let mu = multi.0.clone();
    let start = move |_| {
        let n = pp
            .dyn_ref::<web_sys::HtmlInputElement>()
            .and_then(|i| i.value().trim().parse::<u32>().ok())
            .unwrap_or(5)
            .clamp(1, 99);
        let scope = if checked(&wf) {
            match sel
                .dyn_ref::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
            {
                Some(id) if !id.is_empty() => Scope::Frame(id),
                _ => Scope::Board,
            }
        } else {
            Scope::Board
        };
        let kinds: Vec<String> = kind_boxes
            .iter()
            .filter(|(_, el)| checked(el))
            .map(|(k, _)| k.clone())
            .collect();
        with_editor(|ed| {
            let entries = ed.board.ballot_entries();
            let id = Round::next_id(crate::voting::round().as_ref(), &entries);
            let round = Round::new(id, n, scope.clone(), kinds.clone(), checked(&mu));
            crate::facilitation::write(&mut ed.board, keys::VOTING, &round.to_value());
        });
        ui.show_voting.set(false);
        after_input();
    };
    let close = move || ui.show_voting.set(false);
    let body = vec![
        text("h2", t(lang, Msg::StartVoting)).attr("id", "voting-heading"),
        h("div").class("row").children([
            text("label", t(lang, Msg::VotesPerPerson)).attr("for", "vote-per-person"),
            per_person,
        ]),
        h("fieldset").children([
            text("legend", t(lang, Msg::VotingScope)),
            h("label")
                .class("choice")
                .children([whole, text("span", t(lang, Msg::WholeBoard))]),
            h("label")
                .class("choice")
                .children([in_frame, text("span", t(lang, Msg::Frame))]),
            select,
        ]),
        h("fieldset")
            .child(text("legend", t(lang, Msg::VotableKinds)))
            .children(kinds.into_iter().map(|(k, input)| {
                h("label")
                    .class("choice")
                    .children([input, text("span", kind_name(lang, &k))])
            })),
        h("label")
            .class("choice")
            .children([multi, text("span", t(lang, Msg::SeveralDots))]),
        h("div").class("dialog-actions").children([
            text("button", t(lang, Msg::StartVoting))
                .class("primary")
                .on("click", start),
            text("button", t(lang, Msg::Cancel)).on("click", move |_| close()),
        ]),
    ];
    super::share::modal("voting-heading", "voting-dialog", body, close)
}

/// Ranked rows as an ordered list: tied elements share the item number (their rank).
fn ranked_list(rows: Vec<crate::voting::ResultRow>) -> H {
    h("ol")
        .class("results")
        .children(rows.into_iter().map(|(text_, votes, rank)| {
            h("li").attr("value", &rank.to_string()).children([
                text("span", &votes.to_string()).class("votes"),
                text("span", &text_).class("text"),
            ])
        }))
}

/// The results of the closed round, ranked; ties share a rank.
pub fn results_panel(ui: Ui) -> H {
    let lang = ui.lang;
    let status = text("p", "").class("status").attr("role", "status");
    let st = status.0.clone();
    // The ranking follows ballots that arrive while the panel is open (they are
    // published when the round ends, some a moment later than others).
    let list = h("div").class("results-list");
    let host = list.0.clone();
    Effect::new(move |_| {
        ui.tally.track();
        let rows = with_editor(|ed| crate::voting::results(ed)).unwrap_or_default();
        let built: H = if rows.is_empty() {
            text("p", t(lang, Msg::NoVotes))
        } else {
            ranked_list(rows)
        };
        host.set_inner_html("");
        let _ = host.append_child(&built.0);
    });
    // Earlier rounds, kept by the moderator, each folded away under its name.
    let earlier = with_editor(|ed| crate::voting::earlier_results(ed, lang)).unwrap_or_default();
    let earlier: Vec<H> = earlier
        .into_iter()
        .map(|(label, rows)| {
            h("details")
                .class("earlier-round")
                .children([text("summary", &label), ranked_list(rows)])
        })
        .collect();
    let close = move || ui.show_results.set(false);
    let mut actions = vec![
        text("button", t(lang, Msg::CopyResults)).on("click", move |_| {
            let rows = with_editor(|ed| crate::voting::results(ed)).unwrap_or_default();
            let copy_text: String = rows
                .iter()
                .map(|(text, votes, rank)| format!("{rank}. ({votes}) {}", text.replace('\n', " ")))
                .collect::<Vec<_>>()
                .join("\n");
            if let Some(c) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let p = c.write_text(&copy_text);
                let st = st.clone();
                leptos::task::spawn_local(async move {
                    if wasm_bindgen_futures::JsFuture::from(p).await.is_ok() {
                        st.set_text_content(Some(t(lang, Msg::Copied)));
                    }
                });
            }
        }),
    ];
    if ui.moderator.get_untracked() {
        actions.push(
            text("button", t(lang, Msg::ClearVotes)).on("click", move |_| {
                with_editor(crate::voting::clear_round);
                ui.show_results.set(false);
                after_input();
            }),
        );
    }
    actions.push(text("button", t(lang, Msg::Close)).on("click", move |_| close()));
    let body = vec![
        text("h2", t(lang, Msg::Results)).attr("id", "results-heading"),
        list,
        h("div").children(earlier),
        status,
        h("div").class("dialog-actions").children(actions),
    ];
    super::share::modal("results-heading", "results-dialog", body, close)
}

/// The top-bar part: "Votes left: N", the moderator's Start/End voting, Results.
#[component]
pub fn VotingBar(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let end = move |_| {
        with_editor(crate::voting::end_round);
        after_input();
    };
    view! {
        <span class="badge votes-left" role="status" hidden=move || ui.votes_left.get().is_none()>
            {move || ui.votes_left.get().map(|n| crate::i18n::votes_left(lang, n))}
        </span>
        <button class="voting-button" hidden=move || !ui.moderator.get() || ui.voting.get().is_some_and(|v| v.1)
            aria-label=t(lang, Msg::StartVoting) title=t(lang, Msg::StartVoting)
            on:click=move |_| ui.show_voting.set(true)>
            {crate::ui::toolbar::svg_icon("M7 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM17 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM12 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM4 4h16v16H4z")}
        </button>
        <button class="voting-button end" hidden=move || !ui.moderator.get() || !ui.voting.get().is_some_and(|v| v.1)
            on:click=end>{t(lang, Msg::EndVoting)}</button>
        <button class="results-button" hidden=move || !ui.voting.get().is_some_and(|v| v.2)
            on:click=move |_| ui.show_results.set(true)>{t(lang, Msg::Results)}</button>
    }
}
