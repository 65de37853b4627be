//! How palette names look: fill colours of notes, and a text colour with readable
//! contrast (WCAG AA, ≥ 4.5:1) on each of them.

/// Fill colour for a palette name or `#rrggbb`.
pub fn fill(color: &str) -> &str {
    match color {
        "yellow" => "#fff1a6",
        "orange" => "#ffd3a1",
        "red" => "#ffb3ad",
        "pink" => "#fbc6e0",
        "violet" => "#dccfff",
        "blue" => "#b9ddff",
        "cyan" => "#b0eef5",
        "green" => "#c3f0c8",
        "gray" => "#e3e6ea",
        "white" => "#ffffff",
        c if crdt::is_valid_color(c) => c,
        _ => "#fff1a6",
    }
}

/// Outline colour of shapes: a darker tone of the fill.
pub fn stroke(color: &str) -> &'static str {
    match color {
        "yellow" => "#8a6d00",
        "orange" => "#a84a08",
        "red" => "#c92a2a",
        "pink" => "#a61e4d",
        "violet" => "#5f3dc4",
        "blue" => "#1864ab",
        "cyan" => "#0b7285",
        "green" => "#237032",
        "white" => "#495057",
        _ => "#495057",
    }
}

/// Colour of free text and lines drawn on the board background: the dark tone, which
/// keeps ≥ 4.5:1 against the board's light grey.
pub fn ink(color: &str) -> &'static str {
    match color {
        "gray" | "white" | "yellow" => "#1a1a1a",
        other => stroke(other),
    }
}

/// Text colour on a fill: near-black on light fills; on custom colours, whichever of
/// white and black contrasts more.
pub fn text_on(color: &str) -> &'static str {
    let hex = fill(color);
    let rgb = parse_hex(hex).unwrap_or((255, 255, 255));
    if contrast(rgb, (26, 26, 26)) >= 4.5 {
        "#1a1a1a"
    } else if contrast(rgb, (255, 255, 255)) >= contrast(rgb, (0, 0, 0)) {
        "#ffffff"
    } else {
        "#000000"
    }
}

fn parse_hex(s: &str) -> Option<(u8, u8, u8)> {
    let s = s.strip_prefix('#')?;
    if s.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(s, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let ch = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_in_every_palette_colour_is_readable_on_the_board() {
        let board = (248, 249, 250);
        for name in crdt::PALETTE {
            let ink = parse_hex(ink(name)).unwrap();
            assert!(
                contrast(board, ink) >= 4.5,
                "{name}: {}",
                contrast(board, ink)
            );
        }
    }

    #[test]
    fn text_on_every_palette_colour_meets_wcag_aa() {
        for name in crdt::PALETTE {
            let bg = parse_hex(fill(name)).unwrap();
            let fg = parse_hex(text_on(name)).unwrap();
            assert!(contrast(bg, fg) >= 4.5, "{name}: {}", contrast(bg, fg));
        }
        for custom in ["#000000", "#123456", "#ff0000", "#ffffff"] {
            let bg = parse_hex(fill(custom)).unwrap();
            let fg = parse_hex(text_on(custom)).unwrap();
            assert!(contrast(bg, fg) >= 4.5, "{custom}");
        }
    }
}
