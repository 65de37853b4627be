//! `cargo xtask test`: the three test tiers of TESTING.md (cargo, Yjs interop, browser e2e).
//! Every selected tier runs even when an earlier one failed; the last line of stdout is
//! always `N passed, M failed`, counting tiers, and the exit code is non-zero on any failure.

use crate::exec::{self, cargo, command, root, say, Result};
use crate::{system, toolchain};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

/// One tier of the test suite, in the order they run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tier {
    /// `cargo test --workspace --all-targets`: everything that runs without a browser.
    Cargo,
    /// `node --test tests/interop/*.test.mjs`: Rust against real JavaScript Yjs, and the
    /// signaling relay against y-webrtc's messages.
    Interop,
    /// `node --test tests/e2e/*.spec.mjs` against the release build in headless Chromium.
    E2e,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Cargo, Tier::Interop, Tier::E2e];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Cargo => "cargo",
            Tier::Interop => "interop",
            Tier::E2e => "e2e",
        }
    }

    pub fn parse(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|tier| tier.name() == name)
    }
}

/// How a tier ended.
enum Outcome {
    Passed(Option<String>),
    Failed(String),
    Skipped(String),
}

/// Runs the selected tiers (all when `selected` is empty); `Err` if any failed.
pub fn run(selected: &[Tier]) -> Result {
    let tiers: Vec<Tier> = Tier::ALL
        .into_iter()
        .filter(|tier| selected.is_empty() || selected.contains(tier))
        .collect();
    let needs = |tier| tiers.contains(&tier);

    // Install first, so the tiers run back to back; a failed install fails only the tiers
    // that need it.
    let node_packages = if needs(Tier::Interop) || needs(Tier::E2e) {
        system::ensure_node_packages()
    } else {
        Ok(())
    };
    let web = needs(Tier::E2e).then(|| {
        toolchain::ensure_web_tools().and_then(|tools| {
            system::ensure_chromium()?;
            Ok(tools)
        })
    });
    if let Err(err) = &node_packages {
        say(format!("setup failed; the node tiers will fail: {err}"));
    }
    if let Some(Err(err)) = &web {
        say(format!("setup failed; the e2e tier will fail: {err}"));
    }

    let mut outcomes = Vec::new();
    for tier in tiers {
        say(format!("── tier {} ──", tier.name()));
        let outcome = match tier {
            Tier::Cargo => cargo_tier(),
            Tier::Interop => match &node_packages {
                Ok(()) => interop_tier(),
                Err(err) => Outcome::Failed(format!("setup failed: {err}")),
            },
            Tier::E2e => match (&node_packages, &web) {
                (Ok(()), Some(Ok(tools))) => e2e_tier(tools),
                (Err(err), _) | (_, Some(Err(err))) => {
                    Outcome::Failed(format!("setup failed: {err}"))
                }
                (Ok(()), None) => Outcome::Failed("the web toolchain was not set up".into()),
            },
        };
        if let Outcome::Failed(why) = &outcome {
            say(format!("tier {} FAILED: {why}", tier.name()));
        }
        outcomes.push((tier, outcome));
    }
    summarize(&outcomes)
}

fn cargo_tier() -> Outcome {
    match exec::run(cargo().args(["test", "--workspace", "--all-targets"])) {
        Ok(()) => Outcome::Passed(None),
        Err(err) => Outcome::Failed(err),
    }
}

fn interop_tier() -> Outcome {
    let files = test_files(&root().join("tests/interop"), ".test.mjs");
    if files.is_empty() {
        return Outcome::Skipped("no tests/interop/*.test.mjs".to_string());
    }
    // The node tests run target/debug/examples/… binaries of the crdt crate, and the
    // signaling relay (tests/interop/signal.test.mjs).
    if let Err(err) = exec::run(cargo().args(["build", "-p", "crdt", "--examples"])) {
        return Outcome::Failed(format!("building the crdt examples failed: {err}"));
    }
    if let Err(err) = exec::run(cargo().args(["build", "-p", "signal", "--bin", SIGNAL_BIN])) {
        return Outcome::Failed(format!("building {SIGNAL_BIN} failed: {err}"));
    }
    let mut cmd = node_test(&files, &[]);
    cmd.env("LERNRAUM_SIGNAL_BIN", signal_bin());
    match exec::run(&mut cmd) {
        Ok(()) => Outcome::Passed(None),
        Err(err) => Outcome::Failed(err),
    }
}

