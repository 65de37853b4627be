//! The scene index: the board's elements by id, in paint order, with a uniform grid
//! for culling and hit tests. Updated incrementally from `BoardChange`s; the document
//! stays the only source of truth (this is a read cache of it).

use crdt::{Board, BoardChange, Element};

/// Maps and sets with a fast hasher (foldhash): the scene hashes every element id many
/// times when a large board arrives.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

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
    pub elements: std::collections::HashSet<String>,
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
    /// Arrows by the elements their ends are bound to.
    arrows_of: HashMap<String, HashSet<String>>,
    /// Board areas whose drawing changed since `take_damage` (what was there before and
    /// what is there now); `None` once too many to be worth listing.
    damage: Option<Vec<Rect>>,
}

/// More damaged areas than this: repaint everything.
const MAX_DAMAGE: usize = 512;

/// The area drawing `e` may cover, beyond its box: a frame's title strip above it, an
/// arrow's head and its label (centred on the line, possibly wider than the line's box),
/// the width of an ink stroke. Used for culling and for damage, so nothing drawn is left
/// out. What grows when zoomed out (selection outlines, vote badges) the caller adds.
pub fn paint_bounds(e: &Element) -> Rect {
    let b = e.bounds();
    let (l, t, r, bottom) = match e.kind {
        crdt::Kind::Frame => (0.0, crate::kinds::frame::TITLE_BAR, 0.0, 0.0),
        crdt::Kind::Arrow => {
            let label = if e.text.is_empty() {
                0.0
            } else {
                // Up to 1 em per character (wide glyphs), half of it on each side.
                e.text.chars().count() as f64 * crate::kinds::arrow::LABEL_FONT * 0.5 + 8.0
            };
            let head = crate::kinds::arrow::HEAD;
            (head + label, head + 12.0, head + label, head + 12.0)
        }
        crdt::Kind::Ink => {
            let w = crate::kinds::ink::WIDTH;
            (w, w, w, w)
        }
        // Free text is sized with its author's fonts; another machine's may be wider.
        crdt::Kind::Text => (0.0, 0.0, b.w * 0.5 + 16.0, b.h * 0.5),
        _ => (0.0, 0.0, 0.0, 0.0),
    };
    Rect {
        x: b.x - l,
        y: b.y - t,
        w: b.w + l + r,
        h: b.h + t + bottom,
    }
}

/// Cells a rectangle touches. Coordinates are finite but may be anything a peer wrote
/// (±1e300): cell numbers are clamped so that counting them cannot overflow.
fn cell_range(r: &Rect) -> (i64, i64, i64, i64) {
    const LIMIT: f64 = (1u64 << 40) as f64;
    let cell = |v: f64| (v / CELL).floor().clamp(-LIMIT, LIMIT) as i64;
    (cell(r.x), cell(r.y), cell(r.x + r.w), cell(r.y + r.h))
}

impl Scene {
    pub fn from_board(board: &Board) -> Scene {
        let mut s = Scene::default();
        for e in board.elements() {
            s.insert(e);
        }
        // Arrows inserted before the elements they are bound to: place them again.
        let arrows: Vec<String> = s.arrows_of.values().flatten().cloned().collect();
        for id in arrows {
            s.reindex(&id);
        }
        s.order_dirty = true;
        s
    }

    /// Where drawing `e` may reach, for culling: an arrow's whole course between the
    /// elements it is bound to (its stored box may lag behind them), else `paint_bounds`.
    fn cull_bounds(&self, e: &Element) -> Rect {
        match e.kind {
            crdt::Kind::Arrow => self.arrow_extent(e),
            _ => paint_bounds(e),
        }
    }

