// Creating a board and notes (UI.md "Creating", ROOMS.md "Every board is a room").
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';
import { TOOLS, b64urlBytes } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

it('opening the app without a fragment creates a new board with a full link', async ({ board, page }) => {
  const u = new URL(page.url());
  assert.equal(u.pathname, '/');
  assert.equal(u.searchParams.get('lang'), 'en', `?lang=en is kept in ${page.url()}`);
  assert.match(u.hash, /^#room=[^&]+&key=[^&]+&mod=[^&]+&mk=[^&]+$/, `fragment of ${page.url()}`);
  const f = board.fragment();
  assert.ok(b64urlBytes(f.room) >= 10, `room is base64url of >= 10 bytes: ${f.room}`);
  assert.ok(b64urlBytes(f.key) >= 16, `key is base64url of >= 16 bytes: ${f.key}`);
  assert.equal(b64urlBytes(f.mod), 32, `mod is base64url of a 32-byte seed: ${f.mod}`);
  assert.equal(b64urlBytes(f.mk), 9, `mk is base64url of 9 bytes: ${f.mk}`);
  assert.deepEqual(await board.elements(), [], 'a new board is empty');
  assert.deepEqual(await board.selection(), []);
});

it('two new boards get different rooms and keys', async ({ board, openBoard, lang }) => {
  const first = board.fragment();
  const second = (await openBoard(`/?lang=${lang}`)).fragment();
  assert.notEqual(second.room, first.room);
  assert.notEqual(second.key, first.key);
  assert.notEqual(second.mod, first.mod);
});

it('the board is a focusable application whose canvas is aria-hidden', async ({ board }) => {
  const info = await board.board.evaluate((el) => ({
    tabIndex: el.tabIndex,
    hidden: el.closest('[aria-hidden=true]') !== null,
    canvases: [...el.querySelectorAll('canvas')].map((c) => c.closest('[aria-hidden=true]') !== null),
  }));
  assert.ok(info.tabIndex >= 0, `the Board is focusable (tabIndex ${info.tabIndex})`);
  assert.equal(info.hidden, false, 'the application element itself is not aria-hidden');
  assert.ok(info.canvases.length >= 1, 'a canvas is inside the Board');
  assert.ok(info.canvases.every(Boolean), 'every canvas inside the Board is aria-hidden');
  await board.board.focus();
  assert.ok(await board.board.evaluate((el) => el === document.activeElement), 'the Board takes focus');
});

it('the toolbar has every tool as a named button, Select pressed', async ({ board }) => {
  await board.toolbar.waitFor({ state: 'visible' });
  for (const [key, shortcut] of TOOLS) {
    const b = board.tool(key);
    assert.equal(await b.count(), 1, `one button named exactly "${board.t.tool[key]}" in the toolbar`);
    const attrs = await b.evaluate((el) => ({
      tag: el.tagName,
      disabled: el.disabled || el.getAttribute('aria-disabled') === 'true',
      title: el.getAttribute('title') || '',
      keys: el.getAttribute('aria-keyshortcuts') || '',
    }));
    assert.equal(attrs.tag, 'BUTTON', `${key} is a real <button>`);
    if (attrs.disabled) assert.ok(attrs.title.trim(), `disabled tool ${key} explains itself in a title tooltip`);
    assert.ok(
      attrs.keys.split(/\s+/).some((k) => k.toUpperCase() === shortcut),
      `${key} has aria-keyshortcuts containing ${shortcut} (got "${attrs.keys}")`,
    );
  }
  for (const key of ['select', 'hand', 'note']) {
    assert.equal(await board.tool(key).isEnabled(), true, `${key} is built and enabled`);
  }
  assert.equal(await board.isPressed(board.tool('select')), true, 'Select is the active tool');
  assert.equal(await board.isPressed(board.tool('note')), false);
  for (const key of ['undo', 'redo', 'export', 'share']) {
    assert.equal(await board.action(key).count(), 1, `one action button named "${board.t.action[key]}"`);
  }
});

it('Note tool + click creates a note centred there, with a focused editor; typing writes into it', async ({ board, page }) => {
  await board.chooseTool('note');
  assert.equal(await board.isPressed(board.tool('select')), false, 'Select is not pressed while Note is');
  const p = await board.boardPoint(-120, 40);
  await board.assertBoardAt(p.x, p.y);
  await page.mouse.click(p.x, p.y);
  const [note] = await board.waitCount(1, 'one element after the click');
  assert.equal(String(note.kind).toLowerCase(), 'note');
  assert.ok(note.w > 0 && note.h > 0, `the note has a size: ${JSON.stringify(note)}`);
  const r = await board.screenRect(note);
  assert.ok(Math.abs(r.cx - p.x) <= 2 && Math.abs(r.cy - p.y) <= 2, `note centred at (${p.x}, ${p.y}); its centre is at (${r.cx}, ${r.cy})`);
  await board.waitEditorFocused();
  await page.keyboard.type('Hello board');
  await board.waitElements((els) => els[0]?.text === 'Hello board', 'the note text follows the typing');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitPressed(board.tool('select'), true, 'the tool returns to Select after creating a note');
  assert.equal(await board.isPressed(board.tool('note')), false);
  await board.waitOutline(['Note: Hello board']);
  assert.equal((await board.elements()).length, 1);
});

it('key N then click creates a note too', async ({ board, page }) => {
  await board.press('n');
  await board.waitPressed(board.tool('note'), true, 'N selects the Note tool');
  const p = await board.boardPoint(60, -60);
  await page.mouse.click(p.x, p.y);
  await board.waitCount(1);
  await board.waitEditorFocused();
  await page.keyboard.type('via key');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: via key']);
  // V and H select their tools.
  await board.press('h');
  await board.waitPressed(board.tool('hand'), true, 'H selects the Hand tool');
  await board.press('v');
  await board.waitPressed(board.tool('select'), true, 'V selects the Select tool');
});

it('a click outside on the board commits the text and creates nothing else', async ({ board }) => {
  const note = await board.createNote({ text: 'Clicked away', dx: 100, commit: 'click' });
  assert.equal(note.text, 'Clicked away');
  await board.waitPressed(board.tool('select'), true);
  const els = await board.elements();
  assert.equal(els.length, 1, `only the one note: ${JSON.stringify(els)}`);
  await board.waitOutline(['Note: Clicked away']);
  assert.equal(await board.editor.isVisible(), false);
  // The page keeps working: another note.
  await board.createNote({ text: 'Second', dx: -150, dy: 80 });
  await board.waitOutline(['Note: Clicked away', 'Note: Second']);
});

it('an empty note is kept and reads "Note:"', async ({ board }) => {
  await board.createNote({ text: '' });
  await board.waitCount(1);
  await board.waitOutline(['Note:']);
  assert.equal((await board.elements())[0].text, '');
});

it('German: Notiz creates a note whose outline item reads "Notiz: …"', async ({ board }) => {
  const note = await board.createNote({ text: 'Hallo Welt' });
  assert.equal(note.text, 'Hallo Welt');
  await board.waitOutline(['Notiz: Hallo Welt']);
  assert.equal(await board.editor.isVisible(), false, 'editor closed');
}, { lang: 'de' });
