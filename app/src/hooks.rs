//! Read-only hooks on `window` for tests and benchmarks:
//! - `__lernraum`: `elements()`, `toScreen(x, y)`, `view()`, `selection()`,
//!   `whenSaved()`, `frame()` (paint synchronously, for frame timing), `webrtc()`
//!   (`{signaling, peers, glares, packed, id}` of the WebRTC mesh), `paints()` (frames painted
//!   whole, only where remote changes damaged them, or skipped: `{full, partial, skipped}`),
//!   `framePending()` (a frame or a refresh for remote changes is still to come);
//! - with `?bench=N`, the bench page contract of TESTING.md: `__bench` with
//!   `count()`, `getView()`, `setView({x, y, z})`, and `__benchReady` once N elements
//!   are in the board model.
//!
//! They expose what a person can already see on screen; they never write the board.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::state::{paint_now, schedule_frame, with_editor};

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn func0(f: impl Fn() -> JsValue + 'static) -> JsValue {
    Closure::<dyn Fn() -> JsValue>::new(f).into_js_value()
}

fn view_object() -> JsValue {
    let o = Object::new();
    if let Some(c) = with_editor(|ed| ed.camera) {
        set(&o, "x", &c.x.into());
        set(&o, "y", &c.y.into());
        set(&o, "z", &c.z.into());
    }
    o.into()
}

fn board_origin() -> (f64, f64) {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".board").ok().flatten())
        .map(|el| {
            let r = el.get_bounding_client_rect();
            (r.left(), r.top())
        })
        .unwrap_or((0.0, 0.0))
}

