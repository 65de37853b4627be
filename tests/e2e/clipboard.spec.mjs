// Copy, cut, paste and duplicate (UI.md "Other shortcuts", docs/schema.md "Clipboard
// format"): the Lernraum clipboard document, pasting at the view centre, plain text as
// one note per line, Ctrl+D, and carrying elements from one board to another.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

/** A context whose pages may read and write the system clipboard. */
const CLIPBOARD = { contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } };

const near = (a, b, tol = 1.5) => Math.abs(a - b) <= tol;

/** The bounding box of elements, with its centre. */
function bounds(els) {
  const x = Math.min(...els.map((e) => e.x));
  const y = Math.min(...els.map((e) => e.y));
  const r = Math.max(...els.map((e) => e.x + e.w));
  const b = Math.max(...els.map((e) => e.y + e.h));
  return { x, y, w: r - x, h: b - y, cx: (x + r) / 2, cy: (y + b) / 2 };
}

/** Pairs of elements whose boxes overlap (touching edges do not count). */
function overlaps(els) {
  const out = [];
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      const [a, b] = [els[i], els[j]];
      if (a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) {
        out.push([a.text, b.text]);
      }
    }
  }
  return out;
}

/** The board point at the centre of the view. */
async function viewCentre(board) {
  const b = await board.boardBox();
  return board.toBoard(b.x + b.width / 2, b.y + b.height / 2);
}

/** Two notes, both selected. */
async function twoSelectedNotes(board) {
  const a = await board.createNote({ text: 'Ask openly', dx: -120, dy: -60 });
  const b = await board.createNote({ text: 'Listen', dx: 140, dy: 20 });
  await board.clickElement(a.id);
  await board.clickElement(b.id, { shift: true });
  await board.waitSelected([a.id, b.id]);
  return [a, b];
}

it('Ctrl+C puts the selection on the clipboard as a Lernraum clipboard document', async ({ board }) => {
  const [a, b] = await twoSelectedNotes(board);
  await board.press('ControlOrMeta+c');
  const doc = await board.waitClipboardDocument('Ctrl+C to write the Lernraum document to the clipboard');
  assert.equal(doc.lernraum, 'clipboard');
  assert.equal(doc.version, 1);
  assert.equal(doc.elements.length, 2, `two elements: ${JSON.stringify(doc)}`);
  const [ca, cb] = doc.elements;
  assert.deepEqual([ca.text, cb.text], ['Ask openly', 'Listen'], 'in paint order');
  for (const e of doc.elements) {
    assert.equal(e.kind, 'note');
    assert.deepEqual([e.w, e.h, e.color], [200, 200, 'yellow']);
    assert.equal(typeof e.id, 'string');
  }
  assert.deepEqual([Math.min(ca.x, cb.x), Math.min(ca.y, cb.y)], [0, 0], 'positions are relative to the top-left of the set');
  assert.deepEqual([cb.x - ca.x, cb.y - ca.y], [b.x - a.x, b.y - a.y], 'the layout is kept');
  assert.equal((await board.elements()).length, 2, 'copying changes nothing on the board');
}, CLIPBOARD);

