//! The Share dialog (issue "Live collaboration"): the participant link and, for the
//! moderator, the moderator link, clearly apart; copy buttons; a QR code of the
//! participant link; and which relay or server the board's sync goes through.
//! Built with `ui::dom` (see there why).

use leptos::prelude::Set;
use qrcode::{Color, EcLevel, QrCode};
use wasm_bindgen::JsCast;

use super::dom::{h, svg, text, H};
use crate::i18n::{t, Lang, Msg};
use crate::state::Ui;

/// The QR code of `text` as an SVG path over a `size × size` module grid (with a
/// 4-module quiet zone), or `None` if it does not fit in a QR code.
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let w = code.width();
    let mut d = String::new();
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == Color::Dark {
            d.push_str(&format!("M{} {}h1v1h-1z", i % w + 4, i / w + 4));
        }
    }
    Some((w + 8, d))
}

/// This page's address without personal query parameters (`name`), with `fragment`.
fn link_with(fragment: &str) -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return fragment.to_string();
    };
    let base = format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    );
    let search = loc.search().unwrap_or_default();
    let query = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .map(|p| {
            p.delete("name");
            p.delete("bench");
            String::from(p.to_string())
        })
        .unwrap_or_default();
    if query.is_empty() {
        format!("{base}{fragment}")
    } else {
        format!("{base}?{query}{fragment}")
    }
}

fn copy(link: String, status: web_sys::Element, lang: Lang) {
    let Some(c) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        return;
    };
    let promise = c.write_text(&link);
    leptos::task::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            status.set_text_content(Some(t(lang, Msg::LinkCopied)));
        }
    });
}

/// One link with its label and copy button.
fn link_block(id: &str, label: &str, link: String, primary: bool, status: &H, lang: Lang) -> H {
    let s = status.0.clone();
    let l2 = link.clone();
    h("div").class("share-link").children([
        text("label", label).attr("for", id),
        h("div").class("row").children([
            h("input")
                .attr("id", id)
                .attr("type", "text")
                .attr("readonly", "")
                .attr("value", &link),
            text("button", t(lang, Msg::CopyLink))
                .class(if primary { "primary" } else { "" })
                .on("click", move |_| copy(l2.clone(), s.clone(), lang)),
        ]),
    ])
}

/// The dialog, built when it opens.
pub fn dialog(ui: Ui) -> H {
    let lang = ui.lang;
    let close = move || ui.show_share.set(false);
    let (participant, moderator) = crate::boot::share_fragments();
    let participant = link_with(&participant);
    let status = text("p", "").class("status").attr("role", "status");
    let mut body = vec![
        text("h2", t(lang, Msg::ShareTitle)).attr("id", "share-heading"),
        link_block(
            "share-participant",
            t(lang, Msg::ParticipantLink),
            participant.clone(),
            true,
            &status,
            lang,
        ),
    ];
    if let Some((size, d)) = qr_path(&participant) {
        body.push(
            svg("svg")
                .class("qr")
                .attr("viewBox", &format!("0 0 {size} {size}"))
                .attr("width", "200")
                .attr("height", "200")
                .attr("role", "img")
                .attr("aria-label", t(lang, Msg::QrCode))
                .attr("shape-rendering", "crispEdges")
                .children([
                    svg("rect")
                        .attr("width", "100%")
                        .attr("height", "100%")
                        .attr("fill", "#ffffff"),
                    svg("path").attr("d", &d).attr("fill", "#000000"),
                ]),
        );
    }
    if let Some(m) = moderator {
        body.push(
            link_block(
                "share-moderator",
                t(lang, Msg::ModeratorLink),
                link_with(&m),
                false,
                &status,
                lang,
            )
            .class("share-link moderator")
            .child(text("p", t(lang, Msg::ModeratorLinkHint)).class("hint")),
        );
    }
    let relay = crate::boot::signaling_urls().join(", ");
    body.push(h("p").class("hint").children([
        text("span", &format!("{} ", t(lang, Msg::RelayInUse))),
        text("code", &relay),
        text("span", &format!(". {}", t(lang, Msg::RelayCannotRead))),
    ]));
    let ice: Vec<String> = crate::net::ice::servers()
        .into_iter()
        .map(|s| s.url)
        .collect();
    if !ice.is_empty() {
        body.push(h("p").class("hint").children([
            text("span", &format!("{} ", t(lang, Msg::IceInUse))),
            text("code", &ice.join(", ")),
            text("span", &format!(". {}", t(lang, Msg::IceCanSee))),
        ]));
    }
    if let Some(server) = crate::boot::server_url() {
        body.push(h("p").class("hint warn").children([
            text("span", &format!("{} ", t(lang, Msg::ServerInUse))),
            text("code", &server),
            text("span", &format!(". {}", t(lang, Msg::ServerCanRead))),
        ]));
    }
    body.push(invite_section(lang));
    body.push(status);
    body.push(
        h("div")
            .class("dialog-actions")
            .child(text("button", t(lang, Msg::Close)).on("click", move |_| close())),
    );
    modal("share-heading", "share-dialog", body, close)
}

