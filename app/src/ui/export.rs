//! The Export dialog (UI.md, "Export and import"), the Open-or-Merge dialog for a
//! board file, and the file input and drop handling that lead to it.

use std::cell::RefCell;

use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::dom::{h, input_value, set_flag, text, H};

use crate::export::files::{self, ExportError, Format, ImportError, Incoming};
use crate::export::{ImageOptions, Scope};
use crate::i18n::{t, Lang, Msg};
use crate::state::{with_editor, Ui};

thread_local! {
    /// The board file waiting for "Open" or "Merge".
    static PENDING: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

fn format_label(lang: Lang, f: Format) -> &'static str {
    match f {
        Format::Png => "PNG",
        Format::Svg => "SVG",
        Format::Board => t(lang, Msg::BoardFile),
        Format::Markdown => "Markdown",
        Format::Csv => "CSV",
    }
}

fn exported(lang: Lang, n: usize, name: &str) -> String {
    match lang {
        Lang::De => format!("Exportiert: {n} Elemente als „{name}“."),
        Lang::En => format!("Exported {n} elements as “{name}”."),
    }
}

fn reduced(lang: Lang, scale: f64) -> String {
    let pct = (scale * 100.0).round();
    match lang {
        Lang::De => format!(
            " Das Bild wäre für den Browser zu groß: Es wurde mit {pct} % statt in voller Größe gezeichnet. Für mehr Schärfe einen Rahmen oder die Auswahl exportieren."
        ),
        Lang::En => format!(
            " The image would be too large for the browser: it was drawn at {pct} % instead. Export a frame or the selection for more detail."
        ),
    }
}

/// "The file is damaged (detail). Your board is unchanged."
fn damaged(lang: Lang, detail: &str) -> String {
    format!(
        "{} ({detail}). {}",
        t(lang, Msg::FileDamaged),
        t(lang, Msg::BoardUnchanged)
    )
}

fn import_message(lang: Lang, e: &ImportError) -> String {
    let m = match e {
        ImportError::TooLarge => Msg::FileTooLarge,
        ImportError::Unsupported => Msg::FileUnsupported,
        ImportError::NoBoardInImage => Msg::FileNoBoard,
        ImportError::Damaged(detail) => {
            log::warn!("import: {detail}");
            return damaged(lang, detail);
        }
        ImportError::Unreadable => Msg::FileUnreadable,
    };
    t(lang, m).to_string()
}

/// Reads an opened or dropped file: text becomes notes at once; a board waits for
/// the person's choice; anything else is a message, and the board stays as it is.
pub fn take_file(ui: Ui, file: web_sys::File) {
    leptos::task::spawn_local(async move {
        let name = file.name();
        match files::read(&file).await {
            Ok(Incoming::Text(text)) => files::insert_text(&text),
            Ok(Incoming::Board { file, elements }) => {
                PENDING.with(|p| *p.borrow_mut() = Some(file));
                ui.import.set(Some((name, elements)));
            }
            Err(e) => ui.notice.set(Some(import_message(ui.lang, &e))),
        }
    });
}

/// The hidden file input behind "Open file".
#[component]
pub fn OpenFileButton(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let input: NodeRef<html::Input> = NodeRef::new();
    let on_change = move |_| {
        if let Some(el) = input.get_untracked() {
            let el: &HtmlInputElement = &el;
            if let Some(file) = el.files().and_then(|f| f.get(0)) {
                take_file(ui, file);
            }
            el.set_value("");
        }
    };
    view! {
        <button aria-label=t(lang, Msg::OpenFile) title=t(lang, Msg::OpenFile)
            on:click=move |_| { if let Some(el) = input.get_untracked() { el.click(); } }>
            {crate::ui::toolbar::svg_icon("M3 7V5h6l2 2h10v12H3zM3 10h18")}
        </button>
        <input type="file" class="file-input" hidden node_ref=input tabindex="-1" aria-hidden="true"
            accept=".lernraum,.png,.svg,.txt,.md,.csv,image/png,image/svg+xml,text/plain"
            on:change=on_change/>
    }
}

/// One radio button in a `choice` label.
fn radio(group: &str, label: &str, checked: bool, disabled: bool, on: impl Fn() + 'static) -> H {
    h("label").class("choice").children([
        h("input")
            .attr("type", "radio")
            .attr("name", group)
            .flag("checked", checked)
            .flag("disabled", disabled)
            .on("change", move |_| on()),
        text("span", label),
    ])
}

fn checkbox(label: &str, checked: bool, on: impl Fn(bool) + 'static) -> H {
    h("label").class("choice").children([
        h("input")
            .attr("type", "checkbox")
            .flag("checked", checked)
            .on("change", move |ev| {
                let v = ev
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                    .is_some_and(|i| i.checked());
                on(v)
            }),
        text("span", label),
    ])
}

