// Panning and touch: the Hand tool (button "Hand", key H), Space+drag and middle-button
// drag pan the camera by the drag distance; two fingers pinch-zoom around their
// midpoint and pan. View convention: screen = (board + {x, y}) · z, so a drag of
// (dx, dy) px changes the view by (dx, dy) / z.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const close = (a, b, tol) => Math.abs(a - b) <= tol;
const shape = (els) => els.map(({ id, x, y, w, h, text }) => ({ id, x, y, w, h, text }));

/** Drag with the mouse from `from` by (dx, dy) client px. */
async function drag(board, from, dx, dy, { button = 'left', steps = 8 } = {}) {
  const { mouse } = board.page;
  await mouse.move(from.x, from.y);
  await mouse.down({ button });
  await mouse.move(from.x + dx, from.y + dy, { steps });
  await mouse.up({ button });
}

/** Asserts the view moved by (dx, dy)/z from `v0`, at the same zoom. */
function assertPanned(v0, v1, dx, dy, what) {
  assert.ok(close(v1.z, v0.z, 1e-9), `${what} does not zoom (z ${v0.z} -> ${v1.z})`);
  assert.ok(
    close(v1.x - v0.x, dx / v0.z, 0.51 / v0.z) && close(v1.y - v0.y, dy / v0.z, 0.51 / v0.z),
    `${what}: view moved by (${v1.x - v0.x}, ${v1.y - v0.y}), expected (${dx / v0.z}, ${dy / v0.z}) at zoom ${v0.z}`,
  );
}

async function zoomIn(board, times = 3) {
  const p = await board.boardPoint(60, -40);
  await board.page.mouse.move(p.x, p.y);
  await board.page.keyboard.down('Control');
  try {
    for (let i = 0; i < times; i++) await board.page.mouse.wheel(0, -30);
  } finally {
    await board.page.keyboard.up('Control');
  }
  return board.waitView((v) => v.z > 1.2, 'zoomed in with Ctrl+wheel');
}

// ---------------------------------------------------------------------------------------
// Mouse
// ---------------------------------------------------------------------------------------

it('the Hand tool pans by the drag distance, also over a note, without changing the board', async ({ board }) => {
  const note = await board.createNote({ text: 'Stay put', dx: 120, dy: 60 });
  const before = shape(await board.elements());
  const sel0 = await board.selection();
  await board.chooseTool('hand');
  const v0 = await board.view();
  await drag(board, await board.boardPoint(-200, -100), 140, 90);
  const v1 = await board.waitView((v) => v.x !== v0.x, 'the view pans');
  assertPanned(v0, v1, 140, 90, 'Hand drag on the empty board');
  // Grabbing a note with the Hand tool pans too; the note stays where it is on the board.
  const r = await board.screenRect(note.id);
  await drag(board, { x: r.cx, y: r.cy }, -70, 40);
  const v2 = await board.waitView((v) => v.x !== v1.x, 'the view pans again');
  assertPanned(v1, v2, -70, 40, 'Hand drag over a note');
  assert.deepEqual(shape(await board.elements()), before, 'panning changes no element');
  assert.deepEqual(await board.selection(), sel0, 'panning does not change the selection');
  assert.ok(await board.isPressed(board.tool('hand')), 'the Hand tool stays chosen');
});

it('key H chooses the Hand tool, which pans by dx/z when zoomed in', async ({ board }) => {
  await board.press('h');
  await board.waitPressed(board.tool('hand'), true, 'H presses the Hand button');
  const v0 = await zoomIn(board);
  const from = await board.boardPoint(-100, 80);
  const grabbed = await board.toBoard(from.x, from.y);
  await drag(board, from, 150, -60, { steps: 12 });
  const v1 = await board.waitView((v) => v.y !== v0.y, 'the view pans');
  assertPanned(v0, v1, 150, -60, `Hand drag at zoom ${v0.z}`);
  // The board point grabbed follows the pointer.
  const s = await board.toScreen(grabbed.x, grabbed.y);
  assert.ok(close(s.x, from.x + 150, 1) && close(s.y, from.y - 60, 1), `the grabbed point is under the pointer: (${s.x}, ${s.y})`);
});

