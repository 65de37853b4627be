//! The Lernraum board model: schema 1 of SCHEMA.md over a yrs document.
//!
//! No DOM, no sockets, no clocks: this crate builds natively and for wasm and is
//! tested with plain `cargo test`. The app turns user input into [`Command`]s and
//! draws from [`Element`] records and [`BoardChange`]s.
//!
//! ```
//! use crdt::{Board, Command, NewElement, LOCAL};
//! let mut board = Board::new(7);
//! board.init_new("Teamvereinbarung", None).unwrap();
//! let note = NewElement::note_centred(100.0, 100.0, "yellow");
//! let id = note.id.clone();
//! board.apply(&Command::Create(vec![note]), LOCAL).unwrap();
//! board.apply(&Command::SetText { id: id.clone(), text: "Offen fragen".into() }, LOCAL).unwrap();
//! assert_eq!(board.element(&id).unwrap().text, "Offen fragen");
//! let bytes = board.encode();
//! let mut copy = Board::new(8);
//! copy.apply_update(&bytes, crdt::LOAD).unwrap();
//! assert_eq!(copy.elements(), board.elements());
//! ```

pub mod awareness;
pub mod ballots;
mod board;
mod change;
mod command;
pub mod control;
mod element;
pub mod envelope;
pub mod file;
pub mod geometry;
pub mod kinds;
pub mod order;
pub mod pack;
pub mod signaling;
pub mod split;
pub mod sync;
mod text_splice;
pub mod timer;
pub mod zindex;

pub use awareness::{Awareness, AwarenessChange, AwarenessError, AwarenessLimits};
pub use board::{Board, BoardError, LOAD, LOCAL, REMOTE, SCHEMA_VERSION};
pub use change::BoardChange;
pub use command::{Command, Layer, NewElement};
pub use element::{is_valid_color, new_id, Element, Kind, NOTE_SIZE, PALETTE};
pub use text_splice::splice;
