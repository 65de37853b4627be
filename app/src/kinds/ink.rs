//! Ink: pen strokes, drawn as smooth curves through the midpoints of the simplified
//! points (quadratic Béziers), hit within a few units of the line.

use crdt::geometry::segment_distance;
use crdt::Element;

use super::Paint;

/// Stroke width in board units.
pub const WIDTH: f64 = 3.0;

fn points(e: &Element) -> Vec<(f64, f64)> {
    e.pts
        .chunks_exact(2)
        .map(|c| (e.x + c[0], e.y + c[1]))
        .collect()
}

/// Traces the smooth path of `pts` (absolute board points) on the context.
pub fn trace(ctx: &web_sys::CanvasRenderingContext2d, pts: &[(f64, f64)]) {
    ctx.begin_path();
    let Some(&(x0, y0)) = pts.first() else { return };
    ctx.move_to(x0, y0);
    if pts.len() == 1 {
        ctx.line_to(x0 + 0.01, y0);
        return;
    }
    for w in pts.windows(2).skip(1) {
        let (a, b) = (w[0], w[1]);
        ctx.quadratic_curve_to(a.0, a.1, (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    }
    let last = pts[pts.len() - 1];
    ctx.line_to(last.0, last.1);
}

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    ctx.set_stroke_style_str(crate::palette::ink(&e.color));
    ctx.set_line_width(WIDTH.max(1.0 / p.zoom));
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    let pts = points(e);
    if p.zoom < 0.3 {
        // Level of detail: curves are invisible at this size, straight segments cheap.
        ctx.begin_path();
        if let Some(&(x0, y0)) = pts.first() {
            ctx.move_to(x0, y0);
            pts.iter().skip(1).for_each(|&(x, y)| ctx.line_to(x, y));
        }
    } else {
        trace(ctx, &pts);
    }
    ctx.stroke();
}

pub fn hit(e: &Element, x: f64, y: f64, tolerance: f64) -> bool {
    let reach = tolerance.max(4.0) + WIDTH / 2.0;
    let pts = points(e);
    match pts.as_slice() {
        [] => false,
        [only] => (only.0 - x).hypot(only.1 - y) <= reach,
        _ => pts
            .windows(2)
            .any(|w| segment_distance((x, y), w[0], w[1]) <= reach),
    }
}
