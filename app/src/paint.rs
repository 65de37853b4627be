//! Painting frames: the board view's draw function, what the last frame showed, and
//! which areas changes from others damaged since; `paint` repaints the whole view, only
//! the damaged areas, or nothing. `state` schedules the frames.

use std::cell::{Cell, RefCell};

use crate::editor::Editor;
use crate::render::Renderer;
use crate::state::with_editor;

type Drawer = Box<dyn Fn(&mut Editor, &mut Renderer, Option<&[crate::camera::Rect]>)>;

thread_local! {
    static RENDERER: RefCell<Renderer> = RefCell::new(Renderer::default());
    static DRAWER: RefCell<Option<Drawer>> = const { RefCell::new(None) };
    /// What the last painted frame showed, apart from the board content.
    static LAST_VIEW: Cell<Option<u64>> = const { Cell::new(None) };
    /// Areas others' cursors and selections left or reached since the last frame.
    static DAMAGE: RefCell<Vec<crate::camera::Rect>> = const { RefCell::new(Vec::new()) };
    /// Frames painted whole, painted only where damaged, and skipped (nothing visible).
    static PAINTS: Cell<(u64, u64, u64)> = const { Cell::new((0, 0, 0)) };
}

/// Sets the function that paints a frame (installed by the board view).
pub fn set_drawer(
    f: impl Fn(&mut Editor, &mut Renderer, Option<&[crate::camera::Rect]>) + 'static,
) {
    DRAWER.with(|d| *d.borrow_mut() = Some(Box::new(f)));
}

/// Areas of the board to repaint on the next frame for changes from others (their
/// cursors and selections), when nothing else changed.
pub fn add_damage(areas: impl IntoIterator<Item = crate::camera::Rect>) {
    DAMAGE.with(|d| {
        let mut d = d.borrow_mut();
        d.extend(areas);
        if d.len() > 1024 {
            // Not worth listing: a full repaint.
            d.clear();
            crate::state::mark_full();
        }
    });
}

/// How many frames were painted whole, only where damaged, or skipped.
pub fn paint_counts() -> (u64, u64, u64) {
    PAINTS.with(|p| p.get())
}

fn count_paint(kind: usize) {
    PAINTS.with(|p| {
        let (mut f, mut d, mut s) = p.get();
        match kind {
            0 => f += 1,
            1 => d += 1,
            _ => s += 1,
        }
        p.set((f, d, s));
    });
}

/// Forgets cached text layouts of elements that no longer exist.
pub fn prune(exists: impl Fn(&str) -> bool) {
    RENDERER.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            r.prune(exists);
        }
    });
}

/// Paints everything immediately (the bench measures frames through this).
pub fn paint_now() {
    paint(true);
}

/// Paints a frame: everything when `full` or when the view (anything but the board
/// content) changed since the last frame; else only the areas the board's changes
/// and others' cursors damaged, and nothing at all when there are none.
pub(crate) fn paint(full: bool) {
    DRAWER.with(|d| {
        if let Some(draw) = d.borrow().as_ref() {
            RENDERER.with(|r| {
                if let Ok(mut r) = r.try_borrow_mut() {
                    with_editor(|ed| {
                        ed.flush();
                        let content = ed.scene.take_damage();
                        let others = DAMAGE.with(|d| std::mem::take(&mut *d.borrow_mut()));
                        let view = view_signature(ed);
                        let same_view = LAST_VIEW.with(|v| v.replace(Some(view))) == Some(view);
                        // A drag in progress draws moved copies where no damage is
                        // recorded: repaint everything while there is one.
                        let full = full || !ed.previews().is_empty();
                        let damage = content
                            .filter(|_| !full && same_view)
                            .map(|mut areas| {
                                areas.extend(others);
                                areas
                            })
                            .filter(|areas| small(ed, areas));
                        match damage {
                            Some(areas) if areas.is_empty() => count_paint(2),
                            Some(areas) => {
                                count_paint(1);
                                draw(ed, &mut r, Some(&areas));
                            }
                            None => {
                                count_paint(0);
                                draw(ed, &mut r, None);
                            }
                        }
                    });
                }
            });
        }
    });
}

/// Whether repainting only `areas` is worth it: together they cover less than half
/// of the view (a clipped repaint of most of it costs as much as a full one).
fn small(ed: &Editor, areas: &[crate::camera::Rect]) -> bool {
    let view = ed.camera.visible(ed.viewport.0, ed.viewport.1);
    let covered: f64 = areas
        .iter()
        .filter(|a| a.intersects(&view))
        .map(|a| a.w * a.h)
        .sum();
    covered < 0.5 * view.w * view.h
}

/// A fingerprint of everything a frame shows apart from the board content and others'
/// cursors and selections (which report their damage): camera, viewport, tool state
/// and previews, selection, text editing, vote marks, drafts, locks, cursor naming.
fn view_signature(ed: &Editor) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let bits = |h: &mut std::collections::hash_map::DefaultHasher, v: &[f64]| {
        v.iter().for_each(|x| x.to_bits().hash(h))
    };
    let rect = |h: &mut std::collections::hash_map::DefaultHasher, r: &crate::camera::Rect| {
        bits(h, &[r.x, r.y, r.w, r.h])
    };
    let c = ed.camera;
    bits(&mut h, &[c.x, c.y, c.z, ed.viewport.0, ed.viewport.1]);
    ed.tool.hash(&mut h);
    ed.selection.hash(&mut h);
    ed.editing.hash(&mut h);
    let mut previews: Vec<_> = ed.previews().into_iter().collect();
    crdt::order::sort_by(&mut previews, |a, b| a.0.cmp(&b.0));
    for (id, r) in &previews {
        id.hash(&mut h);
        rect(&mut h, r);
    }
    if let Some((kind, r)) = ed.creating() {
        format!("{kind:?}").hash(&mut h);
        rect(&mut h, &r);
    }
    if let Some((a, b)) = ed.arrow.preview() {
        bits(&mut h, &[a.0, a.1, b.0, b.1]);
    }
    let stroke = ed.pen.stroke();
    stroke.len().hash(&mut h);
    if let Some(p) = stroke.last() {
        bits(&mut h, &[p.0, p.1]);
    }
    if let Some(r) = ed.select.marquee() {
        rect(&mut h, &r);
    }
    let mut marks: Vec<_> = ed.vote_marks.iter().collect();
    crdt::order::sort_by(&mut marks, |a, b| a.0.cmp(b.0));
    for (id, m) in marks {
        id.hash(&mut h);
        format!("{m:?}").hash(&mut h);
    }
    let mut drafts: Vec<_> = ed.draft_ids.iter().collect();
    crdt::order::sort(&mut drafts);
    drafts.hash(&mut h);
    let l = &ed.scene.locks;
    (l.board, l.moderator, ed.anonymous_cursors).hash(&mut h);
    let mut locked: Vec<_> = l.elements.iter().collect();
    crdt::order::sort(&mut locked);
    locked.hash(&mut h);
    h.finish()
}
