//! Board templates: ready-made frames and example notes for the usual workshop formats
//! of the Lernraum (team agreement, problem map, prioritisation matrix, retrospective).
//!
//! `build` only produces `NewElement`s centred on a board point; the UI (template gallery
//! on an empty board, template menu) adds them with one command, so one undo removes a
//! whole template. Every element gets a fresh id and `z: None`, and the list is in paint
//! order: all frames first, then their contents, each content element naming its frame in
//! `parent`. Example texts are deliberately anonymous: no person, ministry or unit is
//! named, in line with the Chatham House rule (see SCHEMA.md, "No author identity").

use crdt::{Kind, NewElement, NOTE_SIZE};

use crate::i18n::Lang;

/// Space between a frame's edge and the notes inside it; also room for a title margin.
const MARGIN: f64 = 40.0;
/// Space between neighbouring notes in a frame.
const NOTE_GAP: f64 = 20.0;
/// Space between frames. Frame titles are drawn above the top edge, so this also keeps a
/// title clear of the frame above it.
const FRAME_GAP: f64 = 80.0;
/// Wider space between the frames of the problem map, for arrows drawn later.
const ARROW_GAP: f64 = 200.0;
/// Size of the Chatham House rule card.
const CARD_W: f64 = 320.0;
const CARD_H: f64 = 240.0;

/// A text in German and English.
type Tr = (&'static str, &'static str);

fn tr(lang: Lang, (de, en): Tr) -> &'static str {
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// The Chatham House rule in its exact meaning: what is said may be used freely, but
/// nobody may reveal who said it or which house they belong to.
const CHATHAM_HOUSE: Tr = (
    "Chatham-Haus-Regel\n\nInformationen aus dieser Runde dürfen frei verwendet werden. \
     Weder die Identität noch die Zugehörigkeit (Ressort, Referat) der Sprechenden \
     darf offengelegt werden.",
    "Chatham House Rule\n\nInformation from this meeting may be used freely. \
     Neither the identity nor the affiliation of any speaker may be revealed.",
);

/// The Chatham House rule card alone, centred on `(cx, cy)` (the moderator's "Show
/// the rule card").
pub fn rule_card(lang: Lang, cx: f64, cy: f64) -> crdt::NewElement {
    let mut card = crdt::NewElement::note_centred(cx, cy, "blue");
    card.x = cx - CARD_W / 2.0;
    card.y = cy - CARD_H / 2.0;
    card.w = CARD_W;
    card.h = CARD_H;
    card.text = tr(lang, CHATHAM_HOUSE).to_string();
    card
}

// The text tables below are kept one (German, English) pair per line, which rustfmt
// would spread over four.

const DOS: Tr = ("Das tun wir", "Do's");
#[rustfmt::skip]
const DOS_EXAMPLES: [Tr; 3] = [
    ("Offen über Herausforderungen sprechen", "Speak openly about challenges"),
    ("Fehler als Lernchance sehen", "See mistakes as a chance to learn"),
    ("Unterstützung anbieten und annehmen", "Offer and accept support"),
];
const DONTS: Tr = ("Das lassen wir", "Don'ts");
#[rustfmt::skip]
const DONTS_EXAMPLES: [Tr; 3] = [
    ("Zitate keinem Haus zuordnen", "Attribute no quote to a ministry"),
    ("Schuldige suchen", "Look for someone to blame"),
    ("Nebenher E-Mails bearbeiten", "Answer emails on the side"),
];

/// Problem map, left to right: title, note colour, examples.
#[rustfmt::skip]
const PROBLEM_MAP: [(Tr, &str, [Tr; 2]); 3] = [
    (("Ursachen", "Causes"), "yellow", [
        ("Mehr als 130 Maßnahmen in vielen Häusern", "More than 130 measures in many ministries"),
        ("Wenig Zeit neben dem Tagesgeschäft", "Little time alongside day-to-day work"),
    ]),
    (("Spannungsfelder", "Tensions"), "orange", [
        ("Ressortzuständigkeit vs. gemeinsame Ziele", "Departmental remit vs. shared goals"),
        ("Tempo vs. gründliche Abstimmung", "Speed vs. thorough coordination"),
    ]),
    (("Wirkungen", "Effects"), "violet", [
        ("Doppelarbeit zwischen den Ressorts", "Duplicate work across ministries"),
        ("Verzögerte Umsetzung", "Delayed implementation"),
    ]),
];

