//! The board camera: `screen = (board + (x, y)) · z`, the convention of tldraw's camera
//! and of the bench page contract. Session state only: never in the document.

pub const MIN_ZOOM: f64 = 0.1;
pub const MAX_ZOOM: f64 = 4.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            x: 0.0,
            y: 0.0,
            z: 1.0,
        }
    }
}

pub use crdt::geometry::Rect;

impl Camera {
    pub fn to_screen(self, bx: f64, by: f64) -> (f64, f64) {
        ((bx + self.x) * self.z, (by + self.y) * self.z)
    }

    pub fn to_board(self, sx: f64, sy: f64) -> (f64, f64) {
        (sx / self.z - self.x, sy / self.z - self.y)
    }

    /// The board area visible in a viewport of `w × h` CSS pixels.
    pub fn visible(&self, w: f64, h: f64) -> Rect {
        let (x, y) = self.to_board(0.0, 0.0);
        Rect {
            x,
            y,
            w: w / self.z,
            h: h / self.z,
        }
    }

    /// Pans by a screen-space delta (wheel, drag).
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        if dx.is_finite() && dy.is_finite() {
            self.x += dx / self.z;
            self.y += dy / self.z;
        }
    }

    /// Sets the zoom, keeping the board point under screen point `(sx, sy)` in place.
    pub fn zoom_at(&mut self, sx: f64, sy: f64, zoom: f64) {
        if !zoom.is_finite() {
            return;
        }
        let (bx, by) = self.to_board(sx, sy);
        self.z = zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        self.x = sx / self.z - bx;
        self.y = sy / self.z - by;
    }

    /// Ctrl+wheel: `z *= 1 - deltaY/100`, around the pointer (bench page contract).
    pub fn wheel_zoom(&mut self, sx: f64, sy: f64, delta_y: f64) {
        let factor = (1.0 - delta_y.clamp(-50.0, 50.0) / 100.0).max(0.01);
        self.zoom_at(sx, sy, self.z * factor);
    }

    /// Fits `content` into a `w × h` viewport with a margin, never zooming past 100 %
    /// for small content.
    pub fn fit(&mut self, content: Rect, w: f64, h: f64) {
        let margin = 48.0;
        let zx = (w - 2.0 * margin).max(1.0) / content.w.max(1.0);
        let zy = (h - 2.0 * margin).max(1.0) / content.h.max(1.0);
        self.z = zx.min(zy).clamp(MIN_ZOOM, 1.0);
        self.x = (w / self.z - content.w) / 2.0 - content.x;
        self.y = (h / self.z - content.h) / 2.0 - content.y;
    }

    /// 100 % zoom, keeping the viewport centre in place.
    pub fn reset_zoom(&mut self, w: f64, h: f64) {
        self.zoom_at(w / 2.0, h / 2.0, 1.0);
    }

    /// Sets a view from outside (bench contract, stored camera); ignores bad numbers.
    pub fn set(&mut self, x: f64, y: f64, z: f64) {
        if x.is_finite() && y.is_finite() && z.is_finite() {
            self.x = x;
            self.y = y;
            self.z = z.clamp(MIN_ZOOM, MAX_ZOOM);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let mut c = Camera {
            x: 30.0,
            y: -20.0,
            z: 1.0,
        };
        let before = c.to_board(400.0, 300.0);
        c.wheel_zoom(400.0, 300.0, -20.0);
        assert!((c.z - 1.2).abs() < 1e-9);
        let after = c.to_board(400.0, 300.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
    }

    #[test]
    fn zoom_is_clamped_between_10_and_400_percent() {
        let mut c = Camera::default();
        for _ in 0..100 {
            c.wheel_zoom(0.0, 0.0, -50.0);
        }
        assert_eq!(c.z, MAX_ZOOM);
        for _ in 0..100 {
            c.wheel_zoom(0.0, 0.0, 50.0);
        }
        assert_eq!(c.z, MIN_ZOOM);
        c.zoom_at(0.0, 0.0, f64::NAN);
        assert_eq!(c.z, MIN_ZOOM);
    }

    #[test]
    fn fit_shows_all_content_centred() {
        let mut c = Camera::default();
        let content = Rect {
            x: 1000.0,
            y: 500.0,
            w: 4000.0,
            h: 1000.0,
        };
        c.fit(content, 1280.0, 800.0);
        let v = c.visible(1280.0, 800.0);
        assert!(v.x <= content.x && v.x + v.w >= content.x + content.w);
        assert!(v.y <= content.y && v.y + v.h >= content.y + content.h);
        let (cx, _) = c.to_screen(content.x + content.w / 2.0, 0.0);
        assert!((cx - 640.0).abs() < 1e-6);
    }

    #[test]
    fn panning_moves_by_screen_pixels() {
        let mut c = Camera {
            x: 0.0,
            y: 0.0,
            z: 2.0,
        };
        c.pan_by(100.0, 0.0);
        assert_eq!(c.to_screen(0.0, 0.0), (100.0, 0.0));
    }
}

/// A camera move over time (bring everyone here, following someone): eased from
/// `from` to `to` over `duration` ms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glide {
    pub from: Camera,
    pub to: Camera,
    pub start: f64,
    pub duration: f64,
}

impl Glide {
    /// The camera at `now`, and whether the glide is over.
    pub fn at(&self, now: f64) -> (Camera, bool) {
        let t = if self.duration <= 0.0 {
            1.0
        } else {
            ((now - self.start) / self.duration).clamp(0.0, 1.0)
        };
        // Ease in and out; zoom moves in log space so it feels even.
        let e = t * t * (3.0 - 2.0 * t);
        let z = (self.from.z.ln() + (self.to.z.ln() - self.from.z.ln()) * e).exp();
        // Interpolate the view centre-relative offsets so the centre moves straight.
        let lerp = |a: f64, b: f64| a + (b - a) * e;
        (
            Camera {
                x: lerp(self.from.x, self.to.x),
                y: lerp(self.from.y, self.to.y),
                z,
            },
            t >= 1.0,
        )
    }
}

/// The camera that shows board point `(cx, cy)` at the centre of a `w × h` view at
/// zoom `z` (clamped to the zoom range).
pub fn centred_on(cx: f64, cy: f64, z: f64, w: f64, h: f64) -> Camera {
    let z = z.clamp(MIN_ZOOM, MAX_ZOOM);
    Camera {
        x: -cx + w / (2.0 * z),
        y: -cy + h / (2.0 * z),
        z,
    }
}

/// The board point at the centre of a `w × h` view of `cam`.
pub fn centre_of(cam: Camera, w: f64, h: f64) -> (f64, f64) {
    (-cam.x + w / (2.0 * cam.z), -cam.y + h / (2.0 * cam.z))
}

#[cfg(test)]
mod glide_tests {
    use super::*;

    #[test]
    fn a_glide_ends_exactly_at_its_target_and_centres_round_trip() {
        let from = Camera::default();
        let to = centred_on(1000.0, 500.0, 0.5, 800.0, 600.0);
        assert_eq!(centre_of(to, 800.0, 600.0), (1000.0, 500.0));
        let g = Glide {
            from,
            to,
            start: 100.0,
            duration: 600.0,
        };
        assert_eq!(g.at(100.0), (from, false));
        let (mid, done) = g.at(400.0);
        assert!(!done && mid.z < 1.0 && mid.z > 0.5);
        assert_eq!(g.at(700.0), (to, true));
        assert_eq!(g.at(9999.0), (to, true));
    }
}
