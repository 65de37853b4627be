//! The Rust-to-web toolchain: the wasm32 target, Trunk, wasm-bindgen-cli (at exactly the
//! version in Cargo.lock) and wasm-opt; and the release build of the app into `dist/`.
//! Installs what is missing, once; never changes a tool that already has the right version.

use crate::exec::{self, cargo, command, root, say, Result};
use crate::system;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The Trunk release the project is built with (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Versions of the tools Trunk must use, handed to it through its environment overrides so
/// that it never tries to download one.
pub struct WebTools {
    /// wasm-bindgen version, e.g. `0.2.130` (from Cargo.lock).
    pub wasm_bindgen: String,
    /// wasm-opt version as Trunk spells it, e.g. `version_108`.
    pub wasm_opt: String,
}

/// Makes sure everything `trunk build --release` needs is installed.
pub fn ensure_web_tools() -> Result<WebTools> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    let wasm_bindgen = ensure_wasm_bindgen()?;
    let wasm_opt = system::ensure_wasm_opt()?;
    say(format!(
        "toolchain ready: {WASM_TARGET}, trunk {TRUNK_VERSION}, wasm-bindgen {wasm_bindgen}, \
         wasm-opt {wasm_opt}"
    ));
    Ok(WebTools {
        wasm_bindgen,
        wasm_opt,
    })
}

fn ensure_wasm_target() -> Result {
    let Some(installed) =
        exec::stdout_of(command("rustup").args(["target", "list", "--installed"]))
    else {
        return Err(format!(
            "`rustup` is not available, so the {WASM_TARGET} target cannot be added.\n\
             Install Rust with rustup (https://rustup.rs), then run:  \
             rustup target add {WASM_TARGET}"
        ));
    };
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    say(format!(
        "adding the Rust target {WASM_TARGET} (first run only; about a minute)…"
    ));
    exec::run(command("rustup").args(["target", "add", WASM_TARGET]))
        .map_err(|err| format!("{err}\nRun by hand:  rustup target add {WASM_TARGET}"))
}

fn ensure_trunk() -> Result {
    let wanted = format!("trunk {TRUNK_VERSION}");
    let found = exec::stdout_of(command("trunk").arg("--version"));
    if found.as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    match &found {
        Some(other) => say(format!("found {other}, but the project needs {wanted}.")),
        None => say("Trunk is not installed."),
    }
    say(format!(
        "installing Trunk {TRUNK_VERSION} (first run only; takes about 8 minutes on 2 cores)…"
    ));
    // Without --locked, Trunk 0.21 pulls a newer lightningcss that does not compile.
    let mut install = cargo();
    install.args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]);
    let hint = format!("Run by hand:  cargo install trunk --version {TRUNK_VERSION} --locked");
    exec::run(&mut install).map_err(|err| format!("{err}\n{hint}"))?;
    let now = exec::stdout_of(command("trunk").arg("--version"));
    if now.as_deref() == Some(wanted.as_str()) {
        Ok(())
    } else {
        Err(format!(
            "after installing, `trunk --version` prints {now:?}, not {wanted:?}.\n\
             Another trunk earlier on PATH? The installed one is in {}.",
            exec::cargo_bin_dir().display()
        ))
    }
}

/// Installs wasm-bindgen-cli at exactly the version the app links against.
fn ensure_wasm_bindgen() -> Result<String> {
    let version = wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    let found = exec::stdout_of(command("wasm-bindgen").arg("--version"));
    if found.as_deref() == Some(wanted.as_str()) {
        return Ok(version);
    }
    if let Some(other) = &found {
        say(format!(
            "found {other}, but Cargo.lock has wasm-bindgen {version}."
        ));
    }
    say(format!(
        "installing wasm-bindgen-cli {version} (first run only; takes about 3 minutes on 2 cores)…"
    ));
    let hint = format!("Run by hand:  cargo install wasm-bindgen-cli --version {version}");
    let locked = exec::run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--locked",
    ]));
    if locked.is_err() {
        // With --locked, 0.2.130 pins a dependency version the registry no longer serves.
        say("retrying without --locked…");
        exec::run(cargo().args(["install", "wasm-bindgen-cli", "--version", &version]))
            .map_err(|err| format!("{err}\n{hint}"))?;
    }
    let now = exec::stdout_of(command("wasm-bindgen").arg("--version"));
    if now.as_deref() == Some(wanted.as_str()) {
        Ok(version)
    } else {
        Err(format!(
            "after installing, `wasm-bindgen --version` prints {now:?}, not {wanted:?}.\n{hint}"
        ))
    }
}

