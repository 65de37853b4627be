//! Facilitation chrome: the countdown everyone sees (`role=timer`), each person's mute
//! for its sound, and the moderator's Timer panel (UI.md "Facilitation"). Participants
//! never get moderator controls; even if they did, their entries would not verify.

use std::cell::Cell;
use std::time::Duration;

use crdt::control::keys;
use crdt::timer::{self, Timer};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{h, set_flag, text, H};
use crate::facilitation;
use crate::i18n::{t, Msg};
use crate::state::{after_input, with_editor, Ui};

const MUTE_KEY: &str = "lernraum.timerMuted";

thread_local! {
    /// The end time whose signal was already given (once per end).
    static SIGNALLED: Cell<f64> = const { Cell::new(f64::NAN) };
}

fn muted() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(MUTE_KEY).ok().flatten())
        .is_some_and(|v| v == "1")
}

fn set_muted(on: bool) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(MUTE_KEY, if on { "1" } else { "0" });
    }
}

/// A soft two-tone chime (Web Audio; quietly nothing where audio is unavailable).
fn chime() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    let t0 = ctx.current_time();
    for (i, freq) in [660.0f32, 880.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        let start = t0 + i as f64 * 0.35;
        osc.frequency().set_value(freq);
        let g = gain.gain();
        let _ = g.set_value_at_time(0.0001, start);
        let _ = g.exponential_ramp_to_value_at_time(0.15, start + 0.03);
        let _ = g.exponential_ramp_to_value_at_time(0.0001, start + 0.6);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.65);
    }
}

/// The countdown and the mute toggle, in the top bar; hidden while no timer runs.
#[component]
pub fn Countdown(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let shown = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let mute = RwSignal::new(muted());
    // Tick four times a second: the shown time is derived from the shared end time.
    let tick = move || {
        let timer = facilitation::timer();
        let now = facilitation::now();
        let text = timer.remaining(now).map(timer::format).unwrap_or_default();
        if shown.get_untracked() != text {
            shown.set(text);
        }
        let is_done = timer.is_done(now);
        if done.get_untracked() != is_done {
            done.set(is_done);
        }
        if let Timer::Running { ends_at, .. } = timer {
            if is_done && SIGNALLED.with(|s| s.get()) != ends_at {
                SIGNALLED.with(|s| s.set(ends_at));
                // Only right at the end, not for a timer that ended long ago.
                if now - ends_at < 5_000.0 && !mute.get_untracked() {
                    chime();
                }
            }
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_millis(250)) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <span class="countdown-box" hidden=move || shown.with(|s| s.is_empty())>
            <span class="countdown" role="timer" aria-label=t(lang, Msg::Timer)
                class:done=move || done.get()>{move || shown.get()}</span>
            <button class="mute" aria-pressed=move || if mute.get() { "true" } else { "false" }
                aria-label=t(lang, Msg::MuteTimer) title=t(lang, Msg::MuteTimer)
                on:click=move |_| { let m = !mute.get_untracked(); mute.set(m); set_muted(m); }>
                {crate::ui::toolbar::svg_icon("M4 9v6h4l5 4V5L8 9zM17 9l5 6M22 9l-5 6")}
            </button>
        </span>
    }
}

fn act(f: impl Fn(Timer, f64) -> Option<Timer> + 'static) -> impl Fn(web_sys::Event) {
    move |_| {
        let now = facilitation::now();
        if let Some(next) = f(facilitation::timer(), now) {
            with_editor(|ed| facilitation::write(&mut ed.board, keys::TIMER, &next.to_value()));
            after_input();
        }
    }
}

/// The moderator's Timer panel: minutes, presets, start, pause or resume, ±1 min, stop.
/// Rebuilt when the timer changes, so only the actions that apply are enabled.
pub fn timer_panel(ui: Ui) -> H {
    let lang = ui.lang;
    let minutes = h("input")
        .attr("id", "timer-minutes")
        .attr("type", "number")
        .attr("min", "1")
        .attr("max", "240")
        .attr("value", "5")
        .on("keydown", |ev| ev.stop_propagation());
    let field = minutes.0.clone();
    let start_from_field = move |_| {
        let v = field
            .dyn_ref::<web_sys::HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default();
        let mins = v.trim().replace(',', ".").parse::<f64>().unwrap_or(5.0);
        let mins = if mins.is_finite() {
            mins.clamp(0.1, 240.0)
        } else {
            5.0
        };
        with_editor(|ed| {
            facilitation::write(
                &mut ed.board,
                keys::TIMER,
                &Timer::start(mins * 60_000.0, facilitation::now()).to_value(),
            )
        });
        after_input();
    };
    let presets = [3u32, 5, 10, 15].into_iter().map(|m| {
        text("button", &format!("{m} min")).on("click", move |_| {
            with_editor(|ed| {
                facilitation::write(
                    &mut ed.board,
                    keys::TIMER,
                    &Timer::start(m as f64 * 60_000.0, facilitation::now()).to_value(),
                )
            });
            after_input();
        })
    });
    let pause = text("button", t(lang, Msg::PauseTimer)).on(
        "click",
        act(|t, now| matches!(t, Timer::Running { .. }).then(|| t.pause(now))),
    );
    let resume = text("button", t(lang, Msg::ResumeTimer)).on(
        "click",
        act(|t, now| matches!(t, Timer::Paused { .. }).then(|| t.resume(now))),
    );
    let plus = text("button", "+1 min")
        .attr("aria-label", t(lang, Msg::AddMinute))
        .on("click", act(|t, now| Some(t.add(60_000.0, now))));
    let minus = text("button", "−1 min")
        .attr("aria-label", t(lang, Msg::RemoveMinute))
        .on("click", act(|t, now| Some(t.add(-60_000.0, now))));
    let stop = text("button", t(lang, Msg::StopTimer)).on(
        "click",
        act(|t, _| (t != Timer::Stopped).then_some(Timer::Stopped)),
    );
    let (pa, re, pl, mi, st) = (
        pause.0.clone(),
        resume.0.clone(),
        plus.0.clone(),
        minus.0.clone(),
        stop.0.clone(),
    );
    Effect::new(move |_| {
        let timer = ui.timer.get();
        let running = matches!(timer, Timer::Running { .. });
        let paused = matches!(timer, Timer::Paused { .. });
        set_flag(&pa, "hidden", !running);
        set_flag(&re, "hidden", !paused);
        for el in [&pl, &mi, &st] {
            set_flag(el, "disabled", timer == Timer::Stopped);
        }
    });
    let panel = h("section")
        .class("timer-panel")
        .attr("role", "region")
        .attr("aria-label", t(lang, Msg::Timer))
        .children([
            text("h2", t(lang, Msg::Timer)),
            h("div").class("row").children([
                text("label", t(lang, Msg::Minutes)).attr("for", "timer-minutes"),
                minutes,
                text("button", t(lang, Msg::StartTimer))
                    .class("primary")
                    .on("click", start_from_field),
            ]),
            h("div").class("row presets").children(presets),
            h("div")
                .class("row")
                .children([pause, resume, minus, plus, stop]),
        ]);
    super::dom::below_top_bar(&panel)
}
