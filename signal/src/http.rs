//! The HTTP side: reads one request head, then either upgrades to the relay's WebSocket or
//! answers one plain request (a static file, `okay` at `/`, or an error) and closes.

use crate::{relay, Shared, MAX_REQUEST_HEAD, SIGNAL_PATH};
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What the relay needs from an upgrade request.
struct Request {
    method: String,
    /// The path without query string or fragment, still percent-encoded.
    path: String,
    upgrade: Option<Upgrade>,
}

enum Upgrade {
    /// A valid WebSocket handshake with this `Sec-WebSocket-Key`.
    WebSocket { key: String },
    /// Asked to upgrade, but not to a WebSocket version 13 we can speak.
    Invalid(&'static str),
}

pub(crate) fn handle_connection(shared: &Arc<Shared>, id: u64, stream: Arc<TcpStream>) {
    let limits = &shared.limits;
    let _ = stream.set_nodelay(true);
    if stream
        .set_write_timeout(Some(limits.request_timeout))
        .is_err()
    {
        return;
    }
    let (head, leftover) = match read_head(&stream, limits.request_timeout) {
        Ok(read) => read,
        Err(HeadError::TooLarge) => {
            respond_error(&stream, 431, "Request Header Fields Too Large");
            return;
        }
        Err(HeadError::Io(err)) => {
            log::debug!("conn {id}: no request: {err}");
            return;
        }
    };
    let request = match parse_head(&head) {
        Some(request) => request,
        None => {
            log::debug!("conn {id}: malformed request head");
            respond_error(&stream, 400, "Bad Request");
            return;
        }
    };
    let is_signal_path = request.path == SIGNAL_PATH || request.path == "/";
    match request.upgrade {
        Some(Upgrade::WebSocket { key }) if is_signal_path && request.method == "GET" => {
            relay::serve(shared, id, stream, &key, leftover);
        }
        Some(Upgrade::WebSocket { .. }) => respond_error(&stream, 404, "Not Found"),
        Some(Upgrade::Invalid(why)) => {
            log::debug!("conn {id}: bad upgrade request: {why}");
            respond_error(&stream, 400, "Bad Request");
        }
        None => serve_plain(shared, &stream, &request),
    }
}

enum HeadError {
    TooLarge,
    Io(io::Error),
}

/// Reads up to the blank line that ends a request head, within `timeout` in all.
/// Returns the head and whatever bytes came after it.
fn read_head(
    mut stream: &TcpStream,
    timeout: std::time::Duration,
) -> Result<(Vec<u8>, Vec<u8>), HeadError> {
    let deadline = Instant::now() + timeout;
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = find_head_end(&buffer) {
            if end > MAX_REQUEST_HEAD {
                return Err(HeadError::TooLarge);
            }
            let leftover = buffer.split_off(end);
            return Ok((buffer, leftover));
        }
        if buffer.len() > MAX_REQUEST_HEAD {
            return Err(HeadError::TooLarge);
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(HeadError::Io(io::ErrorKind::TimedOut.into()));
        }
        stream
            .set_read_timeout(Some(remaining))
            .map_err(HeadError::Io)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(HeadError::Io(err)),
        }
    }
}

/// Index just past `\r\n\r\n`, if the buffer holds it.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

