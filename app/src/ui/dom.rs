//! A small DOM builder for the app's dialogs and panels. Leptos' `view!` generates a
//! lot of generic code per view (about 1 KB of download per element tree), so the
//! larger, rarely shown pieces of chrome are built with these few non-generic calls
//! instead, and mounted into Leptos with [`Mounted`]. Text is always set as text
//! (`textContent`, attribute values), never parsed as HTML.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement};

/// An element under construction (and a handle to it afterwards).
#[derive(Clone)]
pub struct H(pub Element);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the app runs in a document")
}

/// A new `tag` element.
pub fn h(tag: &str) -> H {
    H(document()
        .create_element(tag)
        .expect("valid tag names only"))
}

/// A text node's worth of text in a `tag` element.
pub fn text(tag: &str, s: &str) -> H {
    h(tag).text(s)
}

/// An SVG element.
pub fn svg(tag: &str) -> H {
    H(document()
        .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
        .expect("valid svg tag names only"))
}

impl H {
    pub fn attr(self, name: &str, value: &str) -> H {
        let _ = self.0.set_attribute(name, value);
        self
    }

    pub fn class(self, c: &str) -> H {
        self.attr("class", c)
    }

    /// Sets or removes a boolean attribute (`hidden`, `disabled`, `checked`…).
    pub fn flag(self, name: &str, on: bool) -> H {
        set_flag(&self.0, name, on);
        self
    }

    pub fn text(self, s: &str) -> H {
        self.0.set_text_content(Some(s));
        self
    }

    pub fn child(self, c: H) -> H {
        let _ = self.0.append_child(&c.0);
        self
    }

    pub fn children(self, cs: impl IntoIterator<Item = H>) -> H {
        for c in cs {
            let _ = self.0.append_child(&c.0);
        }
        self
    }

    /// Adds an event listener that lives as long as the page holds the element.
    pub fn on(self, event: &str, f: impl FnMut(Event) + 'static) -> H {
        let cb = Closure::<dyn FnMut(Event)>::new(f).into_js_value();
        let _ = self
            .0
            .add_event_listener_with_callback(event, cb.unchecked_ref());
        self
    }
}

pub fn set_flag(el: &Element, name: &str, on: bool) {
    if on {
        let _ = el.set_attribute(name, "");
    } else {
        let _ = el.remove_attribute(name);
    }
    // Form state follows the property, not only the attribute.
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        match name {
            "checked" => input.set_checked(on),
            "disabled" => input.set_disabled(on),
            _ => {}
        }
    } else if name == "disabled" {
        if let Some(b) = el.dyn_ref::<web_sys::HtmlButtonElement>() {
            b.set_disabled(on);
        }
    }
}

/// Places a top-right panel just below the top bar (which may wrap to two lines), so
/// it never covers the buttons that open and close it.
pub fn below_top_bar(panel: &H) -> H {
    let bottom = document()
        .query_selector(".topbar")
        .ok()
        .flatten()
        .map(|t| t.get_bounding_client_rect().bottom())
        .unwrap_or(50.0);
    let style = panel.0.get_attribute("style").unwrap_or_default();
    let _ = panel
        .0
        .set_attribute("style", &format!("{style}top:{}px;", bottom + 6.0));
    panel.clone()
}

/// The value of the input an event came from.
pub fn input_value(ev: &Event) -> String {
    ev.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Focuses the first element under `root` matching `selector`.
pub fn focus_first(root: &Element, selector: &str) {
    if let Ok(Some(el)) = root.query_selector(selector) {
        if let Ok(el) = el.dyn_into::<HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Gives the focus back to the board.
pub fn focus_board() {
    if let Some(el) = document()
        .query_selector(".board")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Mounts what `make` builds while `show` is true, and removes it when it turns false,
/// in a `display: contents` wrapper (the built nodes lay out as if placed directly).
/// `focus`: a selector inside to focus once shown.
pub fn mounted(
    show: impl Fn() -> bool + 'static,
    make: impl Fn() -> H + 'static,
    focus: Option<&'static str>,
) -> impl IntoView {
    let host: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        let on = show();
        let Some(host) = host.get() else { return };
        host.set_inner_html("");
        if on {
            let built = make();
            let _ = host.append_child(&built.0);
            if let Some(sel) = focus {
                focus_first(&built.0, sel);
            }
        }
    });
    view! { <div class="mounted" node_ref=host></div> }
}
