//! Export and import (UI.md, "Export and import"; issue "Export and files"): PNG and
//! SVG images, the `.lernraum` board file, the minutes (Markdown, CSV), and opening
//! files again. Everything exported is made from the board document alone, which
//! holds no participant's name, so no export can carry one.
//!
//! DOM-free parts: what to export (`Scope`, `page`), `png` chunks, `svg`, `minutes`.
//! Browser parts: `image` (drawing with the screen's draw code), `zlib` (the
//! browser's (de)compression streams), `files` (download, open, merge).

pub mod files;
pub mod image;
pub mod minutes;
pub mod png;
pub mod svg;
pub mod zlib;

use crdt::geometry::Rect;
use crdt::{Element, Kind};

use crate::kinds;
use crate::scene::Scene;

/// What an image export covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Board,
    Selection,
    /// One frame, with everything in it.
    Frame(String),
}

/// Image export choices.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageOptions {
    pub scope: Scope,
    /// Image pixels per board unit: 1, 2 or 3.
    pub scale: f64,
    pub background: bool,
    /// Empty space around the content, in board units.
    pub padding: f64,
    /// Embed the `.lernraum` bytes so the image can be opened again.
    pub embed: bool,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            scope: Scope::Board,
            scale: 2.0,
            background: true,
            padding: 32.0,
            embed: true,
        }
    }
}

/// The board's background colour (as on screen).
pub const BACKGROUND: &str = "#f8f9fa";

/// Browsers cap canvas sizes (Chromium: 32,767 px a side, 268 MP; less on phones).
/// Stay well inside, so a huge board is scaled down with a message, never blank.
pub const MAX_SIDE: f64 = 16_384.0;
pub const MAX_PIXELS: f64 = 64.0 * 1024.0 * 1024.0;

/// The elements an export covers, in paint order (the scene's order must be current).
pub fn collect<'a>(scene: &'a Scene, selection: &[String], scope: &Scope) -> Vec<&'a Element> {
    let all = scene.in_order();
    match scope {
        Scope::Board => all,
        Scope::Selection => {
            let mut keep: std::collections::HashSet<&str> =
                selection.iter().map(String::as_str).collect();
            // A selected frame takes its contents along.
            let frames: Vec<&str> = all
                .iter()
                .filter(|e| e.kind == Kind::Frame && keep.contains(e.id.as_str()))
                .map(|e| e.id.as_str())
                .collect();
            for f in frames {
                for e in in_frame(&all, scene, f) {
                    keep.insert(e);
                }
            }
            all.into_iter()
                .filter(|e| keep.contains(e.id.as_str()))
                .collect()
        }
        Scope::Frame(id) => {
            let keep: std::collections::HashSet<&str> =
                in_frame(&all, scene, id).into_iter().collect();
            all.into_iter()
                .filter(|e| e.id == *id || keep.contains(e.id.as_str()))
                .collect()
        }
    }
}

/// Ids of everything in frame `id`: its children (nested frames' too) and whatever
/// lies wholly inside it (an arrow or drawing made over the frame).
fn in_frame<'a>(all: &[&'a Element], scene: &Scene, id: &str) -> Vec<&'a str> {
    let Some(frame) = scene.get(id) else {
        return Vec::new();
    };
    let r = frame.bounds();
    let mut members: std::collections::HashSet<&str> = std::collections::HashSet::new();
    members.insert(id);
    // Parents first: repeat until no new child joins (nesting depth is small).
    loop {
        let before = members.len();
        for e in all {
            if let Some(p) = e.parent.as_deref() {
                if members.contains(p) {
                    members.insert(e.id.as_str());
                }
            }
        }
        if members.len() == before {
            break;
        }
    }
    for e in all {
        let b = e.bounds();
        if e.id != id
            && b.x >= r.x
            && b.y >= r.y
            && b.x + b.w <= r.x + r.w
            && b.y + b.h <= r.y + r.h
        {
            members.insert(e.id.as_str());
        }
    }
    members.remove(id);
    all.iter()
        .map(|e| e.id.as_str())
        .filter(|e| members.contains(e))
        .collect()
}

/// What an element covers when drawn: frames include their title strip, strokes and
/// arrow heads a little margin.
pub fn drawn_bounds(e: &Element) -> Rect {
    let b = e.bounds();
    match e.kind {
        Kind::Frame => Rect {
            x: b.x,
            y: b.y - kinds::frame::TITLE_BAR,
            w: b.w,
            h: b.h + kinds::frame::TITLE_BAR,
        },
        Kind::Ink | Kind::Arrow => Rect {
            x: b.x - 8.0,
            y: b.y - 8.0,
            w: b.w + 16.0,
            h: b.h + 16.0,
        },
        _ => b,
    }
}

/// Where the exported elements go in the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Board point at the image's top-left corner.
    pub x: f64,
    pub y: f64,
    /// Size in board units, padding included.
    pub w: f64,
    pub h: f64,
    /// Image pixels per board unit actually used.
    pub scale: f64,
    /// Less than asked for: the image would exceed what browsers can draw.
    pub reduced: bool,
}