fn parse_head(head: &[u8]) -> Option<Request> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return None,
    }
    let method = parsed.method?.to_string();
    let target = parsed.path?;
    let path = target
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string();
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .and_then(|header| std::str::from_utf8(header.value).ok())
            .map(str::trim)
    };
    let has_token = |value: Option<&str>, token: &str| {
        value.is_some_and(|value| {
            value
                .split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    };
    let upgrade = if header("upgrade").is_some() {
        Some(if !has_token(header("upgrade"), "websocket") {
            Upgrade::Invalid("Upgrade is not websocket")
        } else if !has_token(header("connection"), "upgrade") {
            Upgrade::Invalid("Connection lacks upgrade")
        } else if header("sec-websocket-version") != Some("13") {
            Upgrade::Invalid("Sec-WebSocket-Version is not 13")
        } else {
            match header("sec-websocket-key") {
                Some(key) if !key.is_empty() => Upgrade::WebSocket {
                    key: key.to_string(),
                },
                _ => Upgrade::Invalid("no Sec-WebSocket-Key"),
            }
        })
    } else {
        None
    };
    Some(Request {
        method,
        path,
        upgrade,
    })
}

/// Answers a request that is not a WebSocket upgrade.
fn serve_plain(shared: &Shared, stream: &TcpStream, request: &Request) {
    let head_only = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            respond_error(stream, 405, "Method Not Allowed");
            return;
        }
    };
    if request.path == SIGNAL_PATH {
        respond_error(stream, 426, "Upgrade Required");
        return;
    }
    let Some(root) = &shared.dir else {
        // Like y-webrtc's server, which answers every plain request with "okay".
        if request.path == "/" {
            respond(
                stream,
                200,
                "OK",
                "text/plain; charset=utf-8",
                b"okay",
                head_only,
            );
        } else {
            respond_error(stream, 404, "Not Found");
        }
        return;
    };
    let Some(file) = resolve(root, &request.path) else {
        respond_error(stream, 404, "Not Found");
        return;
    };
    match File::open(&file).and_then(|f| f.metadata().map(|meta| (f, meta.len()))) {
        Ok((mut f, len)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\
                 Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
                 Connection: close\r\n\r\n",
                content_type(&file)
            );
            let mut out = stream;
            let sent = out.write_all(head.as_bytes()).and_then(|()| {
                if head_only {
                    Ok(0)
                } else {
                    io::copy(&mut f, &mut out)
                }
            });
            if let Err(err) = sent {
                log::debug!("sending {}: {err}", file.display());
            }
            finish(stream);
        }
        Err(err) => {
            log::debug!("opening {}: {err}", file.display());
            respond_error(stream, 404, "Not Found");
        }
    }
}

/// The file under `root` (canonical) that `raw_path` names, if it is a readable file
/// inside `root`: no `..`, no backslashes or NULs, no symbolic link leading outside.
/// A folder stands for its `index.html`.
pub(crate) fn resolve(root: &Path, raw_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(raw_path)?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            segment => {
                // A segment like `C:` would replace the whole path on Windows.
                let mut components = Path::new(segment).components();
                match (components.next(), components.next()) {
                    (Some(Component::Normal(_)), None) => path.push(segment),
                    _ => return None,
                }
            }
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let canonical = path.canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content type by file extension, for what a Trunk build contains.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

fn respond_error(stream: &TcpStream, status: u16, reason: &str) {
    let body = format!("{status} {reason}\n");
    respond(
        stream,
        status,
        reason,
        "text/plain; charset=utf-8",
        body.as_bytes(),
        false,
    );
}

fn respond(
    mut stream: &TcpStream,
    status: u16,
    reason: &str,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) {
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if !head_only {
        response.extend_from_slice(body);
    }
    let _ = stream.write_all(&response);
    finish(stream);
}

/// Ends the response: no more writes, so the client sees the end of the body.
fn finish(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%2e%2E/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type(Path::new("a/app_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("app.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }

    #[test]
    fn parses_an_upgrade_request() {
        let head = b"GET /signal?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n\
            Connection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        let request = parse_head(head).unwrap();
        assert_eq!(request.path, "/signal");
        assert!(
            matches!(request.upgrade, Some(Upgrade::WebSocket { key }) if key == "dGhlIHNhbXBsZSBub25jZQ==")
        );
        let plain = parse_head(b"GET /a.js HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
        assert!(plain.upgrade.is_none());
        assert!(parse_head(b"\x00\x01 nonsense\r\n\r\n").is_none());
    }
}