pub fn install(bench: Option<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hook = Object::new();
    set(
        &hook,
        "elements",
        &func0(|| {
            let arr = Array::new();
            with_editor(|ed| {
                for e in ed.scene.ordered() {
                    let o = Object::new();
                    set(&o, "id", &e.id.as_str().into());
                    set(&o, "kind", &e.kind.as_str().into());
                    set(&o, "x", &e.x.into());
                    set(&o, "y", &e.y.into());
                    set(&o, "w", &e.w.into());
                    set(&o, "h", &e.h.into());
                    set(&o, "z", &e.z.as_str().into());
                    set(&o, "color", &e.color.as_str().into());
                    set(&o, "text", &e.text.as_str().into());
                    let pts = Array::new();
                    e.pts.iter().for_each(|v| {
                        pts.push(&(*v).into());
                    });
                    set(&o, "pts", &pts);
                    set(
                        &o,
                        "parent",
                        &e.parent
                            .as_deref()
                            .map(JsValue::from_str)
                            .unwrap_or(JsValue::NULL),
                    );
                    arr.push(&o);
                }
            });
            arr.into()
        }),
    );
    let to_screen = Closure::<dyn Fn(f64, f64) -> JsValue>::new(|x: f64, y: f64| {
        let o = Object::new();
        if let Some((sx, sy)) = with_editor(|ed| ed.camera.to_screen(x, y)) {
            let (ox, oy) = board_origin();
            set(&o, "x", &(sx + ox).into());
            set(&o, "y", &(sy + oy).into());
        }
        o.into()
    });
    set(&hook, "toScreen", &to_screen.into_js_value());
    set(&hook, "view", &func0(view_object));
    // The published ballots in the document (count), to check none leak mid-round.
    set(
        &hook,
        "ballots",
        &func0(|| (with_editor(|ed| ed.board.ballot_entries().len()).unwrap_or(0) as f64).into()),
    );
    // The other people present (live presence), as the app shows them.
    set(
        &hook,
        "peers",
        &func0(|| {
            let arr = Array::new();
            for p in crate::net::presence::peers() {
                let o = Object::new();
                set(&o, "client", &(p.client as f64).into());
                set(&o, "name", &p.name.as_str().into());
                set(&o, "color", &p.color.as_str().into());
                set(&o, "moderator", &p.moderator.into());
                let cursor = match p.cursor {
                    Some((x, y)) => {
                        let c = Object::new();
                        set(&c, "x", &x.into());
                        set(&c, "y", &y.into());
                        c.into()
                    }
                    None => JsValue::NULL,
                };
                set(&o, "cursor", &cursor);
                let sel = Array::new();
                p.selection.iter().for_each(|id| {
                    sel.push(&id.as_str().into());
                });
                set(&o, "selection", &sel);
                arr.push(&o);
            }
            arr.into()
        }),
    );
    set(
        &hook,
        "selection",
        &func0(|| {
            let arr = Array::new();
            with_editor(|ed| {
                ed.selection.iter().for_each(|id| {
                    arr.push(&id.as_str().into());
                })
            });
            arr.into()
        }),
    );
    set(
        &hook,
        "toolState",
        &func0(|| {
            with_editor(|ed| ed.select.state.name())
                .unwrap_or("none")
                .into()
        }),
    );
    set(
        &hook,
        "tabs",
        &func0(|| crate::net::broadcast::is_open().into()),
    );
    set(
        &hook,
        "connection",
        &func0(|| {
            use crate::net::websocket::{state, WsState};
            match state() {
                None => "none",
                Some(WsState::Connecting) => "connecting",
                Some(WsState::Synced) => "synced",
                Some(WsState::Offline) => "offline",
            }
            .into()
        }),
    );
    set(
        &hook,
        "webrtc",
        &func0(|| {
            use crate::net::webrtc::{glares, packed_sent, peer_id, status, Signaling};
            let s = status();
            let o = Object::new();
            let signaling = match s.signaling {
                Signaling::Offline => "offline",
                Signaling::Connecting => "connecting",
                Signaling::Connected => "connected",
            };
            set(&o, "signaling", &signaling.into());
            set(&o, "peers", &(s.peers as f64).into());
            set(&o, "glares", &(glares() as f64).into());
            set(&o, "packed", &(packed_sent() as f64).into());
            set(
                &o,
                "id",
                &peer_id().map(JsValue::from).unwrap_or(JsValue::NULL),
            );
            o.into()
        }),
    );
    set(
        &hook,
        "whenSaved",
        &func0(|| crate::boot::when_saved().into()),
    );
    set(
        &hook,
        "frame",
        &func0(|| {
            paint_now();
            JsValue::UNDEFINED
        }),
    );
    set(
        &hook,
        "framePending",
        &func0(|| crate::state::frame_pending().into()),
    );
    set(
        &hook,
        "paints",
        &func0(|| {
            let (full, partial, skipped) = crate::state::paint_counts();
            let o = Object::new();
            set(&o, "full", &(full as f64).into());
            set(&o, "partial", &(partial as f64).into());
            set(&o, "skipped", &(skipped as f64).into());
            o.into()
        }),
    );
    set(&window, "__lernraum", &hook.into());

    if let Some(n) = bench.and_then(|b| b.parse::<usize>().ok()) {
        install_bench(&window, n);
    }
}

fn install_bench(window: &web_sys::Window, n: usize) {
    let b = Object::new();
    set(
        &b,
        "count",
        &func0(|| (with_editor(|ed| ed.scene.len()).unwrap_or(0) as f64).into()),
    );
    set(&b, "getView", &func0(view_object));
    // The wasm linear memory (the board model, scene and caches live there, outside
    // the JS heap that the harness reads).
    set(
        &b,
        "wasmMemoryBytes",
        &func0(|| {
            use wasm_bindgen::JsCast;
            wasm_bindgen::memory()
                .dyn_into::<js_sys::WebAssembly::Memory>()
                .map(|m| {
                    m.buffer()
                        .unchecked_into::<js_sys::ArrayBuffer>()
                        .byte_length() as f64
                })
                .unwrap_or(f64::NAN)
                .into()
        }),
    );
    let set_view = Closure::<dyn Fn(JsValue)>::new(|v: JsValue| {
        let get = |k: &str| {
            Reflect::get(&v, &JsValue::from_str(k))
                .ok()
                .and_then(|x| x.as_f64())
        };
        if let (Some(x), Some(y), Some(z)) = (get("x"), get("y"), get("z")) {
            with_editor(|ed| {
                ed.camera.set(x, y, z);
                ed.view_version += 1;
            });
            schedule_frame();
        }
    });
    set(&b, "setView", &set_view.into_js_value());
    set(&b, "editorBench", &func0(editor_bench));
    set(&b, "exportBench", &func0(export_bench));
    set(window, "__bench", &b.into());
    // Poll the model until it holds N elements (the data may arrive from storage or
    // a server), then flag readiness after painting a frame.
    poll_ready(window.clone(), n);
}

