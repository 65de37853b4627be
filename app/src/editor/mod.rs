//! The editor: one board with its scene index, camera, selection and active tool.
//! DOM-free, so it is driven natively in tests exactly as the browser drives it.
//! The UI layer forwards normalised input here, then reads state back for display.
//!
//! Split by job: this file holds the state, input and text editing;
//! `selection` the commands on the selection (clipboard, templates, undo);
//! `pointer` pointer input per tool; `links` how elements relate (frames and their
//! children, bound arrows).

mod links;
mod pointer;
mod selection;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crdt::kinds::rules;
use crdt::{Board, BoardChange, Command, Kind, NewElement, LOCAL};

use crate::camera::{Camera, Rect};
use crate::scene::Scene;
use crate::tools::arrow::ArrowTool;
use crate::tools::pen::PenTool;
use crate::tools::select::{SceneQuery, SelectTool};
use crate::tools::shape::ShapeTool;
use crate::tools::{Tool, ToolEffect};

pub struct Editor {
    pub board: Board,
    pub scene: Scene,
    pub camera: Camera,
    /// Viewport size in CSS pixels.
    pub viewport: (f64, f64),
    pub tool: Tool,
    pub select: SelectTool,
    pub shape: ShapeTool,
    pub pen: PenTool,
    pub arrow: ArrowTool,
    /// Keep the drawing tool after creating an element ("keep tool active").
    pub keep_tool: bool,
    /// Title of a new frame (in the UI language).
    pub frame_title: String,
    pub selection: Vec<String>,
    /// The element whose text editor is open.
    pub editing: Option<String>,
    /// Bumped whenever the board content changes (outline, title, persistence).
    pub content_version: u64,
    /// Bumped whenever anything visible changes (redraw).
    pub view_version: u64,
    pan_from: Option<(f64, f64)>,
    /// Space is held: drags pan.
    pub space_held: bool,
    /// The other people in the room (presence), for their cursors and selections.
    pub peers: Vec<crate::peers::Peer>,
    /// A camera move in progress (bring everyone here, following).
    pub glide: Option<crate::camera::Glide>,
    /// The client whose view this person follows, until they move themselves.
    pub following: Option<u32>,
    /// The moderator hid names on cursors (colours are shuffled per viewer, too).
    pub anonymous_cursors: bool,
    /// Dots of this person's ballot, or totals of a closed round, per element.
    pub vote_marks: HashMap<String, crate::voting::Mark>,
    /// This person's private drafts (silent brainstorming): a board of its own, kept
    /// on this device and never sent, shown in the same scene.
    pub drafts: Board,
    /// Ids of the elements that live in `drafts`.
    pub draft_ids: std::collections::HashSet<String>,
    /// Private mode applies to this person now: new elements become drafts.
    pub private_mode: bool,
}

impl SceneQuery for Scene {
    fn hit(&mut self, x: f64, y: f64) -> Option<String> {
        Scene::hit(self, x, y)
    }
    fn bounds(&self, id: &str) -> Option<(Rect, crdt::kinds::KindRules)> {
        self.get(id).map(|e| (e.bounds(), rules(&e.kind)))
    }
    fn followers(&self, id: &str) -> Vec<String> {
        match self.get(id) {
            Some(e) if e.kind == Kind::Frame => self.children(id),
            _ => Vec::new(),
        }
    }
    fn origin(&self, id: &str) -> Option<(f64, f64)> {
        self.get(id).map(|e| (e.x, e.y))
    }
    fn is_locked(&self, id: &str) -> bool {
        self.get(id).is_some_and(|e| self.locked(e))
    }
    fn inside(&mut self, r: &Rect) -> Vec<String> {
        let locks = self.locks.clone();
        self.query(r)
            .into_iter()
            .filter(|e| {
                !(!locks.moderator && (e.locked || locks.board || locks.elements.contains(&e.id)))
                    && e.x >= r.x
                    && e.y >= r.y
                    && e.x + e.w <= r.x + r.w
                    && e.y + e.h <= r.y + r.h
            })
            .map(|e| e.id.clone())
            .collect()
    }
}