impl Page {
    pub fn pixels(&self) -> (u32, u32) {
        (
            (self.w * self.scale).ceil().max(1.0) as u32,
            (self.h * self.scale).ceil().max(1.0) as u32,
        )
    }
}

/// The page for `elements`, or `None` if there is nothing to export.
pub fn page(elements: &[&Element], scale: f64, padding: f64) -> Option<Page> {
    let content = elements
        .iter()
        .map(|e| drawn_bounds(e))
        .reduce(|a, b| a.union(&b))?;
    let pad = padding.clamp(0.0, 1000.0);
    let (w, h) = (content.w + 2.0 * pad, content.h + 2.0 * pad);
    let asked = scale.clamp(0.1, 4.0);
    let fit = (MAX_SIDE / w)
        .min(MAX_SIDE / h)
        .min((MAX_PIXELS / (w * h)).sqrt());
    let used = asked.min(fit);
    Some(Page {
        x: content.x - pad,
        y: content.y - pad,
        w,
        h,
        scale: used,
        reduced: used < asked,
    })
}

/// A file name for an export of the board titled `title`: letters, digits, `-`, `_`
/// and spaces survive, the rest becomes `-`.
pub fn file_name(title: &str, ext: &str) -> String {
    let clean: String = title
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let clean = clean.trim();
    let base = if clean.is_empty() { "Lernraum" } else { clean };
    format!("{base}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crdt::{Board, Command, NewElement, LOCAL};

    fn scene_with(els: Vec<NewElement>) -> Scene {
        let mut b = Board::new(1);
        b.apply(&Command::Create(els), LOCAL).unwrap();
        let mut s = Scene::from_board(&b);
        s.ensure_order();
        s
    }

    fn frame(x: f64, y: f64, w: f64, h: f64) -> NewElement {
        let mut f = NewElement::note_centred(0.0, 0.0, "white");
        f.kind = Kind::Frame;
        (f.x, f.y, f.w, f.h) = (x, y, w, h);
        f
    }

    #[test]
    fn a_frame_export_takes_its_children_and_what_lies_inside() {
        let f = frame(0.0, 0.0, 1000.0, 1000.0);
        let mut child = NewElement::note_centred(1500.0, 100.0, "yellow");
        child.parent = Some(f.id.clone());
        let inside = NewElement::note_centred(300.0, 300.0, "blue");
        let outside = NewElement::note_centred(3000.0, 3000.0, "red");
        let ids = [&f.id, &child.id, &inside.id, &outside.id].map(|s| s.clone());
        let s = scene_with(vec![f, child, inside, outside]);
        let got: Vec<&str> = collect(&s, &[], &Scope::Frame(ids[0].clone()))
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert!(got.contains(&ids[0].as_str()) && got.contains(&ids[1].as_str()));
        assert!(got.contains(&ids[2].as_str()) && !got.contains(&ids[3].as_str()));
        // A selected frame exports with its contents; other selections as they are.
        let sel = collect(&s, std::slice::from_ref(&ids[0]), &Scope::Selection);
        assert_eq!(sel.len(), 3);
        let sel = collect(&s, std::slice::from_ref(&ids[3]), &Scope::Selection);
        assert_eq!(sel.len(), 1);
        assert_eq!(collect(&s, &[], &Scope::Board).len(), 4);
    }

    #[test]
    fn the_page_pads_the_content_and_includes_frame_titles() {
        let s = scene_with(vec![frame(100.0, 100.0, 400.0, 300.0)]);
        let els = collect(&s, &[], &Scope::Board);
        let p = page(&els, 2.0, 10.0).unwrap();
        assert_eq!((p.x, p.y), (90.0, 100.0 - kinds::frame::TITLE_BAR - 10.0));
        assert_eq!(p.pixels(), (840, ((300.0 + 28.0 + 20.0) * 2.0) as u32));
        assert!(!p.reduced);
        assert!(page(&[], 1.0, 0.0).is_none());
    }

    #[test]
    fn a_huge_board_is_scaled_to_what_a_browser_can_draw() {
        let notes = (0..400)
            .map(|i| {
                NewElement::note_centred(
                    (i % 20) as f64 * 5000.0,
                    (i / 20) as f64 * 5000.0,
                    "yellow",
                )
            })
            .collect();
        let s = scene_with(notes);
        let els = collect(&s, &[], &Scope::Board);
        let p = page(&els, 3.0, 32.0).unwrap();
        assert!(p.reduced);
        let (w, h) = p.pixels();
        assert!(w as f64 <= MAX_SIDE + 1.0 && h as f64 <= MAX_SIDE + 1.0);
        assert!(w as f64 * h as f64 <= MAX_PIXELS * 1.01);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Teamvereinbarung imAG", "png"),
            "Teamvereinbarung imAG.png"
        );
        assert_eq!(file_name("../../etc/passwd", "svg"), "------etc-passwd.svg");
        assert_eq!(file_name("  ", "csv"), "Lernraum.csv");
        assert_eq!(file_name("Do's & Don'ts", "md"), "Do-s - Don-ts.md");
    }
}
