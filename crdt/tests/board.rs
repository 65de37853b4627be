//! Behaviour of the board model through its public API: every `Command`, the
//! `BoardChange`s it reports, per-user undo and gestures, save and load, peers that
//! exchange updates, and the tolerant reader facing documents other writers made.

use std::collections::{BTreeMap, BTreeSet};

use crdt::{Board, BoardChange, Command, Element, Kind, Layer, NewElement, LOAD, LOCAL, REMOTE};
use yrs::{Any, Array, ArrayPrelim, Doc, Map, MapPrelim, ReadTxn, Text, TextPrelim, Transact};

// ---- helpers --------------------------------------------------------------------

fn board(client: u32) -> Board {
    let mut b = Board::new(client);
    b.init_new("Teamvereinbarung", None).unwrap();
    b.take_changes();
    b
}

fn note(id: &str, x: f64, y: f64) -> NewElement {
    NewElement {
        id: id.to_string(),
        kind: Kind::Note,
        x,
        y,
        w: 200.0,
        h: 200.0,
        color: "yellow".to_string(),
        text: String::new(),
        parent: None,
        z: None,
        pts: Vec::new(),
        from: None,
        to: None,
    }
}

fn create(b: &mut Board, ids: &[&str]) {
    let notes = ids
        .iter()
        .enumerate()
        .map(|(i, id)| note(id, 100.0 * i as f64, 0.0))
        .collect();
    b.apply(&Command::Create(notes), LOCAL).unwrap();
}

fn set_text(b: &mut Board, id: &str, text: &str) {
    let cmd = Command::SetText {
        id: id.into(),
        text: text.into(),
    };
    b.apply(&cmd, LOCAL).unwrap();
}

fn move_to(b: &mut Board, id: &str, x: f64, y: f64) {
    let cmd = Command::Move {
        moves: vec![(id.into(), x, y)],
    };
    b.apply(&cmd, LOCAL).unwrap();
}

fn el(b: &Board, id: &str) -> Element {
    b.element(id).unwrap_or_else(|| panic!("{id} is missing"))
}

fn text(b: &Board, id: &str) -> String {
    el(b, id).text
}

fn pos(b: &Board, id: &str) -> (f64, f64) {
    let e = el(b, id);
    (e.x, e.y)
}

fn order(b: &Board) -> Vec<String> {
    b.elements().into_iter().map(|e| e.id).collect()
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn updated(entries: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    entries
        .iter()
        .map(|(id, keys)| (id.to_string(), set(keys)))
        .collect()
}

/// Sends everything `from` has to `to`, as a peer would (origin REMOTE).
fn send(from: &Board, to: &mut Board) {
    to.apply_update(&from.encode(), REMOTE).unwrap();
}

fn sync(a: &mut Board, b: &mut Board) {
    send(a, b);
    send(b, a);
}

/// Two peers that both have the same board with the given notes.
fn two_peers(ids: &[&str]) -> (Board, Board) {
    let mut a = board(1);
    create(&mut a, ids);
    let mut b = Board::new(2);
    send(&a, &mut b);
    a.take_changes();
    b.take_changes();
    (a, b)
}

/// A raw document written with the yrs API, as another (sloppier) client might.
/// `write` gets the document and opens its own transaction (after getting its roots:
/// getting a root opens a transaction of its own).
fn raw_doc(write: impl FnOnce(&Doc)) -> Vec<u8> {
    let doc = Doc::with_client_id(77);
    write(&doc);
    let txn = doc.transact();
    txn.encode_state_as_update_v1(&yrs::StateVector::default())
}

fn load(bytes: &[u8]) -> Board {
    let mut b = Board::new(5);
    b.apply_update(bytes, LOAD).expect("loads");
    b
}

// ---- Create ---------------------------------------------------------------------

#[test]
fn a_new_board_has_schema_1_and_its_title_and_nothing_to_undo() {
    let mut b = Board::new(1);
    b.init_new("Retro KW 48", Some("bW9kZXJhdG9y")).unwrap();
    assert_eq!(b.schema(), Some(1.0));
    assert_eq!(b.title(), "Retro KW 48");
    assert_eq!(b.moderator_key().as_deref(), Some("bW9kZXJhdG9y"));
    assert!(b.is_empty());
    assert!(!b.can_undo(), "creating the board is not an undoable step");
}

#[test]
fn a_created_note_has_every_field_it_was_given() {
    let mut b = board(1);
    let mut n = note("note-with-fields-01", 12.5, -40.0);
    n.color = "#a1B2c3".into();
    n.text = "Grüße 😀".into();
    n.parent = Some("frame-parent-000001".into());
    b.apply(&Command::Create(vec![n]), LOCAL).unwrap();
    let e = el(&b, "note-with-fields-01");
    assert_eq!(e.kind, Kind::Note);
    assert_eq!((e.x, e.y, e.w, e.h), (12.5, -40.0, 200.0, 200.0));
    assert_eq!(e.color, "#a1B2c3");
    assert_eq!(e.text, "Grüße 😀");
    assert_eq!(e.parent.as_deref(), Some("frame-parent-000001"));
    assert!(!e.z.is_empty());
    assert_eq!(b.len(), 1);
}

#[test]
fn notes_created_together_keep_their_order_and_go_above_everything() {
    let mut b = board(1);
    create(&mut b, &["old-bottom", "old-top"]);
    create(&mut b, &["new-3", "new-1", "new-2"]);
    create(&mut b, &["single"]);
    assert_eq!(
        order(&b),
        ["old-bottom", "old-top", "new-3", "new-1", "new-2", "single"]
    );
    let z: Vec<String> = b.elements().into_iter().map(|e| e.z).collect();
    assert!(
        z.windows(2).all(|w| w[0] < w[1]),
        "strictly ascending: {z:?}"
    );
}

#[test]
fn a_note_created_with_an_explicit_z_goes_there() {
    let mut b = board(1);
    create(&mut b, &["first", "second"]);
    let (lo, hi) = (el(&b, "first").z, el(&b, "second").z);
    let mut n = note("between", 0.0, 0.0);
    n.z = crdt::zindex::between(Some(&lo), Some(&hi));
    assert!(n.z.is_some());
    b.apply(&Command::Create(vec![n]), LOCAL).unwrap();
    assert_eq!(order(&b), ["first", "between", "second"]);
}

#[test]
fn a_note_with_bad_geometry_is_not_created_and_a_bad_colour_becomes_yellow() {
    let mut b = board(1);
    let mut zero = note("zero-width", 0.0, 0.0);
    zero.w = 0.0;
    let mut nan = note("nan-x", f64::NAN, 0.0);
    nan.h = 10.0;
    let mut inf = note("infinite-height", 0.0, 0.0);
    inf.h = f64::INFINITY;
    let mut purple = note("purple-note", 0.0, 0.0);
    purple.color = "purple".into();
    b.apply(&Command::Create(vec![zero, nan, inf, purple]), LOCAL)
        .unwrap();
    assert_eq!(order(&b), ["purple-note"]);
    assert_eq!(el(&b, "purple-note").color, "yellow");
}

#[test]
fn every_kind_round_trips_through_the_document() {
    let mut b = board(1);
    let kinds = [
        Kind::Note,
        Kind::Text,
        Kind::Rect,
        Kind::Ellipse,
        Kind::Arrow,
        Kind::Ink,
        Kind::Frame,
        Kind::Unknown("sticker".into()),
    ];
    let items = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| NewElement {
            kind: k.clone(),
            ..note(&format!("kind-{i}"), 0.0, 0.0)
        })
        .collect();
    b.apply(&Command::Create(items), LOCAL).unwrap();
    let read: Vec<Kind> = b.elements().into_iter().map(|e| e.kind).collect();
    assert_eq!(read, kinds);
}

