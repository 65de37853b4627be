// The context menu (role=menu "Actions"): right-click, Shift+F10 and a long press open
// it with the actions for the selection; arrow keys move between items; Escape closes
// it and gives the focus back to the board.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';
import { MENU_ITEMS } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

const NEED_SELECTION = ['cut', 'copy', 'duplicate', 'front', 'back', 'delete'];

/** The ids of the elements in paint order. */
const order = async (board) => (await board.elements()).map((e) => e.id);

async function waitFocusedItem(board, key, message) {
  const want = board.t.menuItem[key];
  return eventually(
    async () => {
      const got = await board.focusedMenuItem();
      if (got !== want) throw new Error(`focus is on menu item ${JSON.stringify(got)}`);
      return true;
    },
    { message: message ?? `focus on the "${want}" menu item` },
  );
}

async function waitMenuClosed(board, message = 'the menu to close and the board to have the focus') {
  await board.contextMenu.waitFor({ state: 'hidden' });
  await eventually(async () => (await board.boardHasFocus()) || false, { message });
}

it('right-click on an element opens "Actions" with every action, the element selected first', async ({ board }) => {
  const a = await board.createNote({ text: 'Target', dx: -120, dy: -40 });
  const b = await board.createNote({ text: 'Other', dx: 150, dy: -40 });
  await board.clickElement(b.id);
  await board.waitSelected([b.id]);
  const r = await board.screenRect(a.id);
  await board.openContextMenu({ x: r.cx, y: r.cy });
  await board.waitSelected([a.id], 'the unselected element under the pointer became the selection');
  const items = board.contextMenu.getByRole('menuitem');
  assert.equal(await items.count(), MENU_ITEMS.length, 'eight menu items');
  const ys = [];
  for (const key of MENU_ITEMS) {
    const item = board.menuItem(key);
    assert.equal(await item.count(), 1, `one menu item named exactly "${board.t.menuItem[key]}"`);
    assert.equal(await item.isEnabled(), true, `"${board.t.menuItem[key]}" is enabled with a selection`);
    ys.push((await item.boundingBox()).y);
  }
  assert.deepEqual([...ys].sort((p, q) => p - q), ys, `the items are in the order ${MENU_ITEMS.join(', ')}`);
  await waitFocusedItem(board, 'cut', 'the first item has the focus when the menu opens');
});

it('right-click on a member of a multi-selection keeps the whole selection', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -120, dy: -40 });
  const b = await board.createNote({ text: 'B', dx: 150, dy: -40 });
  await board.press('ControlOrMeta+a');
  await board.waitSelected([a.id, b.id]);
  const r = await board.screenRect(a.id);
  await board.openContextMenu({ x: r.cx, y: r.cy });
  await board.frame();
  assert.deepEqual([...(await board.selection())].sort(), [a.id, b.id].sort());
  await board.menuItem('delete').click();
  await board.waitCount(0, 'Delete from the menu deletes the whole selection');
  await waitMenuClosed(board);
});

it('with nothing selected, the actions that need a selection are disabled', async ({ board, page }) => {
  const a = await board.createNote({ text: 'A', dx: -150, dy: -60 });
  const b = await board.createNote({ text: 'B', dx: 120, dy: -60 });
  await board.clickEmpty(0, -220);
  await board.waitSelected([]);
  await board.openContextMenu(await board.boardPoint(0, -220));
  for (const key of MENU_ITEMS) {
    const disabled = NEED_SELECTION.includes(key);
    assert.equal(await board.menuItem(key).isDisabled(), disabled, `"${board.t.menuItem[key]}" is ${disabled ? 'disabled' : 'enabled'}`);
  }
  await waitFocusedItem(board, 'paste', 'the first enabled item has the focus');
  await page.keyboard.press('ArrowDown');
  await waitFocusedItem(board, 'selectAll', 'ArrowDown skips the disabled items');
  await page.keyboard.press('Enter');
  await board.waitSelected([a.id, b.id], '"Select all" selects everything');
  await waitMenuClosed(board);
});

it('ArrowDown and ArrowUp move between items; Escape closes the menu and the board has the focus', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Keys', dx: -80, dy: -40 });
  const r = await board.screenRect(note.id);
  await board.openContextMenu({ x: r.cx, y: r.cy });
  await waitFocusedItem(board, 'cut');
  await page.keyboard.press('ArrowDown');
  await waitFocusedItem(board, 'copy');
  await page.keyboard.press('ArrowDown');
  await waitFocusedItem(board, 'paste');
  await page.keyboard.press('ArrowUp');
  await waitFocusedItem(board, 'copy');
  await page.keyboard.press('Escape');
  await waitMenuClosed(board, 'Escape closes the menu and gives the focus back to the board');
  assert.equal((await board.elements()).length, 1, 'nothing happened to the board');
  assert.deepEqual(await board.selection(), [note.id], 'the selection is kept');
});

