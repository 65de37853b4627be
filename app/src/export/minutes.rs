//! The workshop minutes: Markdown and CSV made from the board (UI.md, "Protocol").
//!
//! - Frames in board order (paint order, as the outline lists them); inside each, its
//!   elements read top-to-bottom, left-to-right (a row is what starts within half a
//!   note's height of the row's first element).
//! - Then the text of elements outside every frame, in the same reading order.
//! - Vote totals per round, where voting happened.
//!
//! CSV: UTF-8 with a BOM, comma-separated, CRLF, header `frame,kind,text,votes`; fields
//! are quoted when needed, and a field that a spreadsheet would run as a formula
//! (`=`, `+`, `@`, `-` before a digit or `(`…) gets a leading `'`, so a note cannot
//! run code in LibreOffice or Excel. Nothing here can name a participant: the board
//! holds no names.

use std::collections::HashMap;

use crdt::{Element, Kind};

use crate::i18n::{kind_name, Lang};

/// The totals of one closed voting round: element id → votes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoteRound {
    pub label: String,
    pub totals: HashMap<String, u32>,
}

struct Words {
    minutes: &'static str,
    outside: &'static str,
    votes: &'static str,
    untitled_frame: &'static str,
    untitled_board: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::De => Words {
            minutes: "Protokoll",
            outside: "Außerhalb von Rahmen",
            votes: "Stimmen",
            untitled_frame: "Rahmen ohne Titel",
            untitled_board: "Unbenanntes Board",
        },
        Lang::En => Words {
            minutes: "Minutes",
            outside: "Outside frames",
            votes: "Votes",
            untitled_frame: "Untitled frame",
            untitled_board: "Untitled board",
        },
    }
}

/// A section of the minutes: a frame (or the elements outside frames) and its items.
struct Section<'a> {
    frame: Option<&'a Element>,
    items: Vec<&'a Element>,
}

/// Elements whose text belongs in the minutes.
fn has_text(e: &Element) -> bool {
    !matches!(e.kind, Kind::Frame | Kind::Ink) && !e.text.trim().is_empty()
}

/// Reading order: rows top to bottom, each row left to right.
fn reading_order(items: &mut [&Element]) {
    crdt::order::sort_by(items, |a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut start = 0;
    while start < items.len() {
        let top = items[start].y;
        let tol = (items[start].h / 2.0).max(20.0);
        let end = (start..items.len())
            .find(|&i| items[i].y - top > tol)
            .unwrap_or(items.len());
        crdt::order::sort_by(&mut items[start..end], |a, b| a.x.total_cmp(&b.x));
        start = end;
    }
}

/// The sections in order. `elements` is the board in paint order.
fn sections<'a>(elements: &[&'a Element]) -> Vec<Section<'a>> {
    let frames: HashMap<&str, &Element> = elements
        .iter()
        .filter(|e| e.kind == Kind::Frame)
        .map(|e| (e.id.as_str(), *e))
        .collect();
    let mut by_frame: HashMap<&str, Vec<&Element>> = HashMap::new();
    let mut outside = Vec::new();
    for e in elements.iter().filter(|e| has_text(e)) {
        match e.parent.as_deref().filter(|p| frames.contains_key(p)) {
            Some(p) => by_frame.entry(p).or_default().push(*e),
            None => outside.push(*e),
        }
    }
    let mut out: Vec<Section<'a>> = elements
        .iter()
        .filter(|e| e.kind == Kind::Frame)
        .map(|f| {
            let mut items = by_frame.remove(f.id.as_str()).unwrap_or_default();
            reading_order(&mut items);
            Section {
                frame: Some(*f),
                items,
            }
        })
        .collect();
    if !outside.is_empty() {
        reading_order(&mut outside);
        out.push(Section {
            frame: None,
            items: outside,
        });
    }
    out
}

fn frame_title<'a>(f: &'a Element, w: &Words) -> &'a str {
    let t = f.text.trim();
    if t.is_empty() {
        w.untitled_frame
    } else {
        t
    }
}