/// Prioritisation quadrants: column (effort), row (impact, high first), title, example.
#[rustfmt::skip]
const QUADRANTS: [(f64, f64, Tr, Tr); 4] = [
    (0.0, 0.0, ("Große Wirkung, wenig Aufwand", "High impact, low effort"),
        ("Gemeinsame Vorlage für Statusberichte", "Shared template for status reports")),
    (1.0, 0.0, ("Große Wirkung, viel Aufwand", "High impact, high effort"),
        ("Ressortübergreifende Datenplattform", "Cross-ministry data platform")),
    (0.0, 1.0, ("Geringe Wirkung, wenig Aufwand", "Low impact, low effort"),
        ("Newsletter zum Umsetzungsstand", "Newsletter on implementation progress")),
    (1.0, 1.0, ("Geringe Wirkung, viel Aufwand", "Low impact, high effort"),
        ("Eigenes Berichtsformat für jedes Referat", "A separate report format for every unit")),
];
const IMPACT_AXIS: Tr = ("Wirkung ↑", "Impact ↑");
const EFFORT_AXIS: Tr = ("Aufwand →", "Effort →");

/// Retrospective, left to right: question, note colour, example.
#[rustfmt::skip]
const RETRO: [(Tr, &str, Tr); 3] = [
    (("Was lief gut?", "What went well?"), "green",
        ("Offener Austausch zwischen den Ressorts", "Open exchange between ministries")),
    (("Was können wir verbessern?", "What could be better?"), "orange",
        ("Mehr Zeit für Rückfragen einplanen", "Plan more time for questions")),
    (("Was nehmen wir uns vor?", "What will we try?"), "blue",
        ("Steckbriefe der Maßnahmen vorab teilen", "Share fact sheets on the measures in advance")),
];

/// A workshop template offered in the gallery and the template menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    TeamAgreement,
    ProblemMap,
    Prioritisation,
    Retrospective,
}

impl Template {
    /// Every template, in gallery order.
    pub const ALL: [Template; 4] = [
        Template::TeamAgreement,
        Template::ProblemMap,
        Template::Prioritisation,
        Template::Retrospective,
    ];

    /// The template's name, as shown in the gallery and the menu.
    pub fn name(self, lang: Lang) -> &'static str {
        let text = match self {
            Template::TeamAgreement => ("Teamvereinbarung", "Team agreement"),
            Template::ProblemMap => ("Problemlandkarte", "Problem map"),
            Template::Prioritisation => ("Priorisierungsmatrix", "Prioritisation matrix"),
            Template::Retrospective => ("Retrospektive", "Retrospective"),
        };
        tr(lang, text)
    }

    /// One short sentence under the name in the gallery.
    pub fn description(self, lang: Lang) -> &'static str {
        let text = match self {
            Template::TeamAgreement => (
                "Regeln der Zusammenarbeit festhalten, mit der Chatham-Haus-Regel.",
                "Agree how you work together, including the Chatham House Rule.",
            ),
            Template::ProblemMap => (
                "Spannungsfelder mit ihren Ursachen und Wirkungen sammeln.",
                "Collect tensions together with their causes and effects.",
            ),
            Template::Prioritisation => (
                "Maßnahmen nach Wirkung und Aufwand einordnen.",
                "Sort measures by impact and effort.",
            ),
            Template::Retrospective => (
                "Auf die Zusammenarbeit zurückblicken und Vorhaben vereinbaren.",
                "Look back on working together and agree what to try next.",
            ),
        };
        tr(lang, text)
    }
}

