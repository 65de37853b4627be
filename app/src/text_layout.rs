//! Note text layout: wrap words into the box and shrink the font until it fits.
//! DOM-free: the caller supplies a width measure (canvas `measureText` in the app).

use std::collections::HashMap;

use crdt::Element;
use web_sys::CanvasRenderingContext2d;

/// Text layouts per element, keyed by what they depend on (text and box), so a frame
/// re-measures only what changed.
#[derive(Default)]
pub struct TextCache {
    layouts: HashMap<String, (String, f64, f64, TextLayout)>,
}

impl TextCache {
    /// The layout of `e`'s text in its box less `pad` on every side.
    pub fn wrapped(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        e: &Element,
        pad: f64,
    ) -> &TextLayout {
        let (w, h) = ((e.w - 2.0 * pad).max(1.0), (e.h - 2.0 * pad).max(1.0));
        let stale = match self.layouts.get(&e.id) {
            Some((t, lw, lh, _)) => t != &e.text || *lw != w || *lh != h,
            None => true,
        };
        if stale {
            let mut measure = |s: &str, size: f64| {
                ctx.set_font(&format!("{size}px {}", crate::kinds::FONT_FAMILY));
                ctx.measure_text(s)
                    .map(|m| m.width())
                    .unwrap_or(s.len() as f64 * size * 0.5)
            };
            let l = layout(&e.text, w, h, &mut measure);
            self.layouts.insert(e.id.clone(), (e.text.clone(), w, h, l));
        }
        &self.layouts[&e.id].3
    }

    /// Forgets layouts of elements that no longer exist.
    pub fn prune(&mut self, exists: impl Fn(&str) -> bool) {
        if self.layouts.len() > 64 {
            self.layouts.retain(|id, _| exists(id));
        }
    }
}

/// A laid-out text: the font size (board units) and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLayout {
    pub size: f64,
    pub lines: Vec<String>,
}

pub const MAX_FONT: f64 = 24.0;
pub const MIN_FONT: f64 = 6.0;
/// Below this size a word is broken rather than the whole text shrunk further: one
/// long compound ("Feedbackgespräche") should not make a note unreadable from afar
/// while its neighbours are fine.
pub const MIN_UNBROKEN: f64 = 14.0;
pub const LINE_HEIGHT: f64 = 1.25;

/// Lays out `text` in a `w × h` box. `measure(s, size)` returns the width of `s` at
/// font size `size`. Returns the largest size ≤ `MAX_FONT` at which the wrapped text
/// fits without breaking a word (lines break at spaces and after hyphens), down to
/// `MIN_UNBROKEN`; below that, words may be broken (with a hyphen where it fits), down
/// to `MIN_FONT` (where the text may overflow; the renderer clips).
pub fn layout(text: &str, w: f64, h: f64, measure: &mut dyn FnMut(&str, f64) -> f64) -> TextLayout {
    let mut size = MAX_FONT;
    loop {
        let (lines, broke_word) = wrap(text, w, size, measure);
        let fits = lines.len() as f64 * size * LINE_HEIGHT <= h;
        if (fits && (!broke_word || size <= MIN_UNBROKEN)) || size <= MIN_FONT {
            return TextLayout { size, lines };
        }
        size = if size > MIN_UNBROKEN {
            (size * 0.9).max(MIN_UNBROKEN)
        } else {
            (size * 0.9).max(MIN_FONT)
        };
    }
}

/// A word's parts that a line may end after: split after each hyphen
/// ("Homeoffice-Regelung" → "Homeoffice-", "Regelung").
fn parts(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in word.char_indices() {
        if ch == '-' && i + 1 < word.len() && i > start {
            out.push(&word[start..=i]);
            start = i + 1;
        }
    }
    out.push(&word[start..]);
    out
}

