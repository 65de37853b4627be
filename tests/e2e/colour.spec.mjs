// The colour picker recolours the selection (UI.md "Selecting and changing").
import assert from 'node:assert/strict';
import { e2eSuite, eventually, pixelAt } from './harness.mjs';
import { COLOURS } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

async function pressedColours(board) {
  const pressed = [];
  for (const [i, key] of COLOURS.entries()) {
    if ((await board.colour(i).getAttribute('aria-pressed')) === 'true') pressed.push(key);
  }
  return pressed;
}

it('the Colour group appears only with a selection, with all ten colours', async ({ board }) => {
  const note = await board.createNote({ text: 'Colourful' });
  await board.clickEmpty(0, 200);
  await board.waitSelected([]);
  await board.colourGroup.waitFor({ state: 'hidden' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colourGroup.waitFor({ state: 'visible' });
  const names = await board.colourGroup.getByRole('button').evaluateAll((bs) =>
    bs.map((b) => (b.getAttribute('aria-label') || b.textContent || '').trim()),
  );
  assert.equal(await board.colourGroup.getByRole('button').count(), 10, `ten colour buttons: ${JSON.stringify(names)}`);
  for (const i of COLOURS.keys()) assert.equal(await board.colour(i).count(), 1, `"${board.t.colours[i]}"`);
  const pressed = await pressedColours(board);
  assert.equal(pressed.length, 1, `exactly one colour is pressed: ${JSON.stringify(pressed)}`);
});

it('clicking Blue recolours the selected note, in the model and on the canvas', async ({ board, page }) => {
  const note = await board.createNote({ text: '', dx: -100 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colourGroup.waitFor({ state: 'visible' });
  const before = (await board.element(note.id)).color;
  const r = await board.screenRect(note.id);
  const px0 = await pixelAt(page, r.cx, r.cy);
  await board.colour('blue').click();
  await board.waitElements((els) => els[0].color !== before, `the note's color changes from ${JSON.stringify(before)}`);
  await board.waitPressed(board.colour('blue'), true, 'Blue is now pressed');
  assert.deepEqual(await pressedColours(board), ['blue'], 'only Blue is pressed');
  // What a person sees: the note's centre turns blue.
  await eventually(async () => {
    const px = await pixelAt(page, r.cx, r.cy);
    if (!(px.b > px.r + 30 && px.b >= px.g)) throw new Error(`pixel ${JSON.stringify(px)} (before ${JSON.stringify(px0)})`);
    return true;
  }, { message: 'the note is painted blue' });
  assert.equal((await board.elements()).length, 1);
  await board.waitSelected([note.id], 'the note stays selected');
});

it('recolouring several selected notes gives them all the same colour', async ({ board }) => {
  const a = await board.createNote({ text: 'A', dx: -220 });
  const b = await board.createNote({ text: 'B', dx: 0 });
  const c = await board.createNote({ text: 'C', dx: 220 });
  await board.clickElement(a.id);
  await board.clickElement(c.id, { shift: true });
  await board.waitSelected([a.id, c.id]);
  await board.colour('red').click();
  const els = await board.waitElements((els) => {
    const get = (id) => els.find((e) => e.id === id);
    return get(a.id).color === get(c.id).color && get(a.id).color !== b.color;
  }, 'A and C get the same new colour, B keeps its own');
  assert.equal(els.find((e) => e.id === b.id).color, b.color);
  const red = els.find((e) => e.id === a.id).color;
  await board.colour('green').click();
  await board.waitElements((els) => {
    const get = (id) => els.find((e) => e.id === id);
    return get(a.id).color === get(c.id).color && get(a.id).color !== red;
  }, 'then both turn green');
  await board.waitPressed(board.colour('green'), true);
});

it('a recolour is one undo step', async ({ board }) => {
  const note = await board.createNote({ text: 'Undo colour' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colour('violet').click();
  await board.waitElements((els) => els[0].color !== note.color, 'recoloured');
  await board.undo();
  await board.waitElements((els) => els.length === 1 && els[0].color === note.color, 'Undo restores the colour, keeps the note');
  await board.redo();
  await board.waitElements((els) => els[0].color !== note.color, 'Redo recolours again');
});

it('the colour survives a reload', async ({ board }) => {
  const note = await board.createNote({ text: 'Kept colour' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colour('cyan').click();
  const [e] = await board.waitElements((els) => els[0].color !== note.color, 'recoloured');
  await board.whenSaved();
  await board.reload();
  await board.waitElements((els) => els.length === 1 && els[0].color === e.color, 'same colour after reload');
});

it('German: "Farbe" with Gelb … Weiß', async ({ board }) => {
  const note = await board.createNote({ text: 'Bunt' });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.colourGroup.waitFor({ state: 'visible' });
  await board.colour('pink').click(); // "Rosa"
  await board.waitPressed(board.colour('pink'), true, '"Rosa" is pressed');
  await board.colour('white').click(); // "Weiß"
  await board.waitPressed(board.colour('white'), true, '"Weiß" is pressed');
}, { lang: 'de' });
