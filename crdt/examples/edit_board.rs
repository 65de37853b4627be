//! A scripted Rust peer for the concurrency interop tests: runs the steps given on the
//! command line, in order, against one `Board`, and so can take a JavaScript update,
//! make its own edits concurrently, emit them, and then merge the other side's.
//!
//! Steps (each a word followed by its arguments):
//! - `client N`: use client id N (only as the first step)
//! - `load FILE`: apply a Yjs update v1 with origin LOAD; remembers the state after it
//! - `merge FILE`: apply a Yjs update v1 with origin REMOTE
//! - `move ID X Y`, `text ID TEXT`, `recolor ID COLOR`, `delete ID`, `title TEXT`:
//!   local commands
//! - `delta FILE`: write the update since the last `load` (this peer's own edits)
//! - `save FILE`: write the whole board (`Board::encode`)
//! - `print`: print the board as JSON on stdout
//!
//! Example: `edit_board load base.bin move n1 10 20 delta mine.bin merge theirs.bin print`

#[path = "support/json.rs"]
mod json;

use crdt::{Board, Command, LOAD, LOCAL, REMOTE};
use yrs::StateVector;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter().map(String::as_str).peekable();
    let mut client: u32 = 0x5253_0002;
    if args.peek() == Some(&"client") {
        args.next();
        client = parse(next(&mut args, "client N"));
    }
    let mut board = Board::new(client);
    let mut since = StateVector::default();
    while let Some(step) = args.next() {
        match step {
            "load" | "merge" => {
                let path = next(&mut args, "load/merge FILE");
                let bytes = std::fs::read(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
                let origin = if step == "load" { LOAD } else { REMOTE };
                if let Err(e) = board.apply_update(&bytes, origin) {
                    fail(&format!("{path}: {e}"));
                }
                if step == "load" {
                    since = board.state_vector();
                }
            }
            "move" => {
                let id = next(&mut args, "move ID X Y").to_string();
                let x = parse(next(&mut args, "move ID X Y"));
                let y = parse(next(&mut args, "move ID X Y"));
                local(
                    &mut board,
                    Command::Move {
                        moves: vec![(id, x, y)],
                    },
                );
            }
            "text" => {
                let id = next(&mut args, "text ID TEXT").to_string();
                let text = next(&mut args, "text ID TEXT").to_string();
                local(&mut board, Command::SetText { id, text });
            }
            "recolor" => {
                let id = next(&mut args, "recolor ID COLOR").to_string();
                let color = next(&mut args, "recolor ID COLOR").to_string();
                local(
                    &mut board,
                    Command::Recolor {
                        ids: vec![id],
                        color,
                    },
                );
            }
            "delete" => {
                let id = next(&mut args, "delete ID").to_string();
                local(&mut board, Command::Delete { ids: vec![id] });
            }
            "title" => {
                let title = next(&mut args, "title TEXT").to_string();
                local(&mut board, Command::SetTitle { title });
            }
            "delta" => {
                let path = next(&mut args, "delta FILE");
                let bytes = board.diff(&since);
                write(path, &bytes);
            }
            "save" => {
                let path = next(&mut args, "save FILE");
                write(path, &board.encode());
            }
            "print" => println!("{}", json::board(&board)),
            other => fail(&format!("unknown step `{other}`")),
        }
    }
}

fn local(board: &mut Board, cmd: Command) {
    if let Err(e) = board.apply(&cmd, LOCAL) {
        fail(&format!("{cmd:?}: {e}"));
    }
}

fn next<'a>(args: &mut impl Iterator<Item = &'a str>, usage: &str) -> &'a str {
    args.next()
        .unwrap_or_else(|| fail(&format!("missing argument: {usage}")))
}

fn parse<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| fail(&format!("not a number: {s}")))
}

fn write(path: &str, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
}

fn fail(why: &str) -> ! {
    eprintln!("edit_board: {why}");
    std::process::exit(1);
}
