// Rectangles, ellipses and free text (UI.md "Creating"): drawing by dragging, default
// sizes on a click, labels, and the "Keep tool active" toggle.
import assert from 'node:assert/strict';
import { e2eSuite, pixelAt } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const near = (a, b, tol = 1.5) => Math.abs(a - b) <= tol;
const kind = (e) => String(e?.kind).toLowerCase();

/** Asserts that element `e` spans board rectangle `r` (within `tol` board units). */
function assertSpans(e, r, what, tol = 1.5) {
  const ok = near(e.x, r.x, tol) && near(e.y, r.y, tol) && near(e.w, r.w, tol) && near(e.h, r.h, tol);
  assert.ok(ok, `${what}: expected x=${r.x} y=${r.y} w=${r.w} h=${r.h}, got ${JSON.stringify(e)}`);
}

it('dragging with Rectangle draws a rectangle of that size, selected, and the tool returns to Select', async ({ board }) => {
  const from = await board.boardPoint(-180, -120);
  const to = await board.boardPoint(60, 20);
  const rect = await board.drawShape('rectangle', from, to);
  assert.equal(kind(rect), 'rect', `a rectangle: ${JSON.stringify(rect)}`);
  const { z } = await board.view();
  const p = await board.toBoard(from.x, from.y);
  assertSpans(rect, { x: p.x, y: p.y, w: 240 / z, h: 140 / z }, 'the rectangle spans the drag');
  await board.waitSelected([rect.id], 'the new rectangle is selected');
  await board.waitPressed(board.tool('select'), true, 'the tool returns to Select after one rectangle');
  await board.waitOutline(['Rectangle:']);
});

it('while dragging with Rectangle, the shape being drawn follows the pointer', async ({ board, page }) => {
  await board.chooseTool('rectangle');
  const from = await board.boardPoint(-200, -150);
  const to = await board.boardPoint(100, 100);
  // Inside the dragged box, near the pointer, and far from where the press began.
  const probe = await board.boardPoint(60, 60);
  const empty = await pixelAt(page, probe.x, probe.y);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  try {
    await page.mouse.move(to.x, to.y, { steps: 10 });
    await board.frame();
    const during = await pixelAt(page, probe.x, probe.y);
    assert.notDeepEqual(during, empty,
      `mid-drag, the preview should cover (${probe.x}, ${probe.y}) inside the dragged box, but the board there is still empty: ${JSON.stringify(during)}`);
  } finally {
    await page.mouse.up();
  }
  const [rect] = await board.waitCount(1);
  assert.equal(kind(rect), 'rect');
});

it('a rectangle can be dragged in any direction', async ({ board }) => {
  const from = await board.boardPoint(100, 60);
  const to = await board.boardPoint(-100, -40);
  const rect = await board.drawShape('rectangle', from, to);
  const { z } = await board.view();
  const p = await board.toBoard(to.x, to.y);
  assertSpans(rect, { x: p.x, y: p.y, w: 200 / z, h: 100 / z }, 'dragging up and left spans the same box');
});

it('dragging with Ellipse and Shift held draws a circle', async ({ board }) => {
  const from = await board.boardPoint(-120, -140);
  const to = await board.boardPoint(60, -80);
  const ellipse = await board.drawShape('ellipse', from, to, { shift: true });
  assert.equal(kind(ellipse), 'ellipse', `an ellipse: ${JSON.stringify(ellipse)}`);
  const { z } = await board.view();
  const p = await board.toBoard(from.x, from.y);
  assertSpans(ellipse, { x: p.x, y: p.y, w: 180 / z, h: 180 / z }, 'Shift keeps the ellipse a circle of the longer side');
  await board.waitSelected([ellipse.id]);
  await board.waitOutline(['Ellipse:']);
});

it('Shift while dragging a rectangle keeps it a square', async ({ board }) => {
  const from = await board.boardPoint(-50, -50);
  const to = await board.boardPoint(-150, 0);
  const rect = await board.drawShape('rectangle', from, to, { shift: true });
  const { z } = await board.view();
  const p = await board.toBoard(from.x, from.y);
  assertSpans(rect, { x: p.x - 100 / z, y: p.y, w: 100 / z, h: 100 / z }, 'a 100 px square to the lower left');
});

it('a click without a drag makes a 160 × 100 rectangle or ellipse centred on the click', async ({ board }) => {
  const a = await board.boardPoint(-200, -80);
  const rect = await board.drawShape('rectangle', a);
  assert.equal(kind(rect), 'rect');
  assert.equal(rect.w, 160, `default width: ${JSON.stringify(rect)}`);
  assert.equal(rect.h, 100, `default height: ${JSON.stringify(rect)}`);
  let r = await board.screenRect(rect);
  assert.ok(near(r.cx, a.x) && near(r.cy, a.y), `rectangle centred on (${a.x}, ${a.y}); centre (${r.cx}, ${r.cy})`);

  const b = await board.boardPoint(200, -80);
  const ellipse = await board.drawShape('ellipse', b);
  assert.equal(kind(ellipse), 'ellipse');
  assert.deepEqual([ellipse.w, ellipse.h], [160, 100], `default ellipse size: ${JSON.stringify(ellipse)}`);
  r = await board.screenRect(ellipse);
  assert.ok(near(r.cx, b.x) && near(r.cy, b.y), `ellipse centred on (${b.x}, ${b.y}); centre (${r.cx}, ${r.cy})`);
  await board.waitSelected([ellipse.id], 'the new ellipse is selected');
  assert.equal((await board.elements()).length, 2);
});

