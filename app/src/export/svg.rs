//! SVG export: the same shapes, colours and text layout as the canvas (the kinds'
//! `draw` functions), written as SVG elements. Text stays text (`<text>`), so it can be
//! selected and searched; every text and attribute is escaped, and characters XML
//! cannot hold are dropped, so no note can inject markup. Fonts are named with safe
//! fallbacks (the app's system-ui stack), no font files are needed.

use std::fmt::Write;

use crdt::geometry::Rect;
use crdt::{Element, Kind};

use super::Page;
use crate::kinds::{self, FONT_FAMILY};
use crate::palette;
use crate::text_layout::{TextLayout, LINE_HEIGHT};

/// Escapes text for XML content and attribute values, dropping characters XML 1.0
/// cannot contain (controls other than tab and newline, lone surrogates cannot occur
/// in Rust strings, U+FFFE/U+FFFF).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What the SVG writer needs from the browser: text layout and measuring (canvas
/// `measureText`, or a stand-in in tests), and where bound arrow ends are.
pub struct Env<'a> {
    /// The wrapped, shrunk label of an element inside its box less `pad`.
    pub label: &'a mut dyn FnMut(&Element, f64) -> TextLayout,
    /// Width of `text` at font size `size`.
    pub measure: &'a mut dyn FnMut(&str, f64) -> f64,
    /// A bound element's box and whether it is an ellipse.
    pub target: &'a dyn Fn(&str) -> Option<(Rect, bool)>,
}

fn n(v: f64) -> String {
    // Two decimals are far below a pixel; trims the file a lot.
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

fn label(out: &mut String, env: &mut Env<'_>, e: &Element, pad: f64, color: &str) {
    if e.text.trim().is_empty() {
        return;
    }
    let l = (env.label)(e, pad);
    let line_h = l.size * LINE_HEIGHT;
    let total = l.lines.len() as f64 * line_h;
    let top = e.y + pad + ((e.h - 2.0 * pad - total) / 2.0).max(0.0);
    let _ = write!(
        out,
        r#"<text x="{}" font-size="{}" fill="{color}" text-anchor="middle" dominant-baseline="central">"#,
        n(e.x + e.w / 2.0),
        n(l.size)
    );
    for (i, line) in l.lines.iter().enumerate() {
        let y = top + i as f64 * line_h + line_h / 2.0;
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">{}</tspan>"#,
            n(e.x + e.w / 2.0),
            n(y),
            escape(line)
        );
    }
    out.push_str("</text>\n");
}

fn ink_path(pts: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = pts.first() else {
        return d;
    };
    let _ = write!(d, "M{} {}", n(x0), n(y0));
    if pts.len() == 1 {
        let _ = write!(d, "L{} {}", n(x0 + 0.01), n(y0));
        return d;
    }
    for w in pts.windows(2).skip(1) {
        let (a, b) = (w[0], w[1]);
        let _ = write!(
            d,
            "Q{} {} {} {}",
            n(a.0),
            n(a.1),
            n((a.0 + b.0) / 2.0),
            n((a.1 + b.1) / 2.0)
        );
    }
    let last = pts[pts.len() - 1];
    let _ = write!(d, "L{} {}", n(last.0), n(last.1));
    d
}

