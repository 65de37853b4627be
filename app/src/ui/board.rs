//! The board surface: the focusable `role=application` element, its aria-hidden
//! canvas, pointer/wheel/touch input, and the text-editing overlay.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlElement, HtmlTextAreaElement, PointerEvent, WheelEvent};

use crate::i18n::{t, Msg};
use crate::state::{self, after_input, schedule_frame, with_editor, Ui};
use crate::tools::Pointer;

/// Board and screen coordinates of a pointer event relative to the board element.
fn pointer(ev: &web_sys::MouseEvent, board: &HtmlElement) -> Pointer {
    let rect = board.get_bounding_client_rect();
    let sx = ev.client_x() as f64 - rect.left();
    let sy = ev.client_y() as f64 - rect.top();
    let (x, y) = with_editor(|ed| ed.camera.to_board(sx, sy)).unwrap_or((sx, sy));
    Pointer {
        x,
        y,
        sx,
        sy,
        shift: ev.shift_key(),
        time: ev.time_stamp(),
    }
}

fn resize_canvas(canvas: &HtmlCanvasElement, board: &HtmlElement) {
    let w = board.client_width().max(1) as f64;
    let h = board.client_height().max(1) as f64;
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(0.5, 4.0);
    canvas.set_width((w * dpr).round() as u32);
    canvas.set_height((h * dpr).round() as u32);
    with_editor(|ed| {
        ed.viewport = (w, h);
        ed.view_version += 1;
    });
    schedule_frame();
}

thread_local! {
    static MEASURE: Option<web_sys::CanvasRenderingContext2d> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
}

/// Width of `s` in the free-text font, in board units.
fn measure_text(s: &str) -> f64 {
    use crate::kinds::{text::FONT_SIZE, FONT_FAMILY};
    MEASURE.with(|m| match m {
        Some(ctx) => {
            ctx.set_font(&format!("{FONT_SIZE}px {FONT_FAMILY}"));
            ctx.measure_text(s).map(|m| m.width()).unwrap_or(0.0)
        }
        None => s.chars().count() as f64 * FONT_SIZE * 0.55,
    })
}

/// Opens the context menu for what is under `p`: an unselected element there becomes
/// the selection first, as in every desktop app.
fn open_menu_at(ui: Ui, p: Pointer, client_x: f64, client_y: f64) {
    with_editor(|ed| {
        ed.pointer_cancel();
        if let Some(id) = ed.scene.hit(p.x, p.y) {
            if !ed.selection.contains(&id) {
                ed.set_selection(vec![id]);
            }
        }
    });
    after_input();
    ui.menu.set(Some((client_x, client_y)));
}

/// Milliseconds a still finger must rest to open the context menu.
const LONG_PRESS_MS: u64 = 550;

/// Two-finger pinch and pan on touch screens.
#[derive(Default)]
struct Touches {
    points: Vec<(i32, f64, f64)>,
    /// Where a single finger went down, and the press number, for long press.
    press: Option<(u32, f64, f64)>,
    presses: u32,
}