fn fieldset(legend: &str, items: Vec<H>) -> H {
    h("fieldset").child(text("legend", legend)).children(items)
}

/// The board's frames in paint order: (id, title).
pub(super) fn board_frames() -> Vec<(String, String)> {
    with_editor(|ed| {
        ed.scene.ensure_order();
        ed.scene
            .in_order()
            .into_iter()
            .filter(|e| e.kind == crdt::Kind::Frame)
            .map(|e| (e.id.clone(), e.text.clone()))
            .collect()
    })
    .unwrap_or_default()
}

/// A `<select>` of `frames` by title ("Frame" for an untitled one).
pub(super) fn frame_select(lang: Lang, frames: &[(String, String)]) -> H {
    h("select").children(frames.iter().map(|(id, title)| {
        let title = if title.trim().is_empty() {
            t(lang, Msg::Frame)
        } else {
            title.as_str()
        };
        text("option", title).attr("value", id)
    }))
}

/// The Export dialog, built when it opens.
pub fn export_dialog(ui: Ui) -> H {
    let lang = ui.lang;
    let close = move || ui.show_export.set(false);
    let frames = board_frames();
    let has_selection = ui.selection.with_untracked(|s| !s.is_empty());
    let choice = Rc::new(RefCell::new((
        Format::Png,
        ImageOptions {
            scope: if has_selection {
                Scope::Selection
            } else {
                Scope::Board
            },
            ..ImageOptions::default()
        },
    )));
    let image_block = h("div");
    let hint = text("p", t(lang, Msg::MinutesHint))
        .class("hint")
        .flag("hidden", true);
    let copy_button = text("button", t(lang, Msg::CopyToClipboard));
    let download_button = text("button", t(lang, Msg::Download)).class("primary");
    let status = text("p", "").class("status").attr("role", "status");
    // Show what fits the format.
    let (ib, hn, cb) = (image_block.0.clone(), hint.0.clone(), copy_button.0.clone());
    let on_format = Rc::new(move |f: Format| {
        set_flag(&ib, "hidden", !f.is_image());
        set_flag(&hn, "hidden", f.is_image() || f == Format::Board);
        set_flag(&cb, "disabled", f == Format::Board);
    });
    let formats = Format::ALL
        .into_iter()
        .map(|f| {
            let c = choice.clone();
            let on_format = on_format.clone();
            radio(
                "export-format",
                format_label(lang, f),
                f == Format::Png,
                false,
                move || {
                    c.borrow_mut().0 = f;
                    on_format(f);
                },
            )
        })
        .collect();
    // The frame to export, shown with the "Frame" scope.
    let first_frame = frames.first().map(|(id, _)| id.clone()).unwrap_or_default();
    let c = choice.clone();
    let select = frame_select(lang, &frames).on("change", move |ev| {
        let v = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default();
        c.borrow_mut().1.scope = Scope::Frame(v);
    });
    let select_el = select.0.clone();
    let frame_choice = h("label")
        .class("choice")
        .flag("hidden", true)
        .children([text("span", t(lang, Msg::FrameToExport)), select]);
    let fc = frame_choice.0.clone();
    let scope_radio = |label: Msg, scope: Scope, disabled: bool| {
        let c = choice.clone();
        let fc = fc.clone();
        let select_el = select_el.clone();
        let first = first_frame.clone();
        let checked = c.borrow().1.scope == scope;
        radio(
            "export-scope",
            t(lang, label),
            checked,
            disabled,
            move || {
                let scope = match &scope {
                    Scope::Frame(_) => {
                        let v = select_el
                            .dyn_ref::<web_sys::HtmlSelectElement>()
                            .map(|s| s.value())
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| first.clone());
                        Scope::Frame(v)
                    }
                    other => other.clone(),
                };
                set_flag(&fc, "hidden", !matches!(scope, Scope::Frame(_)));
                c.borrow_mut().1.scope = scope;
            },
        )
    };
    let scopes = vec![
        scope_radio(Msg::WholeBoard, Scope::Board, false),
        scope_radio(Msg::SelectionScope, Scope::Selection, !has_selection),
        scope_radio(Msg::Frame, Scope::Frame(String::new()), frames.is_empty()),
    ];
    let scales = [1u8, 2, 3]
        .into_iter()
        .map(|n| {
            let c = choice.clone();
            radio(
                "export-scale",
                &format!("{n}×"),
                n == 2,
                false,
                move || {
                    c.borrow_mut().1.scale = n as f64;
                },
            )
        })
        .collect();
    let (c1, c2, c3) = (choice.clone(), choice.clone(), choice.clone());
    let padding = h("label").class("choice").children([
        text("span", t(lang, Msg::Padding)),
        h("input")
            .attr("type", "number")
            .attr("min", "0")
            .attr("max", "500")
            .attr("step", "8")
            .class("padding")
            .attr("value", "32")
            .on("change", move |ev| {
                let v = input_value(&ev).parse::<f64>().unwrap_or(32.0);
                c3.borrow_mut().1.padding = if v.is_finite() {
                    v.clamp(0.0, 500.0)
                } else {
                    32.0
                };
            }),
    ]);
    let image_block = image_block.children([
        fieldset(t(lang, Msg::WhatToExport), scopes),
        frame_choice,
        fieldset(t(lang, Msg::Scale), scales),
        checkbox(t(lang, Msg::Background), true, move |v| {
            c1.borrow_mut().1.background = v
        }),
        padding,
        checkbox(t(lang, Msg::EmbedBoard), true, move |v| {
            c2.borrow_mut().1.embed = v
        }),
    ]);
    // Download or copy: one export at a time.
    let (st, dl, cp) = (
        status.0.clone(),
        download_button.0.clone(),
        copy_button.0.clone(),
    );
    let run = move |copy: bool| {
        if dl.has_attribute("disabled") {
            return;
        }
        let (f, opts) = choice.borrow().clone();
        set_flag(&dl, "disabled", true);
        set_flag(&cp, "disabled", true);
        st.set_text_content(None);
        let (st, dl, cp) = (st.clone(), dl.clone(), cp.clone());
        leptos::task::spawn_local(async move {
            let result = match files::make(f, &opts, lang).await {
                Ok(out) => {
                    let done = if copy {
                        files::copy(&out)
                            .await
                            .map(|_| t(lang, Msg::Copied).to_string())
                    } else {
                        files::download(&out).map(|_| exported(lang, out.elements, &out.name))
                    };
                    done.map(|msg| match out.reduced_to {
                        Some(s) => format!("{msg}{}", reduced(lang, s)),
                        None => msg,
                    })
                }
                Err(ExportError::Nothing) => Err(t(lang, Msg::NothingToExport).to_string()),
                Err(ExportError::Browser(e)) => Err(format!("{} {e}", t(lang, Msg::ExportFailed))),
            };
            st.set_text_content(Some(&result.unwrap_or_else(|e| e)));
            set_flag(&dl, "disabled", false);
            set_flag(&cp, "disabled", f == Format::Board);
        });
    };
    let run2 = run.clone();
    let body = vec![
        text("h2", t(lang, Msg::Export)).attr("id", "export-heading"),
        fieldset(t(lang, Msg::Format), formats),
        hint,
        image_block,
        status,
        h("div").class("dialog-actions").children([
            download_button.on("click", move |_| run(false)),
            copy_button.on("click", move |_| run2(true)),
            text("button", t(lang, Msg::Close)).on("click", move |_| close()),
        ]),
    ];
    super::share::modal("export-heading", "export-dialog", body, close)
}