fn invite_message(lang: Lang, e: &crate::net::invite::InviteError) -> String {
    use crate::net::invite::InviteError as E;
    match e {
        E::NotACode => t(lang, Msg::CodeInvalid).to_string(),
        E::OtherBoard => t(lang, Msg::CodeOtherBoard).to_string(),
        E::WrongStep => t(lang, Msg::CodeWrongStep).to_string(),
        E::NothingPending => t(lang, Msg::CodeNothingPending).to_string(),
        E::Browser(why) => why.clone(),
    }
}

/// A code shown to pass on: read-only text, a copy button and a QR code.
fn code_block(id: &str, label: &str, code: &str, lang: Lang) -> H {
    let status = text("span", "").attr("role", "status");
    let (st, c2) = (status.0.clone(), code.to_string());
    let mut out = h("div").class("share-link").children([
        text("label", label).attr("for", id),
        h("textarea")
            .attr("id", id)
            .attr("readonly", "")
            .attr("rows", "3")
            .text(code),
        h("div").class("row").children([
            text("button", t(lang, Msg::CopyCode)).on("click", move |_| {
                copy(c2.clone(), st.clone(), lang);
            }),
            status,
        ]),
    ]);
    if let Some((size, d)) = qr_path(code) {
        out = out.child(
            svg("svg")
                .class("qr")
                .attr("viewBox", &format!("0 0 {size} {size}"))
                .attr("width", "220")
                .attr("height", "220")
                .attr("role", "img")
                .attr("aria-label", &format!("QR: {label}"))
                .attr("shape-rendering", "crispEdges")
                .children([
                    svg("rect")
                        .attr("width", "100%")
                        .attr("height", "100%")
                        .attr("fill", "#ffffff"),
                    svg("path").attr("d", &d).attr("fill", "#000000"),
                ]),
        );
    }
    out
}

