//! The editor driven natively, as the browser drives it.

use super::*;
use crate::tools::Pointer;
use crdt::Layer;

fn at(editor: &Editor, x: f64, y: f64, time: f64) -> Pointer {
    let (sx, sy) = editor.camera.to_screen(x, y);
    Pointer {
        x,
        y,
        sx,
        sy,
        shift: false,
        time,
    }
}

#[test]
fn creating_a_note_and_typing_is_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Note);
    let id = ed.create_note_at(100.0, 100.0);
    assert_eq!(ed.editing.as_deref(), Some(id.as_str()));
    assert_eq!(ed.tool, Tool::Select);
    ed.input_text("A");
    ed.input_text("As");
    ed.input_text("Ask openly");
    ed.commit_text();
    assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
    ed.start_editing(&id);
    ed.input_text("Ask openly!");
    ed.commit_text();
    ed.undo();
    assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
    ed.undo();
    assert!(ed.scene.get(&id).is_none());
    assert!(ed.selection.is_empty());
    ed.redo();
    assert_eq!(ed.scene.get(&id).unwrap().text, "Ask openly");
}

#[test]
fn dragging_a_note_moves_it_in_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    let id = ed.create_note_at(100.0, 100.0);
    ed.commit_text();
    ed.pointer_down(at(&ed, 100.0, 100.0, 0.0), 0);
    for i in 1..=30 {
        ed.pointer_move(at(&ed, 100.0 + 10.0 * i as f64, 100.0, i as f64 * 16.0));
    }
    ed.pointer_up(at(&ed, 400.0, 100.0, 600.0));
    let e = ed.scene.get(&id).unwrap();
    assert_eq!((e.x, e.y), (300.0, 0.0));
    ed.undo();
    let e = ed.scene.get(&id).unwrap();
    assert_eq!((e.x, e.y), (0.0, 0.0));
}

#[test]
fn delete_removes_the_selection_and_undo_restores_it() {
    let mut ed = Editor::new(Board::new(1));
    let id = ed.create_note_at(0.0, 0.0);
    ed.commit_text();
    ed.delete_selection();
    assert_eq!(ed.scene.len(), 0);
    assert!(ed.selection.is_empty());
    ed.undo();
    assert!(ed.scene.get(&id).is_some());
}

#[test]
fn hand_tool_and_space_pan_instead_of_selecting() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Hand);
    ed.pointer_down(
        Pointer {
            x: 0.0,
            y: 0.0,
            sx: 10.0,
            sy: 10.0,
            shift: false,
            time: 0.0,
        },
        0,
    );
    ed.pointer_move(Pointer {
        x: 0.0,
        y: 0.0,
        sx: 60.0,
        sy: 30.0,
        shift: false,
        time: 1.0,
    });
    ed.pointer_up(Pointer {
        x: 0.0,
        y: 0.0,
        sx: 60.0,
        sy: 30.0,
        shift: false,
        time: 2.0,
    });
    assert_eq!((ed.camera.x, ed.camera.y), (50.0, 20.0));
}

fn drag(ed: &mut Editor, from: (f64, f64), to: (f64, f64)) {
    ed.pointer_down(at(ed, from.0, from.1, 0.0), 0);
    for i in 1..=8 {
        let f = i as f64 / 8.0;
        let p = at(
            ed,
            from.0 + (to.0 - from.0) * f,
            from.1 + (to.1 - from.1) * f,
            i as f64 * 40.0,
        );
        ed.pointer_move(p);
    }
    ed.pointer_up(at(ed, to.0, to.1, 400.0));
}

#[test]
fn a_frame_takes_in_what_it_encloses_and_moves_it_along() {
    let mut ed = Editor::new(Board::new(1));
    let inside = ed.create_note_at(300.0, 300.0);
    ed.commit_text();
    let outside = ed.create_note_at(2000.0, 300.0);
    ed.commit_text();
    ed.set_tool(Tool::Frame);
    drag(&mut ed, (0.0, 0.0), (800.0, 600.0));
    let frame = ed.selection[0].clone();
    assert_eq!(ed.scene.get(&frame).unwrap().kind, Kind::Frame);
    assert_eq!(
        ed.scene.get(&inside).unwrap().parent.as_deref(),
        Some(frame.as_str())
    );
    assert_eq!(ed.scene.get(&outside).unwrap().parent, None);
    // Moving the frame by its title moves its child.
    drag(&mut ed, (100.0, -10.0), (200.0, 90.0));
    let e = ed.scene.get(&inside).unwrap();
    assert_eq!((e.x, e.y), (300.0, 300.0));
    // Dropping the other note inside makes it a child; dragging it out frees it.
    drag(&mut ed, (2000.0, 300.0), (500.0, 400.0));
    assert_eq!(
        ed.scene.get(&outside).unwrap().parent.as_deref(),
        Some(frame.as_str())
    );
    drag(&mut ed, (500.0, 400.0), (3000.0, 400.0));
    assert_eq!(ed.scene.get(&outside).unwrap().parent, None);
    // Undo of the last drag puts it back into the frame in one step.
    ed.undo();
    assert_eq!(
        ed.scene.get(&outside).unwrap().parent.as_deref(),
        Some(frame.as_str())
    );
}