impl Editor {
    pub fn new(board: Board) -> Editor {
        let scene = Scene::from_board(&board);
        board.take_changes();
        Editor {
            board,
            scene,
            camera: Camera::default(),
            viewport: (1280.0, 800.0),
            tool: Tool::Select,
            select: SelectTool::default(),
            shape: ShapeTool::default(),
            pen: PenTool::default(),
            arrow: ArrowTool::default(),
            keep_tool: false,
            frame_title: "Frame".to_string(),
            selection: Vec::new(),
            editing: None,
            content_version: 0,
            view_version: 0,
            pan_from: None,
            space_held: false,
            peers: Vec::new(),
            glide: None,
            following: None,
            anonymous_cursors: false,
            vote_marks: HashMap::new(),
            drafts: Board::new(fastrand::u32(..)),
            draft_ids: std::collections::HashSet::new(),
            private_mode: false,
        }
    }

    /// Folds pending document changes into the scene. Call after every input and
    /// before drawing (remote and loaded updates arrive here too).
    pub fn flush(&mut self) -> BoardChange {
        let drafts = self.drafts.take_changes();
        if !drafts.is_empty() {
            self.draft_ids.extend(drafts.added.iter().cloned());
            for id in &drafts.removed {
                self.draft_ids.remove(id);
            }
            self.scene.update(&self.drafts, &drafts);
            self.selection.retain(|id| !drafts.removed.contains(id));
            if self
                .editing
                .as_ref()
                .is_some_and(|id| drafts.removed.contains(id))
            {
                self.editing = None;
            }
            self.content_version += 1;
            self.view_version += 1;
        }
        let change = self.board.take_changes();
        if !change.is_empty() {
            self.scene.update(&self.board, &change);
            self.selection.retain(|id| !change.removed.contains(id));
            if let Some(id) = &self.editing {
                if change.removed.contains(id) {
                    self.editing = None;
                    self.board.end_gesture();
                }
            }
            self.content_version += 1;
            self.view_version += 1;
        }
        change
    }

    fn apply(&mut self, cmd: Command) {
        // A locked board takes no edits from participants (the moderator's lock).
        if self.scene.locks.board && !self.scene.locks.moderator {
            log::debug!("board locked: command dropped");
            return;
        }
        let (shared, drafts) = {
            let ids = &self.draft_ids;
            cmd.split(|id| ids.contains(id), self.private_mode)
        };
        if let Some(c) = drafts {
            if let Err(e) = self.drafts.apply(&c, LOCAL) {
                log::warn!("draft command not applied: {e}");
            }
        }
        if let Some(c) = shared {
            if let Err(e) = self.board.apply(&c, LOCAL) {
                log::warn!("command not applied: {e}");
            }
        }
        self.flush();
        // Arrows follow what they are bound to, in the same undo step.
        let moved: Vec<String> = match &cmd {
            Command::Move { moves } => moves.iter().map(|(id, _, _)| id.clone()).collect(),
            Command::Resize { id, .. } => vec![id.clone()],
            _ => Vec::new(),
        };
        if !moved.is_empty() {
            self.follow(&moved);
        }
    }
    fn run(&mut self, effects: Vec<ToolEffect>) {
        for fx in effects {
            match fx {
                ToolEffect::Select(ids) => self.set_selection(ids),
                ToolEffect::Apply(cmd) => self.apply(cmd),
                ToolEffect::BeginGesture => {
                    self.board.begin_gesture();
                    self.drafts.begin_gesture();
                }
                ToolEffect::EndGesture => {
                    self.board.end_gesture();
                    self.drafts.end_gesture();
                }
                ToolEffect::EditText(id) => self.start_editing(&id),
            }
        }
        self.view_version += 1;
    }

    pub fn set_selection(&mut self, ids: Vec<String>) {
        if ids != self.selection {
            self.selection = ids;
            self.view_version += 1;
        }
    }

    pub fn set_tool(&mut self, tool: Tool) {
        self.commit_text();
        self.shape.cancel();
        self.tool = tool;
        self.view_version += 1;
    }

    // ---- notes and text ------------------------------------------------------------

