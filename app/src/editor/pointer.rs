//! Pointer input: each press, move and release goes to the active tool's state
//! machine (select, shapes, pen, arrow) or pans the camera.

use crdt::kinds::rules;
use crdt::{Command, Kind};

use super::Editor;
use crate::tools::{Pointer, Tool, ToolEffect};

impl Editor {
    // ---- pointer ----------------------------------------------------------------

    /// `button`: 0 primary, 1 middle. Middle, Hand and Space-drag pan.
    pub fn pointer_down(&mut self, p: Pointer, button: i16) {
        self.commit_text();
        if button == 1 || self.tool == Tool::Hand || self.space_held {
            self.pan_from = Some((p.sx, p.sy));
            self.break_away();
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
            self.break_away();
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
                let area = el.bounds();
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
}