#[test]
fn a_click_inside_a_frame_does_not_select_the_frame() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Frame);
    drag(&mut ed, (0.0, 0.0), (800.0, 600.0));
    ed.set_selection(Vec::new());
    ed.pointer_down(at(&ed, 400.0, 300.0, 0.0), 0);
    ed.pointer_up(at(&ed, 400.0, 300.0, 10.0));
    assert!(ed.selection.is_empty());
    ed.pointer_down(at(&ed, 50.0, -10.0, 20.0), 0);
    ed.pointer_up(at(&ed, 50.0, -10.0, 30.0));
    assert_eq!(ed.selection.len(), 1);
}

#[test]
fn pen_strokes_become_ink_and_the_pen_stays_active() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Pen);
    for s in 0..2 {
        let y = s as f64 * 100.0;
        ed.pointer_down(at(&ed, 0.0, y, 0.0), 0);
        for i in 1..=20 {
            ed.pointer_move(at(&ed, i as f64 * 5.0, y + (i % 3) as f64, i as f64));
        }
        ed.pointer_up(at(&ed, 100.0, y, 30.0));
    }
    let inks: Vec<_> = ed
        .scene
        .ordered()
        .into_iter()
        .filter(|e| e.kind == Kind::Ink)
        .cloned()
        .collect();
    assert_eq!(inks.len(), 2);
    assert!(inks[0].pts.len() >= 4 && inks[0].pts.len() % 2 == 0);
    assert_eq!(ed.tool, Tool::Pen);
    ed.undo();
    assert_eq!(ed.scene.len(), 1);
}

#[test]
fn an_arrow_follows_its_bound_notes_and_keeps_a_free_end_when_one_goes() {
    let mut ed = Editor::new(Board::new(1));
    let a = ed.create_note_at(0.0, 0.0);
    ed.commit_text();
    let b = ed.create_note_at(600.0, 0.0);
    ed.commit_text();
    ed.set_tool(Tool::Arrow);
    drag(&mut ed, (0.0, 0.0), (600.0, 0.0));
    let arrow = ed.selection[0].clone();
    let e = ed.scene.get(&arrow).unwrap().clone();
    assert_eq!(
        (e.from.as_deref(), e.to.as_deref()),
        (Some(a.as_str()), Some(b.as_str()))
    );
    // The ends sit on the notes' borders (x = 100 + 4 and 500 − 4), not at the centres.
    let (start, end) = crate::kinds::arrow::stored_ends(&e);
    assert_eq!((start.0.round(), end.0.round()), (104.0, 496.0));
    // Moving B drags the arrow's end along.
    ed.set_selection(vec![b.clone()]);
    drag(&mut ed, (600.0, 0.0), (600.0, 400.0));
    let e = ed.scene.get(&arrow).unwrap().clone();
    let (_, end) = crate::kinds::arrow::stored_ends(&e);
    assert!(end.1 > 200.0, "the end followed B down: {end:?}");
    // Deleting B leaves the arrow with a free end where B's border was.
    ed.set_selection(vec![b.clone()]);
    ed.delete_selection();
    let e = ed.scene.get(&arrow).unwrap().clone();
    assert_eq!(e.to, None);
    assert_eq!(crate::kinds::arrow::stored_ends(&e).1, end);
    ed.undo();
    assert_eq!(
        ed.scene.get(&arrow).unwrap().to.as_deref(),
        Some(b.as_str())
    );
}

#[test]
fn locked_elements_can_be_selected_but_not_changed() {
    let mut ed = Editor::new(Board::new(1));
    let id = ed.create_note_at(100.0, 100.0);
    ed.input_text("Fest");
    ed.commit_text();
    ed.board
        .apply(
            &Command::SetLocked {
                ids: vec![id.clone()],
                locked: true,
            },
            crdt::REMOTE,
        )
        .unwrap();
    ed.flush();
    let before = ed.scene.get(&id).unwrap().clone();
    ed.set_selection(vec![id.clone()]);
    // Drag, nudge, resize handle, recolour, reorder, delete, edit, cut: nothing changes.
    drag(&mut ed, (100.0, 100.0), (400.0, 300.0));
    ed.nudge_selection(10.0, 0.0);
    drag(&mut ed, (200.0, 200.0), (300.0, 300.0));
    ed.set_selection(vec![id.clone()]);
    ed.recolor_selection("blue");
    ed.reorder_selection(Layer::Back);
    ed.start_editing(&id);
    assert!(ed.editing.is_none());
    ed.cut_selection();
    ed.delete_selection();
    assert_eq!(ed.scene.get(&id), Some(&before));
    assert!(
        ed.handle_box().is_none(),
        "no resize handles on a locked element"
    );
}

