//! A scripted Rust awareness peer for the interop tests (`tests/interop/awareness.test.mjs`):
//! runs the steps given on the command line against one `Awareness` (and, for
//! `receive`, a `SyncSession` over an empty board), then prints one JSON document:
//!
//! ```text
//! { "client": N, "states": { "ID": STATE, ... }, "clocks": { "ID": CLOCK, ... },
//!   "steps": [ { "step", "added", "updated", "renewed", "removed", "reannounced",
//!                "broadcast": HEX|null, "replies": [HEX], "update": HEX|null,
//!                "error": TEXT|null }, ... ] }
//! ```
//!
//! `clocks` lists every client known, also those whose state is gone.
//!
//! Steps (each a word followed by its arguments; bytes are given and printed as hex):
//! - `client N`: our client id (only as the first step; default 1)
//! - `now MS`: the time passed to the following steps (default 0)
//! - `set JSON`, `leave`: set our state, or set it to null
//! - `apply HEX`: apply an awareness update (the payload of a type 1 frame)
//! - `receive HEX`: hand a whole frame to `SyncSession::receive_with_awareness`
//! - `encode IDS`: encode the entries of IDS (comma-separated, or `all` for every
//!   present state) into the step's `update`
//! - `remove IDS`: `remove_states`
//! - `tick`: expire and renew
//!
//! Example: `awareness_peer client 7 set '{"user":{"name":"Ada"}}' apply 0101... encode 7`

use crdt::sync::SyncSession;
use crdt::{Awareness, AwarenessChange, Board};
use serde_json::{json, Map, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter().map(String::as_str).peekable();
    let mut client: u32 = 1;
    if args.peek() == Some(&"client") {
        args.next();
        client = parse(next(&mut args, "client N"));
    }
    let mut aw = Awareness::new(client);
    let mut session = SyncSession::default();
    let mut board = Board::new(client);
    let mut now = 0.0f64;
    let mut steps = Vec::new();
    while let Some(step) = args.next() {
        let mut record = json!({ "step": step, "error": null });
        match step {
            "now" => now = parse(next(&mut args, "now MS")),
            "set" | "leave" => {
                let state = (step == "set").then(|| next(&mut args, "set JSON"));
                match aw.set_local_state(state, now) {
                    Ok(c) => describe(&mut record, &c),
                    Err(e) => record["error"] = json!(e.to_string()),
                }
            }
            "apply" => {
                let bytes = unhex(next(&mut args, "apply HEX"));
                match aw.apply_update(&bytes, now) {
                    Ok(c) => describe(&mut record, &c),
                    Err(e) => record["error"] = json!(e.to_string()),
                }
            }
            "receive" => {
                let bytes = unhex(next(&mut args, "receive HEX"));
                match session.receive_with_awareness(&mut board, &mut aw, &bytes, now) {
                    Ok(r) => {
                        if let Some(c) = &r.awareness_change {
                            describe(&mut record, c);
                        }
                        record["replies"] = r.replies.iter().map(|f| hex(f)).collect();
                    }
                    Err(e) => record["error"] = json!(e.to_string()),
                }
            }
            "encode" => {
                let ids = next(&mut args, "encode IDS");
                let update = if ids == "all" {
                    aw.full_update()
                } else {
                    aw.encode_update(&ids_of(ids))
                };
                record["update"] = json!(hex(&update));
            }
            "remove" => {
                let ids = ids_of(next(&mut args, "remove IDS"));
                describe(&mut record, &aw.remove_states(&ids, now));
            }
            "tick" => describe(&mut record, &aw.tick(now)),
            other => fail(&format!("unknown step `{other}`")),
        }
        if step != "now" {
            steps.push(record);
        }
    }
    let mut states = Map::new();
    for (id, state) in aw.states() {
        let value: Value = serde_json::from_str(state).expect("states are JSON");
        states.insert(id.to_string(), value);
    }
    let mut clocks = Map::new();
    for (id, meta) in aw.clients() {
        clocks.insert(id.to_string(), json!(meta.clock));
    }
    let out = json!({ "client": client, "states": states, "clocks": clocks, "steps": steps });
    println!("{out}");
}

fn describe(record: &mut Value, c: &AwarenessChange) {
    record["added"] = json!(c.added);
    record["updated"] = json!(c.updated);
    record["renewed"] = json!(c.renewed);
    record["removed"] = json!(c.removed);
    record["reannounced"] = json!(c.reannounced);
    record["broadcast"] = json!(c.broadcast.as_deref().map(hex));
}

fn ids_of(list: &str) -> Vec<u32> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(parse)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    if !s.len().is_multiple_of(2) {
        fail(&format!("odd hex length: {s}"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|_| fail(&format!("bad hex: {s}")))
        })
        .collect()
}

fn next<'a>(args: &mut impl Iterator<Item = &'a str>, usage: &str) -> &'a str {
    args.next()
        .unwrap_or_else(|| fail(&format!("missing argument: {usage}")))
}

fn parse<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| fail(&format!("not a number: {s}")))
}

fn fail(msg: &str) -> ! {
    eprintln!("awareness_peer: {msg}");
    std::process::exit(2)
}
