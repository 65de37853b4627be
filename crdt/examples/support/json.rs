//! Hand-written JSON for the interop examples (no serde): a board's title, schema and
//! elements in paint order, as the node tests in `tests/interop/` read them.

use crdt::{Board, Element};

/// A JSON string literal. Escapes what JSON requires (quote, backslash, control
/// characters); everything else, emoji included, is written as UTF-8.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number; non-finite values (which the board reader never returns) as `null`.
pub fn number(n: f64) -> String {
    if n.is_finite() {
        // `Display` for f64 prints the shortest representation that round-trips
        // (`100`, `12.5`, `0.1`), which JSON.parse reads back to the same double.
        format!("{n}")
    } else {
        "null".to_string()
    }
}

fn optional(s: &Option<String>) -> String {
    s.as_deref()
        .map(string)
        .unwrap_or_else(|| "null".to_string())
}

pub fn element(e: &Element) -> String {
    let pts: Vec<String> = e.pts.iter().copied().map(number).collect();
    format!(
        concat!(
            "{{\"id\":{},\"kind\":{},\"x\":{},\"y\":{},\"w\":{},\"h\":{},\"z\":{},",
            "\"color\":{},\"text\":{},\"parent\":{},\"from\":{},\"to\":{},\"pts\":[{}],\"locked\":{}}}"
        ),
        string(&e.id),
        string(e.kind.as_str()),
        number(e.x),
        number(e.y),
        number(e.w),
        number(e.h),
        string(&e.z),
        string(&e.color),
        string(&e.text),
        optional(&e.parent),
        optional(&e.from),
        optional(&e.to),
        pts.join(","),
        e.locked,
    )
}

/// `{"title": …, "schema": … | null, "elements": [… in paint order]}`.
pub fn board(b: &Board) -> String {
    let elements: Vec<String> = b.elements().iter().map(element).collect();
    format!(
        "{{\"title\":{},\"schema\":{},\"elements\":[{}]}}",
        string(&b.title()),
        b.schema().map(number).unwrap_or_else(|| "null".to_string()),
        elements.join(",")
    )
}
