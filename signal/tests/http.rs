//! `--dir`: the built app served over plain HTTP on the relay's port.

mod common;

use common::*;
use serde_json::json;
use std::fs;

/// A folder like a Trunk build, next to a file that must never be served.
fn app_folder() -> (TempDir, std::path::PathBuf) {
    let outer = TempDir::new("http");
    fs::write(outer.0.join("secret.txt"), "top secret").unwrap();
    let dist = outer.0.join("dist");
    fs::create_dir_all(dist.join("sub")).unwrap();
    fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Lernraum</title>",
    )
    .unwrap();
    fs::write(dist.join("app-1a2b_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    fs::write(dist.join("app-1a2b.js"), "export default 1").unwrap();
    fs::write(dist.join("style-9f.css"), "body{}").unwrap();
    fs::write(dist.join("icon.svg"), "<svg/>").unwrap();
    fs::write(dist.join("shot.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    fs::write(dist.join("sub").join("index.html"), "sub index").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outer.0.join("secret.txt"), dist.join("link.txt")).unwrap();
    (outer, dist)
}

#[test]
fn serves_the_app_with_content_types() {
    let (_tmp, dist) = app_folder();
    let server = start(limits(), Some(dist));

    let index = http(&server, "GET / HTTP/1.1");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.body, b"<!doctype html><title>Lernraum</title>");
    assert_eq!(http(&server, "GET /index.html?v=2 HTTP/1.1").status, 200);

    for (path, content_type, body) in [
        (
            "/app-1a2b_bg.wasm",
            "application/wasm",
            &b"\0asm\x01\0\0\0"[..],
        ),
        (
            "/app-1a2b.js",
            "text/javascript; charset=utf-8",
            b"export default 1",
        ),
        ("/style-9f.css", "text/css; charset=utf-8", b"body{}"),
        ("/icon.svg", "image/svg+xml", b"<svg/>"),
        ("/shot.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("/sub/", "text/html; charset=utf-8", b"sub index"),
        ("/sub", "text/html; charset=utf-8", b"sub index"),
    ] {
        let response = http(&server, &format!("GET {path} HTTP/1.1"));
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{path}"
        );
        assert_eq!(
            response.header("content-length"),
            Some(&*body.len().to_string())
        );
        assert_eq!(response.body, body, "{path}");
    }

    let head = http(&server, "HEAD /app-1a2b.js HTTP/1.1");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("16"));
    assert!(head.body.is_empty());

    assert_eq!(http(&server, "GET /missing.js HTTP/1.1").status, 404);
    assert_eq!(http(&server, "POST / HTTP/1.1").status, 405);
    assert_eq!(http(&server, "GET /signal HTTP/1.1").status, 426);
}

#[test]
fn paths_cannot_leave_the_folder() {
    let (_tmp, dist) = app_folder();
    let server = start(limits(), Some(dist));
    for path in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/link.txt",
        "/%00",
        "/%zz",
        "//etc/passwd",
        "/etc/passwd",
    ] {
        let response = http(&server, &format!("GET {path} HTTP/1.1"));
        assert_eq!(response.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("top secret"),
            "{path} leaked the file outside"
        );
    }
    // `..` that stays inside is still refused, rather than resolved.
    assert_eq!(http(&server, "GET /sub/../index.html HTTP/1.1").status, 404);
}

#[test]
fn the_relay_runs_beside_the_files() {
    let (_tmp, dist) = app_folder();
    let server = start(limits(), Some(dist));
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/");
    a.send_json(json!({ "type": "subscribe", "topics": ["room"] }));
    a.assert_alive();
    b.send_json(json!({ "type": "publish", "topic": "room", "data": 1 }));
    assert_eq!(a.expect_json()["clients"], 1);
    assert_eq!(http(&server, "GET / HTTP/1.1").status, 200);
}

#[test]
fn without_a_folder_plain_requests_get_okay() {
    let server = start_default();
    let root = http(&server, "GET / HTTP/1.1");
    assert_eq!(root.status, 200);
    assert_eq!(root.body, b"okay");
    assert_eq!(http(&server, "GET /index.html HTTP/1.1").status, 404);
}

#[test]
fn bad_requests_do_not_hurt_the_server() {
    let server = start_default();
    assert_eq!(http(&server, "NONSENSE").status, 400);
    let long = format!("GET /{} HTTP/1.1", "a".repeat(signal::MAX_REQUEST_HEAD));
    assert_eq!(http(&server, &long).status, 431);
    // An upgrade that is not a WebSocket version 13 handshake.
    let bad_upgrade = "GET /signal HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: x";
    assert_eq!(http(&server, bad_upgrade).status, 400);
    // A client that connects and says nothing does not block anyone.
    let _idle = std::net::TcpStream::connect(server.local_addr()).unwrap();
    connect(&server, "/signal").assert_alive();
}