    /// Creates a note centred on a board point and opens its editor. Creating and
    /// typing the first text are one undo step.
    pub fn create_note_at(&mut self, x: f64, y: f64) -> String {
        self.commit_text();
        let note = NewElement::note_centred(x, y, "yellow");
        let id = note.id.clone();
        self.board.begin_gesture();
        self.apply(Command::Create(vec![note]));
        self.reparent(std::slice::from_ref(&id));
        self.set_selection(vec![id.clone()]);
        self.editing = Some(id.clone());
        self.tool = Tool::Select;
        self.view_version += 1;
        id
    }
    /// Creates a free text element with its top-left near the point and opens its
    /// editor; like a note, creating and typing the first text are one undo step.
    pub fn create_text_at(&mut self, x: f64, y: f64) -> String {
        self.commit_text();
        let (w, h) = rules(&Kind::Text).default_size;
        let el = NewElement {
            id: crdt::new_id(),
            kind: Kind::Text,
            x,
            y: y - h / 2.0,
            w,
            h,
            color: rules(&Kind::Text).default_color.to_string(),
            text: String::new(),
            parent: None,
            z: None,
            pts: Vec::new(),
            from: None,
            to: None,
        };
        let id = el.id.clone();
        self.board.begin_gesture();
        self.apply(Command::Create(vec![el]));
        self.reparent(std::slice::from_ref(&id));
        self.set_selection(vec![id.clone()]);
        self.editing = Some(id.clone());
        if !self.keep_tool {
            self.tool = Tool::Select;
        }
        self.view_version += 1;
        id
    }

    /// Colour for a new element of the active tool's kind.
    pub fn new_color(&self) -> String {
        let kind = self.tool.shape_kind().unwrap_or(Kind::Note);
        rules(&kind).default_color.to_string()
    }

    /// Live boxes of elements being dragged or resized, by id.
    pub fn previews(&self) -> HashMap<String, Rect> {
        let mut out = HashMap::new();
        if let Some((origins, dx, dy)) = self.select.preview_offset() {
            for (id, x, y) in origins {
                if let Some(e) = self.scene.get(id) {
                    out.insert(
                        id.clone(),
                        Rect {
                            x: x + dx,
                            y: y + dy,
                            w: e.w,
                            h: e.h,
                        },
                    );
                }
            }
        }
        if let Some((id, r)) = self.select.resize_preview() {
            out.insert(id.to_string(), r);
        }
        out
    }

    /// The element being drawn with a shape tool.
    pub fn creating(&self) -> Option<(Kind, Rect)> {
        self.shape.preview()
    }

    /// The box that shows resize handles: a single, unlocked selection not being edited.
    pub fn handle_box(&self) -> Option<Rect> {
        match self.selection.as_slice() {
            [id] if self.editing.is_none() => {
                let e = self.scene.get(id)?;
                (!self.scene.locked(e)).then(|| e.bounds())
            }
            _ => None,
        }
    }

    /// A note at the viewport centre (keyboard: N, then Enter).
    pub fn create_note_at_centre(&mut self) -> String {
        let (w, h) = self.viewport;
        let (x, y) = self.camera.to_board(w / 2.0, h / 2.0);
        self.create_note_at(x, y)
    }

    pub fn start_editing(&mut self, id: &str) {
        if self.scene.get(id).is_some_and(|e| !self.scene.locked(e)) {
            self.commit_text();
            self.board.begin_gesture();
            self.editing = Some(id.to_string());
            self.set_selection(vec![id.to_string()]);
            self.view_version += 1;
        }
    }

    /// Live text from the editor overlay.
    pub fn input_text(&mut self, text: &str) {
        if let Some(id) = self.editing.clone() {
            self.apply(Command::SetText {
                id,
                text: text.to_string(),
            });
        }
    }

    /// Live text of a free text element, with the size its text now needs.
    pub fn input_text_sized(&mut self, text: &str, w: f64, h: f64) {
        self.input_text(text);
        if let Some(e) = self.editing.as_ref().and_then(|id| self.scene.get(id)) {
            if (e.w, e.h) != (w, h) {
                let (id, x, y) = (e.id.clone(), e.x, e.y);
                self.apply(Command::Resize { id, x, y, w, h });
            }
        }
    }

    /// The kind of the element whose text editor is open.
    pub fn editing_kind(&self) -> Option<Kind> {
        self.editing
            .as_ref()
            .and_then(|id| self.scene.get(id))
            .map(|e| e.kind.clone())
    }

    /// Ends text editing (Escape, click outside, blur).
    pub fn commit_text(&mut self) {
        if self.editing.take().is_some() {
            self.board.end_gesture();
            self.view_version += 1;
        }
    }

