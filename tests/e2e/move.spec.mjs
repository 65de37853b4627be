// Selecting and moving notes with the Select tool (UI.md "Selecting and changing").
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const near = (a, b, tol = 1.5) => Math.abs(a - b) <= tol;

it('dragging a selected note moves it by the drag distance', async ({ board }) => {
  const note = await board.createNote({ text: 'Move me', dx: -150, dy: -50 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  const { z } = await board.view();
  await board.dragElement(note.id, 120, 80);
  const els = await board.waitElements(
    (els) => near(els[0].x, note.x + 120 / z) && near(els[0].y, note.y + 80 / z),
    `the note moved by (120, 80) px / zoom ${z}`,
  );
  assert.equal(els.length, 1, 'moving creates nothing');
  assert.equal(els[0].text, 'Move me');
  assert.equal(els[0].w, note.w);
  assert.equal(els[0].h, note.h);
  assert.deepEqual(await board.selection(), [note.id], 'the moved note stays selected');
  await board.waitOutline(['Note: Move me']);
});

it('dragging an unselected note moves it (and only it)', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -200 });
  const b = await board.createNote({ text: 'B', dx: 150 });
  await board.clickEmpty(0, 200);
  await board.waitSelected([], 'nothing selected after clicking empty board');
  const { z } = await board.view();
  await board.dragElement(a.id, 40, 120);
  await board.waitElements((els) => {
    const [ea, eb] = [els.find((e) => e.id === a.id), els.find((e) => e.id === b.id)];
    return near(ea.x, a.x + 40 / z) && near(ea.y, a.y + 120 / z) && ea.x !== undefined && eb.x === b.x && eb.y === b.y;
  }, 'A moved by (40, 120) px, B stayed');
});

it('click selects, Shift+click adds, and dragging moves the whole selection', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -220, dy: -80 });
  const b = await board.createNote({ text: 'B', dx: 0, dy: -80 });
  const c = await board.createNote({ text: 'C', dx: 220, dy: -80 });
  await board.clickElement(a.id);
  await board.waitSelected([a.id], 'click selects A');
  await board.clickElement(c.id, { shift: true });
  await board.waitSelected([a.id, c.id], 'Shift+click adds C');
  const { z } = await board.view();
  await board.dragElement(c.id, -30, 150);
  await board.waitElements((els) => {
    const get = (id) => els.find((e) => e.id === id);
    return (
      near(get(a.id).x, a.x - 30 / z) && near(get(a.id).y, a.y + 150 / z) &&
      near(get(c.id).x, c.x - 30 / z) && near(get(c.id).y, c.y + 150 / z) &&
      get(b.id).x === b.x && get(b.id).y === b.y
    );
  }, 'A and C moved together by (-30, 150) px; B stayed');
  await board.waitSelected([a.id, c.id], 'both stay selected after the drag');
  // A plain click on B replaces the selection.
  await board.clickElement(b.id);
  await board.waitSelected([b.id], 'a plain click selects only B');
});

it('a click without movement does not move the note', async ({ board }) => {
  const note = await board.createNote({ text: 'Still' });
  await board.clickElement(note.id);
  await board.clickElement(note.id);
  await board.frame();
  const [e] = await board.elements();
  assert.equal(e.x, note.x);
  assert.equal(e.y, note.y);
});
