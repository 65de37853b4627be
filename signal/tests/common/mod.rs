//! Helpers for the integration tests: servers on ephemeral loopback ports with short
//! timeouts, and tungstenite clients that read with deadlines.

#![allow(dead_code)] // each test file uses a different part

use serde_json::Value;
use signal::{Config, Limits, Server};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

/// Long enough for a loaded two-core machine, short enough to keep the suite quick.
pub const WAIT: Duration = Duration::from_secs(5);
/// How long "nothing arrives" is watched for.
pub const QUIET: Duration = Duration::from_millis(300);

/// Test limits: the defaults, with pings far away unless a test wants them.
pub fn limits() -> Limits {
    Limits {
        ping_interval: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(5),
        ..Limits::default()
    }
}

pub fn start(limits: Limits, dir: Option<PathBuf>) -> Server {
    signal::run(Config {
        host: Ipv4Addr::LOCALHOST.into(),
        port: 0,
        dir,
        limits,
    })
    .expect("server starts on an ephemeral port")
}

pub fn start_default() -> Server {
    start(limits(), None)
}

/// What a client saw next.
#[derive(Debug)]
pub enum Event {
    Json(Value),
    /// A text frame that was not JSON.
    Text(String),
    /// A close frame, or the connection ended.
    Closed(Option<CloseFrame>),
    Timeout,
}

pub struct Client {
    pub ws: WebSocket<TcpStream>,
    /// WebSocket pings received from the server.
    pub pings: usize,
}

pub fn connect(server: &Server, path: &str) -> Client {
    try_connect(server, path).expect("WebSocket handshake")
}

pub fn try_connect(server: &Server, path: &str) -> Result<Client, String> {
    let addr = server.local_addr();
    let stream = TcpStream::connect(addr).map_err(|err| err.to_string())?;
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let (ws, _) =
        tungstenite::client(format!("ws://{addr}{path}"), stream).map_err(|err| err.to_string())?;
    Ok(Client { ws, pings: 0 })
}

impl Client {
    pub fn send_json(&mut self, value: Value) {
        self.send_text(&value.to_string());
    }

    pub fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).expect("send");
    }

    /// The next message, skipping WebSocket pings and pongs, within `timeout`.
    pub fn recv(&mut self, timeout: Duration) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Event::Timeout;
            }
            self.ws.get_mut().set_read_timeout(Some(remaining)).unwrap();
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    return match serde_json::from_str(text.as_str()) {
                        Ok(value) => Event::Json(value),
                        Err(_) => Event::Text(text.to_string()),
                    }
                }
                Ok(Message::Close(frame)) => return Event::Closed(frame),
                Ok(Message::Ping(_)) => self.pings += 1,
                Ok(_) => {}
                Err(tungstenite::Error::Io(err))
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return Event::Closed(None),
            }
        }
    }

    /// The next JSON message; panics on anything else.
    pub fn expect_json(&mut self) -> Value {
        match self.recv(WAIT) {
            Event::Json(value) => value,
            other => panic!("expected a JSON message, got {other:?}"),
        }
    }

    /// Asserts that nothing arrives for a little while.
    pub fn expect_quiet(&mut self) {
        match self.recv(QUIET) {
            Event::Timeout => {}
            other => panic!("expected nothing, got {other:?}"),
        }
    }

    /// Reads until the connection closes; returns the close frame, if one came.
    /// Panics if it is still open after `WAIT`.
    pub fn expect_closed(&mut self) -> Option<CloseFrame> {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match self.recv(deadline.saturating_duration_since(Instant::now())) {
                Event::Closed(frame) => return frame,
                Event::Timeout => break,
                _ => {}
            }
        }
        panic!("the connection is still open");
    }

    /// `{"type":"ping"}` is answered with `{"type":"pong"}`: the connection works.
    pub fn assert_alive(&mut self) {
        self.send_json(serde_json::json!({ "type": "ping" }));
        loop {
            let message = self.expect_json();
            if message["type"] == "pong" {
                return;
            }
        }
    }
}

/// Polls `condition` until it holds or `WAIT` passes.
pub fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for: {what}");
}

/// A plain HTTP/1.1 response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `request_line` (for example `GET /../x HTTP/1.1`) as written, without any
/// normalisation a real HTTP client would do, and reads the whole response.
pub fn http(server: &Server, request_line: &str) -> Response {
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "{request_line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// A fresh folder under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "lernraum-signal-{name}-{}-{nanos}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
