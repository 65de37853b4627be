//! The Select tool as a state machine: Idle → Pointing → Translating | Marquee → Idle,
//! and Idle → Resizing → Idle from one of the eight handles of a single selection.
//!
//! A drag writes `Move` commands at most every `WRITE_INTERVAL_MS` (≤ 30 updates/s,
//! so peers see drags live without flooding them), and always once at the end; the
//! whole drag is one undo step. Between writes the editor draws a local preview from
//! `preview_offset`. Locked elements are never picked up for change.

use crdt::geometry::{resize, Handle};
use crdt::Command;

use super::{Pointer, ToolEffect};
use crate::camera::Rect;

/// Minimum time between two `Move` writes during a drag (≈ 30/s).
pub const WRITE_INTERVAL_MS: f64 = 34.0;
/// Screen pixels a pointer must travel before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 3.0;

/// What the tool needs to know about the board, supplied by the editor.
pub trait SceneQuery {
    /// Topmost element under a board point.
    fn hit(&mut self, x: f64, y: f64) -> Option<String>;
    /// Top-left corner of an element.
    fn origin(&self, id: &str) -> Option<(f64, f64)>;
    fn is_locked(&self, id: &str) -> bool;
    /// Unlocked elements fully inside a board rectangle.
    fn inside(&mut self, r: &Rect) -> Vec<String>;
    /// An element's bounding box and its resize rules.
    fn bounds(&self, id: &str) -> Option<(Rect, crdt::kinds::KindRules)>;
    /// Elements that move along with `id` (a frame's children).
    fn followers(&self, id: &str) -> Vec<String>;
}

/// Elements being dragged: id and top-left at drag start.
pub type Origins = [(String, f64, f64)];

#[derive(Debug, Clone, PartialEq)]
pub enum SelectState {
    Idle,
    /// Pressed, not moved far enough yet. `hit` is the element under the pointer.
    Pointing {
        hit: Option<String>,
        start: Pointer,
    },
    Translating {
        start: Pointer,
        /// Element ids with their top-left at drag start.
        origins: Vec<(String, f64, f64)>,
        dx: f64,
        dy: f64,
        last_write: f64,
        written: (f64, f64),
    },
    Marquee {
        start: Pointer,
        current: Pointer,
        base: Vec<String>,
    },
    Resizing {
        id: String,
        handle: Handle,
        start: Pointer,
        from: Rect,
        to: Rect,
        min: f64,
        keep_aspect: bool,
        last_write: f64,
        written: Option<Rect>,
    },
}

impl SelectState {
    pub fn name(&self) -> &'static str {
        match self {
            SelectState::Idle => "idle",
            SelectState::Pointing { .. } => "pointing",
            SelectState::Translating { .. } => "translating",
            SelectState::Marquee { .. } => "marquee",
            SelectState::Resizing { .. } => "resizing",
        }
    }
}

#[derive(Debug)]
pub struct SelectTool {
    pub state: SelectState,
}

impl Default for SelectTool {
    fn default() -> Self {
        SelectTool {
            state: SelectState::Idle,
        }
    }
}

fn moves(origins: &[(String, f64, f64)], dx: f64, dy: f64) -> Command {
    Command::Move {
        moves: origins
            .iter()
            .map(|(id, x, y)| (id.clone(), x + dx, y + dy))
            .collect(),
    }
}

impl SelectTool {
    /// Offset to draw the dragged elements with, beyond what is written to the board.
    pub fn preview_offset(&self) -> Option<(&Origins, f64, f64)> {
        match &self.state {
            SelectState::Translating {
                origins, dx, dy, ..
            } => Some((origins, *dx, *dy)),
            _ => None,
        }
    }

    /// The element being resized and its live box.
    pub fn resize_preview(&self) -> Option<(&str, Rect)> {
        match &self.state {
            SelectState::Resizing { id, to, .. } => Some((id, *to)),
            _ => None,
        }
    }

    /// The marquee rectangle in board units, while one is drawn.
    pub fn marquee(&self) -> Option<Rect> {
        match &self.state {
            SelectState::Marquee { start, current, .. } => Some(rect_of(start, current)),
            _ => None,
        }
    }