fn poll_ready(window: web_sys::Window, n: usize) {
    let count = with_editor(|ed| {
        ed.flush();
        ed.scene.len()
    })
    .unwrap_or(0);
    if count >= n {
        paint_now();
        set(&window, "__benchReady", &JsValue::TRUE);
    } else {
        leptos::prelude::request_animation_frame(move || poll_ready(window, n));
    }
}

/// Editor micro-benchmarks on the loaded board, in the browser where they matter:
/// hit tests at random points, and a marquee dragged across the board (the selection
/// query per pointer move). Returns `{hitMs, marqueeMs, hits, moves}` (mean ms each).
fn editor_bench() -> JsValue {
    use crate::tools::select::SceneQuery;
    let out = Object::new();
    with_editor(|ed| {
        ed.flush();
        let Some(area) = ed.scene.content_bounds() else {
            return;
        };
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
        let mut rng = fastrand::Rng::with_seed(7);
        let hits = 10_000;
        let t0 = now();
        let mut found = 0;
        for _ in 0..hits {
            let x = area.x + rng.f64() * area.w;
            let y = area.y + rng.f64() * area.h;
            found += ed.scene.hit(x, y).is_some() as usize;
        }
        let hit_ms = (now() - t0) / hits as f64;
        // A marquee from the top-left corner growing to the whole board in 120 moves.
        let moves = 120;
        let t0 = now();
        let mut selected = 0;
        for i in 1..=moves {
            let f = i as f64 / moves as f64;
            let r = crate::camera::Rect {
                x: area.x,
                y: area.y,
                w: area.w * f,
                h: area.h * f,
            };
            selected = ed.scene.inside(&r).len();
        }
        let marquee_ms = (now() - t0) / moves as f64;
        set(&out, "hitMs", &hit_ms.into());
        set(&out, "marqueeMs", &marquee_ms.into());
        set(&out, "hits", &(found as f64).into());
        set(&out, "selectedAtEnd", &(selected as f64).into());
    });
    out.into()
}

/// Export benchmarks on the loaded board, through the same code as the Export
/// dialog (snapshot, drawing, encoding, embedding): PNG at 2×, SVG, and saving and
/// opening the `.lernraum` file. Resolves to `{pngMs, pngScale, pngBytes, svgMs,
/// svgBytes, saveMs, openMs, fileBytes}`.
fn export_bench() -> JsValue {
    use crate::export::files::{make, Format};
    wasm_bindgen_futures::future_to_promise(async move {
        let out = Object::new();
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
        let opts = crate::export::ImageOptions::default();
        let lang = crate::i18n::Lang::En;
        let fail = |e| JsValue::from_str(&format!("{e:?}"));
        let t0 = now();
        let png = make(Format::Png, &opts, lang).await.map_err(fail)?;
        set(&out, "pngMs", &(now() - t0).into());
        set(
            &out,
            "pngScale",
            &png.reduced_to.unwrap_or(opts.scale).into(),
        );
        set(&out, "pngBytes", &(png.bytes.len() as f64).into());
        let t0 = now();
        let svg = make(Format::Svg, &opts, lang).await.map_err(fail)?;
        set(&out, "svgMs", &(now() - t0).into());
        set(&out, "svgBytes", &(svg.bytes.len() as f64).into());
        let t0 = now();
        let file = make(Format::Board, &opts, lang).await.map_err(fail)?;
        set(&out, "saveMs", &(now() - t0).into());
        set(&out, "fileBytes", &(file.bytes.len() as f64).into());
        let t0 = now();
        let board =
            crdt::file::read(&file.bytes, 77).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let scene = crate::scene::Scene::from_board(&board);
        set(&out, "openMs", &(now() - t0).into());
        set(&out, "openedElements", &(scene.len() as f64).into());
        Ok(out.into())
    })
    .into()
}