fn textarea_value(el: &web_sys::Element) -> String {
    el.dyn_ref::<web_sys::HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

/// "Connect without a server": create an invite code and take the reply, or answer an
/// invite code with a reply code. Steps are spelled out for non-technical people.
fn invite_section(lang: Lang) -> H {
    let status = text("p", "").class("status").attr("role", "status");
    let area = h("div").class("invite-steps");
    let (st, ar) = (status.0.clone(), area.0.clone());
    let create = move |_| {
        let (st, ar) = (st.clone(), ar.clone());
        st.set_text_content(Some(t(lang, Msg::Working)));
        leptos::task::spawn_local(async move {
            match crate::net::invite::create().await {
                Ok(code) => {
                    st.set_text_content(None);
                    ar.set_inner_html("");
                    let reply = h("textarea").attr("id", "invite-reply").attr("rows", "3");
                    let (r, st2) = (reply.0.clone(), st.clone());
                    let block = h("div").children([
                        text("p", t(lang, Msg::InviteStep1)),
                        code_block("invite-code", t(lang, Msg::InviteCode), &code, lang),
                        text("p", t(lang, Msg::InviteStep2)),
                        text("label", t(lang, Msg::ReplyCode)).attr("for", "invite-reply"),
                        reply.on("keydown", |ev| ev.stop_propagation()),
                        text("button", t(lang, Msg::Connect)).class("primary").on(
                            "click",
                            move |_| {
                                let (code, st2) = (textarea_value(&r), st2.clone());
                                leptos::task::spawn_local(async move {
                                    match crate::net::invite::complete(&code).await {
                                        Ok(()) => st2
                                            .set_text_content(Some(t(lang, Msg::InviteConnected))),
                                        Err(e) => {
                                            st2.set_text_content(Some(&invite_message(lang, &e)))
                                        }
                                    }
                                });
                            },
                        ),
                    ]);
                    let _ = ar.append_child(&block.0);
                }
                Err(e) => st.set_text_content(Some(&invite_message(lang, &e))),
            }
        });
    };
    let (st, ar) = (status.0.clone(), area.0.clone());
    let have = move |_| {
        ar.set_inner_html("");
        let input = h("textarea").attr("id", "invite-in").attr("rows", "3");
        let (i, st, ar2) = (input.0.clone(), st.clone(), ar.clone());
        let block = h("div").children([
            text("label", t(lang, Msg::InviteCode)).attr("for", "invite-in"),
            input.on("keydown", |ev| ev.stop_propagation()),
            text("button", t(lang, Msg::CreateReply))
                .class("primary")
                .on("click", move |_| {
                    let (code, st, ar2) = (textarea_value(&i), st.clone(), ar2.clone());
                    st.set_text_content(Some(t(lang, Msg::Working)));
                    leptos::task::spawn_local(async move {
                        match crate::net::invite::answer(&code).await {
                            Ok(reply) => {
                                st.set_text_content(None);
                                let block = h("div").children([
                                    text("p", t(lang, Msg::ReplyStep)),
                                    code_block(
                                        "invite-reply-out",
                                        t(lang, Msg::ReplyCode),
                                        &reply,
                                        lang,
                                    ),
                                ]);
                                let _ = ar2.append_child(&block.0);
                            }
                            Err(e) => st.set_text_content(Some(&invite_message(lang, &e))),
                        }
                    });
                }),
        ]);
        let _ = ar.append_child(&block.0);
    };
    h("section")
        .class("invite")
        .attr("aria-labelledby", "invite-heading")
        .children([
            text("h3", t(lang, Msg::InviteTitle)).attr("id", "invite-heading"),
            text("p", t(lang, Msg::InviteHint)).class("hint"),
            h("div").class("row").children([
                text("button", t(lang, Msg::CreateInvite)).on("click", create),
                text("button", t(lang, Msg::HaveInvite)).on("click", have),
            ]),
            area,
            status,
        ])
}

/// A modal dialog: backdrop (a click closes), `role=dialog` labelled by its heading,
/// Escape closes, keys never reach the board's shortcuts.
pub fn modal(heading: &str, class: &str, body: Vec<H>, close: impl Fn() + Copy + 'static) -> H {
    h("div").children([
        h("div")
            .class("dialog-backdrop")
            .on("pointerdown", move |_| close()),
        h("div")
            .class(&format!("dialog {class}"))
            .attr("role", "dialog")
            .attr("aria-modal", "true")
            .attr("aria-labelledby", heading)
            .on("keydown", move |ev| {
                ev.stop_propagation();
                if ev
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape")
                {
                    ev.prevent_default();
                    close();
                    super::dom::focus_board();
                }
            })
            .children(body),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_link_fits_a_qr_code() {
        let link = "https://lernraum.example/?lang=de#room=AAAAAAAAAAAAAAAA&key=BBBBBBBBBBBBBBBBBBBBBBBB&mk=CCCCCCCCCCCC";
        let (size, d) = qr_path(link).unwrap();
        assert!(size > 25 && size < 80, "{size}");
        assert!(d.starts_with('M') && d.contains("h1v1h-1z"));
    }
}
