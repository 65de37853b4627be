//! Canvas 2D rendering: a function of (elements, camera, selection, tool state).
//! Draws only what is visible (scene index query), at most once per animation frame
//! (the caller schedules), DPR-aware. Each kind draws itself (`kinds`); this module
//! draws the frame around them: background, selection, handles, previews.

use std::collections::HashMap;

use crdt::geometry::Handle;
use web_sys::CanvasRenderingContext2d;

use crate::editor::Editor;
use crate::kinds::{self, Paint};
use crate::text_layout::TextCache;

const SELECTION: &str = "#1864ab";
/// Side of a resize handle, in screen pixels.
pub const HANDLE_PX: f64 = 9.0;

#[derive(Default)]
pub struct Renderer {
    texts: TextCache,
}

impl Renderer {
    pub fn prune(&mut self, exists: impl Fn(&str) -> bool) {
        self.texts.prune(exists);
    }

    /// Paints the board. `damage` (board units): repaint only these areas, everything
    /// else on the canvas is still current; `None`: the whole view.
    pub fn draw(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        editor: &mut Editor,
        dpr: f64,
        damage: Option<&[crdt::geometry::Rect]>,
    ) {
        let (vw, vh) = editor.viewport;
        let cam = editor.camera;
        let s = dpr * cam.z;
        let mut view = cam.visible(vw, vh);
        if let Some(areas) = damage {
            // Clip to the damaged areas, and draw whatever reaches into them: their
            // box grown by what is drawn around elements at this zoom (outlines,
            // handles, vote badges).
            let Some(area) = areas.iter().copied().reduce(|a, b| a.union(&b)) else {
                return;
            };
            let mut reach = (DAMAGE_REACH_PX / cam.z).max(DAMAGE_REACH_UNITS);
            if !editor.vote_marks.is_empty() {
                // Own vote dots run up to ~9.5 dot radii left of an element's corner.
                reach = reach.max(10.0 * (9.0 / cam.z).max(9.0));
            }
            ctx.save();
            // Whole device pixels: a clip edge through a pixel would blend the new
            // drawing with what was there (a faint seam).
            ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
            ctx.begin_path();
            for r in areas {
                let x0 = ((r.x - reach + cam.x) * s).floor();
                let y0 = ((r.y - reach + cam.y) * s).floor();
                let x1 = ((r.x + r.w + reach + cam.x) * s).ceil();
                let y1 = ((r.y + r.h + reach + cam.y) * s).ceil();
                ctx.rect(x0, y0, x1 - x0, y1 - y0);
            }
            ctx.clip();
            let grown = crdt::geometry::Rect {
                x: area.x - 2.0 * reach,
                y: area.y - 2.0 * reach,
                w: area.w + 4.0 * reach,
                h: area.h + 4.0 * reach,
            };
            view = match intersection(&view, &grown) {
                Some(v) => v,
                None => {
                    ctx.restore();
                    return;
                }
            };
        }
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
        ctx.set_fill_style_str("#f8f9fa");
        ctx.fill_rect(0.0, 0.0, vw, vh);
        // Board units from here on.
        ctx.set_transform(s, 0.0, 0.0, s, s * cam.x, s * cam.y).ok();
        // Live previews of a drag or resize, drawn instead of the stored geometry.
        let previews: HashMap<String, crdt::geometry::Rect> = editor.previews();
        let editing = editor.editing.clone();
        let mut paint = Paint {
            ctx,
            zoom: cam.z,
            texts: &mut self.texts,
            editing: false,
            label_hidden: false,
        };
        // Frames first, so they lie below everything, including their children.
        editor.scene.ensure_order();
        let visible = editor.scene.query_ordered(&view);
        let (frames, others): (Vec<_>, Vec<_>) = visible
            .into_iter()
            .partition(|e| e.kind == crdt::Kind::Frame);
        let scene = &editor.scene;
        let target = |id: &str| {
            let el = scene.get(id)?;
            let r = previews.get(id).copied().unwrap_or_else(|| el.bounds());
            Some((r, el.kind == crdt::Kind::Ellipse))
        };
        paint_elements(
            &mut paint,
            frames.into_iter().chain(others),
            &previews,
            editing.as_deref(),
            &target,
        );
        if let Some((kind, r)) = editor.creating() {
            let e = crdt::Element {
                id: String::new(),
                kind,
                x: r.x,
                y: r.y,
                w: r.w.max(1.0),
                h: r.h.max(1.0),
                z: String::new(),
                color: editor.new_color(),
                text: String::new(),
                parent: None,
                from: None,
                to: None,
                pts: Vec::new(),
                locked: false,
            };
            ctx.set_global_alpha(0.7);
            kinds::draw(&mut paint, &e);
            ctx.set_global_alpha(1.0);
        }
        if let Some((a, b)) = editor.arrow.preview() {
            let ghost = crdt::Element {
                id: String::new(),
                kind: crdt::Kind::Arrow,
                x: 0.0,
                y: 0.0,
                w: 1.0,
                h: 1.0,
                z: String::new(),
                color: "gray".into(),
                text: String::new(),
                parent: None,
                from: None,
                to: None,
                pts: Vec::new(),
                locked: false,
            };
            kinds::arrow::draw_between(&mut paint, &ghost, a, b);
        }
        let stroke = editor.pen.stroke();
        if !stroke.is_empty() {
            ctx.set_stroke_style_str(crate::palette::ink("gray"));
            ctx.set_line_width(kinds::ink::WIDTH.max(1.0 / cam.z));
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            kinds::ink::trace(ctx, stroke);
            ctx.stroke();
        }
        // Selection outlines, and handles on a single selection.
        ctx.set_stroke_style_str(SELECTION);
        ctx.set_line_width(2.0 / cam.z);
        let m = 3.0 / cam.z;
        for id in &editor.selection {
            let Some(e) = editor.scene.get(id) else {
                continue;
            };
            let r = previews.get(id).copied().unwrap_or_else(|| e.bounds());
            ctx.stroke_rect(r.x - m, r.y - m, r.w + 2.0 * m, r.h + 2.0 * m);
        }
        if let Some(r) = editor.handle_box() {
            let r = editor
                .selection
                .first()
                .and_then(|id| previews.get(id).copied())
                .unwrap_or(r);
            let hs = HANDLE_PX / cam.z;
            ctx.set_fill_style_str("#ffffff");
            ctx.set_line_width(1.5 / cam.z);
            for h in Handle::ALL {
                let (hx, hy) = h.position(&r);
                ctx.fill_rect(hx - hs / 2.0, hy - hs / 2.0, hs, hs);
                ctx.stroke_rect(hx - hs / 2.0, hy - hs / 2.0, hs, hs);
            }
        }
        // Drafts (private mode): a dashed edge says "only you see this".
        if !editor.draft_ids.is_empty() {
            ctx.set_stroke_style_str("#5f3dc4");
            ctx.set_line_width(2.0 / cam.z);
            let dash = js_sys::Array::of2(&(8.0 / cam.z).into(), &(5.0 / cam.z).into());
            let _ = ctx.set_line_dash(&dash);
            for id in &editor.draft_ids {
                if let Some(e) = editor.scene.get(id) {
                    ctx.stroke_rect(e.x - 1.0, e.y - 1.0, e.w + 2.0, e.h + 2.0);
                }
            }
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
        // Votes: this person's dots during a round, totals after it.
        if !editor.vote_marks.is_empty() {
            draw_votes(ctx, editor, cam.z);
        }
        // Others' selections, outlined dashed in their colour.
        ctx.set_line_width(2.0 / cam.z);
        let dash = js_sys::Array::of2(&(6.0 / cam.z).into(), &(4.0 / cam.z).into());
        let _ = ctx.set_line_dash(&dash);
        for peer in &editor.peers {
            ctx.set_stroke_style_str(&peer.color);
            for id in peer.selection.iter().take(500) {
                if let Some(e) = editor.scene.get(id) {
                    let r = e.bounds();
                    let m = 5.0 / cam.z;
                    ctx.stroke_rect(r.x - m, r.y - m, r.w + 2.0 * m, r.h + 2.0 * m);
                }
            }
        }
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_stroke_style_str(SELECTION);
        if let Some(r) = editor.select.marquee() {
            ctx.set_fill_style_str("rgba(24, 100, 171, 0.08)");
            ctx.fill_rect(r.x, r.y, r.w, r.h);
            ctx.set_line_width(1.0 / cam.z);
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
        }
        // Others' cursors with their names, in screen pixels (same size at any zoom).
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
        for peer in &editor.peers {
            if let Some((bx, by)) = peer.cursor {
                let (x, y) = cam.to_screen(bx, by);
                if x < -20.0 || y < -20.0 || x > vw + 20.0 || y > vh + 20.0 {
                    continue;
                }
                if editor.anonymous_cursors {
                    // Anonymous: no name, and a colour that differs per viewer, so a
                    // colour cannot be matched to a person across screens either.
                    let i = (peer.client ^ editor.board.client_id()).wrapping_mul(2_654_435_761);
                    let colour =
                        crate::peers::COLOURS[(i >> 16) as usize % crate::peers::COLOURS.len()];
                    draw_cursor(ctx, x, y, colour, "");
                } else {
                    draw_cursor(ctx, x, y, &peer.color, &peer.name);
                }
            }
        }
        if damage.is_some() {
            ctx.restore();
        }
    }
}

/// How far (screen px) drawing reaches around an element at any zoom: selection and
/// others' selection outlines, resize handles, vote badges.
pub const DAMAGE_REACH_PX: f64 = 24.0;
/// The same in board units, for zoomed-in views (vote badges keep 9 units at least).
pub const DAMAGE_REACH_UNITS: f64 = 12.0;

fn intersection(
    a: &crdt::geometry::Rect,
    b: &crdt::geometry::Rect,
) -> Option<crdt::geometry::Rect> {
    let (x0, y0) = (a.x.max(b.x), a.y.max(b.y));
    let (x1, y1) = ((a.x + a.w).min(b.x + b.w), (a.y + a.h).min(b.y + b.h));
    (x1 > x0 && y1 > y0).then_some(crdt::geometry::Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    })
}