/// The elements of `t` in `lang`, with their bounding box centred on board point
/// `(cx, cy)`, in paint order (frames first), each with a fresh id and `z: None`.
pub fn build(t: Template, lang: Lang, cx: f64, cy: f64) -> Vec<NewElement> {
    let mut b = Builder {
        lang,
        frames: Vec::new(),
        contents: Vec::new(),
    };
    match t {
        Template::TeamAgreement => team_agreement(&mut b),
        Template::ProblemMap => problem_map(&mut b),
        Template::Prioritisation => prioritisation(&mut b),
        Template::Retrospective => retrospective(&mut b),
    }
    b.finish(cx, cy)
}

fn team_agreement(b: &mut Builder) {
    let grid = Grid { cols: 2, rows: 3 };
    let x2 = grid.width() + FRAME_GAP;
    b.frame_with_notes((0.0, 0.0), grid, DOS, "green", &DOS_EXAMPLES);
    b.frame_with_notes((x2, 0.0), grid, DONTS, "red", &DONTS_EXAMPLES);
    let card = (x2 + grid.width() + FRAME_GAP, 0.0, CARD_W, CARD_H);
    b.element(Kind::Note, card, "blue", CHATHAM_HOUSE, None);
}

fn problem_map(b: &mut Builder) {
    let grid = Grid { cols: 2, rows: 2 };
    let mut frames = Vec::new();
    for (i, (title, color, examples)) in PROBLEM_MAP.into_iter().enumerate() {
        let x = i as f64 * (grid.width() + ARROW_GAP);
        frames.push((
            b.frame_with_notes((x, 0.0), grid, title, color, &examples),
            x,
        ));
    }
    // Causes → tensions → effects, bound to the frames so they follow them.
    let mid = grid.height() / 2.0;
    for pair in frames.windows(2) {
        let ((from, x0), (to, x1)) = (&pair[0], &pair[1]);
        b.arrow(from, to, (x0 + grid.width() + 4.0, mid), (x1 - 4.0, mid));
    }
}

fn prioritisation(b: &mut Builder) {
    // Room for 5 × 4 = 20 notes per quadrant.
    let grid = Grid { cols: 5, rows: 4 };
    let (w, h) = (grid.width(), grid.height());
    for (col, row, title, example) in QUADRANTS {
        let at = (col * (w + FRAME_GAP), row * (h + FRAME_GAP));
        b.frame_with_notes(at, grid, title, "yellow", &[example]);
    }
    let (matrix_w, matrix_h) = (2.0 * w + FRAME_GAP, 2.0 * h + FRAME_GAP);
    let (label_w, label_h) = (200.0, 40.0);
    let left = (
        -label_w - MARGIN,
        (matrix_h - label_h) / 2.0,
        label_w,
        label_h,
    );
    let bottom = (
        (matrix_w - label_w) / 2.0,
        matrix_h + MARGIN,
        label_w,
        label_h,
    );
    b.element(Kind::Text, left, "gray", IMPACT_AXIS, None);
    b.element(Kind::Text, bottom, "gray", EFFORT_AXIS, None);
}

fn retrospective(b: &mut Builder) {
    let grid = Grid { cols: 2, rows: 3 };
    for (i, (title, color, example)) in RETRO.into_iter().enumerate() {
        let x = i as f64 * (grid.width() + FRAME_GAP);
        b.frame_with_notes((x, 0.0), grid, title, color, &[example]);
    }
}

/// The note capacity of a frame: `cols` × `rows` notes with gaps and margins.
#[derive(Clone, Copy)]
struct Grid {
    cols: usize,
    rows: usize,
}

impl Grid {
    fn span(n: usize) -> f64 {
        2.0 * MARGIN + n as f64 * NOTE_SIZE + n.saturating_sub(1) as f64 * NOTE_GAP
    }
    fn width(self) -> f64 {
        Grid::span(self.cols)
    }
    fn height(self) -> f64 {
        Grid::span(self.rows)
    }
    /// Top-left corner of the `i`-th note, row by row, relative to the frame.
    fn slot(self, i: usize) -> (f64, f64) {
        let (col, row) = (i % self.cols, i / self.cols);
        let step = NOTE_SIZE + NOTE_GAP;
        (MARGIN + col as f64 * step, MARGIN + row as f64 * step)
    }
}

