//! The `.lernraum` board file (UI.md, "Export and import"): the 8 ASCII bytes
//! `LERNRAUM`, one format byte `1`, then the Yjs update v1 of the whole board to the end
//! of the file. Any Yjs implementation reads the board from `bytes[9..]`.
//!
//! Reading never trusts the file: the header is checked, the size is bounded, and the
//! update is applied to a fresh board first. The caller's board is only ever touched
//! with an update that already applied cleanly and completely on its own.

use crate::board::{Board, BoardError, LOAD};

/// The first bytes of every board file.
pub const MAGIC: &[u8; 8] = b"LERNRAUM";
/// The format byte this version writes and reads.
pub const FORMAT: u8 = 1;
/// Header length: magic and format byte.
pub const HEADER: usize = MAGIC.len() + 1;
/// The largest board file accepted (64 MiB). A 10,000-element board is about 1.5 MB.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// Why a file could not be read as a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Empty, or shorter than the header.
    TooShort,
    /// The magic bytes are missing: some other kind of file.
    NotABoardFile,
    /// A board file of a format this version does not know.
    UnknownFormat(u8),
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge(usize),
    /// The header is right but the board data is damaged or cut off.
    Damaged(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::TooShort => write!(f, "the file is empty or too short"),
            FileError::NotABoardFile => write!(f, "not a Lernraum board file"),
            FileError::UnknownFormat(v) => write!(f, "board file format {v} is not supported"),
            FileError::TooLarge(n) => write!(
                f,
                "the file is too large ({n} bytes; at most {MAX_FILE_BYTES})"
            ),
            FileError::Damaged(why) => write!(f, "the board data is damaged: {why}"),
        }
    }
}

impl std::error::Error for FileError {}

/// The board as a `.lernraum` file, without the content of deleted items (see
/// [`Board::encode_clean`]): deleted text never leaves the browser in a file.
pub fn encode(board: &Board) -> Vec<u8> {
    wrap(&board.encode_clean())
}

/// A `.lernraum` file holding the Yjs update v1 `update`.
pub fn wrap(update: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + update.len());
    out.extend_from_slice(MAGIC);
    out.push(FORMAT);
    out.extend_from_slice(update);
    out
}

/// Whether `bytes` start like a board file (for telling file types apart).
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The update part of a board file, after checking the header and size.
pub fn update_of(bytes: &[u8]) -> Result<&[u8], FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len()));
    }
    if !bytes.starts_with(MAGIC) {
        return Err(if bytes.len() < HEADER && MAGIC.starts_with(bytes) {
            FileError::TooShort
        } else {
            FileError::NotABoardFile
        });
    }
    match bytes.get(MAGIC.len()) {
        None => Err(FileError::TooShort),
        Some(&FORMAT) => Ok(&bytes[HEADER..]),
        Some(&other) => Err(FileError::UnknownFormat(other)),
    }
}

/// Reads a board file into a new board with the given client id. The update must
/// apply completely: a cut-off file (which Yjs would keep as "pending") is an error.
pub fn read(bytes: &[u8], client_id: u32) -> Result<Board, FileError> {
    let update = update_of(bytes)?;
    if update.len() < 2 {
        return Err(FileError::TooShort);
    }
    let mut board = Board::new(client_id);
    board
        .apply_update(update, LOAD)
        .map_err(|e| FileError::Damaged(damage(e)))?;
    if !board.is_complete() {
        return Err(FileError::Damaged(
            "parts of the board are missing (the file may be cut off)".into(),
        ));
    }
    Ok(board)
}

