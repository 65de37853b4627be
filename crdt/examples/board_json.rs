//! Reads a board file (one Yjs update v1, e.g. `Y.encodeStateAsUpdate(doc)` from
//! JavaScript) with `Board::apply_update` and prints its title, schema and elements in
//! paint order as JSON on stdout. Used by `tests/interop/`.
//!
//! `board_json IN.bin [OUT.bin]`: with `OUT.bin`, also writes the board back out
//! (`Board::encode`), so a test can check that what Rust does not understand survives.

#[path = "support/json.rs"]
mod json;

use crdt::{Board, LOAD};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(input) = args.first() else {
        eprintln!("usage: board_json IN.bin [OUT.bin]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(input).unwrap_or_else(|e| fail(&format!("{input}: {e}")));
    let mut board = Board::new(0x4c52_0001);
    if let Err(e) = board.apply_update(&bytes, LOAD) {
        fail(&format!("{input}: {e}"));
    }
    if let Some(out) = args.get(1) {
        std::fs::write(out, board.encode()).unwrap_or_else(|e| fail(&format!("{out}: {e}")));
    }
    println!("{}", json::board(&board));
}

fn fail(why: &str) -> ! {
    eprintln!("board_json: {why}");
    std::process::exit(1);
}
