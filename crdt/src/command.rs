//! Every edit is a `Command`. `Board::apply` runs each in one yrs transaction with an
//! origin, so the undo manager can tell the user's own edits from everything else.

use crate::element::Kind;

/// Where `Command::Reorder` puts elements in paint order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Front,
    Back,
}

/// A new element. `z` = `None` puts it on top of everything.
#[derive(Debug, Clone, PartialEq)]
pub struct NewElement {
    pub id: String,
    pub kind: Kind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub color: String,
    pub text: String,
    pub parent: Option<String>,
    pub z: Option<String>,
    /// Points relative to (`x`, `y`), flattened `[x0, y0, x1, y1, …]` (ink, arrows).
    pub pts: Vec<f64>,
    /// Arrow ends bound to element ids.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl NewElement {
    pub fn bounds(&self) -> crate::geometry::Rect {
        crate::geometry::Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }

    /// A note of the default size centred on `(cx, cy)`.
    pub fn note_centred(cx: f64, cy: f64, color: &str) -> NewElement {
        let s = crate::element::NOTE_SIZE;
        NewElement {
            id: crate::element::new_id(),
            kind: Kind::Note,
            x: cx - s / 2.0,
            y: cy - s / 2.0,
            w: s,
            h: s,
            color: color.to_string(),
            text: String::new(),
            parent: None,
            z: None,
            pts: Vec::new(),
            from: None,
            to: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create elements; several at once stay in the given order, above everything.
    Create(Vec<NewElement>),
    /// Replace an element's text. Applied as a minimal UTF-16 splice, so a concurrent
    /// edit elsewhere in the same text survives.
    SetText {
        id: String,
        text: String,
    },
    /// Move elements to absolute positions (top-left corners).
    Move {
        moves: Vec<(String, f64, f64)>,
    },
    /// Set an element's bounding box. Non-positive or non-finite sizes are ignored.
    Resize {
        id: String,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
    },
    /// Set the colour of elements (palette name or `#rrggbb`; anything else is ignored).
    Recolor {
        ids: Vec<String>,
        color: String,
    },
    Delete {
        ids: Vec<String>,
    },
    /// Bring elements to the front or send them to the back, keeping their relative order.
    Reorder {
        ids: Vec<String>,
        layer: Layer,
    },
    SetTitle {
        title: String,
    },
    /// Put elements into a frame (`Some(frame id)`) or take them out of any (`None`).
    SetParent {
        ids: Vec<String>,
        parent: Option<String>,
    },
    /// Set an element's box and points together (arrows that follow their ends).
    SetPoints {
        id: String,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        pts: Vec<f64>,
    },
    /// Bind or unbind an arrow's ends (`None` frees that end).
    Bind {
        id: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// Lock or unlock elements (`locked`: only the moderator may change them).
    SetLocked {
        ids: Vec<String>,
        locked: bool,
    },
}

impl Command {
    /// Splits a command between two boards: the shared board and a person's private
    /// drafts (silent brainstorming). `is_draft(id)` says which board an element lives
    /// on; new elements go to the drafts when `create_drafts`. Returns (shared, drafts);
    /// either is `None` when nothing is left for it.
    pub fn split(
        &self,
        is_draft: impl Fn(&str) -> bool,
        create_drafts: bool,
    ) -> (Option<Command>, Option<Command>) {
        fn part<T: Clone>(items: &[T], draft: impl Fn(&T) -> bool) -> (Vec<T>, Vec<T>) {
            items.iter().cloned().partition(|i| !draft(i))
        }
        fn some<T>(v: Vec<T>, f: impl FnOnce(Vec<T>) -> Command) -> Option<Command> {
            (!v.is_empty()).then(|| f(v))
        }
        let one = |id: &str| {
            if is_draft(id) {
                (None, Some(self.clone()))
            } else {
                (Some(self.clone()), None)
            }
        };
        match self {
            Command::Create(items) => {
                if create_drafts {
                    (None, some(items.clone(), Command::Create))
                } else {
                    (some(items.clone(), Command::Create), None)
                }
            }
            Command::SetText { id, .. }
            | Command::Resize { id, .. }
            | Command::SetPoints { id, .. }
            | Command::Bind { id, .. } => one(id),
            Command::Move { moves } => {
                let (s, d) = part(moves, |m| is_draft(&m.0));
                (
                    some(s, |moves| Command::Move { moves }),
                    some(d, |moves| Command::Move { moves }),
                )
            }
            Command::Recolor { ids, color } => {
                let (s, d) = part(ids, |id| is_draft(id));
                let c = color.clone();
                (
                    some(s, |ids| Command::Recolor { ids, color: c }),
                    some(d, |ids| Command::Recolor {
                        ids,
                        color: color.clone(),
                    }),
                )
            }
            Command::Delete { ids } => {
                let (s, d) = part(ids, |id| is_draft(id));
                (
                    some(s, |ids| Command::Delete { ids }),
                    some(d, |ids| Command::Delete { ids }),
                )
            }
            Command::Reorder { ids, layer } => {
                let (s, d) = part(ids, |id| is_draft(id));
                (
                    some(s, |ids| Command::Reorder { ids, layer: *layer }),
                    some(d, |ids| Command::Reorder { ids, layer: *layer }),
                )
            }
            Command::SetParent { ids, parent } => {
                let (s, d) = part(ids, |id| is_draft(id));
                (
                    some(s, |ids| Command::SetParent {
                        ids,
                        parent: parent.clone(),
                    }),
                    some(d, |ids| Command::SetParent {
                        ids,
                        parent: parent.clone(),
                    }),
                )
            }
            Command::SetLocked { ids, locked } => {
                let (s, d) = part(ids, |id| is_draft(id));
                (
                    some(s, |ids| Command::SetLocked {
                        ids,
                        locked: *locked,
                    }),
                    some(d, |ids| Command::SetLocked {
                        ids,
                        locked: *locked,
                    }),
                )
            }
            Command::SetTitle { .. } => (Some(self.clone()), None),
        }
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn commands_split_between_shared_and_drafts() {
        let draft = |id: &str| id.starts_with('d');
        let mv = Command::Move {
            moves: vec![("d1".into(), 1.0, 2.0), ("s1".into(), 3.0, 4.0)],
        };
        let (s, d) = mv.split(draft, false);
        assert_eq!(
            s,
            Some(Command::Move {
                moves: vec![("s1".into(), 3.0, 4.0)]
            })
        );
        assert_eq!(
            d,
            Some(Command::Move {
                moves: vec![("d1".into(), 1.0, 2.0)]
            })
        );
        let t = Command::SetText {
            id: "d2".into(),
            text: "x".into(),
        };
        assert_eq!(t.split(draft, false), (None, Some(t.clone())));
        let n = Command::Create(vec![NewElement::note_centred(0.0, 0.0, "yellow")]);
        assert_eq!(n.split(draft, true), (None, Some(n.clone())));
        assert_eq!(n.split(draft, false), (Some(n.clone()), None));
        let del = Command::Delete {
            ids: vec!["s".into()],
        };
        assert_eq!(del.split(draft, true), (Some(del.clone()), None));
    }
}
