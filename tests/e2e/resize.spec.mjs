// Resizing with the eight handles of a single selection (UI.md "Selecting and
// changing"): corners keep the opposite corner, edges change one axis, Shift keeps the
// proportions, a minimum size stops shrinking, and each resize is one undo step.
import assert from 'node:assert/strict';
import { e2eSuite, pixelAt } from './harness.mjs';
import { HANDLES } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

const near = (a, b, tol = 1.5) => Math.abs(a - b) <= tol;
const box = (e) => ({ left: e.x, top: e.y, right: e.x + e.w, bottom: e.y + e.h });
const isWhite = (c) => c.r >= 253 && c.g >= 253 && c.b >= 253;

/** Select `id` by clicking it and wait until it is the only selection. */
async function select(board, id) {
  await board.clickElement(id);
  await board.waitSelected([id]);
  await board.frame();
}

/** Drag handle `handle` of element `id` by (dx, dy) client px; returns the element after. */
async function dragHandle(board, id, handle, dx, dy, { shift = false, steps = 10 } = {}) {
  const before = await board.element(id);
  const p = await board.handlePoint(before, handle);
  await board.drag(p, { x: p.x + dx, y: p.y + dy }, { shift, steps });
  return board.waitElements(
    (els) => {
      const e = els.find((x) => x.id === id);
      return e && (e.x !== before.x || e.y !== before.y || e.w !== before.w || e.h !== before.h);
    },
    `element ${id} to change after dragging its ${handle} handle by (${dx}, ${dy})`,
  ).then((els) => els.find((x) => x.id === id));
}

function assertBox(e, want, what) {
  const got = box(e);
  for (const k of Object.keys(want)) {
    assert.ok(near(got[k], want[k]), `${what}: ${k} should be ${want[k]}, is ${got[k]} (${JSON.stringify(e)})`);
  }
}

it('a single selected element shows eight handles; a multi-selection shows none', async ({ board, page }) => {
  const a = await board.createNote({ text: 'A', dx: -160, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 160, dy: -40 });
  await select(board, a.id);
  for (const h of Object.keys(HANDLES)) {
    const p = await board.handlePoint(a, h);
    const c = await pixelAt(page, p.x, p.y);
    assert.ok(isWhite(c), `the ${h} handle of the selected note is drawn at (${p.x}, ${p.y}); pixel ${JSON.stringify(c)}`);
  }
  await board.clickElement(b.id, { shift: true });
  await board.waitSelected([a.id, b.id]);
  await board.frame();
  for (const h of Object.keys(HANDLES)) {
    const p = await board.handlePoint(a, h);
    const c = await pixelAt(page, p.x, p.y);
    assert.ok(!isWhite(c), `no ${h} handle with two elements selected; pixel ${JSON.stringify(c)}`);
  }
});

it('dragging a corner handle resizes with the opposite corner staying put', async ({ board }) => {
  const note = await board.createNote({ text: 'Corners', dy: -20 });
  const { z } = await board.view();
  const cases = [
    ['se', 60, 40],
    ['nw', -50, -30],
    ['ne', 30, -20],
    ['sw', -40, 25],
  ];
  for (const [h, dx, dy] of cases) {
    await select(board, note.id);
    const before = box(await board.element(note.id));
    const e = await dragHandle(board, note.id, h, dx, dy);
    const [fx, fy] = HANDLES[h];
    const want = {
      left: fx === 0 ? before.left + dx / z : before.left,
      right: fx === 1 ? before.right + dx / z : before.right,
      top: fy === 0 ? before.top + dy / z : before.top,
      bottom: fy === 1 ? before.bottom + dy / z : before.bottom,
    };
    assertBox(e, want, `after dragging the ${h} corner by (${dx}, ${dy})`);
  }
  await board.waitSelected([note.id], 'the resized note stays selected');
  assert.equal((await board.elements()).length, 1, 'resizing creates nothing');
});

it('dragging an edge handle resizes along one axis only', async ({ board }) => {
  const rect = await board.drawShape('rectangle', await board.boardPoint(-100, -80), await board.boardPoint(100, 40));
  const { z } = await board.view();
  const cases = [
    ['e', 50, 40, { right: 50 }],
    ['s', -30, 35, { bottom: 35 }],
    ['w', -45, -20, { left: -45 }],
    ['n', 25, -30, { top: -30 }],
  ];
  for (const [h, dx, dy, change] of cases) {
    await select(board, rect.id);
    const before = box(await board.element(rect.id));
    const e = await dragHandle(board, rect.id, h, dx, dy);
    const want = { ...before };
    for (const [k, d] of Object.entries(change)) want[k] = before[k] + d / z;
    assertBox(e, want, `after dragging the ${h} edge by (${dx}, ${dy})`);
  }
});

