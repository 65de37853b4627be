//! `cargo xtask …`: the developer commands behind the README. Each one first installs
//! whatever it needs and is missing (wasm target, Trunk, wasm-bindgen-cli, binaryen,
//! Chromium, npm packages), printing what it does, so a fresh machine needs only
//! rustup/cargo, Node.js and npm. Standard library only, so it builds in seconds.

mod bench;
mod exec;
mod size;
mod system;
mod test_tiers;
mod toolchain;

use exec::{root, say, Result};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use test_tiers::Tier;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  serve [--host 127.0.0.1] [--port 8080]
        install what is missing, then build and serve the app (release build,
        rebuilt and reloaded on change) at http://HOST:PORT/, with the y-webrtc
        signaling relay (signal/) at ws://HOST:PORT/signal
  test [--tier cargo|interop|e2e]...
        install what is missing, then run the test tiers (all by default):
        cargo test, Yjs interop (node), browser end-to-end (Chromium)
  bench [--peer-bench DIR] [--n 1000,5000,10000] [--runs 3] [--apps lernraum,tldraw,excalidraw]
        build for release, run the benchmarks, write docs/performance.md: the board model
        next to JavaScript Yjs, and the peer-bench harness (default ../shared/peer-bench,
        copied into target/) measuring Lernraum next to tldraw and Excalidraw
  dist
        build for release into dist/
  help
        show this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("dist") => dist(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // An empty message means the command already reported its failure.
            if !message.is_empty() {
                eprintln!("xtask: error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Splits `--name value` and `--name=value` options; anything else is an error.
fn options(args: &[String], known: &[&str]) -> Result<Vec<(String, String)>> {
    let mut parsed = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let bare = name.trim_start_matches("--");
        if !name.starts_with("--") || !known.contains(&bare) {
            return Err(format!("unknown option `{arg}`\n\n{USAGE}"));
        }
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .cloned()
                .ok_or_else(|| format!("option `{name}` needs a value"))?,
        };
        parsed.push((bare.to_string(), value));
    }
    Ok(parsed)
}

fn serve(args: &[String]) -> Result {
    let mut host = "127.0.0.1".to_string();
    let mut port = "8080".to_string();
    for (name, value) in options(args, &["host", "port"])? {
        match name.as_str() {
            "host" => host = value,
            _ => port = value,
        }
    }
    if host == "localhost" {
        host = "127.0.0.1".to_string();
    }
    let ip: IpAddr = host.parse().map_err(|_| {
        format!("--host needs an IP address such as 127.0.0.1 or 0.0.0.0, not `{host}`")
    })?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("--port needs a port number, not `{port}`"))?;
    let tools = toolchain::ensure_web_tools()?;
    let url = match ip {
        IpAddr::V4(_) => format!("http://{ip}:{port}/"),
        IpAddr::V6(_) => format!("http://[{ip}]:{port}/"),
    };
    // The app's default signaling server is its own origin at /signal: Trunk proxies that
    // path to the relay, which runs on a free loopback port beside it.
    let mut relay = start_signal_relay()?;
    let backend = format!("ws://127.0.0.1:{}/signal", relay.port);
    say(format!(
        "serving Lernraum at {url} once the first build is done (a few minutes the first \
         time), with the y-webrtc signaling relay at {}signal; Ctrl+C stops.",
        url.replacen("http", "ws", 1)
    ));
    let mut cmd = toolchain::trunk(&tools);
    cmd.args(["serve", "--release", "--skip-version-check", "--address"])
        .arg(ip.to_string())
        .args(["--port", &port.to_string()])
        .args(["--proxy-backend", &backend, "--proxy-ws"]);
    say(format!("$ {}", exec::display(&cmd)));
    let result = replace_process(cmd);
    // Only reached when Trunk could not be started (or ended, off Unix).
    let _ = relay.child.kill();
    let _ = relay.child.wait();
    result
}

/// The signaling relay that `serve` runs beside Trunk.
struct Relay {
    child: std::process::Child,
    port: u16,
}

/// Builds `lernraum-signal` and starts it on a free loopback port. It exits by itself
/// when its parent is gone: this process, which becomes Trunk through `exec`, so the
/// relay lives exactly as long as `trunk serve`, however that ends.
fn start_signal_relay() -> Result<Relay> {
    use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    exec::run(exec::cargo().args(["build", "-p", "signal", "--bin", test_tiers::SIGNAL_BIN]))?;
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("no free port on 127.0.0.1 for the signaling relay: {err}"))?;
    let mut cmd = exec::command(test_tiers::signal_bin());
    cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--exit-with-parent", &std::process::id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    say(format!("$ {}", exec::display(&cmd)));
    let mut child = cmd
        .spawn()
        .map_err(|err| format!("could not start `{}`: {err}", exec::display(&cmd)))?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(Relay { child, port });
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the signaling relay exited at start ({status})"));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the signaling relay did not listen on {addr} within 10 s"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Hands the terminal to `cmd` (so Ctrl+C reaches it alone) and never returns on success.
#[cfg(unix)]
fn replace_process(mut cmd: std::process::Command) -> Result {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    Err(format!("could not start `{}`: {err}", exec::display(&cmd)))
}

#[cfg(not(unix))]
fn replace_process(mut cmd: std::process::Command) -> Result {
    exec::run(&mut cmd)
}

fn test(args: &[String]) -> Result {
    let mut tiers = Vec::new();
    for (_, value) in options(args, &["tier"])? {
        for name in value.split(',') {
            let tier = Tier::parse(name.trim()).ok_or_else(|| {
                format!("unknown tier `{name}`; the tiers are cargo, interop and e2e")
            })?;
            if !tiers.contains(&tier) {
                tiers.push(tier);
            }
        }
    }
    test_tiers::run(&tiers)
}

fn bench(args: &[String]) -> Result {
    let mut options_ = bench::Options {
        peer_bench: None,
        peer_bench_n: "1000,5000,10000".to_string(),
        runs: "3".to_string(),
        apps: "lernraum,tldraw,excalidraw".to_string(),
    };
    for (name, value) in options(args, &["peer-bench", "n", "runs", "apps"])? {
        match name.as_str() {
            "peer-bench" => {
                let dir = PathBuf::from(&value);
                let dir = dir
                    .canonicalize()
                    .map_err(|err| format!("--peer-bench {value}: {err}"))?;
                options_.peer_bench = Some(dir);
            }
            "runs" => options_.runs = value,
            "apps" => options_.apps = value,
            _ => options_.peer_bench_n = value,
        }
    }
    bench::run(&options_)
}

fn dist(args: &[String]) -> Result {
    options(args, &[])?;
    let tools = toolchain::ensure_web_tools()?;
    let dist = toolchain::build_dist(&tools)?;
    say(size::summary_line(&size::measure(&dist)?));
    say(format!("release build ready in {}", dist.display()));
    println!("{}", dist.display());
    debug_assert!(dist.starts_with(root()));
    Ok(())
}