/// One line of Markdown for a text: line breaks become `<br>`-free continuation
/// lines, and characters Markdown would read as markup are escaped.
fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push_str("  \n  ");
        }
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '<' | '>' | '|' | '!' | '~'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The minutes as Markdown.
pub fn markdown(title: &str, elements: &[&Element], rounds: &[VoteRound], lang: Lang) -> String {
    let w = words(lang);
    let title = if title.trim().is_empty() {
        w.untitled_board
    } else {
        title.trim()
    };
    let mut out = format!("# {} — {}\n", md_text(title), w.minutes);
    let last = rounds.last();
    for s in sections(elements) {
        let heading = match s.frame {
            Some(f) => md_text(frame_title(f, &w)),
            None => w.outside.to_string(),
        };
        out.push_str(&format!("\n## {heading}\n\n"));
        for e in &s.items {
            let votes = last
                .and_then(|r| r.totals.get(&e.id))
                .map(|v| format!(" ({v} {})", w.votes))
                .unwrap_or_default();
            let kind = if e.kind == Kind::Note {
                String::new()
            } else {
                format!("*{}:* ", kind_name(lang, &e.kind))
            };
            out.push_str(&format!("- {kind}{}{votes}\n", md_text(&e.text)));
        }
    }
    let by_id: HashMap<&str, &Element> = elements.iter().map(|e| (e.id.as_str(), *e)).collect();
    for r in rounds.iter().filter(|r| !r.totals.is_empty()) {
        out.push_str(&format!("\n## {} — {}\n\n", w.votes, md_text(&r.label)));
        out.push_str(&format!("| {} | Text |\n|---:|---|\n", w.votes));
        let mut rows: Vec<(&String, &u32)> = r.totals.iter().collect();
        crdt::order::sort_by(&mut rows, |a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (id, n) in rows {
            let text = by_id
                .get(id.as_str())
                .map(|e| e.text.as_str())
                .unwrap_or("");
            out.push_str(&format!("| {n} | {} |\n", md_text(text).replace('\n', " ")));
        }
    }
    out
}

/// One CSV field, quoted when needed and defused against formula injection.
fn csv_field(s: &str) -> String {
    let mut chars = s.chars();
    let risky = match chars.next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => matches!(chars.next(), Some('0'..='9' | '(' | '=' | '+' | '@')),
        _ => false,
    };
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The minutes as CSV: `frame,kind,text,votes` (votes of the last closed round).
pub fn csv(elements: &[&Element], rounds: &[VoteRound], lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::from("\u{feff}frame,kind,text,votes\r\n");
    let last = rounds.last();
    for s in sections(elements) {
        let frame = s.frame.map(|f| frame_title(f, &w)).unwrap_or("");
        for e in &s.items {
            let votes = last
                .and_then(|r| r.totals.get(&e.id))
                .map(|v| v.to_string())
                .unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{}\r\n",
                csv_field(frame),
                csv_field(kind_name(lang, &e.kind)),
                csv_field(e.text.trim()),
                votes
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(kind: Kind, x: f64, y: f64, text: &str, parent: Option<&str>) -> Element {
        Element {
            id: format!("{text}-{x}-{y}"),
            kind,
            x,
            y,
            w: 200.0,
            h: 200.0,
            z: String::new(),
            color: "yellow".into(),
            text: text.into(),
            parent: parent.map(String::from),
            from: None,
            to: None,
            pts: Vec::new(),
            locked: false,
        }
    }

    fn board() -> Vec<Element> {
        let mut dos = el(Kind::Frame, 0.0, 0.0, "Do's", None);
        dos.id = "dos".into();
        let mut donts = el(Kind::Frame, 1000.0, 0.0, "Don'ts", None);
        donts.id = "donts".into();
        vec![
            donts,
            dos,
            // Row 2 before row 1 in paint order, and a row slightly uneven.
            el(Kind::Note, 300.0, 400.0, "Zuhören", Some("dos")),
            el(Kind::Note, 50.0, 410.0, "Ausreden lassen", Some("dos")),
            el(Kind::Note, 300.0, 60.0, "Offen fragen", Some("dos")),
            el(Kind::Note, 50.0, 50.0, "Pünktlich, bitte", Some("dos")),
            el(Kind::Note, 1050.0, 50.0, "=HYPERLINK(\"x\")", Some("donts")),
            el(Kind::Text, 0.0, 2000.0, "Say \"hi\"\nthen <b>go</b>", None),
            el(Kind::Ink, 0.0, 3000.0, "", None),
        ]
    }

    #[test]
    fn markdown_lists_frames_in_board_order_and_notes_in_reading_order() {
        let b = board();
        let refs: Vec<&Element> = b.iter().collect();
        let md = markdown("Teamvereinbarung", &refs, &[], Lang::De);
        let pos = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s} missing in\n{md}"));
        assert!(md.starts_with("# Teamvereinbarung — Protokoll\n"));
        assert!(pos("## Don'ts") < pos("## Do's"));
        assert!(pos("Pünktlich, bitte") < pos("Offen fragen"));
        assert!(pos("Offen fragen") < pos("Ausreden lassen"));
        assert!(pos("Ausreden lassen") < pos("Zuhören"));
        assert!(pos("## Außerhalb von Rahmen") < pos("*Text:*"));
        assert!(md.contains("\\<b\\>go\\</b\\>"), "markup is escaped:\n{md}");
    }

    #[test]
    fn csv_has_bom_header_quoting_and_no_formulas() {
        let b = board();
        let refs: Vec<&Element> = b.iter().collect();
        let mut round = VoteRound {
            label: "1".into(),
            totals: HashMap::new(),
        };
        round.totals.insert(b[4].id.clone(), 5);
        let csv = csv(&refs, &[round], Lang::En);
        assert!(csv.starts_with("\u{feff}frame,kind,text,votes\r\n"));
        assert!(csv.contains("Do's,Note,Offen fragen,5\r\n"), "{csv}");
        assert!(csv.contains("Do's,Note,\"Pünktlich, bitte\",\r\n"));
        assert!(
            csv.contains("Don'ts,Note,\"'=HYPERLINK(\"\"x\"\")\",\r\n"),
            "{csv}"
        );
        assert!(csv.contains(",Text,\"Say \"\"hi\"\"\nthen <b>go</b>\",\r\n"));
        assert_eq!(csv.matches("\r\n").count(), 7);
    }

    #[test]
    fn vote_rounds_are_listed_with_ties() {
        let b = board();
        let refs: Vec<&Element> = b.iter().collect();
        let mut r = VoteRound {
            label: "Runde 1".into(),
            totals: HashMap::new(),
        };
        r.totals.insert(b[2].id.clone(), 3);
        r.totals.insert(b[3].id.clone(), 3);
        r.totals.insert(b[4].id.clone(), 1);
        let md = markdown("T", &refs, &[r], Lang::De);
        assert!(md.contains("## Stimmen — Runde 1"));
        assert!(md.contains("| 3 | Zuhören |") && md.contains("| 3 | Ausreden lassen |"));
        assert!(md.find("| 3 |").unwrap() < md.find("| 1 |").unwrap());
    }

    #[test]
    fn formula_defusing_leaves_ordinary_text_alone() {
        assert_eq!(csv_field("- Punkt"), "- Punkt");
        assert_eq!(csv_field("-1+2"), "'-1+2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("plain"), "plain");
    }
}