/// The Open-or-Merge dialog for a board file that was opened or dropped.
pub fn import_dialog(ui: Ui) -> H {
    let lang = ui.lang;
    let cancel = move || {
        PENDING.with(|p| p.borrow_mut().take());
        ui.import.set(None);
    };
    let open = move |_| {
        let Some(file) = PENDING.with(|p| p.borrow_mut().take()) else {
            return;
        };
        ui.import.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = files::open_as_new(&file, t(lang, Msg::UntitledBoard)).await {
                ui.notice.set(Some(damaged(lang, &e)));
            }
        });
    };
    let merge = move |_| {
        let Some(file) = PENDING.with(|p| p.borrow_mut().take()) else {
            return;
        };
        ui.import.set(None);
        if let Err(e) = files::merge(&file) {
            ui.notice.set(Some(damaged(lang, &e)));
        }
    };
    let summary = ui
        .import
        .get_untracked()
        .map(|(name, n)| match lang {
            Lang::De => format!("„{name}“: ein Board mit {n} Elementen."),
            Lang::En => format!("“{name}”: a board with {n} elements."),
        })
        .unwrap_or_default();
    let body = vec![
        text("h2", t(lang, Msg::OpenBoardFile)).attr("id", "import-heading"),
        text("p", &summary),
        text("p", t(lang, Msg::OpenOrMerge)),
        h("div").class("dialog-actions").children([
            text("button", t(lang, Msg::Open))
                .class("primary")
                .on("click", open),
            text("button", t(lang, Msg::Merge)).on("click", merge),
            text("button", t(lang, Msg::Cancel)).on("click", move |_| cancel()),
        ]),
    ];
    super::share::modal("import-heading", "import-dialog", body, cancel)
}
