//! The Export dialog (UI.md, "Export and import"), the Open-or-Merge dialog for a
//! board file, and the file input and drop handling that lead to it.

use std::cell::RefCell;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};

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

fn import_message(lang: Lang, e: &ImportError) -> String {
    let m = match e {
        ImportError::TooLarge => Msg::FileTooLarge,
        ImportError::Unsupported => Msg::FileUnsupported,
        ImportError::NoBoardInImage => Msg::FileNoBoard,
        ImportError::Damaged(detail) => {
            log::warn!("import: {detail}");
            return format!("{} ({detail})", t(lang, Msg::FileDamaged));
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

fn focus_first(root: &HtmlElement, selector: &str) {
    if let Ok(Some(el)) = root.query_selector(selector) {
        if let Ok(el) = el.dyn_into::<HtmlElement>() {
            let _ = el.focus();
        }
    }
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

/// One radio button with its label. Views are type-erased (`AnyView`) throughout
/// these dialogs: each distinct view type costs download size.
fn radio(
    group: &'static str,
    label: String,
    checked: Signal<bool>,
    disabled: Signal<bool>,
    set: Box<dyn Fn() + Send + Sync>,
) -> AnyView {
    view! {
        <label class="choice">
            <input type="radio" name=group prop:checked=move || checked.get()
                disabled=move || disabled.get() on:change=move |_| set()/>
            <span>{label}</span>
        </label>
    }
    .into_any()
}

#[component]
pub fn ExportDialog(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let format = RwSignal::new(Format::Png);
    let scope_kind = RwSignal::new(0u8); // 0 board, 1 selection, 2 frame
    let frame = RwSignal::new(String::new());
    let scale = RwSignal::new(2u8);
    let background = RwSignal::new(true);
    let padding = RwSignal::new(32.0f64);
    let embed = RwSignal::new(true);
    let status: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let frames: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());
    let dialog: NodeRef<html::Div> = NodeRef::new();

    // On opening: the frames to choose from, a sensible scope, focus inside.
    Effect::new(move |_| {
        if ui.show_export.get() {
            let list = with_editor(|ed| {
                ed.scene.ensure_order();
                ed.scene
                    .in_order()
                    .into_iter()
                    .filter(|e| e.kind == crdt::Kind::Frame)
                    .map(|e| (e.id.clone(), e.text.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
            if !list.iter().any(|(id, _)| *id == frame.get_untracked()) {
                frame.set(list.first().map(|(id, _)| id.clone()).unwrap_or_default());
            }
            frames.set(list);
            let has_selection = ui.selection.with_untracked(|s| !s.is_empty());
            scope_kind.set(if has_selection { 1 } else { 0 });
            status.set(None);
            if let Some(d) = dialog.get() {
                focus_first(&d, "input:checked");
            }
        }
    });
    let close = move || {
        ui.show_export.set(false);
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".board").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    let options = move || ImageOptions {
        scope: match scope_kind.get_untracked() {
            1 => Scope::Selection,
            2 => Scope::Frame(frame.get_untracked()),
            _ => Scope::Board,
        },
        scale: scale.get_untracked() as f64,
        background: background.get_untracked(),
        padding: padding.get_untracked(),
        embed: embed.get_untracked(),
    };
    let run = move |copy: bool| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        status.set(None);
        let (f, opts) = (format.get_untracked(), options());
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
            status.set(Some(result.unwrap_or_else(|e| e)));
            busy.set(false);
        });
    };
    let on_key = move |ev: KeyboardEvent| {
        // Shortcuts of the board must not fire while typing here.
        ev.stop_propagation();
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let body = move || {
        let formats = Format::ALL
            .into_iter()
            .map(|f| {
                radio(
                    "export-format",
                    format_label(lang, f).to_string(),
                    Signal::derive(move || format.get() == f),
                    Signal::derive(|| false),
                    Box::new(move || format.set(f)),
                )
            })
            .collect::<Vec<_>>();
        let scopes = vec![
            radio(
                "export-scope",
                t(lang, Msg::WholeBoard).into(),
                Signal::derive(move || scope_kind.get() == 0),
                Signal::derive(|| false),
                Box::new(move || scope_kind.set(0)),
            ),
            radio(
                "export-scope",
                t(lang, Msg::SelectionScope).into(),
                Signal::derive(move || scope_kind.get() == 1),
                Signal::derive(move || ui.selection.with(|s| s.is_empty())),
                Box::new(move || scope_kind.set(1)),
            ),
            radio(
                "export-scope",
                t(lang, Msg::Frame).into(),
                Signal::derive(move || scope_kind.get() == 2),
                Signal::derive(move || frames.with(|f| f.is_empty())),
                Box::new(move || scope_kind.set(2)),
            ),
        ];
        let scales = [1u8, 2, 3]
            .into_iter()
            .map(|s| {
                radio(
                    "export-scale",
                    format!("{s}×"),
                    Signal::derive(move || scale.get() == s),
                    Signal::derive(|| false),
                    Box::new(move || scale.set(s)),
                )
            })
            .collect::<Vec<_>>();
        let frame_choice = view! {
            <label class="choice" hidden=move || scope_kind.get() != 2>
                <span>{t(lang, Msg::FrameToExport)}</span>
                <select on:change=move |ev| frame.set(event_target_value(&ev))
                    prop:value=move || frame.get()>
                    {move || frames.get().into_iter().map(|(id, title)| {
                        let title = if title.trim().is_empty() { t(lang, Msg::Frame).to_string() } else { title };
                        view! { <option value=id>{title}</option> }.into_any()
                    }).collect::<Vec<_>>()}
                </select>
            </label>
        }
        .into_any();
        let padding_field = view! {
            <label class="choice">
                <span>{t(lang, Msg::Padding)}</span>
                <input type="number" min="0" max="500" step="8" class="padding"
                    prop:value=move || padding.get().to_string()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<f64>().unwrap_or(32.0);
                        padding.set(if v.is_finite() { v.clamp(0.0, 500.0) } else { 32.0 });
                    }/>
            </label>
        }
        .into_any();
        let image = view! {
            <div hidden=move || !format.get().is_image()>
                {fieldset(t(lang, Msg::WhatToExport), scopes)}
                {frame_choice}
                {fieldset(t(lang, Msg::Scale), scales)}
                {checkbox(t(lang, Msg::Background), background)}
                {padding_field}
                {checkbox(t(lang, Msg::EmbedBoard), embed)}
            </div>
        }
        .into_any();
        let actions = view! {
            <p class="status" role="status">{move || status.get()}</p>
            <div class="dialog-actions">
                <button class="primary" disabled=move || busy.get() on:click=move |_| run(false)>
                    {t(lang, Msg::Download)}
                </button>
                <button disabled=move || busy.get() || format.get() == Format::Board
                    on:click=move |_| run(true)>
                    {t(lang, Msg::CopyToClipboard)}
                </button>
                <button on:click=move |_| close()>{t(lang, Msg::Close)}</button>
            </div>
        }
        .into_any();
        view! {
            <div class="dialog-backdrop" on:pointerdown=move |_| close()></div>
            <div class="dialog export-dialog" role="dialog" aria-modal="true"
                aria-labelledby="export-heading" node_ref=dialog on:keydown=on_key>
                <h2 id="export-heading">{t(lang, Msg::Export)}</h2>
                {fieldset(t(lang, Msg::Format), formats)}
                <p class="hint" hidden=move || format.get().is_image() || format.get() == Format::Board>
                    {t(lang, Msg::MinutesHint)}
                </p>
                {image}
                {actions}
            </div>
        }
        .into_any()
    };
    move || ui.show_export.get().then(body)
}

fn fieldset(legend: &'static str, items: Vec<AnyView>) -> AnyView {
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {items}
        </fieldset>
    }
    .into_any()
}

fn checkbox(label: &'static str, value: RwSignal<bool>) -> AnyView {
    view! {
        <label class="choice">
            <input type="checkbox" prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev))/>
            <span>{label}</span>
        </label>
    }
    .into_any()
}

#[component]
pub fn ImportDialog(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let dialog: NodeRef<html::Div> = NodeRef::new();
    let cancel = move || {
        PENDING.with(|p| p.borrow_mut().take());
        ui.import.set(None);
    };
    Effect::new(move |_| {
        if ui.import.get().is_some() {
            if let Some(d) = dialog.get() {
                focus_first(&d, "button");
            }
        }
    });
    let open = move |_| {
        let Some(file) = PENDING.with(|p| p.borrow_mut().take()) else {
            return;
        };
        ui.import.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = files::open_as_new(&file, t(lang, Msg::UntitledBoard)).await {
                ui.notice
                    .set(Some(format!("{} ({e})", t(lang, Msg::FileUnreadable))));
            }
        });
    };
    let merge = move |_| {
        let Some(file) = PENDING.with(|p| p.borrow_mut().take()) else {
            return;
        };
        ui.import.set(None);
        if let Err(e) = files::merge(&file) {
            ui.notice
                .set(Some(format!("{} ({e})", t(lang, Msg::FileDamaged))));
        }
    };
    let summary = move || {
        ui.import.get().map(|(name, n)| match lang {
            Lang::De => format!("„{name}“: ein Board mit {n} Elementen."),
            Lang::En => format!("“{name}”: a board with {n} elements."),
        })
    };
    let body = move || {
        view! {
            <div class="dialog-backdrop" on:pointerdown=move |_| cancel()></div>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="import-heading"
                node_ref=dialog
                on:keydown=move |ev: KeyboardEvent| {
                    ev.stop_propagation();
                    if ev.key() == "Escape" { cancel(); }
                }>
                <h2 id="import-heading">{t(lang, Msg::OpenBoardFile)}</h2>
                <p>{summary}</p>
                <p>{t(lang, Msg::OpenOrMerge)}</p>
                <div class="dialog-actions">
                    <button class="primary" on:click=open>{t(lang, Msg::Open)}</button>
                    <button on:click=merge>{t(lang, Msg::Merge)}</button>
                    <button on:click=move |_| cancel()>{t(lang, Msg::Cancel)}</button>
                </div>
            </div>
        }
        .into_any()
    };
    move || ui.import.get().is_some().then(body)
}
