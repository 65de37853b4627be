//! Running child processes: one place that sets `PATH` (so freshly `cargo install`ed tools are
//! found), prints each command before it runs, and turns failures into messages that say what
//! to do. Never runs anything through a shell.

use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// A failure, already worded for the person at the terminal (what failed, what to run).
pub type Result<T = ()> = std::result::Result<T, String>;

/// Prints a progress line to stderr, so that stdout stays free for results.
pub fn say(message: impl AsRef<str>) {
    eprintln!("xtask: {}", message.as_ref());
}

/// The workspace root (where `Cargo.toml`, `Cargo.lock` and `Trunk.toml` live).
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    })
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin_dir() -> PathBuf {
    match env::var_os("CARGO_HOME").filter(|home| !home.is_empty()) {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(env::var_os("HOME").unwrap_or_else(|| OsString::from("/root")))
            .join(".cargo")
            .join("bin"),
    }
}

/// Wrappers for build tools that come from npm (wasm-opt): `target/tools/bin`.
pub fn tools_bin_dir() -> PathBuf {
    root().join("target").join("tools").join("bin")
}

/// `PATH` for every child: the project's tool wrappers and the cargo bin dir first,
/// then whatever the caller had.
fn child_path() -> &'static OsStr {
    static PATH: OnceLock<OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let bin = cargo_bin_dir();
        let mut dirs = vec![tools_bin_dir(), bin.clone()];
        if let Some(path) = env::var_os("PATH") {
            dirs.extend(env::split_paths(&path).filter(|dir| *dir != bin));
        }
        env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default())
    })
}

/// A command for `program`, run in the workspace root with the child `PATH`.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", child_path());
    cmd
}

/// A command for the same `cargo` that runs xtask.
pub fn cargo() -> Command {
    command(env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// `program arg arg…` for messages, with the cargo path shortened to `cargo`.
pub fn display(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let name = match program.file_name() {
        Some(name) if name == "cargo" => "cargo".to_string(),
        _ => program.display().to_string(),
    };
    let mut line = name;
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        line.push(' ');
        if arg.is_empty() || arg.contains(char::is_whitespace) {
            line.push_str(&format!("'{arg}'"));
        } else {
            line.push_str(&arg);
        }
    }
    line
}

/// Runs `cmd` with inherited stdio; `Err` says which command failed and how.
pub fn run(cmd: &mut Command) -> Result {
    let line = display(cmd);
    say(format!("$ {line}"));
    let status = cmd
        .status()
        .map_err(|err| format!("could not start `{line}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout, or `None` if it could not run or failed.
pub fn stdout_of(cmd: &mut Command) -> Option<String> {
    let output = cmd
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Runs `cmd` with stdout captured (returned whole) and stderr passed through, so a script's
/// progress stays visible while its results are collected.
pub fn capture(cmd: &mut Command) -> (Result, String) {
    let line = display(cmd);
    say(format!("$ {line}"));
    match cmd.stdin(Stdio::null()).stderr(Stdio::inherit()).output() {
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let result = if output.status.success() {
                Ok(())
            } else {
                Err(format!("`{line}` failed ({})", output.status))
            };
            (result, stdout)
        }
        Err(err) => (
            Err(format!("could not start `{line}`: {err}")),
            String::new(),
        ),
    }
}

/// Whether `program` can be started at all (looked up on the child `PATH`).
pub fn exists(program: &str) -> bool {
    command(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .status()
        .is_ok()
}

/// Whether we run as root (`id -u` is 0), which decides if apt-get may be used.
pub fn is_root() -> bool {
    stdout_of(command("id").arg("-u")).as_deref() == Some("0")
}