/// Collects frames and contents in template coordinates, then centres them.
struct Builder {
    lang: Lang,
    frames: Vec<NewElement>,
    contents: Vec<NewElement>,
}

impl Builder {
    /// Adds an element; returns its id.
    fn element(
        &mut self,
        kind: Kind,
        (x, y, w, h): (f64, f64, f64, f64),
        color: &str,
        text: Tr,
        parent: Option<&str>,
    ) -> String {
        let id = crdt::new_id();
        let e = NewElement {
            id: id.clone(),
            kind: kind.clone(),
            x,
            y,
            w,
            h,
            color: color.to_string(),
            text: tr(self.lang, text).to_string(),
            parent: parent.map(str::to_string),
            z: None,
            pts: Vec::new(),
            from: None,
            to: None,
        };
        if kind == Kind::Frame {
            self.frames.push(e);
        } else {
            self.contents.push(e);
        }
        id
    }

    /// A white frame at `(x, y)` sized for `grid`, with `notes` in its first slots.
    fn frame_with_notes(
        &mut self,
        (x, y): (f64, f64),
        grid: Grid,
        title: Tr,
        color: &str,
        notes: &[Tr],
    ) -> String {
        debug_assert!(notes.len() <= grid.cols * grid.rows);
        let rect = (x, y, grid.width(), grid.height());
        let frame = self.element(Kind::Frame, rect, "white", title, None);
        for (i, &text) in notes.iter().enumerate() {
            let (dx, dy) = grid.slot(i);
            let rect = (x + dx, y + dy, NOTE_SIZE, NOTE_SIZE);
            self.element(Kind::Note, rect, color, text, Some(&frame));
        }
        frame
    }

    /// A horizontal arrow from `a` to `b` (left to right), bound to two elements.
    fn arrow(&mut self, from: &str, to: &str, a: (f64, f64), b: (f64, f64)) {
        let (x, y) = (a.0.min(b.0), a.1.min(b.1) - 0.5);
        let (w, h) = ((b.0 - a.0).abs().max(1.0), (b.1 - a.1).abs().max(1.0));
        self.contents.push(NewElement {
            id: crdt::new_id(),
            kind: Kind::Arrow,
            x,
            y,
            w,
            h,
            color: "gray".to_string(),
            text: String::new(),
            parent: None,
            z: None,
            pts: vec![a.0 - x, a.1 - y, b.0 - x, b.1 - y],
            from: Some(from.to_string()),
            to: Some(to.to_string()),
        });
    }

    /// Frames first, then contents, moved so the bounding box is centred on `(cx, cy)`.
    fn finish(self, cx: f64, cy: f64) -> Vec<NewElement> {
        let mut all = self.frames;
        all.extend(self.contents);
        let (mut x0, mut y0) = (f64::INFINITY, f64::INFINITY);
        let (mut x1, mut y1) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for e in &all {
            x0 = x0.min(e.x);
            y0 = y0.min(e.y);
            x1 = x1.max(e.x + e.w);
            y1 = y1.max(e.y + e.h);
        }
        let (dx, dy) = (cx - (x0 + x1) / 2.0, cy - (y0 + y1) / 2.0);
        for e in &mut all {
            e.x += dx;
            e.y += dy;
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: [Lang; 2] = [Lang::De, Lang::En];

    fn every_build() -> Vec<(Template, Lang, Vec<NewElement>)> {
        let mut out = Vec::new();
        for t in Template::ALL {
            for lang in LANGS {
                out.push((t, lang, build(t, lang, 1234.5, -678.25)));
            }
        }
        out
    }

    fn frames(els: &[NewElement]) -> Vec<&NewElement> {
        els.iter().filter(|e| e.kind == Kind::Frame).collect()
    }

    fn children<'a>(els: &'a [NewElement], frame: &NewElement) -> Vec<&'a NewElement> {
        els.iter()
            .filter(|e| e.parent.as_deref() == Some(frame.id.as_str()))
            .collect()
    }

