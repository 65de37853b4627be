//! Commands on the selection: delete, recolour, reorder, nudge, clipboard,
//! duplicate, templates, undo and redo, the board title.

use crdt::{Command, Kind, Layer, NewElement};

use super::Editor;
use crate::camera::Rect;
use crate::tools::Tool;

impl Editor {
    // ---- selection commands -------------------------------------------------------

    pub fn delete_selection(&mut self) {
        let ids: Vec<String> = self
            .selection
            .iter()
            .filter(|id| !self.scene.get(id).is_some_and(|e| self.scene.locked(e)))
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
            .filter(|id| self.scene.get(id).is_some_and(|e| !self.scene.locked(e)))
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
            .filter(|e| !self.scene.locked(e))
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

    /// Places the Chatham House rule card in the middle of the view, selected.
    pub fn insert_rule_card(&mut self, lang: crate::i18n::Lang) {
        let (w, h) = self.viewport;
        let (cx, cy) = self.camera.to_board(w / 2.0, h / 2.0);
        let card = crate::templates::rule_card(lang, cx, cy);
        let id = card.id.clone();
        self.commit_text();
        self.apply(Command::Create(vec![card]));
        self.set_selection(vec![id]);
    }

    /// Inserts a template centred in the view as one undo step, selects it and zooms
    /// so all of it is visible.
    pub fn insert_template(&mut self, t: crate::templates::Template, lang: crate::i18n::Lang) {
        let (w, h) = self.viewport;
        let (cx, cy) = self.camera.to_board(w / 2.0, h / 2.0);
        let items = crate::templates::build(t, lang, cx, cy);
        let Some(area) = items
            .iter()
            .map(NewElement::bounds)
            .reduce(|a, b| a.union(&b))
        else {
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
        // In private mode, this person's steps are on their drafts first.
        if self.private_mode && self.drafts.can_undo() {
            self.drafts.undo();
            self.flush();
            self.view_version += 1;
            return;
        }
        self.board.undo();
        self.flush();
        self.view_version += 1;
    }

    pub fn redo(&mut self) {
        self.commit_text();
        if self.private_mode && self.drafts.can_redo() {
            self.drafts.redo();
            self.flush();
            self.view_version += 1;
            return;
        }
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
}
