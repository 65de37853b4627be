// Templates (UI.md "Starting up", "Templates"): a non-modal gallery on an empty board,
// dismissible, reopened from the top bar; a template lands centred in view, all of it
// visible, as one undo step.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';
import { TEMPLATES } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

const kind = (e) => String(e?.kind).toLowerCase();
/** Board units of the title strip above a frame. */
const TITLE = 28;

/** Insert template `key` from the (visible) gallery; returns the elements it added. */
async function insertTemplate(board, key) {
  const before = new Set((await board.elements()).map((e) => e.id));
  await board.templatesRegion.waitFor({ state: 'visible' });
  await board.templateButton(key).click();
  await board.templatesRegion.waitFor({ state: 'hidden' });
  const els = await board.waitElements(
    (els) => els.some((e) => !before.has(e.id)),
    `the "${board.t.template[key]}" template to add elements`,
  );
  return els.filter((e) => !before.has(e.id));
}

/** Asserts that every element (frames with their title strip) lies inside the board on screen. */
async function assertAllVisible(board, els, what) {
  const view = await board.boardBox();
  for (const e of els) {
    const top = kind(e) === 'frame' ? { ...e, y: e.y - TITLE, h: e.h + TITLE } : e;
    const r = await board.screenRect(top);
    const inside = r.x >= view.x - 0.5 && r.y >= view.y - 0.5 &&
      r.x + r.w <= view.x + view.width + 0.5 && r.y + r.h <= view.y + view.height + 0.5;
    assert.ok(inside, `${what}: ${kind(e)} "${e.text.slice(0, 30)}" at ${JSON.stringify(r)} is inside the board ${JSON.stringify(view)}`);
  }
}

/** Asserts the screen centre of `els` (frame titles included) is the board's centre. */
async function assertCentred(board, els, what) {
  const rects = await Promise.all(els.map((e) => board.screenRect(kind(e) === 'frame' ? { ...e, y: e.y - TITLE, h: e.h + TITLE } : e)));
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.w));
  const y1 = Math.max(...rects.map((r) => r.y + r.h));
  const c = await board.boardPoint(0, 0);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  assert.ok(Math.abs(cx - c.x) <= 3 && Math.abs(cy - c.y) <= 3, `${what}: centred in the view at (${c.x}, ${c.y}), is at (${cx}, ${cy})`);
}

/** Asserts every non-frame element with a parent lies inside that frame, which is one of `els`. */
function assertChildrenInside(els, what) {
  const frames = new Map(els.filter((e) => kind(e) === 'frame').map((f) => [f.id, f]));
  for (const e of els.filter((e) => e.parent)) {
    const f = frames.get(e.parent);
    assert.ok(f, `${what}: "${e.text}" names a frame of the template as parent`);
    assert.ok(e.x >= f.x && e.y >= f.y && e.x + e.w <= f.x + f.w && e.y + e.h <= f.y + f.h,
      `${what}: "${e.text}" lies inside its frame "${f.text}"`);
  }
}

it('an empty board offers the template gallery with four templates', async ({ board }) => {
  const region = board.templatesRegion;
  await region.waitFor({ state: 'visible' });
  for (const key of TEMPLATES) {
    const b = board.templateButton(key);
    assert.equal(await b.count(), 1, `one button for "${board.t.template[key]}"`);
    const text = (await b.innerText()).replace(/\s+/g, ' ').trim();
    assert.ok(text.startsWith(board.t.template[key]) && text.length > board.t.template[key].length + 10,
      `the button shows the name and a description: "${text}"`);
  }
  assert.equal(await region.getByRole('button', { name: /^\s*(Team agreement|Problem map|Prioritisation matrix|Retrospective)/ }).count(), 4);
  assert.equal(await board.page.getByRole('dialog').count(), 0, 'the gallery is not a dialog');
  assert.equal(await region.getAttribute('aria-modal'), null, 'and not modal');
});

it('the gallery is not modal: the tools work while it shows, and it leaves once the board has content', async ({ board }) => {
  await board.templatesRegion.waitFor({ state: 'visible' });
  await board.chooseTool('rectangle');
  await board.templatesRegion.waitFor({ state: 'visible' });
  const rect = await board.drawShape('rectangle', await board.boardPoint(-100, -150));
  assert.equal(kind(rect), 'rect');
  await board.templatesRegion.waitFor({ state: 'hidden' });
  await board.createNote({ text: 'Working', dx: 120, dy: -120 });
  await board.whenSaved();
  await board.reload();
  await board.waitCount(2);
  await board.frame();
  assert.equal(await board.templatesRegion.isVisible(), false, 'a board with content does not offer the gallery after a reload');
});

