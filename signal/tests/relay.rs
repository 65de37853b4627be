//! The relay as y-webrtc peers use it: subscribe, publish, unsubscribe, ping, and the
//! limits that keep a misbehaving client from hurting the others.

mod common;

use common::*;
use serde_json::json;
use signal::Limits;
use std::time::Duration;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::Message;

fn announce(topic: &str, from: &str) -> serde_json::Value {
    json!({ "type": "publish", "topic": topic, "data": { "type": "announce", "from": from } })
}

#[test]
fn publish_reaches_every_subscriber_of_the_topic_and_only_them() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/signal");
    let mut c = connect(&server, "/signal");
    a.send_json(json!({ "type": "subscribe", "topics": ["room-1"] }));
    b.send_json(json!({ "type": "subscribe", "topics": ["room-1"] }));
    c.send_json(json!({ "type": "subscribe", "topics": ["room-2"] }));
    // Subscriptions are handled in order per connection; a pong proves each one is in.
    for client in [&mut a, &mut b, &mut c] {
        client.assert_alive();
    }
    assert_eq!(server.stats().topics, 2);

    a.send_json(announce("room-1", "peer-a"));
    let expected = json!({
        "type": "publish",
        "topic": "room-1",
        "data": { "type": "announce", "from": "peer-a" },
        "clients": 2,
    });
    // The sender gets its own message back, as from y-webrtc's server.
    assert_eq!(a.expect_json(), expected);
    assert_eq!(b.expect_json(), expected);
    c.expect_quiet();

    // A signal message, as y-webrtc sends it with a password: `data` is a string.
    b.send_json(json!({ "type": "publish", "topic": "room-1", "data": "AAECAw==" }));
    assert_eq!(a.expect_json()["data"], "AAECAw==");
    assert_eq!(b.expect_json()["clients"], 2);
    c.expect_quiet();

    // Publishing to a topic nobody subscribed to goes nowhere, and that is fine.
    c.send_json(announce("room-3", "peer-c"));
    c.assert_alive();
    a.expect_quiet();
}

#[test]
fn the_bare_server_url_works_too() {
    let server = start_default();
    let mut a = connect(&server, "/");
    let mut b = connect(&server, "/signal?x=1");
    a.send_json(json!({ "type": "subscribe", "topics": ["r"] }));
    a.assert_alive();
    b.send_json(announce("r", "b"));
    assert_eq!(a.expect_json()["data"]["from"], "b");
    // Other paths are not the relay.
    assert!(try_connect(&server, "/elsewhere").is_err());
}

#[test]
fn unsubscribe_and_disconnect_stop_delivery() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/signal");
    a.send_json(json!({ "type": "subscribe", "topics": ["room", "other"] }));
    b.send_json(json!({ "type": "subscribe", "topics": ["room"] }));
    a.assert_alive();
    b.assert_alive();

    b.send_json(json!({ "type": "unsubscribe", "topics": ["room", "never-subscribed", 7] }));
    b.assert_alive();
    a.send_json(announce("room", "a"));
    assert_eq!(a.expect_json()["clients"], 1);
    b.expect_quiet();

    // A closed connection leaves its topics; empty topics are forgotten.
    drop(b);
    a.ws.close(None).unwrap();
    let _ = a.expect_closed();
    eventually("topics forgotten", || server.stats().topics == 0);
    eventually("connections gone", || server.stats().connections == 0);
}

#[test]
fn ping_is_answered_with_pong() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    a.send_json(json!({ "type": "ping" }));
    assert_eq!(a.expect_json(), json!({ "type": "pong" }));
}

