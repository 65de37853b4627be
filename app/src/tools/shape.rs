//! Tools that draw a box-shaped element by dragging (Rectangle, Ellipse): Idle →
//! Creating → Idle. Shift keeps proportions (square, circle). A click without a drag
//! makes an element of the kind's default size centred on the click.

use crdt::geometry::Rect;
use crdt::kinds::rules;
use crdt::{Kind, NewElement};

use super::Pointer;

/// Screen pixels a press must travel to count as a drag.
const DRAG_THRESHOLD: f64 = 4.0;

#[derive(Debug, Clone, PartialEq)]
pub enum ShapeState {
    Idle,
    Creating {
        kind: Kind,
        start: Pointer,
        current: Pointer,
    },
}

#[derive(Debug)]
pub struct ShapeTool {
    pub state: ShapeState,
}

impl Default for ShapeTool {
    fn default() -> Self {
        ShapeTool {
            state: ShapeState::Idle,
        }
    }
}

fn span(kind: &Kind, start: &Pointer, current: &Pointer) -> Rect {
    let dragged = (current.sx - start.sx).hypot(current.sy - start.sy) >= DRAG_THRESHOLD;
    if !dragged {
        let (w, h) = rules(kind).default_size;
        return Rect {
            x: start.x - w / 2.0,
            y: start.y - h / 2.0,
            w,
            h,
        };
    }
    let (mut dx, mut dy) = (current.x - start.x, current.y - start.y);
    if current.shift {
        let side = dx.abs().max(dy.abs());
        dx = side.copysign(dx);
        dy = side.copysign(dy);
    }
    Rect::spanning(start.x, start.y, start.x + dx, start.y + dy)
}

impl ShapeTool {
    pub fn down(&mut self, kind: Kind, p: Pointer) {
        self.state = ShapeState::Creating {
            kind,
            start: p,
            current: p,
        };
    }

    pub fn moved(&mut self, p: Pointer) {
        if let ShapeState::Creating { current, .. } = &mut self.state {
            *current = p;
        }
    }

    /// The element to create, when the press ends.
    pub fn up(&mut self, p: Pointer, color: &str) -> Option<NewElement> {
        self.moved(p);
        match std::mem::replace(&mut self.state, ShapeState::Idle) {
            ShapeState::Creating {
                kind,
                start,
                current,
            } => {
                let r = span(&kind, &start, &current);
                let min = rules(&kind).min_size;
                Some(NewElement {
                    id: crdt::new_id(),
                    kind,
                    x: r.x,
                    y: r.y,
                    w: r.w.max(min),
                    h: r.h.max(min),
                    color: color.to_string(),
                    text: String::new(),
                    parent: None,
                    z: None,
                    pts: Vec::new(),
                    from: None,
                    to: None,
                })
            }
            ShapeState::Idle => None,
        }
    }

    pub fn cancel(&mut self) {
        self.state = ShapeState::Idle;
    }

    /// The box being drawn, for the live preview.
    pub fn preview(&self) -> Option<(Kind, Rect)> {
        match &self.state {
            ShapeState::Creating {
                kind,
                start,
                current,
            } => Some((kind.clone(), span(kind, start, current))),
            ShapeState::Idle => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64, shift: bool) -> Pointer {
        Pointer {
            x,
            y,
            sx: x,
            sy: y,
            shift,
            time: 0.0,
        }
    }

    #[test]
    fn a_drag_spans_the_rectangle_in_any_direction() {
        let mut t = ShapeTool::default();
        t.down(Kind::Rect, p(100.0, 100.0, false));
        t.moved(p(40.0, 160.0, false));
        assert_eq!(
            t.preview().unwrap().1,
            Rect {
                x: 40.0,
                y: 100.0,
                w: 60.0,
                h: 60.0
            }
        );
        let e = t.up(p(0.0, 200.0, false), "blue").unwrap();
        assert_eq!(
            (e.kind, e.x, e.y, e.w, e.h),
            (Kind::Rect, 0.0, 100.0, 100.0, 100.0)
        );
        assert_eq!(t.state, ShapeState::Idle);
    }

    #[test]
    fn shift_makes_a_circle() {
        let mut t = ShapeTool::default();
        t.down(Kind::Ellipse, p(0.0, 0.0, false));
        let e = t.up(p(120.0, 30.0, true), "green").unwrap();
        assert_eq!((e.w, e.h), (120.0, 120.0));
    }

    #[test]
    fn a_click_makes_the_default_size_centred() {
        let mut t = ShapeTool::default();
        t.down(Kind::Rect, p(500.0, 500.0, false));
        let e = t.up(p(501.0, 501.0, false), "blue").unwrap();
        let (w, h) = rules(&Kind::Rect).default_size;
        assert_eq!(
            (e.x, e.y, e.w, e.h),
            (500.0 - w / 2.0, 500.0 - h / 2.0, w, h)
        );
    }
}
