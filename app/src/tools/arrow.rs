//! The Arrow tool: Idle → Drawing → Idle. An end that starts or ends on an element
//! binds to it (`from`/`to`); an end on empty board stays free at that point.

use crdt::NewElement;

use super::Pointer;
use crate::kinds::arrow::geometry;

/// A drag in progress: where it started, the element there, and the pointer now.
type Drawing = ((f64, f64), Option<String>, (f64, f64));

#[derive(Debug, Default)]
pub struct ArrowTool {
    drawing: Option<Drawing>,
}

impl ArrowTool {
    pub fn down(&mut self, p: Pointer, under: Option<String>) {
        self.drawing = Some(((p.x, p.y), under, (p.x, p.y)));
    }

    pub fn moved(&mut self, p: Pointer) {
        if let Some((_, _, now)) = &mut self.drawing {
            *now = (p.x, p.y);
        }
    }

    pub fn is_drawing(&self) -> bool {
        self.drawing.is_some()
    }

    pub fn cancel(&mut self) {
        self.drawing = None;
    }

    /// The line being drawn (start, pointer), for the preview.
    pub fn preview(&self) -> Option<((f64, f64), (f64, f64))> {
        self.drawing.as_ref().map(|(a, _, b)| (*a, *b))
    }

    /// The arrow for the finished drag (`None` for a click without a drag).
    pub fn up(&mut self, p: Pointer, under: Option<String>, color: &str) -> Option<NewElement> {
        let (start, from, _) = self.drawing.take()?;
        let end = (p.x, p.y);
        if (end.0 - start.0).hypot(end.1 - start.1) < 8.0 {
            return None;
        }
        let to = under.filter(|id| Some(id) != from.as_ref());
        let (r, pts) = geometry(start, end);
        Some(NewElement {
            id: crdt::new_id(),
            kind: crdt::Kind::Arrow,
            x: r.x,
            y: r.y,
            w: r.w,
            h: r.h,
            color: color.to_string(),
            text: String::new(),
            parent: None,
            z: None,
            pts,
            from,
            to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Pointer {
        Pointer {
            x,
            y,
            sx: x,
            sy: y,
            shift: false,
            time: 0.0,
        }
    }

    #[test]
    fn an_arrow_binds_the_elements_it_starts_and_ends_on() {
        let mut t = ArrowTool::default();
        t.down(p(10.0, 10.0), Some("a".into()));
        t.moved(p(200.0, 100.0));
        assert_eq!(t.preview(), Some(((10.0, 10.0), (200.0, 100.0))));
        let e = t.up(p(300.0, 110.0), Some("b".into()), "gray").unwrap();
        assert_eq!((e.from.as_deref(), e.to.as_deref()), (Some("a"), Some("b")));
        assert_eq!(e.pts, vec![0.0, 0.0, 290.0, 100.0]);
        let mut t = ArrowTool::default();
        t.down(p(0.0, 0.0), Some("a".into()));
        let e = t.up(p(100.0, 0.0), Some("a".into()), "gray").unwrap();
        assert_eq!(e.to, None, "an arrow never binds both ends to one element");
        t.down(p(0.0, 0.0), None);
        assert!(
            t.up(p(2.0, 2.0), None, "gray").is_none(),
            "a click is no arrow"
        );
    }
}