it('"Dismiss" hides the gallery; the Templates button in the top bar brings it back', async ({ board }) => {
  await board.templatesRegion.waitFor({ state: 'visible' });
  await board.dismissTemplates.click();
  await board.templatesRegion.waitFor({ state: 'hidden' });
  assert.equal(await board.templatesButton.count(), 1, `one top bar button named "${board.t.templates}"`);
  await board.templatesButton.click();
  await board.templatesRegion.waitFor({ state: 'visible' });
  await board.dismissTemplates.click();
  await board.templatesRegion.waitFor({ state: 'hidden' });
  assert.deepEqual(await board.elements(), [], 'dismissing inserts nothing');
});

it('Team agreement: two frames and the Chatham House rule card, centred and visible, as one undo step', async ({ board }) => {
  const els = await insertTemplate(board, 'teamAgreement');
  const frames = els.filter((e) => kind(e) === 'frame');
  assert.equal(frames.length, 2, `two frames: ${JSON.stringify(frames.map((f) => f.text))}`);
  const card = els.find((e) => /Neither the identity nor the affiliation of any speaker may be revealed/.test(e.text));
  assert.ok(card, 'a card states the Chatham House rule');
  assert.equal(kind(card), 'note');
  assert.equal(card.color, 'blue', 'the rule card is blue');
  assert.ok(els.filter((e) => kind(e) === 'note' && e.parent).length >= 2, 'example notes sit in the frames');
  assertChildrenInside(els, 'Team agreement');
  await assertAllVisible(board, els, 'Team agreement');
  await assertCentred(board, els, 'Team agreement');
  const outline = await board.outlineTexts();
  assert.ok(frames.every((f) => outline.some((t) => t.startsWith(`Frame: ${f.text}`))), `the frames are in the outline: ${JSON.stringify(outline)}`);
  await board.undo();
  await board.waitCount(0, 'one Undo removes the whole template');
});

for (const key of ['problemMap', 'prioritisation', 'retrospective']) {
  it(`${key}: inserts frames with notes in them, centred in view and all visible`, async ({ board }) => {
    const name = board.t.template[key];
    const els = await insertTemplate(board, key);
    const frames = els.filter((e) => kind(e) === 'frame');
    const notes = els.filter((e) => kind(e) === 'note');
    assert.ok(frames.length >= 2, `${name}: frames (${frames.length})`);
    assert.ok(notes.length >= frames.length, `${name}: notes (${notes.length})`);
    assert.ok(notes.every((n) => n.parent), `${name}: every note sits in a frame`);
    assertChildrenInside(els, name);
    await assertAllVisible(board, els, name);
    await assertCentred(board, els, name);
    await board.undo();
    await board.waitCount(0, `${name}: one Undo removes it`);
  });
}

it('asked for on a board with content, a template is added to it and undone on its own', async ({ board }) => {
  const note = await board.createNote({ text: 'Already here', dx: -100, dy: -100 });
  await board.templatesRegion.waitFor({ state: 'hidden' });
  await board.templatesButton.click();
  const added = await insertTemplate(board, 'retrospective');
  assert.ok(added.length >= 2);
  assert.equal((await board.elements()).length, added.length + 1, 'the note is kept');
  await assertAllVisible(board, added, 'Retrospective');
  await board.undo();
  const [left] = await board.waitCount(1, 'Undo removes only the template');
  assert.equal(left.id, note.id);
  await board.frame();
  assert.equal(await board.templatesRegion.isVisible(), false, 'the gallery stays away until asked for again');
});

it('German: "Vorlagen" offers "Teamvereinbarung" with the Chatham-Haus-Regel card', async ({ board }) => {
  await board.templatesRegion.waitFor({ state: 'visible' });
  for (const key of TEMPLATES) assert.equal(await board.templateButton(key).count(), 1, `"${board.t.template[key]}"`);
  const els = await insertTemplate(board, 'teamAgreement');
  assert.ok(els.some((e) => /Weder die Identität noch die Zugehörigkeit/.test(e.text)), 'the German rule card');
  assert.equal(els.filter((e) => kind(e) === 'frame').length, 2);
  await assertAllVisible(board, els, 'Teamvereinbarung');
}, { lang: 'de' });
