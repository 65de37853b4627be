//! The scene index: the board's elements by id, in paint order, with a uniform grid
//! for culling and hit tests. Updated incrementally from `BoardChange`s; the document
//! stays the only source of truth (this is a read cache of it).

use std::collections::{HashMap, HashSet};

use crdt::{Board, BoardChange, Element};

use crate::camera::Rect;

/// Grid cell size in board units. Notes are 200 units, so an element touches ~1–4 cells.
const CELL: f64 = 512.0;
/// Elements larger than this many cells go into the overflow list instead of the grid.
const MAX_CELLS: i64 = 64;

/// Who may change what: the elements' own `locked` key, and the moderator's signed
/// locks (the whole board, or listed elements). The moderator is never locked out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locks {
    pub board: bool,
    pub elements: HashSet<String>,
    /// This person moderates: no lock applies.
    pub moderator: bool,
}

#[derive(Default)]
pub struct Scene {
    /// The locks in force (set by the app from the control entries).
    pub locks: Locks,
    by_id: HashMap<String, Element>,
    /// Ids in paint order; rebuilt lazily when `order_dirty`.
    order: Vec<String>,
    rank: HashMap<String, usize>,
    order_dirty: bool,
    grid: HashMap<(i64, i64), Vec<String>>,
    cells_of: HashMap<String, Vec<(i64, i64)>>,
    overflow: HashSet<String>,
}

fn cell_range(r: &Rect) -> (i64, i64, i64, i64) {
    (
        (r.x / CELL).floor() as i64,
        (r.y / CELL).floor() as i64,
        ((r.x + r.w) / CELL).floor() as i64,
        ((r.y + r.h) / CELL).floor() as i64,
    )
}

impl Scene {
    pub fn from_board(board: &Board) -> Scene {
        let mut s = Scene::default();
        for e in board.elements() {
            s.insert(e);
        }
        s.order_dirty = true;
        s
    }

    /// Whether `e` may not be changed by this person now.
    pub fn locked(&self, e: &Element) -> bool {
        !self.locks.moderator
            && (e.locked || self.locks.board || self.locks.elements.contains(&e.id))
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn get(&self, id: &str) -> Option<&Element> {
        self.by_id.get(id)
    }

    /// Applies a change by re-reading only the elements it names.
    pub fn update(&mut self, board: &Board, change: &BoardChange) {
        for id in &change.removed {
            self.remove(id);
        }
        let touched = change.added.iter().chain(change.updated.keys());
        for id in touched {
            self.remove(id);
            if let Some(e) = board.element(id) {
                self.insert(e);
            }
        }
        if !change.added.is_empty()
            || !change.removed.is_empty()
            || change.updated.values().any(|k| k.contains("z"))
        {
            self.order_dirty = true;
        } else if !change.updated.is_empty() {
            // Order unchanged; nothing to do.
        }
    }

    fn insert(&mut self, e: Element) {
        let b = e.bounds();
        let (x0, y0, x1, y1) = cell_range(&b);
        let id = e.id.clone();
        if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS {
            self.overflow.insert(id.clone());
        } else {
            let mut cells = Vec::new();
            for cx in x0..=x1 {
                for cy in y0..=y1 {
                    self.grid.entry((cx, cy)).or_default().push(id.clone());
                    cells.push((cx, cy));
                }
            }
            self.cells_of.insert(id.clone(), cells);
        }
        if !self.order_dirty {
            // Keep rank valid for an element whose z did not change (updates).
            if !self.rank.contains_key(&id) {
                self.order_dirty = true;
            }
        }
        self.by_id.insert(id, e);
    }

    fn remove(&mut self, id: &str) {
        if self.by_id.remove(id).is_none() {
            return;
        }
        self.overflow.remove(id);
        if let Some(cells) = self.cells_of.remove(id) {
            for c in cells {
                if let Some(v) = self.grid.get_mut(&c) {
                    v.retain(|x| x != id);
                    if v.is_empty() {
                        self.grid.remove(&c);
                    }
                }
            }
        }
    }

    pub fn ensure_order(&mut self) {
        if !self.order_dirty {
            return;
        }
        let mut all: Vec<&Element> = self.by_id.values().collect();
        all.sort_by(|a, b| a.paint_key().cmp(&b.paint_key()));
        self.order = all.iter().map(|e| e.id.clone()).collect();
        self.rank = self
            .order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        self.order_dirty = false;
    }

    /// All elements in paint order.
    pub fn ordered(&mut self) -> Vec<&Element> {
        self.ensure_order();
        self.in_order()
    }

    /// `ordered` for a scene whose order is up to date (`ensure_order`).
    pub fn in_order(&self) -> Vec<&Element> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .collect()
    }

    /// Elements intersecting `view`, in paint order.
    pub fn query(&mut self, view: &Rect) -> Vec<&Element> {
        self.ensure_order();
        self.query_ordered(view)
    }