fn e2e_tier(tools: &toolchain::WebTools) -> Outcome {
    let dist = match toolchain::build_dist(tools) {
        Ok(dist) => dist,
        Err(err) => return Outcome::Failed(err),
    };
    let files = test_files(&root().join("tests/e2e"), ".spec.mjs");
    if files.is_empty() {
        return Outcome::Passed(Some(
            "release build only; no tests/e2e/*.spec.mjs".to_string(),
        ));
    }
    // The WebRTC specs start the signaling relay on a free loopback port.
    if let Err(err) = exec::run(cargo().args(["build", "-p", "signal", "--bin", SIGNAL_BIN])) {
        return Outcome::Failed(format!("building {SIGNAL_BIN} failed: {err}"));
    }
    // One spec at a time: each starts browsers, and the machine has two cores.
    let mut cmd = node_test(&files, &["--test-concurrency=1"]);
    cmd.env("LERNRAUM_DIST", &dist);
    cmd.env("LERNRAUM_SIGNAL_BIN", signal_bin());
    system::with_chromium(&mut cmd);
    match exec::run(&mut cmd) {
        Ok(()) => Outcome::Passed(None),
        Err(err) => Outcome::Failed(err),
    }
}

/// `node --test` with the files named explicitly: Node 20 given a directory only picks up
/// names like `*.test.mjs`, never `*.spec.mjs`.
fn node_test(files: &[PathBuf], extra: &[&str]) -> std::process::Command {
    let mut cmd = command("node");
    cmd.args(["--test", "--test-reporter=spec"])
        .args(extra)
        .args(
            files
                .iter()
                .map(|file| file.strip_prefix(root()).unwrap_or(file)),
        )
        .env("LERNRAUM_ROOT", root())
        .env("LERNRAUM_TARGET_DIR", target_dir());
    cmd
}

/// The signaling relay's binary (package `signal`).
pub const SIGNAL_BIN: &str = "lernraum-signal";

/// Where `cargo build -p signal` puts the relay.
pub fn signal_bin() -> PathBuf {
    target_dir()
        .join("debug")
        .join(format!("{SIGNAL_BIN}{}", std::env::consts::EXE_SUFFIX))
}

/// Cargo's target directory, for tests that run built binaries.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map(|dir| root().join(dir))
        .unwrap_or_else(|| root().join("target"))
}

/// Files under `dir` (recursively, skipping `node_modules` and `artifacts`) whose names end
/// in `suffix`, sorted so the run order is stable.
fn test_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != OsStr::new("node_modules") && name != OsStr::new("artifacts") {
                found.extend(test_files(&path, suffix));
            }
        } else if name.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Prints `xtask test: cargo ok, interop ok, e2e FAILED` and then `N passed, M failed`.
fn summarize(outcomes: &[(Tier, Outcome)]) -> Result {
    let mut passed = 0;
    let mut failed = 0;
    let parts: Vec<String> = outcomes
        .iter()
        .map(|(tier, outcome)| match outcome {
            Outcome::Passed(note) => {
                passed += 1;
                match note {
                    Some(note) => format!("{} ok ({note})", tier.name()),
                    None => format!("{} ok", tier.name()),
                }
            }
            Outcome::Failed(_) => {
                failed += 1;
                format!("{} FAILED", tier.name())
            }
            Outcome::Skipped(why) => format!("{} skipped ({why})", tier.name()),
        })
        .collect();
    println!("xtask test: {}", parts.join(", "));
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(String::new())
    }
}