    /// `handle_reach`: how far from a handle (board units) a press still takes it.
    pub fn down(
        &mut self,
        p: Pointer,
        scene: &mut dyn SceneQuery,
        selection: &[String],
        handle_reach: f64,
    ) -> Vec<ToolEffect> {
        if let [id] = selection {
            if let (Some((r, rules)), false) = (scene.bounds(id), scene.is_locked(id)) {
                let near = |h: &Handle| {
                    let (hx, hy) = h.position(&r);
                    (hx - p.x).abs() <= handle_reach && (hy - p.y).abs() <= handle_reach
                };
                if let Some(handle) = Handle::ALL.into_iter().find(near) {
                    self.state = SelectState::Resizing {
                        id: id.clone(),
                        handle,
                        start: p,
                        from: r,
                        to: r,
                        min: rules.min_size,
                        keep_aspect: rules.keep_aspect,
                        last_write: f64::NEG_INFINITY,
                        written: None,
                    };
                    return vec![ToolEffect::BeginGesture];
                }
            }
        }
        let hit = scene.hit(p.x, p.y);
        let mut out = Vec::new();
        match &hit {
            Some(id) if p.shift => {
                // Shift+click toggles membership.
                let mut sel: Vec<String> = selection.to_vec();
                if let Some(i) = sel.iter().position(|s| s == id) {
                    sel.remove(i);
                } else {
                    sel.push(id.clone());
                }
                out.push(ToolEffect::Select(sel));
            }
            Some(id) if !selection.contains(id) => out.push(ToolEffect::Select(vec![id.clone()])),
            Some(_) => {}
            None if !p.shift && !selection.is_empty() => out.push(ToolEffect::Select(Vec::new())),
            None => {}
        }
        self.state = SelectState::Pointing { hit, start: p };
        out
    }

    pub fn moved(
        &mut self,
        p: Pointer,
        scene: &mut dyn SceneQuery,
        selection: &[String],
    ) -> Vec<ToolEffect> {
        let mut out = Vec::new();
        match &mut self.state {
            SelectState::Idle => {}
            SelectState::Pointing { hit, start } => {
                let dist = ((p.sx - start.sx).powi(2) + (p.sy - start.sy).powi(2)).sqrt();
                if dist < DRAG_THRESHOLD {
                    return out;
                }
                let start = *start;
                if hit.is_some() {
                    let mut moving: Vec<String> = selection.to_vec();
                    for id in selection {
                        for f in scene.followers(id) {
                            if !moving.contains(&f) {
                                moving.push(f);
                            }
                        }
                    }
                    let origins: Vec<(String, f64, f64)> = moving
                        .iter()
                        .filter(|id| !scene.is_locked(id))
                        .filter_map(|id| scene.origin(id).map(|(x, y)| (id.clone(), x, y)))
                        .collect();
                    if origins.is_empty() {
                        self.state = SelectState::Idle;
                        return out;
                    }
                    out.push(ToolEffect::BeginGesture);
                    self.state = SelectState::Translating {
                        start,
                        origins,
                        dx: 0.0,
                        dy: 0.0,
                        last_write: f64::NEG_INFINITY,
                        written: (0.0, 0.0),
                    };
                    out.extend(self.moved(p, scene, selection));
                } else {
                    let base = if start.shift {
                        selection.to_vec()
                    } else {
                        Vec::new()
                    };
                    self.state = SelectState::Marquee {
                        start,
                        current: p,
                        base,
                    };
                    out.extend(self.moved(p, scene, selection));
                }
            }
            SelectState::Translating {
                start,
                origins,
                dx,
                dy,
                last_write,
                written,
            } => {
                *dx = p.x - start.x;
                *dy = p.y - start.y;
                if p.time - *last_write >= WRITE_INTERVAL_MS {
                    *last_write = p.time;
                    *written = (*dx, *dy);
                    out.push(ToolEffect::Apply(moves(origins, *dx, *dy)));
                }
            }
            SelectState::Resizing {
                id,
                handle,
                start,
                from,
                to,
                min,
                keep_aspect,
                last_write,
                written,
            } => {
                // Shift inverts the kind's proportion rule.
                let aspect = *keep_aspect != p.shift;
                *to = resize(from, *handle, p.x - start.x, p.y - start.y, aspect, *min);
                if p.time - *last_write >= WRITE_INTERVAL_MS {
                    *last_write = p.time;
                    *written = Some(*to);
                    out.push(ToolEffect::Apply(resize_command(id, to)));
                }
            }
            SelectState::Marquee {
                start,
                current,
                base,
            } => {
                *current = p;
                let r = rect_of(start, current);
                let mut sel = base.clone();
                for id in scene.inside(&r) {
                    if !sel.contains(&id) {
                        sel.push(id);
                    }
                }
                if sel != selection {
                    out.push(ToolEffect::Select(sel));
                }
            }
        }
        out
    }

