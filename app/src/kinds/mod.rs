//! Drawing and hit testing, one module per element kind. Kinds this version does not
//! draw (arrows, ink, frames, unknown kinds) are kept in the board and skipped here.

pub mod arrow;
pub mod ellipse;
pub mod frame;
pub mod ink;
pub mod note;
pub mod rect;
pub mod text;

use crdt::{Element, Kind};
use web_sys::CanvasRenderingContext2d;

use crate::text_layout::TextCache;

pub const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/// Below this on-screen font size, text is drawn as grey bars (level of detail).
pub const MIN_READABLE_PX: f64 = 4.0;

/// What every kind's `draw` gets.
pub struct Paint<'a> {
    pub ctx: &'a CanvasRenderingContext2d,
    pub zoom: f64,
    pub texts: &'a mut TextCache,
    /// The element's text editor is open: its text is drawn by the editor.
    pub editing: bool,
    /// Notes drawn after the element hide its text (`note::covered`).
    pub label_hidden: bool,
}

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    match e.kind {
        Kind::Note => note::draw(p, e),
        Kind::Rect => rect::draw(p, e),
        Kind::Ellipse => ellipse::draw(p, e),
        Kind::Text => text::draw(p, e),
        Kind::Frame => frame::draw(p, e),
        Kind::Ink => ink::draw(p, e),
        // Arrows are drawn by the renderer, which resolves their bound ends.
        Kind::Arrow => {
            let (a, b) = arrow::stored_ends(e);
            arrow::draw_between(p, e, a, b);
        }
        Kind::Unknown(_) => {}
    }
}

/// Whether board point `(x, y)` hits the element, with a tolerance in board units.
pub fn hit(e: &Element, x: f64, y: f64, tolerance: f64) -> bool {
    match e.kind {
        Kind::Ellipse => ellipse::hit(e, x, y, tolerance),
        Kind::Frame => frame::hit(e, x, y, tolerance),
        Kind::Ink => ink::hit(e, x, y, tolerance),
        Kind::Arrow => {
            let (a, b) = arrow::stored_ends(e);
            arrow::hit(a, b, x, y, tolerance)
        }
        _ => {
            x >= e.x - tolerance
                && x <= e.x + e.w + tolerance
                && y >= e.y - tolerance
                && y <= e.y + e.h + tolerance
        }
    }
}

/// Centred, wrapped, shrink-to-fit text inside `e`'s box less `pad` (notes, shapes).
pub fn draw_label(p: &mut Paint<'_>, e: &Element, pad: f64, color: &str) {
    if p.editing || p.label_hidden || e.text.is_empty() {
        return;
    }
    let ctx = p.ctx;
    let l = p.texts.wrapped(ctx, e, pad).clone();
    let line_h = l.size * crate::text_layout::LINE_HEIGHT;
    let total = l.lines.len() as f64 * line_h;
    let top = e.y + pad + ((e.h - 2.0 * pad - total) / 2.0).max(0.0);
    if l.size * p.zoom < MIN_READABLE_PX {
        // Level of detail: grey bars where the lines are.
        ctx.set_fill_style_str("rgba(0, 0, 0, 0.25)");
        for (i, line) in l.lines.iter().enumerate().take(12) {
            let w = (line.chars().count() as f64 * l.size * 0.5).min(e.w - 2.0 * pad);
            let y = top + i as f64 * line_h + line_h * 0.3;
            ctx.fill_rect(e.x + (e.w - w) / 2.0, y, w, line_h * 0.4);
        }
        return;
    }
    ctx.save();
    ctx.begin_path();
    ctx.rect(e.x, e.y, e.w, e.h);
    ctx.clip();
    ctx.set_fill_style_str(color);
    ctx.set_font(&format!("{}px {FONT_FAMILY}", l.size));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for (i, line) in l.lines.iter().enumerate() {
        let y = top + i as f64 * line_h + line_h / 2.0;
        if y > e.y + e.h {
            break;
        }
        ctx.fill_text(line, e.x + e.w / 2.0, y).ok();
    }
    ctx.restore();
}