/// The `wasm-bindgen` version in Cargo.lock (creating the lockfile if there is none yet),
/// else the `=X` pin in the workspace Cargo.toml.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock_path = root().join("Cargo.lock");
    if !lock_path.exists() {
        say("Cargo.lock does not exist yet; resolving dependencies…");
        exec::run(
            cargo()
                .args(["metadata", "--format-version", "1"])
                .stdout(Stdio::null()),
        )?;
    }
    let lock = fs::read_to_string(&lock_path).unwrap_or_default();
    let mut versions = lock_versions(&lock, "wasm-bindgen");
    versions.sort();
    versions.dedup();
    match versions.as_slice() {
        [one] => return Ok(one.clone()),
        [] => {}
        many => {
            return Err(format!(
                "Cargo.lock has several wasm-bindgen versions ({}); the app and \
                 wasm-bindgen-cli must agree on one. Pin it in the workspace Cargo.toml \
                 (wasm-bindgen = \"=X\") and run `cargo update -p wasm-bindgen`.",
                many.join(", ")
            ))
        }
    }
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "wasm-bindgen").then(|| value.trim().trim_matches('"'))
        })
        .and_then(|pin| pin.strip_prefix('='))
        .map(str::to_string)
        .ok_or_else(|| {
            "neither Cargo.lock nor the workspace Cargo.toml names a wasm-bindgen version. \
             Add `wasm-bindgen = \"=X\"` to [workspace.dependencies]."
                .to_string()
        })
}

/// Every `version` of the `[[package]]` entries named `name` in a Cargo.lock text.
fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut in_package = false;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = false;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim().trim_matches('"');
            match key.trim() {
                "name" => in_package = value == name,
                "version" if in_package => versions.push(value.to_string()),
                _ => {}
            }
        }
    }
    versions
}

/// `trunk` with the tool versions fixed, run from the workspace root (where Trunk.toml is).
pub fn trunk(tools: &WebTools) -> Command {
    let mut cmd = command("trunk");
    cmd.env("TRUNK_TOOLS_WASM_BINDGEN", &tools.wasm_bindgen)
        .env("TRUNK_TOOLS_WASM_OPT", &tools.wasm_opt);
    cmd
}

/// Builds the app for release into `dist/` and returns its absolute path. Runs offline after
/// `cargo fetch`, so Trunk neither downloads tools nor checks for updates.
pub fn build_dist(tools: &WebTools) -> Result<PathBuf> {
    exec::run(cargo().arg("fetch")).map_err(|err| {
        format!("{err}\nThe crates could not be fetched; check the network and Cargo.toml.")
    })?;
    let page = root().join("app/index.html");
    if !page.exists() {
        return Err(format!(
            "{} does not exist yet; Trunk.toml builds the app from it.",
            page.display()
        ));
    }
    say("building the app for release with Trunk (dist/)…");
    exec::run(trunk(tools).args(["build", "--release", "--offline"])).map_err(|err| {
        format!(
            "{err}\nThe release build of the app failed; see Trunk's messages above. \
             Run by hand:  trunk build --release --offline"
        )
    })?;
    let dist = root().join("dist");
    if dist.join("index.html").exists() {
        Ok(dist)
    } else {
        Err(format!(
            "Trunk finished but {} has no index.html.",
            dist.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::lock_versions;

    #[test]
    fn finds_every_version_of_a_package_and_ignores_dependency_lists() {
        let lock = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "yrs"
version = "0.28.1"
"#;
        assert_eq!(lock_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert!(lock_versions(lock, "leptos").is_empty());
    }
}
