// The outline: the board's contents as an accessible list (UI.md "Outline").
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

it('the outline is present on an empty board', async ({ board }) => {
  await board.outline.waitFor({ state: 'attached' });
  assert.equal(await board.outline.count(), 1);
  assert.equal(await board.outlineItems.count(), 0);
});

it('one focusable item per element, in paint order, reading "Note: text"', async ({ board }) => {
  await board.createNote({ text: 'One', dx: -220 });
  await board.createNote({ text: 'Two', dx: 0 });
  await board.createNote({ text: 'Three', dx: 220 });
  await board.waitOutline(['Note: One', 'Note: Two', 'Note: Three']);
  const els = await board.elements();
  assert.deepEqual(els.map((e) => e.text), ['One', 'Two', 'Three'], 'elements() is in paint order too');
  const zs = els.map((e) => e.z);
  assert.ok(zs.every((z, i) => i === 0 || z > zs[i - 1]) || zs.every((z, i) => i === 0 || String(z) > String(zs[i - 1])),
    `z increases in paint order: ${JSON.stringify(zs)}`);
  const tabIndexes = await board.outlineItems.evaluateAll((items) => items.map((li) => li.tabIndex));
  assert.deepEqual(tabIndexes, [0, 0, 0], 'every item has tabindex 0');
});

it('clicking an item selects its element', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -200 });
  const b = await board.createNote({ text: 'B', dx: 200 });
  await board.clickEmpty(0, 200);
  await board.waitSelected([]);
  await board.outlineItem('B').click();
  await board.waitSelected([b.id], 'clicking "Note: B" selects B');
  await board.outlineItem('A').click();
  await board.waitSelected([a.id], 'clicking "Note: A" selects A');
});

it('focusing an item (Tab) selects its element', async ({ board, page }) => {
  const a = await board.createNote({ text: 'A', dx: -200 });
  const b = await board.createNote({ text: 'B', dx: 200 });
  await board.outlineItem('A').focus();
  await board.waitSelected([a.id], 'focusing "Note: A" selects A');
  await page.keyboard.press('Tab');
  assert.ok(await board.outlineItem('B').evaluate((el) => el === document.activeElement), 'Tab moves to the next item');
  await board.waitSelected([b.id], 'tabbing to "Note: B" selects B');
});

it('Enter on a focused item opens the text editor for that element', async ({ board, page }) => {
  await board.createNote({ text: 'Left', dx: -200 });
  const b = await board.createNote({ text: 'Right', dx: 200 });
  await board.outlineItem('Right').focus();
  await page.keyboard.press('Enter');
  await board.waitEditorFocused();
  assert.equal(await board.editor.inputValue(), 'Right');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Rechts');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: Left', 'Note: Rechts']);
  assert.equal((await board.element(b.id)).text, 'Rechts');
});

it('Delete on a focused item deletes its element', async ({ board, page }) => {
  await board.createNote({ text: 'Keep', dx: -200 });
  await board.createNote({ text: 'Drop', dx: 200 });
  await board.outlineItem('Drop').focus();
  await page.keyboard.press('Delete');
  await board.waitOutline(['Note: Keep']);
  assert.deepEqual((await board.elements()).map((e) => e.text), ['Keep']);
});

it('the outline follows edits, moves and deletes made on the canvas', async ({ board }) => {
  const n = await board.createNote({ text: 'Canvas' });
  await board.waitOutline(['Note: Canvas']);
  await board.clickElement(n.id);
  await board.dragElement(n.id, 50, 50);
  await board.waitOutline(['Note: Canvas']);
  await board.press('Delete');
  await board.waitOutline([]);
});

it('German: "Board-Inhalt" with "Notiz: …" items', async ({ board }) => {
  await board.outline.waitFor({ state: 'attached' });
  await board.createNote({ text: 'Eins', dx: -150 });
  await board.createNote({ text: '', dx: 150 });
  await board.waitOutline(['Notiz: Eins', 'Notiz:']);
}, { lang: 'de' });