    pub fn up(
        &mut self,
        p: Pointer,
        scene: &mut dyn SceneQuery,
        selection: &[String],
    ) -> Vec<ToolEffect> {
        let mut out = self.moved(p, scene, selection);
        match std::mem::replace(&mut self.state, SelectState::Idle) {
            SelectState::Translating {
                origins,
                dx,
                dy,
                written,
                ..
            } => {
                if written != (dx, dy) {
                    out.push(ToolEffect::Apply(moves(&origins, dx, dy)));
                }
                out.push(ToolEffect::EndGesture);
            }
            SelectState::Resizing {
                id, to, written, ..
            } => {
                if written != Some(to) {
                    out.push(ToolEffect::Apply(resize_command(&id, &to)));
                }
                out.push(ToolEffect::EndGesture);
            }
            // A click on a member of a multi-selection narrows it to that element.
            SelectState::Pointing {
                hit: Some(id),
                start,
            } if !start.shift && selection.len() > 1 && selection.contains(&id) => {
                out.push(ToolEffect::Select(vec![id]));
            }
            _ => {}
        }
        out
    }

    /// The gesture was interrupted (pointer cancel, Escape): end cleanly, keeping what
    /// was written so far.
    pub fn cancel(&mut self) -> Vec<ToolEffect> {
        match std::mem::replace(&mut self.state, SelectState::Idle) {
            SelectState::Resizing {
                id, to, written, ..
            } => {
                let mut out = Vec::new();
                if written != Some(to) {
                    out.push(ToolEffect::Apply(resize_command(&id, &to)));
                }
                out.push(ToolEffect::EndGesture);
                out
            }
            SelectState::Translating {
                origins,
                dx,
                dy,
                written,
                ..
            } => {
                let mut out = Vec::new();
                if written != (dx, dy) {
                    out.push(ToolEffect::Apply(moves(&origins, dx, dy)));
                }
                out.push(ToolEffect::EndGesture);
                out
            }
            _ => Vec::new(),
        }
    }

    pub fn double_click(&mut self, p: Pointer, scene: &mut dyn SceneQuery) -> Vec<ToolEffect> {
        match scene.hit(p.x, p.y) {
            Some(id) if !scene.is_locked(&id) => vec![
                ToolEffect::Select(vec![id.clone()]),
                ToolEffect::EditText(id),
            ],
            _ => Vec::new(),
        }
    }
}

fn resize_command(id: &str, r: &Rect) -> Command {
    Command::Resize {
        id: id.to_string(),
        x: r.x,
        y: r.y,
        w: r.w,
        h: r.h,
    }
}

