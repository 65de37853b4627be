// Editing a note's text again (UI.md "Editing": double-click or Enter edits; Esc or a
// click outside ends editing).
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

it('double-click on a note reopens its editor with the text; Escape commits the change', async ({ board, page }) => {
  const note = await board.createNote({ text: 'First' });
  await board.dblclickElement(note.id);
  await board.waitEditorFocused();
  assert.equal(await board.editor.inputValue(), 'First', 'the editor shows the current text');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Second');
  await board.waitElements((els) => els.find((e) => e.id === note.id)?.text === 'Second', 'text replaced');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: Second']);
  assert.equal((await board.elements()).length, 1, 'editing creates no element');
});

it('Enter with one note selected and the board focused opens the editor', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Enter me', dx: -100 });
  await board.clickEmpty(200, 120);
  await board.waitSelected([], 'a click on empty board clears the selection');
  await board.clickElement(note.id);
  await board.waitSelected([note.id], 'a click on the note selects it');
  await board.press('Enter');
  await board.waitEditorFocused();
  assert.equal(await board.editor.inputValue(), 'Enter me');
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  await board.waitElements((els) => els[0]?.text === 'Enter me!', 'typed at the end');
  // A click outside on the board commits.
  await board.clickEmpty(250, 150);
  await board.waitEditorClosed();
  await board.waitOutline(['Note: Enter me!']);
  assert.equal((await board.elements()).length, 1, 'the click that ended editing created nothing');
});

it('keys typed into the editor are text, not shortcuts', async ({ board, page }) => {
  const note = await board.createNote({ text: '', commit: false });
  await page.keyboard.type('vhn abc');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Delete');
  await board.waitElements((els) => els.length === 1 && els[0].text === 'vhn ab', 'Backspace edits the text and deletes no note');
  assert.equal(await board.isPressed(board.tool('hand')), false, 'typing "h" did not choose Hand');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: vhn ab']);
  assert.equal((await board.element(note.id))?.text, 'vhn ab');
});

it('editing one of several notes changes only that one', async ({ board, page }) => {
  const a = await board.createNote({ text: 'A', dx: -200 });
  const b = await board.createNote({ text: 'B', dx: 0 });
  const c = await board.createNote({ text: 'C', dx: 200 });
  await board.dblclickElement(b.id);
  await board.waitEditorFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Bee');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Note: A', 'Note: Bee', 'Note: C']);
  const els = await board.elements();
  assert.deepEqual(els.map((e) => [e.id, e.text]), [[a.id, 'A'], [b.id, 'Bee'], [c.id, 'C']]);
});

it('German: the editor is named "Text bearbeiten"', async ({ board, page }) => {
  const note = await board.createNote({ text: 'Eins' });
  await board.dblclickElement(note.id);
  await board.waitEditorFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Zwei');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitOutline(['Notiz: Zwei']);
}, { lang: 'de' });