/// Wrapped lines, and whether a word had to be broken.
fn wrap(
    text: &str,
    w: f64,
    size: f64,
    measure: &mut dyn FnMut(&str, f64) -> f64,
) -> (Vec<String>, bool) {
    let mut broke = false;
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            for (k, part) in parts(word).into_iter().enumerate() {
                // The first part of a word follows a space; later parts follow the hyphen.
                let candidate = if line.is_empty() {
                    part.to_string()
                } else if k == 0 {
                    format!("{line} {part}")
                } else {
                    format!("{line}{part}")
                };
                if measure(&candidate, size) <= w {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // A part wider than the box is broken by characters, with a hyphen
                // where one fits.
                let mut piece = String::new();
                for ch in part.chars() {
                    piece.push(ch);
                    if measure(&piece, size) > w && piece.chars().count() > 1 {
                        piece.pop();
                        let mut head = std::mem::take(&mut piece);
                        if !head.ends_with('-') && head.chars().count() > 2 {
                            let last = head.pop();
                            if measure(&format!("{head}-"), size) <= w {
                                head.push('-');
                                piece.extend(last);
                            } else {
                                head.extend(last);
                            }
                        }
                        out.push(head);
                        piece.push(ch);
                        broke = true;
                    }
                }
                line = piece;
            }
        }
        out.push(line);
    }
    (out, broke)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is `0.5 × size` wide.
    fn mono(s: &str, size: f64) -> f64 {
        s.chars().count() as f64 * size * 0.5
    }

    #[test]
    fn short_text_keeps_the_largest_font_on_one_line() {
        let l = layout("Ask openly", 180.0, 180.0, &mut mono);
        assert_eq!(l.size, MAX_FONT);
        assert_eq!(l.lines, vec!["Ask openly"]);
    }

    #[test]
    fn text_wraps_at_spaces_and_keeps_newlines() {
        let l = layout("one two three four\nfive", 60.0, 1000.0, &mut mono);
        assert!(l.lines.len() >= 4);
        assert_eq!(l.lines.last().unwrap(), "five");
        assert!(l.lines.iter().all(|s| mono(s, l.size) <= 60.0));
    }

    #[test]
    fn long_text_shrinks_to_fit() {
        let text = "Wir sprechen offen über Herausforderungen der Digitalstrategie ".repeat(6);
        let l = layout(&text, 180.0, 180.0, &mut mono);
        assert!(l.size < MAX_FONT);
        assert!(l.lines.len() as f64 * l.size * LINE_HEIGHT <= 180.0 || l.size == MIN_FONT);
    }

    #[test]
    fn long_words_shrink_the_font_before_they_are_broken() {
        // "Herausforderungen" is 17 characters: 8.5 × size wide in `mono`.
        let l = layout(
            "Offen über Herausforderungen sprechen",
            172.0,
            172.0,
            &mut mono,
        );
        assert!(
            l.lines.iter().any(|s| s.contains("Herausforderungen")),
            "{:?}",
            l.lines
        );
        assert!(l.size < MAX_FONT);
    }

    #[test]
    fn a_long_word_is_broken() {
        let l = layout(
            "Donaudampfschifffahrtsgesellschaftskapitän",
            100.0,
            1000.0,
            &mut mono,
        );
        assert!(l.lines.len() > 1);
        assert!(l.lines.iter().all(|s| mono(s, l.size) <= 100.0));
    }

    #[test]
    fn lines_break_after_hyphens() {
        // "Homeoffice-Regelung" is 19 characters (9.5 × size), too wide at 24 for 172.
        let l = layout("Homeoffice-Regelung", 172.0, 172.0, &mut mono);
        assert_eq!(l.lines, vec!["Homeoffice-", "Regelung"]);
        assert_eq!(l.size, MAX_FONT, "no need to shrink");
    }

    #[test]
    fn a_compound_that_would_need_a_tiny_font_is_broken_with_a_hyphen_instead() {
        // 30 characters would need size 11.5 to stay whole in 172 units.
        let l = layout("Datenschutzfolgenabschätzungen", 172.0, 172.0, &mut mono);
        assert!(l.size >= MIN_UNBROKEN, "size {}", l.size);
        assert!(l.lines.len() > 1, "{:?}", l.lines);
        assert!(l.lines[0].ends_with('-'), "{:?}", l.lines);
        assert!(l.lines.iter().all(|s| mono(s, l.size) <= 172.0));
        let joined: String = l.lines.concat().replace('-', "");
        assert_eq!(joined, "Datenschutzfolgenabschätzungen");
    }
}