fn rect_of(a: &Pointer, b: &Pointer) -> Rect {
    Rect {
        x: a.x.min(b.x),
        y: a.y.min(b.y),
        w: (a.x - b.x).abs(),
        h: (a.y - b.y).abs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A board of plain rectangles for driving the tool without a document.
    #[derive(Default)]
    struct FakeScene {
        els: Vec<(String, Rect, bool)>,
    }

    impl FakeScene {
        fn with(items: &[(&str, f64, f64, bool)]) -> FakeScene {
            FakeScene {
                els: items
                    .iter()
                    .map(|(id, x, y, locked)| {
                        (
                            id.to_string(),
                            Rect {
                                x: *x,
                                y: *y,
                                w: 100.0,
                                h: 100.0,
                            },
                            *locked,
                        )
                    })
                    .collect(),
            }
        }
    }

    impl SceneQuery for FakeScene {
        fn hit(&mut self, x: f64, y: f64) -> Option<String> {
            self.els
                .iter()
                .rev()
                .find(|(_, r, _)| x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h)
                .map(|(id, _, _)| id.clone())
        }
        fn origin(&self, id: &str) -> Option<(f64, f64)> {
            self.els
                .iter()
                .find(|(i, _, _)| i == id)
                .map(|(_, r, _)| (r.x, r.y))
        }
        fn is_locked(&self, id: &str) -> bool {
            self.els.iter().any(|(i, _, l)| i == id && *l)
        }
        fn followers(&self, _id: &str) -> Vec<String> {
            Vec::new()
        }
        fn bounds(&self, id: &str) -> Option<(Rect, crdt::kinds::KindRules)> {
            self.els
                .iter()
                .find(|(i, _, _)| i == id)
                .map(|(_, r, _)| (*r, crdt::kinds::rules(&crdt::Kind::Rect)))
        }
        fn inside(&mut self, q: &Rect) -> Vec<String> {
            self.els
                .iter()
                .filter(|(_, r, l)| {
                    !l && r.x >= q.x
                        && r.y >= q.y
                        && r.x + r.w <= q.x + q.w
                        && r.y + r.h <= q.y + q.h
                })
                .map(|(id, _, _)| id.clone())
                .collect()
        }
    }

    fn p(x: f64, y: f64, time: f64) -> Pointer {
        Pointer {
            x,
            y,
            sx: x,
            sy: y,
            shift: false,
            time,
        }
    }

    fn shift(mut pt: Pointer) -> Pointer {
        pt.shift = true;
        pt
    }

    #[test]
    fn a_click_selects_the_element_under_the_pointer() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false), ("b", 50.0, 50.0, false)]);
        let mut tool = SelectTool::default();
        let fx = tool.down(p(60.0, 60.0, 0.0), &mut scene, &[], 5.0);
        assert_eq!(fx, vec![ToolEffect::Select(vec!["b".into()])]);
        assert_eq!(tool.state.name(), "pointing");
        assert!(tool
            .up(p(60.0, 60.0, 10.0), &mut scene, &["b".into()])
            .is_empty());
        assert_eq!(tool.state.name(), "idle");
    }

    #[test]
    fn shift_click_adds_and_removes() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false), ("b", 200.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        let fx = tool.down(shift(p(210.0, 10.0, 0.0)), &mut scene, &["a".into()], 5.0);
        assert_eq!(fx, vec![ToolEffect::Select(vec!["a".into(), "b".into()])]);
        tool.up(
            shift(p(210.0, 10.0, 1.0)),
            &mut scene,
            &["a".into(), "b".into()],
        );
        let fx = tool.down(
            shift(p(10.0, 10.0, 2.0)),
            &mut scene,
            &["a".into(), "b".into()],
            5.0,
        );
        assert_eq!(fx, vec![ToolEffect::Select(vec!["b".into()])]);
    }

    #[test]
    fn a_click_on_empty_board_clears_the_selection() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        let fx = tool.down(p(500.0, 500.0, 0.0), &mut scene, &["a".into()], 5.0);
        assert_eq!(fx, vec![ToolEffect::Select(vec![])]);
    }

    #[test]
    fn a_drag_moves_the_selection_as_one_gesture_at_most_30_writes_per_second() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false), ("b", 200.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        let sel = vec!["a".to_string(), "b".to_string()];
        tool.down(p(10.0, 10.0, 0.0), &mut scene, &sel, 5.0);
        let mut effects = Vec::new();
        // One second of pointer moves at 120 Hz.
        for i in 1..=120 {
            let t = i as f64 * (1000.0 / 120.0);
            effects.extend(tool.moved(p(10.0 + i as f64, 10.0, t), &mut scene, &sel));
            // A press becomes a drag once the pointer travelled 3 px.
            let expected = if i < 3 { "pointing" } else { "translating" };
            assert_eq!(tool.state.name(), expected);
        }
        effects.extend(tool.up(p(130.0, 10.0, 1001.0), &mut scene, &sel));
        let writes: Vec<&Command> = effects
            .iter()
            .filter_map(|e| match e {
                ToolEffect::Apply(c) => Some(c),
                _ => None,
            })
            .collect();
        assert!(writes.len() <= 31, "{} writes in one second", writes.len());
        assert!(
            writes.len() >= 20,
            "live feedback needs regular writes, got {}",
            writes.len()
        );
        assert_eq!(effects.first(), Some(&ToolEffect::BeginGesture));
        assert_eq!(effects.last(), Some(&ToolEffect::EndGesture));
        let last = writes.last().unwrap();
        let expect = Command::Move {
            moves: vec![("a".into(), 120.0, 0.0), ("b".into(), 320.0, 0.0)],
        };
        assert_eq!(*last, &expect);
        assert_eq!(tool.state.name(), "idle");
    }

    #[test]
    fn locked_elements_are_not_moved() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, true)]);
        let mut tool = SelectTool::default();
        let sel = vec!["a".to_string()];
        tool.down(p(10.0, 10.0, 0.0), &mut scene, &sel, 5.0);
        let fx = tool.moved(p(100.0, 100.0, 50.0), &mut scene, &sel);
        assert!(fx.is_empty());
        assert_eq!(tool.state.name(), "idle");
    }

    #[test]
    fn a_marquee_selects_what_it_encloses() {
        let mut scene = FakeScene::with(&[
            ("a", 0.0, 0.0, false),
            ("b", 200.0, 0.0, false),
            ("c", 1000.0, 0.0, false),
        ]);
        let mut tool = SelectTool::default();
        tool.down(p(-10.0, -10.0, 0.0), &mut scene, &[], 5.0);
        let fx = tool.moved(p(400.0, 200.0, 10.0), &mut scene, &[]);
        assert_eq!(tool.state.name(), "marquee");
        assert_eq!(fx, vec![ToolEffect::Select(vec!["a".into(), "b".into()])]);
        assert!(tool.marquee().is_some());
        tool.up(p(400.0, 200.0, 20.0), &mut scene, &["a".into(), "b".into()]);
        assert_eq!(tool.state.name(), "idle");
    }

    #[test]
    fn dragging_a_corner_handle_resizes_as_one_gesture() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        let sel = vec!["a".to_string()];
        // The south-east handle of a 100 × 100 box at the origin.
        let fx = tool.down(p(101.0, 99.0, 0.0), &mut scene, &sel, 5.0);
        assert_eq!(fx, vec![ToolEffect::BeginGesture]);
        assert_eq!(tool.state.name(), "resizing");
        let mut effects = Vec::new();
        for i in 1..=10 {
            effects.extend(tool.moved(
                p(
                    100.0 + 10.0 * i as f64,
                    100.0 + 5.0 * i as f64,
                    i as f64 * 50.0,
                ),
                &mut scene,
                &sel,
            ));
        }
        effects.extend(tool.up(p(200.0, 150.0, 600.0), &mut scene, &sel));
        assert_eq!(effects.last(), Some(&ToolEffect::EndGesture));
        let last = effects.iter().rev().find_map(|e| match e {
            ToolEffect::Apply(c) => Some(c.clone()),
            _ => None,
        });
        assert_eq!(
            last,
            Some(Command::Resize {
                id: "a".into(),
                x: 0.0,
                y: 0.0,
                w: 199.0,
                h: 151.0
            })
        );
        assert_eq!(tool.state.name(), "idle");
    }

    #[test]
    fn handles_of_locked_or_multiple_selections_do_not_resize() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, true), ("b", 300.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        tool.down(p(100.0, 100.0, 0.0), &mut scene, &["a".to_string()], 5.0);
        assert_ne!(tool.state.name(), "resizing");
        let mut tool = SelectTool::default();
        tool.down(
            p(400.0, 100.0, 0.0),
            &mut scene,
            &["a".to_string(), "b".to_string()],
            5.0,
        );
        assert_ne!(tool.state.name(), "resizing");
    }

    #[test]
    fn double_click_opens_the_text_editor() {
        let mut scene = FakeScene::with(&[("a", 0.0, 0.0, false)]);
        let mut tool = SelectTool::default();
        let fx = tool.double_click(p(10.0, 10.0, 0.0), &mut scene);
        assert_eq!(
            fx,
            vec![
                ToolEffect::Select(vec!["a".into()]),
                ToolEffect::EditText("a".into())
            ]
        );
    }
}
