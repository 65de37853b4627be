//! Golden fixture from JavaScript Yjs: `fixtures/js_board_v1.bin` was written by
//! `tests/interop/make_fixture.mjs` (npm `yjs`, `Y.encodeStateAsUpdate`). Decoding it
//! here makes plain `cargo test` check that the model reads what JavaScript writes:
//! every field, paint order, unknown kinds, wrong-typed keys, UTF-16 text splices.

use crdt::{Board, Element, Kind, LOAD};

const FIXTURE: &[u8] = include_bytes!("fixtures/js_board_v1.bin");

fn load() -> Board {
    let mut board = Board::new(99);
    board
        .apply_update(FIXTURE, LOAD)
        .expect("the JS fixture loads");
    board
}

fn el(board: &Board, id: &str) -> Element {
    board
        .element(id)
        .unwrap_or_else(|| panic!("{id} is missing"))
}

#[test]
fn title_and_schema_are_read() {
    let board = load();
    assert_eq!(board.title(), "Retro: Was lief gut? 🌟 Grüße aus Köln");
    assert_eq!(board.schema(), Some(1.0));
    assert_eq!(board.moderator_key(), None);
}

#[test]
fn elements_come_in_paint_order_with_empty_z_first_and_ties_broken_by_id() {
    let ids: Vec<String> = load().elements().into_iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        [
            "frameTitled_00009",
            "n1Zx8aQw2Lr5Tt0p",
            "n3EscapesFloat-003",
            "n2UmlautEmoji_0002",
            "oopsWrongTypes0005",
            "sticker0Unknown004",
            "tieA_sameZ_000007",
            "tieB_sameZ_000006",
            "arrowAllKeys_0008",
        ]
    );
}

#[test]
fn the_schema_example_note_is_read_exactly() {
    let n1 = el(&load(), "n1Zx8aQw2Lr5Tt0p");
    assert_eq!(
        n1,
        Element {
            id: "n1Zx8aQw2Lr5Tt0p".into(),
            kind: Kind::Note,
            x: 100.0,
            y: 80.0,
            w: 200.0,
            h: 200.0,
            z: "a0".into(),
            color: "yellow".into(),
            text: "Ask openly".into(),
            parent: None,
            from: None,
            to: None,
            pts: vec![],
            locked: false,
        }
    );
}

#[test]
fn text_spliced_in_javascript_at_utf16_offsets_reads_exactly() {
    let board = load();
    let n2 = el(&board, "n2UmlautEmoji_0002");
    assert_eq!(
        n2.text,
        "Grüße liebe Welt 😀 👩\u{200d}💻\nÄpfel & Öl – süß"
    );
    assert_eq!(n2.color, "#ff8800");
    let n3 = el(&board, "n3EscapesFloat-003");
    assert_eq!(n3.text, "Zeile 1\n\"Zitat\" \\ Tab\tEnde 🇩🇪");
    assert_eq!((n3.x, n3.y, n3.w, n3.h), (12.5, 0.1, 180.0, 120.5));
}

#[test]
fn an_unknown_kind_is_kept_as_its_own_kind() {
    let s = el(&load(), "sticker0Unknown004");
    assert_eq!(s.kind, Kind::Unknown("sticker".into()));
    assert_eq!(s.kind.as_str(), "sticker");
    assert_eq!((s.x, s.y, s.w, s.h), (600.0, 100.0, 64.0, 64.0));
    assert_eq!(s.color, "pink");
    assert_eq!(s.text, "");
}

#[test]
fn wrong_typed_keys_fall_back_to_defaults() {
    let o = el(&load(), "oopsWrongTypes0005");
    assert_eq!(o.kind, Kind::Note);
    assert_eq!(o.x, 0.0, "x: \"oops\"");
    assert_eq!(o.y, 50.0);
    assert_eq!(o.w, 200.0, "w: 0");
    assert_eq!(o.h, 200.0, "h: \"300\"");
    assert_eq!(o.color, "yellow", "color: 42");
    assert_eq!(o.text, "falsch getippt");
}

#[test]
fn every_optional_key_and_number_encoding_is_read() {
    let a = el(&load(), "arrowAllKeys_0008");
    assert_eq!(a.kind, Kind::Arrow);
    assert_eq!(a.x, 3_000_000_000.0);
    assert_eq!(a.y, -1e-7);
    assert_eq!(a.h, 150.0, "written as BigInt 150n");
    assert_eq!(a.parent.as_deref(), Some("frameTitled_00009"));
    assert_eq!(a.from.as_deref(), Some("n1Zx8aQw2Lr5Tt0p"));
    assert_eq!(a.to.as_deref(), Some("n2UmlautEmoji_0002"));
    assert_eq!(a.pts, [0.0, 0.0, 100.5, 50.0]);
    assert!(a.locked);
    assert_eq!(a.text, "Pfeil →");
}

#[test]
fn plain_string_text_and_hex_colours_are_read() {
    let board = load();
    assert_eq!(el(&board, "tieB_sameZ_000006").text, "Label");
    assert_eq!(el(&board, "tieA_sameZ_000007").color, "#ABCDEF");
}

#[test]
fn values_that_are_not_elements_are_skipped_but_kept_in_the_document() {
    let board = load();
    for id in [
        "junkValueNotAMap10",
        "noKindMap_0000011",
        "kindNumber_000012",
    ] {
        assert_eq!(board.element(id), None, "{id}");
        assert!(!board.elements().iter().any(|e| e.id == id), "{id}");
    }
    assert_eq!(board.elements().len(), 9);
    assert_eq!(board.len(), 12, "the skipped entries are still in the map");
    // And they survive a save and load.
    let mut copy = Board::new(100);
    copy.apply_update(&board.encode(), LOAD).unwrap();
    assert_eq!(copy.len(), 12);
    assert_eq!(copy.elements(), board.elements());
}