it('Ctrl+V pastes copies with new ids at the view centre, selected, keeping their layout, as one undo step', async ({ board, page }) => {
  const [a, b] = await twoSelectedNotes(board);
  await board.press('ControlOrMeta+c');
  await board.waitClipboardDocument();
  // Look elsewhere, so "at the view centre" differs from "where the originals are".
  const v0 = await board.view();
  const p = await board.boardPoint(0, 0);
  await page.mouse.move(p.x, p.y);
  await page.mouse.wheel(260, 180);
  await board.waitView((v) => v.x !== v0.x && v.y !== v0.y, 'the wheel pans the view');
  await board.press('ControlOrMeta+v');
  const els = await board.waitCount(4, 'two copies after Ctrl+V');
  const copies = els.filter((e) => e.id !== a.id && e.id !== b.id);
  assert.equal(copies.length, 2, 'the copies have new ids');
  const [pa, pb] = copies;
  assert.deepEqual([pa.text, pb.text], ['Ask openly', 'Listen']);
  assert.ok(near(pb.x - pa.x, b.x - a.x) && near(pb.y - pa.y, b.y - a.y), 'the copies keep their relative layout');
  const c = await viewCentre(board);
  const box = bounds(copies);
  assert.ok(near(box.cx, c.x, 2) && near(box.cy, c.y, 2), `the copies are centred in the view at (${c.x}, ${c.y}); their centre is (${box.cx}, ${box.cy})`);
  await board.waitSelected([pa.id, pb.id], 'the pasted copies are selected');
  await board.waitOutline(['Note: Ask openly', 'Note: Listen', 'Note: Ask openly', 'Note: Listen']);
  await board.undo();
  const left = await board.waitCount(2, 'one Undo removes the whole paste');
  assert.deepEqual(left.map((e) => e.id).sort(), [a.id, b.id].sort());
}, CLIPBOARD);

it('Ctrl+X cuts: the selection leaves the board and Ctrl+V brings it back', async ({ board }) => {
  const keep = await board.createNote({ text: 'Stays', dx: -200, dy: -40 });
  const cut = await board.createNote({ text: 'Cut me', dx: 150, dy: -40 });
  await board.clickElement(cut.id);
  await board.waitSelected([cut.id]);
  await board.press('ControlOrMeta+x');
  const els = await board.waitCount(1, 'Ctrl+X removes the selection');
  assert.equal(els[0].id, keep.id);
  const doc = await board.waitClipboardDocument('Ctrl+X to write the cut element to the clipboard');
  assert.deepEqual(doc.elements.map((e) => e.text), ['Cut me']);
  await board.press('ControlOrMeta+v');
  const back = await board.waitCount(2, 'Ctrl+V pastes the cut element');
  const pasted = back.find((e) => e.id !== keep.id);
  assert.equal(pasted.text, 'Cut me');
  await board.waitSelected([pasted.id]);
}, CLIPBOARD);