/// The screen area (as a board rectangle) a cursor with its name tag covers.
pub fn cursor_area(cam: crate::camera::Camera, x: f64, y: f64) -> crdt::geometry::Rect {
    // Arrow 11 × 16 px, the name tag below-right: up to ~13 px per character of the
    // longest name, 20 px high.
    crdt::geometry::Rect {
        x: x - 4.0 / cam.z,
        y: y - 4.0 / cam.z,
        w: (crate::peers::MAX_NAME as f64 * 13.0 + 40.0) / cam.z,
        h: 44.0 / cam.z,
    }
}

/// Vote marks at the top-right corner of each element, in board units scaled so they
/// stay readable when zoomed out.
fn draw_votes(ctx: &CanvasRenderingContext2d, editor: &Editor, zoom: f64) {
    let r = (9.0 / zoom).max(9.0);
    ctx.set_font(&format!("700 {}px {}", r * 1.2, kinds::FONT_FAMILY));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for (id, mark) in &editor.vote_marks {
        let Some(e) = editor.scene.get(id) else {
            continue;
        };
        let (x, y) = (e.x + e.w - r * 0.4, e.y + r * 0.4);
        match *mark {
            crate::voting::Mark::Own(n) => {
                // One dot per vote (up to five), then the number.
                let shown = n.min(5);
                for i in 0..shown {
                    ctx.begin_path();
                    let _ = ctx.arc(
                        x - i as f64 * r * 1.5,
                        y,
                        r * 0.6,
                        0.0,
                        std::f64::consts::TAU,
                    );
                    ctx.set_fill_style_str("#c92a2a");
                    ctx.fill();
                }
                if n > 5 {
                    ctx.set_fill_style_str("#1a1a1a");
                    ctx.fill_text(&format!("+{}", n - 5), x - 5.5 * r * 1.5, y)
                        .ok();
                }
            }
            crate::voting::Mark::Total(n) => {
                ctx.begin_path();
                let _ = ctx.arc(x, y, r * 1.3, 0.0, std::f64::consts::TAU);
                ctx.set_fill_style_str("#1864ab");
                ctx.fill();
                ctx.set_fill_style_str("#ffffff");
                ctx.fill_text(&n.to_string(), x, y).ok();
            }
        }
    }
}

