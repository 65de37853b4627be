//! `cargo xtask bench`: builds the release app, runs the benchmark scripts (browser, native,
//! optionally the peer-bench harness that also measures tldraw and Excalidraw) and writes
//! their Markdown, under a header describing the machine, to `docs/performance.md`.
//! Timings never become assertions: they are written down, not judged.

use crate::exec::{self, cargo, command, root, say, Result};
use crate::{size, system, toolchain};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Options of `cargo xtask bench`.
pub struct Options {
    /// A checkout of the peer-bench harness (`npm ci`-able) to run against tldraw and
    /// Excalidraw as well; `None` skips it (it takes 15+ minutes).
    pub peer_bench: Option<PathBuf>,
    /// Board sizes for the peer-bench harness, e.g. `1000,5000,10000`.
    pub peer_bench_n: String,
}

/// Runs everything and writes docs/performance.md, even when a script failed (its section
/// then says so); `Err` afterwards if anything failed.
pub fn run(options: &Options) -> Result {
    let tools = toolchain::ensure_web_tools()?;
    system::ensure_chromium()?;
    let browser_script = root().join("tests/bench/run.mjs");
    if browser_script.exists() {
        system::ensure_node_packages()?;
    }
    let dist = toolchain::build_dist(&tools)?;
    let docs = root().join("docs");
    fs::create_dir_all(&docs).map_err(|err| format!("cannot create {}: {err}", docs.display()))?;

    let sizes = size::measure(&dist)?;
    say(size::summary_line(&sizes));
    let mut sections = vec![size::markdown(&sizes)];
    let mut failures = Vec::new();

    if browser_script.exists() {
        let mut cmd = command("node");
        cmd.arg("tests/bench/run.mjs")
            .env("LERNRAUM_DIST", &dist)
            .env("LERNRAUM_DOCS", &docs);
        system::with_chromium(&mut cmd);
        sections.push(script_section(
            "Browser benchmarks",
            &mut cmd,
            &mut failures,
        ));
    } else {
        sections.push(missing("Browser benchmarks", "tests/bench/run.mjs"));
    }

    if native_bench_exists() {
        let mut cmd = cargo();
        cmd.args(["run", "--quiet", "--profile", "bench-native", "-p", "crdt"])
            .args(["--example", "bench"]);
        sections.push(script_section("Native benchmarks", &mut cmd, &mut failures));
    } else {
        sections.push(missing("Native benchmarks", "crdt/examples/bench.rs"));
    }

    if let Some(harness) = &options.peer_bench {
        sections.push(peer_bench(
            harness,
            &dist,
            &options.peer_bench_n,
            &mut failures,
        ));
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

fn native_bench_exists() -> bool {
    let examples = root().join("crdt/examples");
    examples.join("bench.rs").exists() || examples.join("bench/main.rs").exists()
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

fn missing(title: &str, file: &str) -> String {
    format!("## {title}\n\nNot measured: `{file}` does not exist yet.\n")
}

fn ensure_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The peer-bench harness: Lernraum next to tldraw and Excalidraw, same protocol.
fn peer_bench(harness: &Path, dist: &Path, n: &str, failures: &mut Vec<String>) -> String {
    let title = "Lernraum next to tldraw and Excalidraw (peer-bench)";
    if !harness.join("run.mjs").exists() {
        failures.push(format!("{} has no run.mjs", harness.display()));
        return format!(
            "## {title}\n\n**Failed:** `{}` has no run.mjs.\n",
            harness.display()
        );
    }
    if !harness.join("node_modules").exists() {
        if let Err(err) = exec::run(
            command("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(harness),
        ) {
            failures.push(err.clone());
            return format!("## {title}\n\n**Failed:** {err}.\n");
        }
    }
    let mut cmd = command("node");
    cmd.current_dir(harness)
        .args([
            "run.mjs",
            "--apps",
            "lernraum,tldraw,excalidraw",
            "--lernraum-dist",
        ])
        .arg(dist)
        .args(["--n", n]);
    system::with_chromium(&mut cmd);
    let body = script_section(title, &mut cmd, failures);
    if body.starts_with("## ") {
        body
    } else {
        format!("## {title}\n\n{body}")
    }
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
