// Working by keyboard alone (UI.md "Other shortcuts"): nudging, select all, paint order,
// creating a note with N + Enter, Escape, Delete, and a visible focus ring on every
// control reached with Tab.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const ids = (els) => els.map((e) => e.id);

/** Focus information on the active element: where it is and whether it shows a ring. */
async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const toolbar = el.closest('[role=toolbar]');
    const outline = el.closest('.sidebar [role=list]');
    return {
      name: el.getAttribute('aria-label') || (el.querySelector(':scope > .label, :scope > span')?.textContent ?? el.textContent).trim(),
      role: el.getAttribute('role') || el.tagName.toLowerCase(),
      inToolbar: !!toolbar && el.tagName === 'BUTTON',
      inOutline: !!outline && el.getAttribute('role') === 'listitem',
      inMenu: el.getAttribute('role') === 'menuitem',
      focusVisible: el.matches(':focus-visible'),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth) || 0,
    };
  });
}

function assertRing(info, what) {
  assert.ok(info.focusVisible, `${what} "${info.name}" matches :focus-visible after a key press`);
  assert.notEqual(info.outlineStyle, 'none', `${what} "${info.name}" shows a focus outline`);
  assert.ok(info.outlineWidth >= 1, `${what} "${info.name}" has an outline at least 1 px wide (${info.outlineWidth})`);
}

it('arrow keys move the selected element by 1, with Shift by 10', async ({ board }) => {
  const note = await board.createNote({ text: 'Nudge', dx: -80, dy: -40 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  const steps = [
    ['ArrowRight', 1, 0],
    ['ArrowDown', 0, 1],
    ['ArrowLeft', -1, 0],
    ['ArrowUp', 0, -1],
    ['Shift+ArrowRight', 10, 0],
    ['Shift+ArrowDown', 0, 10],
    ['Shift+ArrowLeft', -10, 0],
    ['Shift+ArrowUp', 0, -10],
  ];
  let [x, y] = [note.x, note.y];
  for (const [key, dx, dy] of steps) {
    await board.press(key);
    x += dx;
    y += dy;
    await board.waitElements((els) => els[0].x === x && els[0].y === y, `${key} moves the note to (${x}, ${y})`);
  }
  await board.press('Shift+ArrowRight');
  await board.press('ArrowDown');
  await board.waitElements((els) => els[0].x === note.x + 10 && els[0].y === note.y + 1, 'moves add up');
  assert.deepEqual(await board.selection(), [note.id], 'the note stays selected');
});

it('arrow keys move every selected element, and nothing without a selection', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -150, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 150, dy: -40 });
  await board.press('ControlOrMeta+a');
  await board.waitSelected([a.id, b.id]);
  await board.press('Shift+ArrowLeft');
  await board.waitElements((els) => els[0].x === a.x - 10 && els[1].x === b.x - 10, 'both moved 10 to the left');
  await board.press('Escape');
  await board.waitSelected([]);
  const view = await board.view();
  await board.press('ArrowRight');
  await board.frame();
  const els = await board.elements();
  assert.deepEqual(els.map((e) => [e.x, e.y]), [[a.x - 10, a.y], [b.x - 10, b.y]], 'nothing moves without a selection');
  assert.deepEqual(await board.view(), view);
});

it('Ctrl+A selects every element', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -220, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 0, dy: -40 });
  const c = await board.drawShape('rectangle', await board.boardPoint(220, -40));
  await board.clickEmpty(0, 200);
  await board.waitSelected([]);
  await board.press('ControlOrMeta+a');
  await board.waitSelected([a.id, b.id, c.id], 'Ctrl+A selects all three');
});

it('Ctrl+Shift+] brings the selection to the front, Ctrl+Shift+[ sends it to the back', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -100, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 0, dy: -20 });
  const c = await board.createNote({ text: 'C', dx: 100, dy: 0 });
  assert.deepEqual(ids(await board.elements()), [a.id, b.id, c.id], 'paint order is creation order');
  const ra = await board.screenRect(a.id);
  await board.page.mouse.click(ra.x + 20, ra.y + 20);
  await board.waitSelected([a.id]);
  await board.press('ControlOrMeta+Shift+BracketRight');
  await board.waitElements((els) => ids(els).join() === [b.id, c.id, a.id].join(), 'A is painted last after Ctrl+Shift+]');
  await board.waitOutline(['Note: B', 'Note: C', 'Note: A']);

  const rc = await board.screenRect(c.id);
  await board.page.mouse.click(rc.x + rc.w - 20, rc.y + rc.h - 20);
  await board.waitSelected([c.id]);
  await board.press('ControlOrMeta+Shift+BracketLeft');
  await board.waitElements((els) => ids(els).join() === [c.id, b.id, a.id].join(), 'C is painted first after Ctrl+Shift+[');
  await board.waitOutline(['Note: C', 'Note: B', 'Note: A']);
});