it('Space+drag pans; releasing Space goes back to selecting and moving', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Movable', dx: 150, dy: 0 });
  await board.chooseTool('select');
  await board.board.focus();
  const before = shape(await board.elements());
  const v0 = await board.view();
  await page.keyboard.down('Space');
  try {
    await drag(board, await board.boardPoint(-250, -120), 100, 50);
    const v1 = await board.waitView((v) => v.x !== v0.x, 'Space+drag pans');
    assertPanned(v0, v1, 100, 50, 'Space+drag on the empty board');
    // Space+drag that starts on a note pans too and leaves the note alone.
    const r = await board.screenRect(note.id);
    await drag(board, { x: r.cx, y: r.cy }, -60, -30);
    const v2 = await board.waitView((v) => v.x !== v1.x, 'Space+drag over a note pans');
    assertPanned(v1, v2, -60, -30, 'Space+drag over a note');
  } finally {
    await page.keyboard.up('Space');
  }
  assert.deepEqual(shape(await board.elements()), before, 'Space+drag moves no element');
  assert.ok(await board.isPressed(board.tool('select')), 'Select is still the tool');

  // Space released: a drag on the note moves the note and leaves the camera alone.
  const v3 = await board.view();
  await board.dragElement(note.id, 80, 40);
  const [moved] = await board.waitElements(
    (els) => els[0] && els[0].x !== before[0].x,
    'after releasing Space a drag on the note moves it',
  );
  assert.ok(
    close(moved.x - before[0].x, 80 / v3.z, 1) && close(moved.y - before[0].y, 40 / v3.z, 1),
    `the note moved by (${moved.x - before[0].x}, ${moved.y - before[0].y})`,
  );
  const v4 = await board.view();
  assert.deepEqual(v4, v3, 'moving the note does not pan');
});

it('middle-button drag pans with any tool and does not touch the note under it', async ({ board }) => {
  const note = await board.createNote({ text: 'Under the wheel', dx: -100, dy: 50 });
  await board.chooseTool('select');
  await board.clickEmpty(250, -150);
  await board.waitSelected([]);
  const before = shape(await board.elements());
  const v0 = await board.view();
  const r = await board.screenRect(note.id);
  await drag(board, { x: r.cx, y: r.cy }, 120, -80, { button: 'middle' });
  const v1 = await board.waitView((v) => v.x !== v0.x, 'middle drag pans');
  assertPanned(v0, v1, 120, -80, 'middle drag over a note');
  assert.deepEqual(shape(await board.elements()), before, 'the note did not move');
  assert.deepEqual(await board.selection(), [], 'nothing got selected');
  // With the Note tool chosen, a middle drag still pans and creates nothing.
  await board.chooseTool('note');
  await drag(board, await board.boardPoint(200, 100), -50, -50, { button: 'middle' });
  const v2 = await board.waitView((v) => v.x !== v1.x, 'middle drag pans with the Note tool');
  assertPanned(v1, v2, -50, -50, 'middle drag with the Note tool');
  await board.frame();
  assert.equal((await board.elements()).length, 1, 'a middle drag creates no note');
});

// ---------------------------------------------------------------------------------------
// Touch (pointerType "touch", through CDP Input.dispatchTouchEvent)
// ---------------------------------------------------------------------------------------

