//! Sticky notes: a filled square with a soft edge and centred text that shrinks to fit.

use crdt::geometry::Rect;
use crdt::Element;

use super::{draw_label, Paint};
use crate::palette;

pub const PAD: f64 = 14.0;

pub fn draw(p: &mut Paint<'_>, e: &Element) {
    let ctx = p.ctx;
    // A soft drop edge instead of a blurred shadow: shadows are slow at 10k notes.
    if p.zoom > 0.3 {
        ctx.set_fill_style_str("rgba(0, 0, 0, 0.10)");
        ctx.fill_rect(e.x + 2.0, e.y + 3.0, e.w, e.h);
    }
    ctx.set_fill_style_str(palette::fill(&e.color));
    ctx.fill_rect(e.x, e.y, e.w, e.h);
    draw_label(p, e, PAD, palette::text_on(&e.color));
}

/// How much of a note the notes drawn after it (above it) hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    No,
    /// Its text: the body (or its edge) still shows.
    Label,
    /// All of it, edge included: nothing to draw.
    Whole,
}

/// How many of the notes drawn just after a note are tried as covering it. A pile of
/// notes is covered by those right above; a board of notes side by side costs this many
/// comparisons per note.
const TRIED: usize = 8;

/// For each of `boxes`, in drawing order (`Some(box)` for a note, `None` for anything
/// else): how much of it the notes drawn after it hide. A note is opaque (its colours
/// are), so a note whose text, or whole drawing, lies inside one later note's box need
/// not be drawn: a pile of notes costs the text of its top notes, not of all.
pub fn covered(boxes: &[Option<Rect>]) -> Vec<Covered> {
    let mut out = vec![Covered::No; boxes.len()];
    let mut above: Vec<Rect> = Vec::with_capacity(TRIED);
    for (i, b) in boxes.iter().enumerate().rev() {
        let Some(b) = b else { continue };
        // What drawing the note covers: its box and the drop edge (see `draw`).
        let whole = Rect {
            x: b.x,
            y: b.y,
            w: b.w + 2.0,
            h: b.h + 3.0,
        };
        // Where its text can be: wrapped within the padding (2 units for glyphs'
        // overhang), down to the box's bottom (where overflowing text is clipped).
        let text = Rect {
            x: b.x + PAD - 2.0,
            y: b.y + PAD - 2.0,
            w: b.w - 2.0 * PAD + 4.0,
            h: b.h - PAD + 2.0,
        };
        out[i] = if above.iter().any(|a| a.encloses(&whole)) {
            Covered::Whole
        } else if above.iter().any(|a| a.encloses(&text)) {
            Covered::Label
        } else {
            Covered::No
        };
        if out[i] != Covered::Whole {
            if above.len() == TRIED {
                above.remove(0);
            }
            above.push(*b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(x: f64, y: f64) -> Option<Rect> {
        Some(Rect {
            x,
            y,
            w: 200.0,
            h: 200.0,
        })
    }

    #[test]
    fn a_pile_of_notes_draws_the_text_of_its_top_notes_only() {
        // Drawn bottom to top: nudged a few units apart, the same spot, far away.
        let boxes = [
            note(5.0, 0.0),
            note(0.0, 0.0),
            note(0.0, 0.0),
            None,
            note(1000.0, 0.0),
            note(3.0, 4.0),
        ];
        assert_eq!(
            covered(&boxes),
            [
                // Its right edge shows beside the notes above; its text does not.
                Covered::Label,
                // The same box as the note above it: its drop edge still shows below
                // and to the right, its text does not.
                Covered::Label,
                Covered::Label,
                Covered::No,
                Covered::No,
                Covered::No,
            ]
        );
    }

    #[test]
    fn a_note_inside_a_larger_one_above_is_not_drawn_and_others_do_not_cover() {
        let big = Some(Rect {
            x: -50.0,
            y: -50.0,
            w: 400.0,
            h: 400.0,
        });
        assert_eq!(
            covered(&[note(0.0, 0.0), big]),
            [Covered::Whole, Covered::No]
        );
        // Not a note (a shape, a frame, an arrow): neither covers nor is judged.
        assert_eq!(covered(&[note(0.0, 0.0), None]), [Covered::No, Covered::No]);
        // Far apart, or only half over it: everything is drawn.
        assert_eq!(
            covered(&[note(0.0, 0.0), note(100.0, 0.0), note(0.0, 300.0)]),
            [Covered::No, Covered::No, Covered::No]
        );
    }
}
