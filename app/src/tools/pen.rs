//! The Pen tool: Idle → Drawing → Idle. Points are collected while the pointer is down
//! and simplified (Ramer–Douglas–Peucker) into one ink element when it comes up.

use crdt::geometry::simplify;
use crdt::{Kind, NewElement};

use super::Pointer;

#[derive(Debug, Default)]
pub struct PenTool {
    /// Board points of the stroke being drawn.
    points: Vec<(f64, f64)>,
    /// Smallest distance between two recorded points, in board units.
    step: f64,
}

/// Most points one stroke keeps (a very long scribble is cut, never refused).
const MAX_POINTS: usize = 5000;

impl PenTool {
    /// `zoom` sets the resolution: about one point per screen pixel of movement.
    pub fn down(&mut self, p: Pointer, zoom: f64) {
        self.points = vec![(p.x, p.y)];
        self.step = 1.0 / zoom.max(0.01);
    }

    pub fn moved(&mut self, p: Pointer) {
        let Some(&(lx, ly)) = self.points.last() else {
            return;
        };
        if (p.x - lx).hypot(p.y - ly) >= self.step && self.points.len() < MAX_POINTS {
            self.points.push((p.x, p.y));
        }
    }

    pub fn is_drawing(&self) -> bool {
        !self.points.is_empty()
    }

    pub fn stroke(&self) -> &[(f64, f64)] {
        &self.points
    }

    pub fn cancel(&mut self) {
        self.points.clear();
    }

    /// The ink element for the finished stroke (`None` for nothing drawn).
    pub fn up(&mut self, p: Pointer, color: &str) -> Option<NewElement> {
        self.moved(p);
        let points = std::mem::take(&mut self.points);
        if points.is_empty() {
            return None;
        }
        let simple = simplify(&points, self.step * 0.75);
        let min_x = simple.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let min_y = simple.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let max_x = simple.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let max_y = simple.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        // A dot still gets a box (w, h > 0).
        let (w, h) = ((max_x - min_x).max(1.0), (max_y - min_y).max(1.0));
        let pts = simple
            .iter()
            .flat_map(|&(x, y)| [x - min_x, y - min_y])
            .collect();
        Some(NewElement {
            id: crdt::new_id(),
            kind: Kind::Ink,
            x: min_x,
            y: min_y,
            w,
            h,
            color: color.to_string(),
            text: String::new(),
            parent: None,
            z: None,
            pts,
            from: None,
            to: None,
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
    fn a_stroke_becomes_one_simplified_ink_element_relative_to_its_box() {
        let mut pen = PenTool::default();
        pen.down(p(100.0, 100.0), 1.0);
        for i in 1..=100 {
            pen.moved(p(100.0 + i as f64, 100.0));
        }
        for i in 1..=100 {
            pen.moved(p(200.0, 100.0 + i as f64));
        }
        let ink = pen.up(p(200.0, 200.0), "blue").unwrap();
        assert_eq!(ink.kind, Kind::Ink);
        assert_eq!((ink.x, ink.y, ink.w, ink.h), (100.0, 100.0, 100.0, 100.0));
        assert_eq!(ink.pts, vec![0.0, 0.0, 100.0, 0.0, 100.0, 100.0]);
        assert!(!pen.is_drawing());
    }

    #[test]
    fn a_dot_still_has_a_box() {
        let mut pen = PenTool::default();
        pen.down(p(5.0, 5.0), 1.0);
        let ink = pen.up(p(5.0, 5.0), "gray").unwrap();
        assert!(ink.w > 0.0 && ink.h > 0.0);
        assert_eq!(ink.pts, vec![0.0, 0.0]);
    }
}