#[test]
fn malformed_messages_are_ignored() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/signal");
    b.send_json(json!({ "type": "subscribe", "topics": ["room"] }));
    b.assert_alive();
    for junk in [
        "not json",
        "{",
        "[]",
        "null",
        "42",
        "\"publish\"",
        r#"{"type":5}"#,
        r#"{"no":"type"}"#,
        r#"{"type":"subscribe"}"#,
        r#"{"type":"subscribe","topics":"room"}"#,
        r#"{"type":"subscribe","topics":[1,null,{"a":1}]}"#,
        r#"{"type":"unsubscribe","topics":{"room":1}}"#,
        r#"{"type":"publish"}"#,
        r#"{"type":"publish","topic":5,"data":1}"#,
        r#"{"type":"publish","topic":"","data":1}"#,
        r#"{"type":"publish","topic":["room"],"data":1}"#,
        r#"{"type":"pong"}"#,
        r#"{"type":"something-new"}"#,
    ] {
        a.send_text(junk);
    }
    // Nesting deeper than serde_json's recursion limit is an error, not a stack overflow.
    a.send_text(&"[".repeat(100_000));
    a.send_text(&format!(
        r#"{{"type":"publish","topic":"room","data":{}1{}}}"#,
        "[".repeat(1000),
        "]".repeat(1000)
    ));
    a.ws.send(Message::binary(vec![0xff, 0x00, 0x13, 0x37]))
        .unwrap();
    a.ws.send(Message::Ping(vec![1, 2, 3].into())).unwrap();
    a.assert_alive();
    b.expect_quiet();
    assert_eq!(server.stats().topics, 1);

    // Deep but within the limit: relayed (serialised and dropped without trouble).
    let depth = 120;
    a.send_text(&format!(
        r#"{{"type":"publish","topic":"room","data":{}1{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    ));
    assert_eq!(b.expect_json()["type"], "publish");

    // Binary frames holding JSON are accepted, as y-webrtc's server does.
    a.ws.send(Message::binary(
        announce("room", "bin").to_string().into_bytes(),
    ))
    .unwrap();
    assert_eq!(b.expect_json()["data"]["from"], "bin");
}

#[test]
fn oversize_messages_are_dropped_and_huge_ones_close_only_their_connection() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/signal");
    a.send_json(json!({ "type": "subscribe", "topics": ["room"] }));
    a.assert_alive();

    // Over MAX_MESSAGE_BYTES: not relayed, the sender stays connected.
    let big = "x".repeat(signal::MAX_MESSAGE_BYTES + 1);
    b.send_json(json!({ "type": "publish", "topic": "room", "data": big }));
    a.expect_quiet();
    b.assert_alive();
    // Just under it: relayed.
    let fits = "y".repeat(signal::MAX_MESSAGE_BYTES - 100);
    b.send_json(json!({ "type": "publish", "topic": "room", "data": fits }));
    assert_eq!(
        a.expect_json()["data"].as_str().map(str::len),
        Some(fits.len())
    );

    // Over MAX_FRAME_BYTES: the sender is closed with 1009.
    let huge = "z".repeat(signal::MAX_FRAME_BYTES + 1);
    let _ = b.ws.send(Message::text(huge));
    let frame = b.expect_closed();
    if let Some(frame) = frame {
        assert_eq!(frame.code, CloseCode::Size);
    }
    a.expect_quiet();
    a.assert_alive();
    let mut c = connect(&server, "/signal");
    c.assert_alive();
}

