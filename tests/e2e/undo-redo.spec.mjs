// Undo and redo (UI.md: creating an element and typing its first text is one undo step;
// later edits are their own steps; a whole drag is one step).
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

it('creating a note and typing its text is one step: Undo removes it, Redo brings it back', async ({ board }) => {
  const note = await board.createNote({ text: 'One step' });
  await board.undo();
  await board.waitCount(0, 'one Undo removes the note with its text (no empty note left)');
  await board.waitOutline([]);
  await board.redo();
  const els = await board.waitCount(1, 'Redo restores the note');
  assert.equal(els[0].text, 'One step', 'with its text');
  assert.equal(els[0].x, note.x);
  assert.equal(els[0].y, note.y);
  await board.waitOutline(['Note: One step']);
});

it('a later text edit is its own step', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Before' });
  await board.dblclickElement(note.id);
  await board.waitEditorFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('After');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: After']);
  await board.undo();
  await board.waitOutline(['Note: Before'], 'the first Undo restores the earlier text');
  await board.undo();
  await board.waitCount(0, 'the second Undo removes the note');
  await board.redo();
  await board.waitOutline(['Note: Before']);
  await board.redo();
  await board.waitOutline(['Note: After']);
});

it('a whole drag is one step', async ({ board }) => {
  const note = await board.createNote({ text: 'Dragged' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.dragElement(note.id, 150, 90, { steps: 15 });
  const [moved] = await board.waitElements((els) => els[0].x !== note.x || els[0].y !== note.y, 'the note moved');
  await board.undo();
  await board.waitElements(
    (els) => els.length === 1 && els[0].x === note.x && els[0].y === note.y,
    'one Undo puts the note back where the drag started',
  );
  await board.redo();
  await board.waitElements((els) => els[0].x === moved.x && els[0].y === moved.y, 'Redo moves it to the drop point');
});

it('Undo restores a deleted note', async ({ board }) => {
  const note = await board.createNote({ text: 'Deleted' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('Delete');
  await board.waitCount(0);
  await board.undo();
  const [back] = await board.waitCount(1, 'Undo restores the deleted note');
  assert.equal(back.text, 'Deleted');
  assert.equal(back.x, note.x);
});

it('Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y work on the focused board', async ({ board }) => {
  await board.createNote({ text: 'Keys', dx: -150 });
  await board.press('Control+z');
  await board.waitCount(0, 'Ctrl+Z undoes');
  await board.press('Control+Shift+z');
  await board.waitCount(1, 'Ctrl+Shift+Z redoes');
  await board.press('Control+z');
  await board.waitCount(0, 'Ctrl+Z undoes again');
  await board.press('Control+y');
  const [e] = await board.waitCount(1, 'Ctrl+Y redoes');
  assert.equal(e.text, 'Keys');
});

it('a new edit after Undo clears the redo stack', async ({ board }) => {
  await board.createNote({ text: 'First', dx: -200 });
  await board.undo();
  await board.waitCount(0);
  await board.createNote({ text: 'Other', dx: 200 });
  // The Redo button may well be disabled now, so use the shortcut.
  await board.press('Control+Shift+z');
  await board.frame();
  await board.waitOutline(['Note: Other'], 'Redo after a new edit does nothing');
});

it('German: Rückgängig and Wiederholen', async ({ board }) => {
  await board.createNote({ text: 'Eins' });
  await board.undo();
  await board.waitCount(0);
  await board.redo();
  await board.waitOutline(['Notiz: Eins']);
}, { lang: 'de' });