/// A pointer arrow at `(x, y)` (screen px) with a name tag, white text on `color`.
fn draw_cursor(ctx: &CanvasRenderingContext2d, x: f64, y: f64, color: &str, name: &str) {
    ctx.begin_path();
    ctx.move_to(x, y);
    ctx.line_to(x, y + 16.0);
    ctx.line_to(x + 4.5, y + 12.0);
    ctx.line_to(x + 11.0, y + 12.0);
    ctx.close_path();
    ctx.set_fill_style_str(color);
    ctx.fill();
    ctx.set_stroke_style_str("#ffffff");
    ctx.set_line_width(1.5);
    ctx.stroke();
    if name.is_empty() {
        return;
    }
    ctx.set_font(&format!("600 12px {}", kinds::FONT_FAMILY));
    let w = ctx.measure_text(name).map(|m| m.width()).unwrap_or(40.0);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(x + 10.0, y + 16.0, w + 12.0, 20.0, 4.0);
    ctx.set_fill_style_str(color);
    ctx.fill();
    ctx.set_fill_style_str("#ffffff");
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    ctx.fill_text(name, x + 16.0, y + 26.0).ok();
}

/// Draws `elements` in the given order: what the screen and image exports share.
/// `previews` replace stored boxes (a drag in progress); `editing` is the element
/// whose text the editor overlay shows; `target` places bound arrow ends.
pub fn paint_elements<'e>(
    paint: &mut Paint<'_>,
    elements: impl IntoIterator<Item = &'e crdt::Element>,
    previews: &HashMap<String, crdt::geometry::Rect>,
    editing: Option<&str>,
    target: &dyn Fn(&str) -> Option<(crdt::geometry::Rect, bool)>,
) {
    let elements: Vec<&crdt::Element> = elements.into_iter().collect();
    // Notes hidden under notes drawn after them (a pile) are drawn in part or not at all.
    let boxes: Vec<Option<crdt::geometry::Rect>> = elements
        .iter()
        .map(|e| {
            (e.kind == crdt::Kind::Note)
                .then(|| previews.get(&e.id).copied().unwrap_or_else(|| e.bounds()))
        })
        .collect();
    let covered = kinds::note::covered(&boxes);
    for (e, covered) in elements.into_iter().zip(covered) {
        if covered == kinds::note::Covered::Whole {
            continue;
        }
        paint.editing = editing == Some(e.id.as_str());
        paint.label_hidden = covered == kinds::note::Covered::Label;
        if e.kind == crdt::Kind::Arrow {
            // Bound ends are placed on their elements every frame; only an arrow
            // that is itself being dragged needs a moved copy.
            let (a, b) = match previews.get(&e.id) {
                Some(r) => {
                    let mut moved = e.clone();
                    (moved.x, moved.y) = (r.x, r.y);
                    kinds::arrow::resolve(&moved, target)
                }
                None => kinds::arrow::resolve(e, target),
            };
            kinds::arrow::draw_between(paint, e, a, b);
            continue;
        }
        match previews.get(&e.id) {
            Some(r) => {
                let mut moved = e.clone();
                (moved.x, moved.y, moved.w, moved.h) = (r.x, r.y, r.w, r.h);
                kinds::draw(paint, &moved);
            }
            None => kinds::draw(paint, e),
        }
    }
    paint.label_hidden = false;
}