fn element(out: &mut String, env: &mut Env<'_>, e: &Element) {
    let fill = escape(palette::fill(&e.color));
    let stroke = palette::stroke(&e.color);
    match e.kind {
        Kind::Note => {
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#000" fill-opacity="0.1"/><rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"/>"##,
                n(e.x + 2.0),
                n(e.y + 3.0),
                n(e.w),
                n(e.h),
                n(e.x),
                n(e.y),
                n(e.w),
                n(e.h)
            );
            label(out, env, e, kinds::note::PAD, palette::text_on(&e.color));
        }
        Kind::Rect => {
            let r = 8.0_f64.min(e.w / 4.0).min(e.h / 4.0);
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>"#,
                n(e.x),
                n(e.y),
                n(e.w),
                n(e.h),
                n(r)
            );
            label(out, env, e, kinds::rect::PAD, palette::text_on(&e.color));
        }
        Kind::Ellipse => {
            let _ = writeln!(
                out,
                r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>"#,
                n(e.x + e.w / 2.0),
                n(e.y + e.h / 2.0),
                n(e.w / 2.0),
                n(e.h / 2.0)
            );
            label(out, env, e, e.w.min(e.h) * 0.15, palette::text_on(&e.color));
        }
        Kind::Text => {
            if e.text.is_empty() {
                return;
            }
            let size = kinds::text::FONT_SIZE;
            let line_h = size * LINE_HEIGHT;
            let _ = write!(
                out,
                r#"<text font-size="{}" fill="{}" dominant-baseline="central">"#,
                n(size),
                palette::ink(&e.color)
            );
            for (i, line) in e.text.split('\n').enumerate() {
                let _ = write!(
                    out,
                    r#"<tspan x="{}" y="{}">{}</tspan>"#,
                    n(e.x + kinds::text::PAD),
                    n(e.y + kinds::text::PAD + i as f64 * line_h + line_h / 2.0),
                    escape(line)
                );
            }
            out.push_str("</text>\n");
        }
        Kind::Frame => {
            let fill = if e.color == "white" {
                "#ffffff".to_string()
            } else {
                fill
            };
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#868e96" stroke-width="1.5"/>"##,
                n(e.x),
                n(e.y),
                n(e.w),
                n(e.h)
            );
            if !e.text.is_empty() {
                let _ = writeln!(
                    out,
                    r##"<text x="{}" y="{}" font-size="{}" font-weight="600" fill="#343a40">{}</text>"##,
                    n(e.x + 2.0),
                    n(e.y - 10.0),
                    n(kinds::frame::TITLE_SIZE),
                    escape(&e.text)
                );
            }
        }
        Kind::Ink => {
            let pts: Vec<(f64, f64)> = e
                .pts
                .chunks_exact(2)
                .map(|c| (e.x + c[0], e.y + c[1]))
                .collect();
            let _ = writeln!(
                out,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round"/>"#,
                ink_path(&pts),
                palette::ink(&e.color),
                n(kinds::ink::WIDTH)
            );
        }
        Kind::Arrow => {
            let (a, b) = kinds::arrow::resolve(e, env.target);
            let color = palette::ink(&e.color);
            let _ = write!(
                out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="{}" stroke-linecap="round"/>"#,
                n(a.0),
                n(a.1),
                n(b.0),
                n(b.1),
                n(kinds::arrow::WIDTH)
            );
            let angle = (b.1 - a.1).atan2(b.0 - a.0);
            let head = kinds::arrow::HEAD.min((b.0 - a.0).hypot(b.1 - a.1) * 0.5);
            let p = |side: f64| {
                format!(
                    "{},{}",
                    n(b.0 - head * (angle + side).cos()),
                    n(b.1 - head * (angle + side).sin())
                )
            };
            let _ = writeln!(
                out,
                r#"<polygon points="{},{} {} {}" fill="{color}"/>"#,
                n(b.0),
                n(b.1),
                p(-0.45),
                p(0.45)
            );
            if !e.text.is_empty() {
                let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                let w = (env.measure)(&e.text, 16.0);
                let _ = writeln!(
                    out,
                    r##"<rect x="{}" y="{}" width="{}" height="22" fill="#f8f9fa"/><text x="{}" y="{}" font-size="16" fill="{color}" text-anchor="middle" dominant-baseline="central">{}</text>"##,
                    n(mx - w / 2.0 - 4.0),
                    n(my - 11.0),
                    n(w + 8.0),
                    n(mx),
                    n(my),
                    escape(&e.text)
                );
            }
        }
        Kind::Unknown(_) => {}
    }
}

