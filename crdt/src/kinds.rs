//! Per-kind rules: default size, minimum size, whether proportions are kept, whether
//! the kind carries text, and its default colour. Renderers and tools ask here instead
//! of matching on kinds themselves.

use crate::element::Kind;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindRules {
    /// Size when created by a click instead of a drag.
    pub default_size: (f64, f64),
    /// Smallest width and height a resize allows.
    pub min_size: f64,
    /// Resizing keeps the proportions (Shift inverts it).
    pub keep_aspect: bool,
    pub default_color: &'static str,
}

pub fn rules(kind: &Kind) -> KindRules {
    match kind {
        Kind::Note => KindRules {
            default_size: (crate::NOTE_SIZE, crate::NOTE_SIZE),
            min_size: 60.0,
            keep_aspect: false,
            default_color: "yellow",
        },
        Kind::Text => KindRules {
            default_size: (24.0, 32.0),
            min_size: 16.0,
            keep_aspect: false,
            default_color: "gray",
        },
        Kind::Rect | Kind::Ellipse => KindRules {
            default_size: (160.0, 100.0),
            min_size: 10.0,
            keep_aspect: false,
            default_color: "blue",
        },
        Kind::Frame => KindRules {
            default_size: (800.0, 600.0),
            min_size: 100.0,
            keep_aspect: false,
            default_color: "white",
        },
        Kind::Arrow | Kind::Ink | Kind::Unknown(_) => KindRules {
            default_size: (100.0, 100.0),
            min_size: 1.0,
            keep_aspect: false,
            default_color: "gray",
        },
    }
}