    // ---- camera -------------------------------------------------------------------

    pub fn zoom_to_fit(&mut self) {
        if let Some(content) = self.scene.content_bounds() {
            self.camera.fit(content, self.viewport.0, self.viewport.1);
            self.view_version += 1;
        }
    }

    pub fn zoom_reset(&mut self) {
        self.camera.reset_zoom(self.viewport.0, self.viewport.1);
        self.view_version += 1;
    }

    /// Glides the camera to show board point `(cx, cy)` at zoom `z` in the middle.
    pub fn glide_to(&mut self, cx: f64, cy: f64, z: f64, now: f64, duration: f64) {
        let (w, h) = self.viewport;
        self.glide = Some(crate::camera::Glide {
            from: self.camera,
            to: crate::camera::centred_on(cx, cy, z, w, h),
            start: now,
            duration,
        });
        self.view_version += 1;
    }

    /// Advances a glide; whether another frame is needed.
    pub fn step_glide(&mut self, now: f64) -> bool {
        let Some(g) = self.glide else { return false };
        let (cam, done) = g.at(now);
        self.camera = cam;
        self.view_version += 1;
        if done {
            self.glide = None;
        }
        !done
    }

    /// The person moved the camera themselves: stop gliding and following.
    pub fn break_away(&mut self) {
        self.glide = None;
        self.following = None;
    }

    pub fn wheel(&mut self, sx: f64, sy: f64, dx: f64, dy: f64, zoom: bool) {
        self.break_away();
        if zoom {
            self.camera.wheel_zoom(sx, sy, dy);
        } else {
            self.camera.pan_by(-dx, -dy);
        }
        self.view_version += 1;
    }

    /// Moves the camera so an element is visible (outline navigation).
    pub fn reveal(&mut self, id: &str) {
        if let Some(e) = self.scene.get(id) {
            let b = e.bounds();
            let v = self.camera.visible(self.viewport.0, self.viewport.1);
            let inside =
                b.x >= v.x && b.y >= v.y && b.x + b.w <= v.x + v.w && b.y + b.h <= v.y + v.h;
            if !inside {
                let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
                self.camera.x = self.viewport.0 / (2.0 * self.camera.z) - cx;
                self.camera.y = self.viewport.1 / (2.0 * self.camera.z) - cy;
                self.view_version += 1;
            }
        }
    }
}

impl Editor {
    /// Loads drafts kept on this device (a board update), e.g. after a reload.
    /// Merges stored drafts into the drafts board; false if they are unreadable.
    pub fn load_drafts(&mut self, update: &[u8]) -> bool {
        let ok = match self.drafts.apply_update(update, crdt::LOAD) {
            Ok(()) => true,
            Err(e) => {
                log::warn!("drafts unreadable, left as stored: {e}");
                false
            }
        };
        self.flush();
        ok
    }

    /// Publishes every draft into the shared board in one transaction (one undo step)
    /// and empties the drafts ("Reveal"). Returns how many were published.
    pub fn reveal_drafts(&mut self) -> usize {
        let items: Vec<NewElement> = self
            .drafts
            .elements()
            .into_iter()
            .map(|e| NewElement {
                id: e.id.clone(),
                kind: e.kind.clone(),
                x: e.x,
                y: e.y,
                w: e.w,
                h: e.h,
                color: e.color.clone(),
                text: e.text.clone(),
                parent: e.parent.clone(),
                z: None,
                pts: e.pts.clone(),
                from: e.from.clone(),
                to: e.to.clone(),
            })
            .collect();
        let n = items.len();
        if n == 0 {
            return 0;
        }
        self.commit_text();
        let ids: Vec<String> = items.iter().map(|e| e.id.clone()).collect();
        // Out of the drafts first (the ids move to the shared board).
        let _ = self
            .drafts
            .apply(&Command::Delete { ids: ids.clone() }, crdt::LOAD);
        self.flush();
        let was = self.private_mode;
        self.private_mode = false;
        self.board.end_gesture();
        if let Err(e) = self.board.apply(&Command::Create(items), LOCAL) {
            log::warn!("revealing drafts failed: {e}");
        }
        self.private_mode = was;
        // A fresh drafts board: nothing of the old one lingers.
        self.drafts = Board::new(fastrand::u32(..));
        self.draft_ids.clear();
        self.flush();
        n
    }
}