#[test]
fn a_template_is_inserted_in_view_as_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    ed.insert_template(
        crate::templates::Template::TeamAgreement,
        crate::i18n::Lang::De,
    );
    assert!(ed.scene.len() >= 7);
    assert_eq!(ed.selection.len(), ed.scene.len());
    let frames = ed
        .scene
        .ordered()
        .iter()
        .filter(|e| e.kind == Kind::Frame)
        .count();
    assert_eq!(frames, 2);
    let v = ed.camera.visible(ed.viewport.0, ed.viewport.1);
    assert!(v.encloses(&ed.scene.content_bounds().unwrap()));
    ed.undo();
    assert_eq!(ed.scene.len(), 0);
}

#[test]
fn copy_paste_and_duplicate_make_new_elements_in_one_step_each() {
    let mut ed = Editor::new(Board::new(1));
    let a = ed.create_note_at(0.0, 0.0);
    ed.input_text("Eins");
    ed.commit_text();
    let text = ed.copy_selection().unwrap();
    ed.paste_text(&text);
    assert_eq!(ed.scene.len(), 2);
    assert_ne!(ed.selection, vec![a.clone()]);
    ed.duplicate_selection();
    assert_eq!(ed.scene.len(), 3);
    let copy = ed.scene.get(&ed.selection[0]).unwrap().clone();
    assert_eq!(copy.text, "Eins");
    ed.undo();
    assert_eq!(ed.scene.len(), 2);
    ed.set_selection(vec![a.clone()]);
    let cut = ed.cut_selection().unwrap();
    assert!(ed.scene.get(&a).is_none());
    assert!(cut.contains("Eins"));
}

#[test]
fn pasting_a_list_of_130_lines_makes_130_notes_in_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    let list: String = (1..=130).map(|i| format!("Maßnahme {i}\n")).collect();
    ed.paste_text(&list);
    assert_eq!(ed.scene.len(), 130);
    assert_eq!(ed.selection.len(), 130);
    ed.undo();
    assert_eq!(ed.scene.len(), 0);
}

#[test]
fn dragging_with_the_rectangle_tool_creates_and_selects_a_rectangle() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Rect);
    ed.pointer_down(at(&ed, 10.0, 20.0, 0.0), 0);
    ed.pointer_move(at(&ed, 110.0, 80.0, 10.0));
    let (kind, live) = ed.creating().unwrap();
    assert_eq!(kind, Kind::Rect);
    assert_eq!(
        (live.w, live.h),
        (100.0, 60.0),
        "the preview follows the pointer"
    );
    ed.pointer_up(at(&ed, 210.0, 120.0, 20.0));
    let e = ed.scene.get(&ed.selection[0]).unwrap().clone();
    assert_eq!(
        (e.kind, e.x, e.y, e.w, e.h),
        (Kind::Rect, 10.0, 20.0, 200.0, 100.0)
    );
    assert_eq!(ed.tool, Tool::Select);
    ed.undo();
    assert_eq!(ed.scene.len(), 0);
}

#[test]
fn keep_tool_active_draws_several_shapes() {
    let mut ed = Editor::new(Board::new(1));
    ed.keep_tool = true;
    ed.set_tool(Tool::Ellipse);
    for i in 0..3 {
        let x = i as f64 * 300.0;
        ed.pointer_down(at(&ed, x, 0.0, 0.0), 0);
        ed.pointer_up(at(&ed, x + 100.0, 100.0, 1.0));
    }
    assert_eq!(ed.scene.len(), 3);
    assert_eq!(ed.tool, Tool::Ellipse);
}

#[test]
fn a_text_element_grows_with_its_text_in_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    ed.set_tool(Tool::Text);
    ed.pointer_down(at(&ed, 50.0, 50.0, 0.0), 0);
    let id = ed.editing.clone().unwrap();
    assert_eq!(ed.editing_kind(), Some(Kind::Text));
    ed.input_text_sized("Hallo", 60.0, 33.0);
    ed.input_text_sized("Hallo Welt", 110.0, 33.0);
    ed.commit_text();
    let e = ed.scene.get(&id).unwrap();
    assert_eq!((e.text.as_str(), e.w, e.h), ("Hallo Welt", 110.0, 33.0));
    ed.undo();
    assert!(ed.scene.get(&id).is_none());
}

#[test]
fn resizing_through_a_handle_is_one_undo_step() {
    let mut ed = Editor::new(Board::new(1));
    let id = ed.create_note_at(100.0, 100.0);
    ed.commit_text();
    // The note spans 0..200; its south-east handle is at (200, 200).
    ed.pointer_down(at(&ed, 200.0, 200.0, 0.0), 0);
    assert!(ed.previews().is_empty() || ed.select.state.name() == "resizing");
    for i in 1..=10 {
        ed.pointer_move(at(&ed, 200.0 + 10.0 * i as f64, 200.0, i as f64 * 40.0));
    }
    ed.pointer_up(at(&ed, 300.0, 200.0, 500.0));
    let e = ed.scene.get(&id).unwrap();
    assert_eq!((e.w, e.h), (300.0, 200.0));
    ed.undo();
    let e = ed.scene.get(&id).unwrap();
    assert_eq!((e.w, e.h), (200.0, 200.0));
}
