//! Canvas 2D rendering: a function of (elements, camera, selection, tool state).
//! Draws only what is visible (scene index query), at most once per animation frame
//! (the caller schedules), DPR-aware. The same draw code will render PNG exports.

use std::collections::HashMap;

use crdt::{Element, Kind};
use web_sys::CanvasRenderingContext2d;

use crate::editor::Editor;
use crate::palette;
use crate::text_layout::{layout, TextLayout, LINE_HEIGHT};

const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const NOTE_PAD: f64 = 14.0;
/// Below this on-screen font size, text is drawn as grey bars (level of detail).
const MIN_READABLE_PX: f64 = 4.0;
const SELECTION: &str = "#1864ab";

/// Caches text layouts per element, keyed by what they depend on.
#[derive(Default)]
pub struct Renderer {
    layouts: HashMap<String, (String, f64, f64, TextLayout)>,
}

impl Renderer {
    fn text_layout(&mut self, ctx: &CanvasRenderingContext2d, e: &Element) -> &TextLayout {
        let (w, h) = (e.w - 2.0 * NOTE_PAD, e.h - 2.0 * NOTE_PAD);
        let stale = match self.layouts.get(&e.id) {
            Some((t, lw, lh, _)) => t != &e.text || *lw != w || *lh != h,
            None => true,
        };
        if stale {
            let mut measure = |s: &str, size: f64| {
                ctx.set_font(&format!("{size}px {FONT_FAMILY}"));
                ctx.measure_text(s)
                    .map(|m| m.width())
                    .unwrap_or(s.len() as f64 * size * 0.5)
            };
            let l = layout(&e.text, w.max(1.0), h.max(1.0), &mut measure);
            self.layouts.insert(e.id.clone(), (e.text.clone(), w, h, l));
        }
        &self.layouts[&e.id].3
    }

    /// Forgets layouts of elements that no longer exist.
    pub fn prune(&mut self, exists: impl Fn(&str) -> bool) {
        if self.layouts.len() > 64 {
            self.layouts.retain(|id, _| exists(id));
        }
    }

    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, editor: &mut Editor, dpr: f64) {
        let (vw, vh) = editor.viewport;
        let cam = editor.camera;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
        ctx.set_fill_style_str("#f8f9fa");
        ctx.fill_rect(0.0, 0.0, vw, vh);
        // Board units from here on.
        ctx.set_transform(
            dpr * cam.z,
            0.0,
            0.0,
            dpr * cam.z,
            dpr * cam.z * cam.x,
            dpr * cam.z * cam.y,
        )
        .ok();
        let view = cam.visible(vw, vh);
        let (offsets, dx, dy) = match editor.select.preview_offset() {
            Some((o, dx, dy)) => (
                o.iter().map(|(id, x, y)| (id.clone(), (*x, *y))).collect(),
                dx,
                dy,
            ),
            None => (HashMap::new(), 0.0, 0.0),
        };
        let editing = editor.editing.clone();
        // Elements being dragged are drawn at their preview position, so include them
        // even if their stored position is out of view.
        let visible: Vec<Element> = editor.scene.query(&view).into_iter().cloned().collect();
        for e in &visible {
            let mut e = e.clone();
            if let Some((ox, oy)) = offsets.get(&e.id) {
                e.x = ox + dx;
                e.y = oy + dy;
            }
            self.draw_element(ctx, &e, cam.z, editing.as_deref() == Some(e.id.as_str()));
        }
        // Selection outlines.
        ctx.set_stroke_style_str(SELECTION);
        ctx.set_line_width(2.0 / cam.z);
        for id in &editor.selection {
            if let Some(e) = editor.scene.get(id) {
                let (x, y) = match offsets.get(id) {
                    Some((ox, oy)) => (ox + dx, oy + dy),
                    None => (e.x, e.y),
                };
                let m = 3.0 / cam.z;
                ctx.stroke_rect(x - m, y - m, e.w + 2.0 * m, e.h + 2.0 * m);
            }
        }
        if let Some(r) = editor.select.marquee() {
            ctx.set_fill_style_str("rgba(24, 100, 171, 0.08)");
            ctx.fill_rect(r.x, r.y, r.w, r.h);
            ctx.set_line_width(1.0 / cam.z);
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
        }
    }

    fn draw_element(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        e: &Element,
        zoom: f64,
        editing: bool,
    ) {
        // Kinds of later versions and foreign writers are kept but not drawn.
        if e.kind == Kind::Note {
            self.draw_note(ctx, e, zoom, editing);
        }
    }

    fn draw_note(&mut self, ctx: &CanvasRenderingContext2d, e: &Element, zoom: f64, editing: bool) {
        let fill = palette::fill(&e.color);
        // A soft drop edge instead of a blurred shadow: shadows are slow at 10k notes.
        if zoom > 0.3 {
            ctx.set_fill_style_str("rgba(0, 0, 0, 0.10)");
            ctx.fill_rect(e.x + 2.0, e.y + 3.0, e.w, e.h);
        }
        ctx.set_fill_style_str(fill);
        ctx.fill_rect(e.x, e.y, e.w, e.h);
        if editing || e.text.is_empty() {
            return;
        }
        let text_color = palette::text_on(&e.color);
        let l = self.text_layout(ctx, e).clone();
        let line_h = l.size * LINE_HEIGHT;
        let total = l.lines.len() as f64 * line_h;
        let top = e.y + NOTE_PAD + ((e.h - 2.0 * NOTE_PAD - total) / 2.0).max(0.0);
        if l.size * zoom < MIN_READABLE_PX {
            // Level of detail: grey bars where the lines are.
            ctx.set_fill_style_str("rgba(0, 0, 0, 0.25)");
            for (i, line) in l.lines.iter().enumerate().take(12) {
                let w = (line.chars().count() as f64 * l.size * 0.5).min(e.w - 2.0 * NOTE_PAD);
                let y = top + i as f64 * line_h + line_h * 0.3;
                ctx.fill_rect(e.x + (e.w - w) / 2.0, y, w, line_h * 0.4);
            }
            return;
        }
        ctx.save();
        ctx.begin_path();
        ctx.rect(e.x, e.y, e.w, e.h);
        ctx.clip();
        ctx.set_fill_style_str(text_color);
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
}