it('N then Enter creates a note at the view centre with its editor open', async ({ board, page }) => {
  await board.press('n');
  await board.waitPressed(board.tool('note'), true, 'N chooses the Note tool');
  await page.keyboard.press('Enter');
  const [note] = await board.waitCount(1, 'Enter creates a note');
  assert.equal(String(note.kind).toLowerCase(), 'note');
  const r = await board.screenRect(note);
  const c = await board.boardPoint(0, 0);
  assert.ok(Math.abs(r.cx - c.x) <= 1 && Math.abs(r.cy - c.y) <= 1, `the note is centred in the view at (${c.x}, ${c.y}); its centre is (${r.cx}, ${r.cy})`);
  await board.waitEditorFocused();
  await page.keyboard.type('From the keyboard');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: From the keyboard']);
  assert.ok(await board.boardHasFocus(), 'after Escape the board has the focus again');
  await board.waitSelected([note.id]);
});

it('Escape returns to Select and clears the selection', async ({ board }) => {
  const note = await board.createNote({ text: 'Esc', dx: -80, dy: -40 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('r');
  await board.waitPressed(board.tool('rectangle'), true, 'R chooses Rectangle');
  await board.press('Escape');
  await board.waitPressed(board.tool('select'), true, 'Escape returns to Select');
  await board.waitSelected([], 'Escape clears the selection');
  assert.equal((await board.elements()).length, 1);
});

it('Delete and Backspace delete the selection', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -150, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 150, dy: -40 });
  await board.clickElement(a.id);
  await board.waitSelected([a.id]);
  await board.press('Delete');
  const els = await board.waitCount(1, 'Delete removes the selected note');
  assert.equal(els[0].id, b.id);
  await board.clickElement(b.id);
  await board.waitSelected([b.id]);
  await board.press('Backspace');
  await board.waitCount(0, 'Backspace removes it too');
  await board.waitOutline([]);
});

it('every toolbar button and outline item reached with Tab shows a focus ring', async ({ board, page }) => {
  await board.createNote({ text: 'First', dx: -150, dy: -40 });
  await board.createNote({ text: 'Second', dx: 150, dy: -40 });
  await board.clickEmpty(0, 200);
  const toolbarButtons = await board.toolbar.getByRole('button').evaluateAll((bs) => bs.filter((b) => !b.disabled).map((b) => b.getAttribute('aria-label')));
  assert.equal(toolbarButtons.length, 10, `nine tools and "Keep tool active": ${JSON.stringify(toolbarButtons)}`);
  const outlineCount = await board.outlineItems.count();
  assert.equal(outlineCount, 2);

  // Start at the top of the page and walk the whole tab order once.
  await page.evaluate(() => document.activeElement?.blur());
  const seenTools = new Set();
  const seenOutline = new Set();
  for (let i = 0; i < 80 && (seenTools.size < toolbarButtons.length || seenOutline.size < outlineCount); i++) {
    await page.keyboard.press('Tab');
    const info = await focusInfo(page);
    if (!info) continue;
    if (info.inToolbar) {
      assertRing(info, 'toolbar button');
      seenTools.add(info.name);
    } else if (info.inOutline) {
      assertRing(info, 'outline item');
      seenOutline.add(info.name);
    }
  }
  assert.deepEqual([...seenTools].sort(), [...toolbarButtons].sort(), 'Tab reaches every enabled toolbar button');
  assert.equal(seenOutline.size, outlineCount, `Tab reaches every outline item: ${JSON.stringify([...seenOutline])}`);
});

it('every menu item focused with the arrow keys shows a focus ring', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Menu', dx: -80, dy: -40 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('Shift+F10');
  await board.contextMenu.waitFor({ state: 'visible' });
  const count = await board.contextMenu.getByRole('menuitem').count();
  const seen = new Set();
  for (let i = 0; i < count; i++) {
    if (i > 0) await page.keyboard.press('ArrowDown');
    const info = await eventually(async () => {
      const f = await focusInfo(page);
      if (!f?.inMenu) throw new Error(`focus is on ${JSON.stringify(f)}`);
      return f;
    }, { message: 'a menu item to have the focus' });
    assertRing(info, 'menu item');
    seen.add(info.name);
  }
  assert.equal(seen.size, count, `each of the ${count} items was focused: ${JSON.stringify([...seen])}`);
  await page.keyboard.press('Escape');
  await board.contextMenu.waitFor({ state: 'hidden' });
});