/// The SVG document for `elements` (paint order) on `page`. `board_base64`, if given,
/// is the `.lernraum` file as base64, kept in a `<metadata>` element.
pub fn document(
    elements: &[&Element],
    page: &Page,
    background: bool,
    board_base64: Option<&str>,
    env: &mut Env<'_>,
) -> String {
    let mut out = String::with_capacity(200 + elements.len() * 300);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="{} {} {} {}" font-family="{}">"#,
        n(page.w * page.scale),
        n(page.h * page.scale),
        n(page.x),
        n(page.y),
        n(page.w),
        n(page.h),
        escape(FONT_FAMILY)
    );
    if let Some(data) = board_base64 {
        // Base64 holds no character that needs escaping.
        let _ = writeln!(
            out,
            r#"<metadata id="lernraum-board" data-format="lernraum-base64">{data}</metadata>"#
        );
    }
    if background {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            n(page.x),
            n(page.y),
            n(page.w),
            n(page.h),
            super::BACKGROUND
        );
    }
    // Frames below everything, as on screen.
    let (frames, others): (Vec<&&Element>, Vec<&&Element>) =
        elements.iter().partition(|e| e.kind == Kind::Frame);
    for e in frames.into_iter().chain(others) {
        element(&mut out, env, e);
    }
    out.push_str("</svg>\n");
    out
}

/// The base64 board data in an SVG this app exported, if any.
pub fn board_of(svg: &str) -> Option<&str> {
    let start = svg.find(r#"data-format="lernraum-base64">"#)?;
    let rest = &svg[start + r#"data-format="lernraum-base64">"#.len()..];
    let end = rest.find('<')?;
    Some(rest[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text_layout::layout;

    fn el(kind: Kind, text: &str) -> Element {
        Element {
            id: "a".into(),
            kind,
            x: 0.0,
            y: 0.0,
            w: 200.0,
            h: 200.0,
            z: String::new(),
            color: "yellow".into(),
            text: text.into(),
            parent: None,
            from: None,
            to: None,
            pts: vec![0.0, 0.0, 50.0, 80.0, 120.0, 20.0],
            locked: false,
        }
    }

    fn render(els: &[Element], embed: Option<&str>) -> String {
        let refs: Vec<&Element> = els.iter().collect();
        let page = super::super::page(&refs, 1.0, 10.0).unwrap();
        let mut measure = |s: &str, size: f64| s.chars().count() as f64 * size * 0.55;
        let mut measure2 = |s: &str, size: f64| s.chars().count() as f64 * size * 0.55;
        let mut lab = |e: &Element, pad: f64| {
            layout(&e.text, e.w - 2.0 * pad, e.h - 2.0 * pad, &mut measure2)
        };
        let target = |_: &str| None;
        let mut env = Env {
            label: &mut lab,
            measure: &mut measure,
            target: &target,
        };
        document(&refs, &page, true, embed, &mut env)
    }

    #[test]
    fn markup_in_text_stays_text() {
        let evil = r#"<script>alert(1)</script> & "quoted" 'single' ]]> <!-- x"#;
        let kinds = [
            Kind::Note,
            Kind::Rect,
            Kind::Ellipse,
            Kind::Text,
            Kind::Frame,
            Kind::Arrow,
        ];
        let els: Vec<Element> = kinds.iter().map(|k| el(k.clone(), evil)).collect();
        let svg = render(&els, None);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("<!--"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&amp;"));
        assert!(svg.contains("&quot;quoted&quot;"));
        // Every element that was opened is closed: a crude well-formedness check.
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td\ne\u{ffff}"), "abc\td\ne");
    }

    #[test]
    fn text_is_kept_as_text_and_board_data_is_embedded() {
        let svg = render(
            &[el(Kind::Note, "Offen fragen"), el(Kind::Ink, "")],
            Some("TEVSTlJBVU0B"),
        );
        assert!(
            svg.contains(">Offen</tspan>") || svg.contains(">Offen fragen</tspan>"),
            "{svg}"
        );
        assert!(svg.contains("<path d=\"M0 0Q50 80 85 50L120 20\""), "{svg}");
        assert_eq!(board_of(&svg), Some("TEVSTlJBVU0B"));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"236\""));
    }
}