    /// Files an element again under its current cull bounds (an arrow whose bound
    /// element moved).
    fn reindex(&mut self, id: &str) {
        if let Some(e) = self.by_id.get(id).cloned() {
            self.remove(id);
            self.insert(e);
        }
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

    /// Applies a change by re-reading only the elements it names. Records the damage:
    /// where the changed elements were and are, and the arrows bound to them.
    pub fn update(&mut self, board: &Board, change: &BoardChange) {
        let ids: Vec<&String> = change
            .removed
            .iter()
            .chain(change.added.iter())
            .chain(change.updated.keys())
            .collect();
        self.damage_around(&ids);
        for id in &change.removed {
            self.remove(id);
        }
        let touched = || change.added.iter().chain(change.updated.keys());
        for id in touched() {
            self.remove(id);
        }
        for e in board.elements_named(touched().map(String::as_str)) {
            self.insert(e);
        }
        // Arrows bound to what changed follow it: file them under their new course.
        let follow: HashSet<String> = ids
            .iter()
            .flat_map(|id| self.arrows_of.get(id.as_str()).into_iter().flatten())
            .cloned()
            .collect();
        for a in follow {
            self.reindex(&a);
        }
        self.damage_around(&ids);
        if !change.added.is_empty()
            || !change.removed.is_empty()
            || change.updated.values().any(|k| k.contains("z"))
        {
            self.order_dirty = true;
        } else if !change.updated.is_empty() {
            // Order unchanged; nothing to do.
        }
    }

    /// Damages the areas of `ids` and of the arrows bound to them, as they are now.
    fn damage_around(&mut self, ids: &[&String]) {
        if ids.len() > MAX_DAMAGE {
            // Too many to list (a board arriving): not worth measuring them.
            self.damage = None;
        }
        let Some(list) = self.damage.as_ref() else {
            return;
        };
        let mut out = Vec::new();
        for id in ids {
            if let Some(e) = self.by_id.get(id.as_str()) {
                out.push(self.cull_bounds(e));
            }
            for a in self.arrows_of.get(id.as_str()).into_iter().flatten() {
                if let Some(r) = self.by_id.get(a).map(|a| self.arrow_extent(a)) {
                    out.push(r);
                }
            }
        }
        if list.len() + out.len() > MAX_DAMAGE {
            self.damage = None;
        } else if let Some(list) = self.damage.as_mut() {
            list.extend(out);
        }
    }

    /// Where an arrow may be drawn: its own area and everything between the elements
    /// its ends are bound to (they are placed on those elements' borders).
    fn arrow_extent(&self, a: &Element) -> Rect {
        let mut r = paint_bounds(a);
        for t in [&a.from, &a.to].into_iter().flatten() {
            if let Some(t) = self.by_id.get(t) {
                let b = t.bounds();
                let h = crate::kinds::arrow::HEAD;
                r = r.union(&Rect {
                    x: b.x - h,
                    y: b.y - h,
                    w: b.w + 2.0 * h,
                    h: b.h + 2.0 * h,
                });
            }
        }
        r
    }

    /// Whether the damage since `take_damage` is too much to list (a board arriving).
    pub fn damage_is_everything(&self) -> bool {
        self.damage.is_none()
    }

    /// The damage recorded since the last call (board units); `None`: too much to
    /// list, repaint everything.
    pub fn take_damage(&mut self) -> Option<Vec<Rect>> {
        self.damage.replace(Vec::new())
    }

    fn insert(&mut self, e: Element) {
        if e.kind == crdt::Kind::Arrow {
            for t in [&e.from, &e.to].into_iter().flatten() {
                self.arrows_of
                    .entry(t.clone())
                    .or_default()
                    .insert(e.id.clone());
            }
        }
        let b = self.cull_bounds(&e);
        let (x0, y0, x1, y1) = cell_range(&b);
        let id = e.id.clone();
        if (x1 - x0 + 1).saturating_mul(y1 - y0 + 1) > MAX_CELLS {
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
        let Some(e) = self.by_id.remove(id) else {
            return;
        };
        if e.kind == crdt::Kind::Arrow {
            for t in [&e.from, &e.to].into_iter().flatten() {
                if let Some(set) = self.arrows_of.get_mut(t) {
                    set.remove(id);
                    if set.is_empty() {
                        self.arrows_of.remove(t);
                    }
                }
            }
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
                .filter(|e| self.cull_bounds(e).intersects(view))
                .filter_map(|e| self.rank.get(&e.id).copied())
                .collect()
        } else {
            let mut seen = HashSet::default();
            let mut out = Vec::new();
            for cx in x0..=x1 {
                for cy in y0..=y1 {
                    if let Some(ids) = self.grid.get(&(cx, cy)) {
                        for id in ids {
                            if seen.insert(id.as_str()) {
                                if let (Some(e), Some(r)) = (self.by_id.get(id), self.rank.get(id))
                                {
                                    if self.cull_bounds(e).intersects(view) {
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
                    if self.cull_bounds(e).intersects(view) {
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

    #[test]
    fn changes_record_damage_where_elements_were_and_are_and_along_bound_arrows() {
        let mut board = Board::new(1);
        let a = NewElement::note_centred(0.0, 0.0, "yellow");
        let b = NewElement::note_centred(1000.0, 0.0, "yellow");
        let (ida, idb) = (a.id.clone(), b.id.clone());
        let arrow = NewElement {
            id: "arrow".into(),
            kind: crdt::Kind::Arrow,
            x: 0.0,
            y: 0.0,
            w: 1000.0,
            h: 1.0,
            color: "gray".into(),
            text: String::new(),
            parent: None,
            z: None,
            pts: vec![0.0, 0.0, 1000.0, 0.0],
            from: Some(ida.clone()),
            to: Some(idb.clone()),
        };
        board
            .apply(&Command::Create(vec![a, b, arrow]), LOCAL)
            .unwrap();
        let mut scene = Scene::from_board(&board);
        board.take_changes();
        assert_eq!(scene.take_damage(), None, "nothing painted yet: everything");
        assert_eq!(scene.take_damage(), Some(Vec::new()));
        // B moves far down; the arrow (bound, its stored points unchanged) follows.
        board
            .apply(
                &Command::Move {
                    moves: vec![(idb.clone(), 900.0, 3000.0)],
                },
                LOCAL,
            )
            .unwrap();
        scene.update(&board, &board.take_changes());
        let damage = scene.take_damage().expect("listed");
        let covers = |x: f64, y: f64| {
            damage
                .iter()
                .any(|r| r.x <= x && x <= r.x + r.w && r.y <= y && y <= r.y + r.h)
        };
        assert!(covers(1000.0, 0.0), "where B was");
        assert!(covers(1000.0, 3100.0), "where B is");
        // The arrow now runs from A down to B: its middle is damaged too.
        assert!(
            covers(500.0, 1550.0),
            "along the arrow's new course: {damage:?}"
        );
        assert!(!covers(-2000.0, -2000.0));
        // Too many changes at once: a full repaint.
        let many: Vec<NewElement> = (0..600)
            .map(|i| NewElement::note_centred(i as f64 * 300.0, 9000.0, "blue"))
            .collect();
        board.apply(&Command::Create(many), LOCAL).unwrap();
        scene.update(&board, &board.take_changes());
        assert_eq!(scene.take_damage(), None);
    }

    #[test]
    fn elements_at_absurd_coordinates_go_to_the_overflow_list_without_hanging() {
        let mut board = Board::new(1);
        let mut far = NewElement::note_centred(0.0, 0.0, "yellow");
        (far.x, far.y, far.w, far.h) = (-1e300, -1e300, 1e300, 1e300);
        let mut huge = NewElement::note_centred(0.0, 0.0, "blue");
        (huge.x, huge.w) = (-1e308, 1.7e308);
        board
            .apply(&Command::Create(vec![far, huge]), LOCAL)
            .unwrap();
        let mut scene = Scene::from_board(&board);
        assert_eq!(scene.len(), 2);
        let view = Rect {
            x: -1e301,
            y: -1e301,
            w: 2e301,
            h: 2e301,
        };
        assert_eq!(scene.query(&view).len(), 2);
        // Hit tests over them finish too (they used to overflow counting cells).
        assert!(
            scene.hit(5.0, 5.0).is_some(),
            "the far note covers the origin"
        );
    }

    #[test]
    fn a_bound_arrow_is_found_along_its_course_even_when_its_stored_box_lags() {
        let mut board = Board::new(1);
        let a = NewElement::note_centred(0.0, 0.0, "yellow");
        let b = NewElement::note_centred(0.0, 4000.0, "yellow");
        let arrow = NewElement {
            id: "arrow".into(),
            kind: crdt::Kind::Arrow,
            // Stored far from where it is drawn (as a client that does not rewrite
            // bound arrows' points leaves it).
            x: 9000.0,
            y: 9000.0,
            w: 10.0,
            h: 10.0,
            color: "gray".into(),
            text: String::new(),
            parent: None,
            z: None,
            pts: vec![0.0, 0.0, 10.0, 10.0],
            from: Some(a.id.clone()),
            to: Some(b.id.clone()),
        };
        // The arrow is created first, before the elements it is bound to.
        board.apply(&Command::Create(vec![arrow]), LOCAL).unwrap();
        board
            .apply(&Command::Create(vec![a, b.clone()]), LOCAL)
            .unwrap();
        let mut scene = Scene::from_board(&board);
        board.take_changes();
        let middle = Rect {
            x: -10.0,
            y: 1990.0,
            w: 20.0,
            h: 20.0,
        };
        let ids = |scene: &mut Scene, r: &Rect| -> Vec<String> {
            scene.query(r).into_iter().map(|e| e.id.clone()).collect()
        };
        assert_eq!(ids(&mut scene, &middle), vec!["arrow".to_string()]);
        // B moves sideways: the arrow's course with it.
        board
            .apply(
                &Command::Move {
                    moves: vec![(b.id.clone(), 6000.0, 3900.0)],
                },
                LOCAL,
            )
            .unwrap();
        scene.update(&board, &board.take_changes());
        let new_middle = Rect {
            x: 3040.0,
            y: 1990.0,
            w: 20.0,
            h: 20.0,
        };
        assert!(ids(&mut scene, &new_middle).contains(&"arrow".to_string()));
    }
}
