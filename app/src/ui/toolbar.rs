//! The toolbar (`role=toolbar`, "Tools") and the action buttons, with the exact
//! accessible names of UI.md. Shortcuts go in `aria-keyshortcuts` and the tooltip.

use leptos::prelude::*;

use crate::i18n::{t, Lang, Msg};
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

fn icon(tool: Tool) -> &'static str {
    match tool {
        Tool::Select => "↖",
        Tool::Hand => "✋",
        Tool::Note => "▤",
        Tool::Text => "T",
        Tool::Rect => "▭",
        Tool::Ellipse => "◯",
        Tool::Arrow => "↗",
        Tool::Pen => "✎",
        Tool::Frame => "⬚",
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
            let title = if tool.available() {
                format!("{name} ({})", tool.shortcut())
            } else {
                format!(
                    "{name} ({}) · {}",
                    tool.shortcut(),
                    t(lang, Msg::ComingSoon)
                )
            };
            view! {
                <button
                    class="tool"
                    aria-label=name
                    title=title
                    aria-keyshortcuts=tool.shortcut()
                    aria-pressed=move || if ui.tool.get() == tool { "true" } else { "false" }
                    disabled=!tool.available()
                    on:click=move |_| choose_tool(tool)
                >
                    <span aria-hidden="true">{icon(tool)}</span>
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="toolbar" role="toolbar" aria-label=t(lang, Msg::Tools)>
            {buttons}
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
    let soon = |lang: Lang, m: Msg| format!("{} · {}", t(lang, m), t(lang, Msg::ComingSoon));
    view! {
        <div class="actions">
            <button aria-label=t(lang, Msg::Undo) title=format!("{} (Ctrl+Z)", t(lang, Msg::Undo))
                aria-keyshortcuts="Control+Z" disabled=move || !ui.can_undo.get() on:click=undo>
                <span aria-hidden="true">"↶"</span>
            </button>
            <button aria-label=t(lang, Msg::Redo) title=format!("{} (Ctrl+Shift+Z)", t(lang, Msg::Redo))
                aria-keyshortcuts="Control+Shift+Z Control+Y" disabled=move || !ui.can_redo.get() on:click=redo>
                <span aria-hidden="true">"↷"</span>
            </button>
            <button aria-label=t(lang, Msg::Export) title=soon(lang, Msg::Export) disabled=true>
                <span aria-hidden="true">"⇩"</span>
            </button>
            <button aria-label=t(lang, Msg::Share) title=soon(lang, Msg::Share) disabled=true>
                <span aria-hidden="true">"⤴"</span>
            </button>
        </div>
    }
}
