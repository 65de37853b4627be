//! The toolbar (`role=toolbar`, "Tools") and the action buttons, with the exact
//! accessible names of UI.md. Shortcuts go in `aria-keyshortcuts` and the tooltip.

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, Ui};
use crate::tools::Tool;

fn tool_msg(tool: Tool) -> Msg {
    match tool {
        Tool::Select => Msg::Select,
        Tool::Hand => Msg::Hand,
        Tool::Note => Msg::Note,
        Tool::Text => Msg::Text,
        Tool::Rect => Msg::Rectangle,
        Tool::Ellipse => Msg::Ellipse,
        Tool::Arrow => Msg::Arrow,
        Tool::Pen => Msg::Pen,
        Tool::Frame => Msg::Frame,
    }
}

/// Stroke icons (24×24 viewBox), drawn for this app; no icon font, no emoji.
fn icon_path(tool: Tool) -> &'static str {
    match tool {
        Tool::Select => "M5 3l14 8-6 1.5L10 19z",
        Tool::Hand => "M8 13V5.5a1.5 1.5 0 0 1 3 0V11m0-6.5a1.5 1.5 0 0 1 3 0V11m0-5a1.5 1.5 0 0 1 3 0v7c0 4-2.5 7-6.5 7S6 18 4.5 15.5L3 13a1.5 1.5 0 0 1 2.5-1.5L8 14",
        Tool::Note => "M4 4h16v11l-5 5H4zM15 20v-5h5",
        Tool::Text => "M5 6V4h14v2M12 4v16M9 20h6",
        Tool::Rect => "M4 6h16v12H4z",
        Tool::Ellipse => "M12 5c4.4 0 8 3.1 8 7s-3.6 7-8 7-8-3.1-8-7 3.6-7 8-7z",
        Tool::Arrow => "M5 19L19 5M10 5h9v9",
        Tool::Pen => "M4 20l4-1L19 8l-3-3L5 16zM14 7l3 3",
        Tool::Frame => "M7 3v18M17 3v18M3 7h18M3 17h18",
    }
}

pub fn svg_icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

pub fn choose_tool(tool: Tool) {
    with_editor(|ed| ed.set_tool(tool));
    after_input();
}

#[component]
pub fn Toolbar(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let buttons = Tool::ALL
        .into_iter()
        .map(|tool| {
            let name = t(lang, tool_msg(tool));
            let title = format!("{name} ({})", tool.shortcut());
            view! {
                <button
                    class="tool"
                    aria-label=name
                    title=title
                    aria-keyshortcuts=tool.shortcut()
                    aria-pressed=move || if ui.tool.get() == tool { "true" } else { "false" }
                    on:click=move |_| choose_tool(tool)
                >
                    {svg_icon(icon_path(tool))}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="toolbar" role="toolbar" aria-label=t(lang, Msg::Tools)>
            {buttons}
            <hr aria-hidden="true"/>
            <button
                class="tool"
                aria-label=t(lang, Msg::KeepTool)
                title=format!("{} (Q)", t(lang, Msg::KeepTool))
                aria-keyshortcuts="Q"
                aria-pressed=move || if ui.keep_tool.get() { "true" } else { "false" }
                on:click=move |_| {
                    with_editor(|ed| ed.keep_tool = !ed.keep_tool);
                    after_input();
                }
            >
                {svg_icon("M8 11V7a4 4 0 0 1 8 0v4M6 11h12v9H6z")}
            </button>
        </div>
    }
}

#[component]
pub fn Actions(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let undo = move |_| {
        with_editor(|ed| ed.undo());
        after_input();
    };
    let redo = move |_| {
        with_editor(|ed| ed.redo());
        after_input();
    };
    view! {
        <div class="actions">
            <button aria-label=t(lang, Msg::Undo) title=format!("{} (Ctrl+Z)", t(lang, Msg::Undo))
                aria-keyshortcuts="Control+Z" disabled=move || !ui.can_undo.get() on:click=undo>
                {svg_icon("M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3")}
            </button>
            <button aria-label=t(lang, Msg::Redo) title=format!("{} (Ctrl+Shift+Z)", t(lang, Msg::Redo))
                aria-keyshortcuts="Control+Shift+Z Control+Y" disabled=move || !ui.can_redo.get() on:click=redo>
                {svg_icon("M15 14l5-5-5-5M20 9H10a6 6 0 0 0 0 12h3")}
            </button>
            <crate::ui::export::OpenFileButton ui=ui/>
            <button aria-label=t(lang, Msg::Export) title=t(lang, Msg::Export)
                aria-haspopup="dialog" on:click=move |_| ui.show_export.set(true)>
                {svg_icon("M12 4v11M7 10l5 5 5-5M5 20h14")}
            </button>
            <crate::ui::people::PeopleButton ui=ui/>
            <button aria-label=t(lang, Msg::Share) title=t(lang, Msg::Share)
                aria-haspopup="dialog" on:click=move |_| ui.show_share.set(true)>
                {svg_icon("M18 8a3 3 0 1 0-3-3M6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4")}
            </button>
        </div>
    }
}
