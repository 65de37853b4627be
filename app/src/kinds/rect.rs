//! Rectangles: a light fill in the palette colour, a darker outline, a centred label.

use crdt::Element;

use super::{draw_label, Paint};
use crate::palette;

pub const PAD: f64 = 10.0;

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    let r = 8.0_f64.min(e.w / 4.0).min(e.h / 4.0);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(e.x, e.y, e.w, e.h, r);
    ctx.set_fill_style_str(palette::fill(&e.color));
    ctx.fill();
    ctx.set_stroke_style_str(palette::stroke(&e.color));
    ctx.set_line_width((2.0 / p.zoom).max(1.5));
    ctx.stroke();
    draw_label(p, e, PAD, palette::text_on(&e.color));
}