it('Enter on a selected rectangle or ellipse edits its centred label', async ({ board, page }) => {
  const rect = await board.drawShape('rectangle', await board.boardPoint(-180, -60));
  await board.waitSelected([rect.id]);
  await board.press('Enter');
  await board.waitEditorFocused();
  await page.keyboard.type('Goal');
  await board.waitElements((els) => els.find((e) => e.id === rect.id)?.text === 'Goal', 'the label follows the typing');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();

  const ellipse = await board.drawShape('ellipse', await board.boardPoint(180, -60));
  await board.waitSelected([ellipse.id]);
  await board.press('Enter');
  await board.waitEditorFocused();
  await page.keyboard.type('Risk');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Rectangle: Goal', 'Ellipse: Risk']);
  assert.equal((await board.element(ellipse.id)).text, 'Risk');
});

it('Text: a click creates a text element with an open editor; it grows with its text', async ({ board, page }) => {
  await board.chooseTool('text');
  const p = await board.boardPoint(-200, -100);
  await board.assertBoardAt(p.x, p.y);
  await page.mouse.click(p.x, p.y);
  const [created] = await board.waitCount(1, 'a text element after the click');
  assert.equal(kind(created), 'text', `a free text element: ${JSON.stringify(created)}`);
  await board.waitEditorFocused();
  const get = async () => board.element(created.id);

  await page.keyboard.type('Hi');
  const short = await board.waitElements((els) => els[0]?.text === 'Hi', 'the text follows the typing');
  await page.keyboard.type(' there, everyone in the room');
  const long = await board.waitElements(
    (els) => els[0]?.text === 'Hi there, everyone in the room' && els[0].w > short[0].w,
    'a longer line makes the element wider',
  );
  assert.ok(near(long[0].h, short[0].h, 0.5), `one line keeps the height: ${short[0].h} → ${long[0].h}`);

  await page.keyboard.press('Enter');
  await page.keyboard.type('second line');
  const two = await board.waitElements(
    (els) => els[0]?.text === 'Hi there, everyone in the room\nsecond line' && els[0].h > long[0].h,
    'Enter in the editor starts a new line, and the element grows taller',
  );
  assert.ok(two[0].w >= long[0].w - 0.5, `a shorter second line does not shrink the width: ${long[0].w} → ${two[0].w}`);
  assert.equal(await board.editor.isVisible(), true, 'Enter does not close the editor');

  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  assert.equal((await get()).text, 'Hi there, everyone in the room\nsecond line', 'Escape commits the text');
  await board.waitPressed(board.tool('select'), true, 'the tool returns to Select after one text');
  await board.waitOutline(['Text: Hi there, everyone in the room second line']);
});

it('"Keep tool active" keeps the drawing tool for several shapes; Q toggles it', async ({ board }) => {
  const keep = board.keepTool;
  assert.equal(await keep.count(), 1, `one "${board.t.keepTool}" button in the toolbar`);
  assert.equal(await keep.getAttribute('aria-pressed'), 'false', 'off by default');
  await keep.click();
  await board.waitPressed(keep, true, 'the toggle is pressed after a click');

  await board.chooseTool('rectangle');
  for (const dx of [-250, 0, 250]) {
    await board.drawShape('rectangle', await board.boardPoint(dx, -120));
    await board.waitPressed(board.tool('rectangle'), true, 'Rectangle stays the tool while "Keep tool active" is on');
  }
  await board.waitCount(3, 'three rectangles from three clicks');

  await board.chooseTool('ellipse');
  await board.drawShape('ellipse', await board.boardPoint(-150, 60), await board.boardPoint(-50, 120));
  await board.drawShape('ellipse', await board.boardPoint(50, 60), await board.boardPoint(150, 120));
  await board.waitPressed(board.tool('ellipse'), true, 'Ellipse stays the tool too');

  await board.press('q');
  await board.waitPressed(keep, false, 'Q turns "Keep tool active" off');
  await board.drawShape('ellipse', await board.boardPoint(250, 60));
  await board.waitPressed(board.tool('select'), true, 'with the toggle off, the tool returns to Select');
  const els = await board.waitCount(6);
  assert.deepEqual(els.map(kind), ['rect', 'rect', 'rect', 'ellipse', 'ellipse', 'ellipse']);
  await board.press('q');
  await board.waitPressed(keep, true, 'Q turns it on again');
});

