//! `lernraum-signal`: a signaling relay for y-webrtc 10.x peers, and optionally a static
//! file server for the built app, on one port.
//!
//! # Protocol
//!
//! The same as the server that ships with y-webrtc (`bin/server.js`): JSON text frames
//! over a WebSocket at `/signal` (and, for clients given the bare server URL, at `/`).
//!
//! - `{"type":"subscribe","topics":[ROOM, …]}` adds the connection to each topic.
//! - `{"type":"unsubscribe","topics":[ROOM, …]}` removes it again.
//! - `{"type":"publish","topic":ROOM, …}` is sent, with every field it came with plus
//!   `"clients": N` (the number of subscribers), to every subscriber of `ROOM`, the sender
//!   included when it is subscribed.
//! - `{"type":"ping"}` is answered with `{"type":"pong"}`.
//!
//! Anything else (not JSON, not an object, an unknown `type`, fields of the wrong type) is
//! ignored and logged at debug level. The relay never reads `data`: y-webrtc with a
//! password encrypts it, so the relay sees room names, message sizes and timing, never
//! board content. Topics live in memory only; nothing is written to disk.
//!
//! # Limits
//!
//! Every limit is a field of [`Limits`]; the defaults are these constants:
//!
//! | constant | default | what happens |
//! |---|---|---|
//! | [`MAX_MESSAGE_BYTES`] | 64 KiB | a larger message is dropped (y-webrtc's SDP signals take a few KB) |
//! | [`MAX_FRAME_BYTES`] | 256 KiB | a larger message closes the connection (1009), as it cannot be skipped unread |
//! | [`RATE_PER_SEC`], [`RATE_BURST`] | 100 /s, burst 200 | token bucket per connection, for every message including pings; over it, messages are dropped |
//! | [`FLOOD_LIMIT`] | 100 | dropped messages (forgiven at a tenth of the rate) before the connection is closed (1008) |
//! | [`MAX_TOPICS_PER_CONNECTION`] | 16 | further subscriptions are ignored |
//! | [`MAX_TOPIC_BYTES`] | 256 | longer topic names are ignored |
//! | [`MAX_CONNECTIONS`] | 1024 | further connections get `503` and are closed |
//! | [`OUTBOX_FRAMES`] | 256 | frames queued for a client that reads too slowly; beyond that it is disconnected |
//! | [`PING_INTERVAL`] | 30 s | a WebSocket ping after this long without any traffic from the client |
//! | [`IDLE_TIMEOUT`] | 30 s | the connection is closed when nothing, not even a pong, came this long after the ping |
//! | [`REQUEST_TIMEOUT`] | 10 s | to send a request head; also the write timeout towards a client |
//! | [`MAX_REQUEST_HEAD`] | 16 KiB | a larger HTTP request head is refused (431) |
//!
//! # Static files
//!
//! With [`Config::dir`] set, plain HTTP `GET`/`HEAD` requests are answered from that
//! folder: `/` and folders serve their `index.html`, files get a content type by extension
//! (`application/wasm` for `.wasm`), and paths that leave the folder (`..`, encoded or
//! not, or symbolic links pointing outside) get `404`.
//!
//! # Use as a library
//!
//! [`run`] binds, starts the server on background threads and returns a [`Server`]
//! handle; dropping it (or [`Server::stop`]) closes every connection. The binary is a thin
//! wrapper around it, and the tests start servers in-process with short timeouts.

mod http;
mod relay;

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The port y-webrtc's own server uses, and ours by default.
pub const DEFAULT_PORT: u16 = 4444;
/// The WebSocket path of the relay; `/` is accepted too.
pub const SIGNAL_PATH: &str = "/signal";

/// Messages larger than this (in bytes) are dropped, not relayed.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Messages or frames larger than this close the connection with 1009 (message too big).
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Messages per second a connection may send, on average.
pub const RATE_PER_SEC: u32 = 100;
/// Messages a connection may send at once before the rate applies.
pub const RATE_BURST: u32 = 200;
/// Dropped messages (each forgiven after `10 / RATE_PER_SEC` s) that close a connection.
pub const FLOOD_LIMIT: u32 = 100;
/// Topics one connection may subscribe to at a time.
pub const MAX_TOPICS_PER_CONNECTION: usize = 16;
/// Longest topic name, in bytes (y-webrtc room names are short random strings).
pub const MAX_TOPIC_BYTES: usize = 256;
/// Open connections (WebSocket and HTTP) at a time.
pub const MAX_CONNECTIONS: usize = 1024;
/// Frames waiting to be written to one client before it counts as stuck.
pub const OUTBOX_FRAMES: usize = 256;
/// Silence from a client after which it is pinged.
pub const PING_INTERVAL: Duration = Duration::from_secs(30);
/// Silence after a ping after which the connection is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to send a request head, and the timeout of every write to a client.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest HTTP request head (request line and headers).
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// The bounds a server enforces; [`Limits::default`] uses the crate's constants.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_message_bytes: usize,
    pub max_frame_bytes: usize,
    pub rate_per_sec: u32,
    pub rate_burst: u32,
    pub flood_limit: u32,
    pub max_topics_per_connection: usize,
    pub max_topic_bytes: usize,
    pub max_connections: usize,
    pub outbox_frames: usize,
    pub ping_interval: Duration,
    pub idle_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_frame_bytes: MAX_FRAME_BYTES,
            rate_per_sec: RATE_PER_SEC,
            rate_burst: RATE_BURST,
            flood_limit: FLOOD_LIMIT,
            max_topics_per_connection: MAX_TOPICS_PER_CONNECTION,
            max_topic_bytes: MAX_TOPIC_BYTES,
            max_connections: MAX_CONNECTIONS,
            outbox_frames: OUTBOX_FRAMES,
            ping_interval: PING_INTERVAL,
            idle_timeout: IDLE_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// What to listen on and what to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to bind; 127.0.0.1 by default. `0.0.0.0` serves the LAN.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one (see [`Server::local_addr`]).
    pub port: u16,
    /// A folder (the built app) to serve over plain HTTP on the same port.
    pub dir: Option<PathBuf>,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            dir: None,
            limits: Limits::default(),
        }
    }
}

