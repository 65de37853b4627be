//! The browser side of export and import: take a snapshot of the board, make the
//! file, hand it to a normal download (`<a download>`) or the clipboard; read a file
//! that was opened or dropped, and open it as a new board or merge it.

use std::collections::HashMap;

use base64::Engine;
use crdt::geometry::Rect;
use crdt::{Element, Kind};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{collect, image, minutes, page, png, svg, zlib, ImageOptions, Scope};
use crate::i18n::Lang;
use crate::state::with_editor;

/// Export formats, as the dialog names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
    Board,
    Markdown,
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Png,
        Format::Svg,
        Format::Board,
        Format::Markdown,
        Format::Csv,
    ];

    pub fn is_image(self) -> bool {
        matches!(self, Format::Png | Format::Svg)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Board => "lernraum",
            Format::Markdown => "md",
            Format::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Svg => "image/svg+xml",
            Format::Board => "application/x-lernraum",
            Format::Markdown => "text/markdown;charset=utf-8",
            Format::Csv => "text/csv;charset=utf-8",
        }
    }
}

/// A finished export.
pub struct Output {
    pub bytes: Vec<u8>,
    pub name: String,
    pub format: Format,
    /// The image was drawn smaller than asked (browser canvas limits): at this scale.
    pub reduced_to: Option<f64>,
    pub elements: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExportError {
    /// The chosen scope holds no element.
    Nothing,
    /// The browser failed (canvas too large, encoder missing…).
    Browser(String),
}

/// What an export needs, copied out of the editor so no borrow spans an `.await`.
struct Snapshot {
    title: String,
    /// The elements the export covers (the whole board for the minutes), paint order.
    elements: Vec<Element>,
    targets: HashMap<String, (Rect, bool)>,
    /// The board file, when the export is or embeds one (it costs a document copy).
    file: Option<Vec<u8>>,
    /// Vote totals for the minutes.
    rounds: Vec<minutes::VoteRound>,
}

fn snapshot(scope: &Scope, with_file: bool, lang: Option<Lang>) -> Option<Snapshot> {
    with_editor(|ed| {
        ed.scene.ensure_order();
        let chosen = collect(&ed.scene, &ed.selection, scope);
        let elements: Vec<Element> = chosen.into_iter().cloned().collect();
        let mut targets = HashMap::new();
        for e in elements.iter().filter(|e| e.kind == Kind::Arrow) {
            for id in [&e.from, &e.to].into_iter().flatten() {
                if let Some(t) = ed.scene.get(id) {
                    targets.insert(id.clone(), (t.bounds(), t.kind == Kind::Ellipse));
                }
            }
        }
        Snapshot {
            title: ed.board.title(),
            elements,
            targets,
            file: with_file.then(|| crdt::file::encode(&ed.board)),
            rounds: lang
                .map(|lang| crate::voting::all_rounds(ed, lang))
                .unwrap_or_default(),
        }
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A 2D context for measuring text (SVG labels are laid out as on screen).
fn measuring_context() -> Option<web_sys::CanvasRenderingContext2d> {
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .unchecked_into();
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Makes an export of the current board.
pub async fn make(format: Format, opts: &ImageOptions, lang: Lang) -> Result<Output, ExportError> {
    let scope = if format.is_image() {
        opts.scope.clone()
    } else {
        Scope::Board
    };
    let with_file = format == Format::Board || (format.is_image() && opts.embed);
    let minutes = matches!(format, Format::Markdown | Format::Csv).then_some(lang);
    let snap = snapshot(&scope, with_file, minutes)
        .ok_or(ExportError::Browser("the board is busy".into()))?;
    let file = snap.file.unwrap_or_default();
    let refs: Vec<&Element> = snap.elements.iter().collect();
    let name = super::file_name(&snap.title, format.extension());
    let targets = snap.targets;
    let target = move |id: &str| targets.get(id).copied();
    let mut reduced_to = None;
    let bytes = match format {
        Format::Board => file,
        Format::Markdown => minutes::markdown(&snap.title, &refs, &snap.rounds, lang).into_bytes(),
        Format::Csv => minutes::csv(&refs, &snap.rounds, lang).into_bytes(),
        Format::Png => {
            let page = page(&refs, opts.scale, opts.padding).ok_or(ExportError::Nothing)?;
            if page.reduced {
                reduced_to = Some(page.scale);
            }
            let canvas = image::draw(&refs, &page, opts.background, &target)
                .map_err(ExportError::Browser)?;
            let pixels = image::png(&canvas).await.map_err(ExportError::Browser)?;
            if opts.embed {
                let text = zlib::compress(b64(&file).as_bytes())
                    .await
                    .map_err(ExportError::Browser)?;
                png::with_board(&pixels, &text).map_err(|e| ExportError::Browser(e.to_string()))?
            } else {
                pixels
            }
        }
        Format::Svg => {
            let page = page(&refs, opts.scale, opts.padding).ok_or(ExportError::Nothing)?;
            let ctx = measuring_context();
            let mut measure = |s: &str, size: f64| match &ctx {
                Some(ctx) => {
                    ctx.set_font(&format!("{size}px {}", crate::kinds::FONT_FAMILY));
                    ctx.measure_text(s).map(|m| m.width()).unwrap_or(0.0)
                }
                None => s.chars().count() as f64 * size * 0.55,
            };
            let mut measure2 = |s: &str, size: f64| match &ctx {
                Some(ctx) => {
                    ctx.set_font(&format!("{size}px {}", crate::kinds::FONT_FAMILY));
                    ctx.measure_text(s).map(|m| m.width()).unwrap_or(0.0)
                }
                None => s.chars().count() as f64 * size * 0.55,
            };
            let mut label = |e: &Element, pad: f64| {
                crate::text_layout::layout(
                    &e.text,
                    (e.w - 2.0 * pad).max(1.0),
                    (e.h - 2.0 * pad).max(1.0),
                    &mut measure2,
                )
            };
            let data = opts.embed.then(|| b64(&file));
            let mut env = svg::Env {
                label: &mut label,
                measure: &mut measure,
                target: &target,
            };
            svg::document(&refs, &page, opts.background, data.as_deref(), &mut env).into_bytes()
        }
    };
    if format.is_image() && refs.is_empty() {
        return Err(ExportError::Nothing);
    }
    Ok(Output {
        bytes,
        name,
        format,
        reduced_to,
        elements: refs.len(),
    })
}

fn blob(bytes: &[u8], mime: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).ok()
}

/// Saves `out` through a normal browser download.
pub fn download(out: &Output) -> Result<(), String> {
    let blob = blob(&out.bytes, out.format.mime()).ok_or("cannot make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL")?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "cannot make a link")?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(&out.name);
    a.set_hidden(true);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    }
    // Let the download start before the URL goes away.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// Copies `out` to the system clipboard: images as PNG, text formats as text.
pub async fn copy(out: &Output) -> Result<(), String> {
    let clipboard = web_sys::window()
        .map(|w| w.navigator().clipboard())
        .ok_or("no clipboard")?;
    let promise = match out.format {
        Format::Markdown | Format::Csv | Format::Svg => {
            clipboard.write_text(&String::from_utf8_lossy(&out.bytes))
        }
        Format::Png => {
            let blob = blob(&out.bytes, "image/png").ok_or("cannot make the image")?;
            let record = js_sys::Object::new();
            js_sys::Reflect::set(&record, &"image/png".into(), &blob)
                .map_err(|_| "cannot make the clipboard item")?;
            let item = web_sys::ClipboardItem::new_with_record_from_str_to_blob_promise(&record)
                .map_err(|_| "this browser cannot copy images")?;
            clipboard.write(&js_sys::Array::of1(&item))
        }
        Format::Board => return Err("board files are downloaded, not copied".into()),
    };
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused the clipboard".into())
}

// ---- import ------------------------------------------------------------------------

/// The largest file accepted for opening: the board file limit (64 MiB).
pub const MAX_IMPORT_BYTES: f64 = crdt::file::MAX_FILE_BYTES as f64;
/// The largest plain text file turned into notes (1 MiB).
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// A file that was opened or dropped, understood.
pub enum Incoming {
    /// A board (from a `.lernraum` file, or embedded in a PNG or SVG): the board
    /// file's bytes, already checked to read completely.
    Board { file: Vec<u8>, elements: usize },
    /// Plain text: one note per line.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    TooLarge,
    /// Neither a board file, a PNG or SVG with board data, nor text.
    Unsupported,
    /// A PNG (or SVG) that carries no board.
    NoBoardInImage,
    /// A board file (or embedded board) that is damaged; the detail says how.
    Damaged(String),
    Unreadable,
}

/// Understands `bytes` of a file named `name`. Pure but for zlib (async, browser).
pub async fn understand(name: &str, bytes: &[u8]) -> Result<Incoming, ImportError> {
    if bytes.len() as f64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let file = if crdt::file::looks_like(bytes) {
        bytes.to_vec()
    } else if bytes.starts_with(png::SIGNATURE) {
        let text = match png::board_of(bytes).map_err(|e| ImportError::Damaged(e.to_string()))? {
            None => return Err(ImportError::NoBoardInImage),
            Some(png::Embedded::Plain(t)) => t,
            Some(png::Embedded::Zlib(z)) => {
                // Base64 is 4/3 of the file; allow that much and no more.
                zlib::decompress(&z, crdt::file::MAX_FILE_BYTES / 3 * 4 + 16)
                    .await
                    .map_err(ImportError::Damaged)?
            }
        };
        decode_b64(&text)?
    } else {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(ImportError::Unsupported);
        };
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".svg") || text.trim_start().starts_with("<svg") {
            match svg::board_of(text) {
                Some(data) => decode_b64(data.as_bytes())?,
                None => return Err(ImportError::NoBoardInImage),
            }
        } else if text.contains('\u{0}') || lower.ends_with(".png") || lower.ends_with(".lernraum")
        {
            return Err(ImportError::Unsupported);
        } else if bytes.len() > MAX_TEXT_BYTES {
            return Err(ImportError::TooLarge);
        } else {
            return Ok(Incoming::Text(text.to_string()));
        }
    };
    let board = crdt::file::read(&file, 1).map_err(|e| match e {
        crdt::file::FileError::TooLarge(_) => ImportError::TooLarge,
        crdt::file::FileError::NotABoardFile => ImportError::Unsupported,
        other => ImportError::Damaged(other.to_string()),
    })?;
    Ok(Incoming::Board {
        file,
        elements: board.len(),
    })
}

fn decode_b64(text: &[u8]) -> Result<Vec<u8>, ImportError> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| ImportError::Damaged(format!("the embedded board is not base64: {e}")))
}