it('every tool is enabled and chosen by its key', async ({ board }) => {
  for (const [key, letter] of [['arrow', 'a'], ['pen', 'p'], ['frame', 'f'], ['select', 'v']]) {
    await board.press(letter);
    await board.waitPressed(board.tool(key));
  }
  for (const key of ['select', 'hand', 'note', 'text', 'rectangle', 'ellipse', 'arrow', 'pen', 'frame']) {
    assert.equal(await board.tool(key).isEnabled(), true, `${key} is enabled`);
  }
});

it('German: Rechteck and Ellipse read "Rechteck: …" and "Ellipse: …" in the outline', async ({ board, page }) => {
  const rect = await board.drawShape('rectangle', await board.boardPoint(-180, -60));
  await board.press('Enter');
  await board.waitEditorFocused();
  await page.keyboard.type('Ziel');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.drawShape('ellipse', await board.boardPoint(180, -60), await board.boardPoint(300, 20));
  await board.waitOutline(['Rechteck: Ziel', 'Ellipse:']);
  assert.equal((await board.element(rect.id)).text, 'Ziel');
  await board.keepTool.waitFor({ state: 'visible' });
}, { lang: 'de' });

it('the Pen draws ink that keeps the shape of the stroke, and stays active for the next one', async ({ board, page }) => {
  await board.chooseTool('pen');
  const start = await board.boardPoint(-200, 0);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 40; i++) {
    await page.mouse.move(start.x + i * 10, start.y + Math.sin(i / 4) * 60);
  }
  await page.mouse.up();
  const ink = await board.waitElements((els) => els.some((e) => e.kind === 'ink'));
  const stroke = ink.find((e) => e.kind === 'ink');
  assert.ok(stroke.pts.length >= 8, `a wavy stroke keeps several points, got ${stroke.pts.length / 2}`);
  assert.ok(stroke.h > 60, `the stroke's box spans its waves, h = ${stroke.h}`);
  assert.equal(await board.isPressed(board.tool('pen')), true, 'the Pen stays the tool');
  await board.undo();
  await board.waitElements((els) => !els.some((e) => e.kind === 'ink'));
});

it('an arrow drawn from one note to another binds both ends and follows a moved note', async ({ board, page }) => {
  const a = await board.createNote({ text: 'Ursache', dx: -250 });
  const b = await board.createNote({ text: 'Wirkung', dx: 250 });
  await board.chooseTool('arrow');
  const from = await board.toScreen(a.x + a.w / 2, a.y + a.h / 2);
  const to = await board.toScreen(b.x + b.w / 2, b.y + b.h / 2);
  await board.drag(from, to);
  const els = await board.waitElements((list) => list.some((e) => e.kind === 'arrow'));
  const arrow = els.find((e) => e.kind === 'arrow');
  const stored = await page.evaluate((id) => window.__lernraum.elements().find((e) => e.id === id), arrow.id);
  assert.equal(stored.pts.length, 4, 'a straight arrow has two points');
  await board.waitOutline(['Note: Ursache', 'Note: Wirkung', 'Arrow: Ursache → Wirkung']);
  // Move B down: the arrow's end goes with it.
  await board.clickElement(b.id);
  const bc = await board.toScreen(b.x + b.w / 2, b.y + b.h / 2);
  await board.drag(bc, { x: bc.x, y: bc.y + 200 });
  await board.waitElements((list) => {
    const ar = list.find((e) => e.id === arrow.id);
    return ar && ar.y + ar.h > b.y + b.h / 2 + 100;
  }, 'the arrow follows the moved note');
});

it("an arrow's label is edited on the arrow's middle, and Enter finishes it", async ({ board, page }) => {
  const a = await board.createNote({ text: 'Ursache', dx: -250, dy: -80 });
  const b = await board.createNote({ text: 'Wirkung', dx: 250, dy: 80 });
  await board.chooseTool('arrow');
  const from = await board.toScreen(a.x + a.w / 2, a.y + a.h / 2);
  const to = await board.toScreen(b.x + b.w / 2, b.y + b.h / 2);
  await board.drag(from, to);
  const els = await board.waitElements((list) => list.some((e) => e.kind === 'arrow'));
  const arrow = els.find((e) => e.kind === 'arrow');
  await board.chooseTool('select');
  // The middle of the drawn line (both ends sit on the notes' borders, symmetric here).
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  await page.mouse.dblclick(mid.x, mid.y);
  await board.waitEditorFocused();
  const box = await board.editor.boundingBox();
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  assert.ok(Math.abs(centre.x - mid.x) < 3 && Math.abs(centre.y - mid.y) < 3,
    `the label editor is centred on the arrow's middle: ${JSON.stringify(centre)} vs ${JSON.stringify(mid)}`);
  assert.equal(await board.editor.evaluate((el) => getComputedStyle(el).textAlign), 'center');
  await page.keyboard.type('führt zu');
  await page.keyboard.press('Enter');
  await board.waitEditorClosed();
  await board.waitElements((list) => list.find((e) => e.id === arrow.id)?.text === 'führt zu', 'the label is stored, one line');
  await board.waitOutline(['Note: Ursache', 'Note: Wirkung', 'Arrow: führt zu']);
});