/// Counts for tests and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Open connections, WebSocket and HTTP.
    pub connections: usize,
    /// Topics with at least one subscriber.
    pub topics: usize,
}

/// State shared by the acceptor and every connection thread.
pub(crate) struct Shared {
    pub(crate) limits: Limits,
    /// Canonical path of the served folder.
    pub(crate) dir: Option<PathBuf>,
    pub(crate) hub: relay::Hub,
    stopping: AtomicBool,
    next_id: AtomicU64,
    active: AtomicUsize,
    /// Every open socket, so that stopping can shut them all down.
    sockets: Mutex<HashMap<u64, Arc<TcpStream>>>,
}

impl Shared {
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn sockets(&self) -> MutexGuard<'_, HashMap<u64, Arc<TcpStream>>> {
        lock(&self.sockets)
    }
}

/// Locks a mutex, ignoring poisoning: every critical section leaves the data consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// Binds `config.host:config.port` and serves on background threads.
pub fn run(config: Config) -> io::Result<Server> {
    let dir = match &config.dir {
        Some(dir) => {
            let canonical = dir
                .canonicalize()
                .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", dir.display())))?;
            if !canonical.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} is not a folder", dir.display()),
                ));
            }
            Some(canonical)
        }
        None => None,
    };
    let listener = TcpListener::bind(SocketAddr::new(config.host, config.port))?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        limits: config.limits,
        dir,
        hub: relay::Hub::default(),
        stopping: AtomicBool::new(false),
        next_id: AtomicU64::new(1),
        active: AtomicUsize::new(0),
        sockets: Mutex::new(HashMap::new()),
    });
    let acceptor = {
        let shared = Arc::clone(&shared);
        thread::Builder::new()
            .name("accept".into())
            .spawn(move || accept_loop(&listener, &shared))?
    };
    Ok(Server {
        addr,
        shared,
        acceptor: Some(acceptor),
    })
}

impl Server {
    /// The address actually bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT/`, the address to open in a browser.
    pub fn http_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// `ws://HOST:PORT/signal`, the signaling URL for y-webrtc.
    pub fn signal_url(&self) -> String {
        format!("ws://{}{SIGNAL_PATH}", self.addr)
    }

    pub fn stats(&self) -> Stats {
        Stats {
            connections: self.shared.active.load(Ordering::SeqCst),
            topics: self.shared.hub.topic_count(),
        }
    }

    /// Blocks until the server stops (only [`Server::stop`] from another handle or a
    /// fatal accept error ends it; the binary runs until it is killed).
    pub fn wait(mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }

    /// Stops accepting, closes every connection and waits (up to a second) for the
    /// connection threads to finish.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        for socket in self.shared.sockets().values() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            // The acceptor blocks in accept(); a connection of our own wakes it up.
            let wake = match self.addr.ip() {
                IpAddr::V4(ip) if ip.is_unspecified() => {
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.addr.port())
                }
                IpAddr::V6(ip) if ip.is_unspecified() => {
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.addr.port())
                }
                _ => self.addr,
            };
            let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
            let _ = acceptor.join();
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        while self.shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            for socket in self.shared.sockets().values() {
                let _ = socket.shutdown(Shutdown::Both);
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(err) => {
                // Out of file descriptors, or a connection reset before it was accepted:
                // back off a little instead of spinning.
                log::warn!("accept failed: {err}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if shared.active.load(Ordering::SeqCst) >= shared.limits.max_connections {
            log::debug!(
                "refusing a connection: {} open",
                shared.limits.max_connections
            );
            refuse(stream);
            continue;
        }
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        let stream = Arc::new(stream);
        shared.active.fetch_add(1, Ordering::SeqCst);
        shared.sockets().insert(id, Arc::clone(&stream));
        let guard = ConnectionGuard {
            shared: Arc::clone(shared),
            id,
        };
        let spawned = thread::Builder::new()
            .name(format!("conn-{id}"))
            .stack_size(256 * 1024)
            .spawn(move || {
                let guard = guard;
                http::handle_connection(&guard.shared, id, stream);
            });
        if let Err(err) = spawned {
            // The guard was dropped with the closure, which unregisters the socket.
            log::warn!("could not start a connection thread: {err}");
        }
    }
}

/// Answers `503` without blocking the acceptor, and closes.
fn refuse(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// Unregisters a connection when its thread ends (or never starts).
struct ConnectionGuard {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        if let Some(socket) = self.shared.sockets().remove(&self.id) {
            let _ = socket.shutdown(Shutdown::Both);
        }
        self.shared.active.fetch_sub(1, Ordering::SeqCst);
    }
}
