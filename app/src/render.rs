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

    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, editor: &mut Editor, dpr: f64) {
        let (vw, vh) = editor.viewport;
        let cam = editor.camera;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
        ctx.set_fill_style_str("#f8f9fa");
        ctx.fill_rect(0.0, 0.0, vw, vh);
        // Board units from here on.
        let s = dpr * cam.z;
        ctx.set_transform(s, 0.0, 0.0, s, s * cam.x, s * cam.y).ok();
        let view = cam.visible(vw, vh);
        // Live previews of a drag or resize, drawn instead of the stored geometry.
        let previews: HashMap<String, crdt::geometry::Rect> = editor.previews();
        let editing = editor.editing.clone();
        let mut paint = Paint {
            ctx,
            zoom: cam.z,
            texts: &mut self.texts,
            editing: false,
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
        if let Some(r) = editor.select.marquee() {
            ctx.set_fill_style_str("rgba(24, 100, 171, 0.08)");
            ctx.fill_rect(r.x, r.y, r.w, r.h);
            ctx.set_line_width(1.0 / cam.z);
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
        }
    }
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
    for e in elements {
        paint.editing = editing == Some(e.id.as_str());
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
}
