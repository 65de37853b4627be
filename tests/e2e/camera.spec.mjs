// The camera: wheel pans, Ctrl+wheel zooms around the pointer, Shift+1 fits, Shift+0 is
// 100 %, zoom stays within 10 %..400 %. View convention: screen = (board + {x, y}) · z.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const close = (a, b, tol) => Math.abs(a - b) <= tol;

async function wheel(board, dx, dy, { ctrl = false, at } = {}) {
  const p = at ?? (await board.boardPoint());
  await board.page.mouse.move(p.x, p.y);
  if (ctrl) await board.page.keyboard.down('Control');
  try {
    await board.page.mouse.wheel(dx, dy);
  } finally {
    if (ctrl) await board.page.keyboard.up('Control');
  }
}

it('starts at 100 % and the hook is consistent with toScreen', async ({ board }) => {
  const v = await board.view();
  assert.equal(v.z, 1, `a new board starts at 100 % (view ${JSON.stringify(v)})`);
  const a = await board.toScreen(0, 0);
  const b = await board.toScreen(100, 50);
  assert.ok(close(b.x - a.x, 100 * v.z, 0.01) && close(b.y - a.y, 50 * v.z, 0.01), 'toScreen scales by z');
});

it('plain wheel pans without zooming', async ({ board }) => {
  const v0 = await board.view();
  const s0 = await board.toScreen(0, 0);
  await wheel(board, 0, 120);
  const v1 = await board.waitView((v) => v.y !== v0.y, 'vertical wheel changes view.y');
  assert.equal(v1.z, v0.z, 'wheel does not zoom');
  assert.ok(v1.y < v0.y, `scrolling down moves the camera down: view.y ${v0.y} -> ${v1.y}`);
  const s1 = await board.toScreen(0, 0);
  assert.ok(close(s1.x, s0.x, 0.5), 'no horizontal movement');
  assert.ok(s1.y < s0.y, 'board content moves up on screen');
  await wheel(board, 150, 0);
  const v2 = await board.waitView((v) => v.x !== v1.x, 'horizontal wheel changes view.x');
  assert.ok(v2.x < v1.x, `scrolling right moves the camera right: view.x ${v1.x} -> ${v2.x}`);
  assert.equal(v2.z, v0.z);
});

it('Ctrl+wheel zooms around the pointer', async ({ board }) => {
  const p = await board.boardPoint(-180, 90);
  const under = await board.toBoard(p.x, p.y);
  const z0 = (await board.view()).z;
  await wheel(board, 0, -40, { ctrl: true, at: p });
  const v1 = await board.waitView((v) => v.z > z0, 'Ctrl+wheel up zooms in');
  let s = await board.toScreen(under.x, under.y);
  assert.ok(close(s.x, p.x, 1) && close(s.y, p.y, 1), `the board point under the pointer stays there (${s.x}, ${s.y}) vs (${p.x}, ${p.y})`);
  await wheel(board, 0, 40, { ctrl: true, at: p });
  await board.waitView((v) => v.z < v1.z, 'Ctrl+wheel down zooms out');
  s = await board.toScreen(under.x, under.y);
  assert.ok(close(s.x, p.x, 1) && close(s.y, p.y, 1), 'still under the pointer after zooming out');
});

it('zoom is clamped to 10 %..400 %', async ({ board }) => {
  for (let i = 0; i < 40; i++) await wheel(board, 0, -50, { ctrl: true });
  const vin = await board.waitView((v) => v.z >= 3.99, 'zooming in far reaches 400 %');
  assert.ok(vin.z <= 4 + 1e-9, `zoom never exceeds 400 % (z = ${vin.z})`);
  for (let i = 0; i < 80; i++) await wheel(board, 0, 50, { ctrl: true });
  const vout = await board.waitView((v) => v.z <= 0.1 + 1e-3, 'zooming out far reaches 10 %');
  assert.ok(vout.z >= 0.1 - 1e-9, `zoom never goes below 10 % (z = ${vout.z})`);
  // One huge wheel step is clamped too.
  await wheel(board, 0, 5000, { ctrl: true });
  await board.frame();
  const v = await board.view();
  assert.ok(v.z >= 0.1 - 1e-9 && Number.isFinite(v.z), `z after a huge step: ${v.z}`);
});

it('Shift+0 resets to 100 %', async ({ board }) => {
  await wheel(board, 0, -60, { ctrl: true });
  await board.waitView((v) => v.z !== 1, 'zoomed away from 100 %');
  await board.press('Shift+Digit0');
  await board.waitView((v) => close(v.z, 1, 1e-9), 'Shift+0 sets zoom to exactly 100 %');
});

it('Shift+1 fits all elements into the view', async ({ board }) => {
  const a = await board.createNote({ text: 'Left', dx: -300, dy: -150 });
  const b = await board.createNote({ text: 'Right', dx: 300, dy: 150 });
  // Pan far away so that nothing is on screen.
  for (let i = 0; i < 12; i++) await wheel(board, 600, 600);
  const box = await board.boardBox();
  const inside = (r) => r.x >= box.x - 1 && r.y >= box.y - 1 && r.x + r.w <= box.x + box.width + 1 && r.y + r.h <= box.y + box.height + 1;
  assert.equal(inside(await board.screenRect(a.id)) && inside(await board.screenRect(b.id)), false, 'panned away');
  await board.press('Shift+Digit1');
  await board.waitView(async () => inside(await board.screenRect(a.id)) && inside(await board.screenRect(b.id)),
    'after Shift+1 both notes are inside the Board');
  const v = await board.view();
  assert.ok(v.z >= 0.1 - 1e-9 && v.z <= 4 + 1e-9, `fit zoom within limits: ${v.z}`);
  // Fitting a single small note does not blow it past 400 %.
  await board.clickElement(a.id);
  await board.press('Delete');
  await board.waitCount(1);
  await board.press('Shift+Digit1');
  await board.waitView(async () => inside(await board.screenRect(b.id)), 'the one note is in view');
  const v2 = await board.view();
  assert.ok(v2.z <= 4 + 1e-9, `fit zoom clamped: ${v2.z}`);
});

it('Shift+1 on an empty board does not break the view', async ({ board }) => {
  await board.press('Shift+Digit1');
  await board.frame();
  const v = await board.view();
  assert.ok([v.x, v.y, v.z].every(Number.isFinite), `finite view: ${JSON.stringify(v)}`);
  assert.ok(v.z >= 0.1 - 1e-9 && v.z <= 4 + 1e-9);
});

it('notes are created at the pointer at any zoom', async ({ board, page }) => {
  for (let i = 0; i < 3; i++) await wheel(board, 0, -30, { ctrl: true });
  const { z } = await board.waitView((v) => v.z > 1.2, 'zoomed in');
  const p = await board.boardPoint(100, -80);
  await board.chooseTool('note');
  await page.mouse.click(p.x, p.y);
  const [n] = await board.waitCount(1);
  await board.waitEditorFocused();
  await page.keyboard.press('Escape');
  const r = await board.screenRect(n);
  assert.ok(close(r.cx, p.x, 2) && close(r.cy, p.y, 2), `note centred under the click at zoom ${z}`);
});