it('Shift on a corner handle keeps the proportions', async ({ board }) => {
  const rect = await board.drawShape('rectangle', await board.boardPoint(-120, -60));
  assert.deepEqual([rect.w, rect.h], [160, 100]);
  await select(board, rect.id);
  const { z } = await board.view();
  const e = await dragHandle(board, rect.id, 'se', 160, 20, { shift: true });
  assert.ok(near(e.w / e.h, 1.6, 0.02), `160:100 kept: ${e.w} × ${e.h}`);
  assert.ok(near(e.w, 160 + 160 / z), `the wider pull sets the size: w ${e.w}`);
  assertBox(e, { left: rect.x, top: rect.y }, 'the north-west corner stays put');

  await select(board, rect.id);
  const before = box(e);
  const f = await dragHandle(board, rect.id, 'nw', -10, -60, { shift: true });
  assert.ok(near(f.w / f.h, 1.6, 0.02), `160:100 kept from the north-west corner too: ${f.w} × ${f.h}`);
  assertBox(f, { right: before.right, bottom: before.bottom }, 'the south-east corner stays put');

  // Without Shift the proportions follow the pointer.
  await select(board, rect.id);
  const g = await dragHandle(board, rect.id, 'se', 80, 0);
  assert.ok(!near(g.w / g.h, 1.6, 0.02), `without Shift the ratio changes: ${g.w} × ${g.h}`);
});

it('the minimum size stops shrinking, and a handle dragged past the other side does not flip', async ({ board }) => {
  const note = await board.createNote({ text: 'Small', dx: -160, dy: -40 });
  await select(board, note.id);
  const n = await dragHandle(board, note.id, 'se', -300, -300);
  assert.ok(n.w > 0 && n.h > 0, `no negative size: ${JSON.stringify(n)}`);
  assert.ok(n.w < note.w && n.h < note.h, `the note shrank: ${n.w} × ${n.h}`);
  assert.ok(n.w >= 40 && n.h >= 40, `a note stays big enough to read: ${n.w} × ${n.h}`);
  assertBox(n, { left: note.x, top: note.y }, 'the note did not flip over its north-west corner');
  // At the minimum, pulling further changes nothing.
  await select(board, note.id);
  const p = await board.handlePoint(n, 'se');
  await board.drag(p, { x: p.x - 100, y: p.y - 100 });
  await board.frame();
  assertBox(await board.element(note.id), box(n), 'a note at its minimum size does not shrink further');

  const rect = await board.drawShape('rectangle', await board.boardPoint(120, -40));
  const r0 = box(rect);
  await select(board, rect.id);
  const r = await dragHandle(board, rect.id, 'nw', 300, 250);
  assert.ok(r.w > 0 && r.h > 0, `no negative size: ${JSON.stringify(r)}`);
  assert.ok(r.w < rect.w && r.h < rect.h, `the rectangle shrank: ${r.w} × ${r.h}`);
  assertBox(r, { right: r0.right, bottom: r0.bottom }, 'dragging the north-west corner past the other side stops there');
});

it('a resize is one undo step: Undo restores the old size, Redo the new one', async ({ board }) => {
  const note = await board.createNote({ text: 'Undo me', dy: -40 });
  await select(board, note.id);
  const { z } = await board.view();
  // Many small moves: the drag writes the size several times on its way.
  await dragHandle(board, note.id, 'se', 120, 90, { steps: 30 });
  const [e] = await board.waitElements(
    (els) => near(els[0].w, note.w + 120 / z) && near(els[0].h, note.h + 90 / z),
    'the final size is written',
  );
  await board.undo();
  await board.waitElements(
    (els) => els.length === 1 && els[0].w === note.w && els[0].h === note.h && els[0].x === note.x && els[0].y === note.y,
    'one Undo restores the size before the drag',
  );
  await board.redo();
  await board.waitElements((els) => near(els[0].w, e.w, 0.01) && near(els[0].h, e.h, 0.01), 'Redo restores the resize');
  assert.equal((await board.elements())[0].text, 'Undo me');
});