impl Touches {
    fn centre_and_spread(&self) -> Option<((f64, f64), f64)> {
        if self.points.len() < 2 {
            return None;
        }
        let (a, b) = (self.points[0], self.points[1]);
        let c = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
        let d = ((a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt();
        Some((c, d))
    }
}

#[component]
pub fn BoardSurface(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let board_ref: NodeRef<html::Div> = NodeRef::new();
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let textarea_ref: NodeRef<html::Textarea> = NodeRef::new();
    let touches = std::rc::Rc::new(std::cell::RefCell::new(Touches::default()));

    // Paint function and size tracking, once the canvas exists.
    Effect::new(move |_| {
        let (Some(canvas), Some(board)) = (canvas_ref.get(), board_ref.get()) else {
            return;
        };
        let canvas: HtmlCanvasElement = canvas;
        let board: HtmlElement = board.into();
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        let Some(ctx) = ctx else {
            ui.notice
                .set(Some("Canvas 2D is not available in this browser.".into()));
            return;
        };
        let c2 = canvas.clone();
        state::set_drawer(move |ed, renderer, damage| {
            let dpr = c2.width() as f64 / ed.viewport.0.max(1.0);
            renderer.draw(&ctx, ed, dpr, damage);
        });
        resize_canvas(&canvas, &board);
        let (c3, b3) = (canvas.clone(), board.clone());
        let on_resize =
            wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || resize_canvas(&c3, &b3));
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&board);
            // The observer lives as long as the page.
            std::mem::forget(observer);
        }
        on_resize.forget();
        let _ = board.focus();
    });

    // Keep the overlay's text in the editor as it is typed.
    let on_input = move |ev: web_sys::Event| {
        if let Some(ta) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        {
            let text = ta.value();
            with_editor(|ed| {
                if ed.editing_kind() == Some(crdt::Kind::Text) {
                    let (w, h) = crate::kinds::text::auto_size(&text, &mut measure_text);
                    ed.input_text_sized(&text, w, h);
                } else {
                    ed.input_text(&text);
                }
            });
            after_input();
        }
    };
    let finish_editing = move || {
        with_editor(|ed| ed.commit_text());
        after_input();
        if let Some(b) = board_ref.get_untracked() {
            let _ = b.focus();
        }
    };

    // The overlay is created when editing starts and only repositioned after that.
    let editing_id = Memo::new(move |_| ui.editing.with(|e| e.as_ref().map(|b| b.id.clone())));
    let overlay_style = move || {
        ui.editing.with(|e| {
            e.as_ref().map(|b| {
                if b.arrow_label {
                    // On the line's middle, like the drawn label: centred, one line.
                    return format!(
                        "left:{}px;top:{}px;width:{}px;height:{}px;font-size:{}px;padding:{}px;\
                         background:#f8f9fa;color:{};text-align:center;white-space:pre;overflow:hidden",
                        b.left,
                        b.top,
                        b.width,
                        b.height,
                        crate::kinds::arrow::LABEL_FONT * b.zoom,
                        4.0 * b.zoom,
                        crate::palette::ink(&b.color),
                    );
                }
                if b.free_text {
                    use crate::kinds::text::{FONT_SIZE, PAD};
                    return format!(
                        "left:{}px;top:{}px;width:{}px;height:{}px;font-size:{}px;padding:{}px;\
                         background:transparent;color:{};text-align:left;white-space:pre;min-width:{}px",
                        b.left,
                        b.top,
                        b.width + 24.0 * b.zoom,
                        b.height,
                        FONT_SIZE * b.zoom,
                        PAD * b.zoom,
                        crate::palette::ink(&b.color),
                        b.width,
                    );
                }
                format!(
                    "left:{}px;top:{}px;width:{}px;height:{}px;font-size:{}px;padding:{}px;background:{};color:{}",
                    b.left,
                    b.top,
                    b.width,
                    b.height,
                    24.0 * b.zoom,
                    14.0 * b.zoom,
                    crate::palette::fill(&b.color),
                    crate::palette::text_on(&b.color),
                )
            })
        })
    };

    // Focus the editor when it opens, with the note's text. Returns the id it has
    // set up, so it runs once per opening even if the textarea mounts later.
    Effect::new(move |prev: Option<Option<String>>| {
        let id = editing_id.get();
        let textarea = textarea_ref.get();
        let prev = prev.flatten();
        match (id, textarea) {
            (Some(id), Some(ta)) if Some(&id) != prev.as_ref() => {
                let text = with_editor(|ed| ed.scene.get(&id).map(|e| e.text.clone())).flatten();
                ta.set_value(&text.unwrap_or_default());
                let _ = ta.focus();
                let len = ta.value().encode_utf16().count() as u32;
                let _ = ta.set_selection_range(len, len);
                Some(id)
            }
            (Some(_), _) => prev,
            (None, _) => None,
        }
    });

    let touches_down = touches.clone();
    let touches_move = touches.clone();
    let touches_up = touches;

    view! {
        <div
            class="board"
            role="application"
            aria-label=t(lang, Msg::Board)
            aria-roledescription="whiteboard"
            tabindex="0"
            node_ref=board_ref
            on:pointerdown=move |ev: PointerEvent| {
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                if ev.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()).is_some() {
                    return;
                }
                // No compatibility mousedown: its default action would move focus to
                // the board after the note's text editor has taken it.
                ev.prevent_default();
                let _ = board.focus();
                if ev.pointer_type() == "touch" {
                    let mut t = touches_down.borrow_mut();
                    let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
                    t.points.push((ev.pointer_id(), cx, cy));
                    if t.points.len() >= 2 {
                        t.press = None;
                        with_editor(|ed| ed.pointer_cancel());
                        return;
                    }
                    t.presses += 1;
                    let press = t.presses;
                    t.press = Some((press, cx, cy));
                    let touches = touches_down.clone();
                    let p = pointer(&ev, &board);
                    set_timeout(
                        move || {
                            let still = touches.borrow().press.is_some_and(|(n, _, _)| n == press);
                            if still {
                                touches.borrow_mut().press = None;
                                open_menu_at(ui, p, cx, cy);
                            }
                        },
                        std::time::Duration::from_millis(LONG_PRESS_MS),
                    );
                }
                let _ = board.set_pointer_capture(ev.pointer_id());
                let p = pointer(&ev, &board);
                // During a vote, a click on an element that can be voted on places a dot
                // (Shift: takes one away) instead of selecting it.
                let voted = ev.button() == 0 && with_editor(|ed| {
                    ed.tool == crate::tools::Tool::Select && !ed.space_held && match ed.scene.hit(p.x, p.y) {
                        Some(id) => crate::voting::click(ed, &id, ev.shift_key()),
                        None => false,
                    }
                }).unwrap_or(false);
                if !voted {
                    with_editor(|ed| ed.pointer_down(p, ev.button()));
                }
                after_input();
            }
            on:pointermove=move |ev: PointerEvent| {
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                if ev.pointer_type() == "mouse" || ev.pointer_type() == "pen" {
                    let p = pointer(&ev, &board);
                    crate::net::presence::set_cursor(Some((p.x, p.y)));
                }
                if ev.pointer_type() == "touch" {
                    let mut t = touches_move.borrow_mut();
                    // A finger that moves is not a long press.
                    if let Some((_, x0, y0)) = t.press {
                        if (ev.client_x() as f64 - x0).hypot(ev.client_y() as f64 - y0) > 8.0 {
                            t.press = None;
                        }
                    }
                    if t.points.len() >= 2 {
                        let before = t.centre_and_spread();
                        for pt in t.points.iter_mut() {
                            if pt.0 == ev.pointer_id() {
                                pt.1 = ev.client_x() as f64;
                                pt.2 = ev.client_y() as f64;
                            }
                        }
                        if let (Some((c0, d0)), Some((c1, d1))) = (before, t.centre_and_spread()) {
                            let rect = board.get_bounding_client_rect();
                            let (sx, sy) = (c1.0 - rect.left(), c1.1 - rect.top());
                            with_editor(|ed| {
                                ed.break_away();
                                ed.camera.pan_by(c1.0 - c0.0, c1.1 - c0.1);
                                if d0 > 0.0 {
                                    let z = ed.camera.z * d1 / d0;
                                    ed.camera.zoom_at(sx, sy, z);
                                }
                                ed.view_version += 1;
                            });
                            after_input();
                        }
                        return;
                    }
                }
                if ev.buttons() == 0 && !with_editor(|ed| ed.is_panning()).unwrap_or(false) {
                    return;
                }
                // The browser merges moves into one event per frame; the pen wants them
                // all, so a quick stroke keeps its shape.
                let coalesced = ev.get_coalesced_events();
                let events: Vec<PointerEvent> = if coalesced.length() > 1 {
                    coalesced.iter().filter_map(|e| e.dyn_into::<PointerEvent>().ok()).collect()
                } else {
                    vec![ev]
                };
                let points: Vec<Pointer> = events.iter().map(|e| pointer(e, &board)).collect();
                with_editor(|ed| points.into_iter().for_each(|p| ed.pointer_move(p)));
                schedule_frame();
            }
            on:pointerup=move |ev: PointerEvent| {
                {
                    let mut t = touches_up.borrow_mut();
                    t.points.retain(|p| p.0 != ev.pointer_id());
                    t.press = None;
                }
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                let p = pointer(&ev, &board);
                with_editor(|ed| ed.pointer_up(p));
                after_input();
            }
            on:pointercancel=move |_ev: PointerEvent| {
                with_editor(|ed| ed.pointer_cancel());
                after_input();
            }
            on:dblclick=move |ev: web_sys::MouseEvent| {
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                if ev.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()).is_some() {
                    return;
                }
                let p = pointer(&ev, &board);
                with_editor(|ed| ed.double_click(p));
                after_input();
            }
            on:wheel=move |ev: WheelEvent| {
                ev.prevent_default();
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                let rect = board.get_bounding_client_rect();
                let (sx, sy) = (ev.client_x() as f64 - rect.left(), ev.client_y() as f64 - rect.top());
                // deltaMode 1 = lines: scale to pixels.
                let unit = if ev.delta_mode() == 1 { 16.0 } else { 1.0 };
                let zoom = ev.ctrl_key() || ev.meta_key();
                let (dx, dy) = if ev.shift_key() && ev.delta_x() == 0.0 {
                    (ev.delta_y() * unit, 0.0)
                } else {
                    (ev.delta_x() * unit, ev.delta_y() * unit)
                };
                with_editor(|ed| ed.wheel(sx, sy, dx, dy, zoom));
                after_input();
            }
            on:pointerleave=move |_| crate::net::presence::set_cursor(None)
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                // A dropped file opens like "Open file"; dropped text becomes notes.
                ev.prevent_default();
                let Some(data) = ev.data_transfer() else { return };
                if let Some(file) = data.files().and_then(|f| f.get(0)) {
                    crate::ui::export::take_file(ui, file);
                } else if let Ok(text) = data.get_data("text/plain") {
                    if !text.is_empty() {
                        crate::export::files::insert_text(&text);
                    }
                }
            }
            on:contextmenu=move |ev: web_sys::MouseEvent| {
                ev.prevent_default();
                let Some(board) = board_ref.get_untracked() else { return };
                let board: HtmlElement = board.into();
                let p = pointer(&ev, &board);
                // During a vote, a right-click on an element takes a dot away.
                let unvoted = with_editor(|ed| match ed.scene.hit(p.x, p.y) {
                    Some(id) if crate::voting::round().is_some_and(|r| r.is_open()) => {
                        crate::voting::click(ed, &id, true)
                    }
                    _ => false,
                }).unwrap_or(false);
                if unvoted {
                    after_input();
                    return;
                }
                open_menu_at(ui, p, ev.client_x() as f64, ev.client_y() as f64);
            }
        >
            <canvas aria-hidden="true" node_ref=canvas_ref></canvas>
            {move || {
                editing_id.get().map(|_| {
                    view! {
                        <textarea
                            class="text-editor"
                            aria-label=t(lang, Msg::EditText)
                            style=overlay_style
                            node_ref=textarea_ref
                            on:input=on_input
                            on:blur=move |_| finish_editing()
                            on:pointerdown=move |ev: PointerEvent| ev.stop_propagation()
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                ev.stop_propagation();
                                let single_line = || {
                                    ui.editing.with_untracked(|e| e.as_ref().is_some_and(|b| b.single_line))
                                };
                                if ev.key() == "Escape"
                                    || (ev.key() == "Enter" && !ev.shift_key() && single_line())
                                {
                                    ev.prevent_default();
                                    finish_editing();
                                }
                            }
                        ></textarea>
                    }
                })
            }}
        </div>
    }
}
