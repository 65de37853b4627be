//! Frames: titled sections that group what lies inside them. Drawn below every other
//! kind (the renderer paints frames first), the title above the top edge. Only the
//! title and the border take a click, so the inside stays free for its contents and
//! for marquee selection.

use crdt::Element;

use super::{Paint, FONT_FAMILY, MIN_READABLE_PX};

/// Title font size and the height of the title strip above the frame, board units.
pub const TITLE_SIZE: f64 = 18.0;
pub const TITLE_BAR: f64 = 28.0;

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    ctx.set_fill_style_str(if e.color == "white" {
        "#ffffff"
    } else {
        crate::palette::fill(&e.color)
    });
    ctx.fill_rect(e.x, e.y, e.w, e.h);
    ctx.set_stroke_style_str("#868e96");
    ctx.set_line_width((1.5 / p.zoom).max(1.0));
    ctx.stroke_rect(e.x, e.y, e.w, e.h);
    if p.editing || TITLE_SIZE * p.zoom < MIN_READABLE_PX {
        return;
    }
    // The title keeps a readable size on screen when zoomed out.
    let size = TITLE_SIZE.max(11.0 / p.zoom);
    ctx.set_fill_style_str("#343a40");
    ctx.set_font(&format!("600 {size}px {FONT_FAMILY}"));
    ctx.set_text_align("left");
    ctx.set_text_baseline("bottom");
    ctx.save();
    ctx.begin_path();
    ctx.rect(e.x, e.y - size * 2.0, e.w, size * 2.0);
    ctx.clip();
    ctx.fill_text(&e.text, e.x + 2.0, e.y - 6.0 / p.zoom).ok();
    ctx.restore();
}

/// On the title strip, or within `tolerance` of the border.
pub fn hit(e: &Element, x: f64, y: f64, tolerance: f64) -> bool {
    let t = tolerance.max(4.0);
    let on_title = x >= e.x && x <= e.x + e.w && y >= e.y - TITLE_BAR && y <= e.y;
    let inside_outer = x >= e.x - t && x <= e.x + e.w + t && y >= e.y - t && y <= e.y + e.h + t;
    let inside_inner = x > e.x + t && x < e.x + e.w - t && y > e.y + t && y < e.y + e.h - t;
    on_title || (inside_outer && !inside_inner)
}
