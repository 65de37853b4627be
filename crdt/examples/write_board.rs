//! Builds a board through `Command`s only (create, text with umlauts and emoji, move,
//! resize, recolour, reorder, delete, title) and writes it as one Yjs update v1 to the
//! path in argv[1]; prints the board as JSON on stdout. `tests/interop/` reads the
//! file with JavaScript `yjs` and checks it against SCHEMA.md.
//!
//! The client id is above 2^31 (but below 2^32) on purpose: JavaScript must read it.

#[path = "support/json.rs"]
mod json;

use crdt::{Board, Command, Kind, Layer, NewElement, LOCAL};

const A: &str = "rustNoteAlpha_0001";
const B: &str = "rustNoteBravo_0002";
const C: &str = "rustNoteCharlie-03";
const D: &str = "rustNoteDelta_0004";

fn note(id: &str, x: f64, y: f64, color: &str) -> NewElement {
    NewElement {
        id: id.to_string(),
        kind: Kind::Note,
        x,
        y,
        w: 200.0,
        h: 200.0,
        color: color.to_string(),
        text: String::new(),
        parent: None,
        z: None,
        pts: Vec::new(),
        from: None,
        to: None,
    }
}

fn text(id: &str, text: &str) -> Command {
    Command::SetText {
        id: id.to_string(),
        text: text.to_string(),
    }
}

fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: write_board OUT.bin");
        std::process::exit(2);
    };
    let mut board = Board::new(0xDEAD_BEEF);
    board
        .init_new("Retro KW 48 – Grüße 🎉", None)
        .expect("init");
    let ids = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let commands = [
        Command::Create(vec![note(A, 100.0, 80.0, "yellow")]),
        Command::Create(vec![note(B, 320.0, 80.0, "orange")]),
        Command::Create(vec![
            note(C, 540.0, 80.0, "blue"),
            note(D, 760.0, 80.0, "pink"),
        ]),
        text(A, "Grüße aus Köln 😀"),
        text(A, "Grüße aus Köln 😀 – schön!"),
        text(B, "Übermorgen: Äpfel, Öl & Süßes\nzweite Zeile 👩‍💻"),
        text(C, "weg damit"),
        text(D, "Deutschland 🇩🇪 \"Zitat\" \\ Ende\tTab"),
        Command::Move {
            moves: vec![(A.into(), 12.5, -40.25), (B.into(), 0.1, 300.0)],
        },
        Command::Resize {
            id: D.into(),
            x: 10.0,
            y: 20.0,
            w: 320.5,
            h: 150.0,
        },
        // Rejected: a size must be > 0.
        Command::Resize {
            id: D.into(),
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 150.0,
        },
        Command::Recolor {
            ids: ids(&[A, B]),
            color: "#1a2b3c".into(),
        },
        Command::Recolor {
            ids: ids(&[D]),
            color: "green".into(),
        },
        // Rejected: not a palette name.
        Command::Recolor {
            ids: ids(&[D]),
            color: "purple".into(),
        },
        Command::Reorder {
            ids: ids(&[A]),
            layer: Layer::Front,
        },
        Command::Reorder {
            ids: ids(&[D]),
            layer: Layer::Back,
        },
        Command::Delete { ids: ids(&[C]) },
        Command::SetTitle {
            title: "Retro KW 48 – Grüße aus Köln 🎉".into(),
        },
    ];
    for cmd in &commands {
        board.apply(cmd, LOCAL).expect("apply");
    }
    std::fs::write(&out, board.encode()).unwrap_or_else(|e| {
        eprintln!("write_board: {out}: {e}");
        std::process::exit(1);
    });
    println!("{}", json::board(&board));
}
