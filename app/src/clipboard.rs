//! The clipboard format, and pasting plain text as notes. DOM-free.
//!
//! Copy writes `text/plain` with one JSON document (documented in docs/schema.md,
//! "Clipboard"):
//!
//! ```json
//! {"lernraum":"clipboard","version":1,
//!  "elements":[{"id":"…","kind":"note","x":0,"y":0,"w":200,"h":200,
//!               "color":"yellow","text":"…","parent":null,"from":null,"to":null,"pts":[]}]}
//! ```
//!
//! Positions are relative to the top-left of the copied set. Ids are only labels
//! inside the set: pasting gives every element a new id and keeps `parent`, `from` and
//! `to` only where they point inside the set. Anything else pasted (text from a
//! document, a list of measures) becomes one note per non-empty line, in a grid.
//! Pasted input is untrusted: bounded in size and count, bad entries are skipped.

use std::collections::HashMap;

use crdt::geometry::Rect;
use crdt::kinds::rules;
use crdt::{Element, Kind, NewElement};
use serde::{Deserialize, Serialize};

/// Largest clipboard text read, in bytes.
pub const MAX_TEXT: usize = 4 * 1024 * 1024;
/// Most elements one paste creates.
pub const MAX_ELEMENTS: usize = 10_000;
/// Grid pitch of notes made from lines of text.
const PITCH: f64 = 240.0;

#[derive(Serialize, Deserialize)]
struct Document {
    lernraum: String,
    version: u32,
    elements: Vec<Item>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Item {
    id: String,
    kind: String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    #[serde(default)]
    color: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    pts: Vec<f64>,
}

/// The clipboard text for these elements (in paint order).
pub fn encode(elements: &[&Element]) -> String {
    let origin = elements
        .iter()
        .map(|e| e.bounds())
        .reduce(|a, b| a.union(&b))
        .map(|r| (r.x, r.y))
        .unwrap_or((0.0, 0.0));
    let items = elements
        .iter()
        .map(|e| Item {
            id: e.id.clone(),
            kind: e.kind.as_str().to_string(),
            x: e.x - origin.0,
            y: e.y - origin.1,
            w: e.w,
            h: e.h,
            color: e.color.clone(),
            text: e.text.clone(),
            parent: e.parent.clone(),
            from: e.from.clone(),
            to: e.to.clone(),
            pts: e.pts.clone(),
        })
        .collect();
    let doc = Document {
        lernraum: "clipboard".into(),
        version: 1,
        elements: items,
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// What a paste creates, centred on `(cx, cy)`: Lernraum elements if the text is our
/// format, else one note per non-empty line. `None` for nothing to paste.
pub fn paste(text: &str, cx: f64, cy: f64) -> Option<Vec<NewElement>> {
    if text.len() > MAX_TEXT {
        log::warn!("paste of {} bytes refused: above the limit", text.len());
        return None;
    }
    let out = match serde_json::from_str::<Document>(text) {
        Ok(doc) if doc.lernraum == "clipboard" => from_document(doc, cx, cy),
        _ => notes_from_lines(text, cx, cy),
    };
    (!out.is_empty()).then_some(out)
}

fn from_document(doc: Document, cx: f64, cy: f64) -> Vec<NewElement> {
    let items: Vec<Item> = doc
        .elements
        .into_iter()
        .filter(|i| [i.x, i.y, i.w, i.h].iter().all(|v| v.is_finite()) && i.w > 0.0 && i.h > 0.0)
        .take(MAX_ELEMENTS)
        .collect();
    let Some(bounds) = items
        .iter()
        .map(|i| Rect {
            x: i.x,
            y: i.y,
            w: i.w,
            h: i.h,
        })
        .reduce(|a, b| a.union(&b))
    else {
        return Vec::new();
    };
    let (dx, dy) = (
        cx - bounds.w / 2.0 - bounds.x,
        cy - bounds.h / 2.0 - bounds.y,
    );
    let ids: HashMap<String, String> = items
        .iter()
        .map(|i| (i.id.clone(), crdt::new_id()))
        .collect();
    let inside = |r: &Option<String>| r.as_ref().and_then(|id| ids.get(id).cloned());
    items
        .iter()
        .map(|i| NewElement {
            id: ids[&i.id].clone(),
            kind: Kind::parse(&i.kind),
            x: i.x + dx,
            y: i.y + dy,
            w: i.w,
            h: i.h,
            color: i.color.clone(),
            text: i.text.clone(),
            parent: inside(&i.parent),
            z: None,
            pts: i.pts.iter().copied().filter(|v| v.is_finite()).collect(),
            from: inside(&i.from),
            to: inside(&i.to),
        })
        .collect()
}

/// One note per non-empty line (list bullets and numbering stripped), laid out in a
/// grid of ⌈√n⌉ columns centred on `(cx, cy)`.
pub fn notes_from_lines(text: &str, cx: f64, cy: f64) -> Vec<NewElement> {
    let lines: Vec<String> = text
        .lines()
        .map(strip_bullet)
        .filter(|l| !l.is_empty())
        .take(MAX_ELEMENTS)
        .collect();
    let n = lines.len();
    if n == 0 {
        return Vec::new();
    }
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols);
    let (size, _) = rules(&Kind::Note).default_size;
    let left = cx - (cols as f64 * PITCH - (PITCH - size)) / 2.0;
    let top = cy - (rows as f64 * PITCH - (PITCH - size)) / 2.0;
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let mut note = NewElement::note_centred(0.0, 0.0, "yellow");
            note.x = left + (i % cols) as f64 * PITCH;
            note.y = top + (i / cols) as f64 * PITCH;
            note.text = line;
            note
        })
        .collect()
}