    fn chatham_card(els: &[NewElement]) -> &NewElement {
        let cards: Vec<_> = els
            .iter()
            .filter(|e| e.text.starts_with("Chatham"))
            .collect();
        assert_eq!(cards.len(), 1, "exactly one Chatham House card");
        cards[0]
    }

    #[test]
    fn every_template_builds_in_both_languages_with_valid_elements() {
        for (t, lang, els) in every_build() {
            assert!(!frames(&els).is_empty(), "{t:?} {lang:?} has no frame");
            for e in &els {
                assert!(e.w > 0.0 && e.h > 0.0, "{t:?}: {e:?}");
                assert!(e.x.is_finite() && e.y.is_finite(), "{t:?}: {e:?}");
                assert!(crdt::is_valid_color(&e.color), "{t:?}: {e:?}");
                assert_eq!(e.z, None, "{t:?}: new elements go on top");
                // Arrows carry no label; everything else says something.
                assert!(
                    e.kind == Kind::Arrow || !e.text.trim().is_empty(),
                    "{t:?} {lang:?}: empty text"
                );
                if e.kind == Kind::Frame {
                    assert_eq!(e.color, "white");
                    assert_eq!(e.parent, None, "frames are not nested");
                }
                if e.kind == Kind::Note && e.parent.is_some() {
                    assert_eq!((e.w, e.h), (NOTE_SIZE, NOTE_SIZE));
                }
            }
        }
    }

    #[test]
    fn ids_are_fresh_unique_and_at_least_16_characters() {
        let mut seen = std::collections::HashSet::new();
        for (_, _, els) in every_build() {
            for e in els {
                assert!(e.id.len() >= 16, "{}", e.id);
                let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
                assert!(e.id.chars().all(ok), "{}", e.id);
                assert!(seen.insert(e.id.clone()), "duplicate id {}", e.id);
            }
        }
    }

    #[test]
    fn contents_lie_inside_their_frame_with_a_margin() {
        for (t, _, els) in every_build() {
            for e in els.iter().filter(|e| e.parent.is_some()) {
                let f = els
                    .iter()
                    .find(|f| Some(&f.id) == e.parent.as_ref())
                    .unwrap_or_else(|| panic!("{t:?}: parent of {e:?} not in the template"));
                assert_eq!(f.kind, Kind::Frame, "{t:?}: parent must be a frame");
                let m = 20.0;
                assert!(
                    e.x >= f.x + m
                        && e.y >= f.y + m
                        && e.x + e.w <= f.x + f.w - m
                        && e.y + e.h <= f.y + f.h - m,
                    "{t:?}: {e:?} not inside {f:?}"
                );
            }
        }
    }

    #[test]
    fn frames_come_before_their_children() {
        for (t, _, els) in every_build() {
            for (i, e) in els.iter().enumerate() {
                if let Some(p) = &e.parent {
                    let fi = els.iter().position(|f| &f.id == p).unwrap();
                    assert!(fi < i, "{t:?}: child {i} before its frame {fi}");
                }
            }
        }
    }

    #[test]
    fn frames_do_not_overlap() {
        for (t, _, els) in every_build() {
            let fs = frames(&els);
            for (i, a) in fs.iter().enumerate() {
                for b in &fs[i + 1..] {
                    let apart = a.x + a.w <= b.x
                        || b.x + b.w <= a.x
                        || a.y + a.h <= b.y
                        || b.y + b.h <= a.y;
                    assert!(apart, "{t:?}: {} overlaps {}", a.text, b.text);
                }
            }
        }
    }

