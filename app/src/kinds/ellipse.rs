//! Ellipses: drawn inside their bounding box, hit only inside the ellipse itself.

use crdt::Element;

use super::{draw_label, Paint};
use crate::palette;

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    ctx.begin_path();
    let _ = ctx.ellipse(
        e.x + e.w / 2.0,
        e.y + e.h / 2.0,
        e.w / 2.0,
        e.h / 2.0,
        0.0,
        0.0,
        std::f64::consts::TAU,
    );
    ctx.set_fill_style_str(palette::fill(&e.color));
    ctx.fill();
    ctx.set_stroke_style_str(palette::stroke(&e.color));
    ctx.set_line_width((2.0 / p.zoom).max(1.5));
    ctx.stroke();
    // The label sits in the inscribed rectangle (≈ 70 % of the box).
    let pad = e.w.min(e.h) * 0.15;
    draw_label(p, e, pad, palette::text_on(&e.color));
}

/// Inside the ellipse grown by `tolerance`.
pub fn hit(e: &Element, x: f64, y: f64, tolerance: f64) -> bool {
    let rx = e.w / 2.0 + tolerance;
    let ry = e.h / 2.0 + tolerance;
    let dx = (x - (e.x + e.w / 2.0)) / rx;
    let dy = (y - (e.y + e.h / 2.0)) / ry;
    dx * dx + dy * dy <= 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crdt::{Kind, NewElement};

    #[test]
    fn the_corners_of_the_box_are_not_the_ellipse() {
        let n = NewElement::note_centred(0.0, 0.0, "blue");
        let mut e = crdt::Element {
            id: n.id,
            kind: Kind::Ellipse,
            x: 0.0,
            y: 0.0,
            w: 200.0,
            h: 100.0,
            z: "a0".into(),
            color: "blue".into(),
            text: String::new(),
            parent: None,
            from: None,
            to: None,
            pts: Vec::new(),
            locked: false,
        };
        assert!(hit(&e, 100.0, 50.0, 0.0));
        assert!(hit(&e, 199.0, 50.0, 0.0));
        assert!(!hit(&e, 5.0, 5.0, 0.0));
        e.w = 100.0;
        assert!(!hit(&e, 100.0, 100.0, 0.0));
    }
}
