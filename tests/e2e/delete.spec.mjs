// Deleting the selection (UI.md "Other shortcuts": Delete / Backspace).
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

it('click a note, press Delete: it is gone from the board and the outline', async ({ board, page }) => {
  const keep = await board.createNote({ text: 'Keep', dx: -200 });
  const gone = await board.createNote({ text: 'Gone', dx: 150 });
  await board.waitOutline(['Note: Keep', 'Note: Gone']);
  // As a person does it: click the note, press Delete (no explicit focus call).
  await board.clickElement(gone.id);
  await board.waitSelected([gone.id]);
  await page.keyboard.press('Delete');
  await board.waitElements((els) => els.length === 1 && els[0].id === keep.id, 'only "Keep" is left');
  await board.waitOutline(['Note: Keep']);
  await board.waitSelected([], 'the selection is empty after deleting');
});

it('Backspace deletes too', async ({ board }) => {
  const note = await board.createNote({ text: 'Backspaced' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('Backspace');
  await board.waitCount(0, 'the note is deleted by Backspace');
  await board.waitOutline([]);
  await board.outline.waitFor({ state: 'attached' });
  assert.equal(await board.outline.count(), 1, 'the outline list is still there when empty');
});

it('Delete removes every selected note', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -220 });
  const b = await board.createNote({ text: 'B', dx: 0 });
  const c = await board.createNote({ text: 'C', dx: 220 });
  await board.clickElement(a.id);
  await board.clickElement(c.id, { shift: true });
  await board.waitSelected([a.id, c.id]);
  await board.press('Delete');
  await board.waitElements((els) => els.length === 1 && els[0].id === b.id, 'only B is left');
  await board.waitOutline(['Note: B']);
});

it('Delete with nothing selected does nothing', async ({ board }) => {
  await board.createNote({ text: 'Safe' });
  await board.clickEmpty(0, 200);
  await board.waitSelected([]);
  await board.press('Delete');
  await board.press('Backspace');
  await board.frame();
  assert.equal((await board.elements()).length, 1);
  await board.waitOutline(['Note: Safe']);
});