it('plain text pastes as one note per non-empty line, without bullets or numbers, in a grid', async ({ board, page }) => {
  await page.evaluate((t) => navigator.clipboard.writeText(t), '- Alpha\n\n2. Beta\n• Gamma\n   4) Delta\n* Epsilon\n');
  await board.press('ControlOrMeta+v');
  const els = await board.waitCount(5, 'five notes from five non-empty lines');
  assert.deepEqual(els.map((e) => e.text), ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon']);
  assert.ok(els.every((e) => String(e.kind).toLowerCase() === 'note'));
  assert.equal(new Set(els.map((e) => e.x)).size, 3, `⌈√5⌉ = 3 columns: ${JSON.stringify(els.map((e) => e.x))}`);
  assert.equal(new Set(els.map((e) => e.y)).size, 2, 'in two rows');
  assert.deepEqual(overlaps(els), [], 'no two notes overlap');
  const c = await viewCentre(board);
  const box = bounds(els);
  assert.ok(box.x < c.x && c.x < box.x + box.w && box.y < c.y && c.y < box.y + box.h, 'the notes are around the view centre');
  await board.waitSelected(els.map((e) => e.id), 'the new notes are selected');
}, CLIPBOARD);

it('a list of 130 measures pastes as exactly 130 notes in 12 columns, without overlaps, as one undo step', async ({ board }) => {
  const lines = Array.from({ length: 130 }, (_, i) => `${i + 1}. Maßnahme ${i + 1}`);
  await board.pasteText(lines.join('\r\n') + '\r\n');
  const els = await board.waitCount(130, '130 notes from 130 lines');
  assert.deepEqual(
    els.map((e) => e.text).sort(),
    lines.map((_, i) => `Maßnahme ${i + 1}`).sort(),
    'one note per line, numbering removed',
  );
  assert.equal(new Set(els.map((e) => e.x)).size, 12, '⌈√130⌉ = 12 columns');
  assert.deepEqual(overlaps(els), [], 'no two notes overlap');
  await board.waitSelection((sel) => sel.length === 130, 'all 130 are selected');
  await eventually(async () => (await board.outlineItems.count()) === 130, { message: 'the outline lists 130 notes' });
  await board.undo();
  await board.waitCount(0, 'one Undo removes all 130');
});

it('Ctrl+D duplicates the selection 20 units down and right, and selects the copy', async ({ board }) => {
  const note = await board.createNote({ text: 'Twin', dx: -100, dy: -60 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('ControlOrMeta+d');
  const els = await board.waitCount(2, 'Ctrl+D makes one copy');
  const copy = els.find((e) => e.id !== note.id);
  assert.deepEqual([copy.x, copy.y], [note.x + 20, note.y + 20], 'the copy sits 20 units down and right');
  assert.deepEqual([copy.w, copy.h, copy.text, copy.color], [note.w, note.h, note.text, note.color]);
  await board.waitSelected([copy.id], 'the copy is selected');
  await board.press('ControlOrMeta+d');
  const three = await board.waitCount(3, 'Ctrl+D again copies the copy');
  const third = three.find((e) => e.id !== note.id && e.id !== copy.id);
  assert.deepEqual([third.x, third.y], [note.x + 40, note.y + 40]);
  await board.undo();
  await board.waitCount(2, 'a duplicate is one undo step');
});

it('copy on one board, paste on another (two tabs sharing the clipboard)', async ({ board, newPage, openBoard }) => {
  const note = await board.createNote({ text: 'Shared idea', dx: -80, dy: -40 });
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await board.press('ControlOrMeta+c');
  await board.waitClipboardDocument();
  const other = await openBoard('/?lang=en', await newPage());
  assert.notEqual(other.room(), board.room(), 'a different board');
  await other.page.bringToFront();
  await other.press('ControlOrMeta+v');
  const [pasted] = await other.waitCount(1, 'the other board gets the copy');
  assert.equal(pasted.text, 'Shared idea');
  assert.notEqual(pasted.id, note.id, 'with a new id');
  await other.waitOutline(['Note: Shared idea']);
  assert.equal((await board.elements()).length, 1, 'the first board is unchanged');
}, CLIPBOARD);

it('the copied text carries to another board through a paste event', async ({ board, newPage, openBoard }) => {
  const a = await board.createNote({ text: 'Frame it', dx: -120, dy: -40 });
  const b = await board.createNote({ text: 'Say it', dx: 120, dy: -40 });
  await board.press('ControlOrMeta+a');
  await board.waitSelected([a.id, b.id]);
  const text = await board.copyText();
  const doc = JSON.parse(text);
  assert.equal(doc.lernraum, 'clipboard');
  assert.equal(doc.elements.length, 2);
  const other = await openBoard('/?lang=en', await newPage());
  await other.pasteText(text);
  const els = await other.waitCount(2, 'the other board gets both copies');
  assert.deepEqual(els.map((e) => e.text), ['Frame it', 'Say it']);
  assert.ok(near(els[1].x - els[0].x, b.x - a.x) && near(els[1].y - els[0].y, b.y - a.y), 'in the same layout');
  assert.ok(els.every((e) => e.id !== a.id && e.id !== b.id), 'with new ids');
});

it('pasting while editing a note pastes into its text, not as new notes', async ({ board, page }) => {
  await page.evaluate((t) => navigator.clipboard.writeText(t), 'pasted words');
  const note = await board.createNote({ text: 'Before: ', commit: false });
  await page.keyboard.press('ControlOrMeta+v');
  await board.waitElements((els) => els[0]?.text === 'Before: pasted words', 'the text editor takes the pasted text');
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  assert.equal((await board.elements()).length, 1, 'no note was made from the paste');
  assert.equal((await board.element(note.id)).text, 'Before: pasted words');
}, CLIPBOARD);