/** Two fingers: start at a0/b0, move in `steps` steps to a1/b1, lift. */
async function twoFingers(cdp, [a0, b0], [a1, b1], steps = 10) {
  const pt = (p, id) => ({ x: p.x, y: p.y, id, radiusX: 1, radiusY: 1, force: 1 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pt(a0, 0)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pt(a0, 0), pt(b0, 1)] });
  for (let i = 1; i <= steps; i++) {
    const f = i / steps;
    const lerp = (p, q) => ({ x: p.x + (q.x - p.x) * f, y: p.y + (q.y - p.y) * f });
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: [pt(lerp(a0, a1), 0), pt(lerp(b0, b1), 1)],
    });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [pt(a1, 0)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

const touch = { contextOptions: { hasTouch: true } };

it('a two-finger pinch zooms in around the midpoint', async ({ board, page, context }) => {
  const note = await board.createNote({ text: 'Pinch me', dx: 80, dy: -60 });
  await board.clickEmpty(-250, 150);
  await board.waitSelected([]);
  const before = shape(await board.elements());
  const cdp = await context.newCDPSession(page);
  const m = await board.boardPoint(-60, 40);
  const under = await board.toBoard(m.x, m.y);
  const v0 = await board.view();
  // Fingers 100 px apart move to 200 px apart around the same midpoint: zoom × 2.
  await twoFingers(
    cdp,
    [{ x: m.x - 50, y: m.y }, { x: m.x + 50, y: m.y }],
    [{ x: m.x - 100, y: m.y }, { x: m.x + 100, y: m.y }],
  );
  const v1 = await board.waitView((v) => v.z > v0.z * 1.5, 'the pinch zooms in');
  assert.ok(close(v1.z, v0.z * 2, 0.1), `zoom doubles with the finger distance: ${v0.z} -> ${v1.z}`);
  const s = await board.toScreen(under.x, under.y);
  assert.ok(close(s.x, m.x, 3) && close(s.y, m.y, 3), `the board point under the midpoint stays there: (${s.x}, ${s.y}) vs (${m.x}, ${m.y})`);
  assert.deepEqual(shape(await board.elements()), before, 'pinching moves and creates nothing');
  assert.deepEqual(await board.selection(), [], 'pinching selects nothing');
  // Pinching back in zooms out around the midpoint again.
  await twoFingers(
    cdp,
    [{ x: m.x, y: m.y - 120 }, { x: m.x, y: m.y + 120 }],
    [{ x: m.x, y: m.y - 60 }, { x: m.x, y: m.y + 60 }],
  );
  const v2 = await board.waitView((v) => v.z < v1.z * 0.75, 'pinching in zooms out');
  assert.ok(close(v2.z, v1.z / 2, 0.1), `zoom halves: ${v1.z} -> ${v2.z}`);
  const s2 = await board.toScreen(under.x, under.y);
  assert.ok(close(s2.x, m.x, 3) && close(s2.y, m.y, 3), `still under the midpoint: (${s2.x}, ${s2.y})`);
  assert.ok(note.id, 'the note exists');
}, touch);

it('a two-finger drag pans by the distance moved', async ({ board, page, context }) => {
  const note = await board.createNote({ text: 'Two fingers', dx: -80, dy: 0 });
  const before = shape(await board.elements());
  const cdp = await context.newCDPSession(page);
  const v0 = await board.view();
  const r = await board.screenRect(note.id);
  // Both fingers start on the note: still a pan, never a move.
  const a = { x: r.cx - 30, y: r.cy }, b = { x: r.cx + 30, y: r.cy + 20 };
  const d = { x: 150, y: 70 };
  await twoFingers(cdp, [a, b], [{ x: a.x + d.x, y: a.y + d.y }, { x: b.x + d.x, y: b.y + d.y }]);
  const v1 = await board.waitView((v) => v.x !== v0.x, 'the two-finger drag pans');
  assert.ok(close(v1.z, v0.z, 1e-6), `no zoom while the fingers keep their distance (${v0.z} -> ${v1.z})`);
  assert.ok(
    close(v1.x - v0.x, d.x / v0.z, 1) && close(v1.y - v0.y, d.y / v0.z, 1),
    `view moved by (${v1.x - v0.x}, ${v1.y - v0.y}), expected (${d.x / v0.z}, ${d.y / v0.z})`,
  );
  assert.deepEqual(shape(await board.elements()), before, 'the note under the fingers did not move');
  const r1 = await board.screenRect(note.id);
  assert.ok(close(r1.cx - r.cx, d.x, 1.5) && close(r1.cy - r.cy, d.y, 1.5), 'the note moved with the fingers on screen');
}, touch);
