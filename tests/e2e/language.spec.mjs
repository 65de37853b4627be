// German and English accessible names (UI.md), the ?lang= override, German as fallback.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';
import { BoardPage, NAMES, TOOLS } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

/** Every name UI.md promises for the board view, checked in `board`'s language. */
async function checkNames(board) {
  const t = board.t;
  assert.equal(await board.toolbar.count(), 1, `toolbar "${t.tools}"`);
  for (const [key] of TOOLS) {
    assert.equal(await board.tool(key).count(), 1, `tool button "${t.tool[key]}"`);
  }
  for (const key of ['undo', 'redo', 'export', 'share']) {
    assert.equal(await board.action(key).count(), 1, `action button "${t.action[key]}"`);
  }
  assert.equal(await board.board.count(), 1, `application "${t.board}"`);
  assert.equal(await board.outline.count(), 1, `list "${t.outline}"`);
  assert.equal(await board.title.count(), 1, `textbox "${t.title}"`);
  assert.equal(await board.title.inputValue(), t.untitled, 'default title');
  assert.equal(await board.boardsButton.count(), 1, `button "${t.boards}"`);

  // A note: editor name, outline label, colour picker names.
  const note = await board.createNote({ text: 'x', commit: false });
  assert.equal(await board.editor.count(), 1, `editor "${t.editText}"`);
  await board.page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline([`${t.kind.note}: x`]);
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colourGroup.waitFor({ state: 'visible' });
  for (const [i, name] of t.colours.entries()) {
    assert.equal(await board.colour(i).count(), 1, `colour button "${name}"`);
  }
}

it('?lang=en shows the English names', async ({ board }) => {
  await checkNames(board);
}, { lang: 'en', contextOptions: { locale: 'de-DE' } });

it('?lang=de shows the German names', async ({ board }) => {
  await checkNames(board);
  // And none of the English ones.
  const en = new BoardPage(board.page, { lang: 'en', baseUrl: board.baseUrl });
  assert.equal(await en.toolbar.count(), 0, 'no English "Tools" toolbar');
  assert.equal(await en.outline.count(), 0, 'no English "Board contents" list');
}, { lang: 'de', contextOptions: { locale: 'en-US' } });

it('an unsupported ?lang=fr falls back to German', async ({ openBoard }) => {
  const board = await openBoard('/?lang=fr', undefined, 'de');
  await board.toolbar.waitFor({ state: 'visible' });
  assert.equal(await board.tool('select').count(), 1, `"${NAMES.de.tool.select}"`);
  assert.equal(await board.outline.count(), 1, `"${NAMES.de.outline}"`);
  assert.equal(await board.title.inputValue(), NAMES.de.untitled);
}, { open: false, contextOptions: { locale: 'fr-FR' } });

it('?lang= survives into the new board link and a reload', async ({ board, page }) => {
  assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
  await board.reload();
  assert.equal(await board.toolbar.count(), 1, 'still English after a reload');
}, { lang: 'en', contextOptions: { locale: 'de-DE' } });

it('the document language follows the UI language (<html lang>, for screen readers)', async ({ openBoard }) => {
  const de = await openBoard('/?lang=de', undefined, 'de');
  assert.equal(await de.page.evaluate(() => document.documentElement.lang), 'de');
  const en = await openBoard('/?lang=en', undefined, 'en');
  assert.equal(await en.page.evaluate(() => document.documentElement.lang), 'en');
}, { open: false });