// ---- SetText --------------------------------------------------------------------

#[test]
fn text_with_umlauts_emoji_and_newlines_is_stored_exactly() {
    let mut b = board(1);
    create(&mut b, &["n"]);
    for t in [
        "Grüße",
        "Grüße 😀",
        "Grüße 😀 aus Köln",
        "😀😀",
        "😀😃😀",
        "😃",
        "Zeile 1\nZeile 2 👩\u{200d}💻 🇩🇪",
        "",
        "ÄÖÜäöüß",
    ] {
        set_text(&mut b, "n", t);
        assert_eq!(text(&b, "n"), t);
    }
}

#[test]
fn set_text_is_a_minimal_utf16_splice_so_a_peer_edit_elsewhere_survives() {
    let (mut a, mut b) = two_peers(&["n"]);
    set_text(&mut a, "n", "Grüße 😀 Welt");
    send(&a, &mut b);
    // A inserts after the emoji, B appends: neither replaces the whole text.
    set_text(&mut a, "n", "Grüße 😀 liebe Welt");
    set_text(&mut b, "n", "Grüße 😀 Welt 👋");
    sync(&mut a, &mut b);
    assert_eq!(text(&a, "n"), "Grüße 😀 liebe Welt 👋");
    assert_eq!(text(&b, "n"), text(&a, "n"));
}

#[test]
fn replacing_one_emoji_by_another_never_leaves_half_a_surrogate_pair() {
    // 😀 and 😃 share their first UTF-16 unit; the splice must still be whole chars.
    let (mut a, mut b) = two_peers(&["n"]);
    set_text(&mut a, "n", "a😀b");
    send(&a, &mut b);
    set_text(&mut a, "n", "a😃b");
    set_text(&mut b, "n", "a😀bc");
    sync(&mut a, &mut b);
    assert_eq!(text(&a, "n"), "a😃bc");
    assert_eq!(text(&b, "n"), "a😃bc");
}

#[test]
fn set_text_on_a_missing_element_does_nothing() {
    let mut b = board(1);
    set_text(&mut b, "nobody-home", "hallo");
    assert!(b.is_empty());
    assert!(b.take_changes().is_empty());
}

// ---- Move, Resize, Recolor --------------------------------------------------------

#[test]
fn a_move_sets_the_top_left_corner_and_non_finite_moves_are_ignored() {
    let mut b = board(1);
    create(&mut b, &["n", "m"]);
    b.apply(
        &Command::Move {
            moves: vec![("n".into(), 12.5, -3.25), ("m".into(), 0.1, 1e6)],
        },
        LOCAL,
    )
    .unwrap();
    assert_eq!(pos(&b, "n"), (12.5, -3.25));
    assert_eq!(pos(&b, "m"), (0.1, 1e6));
    for (x, y) in [
        (f64::NAN, 0.0),
        (0.0, f64::INFINITY),
        (f64::NEG_INFINITY, 1.0),
    ] {
        move_to(&mut b, "n", x, y);
        assert_eq!(pos(&b, "n"), (12.5, -3.25));
    }
    move_to(&mut b, "nobody-home", 1.0, 1.0);
    assert_eq!(b.len(), 2);
}

#[test]
fn a_resize_sets_the_box_and_bad_sizes_are_rejected() {
    let mut b = board(1);
    create(&mut b, &["n"]);
    let resize = |x, y, w, h| Command::Resize {
        id: "n".into(),
        x,
        y,
        w,
        h,
    };
    b.apply(&resize(5.0, 6.0, 320.5, 150.0), LOCAL).unwrap();
    let e = el(&b, "n");
    assert_eq!((e.x, e.y, e.w, e.h), (5.0, 6.0, 320.5, 150.0));
    // Undo the resize, so that a redo step is waiting: rejected resizes must be no
    // edit at all, neither on the board nor in the undo history.
    assert!(b.undo());
    b.take_changes();
    for bad in [
        resize(1.0, 1.0, 0.0, 100.0),
        resize(1.0, 1.0, 100.0, -1.0),
        resize(1.0, 1.0, f64::NAN, 100.0),
        resize(1.0, 1.0, 100.0, f64::INFINITY),
        resize(f64::NAN, 1.0, 100.0, 100.0),
    ] {
        b.apply(&bad, LOCAL).unwrap();
        let e = el(&b, "n");
        assert_eq!((e.x, e.y, e.w, e.h), (0.0, 0.0, 200.0, 200.0), "{bad:?}");
    }
    assert!(b.take_changes().is_empty());
    assert!(
        b.can_redo(),
        "a rejected resize is no edit: redo is still there"
    );
    assert!(b.redo());
    assert_eq!(el(&b, "n").w, 320.5);
}

