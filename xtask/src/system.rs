//! What comes from outside cargo: Debian packages (binaryen for `wasm-opt`, Chromium for the
//! browser tests), Node.js, and the npm packages of `tests/`. Uses apt-get only when running
//! as root; otherwise it stops and prints the command to run by hand.

use crate::exec::{self, command, root, say, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

/// Where the browser tests and benchmarks expect Chromium (TESTING.md):
/// `LERNRAUM_CHROMIUM` (read by tests/e2e) or `CHROMIUM` (read by peer-bench) override it.
pub fn chromium_path() -> PathBuf {
    ["LERNRAUM_CHROMIUM", "CHROMIUM"]
        .into_iter()
        .find_map(|var| std::env::var_os(var).filter(|path| !path.is_empty()))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Tells the child scripts where Chromium is, under both names they read.
pub fn with_chromium(cmd: &mut std::process::Command) -> &mut std::process::Command {
    let path = chromium_path();
    cmd.env("LERNRAUM_CHROMIUM", &path).env("CHROMIUM", &path)
}

/// Installs Debian packages with apt-get when root; otherwise says what to install.
fn apt_install(packages: &[&str], why: &str) -> Result {
    let list = packages.join(" ");
    if !exec::is_root() {
        return Err(format!(
            "{why} needs the Debian packages `{list}`, and only root may install them.\n\
             Run by hand:  sudo apt-get update && sudo apt-get install -y {list}\n\
             then run this command again."
        ));
    }
    static UPDATED: AtomicBool = AtomicBool::new(false);
    let hint = format!("Run by hand:  apt-get update && apt-get install -y {list}");
    if !UPDATED.swap(true, Ordering::SeqCst) {
        exec::run(command("apt-get").arg("update")).map_err(|err| format!("{err}\n{hint}"))?;
    }
    exec::run(
        command("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .map_err(|err| format!("{err}\n{hint}"))
}

/// Ensures `wasm-opt` (binaryen) is on PATH and returns its version as Trunk names it,
/// e.g. `version_108`.
/// wasm-opt from the npm package `binaryen` (pinned in tools/package.json), behind a
/// small wrapper in `target/tools/bin`, which is first on every child's PATH. Debian's
/// binaryen 108 points wasm-bindgen's externref table export at the wrong table, and
/// the page then fails to start.
pub fn ensure_wasm_opt() -> Result<String> {
    ensure_npm_folder("tools")?;
    let script = root().join("tools/node_modules/binaryen/bin/wasm-opt");
    if !script.exists() {
        return Err(format!(
            "{} is missing after npm ci.\nRun by hand:  cd tools && npm ci",
            script.display()
        ));
    }
    let bin = exec::tools_bin_dir();
    let wrapper = bin.join("wasm-opt");
    let body = format!("#!/bin/sh\nexec node \"{}\" \"$@\"\n", script.display());
    if fs::read_to_string(&wrapper).ok().as_deref() != Some(body.as_str()) {
        fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
        fs::write(&wrapper, &body)
            .map_err(|e| format!("cannot write {}: {e}", wrapper.display()))?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", wrapper.display()))?;
    }
    let output = exec::stdout_of(command("wasm-opt").arg("--version")).unwrap_or_default();
    // "wasm-opt version 108" or "wasm-opt version 116 (version_116)"
    let number = output
        .split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .filter(|word| word.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            format!(
                "could not read the version of wasm-opt (it printed {output:?}).\n\
                 Run by hand:  cd tools && npm ci"
            )
        })?;
    let version = format!("version_{number}");
    let pinned = trunk_toml_value("wasm_opt");
    if pinned.as_deref().is_some_and(|pin| pin != version) {
        say(format!(
            "note: Trunk.toml pins wasm_opt = {:?} but this machine has wasm-opt {version}; \
             using the installed one (wasm sizes may differ slightly).",
            pinned.unwrap_or_default()
        ));
    }
    Ok(version)
}

/// A `key = "value"` from Trunk.toml (first match; enough for its flat `[tools]` table).
fn trunk_toml_value(key: &str) -> Option<String> {
    let text = fs::read_to_string(root().join("Trunk.toml")).ok()?;
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Ensures Chromium is installed where the browser tests look for it.
pub fn ensure_chromium() -> Result {
    let path = chromium_path();
    if path.exists() {
        return Ok(());
    }
    if path != Path::new("/usr/bin/chromium") {
        return Err(format!(
            "LERNRAUM_CHROMIUM or CHROMIUM is set to {}, which does not exist. \
             Unset it to use /usr/bin/chromium.",
            path.display()
        ));
    }
    say("installing Chromium with apt-get (first run only; a few minutes)…");
    apt_install(&["chromium", "chromium-driver"], "The browser tests")?;
    if path.exists() {
        Ok(())
    } else {
        Err(
            "apt-get installed chromium but /usr/bin/chromium is still missing.\n\
             Check with:  dpkg -L chromium | grep bin/"
                .to_string(),
        )
    }
}

/// `Chromium 156.0…` (the Debian wrapper's stray stderr is dropped), or "not installed".
pub fn chromium_version() -> String {
    exec::stdout_of(command(chromium_path()).arg("--version"))
        .filter(|version| !version.is_empty())
        .unwrap_or_else(|| "not installed".to_string())
}

/// Ensures Node.js and npm exist, and that `tests/node_modules` matches the committed
/// `tests/package-lock.json` (runs `npm ci` when it is missing or older than the lockfile).
pub fn ensure_node_packages() -> Result {
    ensure_npm_folder("tests")
}

/// The same for any folder of the workspace with a `package.json` and lockfile.
pub fn ensure_npm_folder(name: &str) -> Result {
    for tool in ["node", "npm"] {
        if !exec::exists(tool) {
            return Err(format!(
                "`{tool}` is not installed. The tests need Node.js 20 or newer with npm.\n\
                 Install it (for example from https://nodejs.org/en/download, or on Debian \
                 `apt-get install -y nodejs npm` for Node 18) and run this command again."
            ));
        }
    }
    let node = exec::stdout_of(command("node").arg("--version")).unwrap_or_default();
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        say(format!(
            "warning: Node.js {node} found; the tests are written for Node 20+."
        ));
    }

    let tests = root().join(name);
    if !tests.join("package.json").exists() {
        say(format!(
            "{name}/package.json does not exist yet: no npm packages to install."
        ));
        return Ok(());
    }
    let lock = tests.join("package-lock.json");
    let Some(lock_time) = modified(&lock) else {
        return Err(format!(
            "{name}/package-lock.json is missing. Create it with \
             `cd {name} && npm install` and commit it."
        ));
    };
    let modules = tests.join("node_modules");
    // npm writes node_modules/.package-lock.json last, so its time says when install ended.
    let installed = modified(&modules.join(".package-lock.json")).or_else(|| modified(&modules));
    if installed.is_some_and(|installed| installed >= lock_time) {
        return Ok(());
    }
    say(format!("installing the npm packages of {name}/ (npm ci)…"));
    exec::run(
        command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&tests)
            .stdin(Stdio::null()),
    )
    .map_err(|err| format!("{err}\nRun by hand:  cd {name} && npm ci"))
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}
