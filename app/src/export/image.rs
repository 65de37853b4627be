//! Drawing an export: the screen's own draw code (`render::paint_elements`, the kinds'
//! `draw`) on a canvas of the page's size, then PNG bytes from the browser's encoder.

use std::collections::HashMap;

use crdt::geometry::Rect;
use crdt::{Element, Kind};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{Page, BACKGROUND};
use crate::kinds::Paint;
use crate::text_layout::TextCache;

/// A canvas with `elements` (paint order) drawn on `page`.
pub fn draw(
    elements: &[&Element],
    page: &Page,
    background: bool,
    target: &dyn Fn(&str) -> Option<(Rect, bool)>,
) -> Result<HtmlCanvasElement, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(|_| "cannot create a canvas")?
        .unchecked_into();
    let (w, h) = page.pixels();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("the browser could not create an image this large")?
        .unchecked_into();
    if background {
        ctx.set_fill_style_str(BACKGROUND);
        ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    }
    let s = page.scale;
    ctx.set_transform(s, 0.0, 0.0, s, -page.x * s, -page.y * s)
        .map_err(|_| "cannot place the drawing")?;
    let mut texts = TextCache::default();
    let mut paint = Paint {
        ctx: &ctx,
        zoom: s,
        texts: &mut texts,
        editing: false,
        label_hidden: false,
    };
    let (frames, others): (Vec<&Element>, Vec<&Element>) =
        elements.iter().partition(|e| e.kind == Kind::Frame);
    crate::render::paint_elements(
        &mut paint,
        frames.into_iter().chain(others),
        &HashMap::new(),
        None,
        target,
    );
    Ok(canvas)
}

/// The canvas as PNG bytes (the browser's encoder).
pub async fn png(canvas: &HtmlCanvasElement) -> Result<Vec<u8>, String> {
    let canvas = canvas.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let cb = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if canvas.to_blob(cb.unchecked_ref()).is_err() {
            let _ = reject.call1(&JsValue::NULL, &"toBlob failed".into());
        }
    });
    let blob = JsFuture::from(promise)
        .await
        .map_err(|_| "the browser could not encode the image")?;
    if blob.is_null() || blob.is_undefined() {
        return Err("the browser could not encode an image this large".into());
    }
    let blob: web_sys::Blob = blob.unchecked_into();
    let buf = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| "cannot read the encoded image")?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