it('Bring to front, Send to back, Duplicate and Delete act on the selection', async ({ board }) => {
  const a = await board.createNote({ text: 'Under', dx: -60, dy: -40 });
  const b = await board.createNote({ text: 'Over', dx: 40, dy: -40 });
  assert.deepEqual(await order(board), [a.id, b.id]);
  // A's left part is not covered by B.
  const ra = await board.screenRect(a.id);
  await board.openContextMenu({ x: ra.x + 30, y: ra.cy });
  await board.waitSelected([a.id]);
  await board.menuItem('front').click();
  await board.waitElements((els) => els.map((e) => e.id).join() === [b.id, a.id].join(), '"Bring to front" paints A last');
  await waitMenuClosed(board);

  await board.openContextMenu({ x: ra.cx, y: ra.cy });
  await board.waitSelected([a.id]);
  await board.menuItem('back').click();
  await board.waitElements((els) => els.map((e) => e.id).join() === [a.id, b.id].join(), '"Send to back" paints A first');

  const rb = await board.screenRect(b.id);
  await board.openContextMenu({ x: rb.x + rb.w - 30, y: rb.cy });
  await board.waitSelected([b.id]);
  await board.menuItem('duplicate').click();
  const els = await board.waitCount(3, '"Duplicate" makes a copy');
  const copy = els.find((e) => e.id !== a.id && e.id !== b.id);
  assert.equal(copy.text, 'Over');
  await board.waitSelected([copy.id], 'the copy is selected');

  const rc = await board.screenRect(copy.id);
  await board.openContextMenu({ x: rc.x + rc.w - 20, y: rc.y + rc.h - 20 });
  await board.menuItem('delete').click();
  const left = await board.waitCount(2, '"Delete" deletes the copy');
  assert.deepEqual(left.map((e) => e.id), [a.id, b.id]);
});

it('Copy, Paste and Cut in the menu go through the system clipboard', async ({ board }) => {
  const note = await board.createNote({ text: 'From the menu', dx: -120, dy: -40 });
  const r = await board.screenRect(note.id);
  await board.openContextMenu({ x: r.cx, y: r.cy });
  await board.menuItem('copy').click();
  const doc = await board.waitClipboardDocument('"Copy" to write the clipboard');
  assert.deepEqual(doc.elements.map((e) => e.text), ['From the menu']);
  await waitMenuClosed(board);

  await board.clickEmpty(200, -150);
  await board.waitSelected([]);
  await board.openContextMenu(await board.boardPoint(200, -150));
  assert.equal(await board.menuItem('paste').isEnabled(), true);
  await board.menuItem('paste').click();
  const els = await board.waitCount(2, '"Paste" adds a copy');
  const copy = els.find((e) => e.id !== note.id);
  assert.equal(copy.text, 'From the menu');
  await board.waitSelected([copy.id]);

  await board.openContextMenu({ x: r.cx, y: r.cy });
  await board.waitSelected([note.id]);
  await board.menuItem('cut').click();
  const left = await board.waitCount(1, '"Cut" removes the element');
  assert.equal(left[0].id, copy.id);
}, { contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } });

it('opened near the bottom-right corner of the window, the whole menu stays inside it', async ({ board, page }) => {
  await board.createNote({ text: 'Somewhere', dx: -80, dy: -40 });
  const b = await board.boardBox();
  const p = { x: Math.round(b.x + b.width - 12), y: Math.round(b.y + b.height - 12) };
  await board.assertBoardAt(p.x, p.y);
  await board.openContextMenu(p);
  const box = await board.contextMenu.boundingBox();
  const vp = page.viewportSize();
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height,
    `the menu ${JSON.stringify(box)} lies inside the ${vp.width} × ${vp.height} window`);
  await board.menuItem('selectAll').click();
  await board.waitSelection((sel) => sel.length === 1, '"Select all", the last item, can be clicked');
});

it('Shift+F10 opens the menu for the keyboard; Enter runs the focused item', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Keyboard', dx: -80, dy: -40 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('Shift+F10');
  await board.contextMenu.waitFor({ state: 'visible' });
  await waitFocusedItem(board, 'cut', 'the first item has the focus');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await waitFocusedItem(board, 'duplicate');
  await page.keyboard.press('Enter');
  const els = await board.waitCount(2, 'Enter on "Duplicate" duplicates');
  await waitMenuClosed(board);
  assert.equal(els.find((e) => e.id !== note.id).text, 'Keyboard');
});

it('a long press on a touch screen opens the menu for the element under the finger', async ({ board, context, page }) => {
  const note = await board.createNote({ text: 'Touch', dx: -80, dy: -40 });
  await board.clickEmpty(150, 150);
  await board.waitSelected([]);
  const r = await board.screenRect(note.id);
  const cdp = await context.newCDPSession(page);
  const finger = { x: Math.round(r.cx), y: Math.round(r.cy) };
  const t0 = Date.now();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [finger] });
  await board.contextMenu.waitFor({ state: 'visible' });
  const held = Date.now() - t0;
  assert.ok(held >= 400, `the menu opens after a long press, not at once (${held} ms)`);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await board.frame();
  await board.frame();
  assert.equal(await board.contextMenu.isVisible(), true, 'the menu stays open when the finger lifts');
  await board.waitSelected([note.id], 'the element under the finger is selected');
  assert.equal(await board.menuItem('delete').isEnabled(), true);
  const [e] = await board.elements();
  assert.deepEqual([e.x, e.y], [note.x, note.y], 'the long press did not move the note');
}, { contextOptions: { hasTouch: true } });

it('German: the menu is "Aktionen" with German item names', async ({ board }) => {
  const note = await board.createNote({ text: 'Hallo', dx: -80, dy: -40 });
  const r = await board.screenRect(note.id);
  await board.openContextMenu({ x: r.cx, y: r.cy });
  for (const key of MENU_ITEMS) {
    assert.equal(await board.menuItem(key).count(), 1, `a menu item named "${board.t.menuItem[key]}"`);
  }
  await board.menuItem('delete').click();
  await board.waitCount(0, '"Löschen" deletes');
}, { lang: 'de' });
