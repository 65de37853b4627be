//! `lernraum-signal [--host IP] [--port N] [--dir PATH]`: the y-webrtc signaling relay,
//! optionally serving the built app from PATH on the same port. See the library docs.

use signal::Config;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: lernraum-signal [--host IP] [--port N] [--dir PATH] [--verbose]

A y-webrtc 10.x signaling relay (WebSocket at /signal, and at /).

  --host IP     address to listen on (default 127.0.0.1; 0.0.0.0 for the whole LAN)
  --port N      port to listen on (default 4444; 0 picks a free one)
  --dir PATH    also serve this folder (the built app, e.g. dist) over HTTP on the
                same port, so one process serves a workshop
  --verbose     log every connection and every ignored message (or set
                LERNRAUM_SIGNAL_LOG=error|warn|info|debug|trace)
  --exit-with-parent PID
                exit when the process PID is no longer this one's parent (used by
                `cargo xtask serve`, so the relay never outlives it)";

struct Options {
    config: Config,
    verbose: bool,
    parent: Option<u32>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("lernraum-signal: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    init_log(options.verbose);
    if let Some(parent) = options.parent {
        watch_parent(parent);
    }
    let dir = options.config.dir.clone();
    let server = match signal::run(options.config) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("lernraum-signal: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = server.local_addr();
    println!(
        "lernraum-signal: y-webrtc signaling at {}",
        server.signal_url()
    );
    if let Some(dir) = dir {
        println!(
            "lernraum-signal: serving {} at {}",
            dir.display(),
            server.http_url()
        );
    }
    if addr.ip().is_unspecified() {
        println!(
            "lernraum-signal: listening on every interface; others reach it at this \
             machine's address, port {}",
            addr.port()
        );
    }
    server.wait();
    ExitCode::SUCCESS
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut config = Config::default();
    let mut verbose = false;
    let mut parent = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("option `{name}` needs a value"))
        };
        match name {
            "-h" | "--help" => return Ok(None),
            "-v" | "--verbose" => verbose = true,
            "--host" => {
                let host = value()?;
                let host = if host == "localhost" {
                    "127.0.0.1".to_string()
                } else {
                    host
                };
                config.host = host.parse::<IpAddr>().map_err(|_| {
                    format!("--host needs an IP address such as 127.0.0.1, not `{host}`")
                })?;
            }
            "--port" => {
                let port = value()?;
                config.port = port
                    .parse()
                    .map_err(|_| format!("--port needs a port number, not `{port}`"))?;
            }
            "--dir" => config.dir = Some(PathBuf::from(value()?)),
            "--exit-with-parent" => {
                let pid = value()?;
                parent = Some(
                    pid.parse()
                        .map_err(|_| format!("--exit-with-parent needs a PID, not `{pid}`"))?,
                );
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    Ok(Some(Options {
        config,
        verbose,
        parent,
    }))
}

/// Exits as soon as this process's parent is no longer `pid` (it died and we were
/// re-parented), so a supervisor that is killed outright leaves no relay behind.
fn watch_parent(pid: u32) {
    #[cfg(unix)]
    {
        let check = move || std::os::unix::process::parent_id() == pid;
        if !check() {
            eprintln!("lernraum-signal: parent {pid} is gone; exiting");
            std::process::exit(0);
        }
        let spawned = std::thread::Builder::new()
            .name("parent-watch".into())
            .stack_size(64 * 1024)
            .spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_millis(250));
                if !check() {
                    std::process::exit(0);
                }
            });
        if let Err(err) = spawned {
            eprintln!("lernraum-signal: cannot watch the parent process: {err}");
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// A minimal stderr logger: `lernraum-signal: LEVEL message`.
struct Logger;

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        // Only our own records: tungstenite logs every frame at debug and trace.
        if self.enabled(record.metadata()) && record.target().starts_with("signal") {
            eprintln!(
                "lernraum-signal: {} {}",
                record.level().as_str().to_ascii_lowercase(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

fn init_log(verbose: bool) {
    let level = std::env::var("LERNRAUM_SIGNAL_LOG")
        .ok()
        .and_then(|level| level.parse::<log::LevelFilter>().ok())
        .unwrap_or(if verbose {
            log::LevelFilter::Debug
        } else {
            log::LevelFilter::Info
        });
    if log::set_logger(&Logger).is_ok() {
        log::set_max_level(level);
    }
}