    #[test]
    fn bounding_box_is_centred_on_the_given_point() {
        for t in Template::ALL {
            for (cx, cy) in [(0.0, 0.0), (1234.5, -678.25), (-50_000.0, 9_999.9)] {
                let els = build(t, Lang::De, cx, cy);
                let x0 = els.iter().map(|e| e.x).fold(f64::INFINITY, f64::min);
                let y0 = els.iter().map(|e| e.y).fold(f64::INFINITY, f64::min);
                let x1 = els
                    .iter()
                    .map(|e| e.x + e.w)
                    .fold(f64::NEG_INFINITY, f64::max);
                let y1 = els
                    .iter()
                    .map(|e| e.y + e.h)
                    .fold(f64::NEG_INFINITY, f64::max);
                assert!(((x0 + x1) / 2.0 - cx).abs() <= 1.0, "{t:?} x");
                assert!(((y0 + y1) / 2.0 - cy).abs() <= 1.0, "{t:?} y");
            }
        }
    }

    #[test]
    fn chatham_house_card_states_the_exact_rule_in_each_language() {
        let de = build(Template::TeamAgreement, Lang::De, 0.0, 0.0);
        let card = chatham_card(&de);
        assert!(card.text.contains(
            "Informationen aus dieser Runde dürfen frei verwendet werden. Weder die Identität \
             noch die Zugehörigkeit (Ressort, Referat) der Sprechenden darf offengelegt werden."
        ));
        let en = build(Template::TeamAgreement, Lang::En, 0.0, 0.0);
        let card_en = chatham_card(&en);
        assert!(card_en.text.contains(
            "Information from this meeting may be used freely. Neither the identity nor the \
             affiliation of any speaker may be revealed."
        ));
        for c in [card, card_en] {
            assert_eq!(c.kind, Kind::Note);
            assert_eq!(c.color, "blue");
            assert_eq!(c.parent, None, "the card stands apart from the frames");
            assert!(c.w >= 320.0 && c.h >= 240.0, "room for the rule text");
        }
    }

    #[test]
    fn example_texts_name_no_person_or_organisation() {
        let banned = [
            "BM",
            "Bundesministerium",
            "Ministerium für",
            "Ministry of",
            "DigitalService",
            "Herr ",
            "Frau ",
            "Mr ",
            "Ms ",
            "Dr.",
        ];
        for (t, _, els) in every_build() {
            for e in &els {
                for word in banned {
                    assert!(!e.text.contains(word), "{t:?}: {:?} names {word}", e.text);
                }
                // No acronyms such as ministry or unit abbreviations.
                for word in e.text.split(|c: char| !c.is_alphanumeric()) {
                    let caps = word.chars().filter(|c| c.is_uppercase()).count();
                    assert!(caps < 2, "{t:?}: {:?} looks like an abbreviation", word);
                }
            }
        }
    }

    #[test]
    fn german_and_english_are_translated_and_not_empty() {
        for t in Template::ALL {
            for lang in LANGS {
                assert!(!t.name(lang).is_empty() && !t.description(lang).is_empty());
            }
            assert_ne!(t.name(Lang::De), t.name(Lang::En));
            assert_ne!(t.description(Lang::De), t.description(Lang::En));
            let de = build(t, Lang::De, 0.0, 0.0);
            let en = build(t, Lang::En, 0.0, 0.0);
            assert_eq!(de.len(), en.len(), "{t:?}: same layout in both languages");
            for (d, e) in de.iter().zip(&en) {
                assert_eq!(
                    (d.kind.clone(), d.x, d.y, d.w, d.h),
                    (e.kind.clone(), e.x, e.y, e.w, e.h)
                );
                if d.kind != Kind::Arrow {
                    assert_ne!(d.text, e.text, "{t:?}: {:?} is not translated", d.text);
                }
            }
        }
        let names: std::collections::HashSet<_> =
            Template::ALL.iter().map(|t| t.name(Lang::De)).collect();
        assert_eq!(names.len(), Template::ALL.len(), "names are distinct");
    }