#[test]
fn flooding_is_rate_limited_then_closed() {
    let server = start(
        Limits {
            rate_per_sec: 20,
            rate_burst: 10,
            flood_limit: 20,
            ..limits()
        },
        None,
    );
    let mut a = connect(&server, "/signal");
    let mut flooder = connect(&server, "/signal");
    a.send_json(json!({ "type": "subscribe", "topics": ["room"] }));
    a.assert_alive();

    let mut sent = 0;
    for i in 0..2000 {
        if flooder
            .ws
            .send(Message::text(
                announce("room", &format!("f{i}")).to_string(),
            ))
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    assert!(sent > 30, "the flood was cut off after {sent} messages");
    let frame = flooder.expect_closed();
    if let Some(frame) = frame {
        assert_eq!(frame.code, CloseCode::Policy);
    }
    // The subscriber saw the burst (and whatever the rate refilled), not the flood.
    let mut relayed = 0;
    while let Event::Json(message) = a.recv(QUIET) {
        assert_eq!(message["type"], "publish");
        relayed += 1;
    }
    assert!(
        (10..=60).contains(&relayed),
        "{relayed} of {sent} flood messages were relayed"
    );
    a.assert_alive();
    eventually("the flooder is gone", || server.stats().connections == 1);
}

#[test]
fn a_connection_may_subscribe_to_a_limited_number_of_topics() {
    let server = start_default();
    let mut a = connect(&server, "/signal");
    let mut b = connect(&server, "/signal");
    let topics: Vec<String> = (0..signal::MAX_TOPICS_PER_CONNECTION + 4)
        .map(|i| format!("t{i}"))
        .collect();
    a.send_json(json!({ "type": "subscribe", "topics": topics }));
    a.assert_alive();
    assert_eq!(server.stats().topics, signal::MAX_TOPICS_PER_CONNECTION);

    let last = signal::MAX_TOPICS_PER_CONNECTION - 1;
    b.send_json(announce(&format!("t{last}"), "b"));
    assert_eq!(a.expect_json()["topic"], format!("t{last}"));
    b.send_json(announce(&format!("t{}", last + 1), "b"));
    a.expect_quiet();

    // Too long a topic name is ignored; leaving a topic makes room for another.
    let long = "r".repeat(signal::MAX_TOPIC_BYTES + 1);
    a.send_json(json!({ "type": "unsubscribe", "topics": ["t0"] }));
    a.send_json(json!({ "type": "subscribe", "topics": [long, "late"] }));
    a.assert_alive();
    b.send_json(announce("late", "b"));
    assert_eq!(a.expect_json()["topic"], "late");
    assert_eq!(server.stats().topics, signal::MAX_TOPICS_PER_CONNECTION);
}

#[test]
fn connections_are_capped() {
    let server = start(
        Limits {
            max_connections: 2,
            ..limits()
        },
        None,
    );
    let mut a = connect(&server, "/signal");
    let b = connect(&server, "/signal");
    eventually("two connections", || server.stats().connections == 2);
    let refused = try_connect(&server, "/signal");
    assert!(refused.is_err(), "a third connection was accepted");
    drop(b);
    eventually("one connection left", || server.stats().connections == 1);
    let mut c = connect(&server, "/signal");
    c.assert_alive();
    a.assert_alive();
}

#[test]
fn idle_clients_are_pinged_and_silent_ones_closed() {
    let server = start(
        Limits {
            ping_interval: Duration::from_millis(200),
            idle_timeout: Duration::from_millis(300),
            ..limits()
        },
        None,
    );
    let mut lively = connect(&server, "/signal");
    let mut silent = connect(&server, "/signal");
    eventually("two connections", || server.stats().connections == 2);

    // The lively client reads, so tungstenite answers every ping with a pong.
    let deadline = std::time::Instant::now() + WAIT;
    while lively.pings < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} pings",
            lively.pings
        );
        if let Event::Closed(frame) = lively.recv(Duration::from_millis(50)) {
            panic!("the lively client was closed: {frame:?}");
        }
    }
    // The silent one never read, so it never answered: closed by now.
    eventually("the silent client is closed", || {
        server.stats().connections == 1
    });
    let frame = silent.expect_closed();
    if let Some(frame) = frame {
        assert_eq!(frame.code, CloseCode::Away);
    }
    assert!(silent.pings >= 1);
    lively.assert_alive();
}

#[test]
fn stopping_closes_every_connection() {
    let server = start_default();
    let addr = server.local_addr();
    let mut a = connect(&server, "/signal");
    a.assert_alive();
    server.stop();
    let _ = a.expect_closed();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