/// Reads a file the person chose or dropped.
pub async fn read(file: &web_sys::File) -> Result<Incoming, ImportError> {
    if file.size() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ImportError::Unreadable)?;
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    understand(&file.name(), &bytes).await
}

/// Opens a board file as a new board of this browser (a new room, with this person
/// as its moderator), then switches to it.
pub async fn open_as_new(file: &[u8], untitled: &str) -> Result<(), String> {
    let link = crate::room::RoomLink::create(
        crate::boot::random_bytes(),
        crate::boot::random_bytes(),
        crate::boot::random_bytes(),
    );
    let mut board = crdt::file::read(file, u32::from_le_bytes(crate::boot::random_bytes()))
        .map_err(|e| e.to_string())?;
    let title = match board.title() {
        t if t.trim().is_empty() => untitled.to_string(),
        t => t,
    };
    // The opener creates this board: its moderator key is theirs.
    board
        .init_new(&title, link.moderator_public_key().as_deref())
        .map_err(|e| e.to_string())?;
    let store = crate::store::Store::open().await?;
    let entry = crate::store::KnownBoard {
        room: link.room.clone(),
        fragment: link.fragment(true),
        title,
        updated: js_sys::Date::now(),
    };
    store.compact(&entry, &board.encode()).await?;
    if let Some(w) = web_sys::window() {
        let _ = w
            .location()
            .assign(&crate::ui::home::board_href(&link.fragment(true)));
    }
    Ok(())
}

/// Merges a board file into the current board (a CRDT merge; one undo step).
pub fn merge(file: &[u8]) -> Result<(), String> {
    let update = crdt::file::update_of(file).map_err(|e| e.to_string())?;
    with_editor(|ed| {
        let r = ed.board.merge(update).map_err(|e| e.to_string());
        ed.flush();
        r
    })
    .unwrap_or(Err("the board is busy".into()))?;
    crate::state::after_input();
    Ok(())
}

/// Adds one note per line of `text` at the view centre (as pasting does).
pub fn insert_text(text: &str) {
    with_editor(|ed| ed.paste_text(text));
    crate::state::after_input();
}
