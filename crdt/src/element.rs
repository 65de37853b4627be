//! Elements as plain Rust records (SCHEMA.md, `elements`), and the tolerant reader
//! that turns an element `Y.Map` into one.
//!
//! The reader never panics and never rejects a whole board: unknown kinds and keys
//! are kept in the document and ignored here; a key of the wrong type is skipped
//! (with a logged reason) and falls back to its default.

use yrs::types::GetString;
use yrs::{Any, Map, MapRef, Out, ReadTxn};

/// Palette names of SCHEMA.md, in picker order.
pub const PALETTE: [&str; 10] = [
    "yellow", "orange", "red", "pink", "violet", "blue", "cyan", "green", "gray", "white",
];

/// Default size of a new note, in board units.
pub const NOTE_SIZE: f64 = 200.0;

/// Element kinds of schema 1. `Unknown` keeps the kind string of a newer or foreign
/// writer: such elements stay in the document and are listed, but not drawn.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    Note,
    Text,
    Rect,
    Ellipse,
    Arrow,
    Ink,
    Frame,
    Unknown(String),
}

impl Kind {
    pub fn parse(s: &str) -> Kind {
        match s {
            "note" => Kind::Note,
            "text" => Kind::Text,
            "rect" => Kind::Rect,
            "ellipse" => Kind::Ellipse,
            "arrow" => Kind::Arrow,
            "ink" => Kind::Ink,
            "frame" => Kind::Frame,
            other => Kind::Unknown(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Kind::Note => "note",
            Kind::Text => "text",
            Kind::Rect => "rect",
            Kind::Ellipse => "ellipse",
            Kind::Arrow => "arrow",
            Kind::Ink => "ink",
            Kind::Frame => "frame",
            Kind::Unknown(s) => s,
        }
    }
}

/// One board element, read out of the document. Renderers and tools only see this.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub id: String,
    pub kind: Kind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub z: String,
    pub color: String,
    pub text: String,
    pub parent: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub pts: Vec<f64>,
    pub locked: bool,
}

/// The entries of an element map that `Element::read` uses, as found.
#[derive(Default)]
struct Fields {
    kind: Option<Out>,
    x: Option<Out>,
    y: Option<Out>,
    w: Option<Out>,
    h: Option<Out>,
    z: Option<Out>,
    color: Option<Out>,
    text: Option<Out>,
    parent: Option<Out>,
    from: Option<Out>,
    to: Option<Out>,
    pts: Option<Out>,
    locked: Option<Out>,
}

impl Element {
    /// Paint order: ascending `(z, id)`, compared as bytes.
    pub fn paint_key(&self) -> (&[u8], &[u8]) {
        (self.z.as_bytes(), self.id.as_bytes())
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.bounds().contains(x, y)
    }

    pub fn bounds(&self) -> crate::geometry::Rect {
        crate::geometry::Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }

    /// Reads an element map. `None` (with a logged reason) only when it is not an
    /// element at all (no `kind` string).
    pub fn read<T: ReadTxn>(id: &str, map: &MapRef, txn: &T) -> Option<Element> {
        // One pass over the entries instead of a lookup per key (a board arriving is
        // read element by element).
        let mut fields = Fields::default();
        for (key, value) in map.iter(txn) {
            let slot = match key {
                "kind" => &mut fields.kind,
                "x" => &mut fields.x,
                "y" => &mut fields.y,
                "w" => &mut fields.w,
                "h" => &mut fields.h,
                "z" => &mut fields.z,
                "color" => &mut fields.color,
                "text" => &mut fields.text,
                "parent" => &mut fields.parent,
                "from" => &mut fields.from,
                "to" => &mut fields.to,
                "pts" => &mut fields.pts,
                "locked" => &mut fields.locked,
                _ => continue,
            };
            *slot = Some(value);
        }
        let kind = match fields.kind {
            Some(Out::Any(Any::String(s))) => Kind::parse(&s),
            other => {
                log::warn!("element {id}: skipped, `kind` is not a string ({other:?})");
                return None;
            }
        };
        let num = |key: &str, value: Option<Out>, default: f64| -> f64 {
            match value {
                None => default,
                Some(v) => match number(&v) {
                    Some(n) if n.is_finite() => n,
                    _ => {
                        log::warn!("element {id}: `{key}` is not a finite number, using {default}");
                        default
                    }
                },
            }
        };
        let size = |key: &str, value: Option<Out>| -> f64 {
            let v = num(key, value, NOTE_SIZE);
            if v > 0.0 {
                v
            } else {
                log::warn!("element {id}: `{key}` must be > 0, using {NOTE_SIZE}");
                NOTE_SIZE
            }
        };
        let string = |key: &str, value: Option<Out>| -> Option<String> {
            match value {
                None => None,
                Some(Out::Any(Any::String(s))) => Some(s.to_string()),
                Some(other) => {
                    log::warn!("element {id}: `{key}` is not a string ({other:?}), ignored");
                    None
                }
            }
        };
        let text = match fields.text {
            None => String::new(),
            Some(Out::YText(t)) => t.get_string(txn),
            // Tolerate a plain string written by a simpler client.
            Some(Out::Any(Any::String(s))) => s.to_string(),
            Some(other) => {
                log::warn!("element {id}: `text` is not a Y.Text ({other:?}), ignored");
                String::new()
            }
        };
        let pts = match fields.pts {
            None => Vec::new(),
            Some(Out::Any(Any::Array(items))) => items.iter().filter_map(any_number).collect(),
            Some(Out::YArray(arr)) => {
                use yrs::Array;
                arr.iter(txn).filter_map(|v| number(&v)).collect()
            }
            Some(other) => {
                log::warn!("element {id}: `pts` is not an array ({other:?}), ignored");
                Vec::new()
            }
        };
        let locked = matches!(fields.locked, Some(Out::Any(Any::Bool(true))));
        Some(Element {
            id: id.to_string(),
            kind,
            x: num("x", fields.x, 0.0),
            y: num("y", fields.y, 0.0),
            w: size("w", fields.w),
            h: size("h", fields.h),
            z: string("z", fields.z).unwrap_or_default(),
            color: string("color", fields.color).unwrap_or_else(|| "yellow".to_string()),
            text,
            parent: string("parent", fields.parent),
            from: string("from", fields.from),
            to: string("to", fields.to),
            pts,
            locked,
        })
    }
}

pub(crate) fn any_number(a: &Any) -> Option<f64> {
    match a {
        Any::Number(n) => match n {
            yrs::any::Number::Float(f) => Some(*f),
            // Integers (and BigInts from JavaScript) arrive as Int; precision loss
            // beyond 2^53 is acceptable for coordinates.
            yrs::any::Number::Int(i) => Some(*i as f64),
        },
        _ => None,
    }
}

pub(crate) fn number(v: &Out) -> Option<f64> {
    match v {
        Out::Any(a) => any_number(a),
        _ => None,
    }
}

/// Whether `s` is a palette name or `#rrggbb`.
pub fn is_valid_color(s: &str) -> bool {
    PALETTE.contains(&s)
        || (s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A fresh element id: 21 characters from `[A-Za-z0-9_-]` (SCHEMA.md wants ≥ 16).
pub fn new_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    (0..21)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}