#[test]
fn palette_names_and_hex_colours_are_accepted_anything_else_is_rejected() {
    let mut b = board(1);
    create(&mut b, &["n", "m"]);
    for c in crdt::PALETTE {
        b.apply(
            &Command::Recolor {
                ids: strings(&["n", "m"]),
                color: c.into(),
            },
            LOCAL,
        )
        .unwrap();
        assert_eq!(el(&b, "n").color, c);
        assert_eq!(el(&b, "m").color, c);
    }
    for c in ["#a1B2c3", "#000000", "#FFFFFF"] {
        let cmd = Command::Recolor {
            ids: strings(&["n"]),
            color: c.into(),
        };
        b.apply(&cmd, LOCAL).unwrap();
        assert_eq!(el(&b, "n").color, c);
    }
    b.take_changes();
    for bad in [
        "purple", "Yellow", "", "#12345", "#1234567", "#gggggg", "123456", "#é1234", "#12 456",
    ] {
        let cmd = Command::Recolor {
            ids: strings(&["n"]),
            color: bad.into(),
        };
        b.apply(&cmd, LOCAL).unwrap();
        assert_eq!(el(&b, "n").color, "#FFFFFF", "{bad:?} was accepted");
    }
    assert!(
        b.take_changes().is_empty(),
        "rejected colours change nothing"
    );
}

// ---- Delete, Reorder, SetTitle ------------------------------------------------------

#[test]
fn deleted_elements_are_gone_and_later_commands_on_them_do_nothing() {
    let mut b = board(1);
    create(&mut b, &["a", "b", "c"]);
    b.apply(
        &Command::Delete {
            ids: strings(&["a", "c", "never-existed"]),
        },
        LOCAL,
    )
    .unwrap();
    assert_eq!(order(&b), ["b"]);
    set_text(&mut b, "a", "zombie");
    move_to(&mut b, "c", 5.0, 5.0);
    assert_eq!(order(&b), ["b"]);
    assert_eq!(b.element("a"), None);
}

#[test]
fn bringing_to_front_keeps_the_relative_order_of_the_moved_elements() {
    let mut b = board(1);
    create(&mut b, &["a", "b", "c", "d", "e"]);
    let cmd = Command::Reorder {
        ids: strings(&["d", "b"]),
        layer: Layer::Front,
    };
    b.apply(&cmd, LOCAL).unwrap();
    assert_eq!(order(&b), ["a", "c", "e", "b", "d"]);
}

#[test]
fn sending_to_back_keeps_the_relative_order_of_the_moved_elements() {
    let mut b = board(1);
    create(&mut b, &["a", "b", "c", "d", "e"]);
    let cmd = Command::Reorder {
        ids: strings(&["e", "c"]),
        layer: Layer::Back,
    };
    b.apply(&cmd, LOCAL).unwrap();
    assert_eq!(order(&b), ["c", "e", "a", "b", "d"]);
    // Many times over: still strictly ascending keys, still the same order rule.
    for i in 0..100 {
        let (id, layer) = if i % 2 == 0 {
            ("a", Layer::Back)
        } else {
            ("d", Layer::Front)
        };
        let cmd = Command::Reorder {
            ids: strings(&[id]),
            layer,
        };
        b.apply(&cmd, LOCAL).unwrap();
    }
    assert_eq!(order(&b), ["a", "c", "e", "b", "d"]);
    let z: Vec<String> = b.elements().into_iter().map(|e| e.z).collect();
    assert!(z.windows(2).all(|w| w[0] < w[1]), "{z:?}");
}

