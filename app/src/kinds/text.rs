//! Free text: no box, left-aligned lines at a fixed size; the element is sized to its
//! text (the UI measures the text as it is typed and resizes the element).

use crdt::Element;

use super::{Paint, FONT_FAMILY, MIN_READABLE_PX};
use crate::text_layout::LINE_HEIGHT;

pub const FONT_SIZE: f64 = 20.0;
pub const PAD: f64 = 4.0;

/// The size of a text element holding `text`, given a width measure at `FONT_SIZE`.
pub fn auto_size(text: &str, measure: &mut dyn FnMut(&str) -> f64) -> (f64, f64) {
    let lines: Vec<&str> = text.split('\n').collect();
    let w = lines.iter().map(|l| measure(l)).fold(0.0, f64::max);
    let h = lines.len() as f64 * FONT_SIZE * LINE_HEIGHT;
    ((w + 2.0 * PAD).max(24.0), h + 2.0 * PAD)
}

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    if p.editing || e.text.is_empty() {
        return;
    }
    let ctx = p.ctx;
    let line_h = FONT_SIZE * LINE_HEIGHT;
    if FONT_SIZE * p.zoom < MIN_READABLE_PX {
        ctx.set_fill_style_str("rgba(0, 0, 0, 0.3)");
        for (i, line) in e.text.split('\n').enumerate().take(20) {
            let w = line.chars().count() as f64 * FONT_SIZE * 0.5;
            ctx.fill_rect(
                e.x + PAD,
                e.y + PAD + i as f64 * line_h + line_h * 0.3,
                w,
                line_h * 0.4,
            );
        }
        return;
    }
    ctx.set_fill_style_str(crate::palette::ink(&e.color));
    ctx.set_font(&format!("{FONT_SIZE}px {FONT_FAMILY}"));
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    for (i, line) in e.text.split('\n').enumerate() {
        ctx.fill_text(
            line,
            e.x + PAD,
            e.y + PAD + i as f64 * line_h + line_h / 2.0,
        )
        .ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_follows_the_longest_line_and_the_line_count() {
        let mut mono = |s: &str| s.chars().count() as f64 * 10.0;
        let (w, h) = auto_size("ab\nabcdef", &mut mono);
        assert_eq!(w, 60.0 + 2.0 * PAD);
        assert_eq!(h, 2.0 * FONT_SIZE * LINE_HEIGHT + 2.0 * PAD);
        assert_eq!(auto_size("", &mut mono).0, 24.0);
    }
}
