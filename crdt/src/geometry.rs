//! Plain geometry shared by every kind: rectangles, resize handles, and the resize
//! rule (opposite corner or edge stays put; a minimum size; optional fixed aspect).

/// An axis-aligned rectangle in board units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x <= o.x + o.w
            && o.x <= self.x + self.w
            && self.y <= o.y + o.h
            && o.y <= self.y + self.h
    }

    pub fn union(&self, o: &Rect) -> Rect {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Rect {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }

    /// Whether `o` lies entirely inside this rectangle.
    pub fn encloses(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }

    /// The rectangle spanned by two corners, in any order.
    pub fn spanning(ax: f64, ay: f64, bx: f64, by: f64) -> Rect {
        Rect {
            x: ax.min(bx),
            y: ay.min(by),
            w: (ax - bx).abs(),
            h: (ay - by).abs(),
        }
    }
}

/// The eight resize handles, clockwise from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Handle {
    NorthWest,
    North,
    NorthEast,
    East,
    SouthEast,
    South,
    SouthWest,
    West,
}

impl Handle {
    pub const ALL: [Handle; 8] = [
        Handle::NorthWest,
        Handle::North,
        Handle::NorthEast,
        Handle::East,
        Handle::SouthEast,
        Handle::South,
        Handle::SouthWest,
        Handle::West,
    ];

    /// Where the handle sits on `r`.
    pub fn position(self, r: &Rect) -> (f64, f64) {
        let (fx, fy) = self.factors();
        (r.x + fx * r.w, r.y + fy * r.h)
    }

    /// Relative position on the box: 0, ½ or 1 on each axis.
    fn factors(self) -> (f64, f64) {
        match self {
            Handle::NorthWest => (0.0, 0.0),
            Handle::North => (0.5, 0.0),
            Handle::NorthEast => (1.0, 0.0),
            Handle::East => (1.0, 0.5),
            Handle::SouthEast => (1.0, 1.0),
            Handle::South => (0.5, 1.0),
            Handle::SouthWest => (0.0, 1.0),
            Handle::West => (0.0, 0.5),
        }
    }

    pub fn is_corner(self) -> bool {
        matches!(
            self,
            Handle::NorthWest | Handle::NorthEast | Handle::SouthEast | Handle::SouthWest
        )
    }
}

/// `r` resized by dragging `handle` by `(dx, dy)`. The opposite side stays put; sizes
/// never go below `min`; with `keep_aspect` a corner drag keeps the proportions.
/// Dragging past the opposite side stops at the minimum size (no flipping).
pub fn resize(r: &Rect, handle: Handle, dx: f64, dy: f64, keep_aspect: bool, min: f64) -> Rect {
    let (fx, fy) = handle.factors();
    let (mut left, mut top, mut right, mut bottom) = (r.x, r.y, r.x + r.w, r.y + r.h);
    if fx == 0.0 {
        left = (left + dx).min(right - min);
    } else if fx == 1.0 {
        right = (right + dx).max(left + min);
    }
    if fy == 0.0 {
        top = (top + dy).min(bottom - min);
    } else if fy == 1.0 {
        bottom = (bottom + dy).max(top + min);
    }
    let mut out = Rect {
        x: left,
        y: top,
        w: right - left,
        h: bottom - top,
    };
    if keep_aspect && handle.is_corner() && r.w > 0.0 && r.h > 0.0 {
        let ratio = r.w / r.h;
        // Follow the axis that moved further, relative to the size.
        if out.w / r.w > out.h / r.h {
            out.h = out.w / ratio;
        } else {
            out.w = out.h * ratio;
        }
        if fx == 0.0 {
            out.x = r.x + r.w - out.w;
        }
        if fy == 0.0 {
            out.y = r.y + r.h - out.h;
        }
    }
    out
}

/// Ramer–Douglas–Peucker: the points of a polyline that matter, within `epsilon`.
/// The first and last point always stay.
pub fn simplify(points: &[(f64, f64)], epsilon: f64) -> Vec<(f64, f64)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    // An explicit stack instead of recursion: strokes can have thousands of points.
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (mut far, mut far_d) = (0, 0.0);
        for i in a + 1..b {
            let d = segment_distance(points[i], points[a], points[b]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > epsilon {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

/// Distance from `p` to the segment `a`–`b`.
pub fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    (p.0 - cx).hypot(p.1 - cy)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rect = Rect {
        x: 100.0,
        y: 100.0,
        w: 200.0,
        h: 100.0,
    };

    #[test]
    fn the_opposite_corner_stays_put() {
        let r = resize(&R, Handle::NorthWest, -50.0, -20.0, false, 10.0);
        assert_eq!(
            r,
            Rect {
                x: 50.0,
                y: 80.0,
                w: 250.0,
                h: 120.0
            }
        );
        let r = resize(&R, Handle::SouthEast, 30.0, 40.0, false, 10.0);
        assert_eq!(
            r,
            Rect {
                x: 100.0,
                y: 100.0,
                w: 230.0,
                h: 140.0
            }
        );
    }

    #[test]
    fn edges_change_one_axis_only() {
        let r = resize(&R, Handle::East, 50.0, 999.0, false, 10.0);
        assert_eq!(
            r,
            Rect {
                x: 100.0,
                y: 100.0,
                w: 250.0,
                h: 100.0
            }
        );
        let r = resize(&R, Handle::North, 999.0, 30.0, false, 10.0);
        assert_eq!(
            r,
            Rect {
                x: 100.0,
                y: 130.0,
                w: 200.0,
                h: 70.0
            }
        );
    }

    #[test]
    fn sizes_stop_at_the_minimum_instead_of_flipping() {
        let r = resize(&R, Handle::West, 500.0, 0.0, false, 10.0);
        assert_eq!((r.x, r.w), (290.0, 10.0));
    }

    #[test]
    fn shift_keeps_the_aspect_ratio_on_corners() {
        let r = resize(&R, Handle::SouthEast, 200.0, 0.0, true, 10.0);
        assert_eq!((r.w, r.h), (400.0, 200.0));
        let r = resize(&R, Handle::NorthWest, -200.0, 0.0, true, 10.0);
        assert_eq!(
            r,
            Rect {
                x: -100.0,
                y: 0.0,
                w: 400.0,
                h: 200.0
            }
        );
    }

    #[test]
    fn simplification_keeps_corners_and_drops_points_on_a_line() {
        let line: Vec<(f64, f64)> = (0..=100).map(|i| (i as f64, 0.0)).collect();
        assert_eq!(simplify(&line, 0.5), vec![(0.0, 0.0), (100.0, 0.0)]);
        let mut corner: Vec<(f64, f64)> = (0..=50).map(|i| (i as f64, 0.0)).collect();
        corner.extend((1..=50).map(|i| (50.0, i as f64)));
        assert_eq!(
            simplify(&corner, 0.5),
            vec![(0.0, 0.0), (50.0, 0.0), (50.0, 50.0)]
        );
        let wobbly: Vec<(f64, f64)> = (0..1000)
            .map(|i| (i as f64, (i % 2) as f64 * 0.2))
            .collect();
        assert_eq!(simplify(&wobbly, 1.0).len(), 2);
    }

    #[test]
    fn handles_sit_on_the_box() {
        assert_eq!(Handle::SouthEast.position(&R), (300.0, 200.0));
        assert_eq!(Handle::North.position(&R), (200.0, 100.0));
    }
}