    /// `query` for a scene whose order is already up to date (`ensure_order`), so
    /// callers can hold the results next to other shared borrows of the scene.
    pub fn query_ordered(&self, view: &Rect) -> Vec<&Element> {
        let (x0, y0, x1, y1) = cell_range(view);
        let cells = (x1 - x0 + 1).saturating_mul(y1 - y0 + 1);
        let mut ranks: Vec<usize> = if cells > (self.grid.len() as i64).max(1) * 2 {
            // Zoomed far out: walking the occupied cells is cheaper than the range.
            self.by_id
                .values()
                .filter(|e| e.bounds().intersects(view))
                .filter_map(|e| self.rank.get(&e.id).copied())
                .collect()
        } else {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for cx in x0..=x1 {
                for cy in y0..=y1 {
                    if let Some(ids) = self.grid.get(&(cx, cy)) {
                        for id in ids {
                            if seen.insert(id.as_str()) {
                                if let (Some(e), Some(r)) = (self.by_id.get(id), self.rank.get(id))
                                {
                                    if e.bounds().intersects(view) {
                                        out.push(*r);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for id in &self.overflow {
                if let (Some(e), Some(r)) = (self.by_id.get(id), self.rank.get(id)) {
                    if e.bounds().intersects(view) {
                        out.push(*r);
                    }
                }
            }
            out
        };
        ranks.sort_unstable();
        ranks.dedup();
        ranks
            .into_iter()
            .filter_map(|r| self.order.get(r).and_then(|id| self.by_id.get(id)))
            .collect()
    }

    /// The topmost element at a board point; frames (drawn below everything) only
    /// when nothing else is there. The probe reaches frame titles above the frame.
    pub fn hit(&mut self, x: f64, y: f64) -> Option<String> {
        let reach = crate::kinds::frame::TITLE_BAR;
        let probe = Rect {
            x,
            y,
            w: 0.0,
            h: reach,
        };
        let hits: Vec<&Element> = self
            .query(&probe)
            .into_iter()
            .rev()
            .filter(|e| crate::kinds::hit(e, x, y, 0.0))
            .collect();
        hits.iter()
            .find(|e| e.kind != crdt::Kind::Frame)
            .or_else(|| hits.first())
            .map(|e| e.id.clone())
    }

    /// The frame a box belongs to: the topmost frame that contains its centre (never
    /// `exclude` itself).
    pub fn frame_at(&mut self, r: &Rect, exclude: &str) -> Option<String> {
        let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
        let probe = Rect {
            x: cx,
            y: cy,
            w: 0.0,
            h: 0.0,
        };
        self.query(&probe)
            .into_iter()
            .rev()
            .find(|e| e.kind == crdt::Kind::Frame && e.id != exclude && e.contains(cx, cy))
            .map(|e| e.id.clone())
    }

    /// The elements whose parent is `frame`.
    pub fn children(&self, frame: &str) -> Vec<String> {
        self.by_id
            .values()
            .filter(|e| e.parent.as_deref() == Some(frame))
            .map(|e| e.id.clone())
            .collect()
    }

    /// The bounding box of everything, if anything.
    pub fn content_bounds(&self) -> Option<Rect> {
        self.by_id
            .values()
            .map(Element::bounds)
            .reduce(|a, b| a.union(&b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crdt::{Command, NewElement, LOCAL};

    fn board_with_grid(n: usize) -> Board {
        let mut b = Board::new(1);
        let notes = (0..n)
            .map(|i| {
                NewElement::note_centred(
                    (i % 100) as f64 * 250.0,
                    (i / 100) as f64 * 250.0,
                    "yellow",
                )
            })
            .collect();
        b.apply(&Command::Create(notes), LOCAL).unwrap();
        b
    }

    #[test]
    fn query_returns_only_visible_elements_in_paint_order() {
        let board = board_with_grid(1000);
        let mut scene = Scene::from_board(&board);
        assert_eq!(scene.len(), 1000);
        let view = Rect {
            x: -100.0,
            y: -100.0,
            w: 600.0,
            h: 300.0,
        };
        let hits = scene.query(&view);
        assert_eq!(hits.len(), 3 * 2);
        assert!(hits.windows(2).all(|w| w[0].paint_key() < w[1].paint_key()));
        let far = Rect {
            x: -1e6,
            y: -1e6,
            w: 3e6,
            h: 3e6,
        };
        assert_eq!(scene.query(&far).len(), 1000);
    }

    #[test]
    fn hit_finds_the_topmost_and_follows_moves() {
        let mut board = Board::new(1);
        let a = NewElement::note_centred(0.0, 0.0, "yellow");
        let b = NewElement::note_centred(50.0, 50.0, "blue");
        let (ida, idb) = (a.id.clone(), b.id.clone());
        board.apply(&Command::Create(vec![a]), LOCAL).unwrap();
        board.apply(&Command::Create(vec![b]), LOCAL).unwrap();
        let mut scene = Scene::from_board(&board);
        board.take_changes();
        assert_eq!(scene.hit(25.0, 25.0).as_deref(), Some(idb.as_str()));
        assert_eq!(scene.hit(-90.0, -90.0).as_deref(), Some(ida.as_str()));
        board
            .apply(
                &Command::Move {
                    moves: vec![(idb.clone(), 5000.0, 5000.0)],
                },
                LOCAL,
            )
            .unwrap();
        scene.update(&board, &board.take_changes());
        assert_eq!(scene.hit(25.0, 25.0).as_deref(), Some(ida.as_str()));
        assert_eq!(scene.hit(5100.0, 5100.0).as_deref(), Some(idb.as_str()));
        board
            .apply(
                &Command::Delete {
                    ids: vec![idb.clone()],
                },
                LOCAL,
            )
            .unwrap();
        scene.update(&board, &board.take_changes());
        assert_eq!(scene.hit(5100.0, 5100.0), None);
        assert_eq!(scene.len(), 1);
    }
}