/// "- item", "• item", "3. item", "3) item" → "item".
fn strip_bullet(line: &str) -> String {
    let t = line.trim();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("• "))
        .or_else(|| t.strip_prefix("– "))
        .unwrap_or(t);
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 5 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r.trim().to_string();
        }
    }
    t.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(id: &str, kind: Kind, x: f64, y: f64) -> Element {
        Element {
            id: id.into(),
            kind,
            x,
            y,
            w: 100.0,
            h: 50.0,
            z: "a0".into(),
            color: "blue".into(),
            text: format!("<{id}> & \"quoted\""),
            parent: None,
            from: None,
            to: None,
            pts: Vec::new(),
            locked: false,
        }
    }

    #[test]
    fn copied_elements_paste_with_new_ids_and_the_same_layout() {
        let a = el("a", Kind::Rect, 100.0, 100.0);
        let mut b = el("b", Kind::Note, 300.0, 200.0);
        b.parent = Some("a".into());
        let mut c = el("c", Kind::Text, 50.0, 400.0);
        c.parent = Some("not-copied".into());
        let text = encode(&[&a, &b, &c]);
        let pasted = paste(&text, 1000.0, 1000.0).unwrap();
        assert_eq!(pasted.len(), 3);
        assert!(pasted
            .iter()
            .all(|p| !["a", "b", "c"].contains(&p.id.as_str())));
        // Relative layout kept.
        assert_eq!(pasted[1].x - pasted[0].x, 200.0);
        assert_eq!(pasted[1].y - pasted[0].y, 100.0);
        // Parent kept inside the set, dropped outside it.
        assert_eq!(pasted[1].parent.as_deref(), Some(pasted[0].id.as_str()));
        assert_eq!(pasted[2].parent, None);
        assert_eq!(pasted[0].text, "<a> & \"quoted\"");
        assert_eq!(pasted[2].kind, Kind::Text);
    }

    #[test]
    fn a_list_of_130_measures_becomes_130_notes_in_a_grid() {
        let list: String = (1..=130).map(|i| format!("{i}. Maßnahme {i}\n")).collect();
        let notes = paste(&list, 0.0, 0.0).unwrap();
        assert_eq!(notes.len(), 130);
        assert_eq!(notes[0].text, "Maßnahme 1");
        assert_eq!(notes[129].text, "Maßnahme 130");
        // 12 columns (⌈√130⌉), no two notes overlap.
        let xs: std::collections::BTreeSet<i64> = notes.iter().map(|n| n.x as i64).collect();
        assert_eq!(xs.len(), 12);
        for (i, a) in notes.iter().enumerate() {
            for b in &notes[i + 1..] {
                let overlap = (a.x - b.x).abs() < a.w && (a.y - b.y).abs() < a.h;
                assert!(!overlap);
            }
        }
    }

    #[test]
    fn bullets_and_blank_lines_are_dropped() {
        let notes = paste("- eins\n\n• zwei\r\n  3) drei  \n", 0.0, 0.0).unwrap();
        let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["eins", "zwei", "drei"]);
        assert!(paste("  \n \n", 0.0, 0.0).is_none());
    }

    #[test]
    fn hostile_clipboard_documents_are_bounded_and_never_panic() {
        assert!(paste(&"x".repeat(MAX_TEXT + 1), 0.0, 0.0).is_none());
        let bad = r#"{"lernraum":"clipboard","version":1,"elements":[{"id":"a","kind":"note","x":1e400,"y":0,"w":-1,"h":5}]}"#;
        // Not a valid document (1e400 overflows): falls back to a note with the text.
        let out = paste(bad, 0.0, 0.0).unwrap();
        assert_eq!(out.len(), 1);
        let zero = r#"{"lernraum":"clipboard","version":1,"elements":[{"id":"a","kind":"note","x":0,"y":0,"w":0,"h":5}]}"#;
        assert!(paste(zero, 0.0, 0.0).is_none());
    }
}
