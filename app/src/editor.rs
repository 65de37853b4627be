//! The editor: one board with its scene index, camera, selection and active tool.
//! DOM-free, so it is driven natively in tests exactly as the browser drives it.
//! The UI layer forwards normalised input here, then reads state back for display.

use std::collections::HashMap;

use crdt::kinds::rules;
use crdt::{Board, BoardChange, Command, Kind, Layer, NewElement, LOCAL};

use crate::camera::{Camera, Rect};
use crate::scene::{bounds, Scene};
use crate::tools::arrow::ArrowTool;
use crate::tools::pen::PenTool;
use crate::tools::select::{SceneQuery, SelectTool};
use crate::tools::shape::ShapeTool;
use crate::tools::{Pointer, Tool, ToolEffect};

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
        self.get(id).is_some_and(|e| e.locked)
    }
    fn inside(&mut self, r: &Rect) -> Vec<String> {
        self.query(r)
            .into_iter()
            .filter(|e| {
                !e.locked
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
        }
    }

    /// Folds pending document changes into the scene. Call after every input and
    /// before drawing (remote and loaded updates arrive here too).
    pub fn flush(&mut self) -> BoardChange {
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
        if let Err(e) = self.board.apply(&cmd, LOCAL) {
            log::warn!("command not applied: {e}");
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

    /// The element under a point that an arrow end may bind to.
    fn bindable_at(&mut self, x: f64, y: f64) -> Option<String> {
        let id = self.scene.hit(x, y)?;
        self.scene
            .get(&id)
            .filter(|e| crate::kinds::arrow::bindable(&e.kind))
            .map(|e| e.id.clone())
    }

    /// Rewrites the stored geometry of arrows among `ids` or bound to them, so bound
    /// ends sit on their elements' current borders.
    fn follow(&mut self, ids: &[String]) {
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

    fn run(&mut self, effects: Vec<ToolEffect>) {
        for fx in effects {
            match fx {
                ToolEffect::Select(ids) => self.set_selection(ids),
                ToolEffect::Apply(cmd) => self.apply(cmd),
                ToolEffect::BeginGesture => self.board.begin_gesture(),
                ToolEffect::EndGesture => self.board.end_gesture(),
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

    // ---- pointer ----------------------------------------------------------------

    /// `button`: 0 primary, 1 middle. Middle, Hand and Space-drag pan.
    pub fn pointer_down(&mut self, p: Pointer, button: i16) {
        self.commit_text();
        if button == 1 || self.tool == Tool::Hand || self.space_held {
            self.pan_from = Some((p.sx, p.sy));
            return;
        }
        if button != 0 {
            return;
        }
        match self.tool {
            Tool::Note => {
                self.create_note_at(p.x, p.y);
            }
            Tool::Text => {
                self.create_text_at(p.x, p.y);
            }
            Tool::Pen => self.pen.down(p, self.camera.z),
            Tool::Arrow => {
                let under = self.bindable_at(p.x, p.y);
                self.arrow.down(p, under);
            }
            tool if tool.shape_kind().is_some() => {
                if let Some(kind) = tool.shape_kind() {
                    self.shape.down(kind, p);
                }
            }
            _ => {
                let sel = self.selection.clone();
                let reach = crate::render::HANDLE_PX / self.camera.z;
                let fx = self.select.down(p, &mut self.scene, &sel, reach);
                self.run(fx);
            }
        }
    }

    pub fn pointer_move(&mut self, p: Pointer) {
        if let Some((fx, fy)) = self.pan_from {
            self.camera.pan_by(p.sx - fx, p.sy - fy);
            self.pan_from = Some((p.sx, p.sy));
            self.view_version += 1;
            return;
        }
        if self.shape.preview().is_some() {
            self.shape.moved(p);
            self.view_version += 1;
            return;
        }
        if self.pen.is_drawing() {
            self.pen.moved(p);
            self.view_version += 1;
            return;
        }
        if self.arrow.is_drawing() {
            self.arrow.moved(p);
            self.view_version += 1;
            return;
        }
        if self.tool == Tool::Select {
            let sel = self.selection.clone();
            let fx = self.select.moved(p, &mut self.scene, &sel);
            if !fx.is_empty() || self.select.state.name() != "idle" {
                self.run(fx);
            }
        }
    }

    pub fn pointer_up(&mut self, p: Pointer) {
        if self.pan_from.take().is_some() {
            return;
        }
        if self.arrow.is_drawing() {
            let under = self.bindable_at(p.x, p.y);
            if let Some(arrow) = self.arrow.up(p, under, rules(&Kind::Arrow).default_color) {
                let id = arrow.id.clone();
                self.board.begin_gesture();
                self.apply(Command::Create(vec![arrow]));
                // Place bound ends on their elements' borders right away.
                self.follow(std::slice::from_ref(&id));
                self.board.end_gesture();
                self.set_selection(vec![id]);
                if !self.keep_tool {
                    self.tool = Tool::Select;
                }
            }
            self.view_version += 1;
            return;
        }
        if self.pen.is_drawing() {
            // The pen stays active after a stroke: people write several at once.
            if let Some(ink) = self.pen.up(p, rules(&Kind::Ink).default_color) {
                let id = ink.id.clone();
                self.board.begin_gesture();
                self.apply(Command::Create(vec![ink]));
                self.reparent(std::slice::from_ref(&id));
                self.board.end_gesture();
            }
            self.view_version += 1;
            return;
        }
        if self.shape.preview().is_some() {
            let color = self.new_color();
            if let Some(mut el) = self.shape.up(p, &color) {
                let id = el.id.clone();
                let frame = el.kind == Kind::Frame;
                if frame {
                    el.text = self.frame_title.clone();
                }
                let area = el_rect(&el);
                self.board.begin_gesture();
                self.apply(Command::Create(vec![el]));
                if frame {
                    self.adopt(&id, &area);
                } else {
                    self.reparent(std::slice::from_ref(&id));
                }
                self.board.end_gesture();
                self.set_selection(vec![id]);
                if !self.keep_tool {
                    self.tool = Tool::Select;
                }
            }
            self.view_version += 1;
            return;
        }
        if self.tool == Tool::Select {
            let sel = self.selection.clone();
            let moved: Vec<String> = self
                .select
                .preview_offset()
                .map(|(o, _, _)| o.iter().map(|(id, _, _)| id.clone()).collect())
                .unwrap_or_default();
            let mut fx = self.select.up(p, &mut self.scene, &sel);
            // Elements dropped into or out of a frame change parent in the same step.
            let end = fx.last() == Some(&ToolEffect::EndGesture);
            if end {
                fx.pop();
            }
            self.run(fx);
            if !moved.is_empty() {
                self.reparent(&moved);
            }
            if end {
                self.board.end_gesture();
            }
        }
    }

    pub fn pointer_cancel(&mut self) {
        self.pan_from = None;
        self.shape.cancel();
        self.pen.cancel();
        self.arrow.cancel();
        let fx = self.select.cancel();
        self.run(fx);
    }

    pub fn double_click(&mut self, p: Pointer) {
        if self.tool == Tool::Select {
            let fx = self.select.double_click(p, &mut self.scene);
            self.run(fx);
        }
    }

    pub fn is_panning(&self) -> bool {
        self.pan_from.is_some()
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

    /// Puts each element (frames aside) into the frame that holds its centre, or out
    /// of any frame; one command per new parent.
    fn reparent(&mut self, ids: &[String]) {
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
    fn adopt(&mut self, frame: &str, area: &Rect) {
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
                (!e.locked).then(|| e.bounds())
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
        if self.scene.get(id).is_some_and(|e| !e.locked) {
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

    // ---- selection commands -------------------------------------------------------

    pub fn delete_selection(&mut self) {
        let ids: Vec<String> = self
            .selection
            .iter()
            .filter(|id| !self.scene.get(id).is_some_and(|e| e.locked))
            .cloned()
            .collect();
        if !ids.is_empty() {
            self.commit_text();
            self.board.begin_gesture();
            // Arrows bound to what goes keep a free end where it was.
            let gone: std::collections::HashSet<&String> = ids.iter().collect();
            let loose: Vec<(String, Option<String>, Option<String>)> = self
                .scene
                .ordered()
                .into_iter()
                .filter(|e| e.kind == Kind::Arrow && !gone.contains(&e.id))
                .filter(|e| {
                    e.from.as_ref().is_some_and(|f| gone.contains(f))
                        || e.to.as_ref().is_some_and(|t| gone.contains(t))
                })
                .map(|e| {
                    let keep = |end: &Option<String>| end.clone().filter(|x| !gone.contains(x));
                    (e.id.clone(), keep(&e.from), keep(&e.to))
                })
                .collect();
            for (id, from, to) in loose {
                self.apply(Command::Bind { id, from, to });
            }
            self.apply(Command::Delete { ids });
            self.board.end_gesture();
        }
    }

    /// The selected elements that may be changed (locked ones may not).
    fn changeable(&self) -> Vec<String> {
        self.selection
            .iter()
            .filter(|id| self.scene.get(id).is_some_and(|e| !e.locked))
            .cloned()
            .collect()
    }

    pub fn recolor_selection(&mut self, color: &str) {
        let ids = self.changeable();
        if !ids.is_empty() {
            self.apply(Command::Recolor {
                ids,
                color: color.to_string(),
            });
        }
    }

    pub fn reorder_selection(&mut self, layer: Layer) {
        let ids = self.changeable();
        if !ids.is_empty() {
            self.apply(Command::Reorder { ids, layer });
        }
    }

    /// Arrow keys: move the selection by `(dx, dy)` board units.
    pub fn nudge_selection(&mut self, dx: f64, dy: f64) {
        let moves: Vec<(String, f64, f64)> = self
            .selection
            .iter()
            .filter_map(|id| self.scene.get(id))
            .filter(|e| !e.locked)
            .map(|e| (e.id.clone(), e.x + dx, e.y + dy))
            .collect();
        if !moves.is_empty() {
            self.apply(Command::Move { moves });
        }
    }

    /// The selection in the clipboard format (paint order), if anything is selected.
    pub fn copy_selection(&mut self) -> Option<String> {
        let chosen: std::collections::HashSet<&String> = self.selection.iter().collect();
        let ordered = self.scene.ordered();
        let els: Vec<&crdt::Element> = ordered
            .into_iter()
            .filter(|e| chosen.contains(&e.id))
            .collect();
        (!els.is_empty()).then(|| crate::clipboard::encode(&els))
    }

    pub fn cut_selection(&mut self) -> Option<String> {
        // Copying a locked element is fine; cutting would delete it.
        if self.changeable().len() != self.selection.len() {
            return self.copy_selection();
        }
        let text = self.copy_selection()?;
        self.delete_selection();
        Some(text)
    }

    /// Pastes clipboard text at the viewport centre, as one undo step, and selects it.
    pub fn paste_text(&mut self, text: &str) {
        let (w, h) = self.viewport;
        let (cx, cy) = self.camera.to_board(w / 2.0, h / 2.0);
        if let Some(items) = crate::clipboard::paste(text, cx, cy) {
            self.commit_text();
            let ids = items.iter().map(|e| e.id.clone()).collect();
            self.apply(Command::Create(items));
            self.set_selection(ids);
            self.tool = Tool::Select;
        }
    }

    /// Inserts a template centred in the view as one undo step, selects it and zooms
    /// so all of it is visible.
    pub fn insert_template(&mut self, t: crate::templates::Template, lang: crate::i18n::Lang) {
        let (w, h) = self.viewport;
        let (cx, cy) = self.camera.to_board(w / 2.0, h / 2.0);
        let items = crate::templates::build(t, lang, cx, cy);
        let Some(area) = items.iter().map(el_rect).reduce(|a, b| a.union(&b)) else {
            return;
        };
        self.commit_text();
        let ids = items.iter().map(|e| e.id.clone()).collect();
        self.apply(Command::Create(items));
        self.set_selection(ids);
        self.tool = Tool::Select;
        // Frame titles sit above the frames: leave them room.
        let title = crate::kinds::frame::TITLE_BAR;
        let area = Rect {
            y: area.y - title,
            h: area.h + title,
            ..area
        };
        self.camera.fit(area, w, h);
        self.view_version += 1;
    }

    /// Copies of the selection, 20 units down and right, selected (Ctrl+D).
    pub fn duplicate_selection(&mut self) {
        if let Some(text) = self.copy_selection() {
            let Some(bounds) = self
                .selection
                .iter()
                .filter_map(|id| self.scene.get(id))
                .map(|e| e.bounds())
                .reduce(|a, b| a.union(&b))
            else {
                return;
            };
            let (cx, cy) = (
                bounds.x + bounds.w / 2.0 + 20.0,
                bounds.y + bounds.h / 2.0 + 20.0,
            );
            if let Some(items) = crate::clipboard::paste(&text, cx, cy) {
                let ids = items.iter().map(|e| e.id.clone()).collect();
                self.apply(Command::Create(items));
                self.set_selection(ids);
            }
        }
    }

    pub fn select_all(&mut self) {
        let ids = self.scene.ordered().iter().map(|e| e.id.clone()).collect();
        self.set_selection(ids);
    }

    pub fn undo(&mut self) {
        self.commit_text();
        self.board.undo();
        self.flush();
        self.view_version += 1;
    }

    pub fn redo(&mut self) {
        self.commit_text();
        self.board.redo();
        self.flush();
        self.view_version += 1;
    }

    pub fn set_title(&mut self, title: &str) {
        let title = title.trim();
        if title != self.board.title() {
            self.apply(Command::SetTitle {
                title: title.to_string(),
            });
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

    pub fn wheel(&mut self, sx: f64, sy: f64, dx: f64, dy: f64, zoom: bool) {
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
            let b = bounds(e);
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

fn el_rect(e: &NewElement) -> Rect {
    Rect {
        x: e.x,
        y: e.y,
        w: e.w,
        h: e.h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(editor: &Editor, x: f64, y: f64, time: f64) -> Pointer {
        let (sx, sy) = editor.camera.to_screen(x, y);
        Pointer {
            x,
            y,
            sx,
            sy,
            shift: false,
            time,
        }
    }

    #[test]
    fn creating_a_note_and_typing_is_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Note);
        let id = ed.create_note_at(100.0, 100.0);
        assert_eq!(ed.editing.as_deref(), Some(id.as_str()));
        assert_eq!(ed.tool, Tool::Select);
        ed.input_text("A");
        ed.input_text("As");
        ed.input_text("Ask openly");
        ed.commit_text();
        assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
        ed.start_editing(&id);
        ed.input_text("Ask openly!");
        ed.commit_text();
        ed.undo();
        assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
        ed.undo();
        assert!(ed.scene.get(&id).is_none());
        assert!(ed.selection.is_empty());
        ed.redo();
        assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
    }

    #[test]
    fn dragging_a_note_moves_it_in_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        let id = ed.create_note_at(100.0, 100.0);
        ed.commit_text();
        ed.pointer_down(at(&ed, 100.0, 100.0, 0.0), 0);
        for i in 1..=30 {
            ed.pointer_move(at(&ed, 100.0 + 10.0 * i as f64, 100.0, i as f64 * 16.0));
        }
        ed.pointer_up(at(&ed, 400.0, 100.0, 600.0));
        let e = ed.scene.get(&id).unwrap();
        assert_eq!((e.x, e.y), (300.0, 0.0));
        ed.undo();
        let e = ed.scene.get(&id).unwrap();
        assert_eq!((e.x, e.y), (0.0, 0.0));
    }

    #[test]
    fn delete_removes_the_selection_and_undo_restores_it() {
        let mut ed = Editor::new(Board::new(1));
        let id = ed.create_note_at(0.0, 0.0);
        ed.commit_text();
        ed.delete_selection();
        assert_eq!(ed.scene.len(), 0);
        assert!(ed.selection.is_empty());
        ed.undo();
        assert!(ed.scene.get(&id).is_some());
    }

    #[test]
    fn hand_tool_and_space_pan_instead_of_selecting() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Hand);
        ed.pointer_down(
            Pointer {
                x: 0.0,
                y: 0.0,
                sx: 10.0,
                sy: 10.0,
                shift: false,
                time: 0.0,
            },
            0,
        );
        ed.pointer_move(Pointer {
            x: 0.0,
            y: 0.0,
            sx: 60.0,
            sy: 30.0,
            shift: false,
            time: 1.0,
        });
        ed.pointer_up(Pointer {
            x: 0.0,
            y: 0.0,
            sx: 60.0,
            sy: 30.0,
            shift: false,
            time: 2.0,
        });
        assert_eq!((ed.camera.x, ed.camera.y), (50.0, 20.0));
    }

    fn drag(ed: &mut Editor, from: (f64, f64), to: (f64, f64)) {
        ed.pointer_down(at(ed, from.0, from.1, 0.0), 0);
        for i in 1..=8 {
            let f = i as f64 / 8.0;
            let p = at(
                ed,
                from.0 + (to.0 - from.0) * f,
                from.1 + (to.1 - from.1) * f,
                i as f64 * 40.0,
            );
            ed.pointer_move(p);
        }
        ed.pointer_up(at(ed, to.0, to.1, 400.0));
    }

    #[test]
    fn a_frame_takes_in_what_it_encloses_and_moves_it_along() {
        let mut ed = Editor::new(Board::new(1));
        let inside = ed.create_note_at(300.0, 300.0);
        ed.commit_text();
        let outside = ed.create_note_at(2000.0, 300.0);
        ed.commit_text();
        ed.set_tool(Tool::Frame);
        drag(&mut ed, (0.0, 0.0), (800.0, 600.0));
        let frame = ed.selection[0].clone();
        assert_eq!(ed.scene.get(&frame).unwrap().kind, Kind::Frame);
        assert_eq!(
            ed.scene.get(&inside).unwrap().parent.as_deref(),
            Some(frame.as_str())
        );
        assert_eq!(ed.scene.get(&outside).unwrap().parent, None);
        // Moving the frame by its title moves its child.
        drag(&mut ed, (100.0, -10.0), (200.0, 90.0));
        let e = ed.scene.get(&inside).unwrap();
        assert_eq!((e.x, e.y), (300.0, 300.0));
        // Dropping the other note inside makes it a child; dragging it out frees it.
        drag(&mut ed, (2000.0, 300.0), (500.0, 400.0));
        assert_eq!(
            ed.scene.get(&outside).unwrap().parent.as_deref(),
            Some(frame.as_str())
        );
        drag(&mut ed, (500.0, 400.0), (3000.0, 400.0));
        assert_eq!(ed.scene.get(&outside).unwrap().parent, None);
        // Undo of the last drag puts it back into the frame in one step.
        ed.undo();
        assert_eq!(
            ed.scene.get(&outside).unwrap().parent.as_deref(),
            Some(frame.as_str())
        );
    }

    #[test]
    fn a_click_inside_a_frame_does_not_select_the_frame() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Frame);
        drag(&mut ed, (0.0, 0.0), (800.0, 600.0));
        ed.set_selection(Vec::new());
        ed.pointer_down(at(&ed, 400.0, 300.0, 0.0), 0);
        ed.pointer_up(at(&ed, 400.0, 300.0, 10.0));
        assert!(ed.selection.is_empty());
        ed.pointer_down(at(&ed, 50.0, -10.0, 20.0), 0);
        ed.pointer_up(at(&ed, 50.0, -10.0, 30.0));
        assert_eq!(ed.selection.len(), 1);
    }

    #[test]
    fn pen_strokes_become_ink_and_the_pen_stays_active() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Pen);
        for s in 0..2 {
            let y = s as f64 * 100.0;
            ed.pointer_down(at(&ed, 0.0, y, 0.0), 0);
            for i in 1..=20 {
                ed.pointer_move(at(&ed, i as f64 * 5.0, y + (i % 3) as f64, i as f64));
            }
            ed.pointer_up(at(&ed, 100.0, y, 30.0));
        }
        let inks: Vec<_> = ed
            .scene
            .ordered()
            .into_iter()
            .filter(|e| e.kind == Kind::Ink)
            .cloned()
            .collect();
        assert_eq!(inks.len(), 2);
        assert!(inks[0].pts.len() >= 4 && inks[0].pts.len() % 2 == 0);
        assert_eq!(ed.tool, Tool::Pen);
        ed.undo();
        assert_eq!(ed.scene.len(), 1);
    }

    #[test]
    fn an_arrow_follows_its_bound_notes_and_keeps_a_free_end_when_one_goes() {
        let mut ed = Editor::new(Board::new(1));
        let a = ed.create_note_at(0.0, 0.0);
        ed.commit_text();
        let b = ed.create_note_at(600.0, 0.0);
        ed.commit_text();
        ed.set_tool(Tool::Arrow);
        drag(&mut ed, (0.0, 0.0), (600.0, 0.0));
        let arrow = ed.selection[0].clone();
        let e = ed.scene.get(&arrow).unwrap().clone();
        assert_eq!(
            (e.from.as_deref(), e.to.as_deref()),
            (Some(a.as_str()), Some(b.as_str()))
        );
        // The ends sit on the notes' borders (x = 100 + 4 and 500 − 4), not at the centres.
        let (start, end) = crate::kinds::arrow::stored_ends(&e);
        assert_eq!((start.0.round(), end.0.round()), (104.0, 496.0));
        // Moving B drags the arrow's end along.
        ed.set_selection(vec![b.clone()]);
        drag(&mut ed, (600.0, 0.0), (600.0, 400.0));
        let e = ed.scene.get(&arrow).unwrap().clone();
        let (_, end) = crate::kinds::arrow::stored_ends(&e);
        assert!(end.1 > 200.0, "the end followed B down: {end:?}");
        // Deleting B leaves the arrow with a free end where B's border was.
        ed.set_selection(vec![b.clone()]);
        ed.delete_selection();
        let e = ed.scene.get(&arrow).unwrap().clone();
        assert_eq!(e.to, None);
        assert_eq!(crate::kinds::arrow::stored_ends(&e).1, end);
        ed.undo();
        assert_eq!(
            ed.scene.get(&arrow).unwrap().to.as_deref(),
            Some(b.as_str())
        );
    }

    #[test]
    fn locked_elements_can_be_selected_but_not_changed() {
        let mut ed = Editor::new(Board::new(1));
        let id = ed.create_note_at(100.0, 100.0);
        ed.input_text("Fest");
        ed.commit_text();
        ed.board
            .apply(
                &Command::SetLocked {
                    ids: vec![id.clone()],
                    locked: true,
                },
                crdt::REMOTE,
            )
            .unwrap();
        ed.flush();
        let before = ed.scene.get(&id).unwrap().clone();
        ed.set_selection(vec![id.clone()]);
        // Drag, nudge, resize handle, recolour, reorder, delete, edit, cut: nothing changes.
        drag(&mut ed, (100.0, 100.0), (400.0, 300.0));
        ed.nudge_selection(10.0, 0.0);
        drag(&mut ed, (200.0, 200.0), (300.0, 300.0));
        ed.set_selection(vec![id.clone()]);
        ed.recolor_selection("blue");
        ed.reorder_selection(Layer::Back);
        ed.start_editing(&id);
        assert!(ed.editing.is_none());
        ed.cut_selection();
        ed.delete_selection();
        assert_eq!(ed.scene.get(&id), Some(&before));
        assert!(
            ed.handle_box().is_none(),
            "no resize handles on a locked element"
        );
    }

    #[test]
    fn a_template_is_inserted_in_view_as_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        ed.insert_template(
            crate::templates::Template::TeamAgreement,
            crate::i18n::Lang::De,
        );
        assert!(ed.scene.len() >= 7);
        assert_eq!(ed.selection.len(), ed.scene.len());
        let frames = ed
            .scene
            .ordered()
            .iter()
            .filter(|e| e.kind == Kind::Frame)
            .count();
        assert_eq!(frames, 2);
        let v = ed.camera.visible(ed.viewport.0, ed.viewport.1);
        assert!(v.encloses(&ed.scene.content_bounds().unwrap()));
        ed.undo();
        assert_eq!(ed.scene.len(), 0);
    }

    #[test]
    fn copy_paste_and_duplicate_make_new_elements_in_one_step_each() {
        let mut ed = Editor::new(Board::new(1));
        let a = ed.create_note_at(0.0, 0.0);
        ed.input_text("Eins");
        ed.commit_text();
        let text = ed.copy_selection().unwrap();
        ed.paste_text(&text);
        assert_eq!(ed.scene.len(), 2);
        assert_ne!(ed.selection, vec![a.clone()]);
        ed.duplicate_selection();
        assert_eq!(ed.scene.len(), 3);
        let copy = ed.scene.get(&ed.selection[0]).unwrap().clone();
        assert_eq!(copy.text, "Eins");
        ed.undo();
        assert_eq!(ed.scene.len(), 2);
        ed.set_selection(vec![a.clone()]);
        let cut = ed.cut_selection().unwrap();
        assert!(ed.scene.get(&a).is_none());
        assert!(cut.contains("Eins"));
    }

    #[test]
    fn pasting_a_list_of_130_lines_makes_130_notes_in_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        let list: String = (1..=130).map(|i| format!("Maßnahme {i}\n")).collect();
        ed.paste_text(&list);
        assert_eq!(ed.scene.len(), 130);
        assert_eq!(ed.selection.len(), 130);
        ed.undo();
        assert_eq!(ed.scene.len(), 0);
    }

    #[test]
    fn dragging_with_the_rectangle_tool_creates_and_selects_a_rectangle() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Rect);
        ed.pointer_down(at(&ed, 10.0, 20.0, 0.0), 0);
        ed.pointer_move(at(&ed, 110.0, 80.0, 10.0));
        let (kind, live) = ed.creating().unwrap();
        assert_eq!(kind, Kind::Rect);
        assert_eq!(
            (live.w, live.h),
            (100.0, 60.0),
            "the preview follows the pointer"
        );
        ed.pointer_up(at(&ed, 210.0, 120.0, 20.0));
        let e = ed.scene.get(&ed.selection[0]).unwrap().clone();
        assert_eq!(
            (e.kind, e.x, e.y, e.w, e.h),
            (Kind::Rect, 10.0, 20.0, 200.0, 100.0)
        );
        assert_eq!(ed.tool, Tool::Select);
        ed.undo();
        assert_eq!(ed.scene.len(), 0);
    }

    #[test]
    fn keep_tool_active_draws_several_shapes() {
        let mut ed = Editor::new(Board::new(1));
        ed.keep_tool = true;
        ed.set_tool(Tool::Ellipse);
        for i in 0..3 {
            let x = i as f64 * 300.0;
            ed.pointer_down(at(&ed, x, 0.0, 0.0), 0);
            ed.pointer_up(at(&ed, x + 100.0, 100.0, 1.0));
        }
        assert_eq!(ed.scene.len(), 3);
        assert_eq!(ed.tool, Tool::Ellipse);
    }

    #[test]
    fn a_text_element_grows_with_its_text_in_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        ed.set_tool(Tool::Text);
        ed.pointer_down(at(&ed, 50.0, 50.0, 0.0), 0);
        let id = ed.editing.clone().unwrap();
        assert_eq!(ed.editing_kind(), Some(Kind::Text));
        ed.input_text_sized("Hallo", 60.0, 33.0);
        ed.input_text_sized("Hallo Welt", 110.0, 33.0);
        ed.commit_text();
        let e = ed.scene.get(&id).unwrap();
        assert_eq!((e.text.as_str(), e.w, e.h), ("Hallo Welt", 110.0, 33.0));
        ed.undo();
        assert!(ed.scene.get(&id).is_none());
    }

    #[test]
    fn resizing_through_a_handle_is_one_undo_step() {
        let mut ed = Editor::new(Board::new(1));
        let id = ed.create_note_at(100.0, 100.0);
        ed.commit_text();
        // The note spans 0..200; its south-east handle is at (200, 200).
        ed.pointer_down(at(&ed, 200.0, 200.0, 0.0), 0);
        assert!(ed.previews().is_empty() || ed.select.state.name() == "resizing");
        for i in 1..=10 {
            ed.pointer_move(at(&ed, 200.0 + 10.0 * i as f64, 200.0, i as f64 * 40.0));
        }
        ed.pointer_up(at(&ed, 300.0, 200.0, 500.0));
        let e = ed.scene.get(&id).unwrap();
        assert_eq!((e.w, e.h), (300.0, 200.0));
        ed.undo();
        let e = ed.scene.get(&id).unwrap();
        assert_eq!((e.w, e.h), (200.0, 200.0));
    }
}
