//! Arrows: a straight line from one end to the other with a head at the end, and an
//! optional label at the middle. An end bound to an element (`from`/`to`) sits on that
//! element's border, pointing at the other end, wherever the element is now: the
//! renderer resolves bound ends every frame, and local moves also rewrite the arrow's
//! stored points so other programs reading the board see it where it is drawn.

use crdt::geometry::{segment_distance, Rect};
use crdt::{Element, Kind};

use super::{Paint, FONT_FAMILY};

pub const WIDTH: f64 = 2.5;
pub const HEAD: f64 = 14.0;
/// Label text size, board units.
pub const LABEL_FONT: f64 = 16.0;
/// The box the label is edited in, centred on the arrow's middle (board units).
pub const LABEL_EDIT_BOX: (f64, f64) = (240.0, 30.0);

/// The stored (unbound) ends: the first and last point of `pts`.
pub fn stored_ends(e: &Element) -> ((f64, f64), (f64, f64)) {
    let p = &e.pts;
    if p.len() >= 4 {
        let n = p.len();
        ((e.x + p[0], e.y + p[1]), (e.x + p[n - 2], e.y + p[n - 1]))
    } else {
        ((e.x, e.y), (e.x + e.w, e.y + e.h))
    }
}

/// Where a line from the centre of `r` towards `toward` leaves `r` (rectangle or
/// ellipse), a little outside so the head does not touch the element.
pub fn border_point(r: &Rect, ellipse: bool, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let (hw, hh) = (r.w / 2.0 + 4.0, r.h / 2.0 + 4.0);
    let t = if ellipse {
        1.0 / ((dx / hw).powi(2) + (dy / hh).powi(2)).sqrt()
    } else {
        let tx = if dx != 0.0 {
            hw / dx.abs()
        } else {
            f64::INFINITY
        };
        let ty = if dy != 0.0 {
            hh / dy.abs()
        } else {
            f64::INFINITY
        };
        tx.min(ty)
    };
    (cx + dx * t.min(1.0), cy + dy * t.min(1.0))
}

/// Both ends of an arrow, with bound ends placed on their elements' current boxes.
/// `target(id)` gives a bound element's box and whether it is an ellipse.
pub fn resolve(
    e: &Element,
    target: &dyn Fn(&str) -> Option<(Rect, bool)>,
) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = stored_ends(e);
    let from = e.from.as_deref().and_then(target);
    let to = e.to.as_deref().and_then(target);
    let centre = |r: &Rect| (r.x + r.w / 2.0, r.y + r.h / 2.0);
    // Aim each bound end at the other end's centre (or point) first, then place it.
    let aim_a = to.as_ref().map(|(r, _)| centre(r)).unwrap_or(b);
    let aim_b = from.as_ref().map(|(r, _)| centre(r)).unwrap_or(a);
    if let Some((r, ell)) = &from {
        a = border_point(r, *ell, aim_a);
    }
    if let Some((r, ell)) = &to {
        b = border_point(r, *ell, aim_b);
    }
    (a, b)
}

/// The stored form of an arrow between two points: its box and relative points.
pub fn geometry(a: (f64, f64), b: (f64, f64)) -> (Rect, Vec<f64>) {
    let x = a.0.min(b.0);
    let y = a.1.min(b.1);
    let r = Rect {
        x,
        y,
        w: (a.0 - b.0).abs().max(1.0),
        h: (a.1 - b.1).abs().max(1.0),
    };
    (r, vec![a.0 - x, a.1 - y, b.0 - x, b.1 - y])
}

/// Kinds an arrow end may bind to.
pub fn bindable(kind: &Kind) -> bool {
    !matches!(kind, Kind::Arrow | Kind::Ink | Kind::Unknown(_))
}

pub fn draw_between(p: &mut Paint<'_>, e: &Element, a: (f64, f64), b: (f64, f64)) {
    let ctx = p.ctx;
    let color = crate::palette::ink(&e.color);
    ctx.set_stroke_style_str(color);
    ctx.set_fill_style_str(color);
    ctx.set_line_width(WIDTH.max(1.0 / p.zoom));
    ctx.set_line_cap("round");
    ctx.begin_path();
    ctx.move_to(a.0, a.1);
    ctx.line_to(b.0, b.1);
    ctx.stroke();
    let angle = (b.1 - a.1).atan2(b.0 - a.0);
    let head = HEAD.min((b.0 - a.0).hypot(b.1 - a.1) * 0.5);
    if head * p.zoom < 2.0 {
        // Level of detail: a head under 2 px cannot be seen.
        return;
    }
    ctx.begin_path();
    ctx.move_to(b.0, b.1);
    for side in [-0.45_f64, 0.45] {
        ctx.line_to(
            b.0 - head * (angle + side).cos(),
            b.1 - head * (angle + side).sin(),
        );
    }
    ctx.close_path();
    ctx.fill();
    if !e.text.is_empty() && !p.editing {
        let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        ctx.set_font(&format!("{LABEL_FONT}px {FONT_FAMILY}"));
        let w = ctx.measure_text(&e.text).map(|m| m.width()).unwrap_or(0.0);
        ctx.set_fill_style_str("#f8f9fa");
        ctx.fill_rect(mx - w / 2.0 - 4.0, my - 11.0, w + 8.0, 22.0);
        ctx.set_fill_style_str(color);
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.fill_text(&e.text, mx, my).ok();
    }
}

pub fn hit(a: (f64, f64), b: (f64, f64), x: f64, y: f64, tolerance: f64) -> bool {
    segment_distance((x, y), a, b) <= tolerance.max(5.0) + WIDTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_end_sits_on_the_border_facing_the_other_end() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let (x, y) = border_point(&r, false, (1000.0, 50.0));
        assert!((x - 104.0).abs() < 1e-9 && (y - 50.0).abs() < 1e-9);
        let (x, y) = border_point(&r, true, (50.0, -500.0));
        assert!((x - 50.0).abs() < 1e-9 && (y + 4.0).abs() < 1e-9);
    }

    #[test]
    fn the_stored_geometry_round_trips() {
        let (r, pts) = geometry((300.0, 100.0), (100.0, 250.0));
        assert_eq!(
            r,
            Rect {
                x: 100.0,
                y: 100.0,
                w: 200.0,
                h: 150.0
            }
        );
        assert_eq!(pts, vec![200.0, 0.0, 0.0, 150.0]);
    }
}
