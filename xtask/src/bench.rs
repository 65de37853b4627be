//! `cargo xtask bench`: builds the release app, runs the benchmarks and writes their
//! Markdown, under a header describing the machine, to `docs/performance.md`:
//! - the board model (crdt) next to JavaScript Yjs doing the same work
//!   (`tests/bench/native.mjs` with `crdt/examples/bench.rs`);
//! - the editor on a mixed board of 10,000 elements: pan, marquee, hit test
//!   (`tests/bench/editor.mjs`);
//! - export: PNG, SVG, board file save and open (`tests/bench/export.mjs`);
//! - dot voting with 130 candidate notes in a frame: click → frame for placing a dot
//!   against selecting a note, pan frames with the dots shown, closing a round of 8 voters
//!   against a round of 1 (`tests/bench/voting.mjs`);
//! - collaboration over loopback WebRTC next to JavaScript y-webrtc + Yjs peers: a new
//!   peer receiving a 10,000-element board, edit → visible at a remote peer, 8 peers at
//!   10 edits/s each (`tests/bench/collab.mjs`, through the debug signaling relay);
//! - memory after load, JS heap and wasm memory (`tests/bench/memory.mjs`);
//! - the peer-bench harness (TESTING.md, "Bench page contract"): Lernraum next to tldraw
//!   and Excalidraw in headless Chromium, load, pan and zoom frames, heap, bytes.
//!
//! Timings never become assertions: they are written down, not judged.

use crate::exec::{self, cargo, command, root, say, Result};
use crate::test_tiers::{signal_bin, SIGNAL_BIN};
use crate::{size, system, toolchain};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Options of `cargo xtask bench`.
pub struct Options {
    /// The peer-bench harness to copy and run; `None`: `../shared/peer-bench`.
    pub peer_bench: Option<PathBuf>,
    /// Board sizes for the peer-bench harness, e.g. `1000,5000,10000`.
    pub peer_bench_n: String,
    /// Runs per app and size (medians are reported).
    pub runs: String,
    /// Apps the harness measures.
    pub apps: String,
}

