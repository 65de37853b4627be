//! Tools are state machines fed by normalised pointer events, free of the DOM, so
//! they are tested natively. They read the scene and emit `ToolEffect`s; the editor
//! carries them out.

pub mod arrow;
pub mod pen;
pub mod select;
pub mod shape;

use crdt::Command;

/// The active tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    Select,
    Hand,
    Note,
    Text,
    Rect,
    Ellipse,
    Arrow,
    Pen,
    Frame,
}

impl Tool {
    pub const ALL: [Tool; 9] = [
        Tool::Select,
        Tool::Hand,
        Tool::Note,
        Tool::Text,
        Tool::Rect,
        Tool::Ellipse,
        Tool::Arrow,
        Tool::Pen,
        Tool::Frame,
    ];

    pub fn shortcut(self) -> &'static str {
        match self {
            Tool::Select => "V",
            Tool::Hand => "H",
            Tool::Note => "N",
            Tool::Text => "T",
            Tool::Rect => "R",
            Tool::Ellipse => "O",
            Tool::Arrow => "A",
            Tool::Pen => "P",
            Tool::Frame => "F",
        }
    }

    pub fn from_key(key: &str) -> Option<Tool> {
        Tool::ALL
            .into_iter()
            .find(|t| t.shortcut().eq_ignore_ascii_case(key))
    }

    /// The element kind this tool draws by dragging.
    pub fn shape_kind(self) -> Option<crdt::Kind> {
        match self {
            Tool::Rect => Some(crdt::Kind::Rect),
            Tool::Ellipse => Some(crdt::Kind::Ellipse),
            Tool::Frame => Some(crdt::Kind::Frame),
            _ => None,
        }
    }
}

/// A pointer event in both coordinate systems.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pointer {
    /// Board coordinates.
    pub x: f64,
    pub y: f64,
    /// Screen (CSS px, relative to the board's top-left).
    pub sx: f64,
    pub sy: f64,
    pub shift: bool,
    /// Milliseconds, monotonic.
    pub time: f64,
}

/// What a tool asks the editor to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolEffect {
    /// Replace the selection.
    Select(Vec<String>),
    /// Run a command as the local user.
    Apply(Command),
    /// Everything until `EndGesture` is one undo step.
    BeginGesture,
    EndGesture,
    /// Open the text editor on an element.
    EditText(String),
}
