//! How elements relate: frames take in what lies inside them, arrows follow the
//! elements their ends are bound to. Every change here joins the undo step of the
//! edit that caused it.

use std::collections::HashMap;

use crdt::{Command, Kind, LOCAL};

use super::Editor;
use crate::camera::Rect;

impl Editor {
    /// The element under a point that an arrow end may bind to.
    pub(super) fn bindable_at(&mut self, x: f64, y: f64) -> Option<String> {
        let id = self.scene.hit(x, y)?;
        self.scene
            .get(&id)
            .filter(|e| crate::kinds::arrow::bindable(&e.kind))
            .map(|e| e.id.clone())
    }

    /// Rewrites the stored geometry of arrows among `ids` or bound to them, so bound
    /// ends sit on their elements' current borders.
    pub(super) fn follow(&mut self, ids: &[String]) {
        let touched: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let arrows: Vec<crdt::Element> = self
            .scene
            .ordered()
            .into_iter()
            .filter(|e| e.kind == Kind::Arrow)
            .filter(|e| {
                touched.contains(e.id.as_str())
                    || e.from.as_deref().is_some_and(|f| touched.contains(f))
                    || e.to.as_deref().is_some_and(|t| touched.contains(t))
            })
            .cloned()
            .collect();
        for e in arrows {
            let scene = &self.scene;
            let target = |id: &str| {
                scene
                    .get(id)
                    .map(|el| (el.bounds(), el.kind == Kind::Ellipse))
            };
            let (a, b) = crate::kinds::arrow::resolve(&e, &target);
            let (r, pts) = crate::kinds::arrow::geometry(a, b);
            if (r.x, r.y, r.w, r.h) != (e.x, e.y, e.w, e.h) || pts != e.pts {
                let cmd = Command::SetPoints {
                    id: e.id.clone(),
                    x: r.x,
                    y: r.y,
                    w: r.w,
                    h: r.h,
                    pts,
                };
                if let Err(err) = self.board.apply(&cmd, LOCAL) {
                    log::warn!("arrow not updated: {err}");
                }
            }
        }
        self.flush();
    }

    /// Puts each element (frames aside) into the frame that holds its centre, or out
    /// of any frame; one command per new parent.
    pub(super) fn reparent(&mut self, ids: &[String]) {
        let mut changes: HashMap<Option<String>, Vec<String>> = HashMap::new();
        for id in ids {
            let Some(e) = self.scene.get(id) else {
                continue;
            };
            if e.kind == Kind::Frame {
                continue;
            }
            let (r, current) = (e.bounds(), e.parent.clone());
            let frame = self.scene.frame_at(&r, id);
            if frame != current {
                changes.entry(frame).or_default().push(id.clone());
            }
        }
        for (parent, ids) in changes {
            self.apply(Command::SetParent { ids, parent });
        }
    }

    /// A new frame takes in the elements lying entirely inside it.
    pub(super) fn adopt(&mut self, frame: &str, area: &Rect) {
        let inside: Vec<String> = self
            .scene
            .query(area)
            .into_iter()
            .filter(|e| e.id != frame && e.kind != Kind::Frame && area.encloses(&e.bounds()))
            .map(|e| e.id.clone())
            .collect();
        if !inside.is_empty() {
            self.apply(Command::SetParent {
                ids: inside,
                parent: Some(frame.to_string()),
            });
        }
    }
}