#[test]
fn the_paint_order_is_right_after_a_large_board_arrives() {
    // More elements in one change than the order follows one by one: it is read again
    // when the next command needs it.
    let mut a = board(1);
    let ids: Vec<String> = (0..200).map(|i| format!("n{i:03}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    create(&mut a, &refs);
    let mut b = Board::new(2);
    send(&a, &mut b);
    create(&mut b, &["top"]);
    b.apply(
        &Command::Reorder {
            ids: strings(&["n100"]),
            layer: Layer::Back,
        },
        LOCAL,
    )
    .unwrap();
    let order = order(&b);
    assert_eq!(order.len(), 201);
    assert_eq!(order[0], "n100");
    assert_eq!(order[200], "top");
    // Afterwards small changes are followed again: a peer's new note is the new top.
    create(&mut a, &["later"]);
    send(&a, &mut b);
    b.apply(
        &Command::Reorder {
            ids: strings(&["n000"]),
            layer: Layer::Front,
        },
        LOCAL,
    )
    .unwrap();
    let order = self::order(&b);
    assert_eq!(order.last().map(String::as_str), Some("n000"));
    // "top" and "later" were made concurrently above the same element (equal keys,
    // ordered by id).
    assert_eq!(&order[order.len() - 3..order.len() - 1], ["later", "top"]);
}

#[test]
fn reordering_works_over_z_keys_written_by_other_clients() {
    let bytes = raw_doc(|doc| {
        let els = doc.get_or_insert_map("elements");
        let _meta = doc.get_or_insert_map("meta");
        let txn = &mut doc.transact_mut();
        for (id, z) in [
            ("p", "a0"),
            ("q", "a0V"),
            ("r", "Zz"),
            ("s", "a1"),
            ("t", "a0"),
        ] {
            let m = els.insert(txn, id, MapPrelim::default());
            m.insert(txn, "kind", "note");
            m.insert(txn, "z", z);
        }
    });
    let mut b = load(&bytes);
    assert_eq!(order(&b), ["r", "p", "t", "q", "s"]);
    let front = Command::Reorder {
        ids: strings(&["t", "r"]),
        layer: Layer::Front,
    };
    b.apply(&front, LOCAL).unwrap();
    assert_eq!(order(&b), ["p", "q", "s", "r", "t"]);
    let back = Command::Reorder {
        ids: strings(&["s", "q"]),
        layer: Layer::Back,
    };
    b.apply(&back, LOCAL).unwrap();
    assert_eq!(order(&b), ["q", "s", "p", "r", "t"]);
}

#[test]
fn the_title_can_be_set_and_changes_report_meta() {
    let mut b = board(1);
    b.apply(
        &Command::SetTitle {
            title: "Retro – Grüße 🎉".into(),
        },
        LOCAL,
    )
    .unwrap();
    assert_eq!(b.title(), "Retro – Grüße 🎉");
    let ch = b.take_changes();
    assert!(ch.meta);
    assert!(ch.added.is_empty() && ch.updated.is_empty() && ch.removed.is_empty());
    assert!(b.undo());
    assert_eq!(b.title(), "Teamvereinbarung");
}

// ---- BoardChange ------------------------------------------------------------------

#[test]
fn changes_name_added_updated_with_their_keys_and_removed_elements() {
    let mut b = board(1);
    create(&mut b, &["a", "b", "c"]);
    let ch = b.take_changes();
    assert_eq!(ch.added, set(&["a", "b", "c"]));
    assert!(ch.updated.is_empty() && ch.removed.is_empty() && !ch.meta);
    assert!(b.take_changes().is_empty(), "taking changes empties them");

    move_to(&mut b, "a", 1.0, 2.0);
    assert_eq!(b.take_changes().updated, updated(&[("a", &["x", "y"])]));

    set_text(&mut b, "b", "Hallo 😀");
    assert_eq!(b.take_changes().updated, updated(&[("b", &["text"])]));
    set_text(&mut b, "b", "Hallo 😀 Welt");
    assert_eq!(b.take_changes().updated, updated(&[("b", &["text"])]));

    let resize = Command::Resize {
        id: "c".into(),
        x: 0.0,
        y: 0.0,
        w: 10.0,
        h: 10.0,
    };
    b.apply(&resize, LOCAL).unwrap();
    assert_eq!(
        b.take_changes().updated,
        updated(&[("c", &["x", "y", "w", "h"])])
    );

    let recolor = Command::Recolor {
        ids: strings(&["a", "c"]),
        color: "blue".into(),
    };
    b.apply(&recolor, LOCAL).unwrap();
    assert_eq!(
        b.take_changes().updated,
        updated(&[("a", &["color"]), ("c", &["color"])])
    );

    let front = Command::Reorder {
        ids: strings(&["a"]),
        layer: Layer::Front,
    };
    b.apply(&front, LOCAL).unwrap();
    assert_eq!(b.take_changes().updated, updated(&[("a", &["z"])]));

    let delete = Command::Delete {
        ids: strings(&["b"]),
    };
    b.apply(&delete, LOCAL).unwrap();
    let ch = b.take_changes();
    assert_eq!(ch.removed, set(&["b"]));
    assert!(ch.added.is_empty() && ch.updated.is_empty());
}

#[test]
fn an_element_added_and_edited_in_one_transaction_shows_only_as_added() {
    // A peer creates a note and edits it in several commands; we get it in one update.
    let mut a = board(1);
    let mut n = note("n", 0.0, 0.0);
    n.text = "Erster Text".into();
    a.apply(&Command::Create(vec![n]), LOCAL).unwrap();
    set_text(&mut a, "n", "Zweiter Text 😀");
    move_to(&mut a, "n", 50.0, 50.0);
    let mut b = Board::new(2);
    b.apply_update(&a.encode(), REMOTE).unwrap();
    let ch = b.take_changes();
    assert_eq!(ch.added, set(&["n"]));
    assert!(ch.updated.is_empty(), "{ch:?}");
    assert!(ch.meta);
    assert_eq!(text(&b, "n"), "Zweiter Text 😀");
}

#[test]
fn changes_collected_over_several_transactions_fold_together() {
    let mut b = board(1);
    create(&mut b, &["kept", "edited"]);
    b.take_changes();
    create(&mut b, &["new"]);
    set_text(&mut b, "new", "neu");
    move_to(&mut b, "edited", 3.0, 4.0);
    set_text(&mut b, "edited", "x");
    let ch = b.take_changes();
    assert_eq!(
        ch.added,
        set(&["new"]),
        "edits of a new element fold into its adding"
    );
    assert_eq!(ch.updated, updated(&[("edited", &["x", "y", "text"])]));

    create(&mut b, &["short-lived"]);
    let delete = Command::Delete {
        ids: strings(&["short-lived", "edited"]),
    };
    b.apply(&delete, LOCAL).unwrap();
    let ch = b.take_changes();
    assert!(!ch.added.contains("short-lived"));
    assert!(ch.removed.contains("short-lived") && ch.removed.contains("edited"));
    assert!(ch.updated.is_empty());
}

#[test]
fn remote_edits_are_reported_like_local_ones() {
    let (mut a, mut b) = two_peers(&["n", "m"]);
    move_to(&mut a, "n", 9.0, 9.0);
    set_text(&mut a, "m", "von A");
    a.apply(
        &Command::Delete {
            ids: strings(&["n"]),
        },
        LOCAL,
    )
    .unwrap();
    send(&a, &mut b);
    let ch = b.take_changes();
    assert_eq!(
        ch,
        BoardChange {
            added: set(&[]),
            updated: updated(&[("m", &["text"])]),
            removed: set(&["n"]),
            meta: false,
            control: false,
            ballots: false,
        }
    );
}

// ---- undo and redo ----------------------------------------------------------------

#[test]
fn each_local_command_is_one_undo_step_and_redo_brings_it_back() {
    let mut b = board(1);
    create(&mut b, &["n"]);
    move_to(&mut b, "n", 10.0, 10.0);
    set_text(&mut b, "n", "Hallo");
    assert!(b.undo());
    assert_eq!((pos(&b, "n"), text(&b, "n")), ((10.0, 10.0), String::new()));
    assert!(b.undo());
    assert_eq!(pos(&b, "n"), (0.0, 0.0));
    assert!(b.undo());
    assert_eq!(b.element("n"), None);
    assert!(!b.can_undo());
    assert!(!b.undo());

    assert!(b.redo());
    assert_eq!(pos(&b, "n"), (0.0, 0.0));
    assert!(b.redo());
    assert!(b.redo());
    assert_eq!(
        (pos(&b, "n"), text(&b, "n")),
        ((10.0, 10.0), "Hallo".into())
    );
    assert!(!b.can_redo());
}

#[test]
fn a_new_edit_after_undo_clears_redo() {
    let mut b = board(1);
    create(&mut b, &["n"]);
    move_to(&mut b, "n", 10.0, 10.0);
    b.undo();
    assert!(b.can_redo());
    move_to(&mut b, "n", 20.0, 20.0);
    assert!(!b.can_redo());
}

#[test]
fn undoing_a_delete_restores_the_element_with_its_text_and_peers_see_it() {
    let (mut a, mut b) = two_peers(&["n"]);
    set_text(&mut a, "n", "Grüße 😀");
    move_to(&mut a, "n", 7.0, 8.0);
    let before = el(&a, "n");
    a.apply(
        &Command::Delete {
            ids: strings(&["n"]),
        },
        LOCAL,
    )
    .unwrap();
    a.take_changes();
    assert!(a.undo());
    assert_eq!(el(&a, "n"), before);
    assert_eq!(a.take_changes().added, set(&["n"]));
    send(&a, &mut b);
    assert_eq!(el(&b, "n"), before);
}

#[test]
fn undo_never_undoes_an_update_from_a_peer() {
    let (mut a, mut b) = two_peers(&["mine"]);
    move_to(&mut a, "mine", 10.0, 10.0);
    // The peer creates its own note and edits ours; we receive it as REMOTE.
    create(&mut b, &["theirs"]);
    set_text(&mut b, "mine", "vom Peer");
    send(&b, &mut a);
    assert!(a.undo(), "our move");
    assert_eq!(pos(&a, "mine"), (0.0, 0.0));
    assert!(a.undo(), "our create");
    assert_eq!(a.element("mine"), None);
    assert!(!a.can_undo());
    assert!(!a.undo());
    assert_eq!(order(&a), ["theirs"], "the peer's note is still there");
}

#[test]
fn undo_does_not_pull_back_a_note_a_peer_moved_after_us() {
    // The note is the peer's, so our only step is the move.
    let mut b = board(2);
    create(&mut b, &["n"]);
    let mut a = Board::new(1);
    send(&b, &mut a);
    move_to(&mut a, "n", 10.0, 10.0);
    send(&a, &mut b);
    move_to(&mut b, "n", 99.0, 99.0);
    send(&b, &mut a);
    a.undo();
    assert_eq!(pos(&a, "n"), (99.0, 99.0));
    sync(&mut a, &mut b);
    assert_eq!(pos(&b, "n"), (99.0, 99.0));
    assert_eq!(order(&a), ["n"]);
}

#[test]
fn an_undo_step_a_peer_overwrote_is_skipped_and_the_step_before_is_undone() {
    // Yjs UndoManager semantics (yrs follows them): popping a step that changes
    // nothing any more goes on to the next one. Here one undo removes the note we
    // created, although the peer moved it since. The UI should know this.
    let (mut a, mut b) = two_peers(&["n"]);
    move_to(&mut a, "n", 10.0, 10.0);
    send(&a, &mut b);
    move_to(&mut b, "n", 99.0, 99.0);
    send(&b, &mut a);
    assert!(a.undo());
    assert_eq!(
        a.element("n"),
        None,
        "the create was undone in the same call"
    );
    assert!(!a.can_undo());
    sync(&mut a, &mut b);
    assert_eq!(b.element("n"), None);
}

#[test]
fn updates_loaded_from_storage_are_not_undoable() {
    let mut a = board(1);
    create(&mut a, &["n"]);
    let b = load(&a.encode());
    assert!(!b.can_undo());
}

#[test]
fn a_drag_of_many_moves_is_one_undo_step() {
    let mut b = board(1);
    create(&mut b, &["n", "m"]);
    b.begin_gesture();
    assert!(b.in_gesture());
    for i in 1..=30 {
        let f = i as f64;
        let cmd = Command::Move {
            moves: vec![("n".into(), f, f * 2.0), ("m".into(), -f, 0.0)],
        };
        b.apply(&cmd, LOCAL).unwrap();
    }
    b.end_gesture();
    assert!(!b.in_gesture());
    assert_eq!(pos(&b, "n"), (30.0, 60.0));
    assert!(b.undo());
    assert_eq!(pos(&b, "n"), (0.0, 0.0), "the whole drag is undone at once");
    assert_eq!(pos(&b, "m"), (100.0, 0.0));
    assert!(b.redo());
    assert_eq!(pos(&b, "n"), (30.0, 60.0));
    assert_eq!(pos(&b, "m"), (-30.0, 0.0));
    assert!(b.undo());
    assert!(b.undo(), "the create is the step before the drag");
    assert!(b.is_empty());
}

#[test]
fn create_and_first_text_in_a_gesture_are_one_step_later_edits_are_their_own() {
    let mut b = board(1);
    b.begin_gesture();
    create(&mut b, &["n"]);
    set_text(&mut b, "n", "H");
    set_text(&mut b, "n", "Hallo");
    b.end_gesture();
    set_text(&mut b, "n", "Hallo Welt");
    set_text(&mut b, "n", "Hallo Welt 😀");
    assert!(b.undo());
    assert_eq!(text(&b, "n"), "Hallo Welt");
    assert!(b.undo());
    assert_eq!(text(&b, "n"), "Hallo");
    assert!(b.undo());
    assert_eq!(
        b.element("n"),
        None,
        "the note and its first text go together"
    );
    assert!(!b.can_undo());
}

#[test]
fn undo_inside_an_open_gesture_closes_it_first() {
    let mut b = board(1);
    create(&mut b, &["n"]);
    b.begin_gesture();
    move_to(&mut b, "n", 5.0, 5.0);
    assert!(b.undo());
    assert!(!b.in_gesture());
    assert_eq!(pos(&b, "n"), (0.0, 0.0));
    move_to(&mut b, "n", 6.0, 6.0);
    assert!(b.undo());
    assert_eq!(
        pos(&b, "n"),
        (0.0, 0.0),
        "later moves are separate steps again"
    );
    assert!(b.element("n").is_some());
}

// ---- save and load ------------------------------------------------------------------

#[test]
fn a_saved_board_loads_with_the_same_elements_and_title() {
    let mut a = board(1);
    create(&mut a, &["a", "b", "c", "d"]);
    set_text(&mut a, "a", "Grüße 😀\nzweite Zeile");
    move_to(&mut a, "b", 0.1, -2.5);
    let cmd = Command::Reorder {
        ids: strings(&["a"]),
        layer: Layer::Front,
    };
    a.apply(&cmd, LOCAL).unwrap();
    a.apply(
        &Command::Delete {
            ids: strings(&["c"]),
        },
        LOCAL,
    )
    .unwrap();
    a.apply(
        &Command::SetTitle {
            title: "Gespeichert 💾".into(),
        },
        LOCAL,
    )
    .unwrap();
    let copy = load(&a.encode());
    assert_eq!(copy.elements(), a.elements());
    assert_eq!(copy.title(), "Gespeichert 💾");
    assert_eq!(copy.schema(), Some(1.0));
    assert_eq!(
        copy.encode(),
        load(&copy.encode()).encode(),
        "stable re-encoding"
    );
}

#[test]
fn loading_the_same_update_twice_changes_nothing() {
    let mut a = board(1);
    create(&mut a, &["a"]);
    let bytes = a.encode();
    let mut b = load(&bytes);
    b.take_changes();
    b.apply_update(&bytes, LOAD).unwrap();
    assert!(b.take_changes().is_empty());
    assert_eq!(b.elements(), a.elements());
}

// ---- peers ----------------------------------------------------------------------

#[test]
fn two_boards_exchanging_updates_converge() {
    let (mut a, mut b) = two_peers(&["n1", "n2", "n3"]);
    set_text(&mut a, "n1", "von A");
    create(&mut a, &["a-new"]);
    move_to(&mut b, "n2", 5.0, 5.0);
    create(&mut b, &["b-new"]);
    b.apply(
        &Command::Delete {
            ids: strings(&["n3"]),
        },
        LOCAL,
    )
    .unwrap();
    sync(&mut a, &mut b);
    assert_eq!(a.elements(), b.elements());
    assert_eq!(a.title(), b.title());
    assert_eq!(text(&a, "n1"), "von A");
    assert_eq!(pos(&a, "n2"), (5.0, 5.0));
    assert_eq!(a.element("n3"), None);
    assert_eq!(a.len(), 4);
}

#[test]
fn a_note_moved_by_two_peers_at_once_ends_at_one_of_the_two_places_on_both() {
    let (mut a, mut b) = two_peers(&["n"]);
    move_to(&mut a, "n", 10.0, 20.0);
    move_to(&mut b, "n", 30.0, 40.0);
    sync(&mut a, &mut b);
    assert_eq!(pos(&a, "n"), pos(&b, "n"));
    assert!(
        [(10.0, 20.0), (30.0, 40.0)].contains(&pos(&a, "n")),
        "{:?}",
        pos(&a, "n")
    );
}

#[test]
fn a_note_recoloured_by_one_peer_and_moved_by_the_other_keeps_both_edits() {
    let (mut a, mut b) = two_peers(&["n"]);
    move_to(&mut a, "n", 10.0, 20.0);
    let recolor = Command::Recolor {
        ids: strings(&["n"]),
        color: "green".into(),
    };
    b.apply(&recolor, LOCAL).unwrap();
    sync(&mut a, &mut b);
    for peer in [&a, &b] {
        assert_eq!(pos(peer, "n"), (10.0, 20.0));
        assert_eq!(el(peer, "n").color, "green");
    }
}

#[test]
fn a_note_deleted_by_one_peer_while_the_other_edits_it_is_gone_on_both() {
    let (mut a, mut b) = two_peers(&["n"]);
    a.apply(
        &Command::Delete {
            ids: strings(&["n"]),
        },
        LOCAL,
    )
    .unwrap();
    set_text(&mut b, "n", "noch da?");
    move_to(&mut b, "n", 1.0, 1.0);
    sync(&mut a, &mut b);
    assert_eq!(a.element("n"), None);
    assert_eq!(b.element("n"), None);
}

#[test]
fn concurrent_bring_to_front_of_different_notes_puts_both_on_top_in_the_same_order() {
    let (mut a, mut b) = two_peers(&["p", "q", "r", "s"]);
    let front = |id: &str| Command::Reorder {
        ids: strings(&[id]),
        layer: Layer::Front,
    };
    a.apply(&front("p"), LOCAL).unwrap();
    b.apply(&front("q"), LOCAL).unwrap();
    sync(&mut a, &mut b);
    assert_eq!(order(&a), order(&b));
    let top: BTreeSet<String> = order(&a)[2..].iter().cloned().collect();
    assert_eq!(top, set(&["p", "q"]));
}

#[test]
fn concurrent_typing_in_one_note_keeps_both_insertions() {
    let (mut a, mut b) = two_peers(&["n"]);
    set_text(&mut a, "n", "Wir 😀 fragen");
    send(&a, &mut b);
    set_text(&mut a, "n", "Wir 😀 fragen offen");
    set_text(&mut b, "n", "Hier: Wir 😀 fragen");
    sync(&mut a, &mut b);
    assert_eq!(text(&a, "n"), "Hier: Wir 😀 fragen offen");
    assert_eq!(text(&b, "n"), "Hier: Wir 😀 fragen offen");
}

// ---- tolerant reader ------------------------------------------------------------------

#[test]
fn wrong_typed_keys_fall_back_to_their_defaults() {
    let bytes = raw_doc(|doc| {
        let els = doc.get_or_insert_map("elements");
        let _meta = doc.get_or_insert_map("meta");
        let txn = &mut doc.transact_mut();
        let m = els.insert(txn, "sloppy", MapPrelim::default());
        m.insert(txn, "kind", "note");
        m.insert(txn, "x", "oops");
        m.insert(txn, "y", f64::INFINITY);
        m.insert(txn, "w", -3.0);
        m.insert(txn, "h", f64::NAN);
        m.insert(txn, "z", 5.0);
        m.insert(txn, "color", true);
        m.insert(txn, "text", 42.0);
        m.insert(txn, "parent", 7.0);
        m.insert(txn, "from", Any::Null);
        m.insert(txn, "pts", "nope");
        m.insert(txn, "locked", "yes");
        let ints = els.insert(txn, "integers", MapPrelim::default());
        ints.insert(txn, "kind", "rect");
        ints.insert(txn, "x", 7_i64);
        ints.insert(txn, "w", 3_000_000_000_i64);
        let arr = ints.insert(txn, "pts", ArrayPrelim::default());
        arr.insert(txn, 0, 1.5);
        arr.insert(txn, 1, "skip me");
        arr.insert(txn, 2, 2_i64);
        let plain = els.insert(txn, "plain-text", MapPrelim::default());
        plain.insert(txn, "kind", "text");
        plain.insert(txn, "text", "einfach");
        _meta.insert(txn, "title", 42.0);
        _meta.insert(txn, "schema", "1");
    });
    let b = load(&bytes);
    let s = el(&b, "sloppy");
    assert_eq!(s.kind, Kind::Note);
    assert_eq!((s.x, s.y, s.w, s.h), (0.0, 0.0, 200.0, 200.0));
    assert_eq!(s.z, "");
    assert_eq!(s.color, "yellow");
    assert_eq!(s.text, "");
    assert_eq!((s.parent, s.from, s.to), (None, None, None));
    assert!(s.pts.is_empty());
    assert!(!s.locked);
    let i = el(&b, "integers");
    assert_eq!((i.x, i.w), (7.0, 3_000_000_000.0));
    assert_eq!(i.pts, [1.5, 2.0]);
    assert_eq!(el(&b, "plain-text").text, "einfach");
    assert_eq!(b.title(), "");
    assert_eq!(b.schema(), None);
}

#[test]
fn non_map_values_and_elements_without_a_kind_are_skipped() {
    let bytes = raw_doc(|doc| {
        let els = doc.get_or_insert_map("elements");
        let _meta = doc.get_or_insert_map("meta");
        let txn = &mut doc.transact_mut();
        els.insert(txn, "number", 42.0);
        els.insert(txn, "string", "kein Element");
        els.insert(txn, "null", Any::Null);
        els.insert(txn, "text", TextPrelim::new("ein Y.Text"));
        els.insert(txn, "array", ArrayPrelim::default());
        let no_kind = els.insert(txn, "no-kind", MapPrelim::default());
        no_kind.insert(txn, "x", 1.0);
        let bad_kind = els.insert(txn, "bad-kind", MapPrelim::default());
        bad_kind.insert(txn, "kind", 3.0);
        let good = els.insert(txn, "good", MapPrelim::default());
        good.insert(txn, "kind", "note");
    });
    let mut b = load(&bytes);
    assert_eq!(order(&b), ["good"]);
    for id in [
        "number", "string", "null", "text", "array", "no-kind", "bad-kind",
    ] {
        assert_eq!(b.element(id), None, "{id}");
    }
    // Commands aimed at them do nothing and do not panic; delete removes them.
    set_text(&mut b, "number", "x");
    move_to(&mut b, "no-kind", 1.0, 1.0);
    let cmd = Command::Recolor {
        ids: strings(&["string", "bad-kind"]),
        color: "red".into(),
    };
    b.apply(&cmd, LOCAL).unwrap();
    let cmd = Command::Reorder {
        ids: strings(&["array", "good", "null"]),
        layer: Layer::Front,
    };
    b.apply(&cmd, LOCAL).unwrap();
    b.apply(
        &Command::Delete {
            ids: strings(&["number", "text"]),
        },
        LOCAL,
    )
    .unwrap();
    assert_eq!(order(&b), ["good"]);
    assert_eq!(b.len(), 6);
}

#[test]
fn a_text_key_that_is_not_a_y_text_is_replaced_by_one_when_edited() {
    let bytes = raw_doc(|doc| {
        let els = doc.get_or_insert_map("elements");
        let _meta = doc.get_or_insert_map("meta");
        let txn = &mut doc.transact_mut();
        let m = els.insert(txn, "n", MapPrelim::default());
        m.insert(txn, "kind", "note");
        m.insert(txn, "text", 42.0);
    });
    let mut b = load(&bytes);
    set_text(&mut b, "n", "jetzt richtig");
    assert_eq!(text(&b, "n"), "jetzt richtig");
    let copy = load(&b.encode());
    let txn = copy.doc().transact();
    let els = txn.get_map("elements").unwrap();
    match els.get(&txn, "n") {
        Some(yrs::Out::YMap(m)) => match m.get(&txn, "text") {
            Some(yrs::Out::YText(t)) => {
                assert_eq!(yrs::types::GetString::get_string(&t, &txn), "jetzt richtig");
                assert_eq!(t.len(&txn), 13);
            }
            other => panic!("text is {other:?}"),
        },
        other => panic!("n is {other:?}"),
    }
}

#[test]
fn roots_of_the_wrong_type_read_as_an_empty_board_without_panicking() {
    let bytes = raw_doc(|doc| {
        let els = doc.get_or_insert_array("elements");
        let meta = doc.get_or_insert_text("meta");
        let txn = &mut doc.transact_mut();
        els.push_back(txn, "not a map");
        els.push_back(txn, MapPrelim::from([("kind", "note")]));
        meta.insert(txn, 0, "title");
    });
    let mut b = Board::new(5);
    let _ = b.apply_update(&bytes, LOAD);
    assert!(b.elements().is_empty());
    assert_eq!(b.title(), "");
    // The board still works.
    create(&mut b, &["n"]);
    assert_eq!(order(&b), ["n"]);
}

#[test]
fn resizing_an_ink_stroke_scales_its_points_with_the_box() {
    let mut b = Board::new(5);
    let mut ink = note("ink-stroke-000001", 10.0, 20.0);
    ink.kind = Kind::Ink;
    ink.w = 100.0;
    ink.h = 50.0;
    ink.pts = vec![0.0, 0.0, 100.0, 50.0, 50.0, 25.0];
    b.apply(&Command::Create(vec![ink]), LOCAL).unwrap();
    assert_eq!(
        b.element("ink-stroke-000001").unwrap().pts,
        vec![0.0, 0.0, 100.0, 50.0, 50.0, 25.0]
    );
    b.apply(
        &Command::Resize {
            id: "ink-stroke-000001".into(),
            x: 10.0,
            y: 20.0,
            w: 200.0,
            h: 25.0,
        },
        LOCAL,
    )
    .unwrap();
    assert_eq!(
        b.element("ink-stroke-000001").unwrap().pts,
        vec![0.0, 0.0, 200.0, 25.0, 100.0, 12.5]
    );
}

#[test]
fn stored_updates_say_whether_any_was_made_here() {
    let mut a = board(1);
    create(&mut a, &["a"]);
    let mut b = Board::new(2);
    b.take_updates();
    b.apply_update(&a.encode(), REMOTE).unwrap();
    assert!(!b.unsaved_local());
    let parts = b.take_update_parts();
    assert_eq!(parts.len(), 1);
    assert!(!parts[0].1, "only received from a peer");
    assert!(b.take_update_parts().is_empty(), "taken");
    let mut c = board(3);
    create(&mut c, &["c"]);
    b.apply_update(&c.encode(), REMOTE).unwrap();
    create(&mut b, &["b"]);
    assert!(b.unsaved_local());
    let parts = b.take_update_parts();
    assert_eq!(
        parts.iter().map(|(_, here)| *here).collect::<Vec<_>>(),
        vec![false, true],
        "each update says where it was made"
    );
    assert!(!b.unsaved_local());
    b.apply_update(&a.encode(), LOAD).unwrap();
    assert!(
        b.take_update_parts().is_empty(),
        "loads are never stored again"
    );
    // The parts restore the board.
    let mut d = Board::new(4);
    d.apply_update(&a.encode(), REMOTE).unwrap();
    create(&mut d, &["d"]);
    let mut e = Board::new(5);
    for (p, _) in &d.take_update_parts() {
        e.apply_update(p, LOAD).unwrap();
    }
    assert_eq!(e.elements().len(), 2);
}

#[test]
fn received_updates_are_stored_as_sent_unless_parts_wait() {
    let mut a = board(1);
    create(&mut a, &["a"]);
    let first = a.take_outgoing().unwrap();
    create(&mut a, &["b"]);
    let second = a.take_outgoing().unwrap();

    // Integrated whole: kept and passed on as received, not encoded again.
    let mut b = Board::new(2);
    b.take_updates();
    let delta = b.apply_update_delta(&first, REMOTE).unwrap();
    assert_eq!(delta.as_deref(), Some(&first[..]));
    assert_eq!(b.take_update_parts(), vec![(first.clone(), false)]);
    assert_eq!(b.apply_update_delta(&first, REMOTE).unwrap(), None, "known");
    assert!(b.take_update_parts().is_empty());
    assert!(b.take_changes().added.contains("a"));
    assert_eq!(b.apply_update_delta(&first, REMOTE).unwrap(), None, "known");
    assert!(b.take_changes().is_empty());
    // A received update that failed is not taken for known: it fails again.
    let mut bad = second.clone();
    bad.truncate(second.len() - 3);
    assert!(b.apply_update_delta(&bad, REMOTE).is_err());
    assert!(b.apply_update_delta(&bad, REMOTE).is_err(), "tried again");

    // Received out of order: what depends on nothing missing is integrated at once
    // (yrs leaves a gap for the earlier clocks) and stored and passed on as received;
    // the rest follows with the first.
    let mut c = Board::new(3);
    c.take_updates();
    assert!(c.apply_update_delta(&second, REMOTE).unwrap().is_some());
    assert!(c.apply_update_delta(&first, REMOTE).unwrap().is_some());
    assert_eq!(c.elements(), a.elements());
    let mut d = Board::new(4);
    for (p, here) in c.take_update_parts() {
        assert!(!here);
        d.apply_update(&p, LOAD).unwrap();
    }
    assert_eq!(
        d.elements(),
        a.elements(),
        "the stored parts hold everything"
    );

    // An update whose structs depend on ones not here yet waits; the one that brings
    // them brings both, stored and passed on as one.
    let mut a2 = board(5);
    create(&mut a2, &["x"]);
    a2.take_outgoing();
    let base = a2.encode();
    set_text(&mut a2, "x", "Hallo");
    let first = a2.take_outgoing().unwrap();
    set_text(&mut a2, "x", "Hallo Welt");
    let second = a2.take_outgoing().unwrap();
    let mut c = Board::new(6);
    c.apply_update(&base, LOAD).unwrap();
    c.take_updates();
    assert_eq!(
        c.apply_update_delta(&second, REMOTE).unwrap(),
        None,
        "waits"
    );
    assert!(c.take_update_parts().is_empty());
    let delta = c.apply_update_delta(&first, REMOTE).unwrap().unwrap();
    assert_eq!(c.elements(), a2.elements());
    assert_eq!(c.take_update_parts(), vec![(delta.clone(), false)]);
    let mut d = Board::new(7);
    d.apply_update(&base, LOAD).unwrap();
    d.apply_update(&delta, LOAD).unwrap();
    assert_eq!(d.elements(), a2.elements());
}

#[test]
fn the_whole_board_encoded_is_kept_only_until_the_next_transaction() {
    let mut a = board(1);
    create(&mut a, &["a"]);
    let before = a.encode();
    assert_eq!(a.encode(), before, "the same while nothing happens");
    assert_eq!(a.diff(&yrs::StateVector::default()), before);
    // Local edits, received updates and updates that only wait all count.
    set_text(&mut a, "a", "Hallo");
    let after_edit = a.encode();
    assert_ne!(after_edit, before);
    let mut b = board(2);
    create(&mut b, &["b"]);
    b.take_outgoing();
    set_text(&mut b, "b", "x");
    let waits = b.take_outgoing().unwrap();
    a.apply_update(&waits, REMOTE).unwrap();
    let with_waiting = a.encode();
    assert_ne!(
        with_waiting, after_edit,
        "pending parts are part of the encoding"
    );
    a.apply_update(&b.encode(), REMOTE).unwrap();
    let mut c = Board::new(3);
    c.apply_update(&a.diff(&yrs::StateVector::default()), REMOTE)
        .unwrap();
    assert_eq!(c.elements(), a.elements());
    assert_eq!(c.element("b").unwrap().text, "x");
}

#[test]
fn a_board_sent_by_several_peers_is_applied_once() {
    // Three peers hold the same board; a newcomer asks each of them and gets the same
    // pieces from all three, interleaved.
    let mut a = board(1);
    let names: Vec<String> = (0..600).map(|i| format!("n{i}")).collect();
    create(
        &mut a,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut b = Board::new(2);
    b.apply_update(&a.encode(), REMOTE).unwrap();
    let pieces = |x: &Board| crdt::split::split_update(&x.encode(), 16 * 1024).unwrap();
    let (pa, pb) = (pieces(&a), pieces(&b));
    assert!(pa.len() > 3, "{} pieces", pa.len());
    assert_eq!(pa, pb, "peers with the same board send the same pieces");

    let mut n = Board::new(9);
    let mut passed_on = 0;
    for i in 0..pa.len() {
        for from in [&pa, &pb, &pa] {
            if n.apply_update_delta(&from[i], REMOTE).unwrap().is_some() {
                passed_on += 1;
            }
        }
    }
    assert_eq!(passed_on, pa.len(), "each piece applied and passed on once");
    assert_eq!(
        n.repeats(),
        2 * pa.len() as u64,
        "the copies were not decoded"
    );
    assert_eq!(n.elements(), a.elements());
}