    #[test]
    fn team_agreement_has_dos_and_donts_with_three_examples_each() {
        for lang in LANGS {
            let els = build(Template::TeamAgreement, lang, 0.0, 0.0);
            let fs = frames(&els);
            assert_eq!(fs.len(), 2);
            assert_eq!(fs[0].y, fs[1].y, "side by side");
            assert!(fs[0].x < fs[1].x);
            let dos: Vec<_> = children(&els, fs[0])
                .iter()
                .map(|e| e.color.as_str())
                .collect();
            let donts: Vec<_> = children(&els, fs[1])
                .iter()
                .map(|e| e.color.as_str())
                .collect();
            assert_eq!(dos, ["green"; 3]);
            assert_eq!(donts.len(), 3);
            assert!(donts.iter().all(|c| *c == "red" || *c == "pink"));
        }
        let de = build(Template::TeamAgreement, Lang::De, 0.0, 0.0);
        assert_eq!(frames(&de)[0].text, "Das tun wir");
        assert_eq!(frames(&de)[1].text, "Das lassen wir");
    }

    #[test]
    fn problem_map_puts_tensions_between_causes_and_effects_with_room_for_arrows() {
        let els = build(Template::ProblemMap, Lang::De, 0.0, 0.0);
        let fs = frames(&els);
        let titles: Vec<_> = fs.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(titles, ["Ursachen", "Spannungsfelder", "Wirkungen"]);
        for (f, color) in fs.iter().zip(["yellow", "orange", "violet"]) {
            let notes = children(&els, f);
            assert_eq!(notes.len(), 2, "{}", f.text);
            assert!(notes.iter().all(|n| n.color == color), "{}", f.text);
        }
        for pair in fs.windows(2) {
            assert!(
                pair[1].x - (pair[0].x + pair[0].w) >= 150.0,
                "room for arrows"
            );
        }
        // Causes → tensions → effects: two arrows bound to the frames, between them.
        let arrows: Vec<_> = els.iter().filter(|e| e.kind == Kind::Arrow).collect();
        assert_eq!(arrows.len(), 2);
        for (a, pair) in arrows.iter().zip(fs.windows(2)) {
            assert_eq!(a.from.as_deref(), Some(pair[0].id.as_str()));
            assert_eq!(a.to.as_deref(), Some(pair[1].id.as_str()));
            assert!(a.x >= pair[0].x + pair[0].w && a.x + a.w <= pair[1].x);
        }
    }

    #[test]
    fn prioritisation_quadrants_hold_twenty_notes_each_and_have_axis_labels() {
        for lang in LANGS {
            let els = build(Template::Prioritisation, lang, 0.0, 0.0);
            let fs = frames(&els);
            assert_eq!(fs.len(), 4);
            for f in &fs {
                let cols = ((f.w - 2.0 * 20.0) / NOTE_SIZE).floor();
                let rows = ((f.h - 40.0 - 20.0) / NOTE_SIZE).floor();
                assert!(cols * rows >= 20.0, "{}: {cols} × {rows}", f.text);
                assert_eq!(children(&els, f).len(), 1, "one example per quadrant");
            }
            let labels: Vec<_> = els.iter().filter(|e| e.kind == Kind::Text).collect();
            assert_eq!(labels.len(), 2);
            let left = fs.iter().map(|f| f.x).fold(f64::INFINITY, f64::min);
            let bottom = fs
                .iter()
                .map(|f| f.y + f.h)
                .fold(f64::NEG_INFINITY, f64::max);
            assert!(labels[0].text.ends_with('↑') && labels[0].x + labels[0].w <= left);
            assert!(labels[1].text.ends_with('→') && labels[1].y >= bottom);
        }
        let de = build(Template::Prioritisation, Lang::De, 0.0, 0.0);
        assert_eq!(frames(&de)[0].text, "Große Wirkung, wenig Aufwand");
    }

    #[test]
    fn retrospective_asks_three_questions_with_one_example_each() {
        let els = build(Template::Retrospective, Lang::En, 0.0, 0.0);
        let fs = frames(&els);
        let titles: Vec<_> = fs.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            titles,
            [
                "What went well?",
                "What could be better?",
                "What will we try?"
            ]
        );
        for (f, color) in fs.iter().zip(["green", "orange", "blue"]) {
            let notes = children(&els, f);
            assert_eq!(notes.len(), 1);
            assert_eq!(notes[0].color, color);
        }
    }
}