fn damage(e: BoardError) -> String {
    match e {
        BoardError::BadUpdate(why) => why,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Command, NewElement, LOCAL};

    fn sample() -> Board {
        let mut b = Board::new(1);
        b.init_new("Teamvereinbarung", None).unwrap();
        let notes: Vec<NewElement> = (0..20)
            .map(|i| NewElement::note_centred(i as f64 * 250.0, 0.0, "yellow"))
            .collect();
        b.apply(&Command::Create(notes), LOCAL).unwrap();
        b
    }

    #[test]
    fn a_board_file_round_trips() {
        let b = sample();
        let bytes = encode(&b);
        assert_eq!(&bytes[..9], b"LERNRAUM\x01");
        let back = read(&bytes, 2).unwrap();
        assert_eq!(back.elements(), b.elements());
        assert_eq!(back.title(), "Teamvereinbarung");
    }

    #[test]
    fn deleted_text_is_not_in_the_file() {
        let mut b = sample();
        let id = b.elements()[0].id.clone();
        b.apply(
            &Command::SetTitle {
                title: "Erika Mustermann".into(),
            },
            LOCAL,
        )
        .unwrap();
        b.apply(
            &Command::SetTitle {
                title: "Teamvereinbarung".into(),
            },
            LOCAL,
        )
        .unwrap();
        b.apply(
            &Command::SetText {
                id: id.clone(),
                text: "Gesagt von Erika".into(),
            },
            LOCAL,
        )
        .unwrap();
        b.apply(&Command::Delete { ids: vec![id] }, LOCAL).unwrap();
        let has = |bytes: &[u8]| bytes.windows(5).any(|w| w == b"Erika");
        // Undo keeps it in the live document …
        assert!(has(&b.encode()));
        // … but never in a file, which still reads and merges the same.
        let file = encode(&b);
        assert!(!has(&file));
        let back = read(&file, 5).unwrap();
        assert_eq!(back.elements(), b.elements());
        assert_eq!(back.title(), "Teamvereinbarung");
        let mut other = Board::new(6);
        other.apply_update(&b.encode(), LOAD).unwrap();
        other.merge(update_of(&file).unwrap()).unwrap();
        assert_eq!(other.elements(), b.elements());
    }

    #[test]
    fn bad_files_are_named_precisely() {
        assert_eq!(read(b"", 2).err(), Some(FileError::TooShort));
        assert_eq!(read(b"LERN", 2).err(), Some(FileError::TooShort));
        assert_eq!(read(b"LERNRAUM", 2).err(), Some(FileError::TooShort));
        assert_eq!(read(b"LERNRAUM\x01", 2).err(), Some(FileError::TooShort));
        assert_eq!(
            read(b"\x89PNG\r\n\x1a\n...", 2).err(),
            Some(FileError::NotABoardFile)
        );
        assert_eq!(
            read(b"LERNRAUM\x07\x00\x00", 2).err(),
            Some(FileError::UnknownFormat(7))
        );
        let huge = vec![0u8; MAX_FILE_BYTES + 1];
        assert!(matches!(read(&huge, 2), Err(FileError::TooLarge(_))));
    }

    #[test]
    fn a_cut_off_file_is_damaged_never_half_read() {
        let bytes = encode(&sample());
        for cut in [
            HEADER + 2,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            match read(&bytes[..cut], 2) {
                Err(FileError::Damaged(_)) | Err(FileError::TooShort) => {}
                Err(other) => panic!("cut at {cut}: unexpected {other}"),
                Ok(b) => panic!("cut at {cut}: read {} elements", b.len()),
            }
        }
    }

    #[test]
    fn merging_a_file_adds_its_elements_and_keeps_this_boards_meta() {
        let other = sample();
        let mut mine = Board::new(3);
        mine.init_new("Mein Board", Some("my-key")).unwrap();
        let own = NewElement::note_centred(0.0, 900.0, "blue");
        mine.apply(&Command::Create(vec![own]), LOCAL).unwrap();
        let file = encode(&other);
        read(&file, 9).unwrap();
        mine.merge(update_of(&file).unwrap()).unwrap();
        assert_eq!(mine.len(), 21);
        assert_eq!(mine.title(), "Mein Board");
        assert_eq!(mine.moderator_key().as_deref(), Some("my-key"));
        // Merging the same file again changes nothing (CRDT merge, not a copy).
        mine.merge(update_of(&file).unwrap()).unwrap();
        assert_eq!(mine.len(), 21);
        // A peer that receives only this board's outgoing updates converges too.
        let mut peer = Board::new(4);
        peer.apply_update(&mine.encode(), LOAD).unwrap();
        assert_eq!(peer.elements(), mine.elements());
        assert_eq!(peer.title(), "Mein Board");
    }

    #[test]
    fn a_merge_is_one_undo_step() {
        let mut mine = Board::new(3);
        mine.init_new("Mein Board", None).unwrap();
        mine.merge(update_of(&encode(&sample())).unwrap()).unwrap();
        assert_eq!(mine.len(), 20);
        assert!(mine.undo());
        assert_eq!(mine.len(), 0);
        assert_eq!(mine.title(), "Mein Board");
    }

    #[test]
    fn random_bytes_after_the_header_never_panic() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..300 {
            let n = rng.usize(0..200);
            let mut bytes = wrap(&(0..n).map(|_| rng.u8(..)).collect::<Vec<_>>());
            if rng.bool() {
                // Flip a byte of a real file, too.
                bytes = encode(&sample());
                let i = rng.usize(HEADER..bytes.len());
                bytes[i] ^= 1 << rng.u8(0..8);
            }
            let _ = read(&bytes, 2);
        }
    }
}
