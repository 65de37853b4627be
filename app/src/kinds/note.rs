//! Sticky notes: a filled square with a soft edge and centred text that shrinks to fit.

use crdt::Element;

use super::{draw_label, Paint};
use crate::palette;

pub const PAD: f64 = 14.0;

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    // A soft drop edge instead of a blurred shadow: shadows are slow at 10k notes.
    if p.zoom > 0.3 {
        ctx.set_fill_style_str("rgba(0, 0, 0, 0.10)");
        ctx.fill_rect(e.x + 2.0, e.y + 3.0, e.w, e.h);
    }
    ctx.set_fill_style_str(palette::fill(&e.color));
    ctx.fill_rect(e.x, e.y, e.w, e.h);
    draw_label(p, e, PAD, palette::text_on(&e.color));
}