/// Runs everything and writes docs/performance.md, even when a script failed (its section
/// then says so); `Err` afterwards if anything failed.
pub fn run(options: &Options) -> Result {
    let tools = toolchain::ensure_web_tools()?;
    system::ensure_chromium()?;
    system::ensure_node_packages()?;
    let dist = toolchain::build_dist(&tools)?;
    let docs = root().join("docs");
    fs::create_dir_all(&docs).map_err(|err| format!("cannot create {}: {err}", docs.display()))?;

    let sizes = size::measure(&dist)?;
    say(size::summary_line(&sizes));
    let mut sections = vec![size::markdown(&sizes)];
    let mut failures = Vec::new();

    sections.push(native(&mut failures));
    let mut editor = command("node");
    editor
        .arg("tests/bench/editor.mjs")
        .env("LERNRAUM_DIST", &dist);
    system::with_chromium(&mut editor);
    sections.push(script_section(
        "Editor, mixed board",
        &mut editor,
        &mut failures,
    ));
    let mut export = command("node");
    export
        .arg("tests/bench/export.mjs")
        .env("LERNRAUM_DIST", &dist);
    system::with_chromium(&mut export);
    sections.push(script_section("Export", &mut export, &mut failures));
    let mut voting = command("node");
    voting
        .arg("tests/bench/voting.mjs")
        .env("LERNRAUM_DIST", &dist);
    system::with_chromium(&mut voting);
    sections.push(script_section(
        "Dot voting, 130 candidates in a frame",
        &mut voting,
        &mut failures,
    ));
    sections.push(collab(&dist, &mut failures));

    let harness = options
        .peer_bench
        .clone()
        .unwrap_or_else(|| root().join("../shared/peer-bench"));
    sections.push(peer_bench(&harness, &dist, options, &mut failures));
    if root().join("target/peer-bench/yjs/server.mjs").exists() {
        let mut cmd = command("node");
        cmd.arg("tests/bench/memory.mjs")
            .arg(root().join("target/peer-bench"))
            .env("LERNRAUM_DIST", &dist);
        system::with_chromium(&mut cmd);
        sections.push(script_section("Memory after load", &mut cmd, &mut failures));
    }
    let results = root().join("target/peer-bench-results.json");
    if results.exists() {
        let mut cmd = command("node");
        cmd.arg("tests/bench/targets.mjs").arg(&results);
        sections.push(script_section("Targets", &mut cmd, &mut failures));
    }

    let page = format!("{}\n{}", header(&tools), sections.join("\n"));
    let out = docs.join("performance.md");
    fs::write(&out, page).map_err(|err| format!("cannot write {}: {err}", out.display()))?;
    say(format!("wrote {}", out.display()));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "some benchmarks failed:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// The board model next to JavaScript Yjs, same work, same run.
fn native(failures: &mut Vec<String>) -> String {
    let title = "Board model, native (Rust yrs) next to JavaScript Yjs";
    let mut build = cargo();
    build.args([
        "build",
        "--quiet",
        "--profile",
        "bench-native",
        "-p",
        "crdt",
        "--example",
        "bench",
    ]);
    if let Err(err) = exec::run(&mut build) {
        failures.push(err.clone());
        return format!("## {title}\n\n**Failed:** {err}.\n");
    }
    let bin = root().join("target/bench-native/examples/bench");
    let mut cmd = command("node");
    cmd.arg("tests/bench/native.mjs")
        .env("LERNRAUM_NATIVE_BENCH", bin);
    script_section(title, &mut cmd, failures)
}

/// Collaboration over loopback WebRTC, Lernraum next to JavaScript y-webrtc + Yjs peers,
/// through the signaling relay (built here, as for the WebRTC e2e specs).
fn collab(dist: &Path, failures: &mut Vec<String>) -> String {
    let title = "Collaboration";
    if let Err(err) = exec::run(cargo().args(["build", "-p", "signal", "--bin", SIGNAL_BIN])) {
        failures.push(err.clone());
        return format!("## {title}\n\n**Failed:** building {SIGNAL_BIN}: {err}.\n");
    }
    let mut cmd = command("node");
    cmd.arg("tests/bench/collab.mjs")
        .env("LERNRAUM_DIST", dist)
        .env("LERNRAUM_SIGNAL_BIN", signal_bin());
    system::with_chromium(&mut cmd);
    script_section(title, &mut cmd, failures)
}

/// Runs a script whose stdout is Markdown; on failure the section says so and keeps
/// whatever the script printed before it stopped.
fn script_section(title: &str, cmd: &mut Command, failures: &mut Vec<String>) -> String {
    let (result, stdout) = exec::capture(cmd);
    match result {
        Ok(()) if !stdout.trim().is_empty() => ensure_newline(stdout),
        Ok(()) => format!("## {title}\n\nThe script printed nothing.\n"),
        Err(err) => {
            failures.push(err.clone());
            format!("## {title}\n\n**Failed:** {err}. Output before the failure:\n\n{stdout}\n")
        }
    }
}

fn ensure_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The peer-bench harness: Lernraum next to tldraw and Excalidraw, same protocol. The
/// harness folder is copied into `target/peer-bench` (shared/ may be read-only) and its
/// npm packages installed there.
fn peer_bench(source: &Path, dist: &Path, options: &Options, failures: &mut Vec<String>) -> String {
    let title = "Lernraum next to tldraw and Excalidraw (peer-bench)";
    if !source.join("run.mjs").exists() {
        failures.push(format!("{} has no run.mjs", source.display()));
        return format!(
            "## {title}\n\n**Failed:** `{}` has no run.mjs.\n",
            source.display()
        );
    }
    // A stale result file would feed old figures into the targets section.
    let _ = fs::remove_file(root().join("target/peer-bench-results.json"));
    let harness = root().join("target/peer-bench");
    let mut copy = command("bash");
    copy.arg("-c").arg(format!(
        "mkdir -p '{dst}' && cd '{src}' && tar --exclude=node_modules --exclude=dist -cf - . | (cd '{dst}' && tar -xf -)",
        src = source.display(),
        dst = harness.display()
    ));
    if let Err(err) = exec::run(&mut copy) {
        failures.push(err.clone());
        return format!("## {title}\n\n**Failed:** copying the harness: {err}.\n");
    }
    if !harness.join("node_modules").exists() {
        say("installing the peer-bench harness's npm packages (npm ci)…");
        if let Err(err) = exec::run(
            command("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&harness),
        ) {
            failures.push(err.clone());
            return format!("## {title}\n\n**Failed:** {err}.\n");
        }
    }
    say("running peer-bench (about 20 minutes for 3 apps × 3 sizes × 3 runs)…");
    let mut cmd = command("node");
    cmd.current_dir(&harness)
        .args(["run.mjs", "--apps", &options.apps, "--lernraum-dist"])
        .arg(dist)
        .args(["--n", &options.peer_bench_n, "--runs", &options.runs])
        .arg("--out")
        .arg(root().join("target/peer-bench-results.json"));
    system::with_chromium(&mut cmd);
    let body = script_section(title, &mut cmd, failures);
    format!(
        "## {title}\n\nThe shared harness (TESTING.md, \"Bench page contract\"): each app in a fresh \
         headless Chromium at 1280×800, boards of N notes, runs alternating between apps, \
         medians reported. Lernraum loads its board from a y-websocket room pre-filled by a \
         JavaScript Yjs client. Frame figures are rAF deltas; 16.7 ms is the 60 Hz floor. \
         Raw results: `target/peer-bench-results.json`.\n\n{}",
        body.trim_start_matches(&format!("## {title}\n\n"))
    )
}

/// Title, date and the machine the figures come from.
fn header(tools: &toolchain::WebTools) -> String {
    let version = |program: &str, arg: &str| {
        exec::stdout_of(command(program).arg(arg))
            .and_then(|out| out.lines().next().map(str::to_string))
            .unwrap_or_else(|| "unknown".to_string())
    };
    let cores = exec::stdout_of(&mut command("nproc"))
        .or_else(|| {
            std::thread::available_parallelism()
                .ok()
                .map(|n| n.to_string())
        })
        .unwrap_or_else(|| "?".to_string());
    let cpu = proc_field("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into());
    let memory = proc_field("/proc/meminfo", "MemTotal")
        .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".to_string());
    let commit = match exec::stdout_of(command("git").args(["rev-parse", "--short", "HEAD"])) {
        Some(hash) => {
            let dirty = exec::stdout_of(command("git").args(["status", "--porcelain"]))
                .is_some_and(|status| !status.is_empty());
            if dirty {
                format!("{hash} with uncommitted changes")
            } else {
                hash
            }
        }
        None => "none yet".to_string(),
    };
    format!(
        "# Performance\n\n\
         Written by `cargo xtask bench` on {date}. Run it again to refresh this page; \
         edits by hand are overwritten.\n\n\
         | | |\n|---|---|\n\
         | machine | {cores} cores ({cpu}), {memory} memory |\n\
         | browser | {chromium}, headless |\n\
         | build | {rustc}, Trunk {trunk}, wasm-bindgen {wasm_bindgen}, wasm-opt {wasm_opt} |\n\
         | Node.js | {node} |\n\
         | commit | {commit} |\n\n\
         Absolute times on a shared machine are noisy: read them as ratios against the \
         baselines measured in the same run.\n",
        date = utc_now(),
        chromium = system::chromium_version(),
        rustc = version("rustc", "--version"),
        trunk = toolchain::TRUNK_VERSION,
        wasm_bindgen = tools.wasm_bindgen,
        wasm_opt = tools.wasm_opt,
        node = version("node", "--version"),
    )
}

/// The value after `field:` on the first matching line of a /proc file.
fn proc_field(file: &str, field: &str) -> Option<String> {
    let text = fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == field).then(|| value.trim().to_string())
    })
}

/// `2026-11-26 23:59 UTC`, from the system clock (no date crate needed).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let minutes = secs % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_since_the_epoch_become_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_783), (2026, 11, 26));
    }
}
