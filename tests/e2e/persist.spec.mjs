// Every board is kept in the browser (IndexedDB keyed by room): reloading the same URL
// shows the same board (ROOMS.md "Every board is a room").
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const shape = (els) => els.map(({ id, kind, x, y, w, h, color, text }) => ({ id, kind, x, y, w, h, color, text }));

it('notes, their text, positions and the title survive a reload', async ({ board, page }) => {
  const link = page.url();
  const a = await board.createNote({ text: 'Alpha', dx: -200 });
  await board.createNote({ text: 'Beta', dx: 150, dy: 100 });
  // A moved note and an edited text persist too.
  await board.clickElement(a.id);
  await board.dragElement(a.id, 0, -120);
  await board.waitElements((els) => els[0].y !== a.y, 'Alpha moved');
  await board.setTitle('Persisted board');
  const before = shape(await board.elements());
  await board.whenSaved();
  await board.reload();
  assert.equal(page.url(), link, 'the reload keeps the link');
  const after = await board.waitElements((els) => els.length === 2, 'both notes are back after the reload');
  assert.deepEqual(shape(after), before, 'the same elements, in the same order, at the same places');
  await board.waitOutline(['Note: Alpha', 'Note: Beta']);
  assert.equal(await board.title.inputValue(), 'Persisted board', 'the title is back');
});

it('a deletion survives a reload', async ({ board }) => {
  await board.createNote({ text: 'Stay', dx: -150 });
  const gone = await board.createNote({ text: 'Go', dx: 150 });
  await board.clickElement(gone.id);
  await board.waitSelected([gone.id]);
  await board.press('Delete');
  await board.waitCount(1);
  await board.whenSaved();
  await board.reload();
  await board.waitOutline(['Note: Stay'], 'only "Stay" after the reload');
});

it('the board is back when its link is opened in a new tab after closing the old one', async ({ board, page, newPage, openBoard }) => {
  const link = page.url();
  await board.createNote({ text: 'Closed tab' });
  await board.setTitle('Tab test', { commit: 'blur' });
  await board.whenSaved();
  await page.close({ runBeforeUnload: true });
  const p2 = await newPage();
  const b2 = await openBoard(link, p2);
  await b2.waitOutline(['Note: Closed tab'], 'the note is there in the new tab');
  assert.equal(await b2.title.inputValue(), 'Tab test');
});

// ROOMS.md: "Reloading, closing the tab or going offline loses nothing." So no waiting
// for the app to say it saved: a person may reload right after typing.
it('an edit is not lost when the page is reloaded right away', async ({ board }) => {
  await board.createNote({ text: 'Quick' });
  await board.reload();
  await board.waitOutline(['Note: Quick'], 'the note typed just before the reload is there');
});

it('another room does not show this board', async ({ board, openBoard, lang }) => {
  await board.createNote({ text: 'Mine' });
  const other = await openBoard(`/?lang=${lang}`);
  assert.notEqual(other.room(), undefined);
  await other.frame();
  assert.deepEqual(await other.elements(), [], 'a new board is empty');
  await other.waitOutline([]);
  assert.equal(await other.title.inputValue(), other.t.untitled);
});
