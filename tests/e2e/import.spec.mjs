// Import (UI.md "Export and import"): "Open file" and dropping a file on the board.
// A .lernraum file, or a PNG or SVG export with board data, asks "Open a board": "Open"
// makes it a new board (new room in the URL), "Merge" applies it into this board as one
// undo step. A text file becomes one note per line. A file Lernraum cannot open is an
// alert saying the board is unchanged, and the board is unchanged. Texts from a file are
// shown as text, never run as markup.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { e2eSuite, eventually } from './harness.mjs';
import { parseFragment } from './board-page.mjs';
import {
  ExportDialog, UNCHANGED, buildWorkshop, comparable, dropFile, importDialog, makeBoardFile, notice,
  openFile, pageFile, pngChunks, pngFromChunks, setInputFile,
} from './files.mjs';

const { it: rawIt } = e2eSuite(import.meta.url);

/**
 * `it`, plus: fails if a page ever opens a JavaScript dialog, throws (pageerror), sets
 * `window.__xss`, or requests `/x` (what `<img src=x>` would load).
 */
function it(name, fn, opts) {
  rawIt(name, async (s) => {
    const dialogs = [];
    const pageErrors = [];
    const requests = [];
    const watch = (page) => {
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      page.on('pageerror', (e) => pageErrors.push(String(e?.message || e)));
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/x') requests.push(r.url());
      });
    };
    watch(s.page);
    const newPage = s.newPage;
    s.newPage = async () => {
      const p = await newPage();
      watch(p);
      return p;
    };
    await fn(s);
    assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    assert.deepEqual(dialogs, [], 'no JavaScript dialog opened');
    assert.deepEqual(requests, [], 'no <img src=x> was loaded');
    if (!s.page.isClosed()) assert.equal(await s.page.evaluate(() => window.__xss), undefined, 'window.__xss was never set');
  }, opts);
}

const file = (name, buffer, mimeType = 'application/octet-stream') => ({ name, mimeType, buffer: Buffer.from(buffer) });

/** Deterministic pseudo-random bytes (not valid UTF-8, not a PNG). */
function noise(n, seed = 7) {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  out[0] = 0xff; // never a valid UTF-8 start, never a signature
  return out;
}

/** A small PNG without board data (pngjs). */
function plainPng() {
  const p = new PNG({ width: 8, height: 6 });
  p.data.fill(200);
  return PNG.sync.write(p);
}

/** `png` with an extra chunk before IEND. */
function withChunk(png, type, data) {
  const chunks = pngChunks(png).map(({ type, data }) => ({ type, data }));
  chunks.splice(chunks.length - 1, 0, { type, data });
  return pngFromChunks(chunks);
}

const zTXt = (payload) => Buffer.concat([Buffer.from('lernraum\0\0', 'latin1'), payload]);

/** Wait for the "Open a board" dialog; returns its text. */
async function waitImportDialog(page) {
  const dlg = importDialog(page);
  await dlg.waitFor({ state: 'visible' });
  return (await dlg.textContent()).replace(/\s+/g, ' ').trim();
}

/** Click "Open" in the import dialog and wait for the new board to load; returns the new room. */
async function openAsNew(board, oldRoom) {
  const { page } = board;
  const loaded = page.waitForEvent('load', { timeout: 30_000 });
  await importDialog(page).getByRole('button', { name: 'Open', exact: true }).click();
  await loaded;
  await board.waitReady();
  const room = board.room();
  assert.ok(room && room !== oldRoom, `"Open" goes to a new room: ${oldRoom} → ${room}`);
  return room;
}

/** A small board file made by JavaScript Yjs: a frame with a note, and two notes outside. */
function fixture() {
  const frameId = 'fixtureFrame000000000';
  return makeBoardFile({
    title: 'Fixture board',
    elements: [
      { id: frameId, kind: 'frame', x: 0, y: 0, w: 500, h: 400, color: 'white', text: 'Ideas' },
      { id: 'fixtureNoteA000000000', kind: 'note', x: 40, y: 60, w: 200, h: 200, text: 'Inside', parent: frameId },
      { id: 'fixtureNoteB000000000', kind: 'note', x: 600, y: 60, w: 200, h: 200, color: 'blue', text: 'Outside one' },
      { id: 'fixtureNoteC000000000', kind: 'note', x: 850, y: 60, w: 200, h: 200, color: 'green', text: 'Outside two' },
    ],
  });
}

// ---- Open, Merge, images, text, drop ---------------------------------------------------

it('"Open file" with a .lernraum file, then "Open": a new board (new room) with the same elements and title', async ({ board, page, openBoard, newPage }) => {
  const { els, title } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('Board file');
  await dlg.close();
  const oldUrl = page.url();
  const oldRoom = board.room();

  await openFile(board, file(out.name, out.bytes));
  const text = await waitImportDialog(page);
  assert.ok(text.includes(`“${out.name}”: a board with ${els.length} elements.`), `the dialog names the file and its size: ${text}`);
  for (const b of ['Open', 'Merge', 'Cancel']) {
    assert.equal(await importDialog(page).getByRole('button', { name: b, exact: true }).count(), 1, `a "${b}" button`);
  }
  await openAsNew(board, oldRoom);
  const got = await board.waitCount(els.length, 'the opened board has all elements');
  assert.deepEqual(comparable(got), comparable(els), 'the same elements (ids, boxes, colours, texts, parents)');
  assert.equal(await board.title.inputValue(), title, 'the same title');
  await board.whenSaved();
  await board.reload();
  assert.deepEqual(comparable(await board.waitCount(els.length, 'the opened board is stored')), comparable(els), 'and it is still there after a reload');

  const original = await openBoard(oldUrl.replace(/^https?:\/\/[^/]+/, ''), await newPage());
  assert.deepEqual(comparable(await original.waitCount(els.length)), comparable(els), 'the board it came from is unchanged');
});

it('"Merge" adds the file\'s elements to this board as one undo step; Ctrl+Z removes them again', async ({ board, page }) => {
  const { els } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('Board file');
  await dlg.close();

  await board.goto('/?lang=en');
  const room = board.room();
  const mine = await board.createNote({ text: 'Mine', dx: 250, dy: -120 });
  await openFile(board, file(out.name, out.bytes));
  await waitImportDialog(page);
  await importDialog(page).getByRole('button', { name: 'Merge', exact: true }).click();
  await importDialog(page).waitFor({ state: 'hidden' });
  const merged = await board.waitCount(els.length + 1, 'the file\'s elements are added');
  assert.equal(board.room(), room, 'Merge stays on this board');
  assert.deepEqual(comparable(merged.filter((e) => e.id !== mine.id)), comparable(els), 'the file\'s elements, as they were');
  assert.deepEqual(comparable(merged.filter((e) => e.id === mine.id)), comparable([mine]), 'this board\'s note is kept');

  await board.press('ControlOrMeta+z');
  const back = await board.waitCount(1, 'one Ctrl+Z removes the whole merge');
  assert.equal(back[0].id, mine.id);
  await board.press('ControlOrMeta+Shift+z');
  await board.waitCount(els.length + 1, 'Redo brings the merge back');
});

for (const [format, ext, type] of [['PNG', 'png', 'image/png'], ['SVG', 'svg', 'image/svg+xml']]) {
  it(`a ${format} exported with board data opens again as a board`, async ({ board, page }) => {
    const { els, title } = await buildWorkshop(board);
    const dlg = await new ExportDialog(board).open();
    const out = await dlg.exportAs(format, { scope: 'Whole board', scale: 1, embed: true });
    await dlg.close();
    assert.equal(out.name, `${title}.${ext}`);
    const oldRoom = board.room();
    await openFile(board, file(out.name, out.bytes, type));
    const text = await waitImportDialog(page);
    assert.ok(text.includes(`a board with ${els.length} elements`), text);
    await openAsNew(board, oldRoom);
    const got = await board.waitCount(els.length, `the board from the ${format}`);
    assert.deepEqual(comparable(got), comparable(els));
    assert.equal(await board.title.inputValue(), title);
  });
}

it('a text file of 130 lines becomes 130 notes at once, without asking', async ({ board, page }) => {
  const lines = Array.from({ length: 130 }, (_, i) => `Measure ${i + 1}`);
  await openFile(board, file('measures.txt', lines.join('\n') + '\n', 'text/plain'));
  const els = await board.waitCount(130, '130 notes from 130 lines');
  assert.deepEqual(els.map((e) => e.text).sort(), [...lines].sort());
  assert.ok(els.every((e) => e.kind === 'note'));
  assert.equal(await importDialog(page).count(), 0, 'no dialog for text');
  assert.equal(await notice(page).count(), 0, 'no alert');
});

it('dropping a .lernraum file on the board asks to open or merge it; Cancel leaves the board as it was', async ({ board, page }) => {
  const { bytes, elements } = fixture();
  const mine = await board.createNote({ text: 'Stays', dx: 250, dy: -120 });
  const handle = await pageFile(page, { name: 'fixture.lernraum', bytes });
  await dropFile(board, handle);
  const text = await waitImportDialog(page);
  assert.ok(text.includes('“fixture.lernraum”: a board with 4 elements.'), text);
  await importDialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
  await importDialog(page).waitFor({ state: 'hidden' });
  await page.waitForTimeout(300);
  assert.deepEqual(comparable(await board.elements()), comparable([mine]), 'Cancel changes nothing');

  await dropFile(board, handle);
  await waitImportDialog(page);
  await importDialog(page).getByRole('button', { name: 'Merge', exact: true }).click();
  const els = await board.waitCount(5, 'the dropped board merged in');
  assert.deepEqual(
    els.filter((e) => e.id !== mine.id).map((e) => [e.id, e.kind, e.text, e.parent]).sort(),
    elements.map((e) => [e.id, e.kind, e.text, e.parent ?? null]).sort(),
    'the elements written by JavaScript Yjs, with their parent',
  );
});

// ---- files that cannot be opened ---------------------------------------------------------

const DAMAGED = /^The file is damaged( \(.+\))?\. Your board is unchanged\.$/;
const CANNOT = /^Lernraum cannot open this file\./;
const NO_BOARD = /^This image holds no board data/;
const TOO_LARGE = /^The file is too large/;

const BAD_FILES = [
  ['a .lernraum with the wrong magic', DAMAGED.source + '|' + CANNOT.source, () => {
    const b = Buffer.from(fixture().bytes);
    b.write('LERNRAUX', 0, 'latin1');
    return file('wrong-magic.lernraum', b);
  }],
  ['a .lernraum of an unknown format version', DAMAGED.source + '|' + CANNOT.source, () => {
    const b = Buffer.from(fixture().bytes);
    b[8] = 2;
    return file('version-2.lernraum', b);
  }],
  ['a truncated .lernraum', DAMAGED.source, () => {
    const b = fixture().bytes;
    return file('truncated.lernraum', b.subarray(0, Math.floor(b.length / 2)));
  }],
  ['a .lernraum of only the header', DAMAGED.source + '|' + CANNOT.source, () => file('header.lernraum', Buffer.from('LERNRAUM\x01', 'latin1'))],
  ['an empty .lernraum', DAMAGED.source + '|' + CANNOT.source, () => file('empty.lernraum', Buffer.alloc(0))],
  ['random bytes', CANNOT.source, () => file('noise.bin', noise(4096))],
  ['a PNG without board data', NO_BOARD.source, () => file('photo.png', plainPng(), 'image/png')],
  ['a PNG whose lernraum zTXt holds garbage', DAMAGED.source, () => file('garbage.png', withChunk(plainPng(), 'zTXt', zTXt(noise(300, 3))), 'image/png')],
  ['a PNG whose lernraum zTXt is not base64', DAMAGED.source, () =>
    file('not-base64.png', withChunk(plainPng(), 'zTXt', zTXt(zlib.deflateSync('%%% this is not base64 %%%'))), 'image/png')],
  ['a PNG whose lernraum zTXt holds a cut-off board', DAMAGED.source, () => {
    const b = fixture().bytes;
    const b64 = b.subarray(0, Math.floor(b.length / 2)).toString('base64');
    return file('cut-board.png', withChunk(plainPng(), 'zTXt', zTXt(zlib.deflateSync(b64))), 'image/png');
  }],
  ['a PNG cut off in the middle', DAMAGED.source, () => {
    const png = withChunk(plainPng(), 'zTXt', zTXt(zlib.deflateSync(fixture().bytes.toString('base64'))));
    return file('cut.png', png.subarray(0, png.length - 30), 'image/png');
  }],
  ['an SVG without board data', NO_BOARD.source, () =>
    file('drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Hi</text></svg>', 'image/svg+xml')],
  ['an SVG whose board data is not base64', DAMAGED.source, () =>
    file('broken.svg', '<svg xmlns="http://www.w3.org/2000/svg"><metadata id="lernraum-board" data-format="lernraum-base64">!!not*base64!!</metadata></svg>', 'image/svg+xml')],
];

/** A board with one note; returns its elements. */
async function boardWithANote(board) {
  await board.createNote({ text: 'Keep me', dx: -200, dy: 150 });
  await board.whenSaved();
  return board.elements();
}

/** Asserts the alert for a file that cannot be opened, and that nothing changed. */
async function assertRefused(board, before, room, expected, what) {
  const { page } = board;
  const alert = notice(page);
  await alert.waitFor({ state: 'visible' });
  assert.equal(await alert.getAttribute('role'), 'alert');
  const message = ((await alert.locator('p').textContent()) ?? '').trim();
  assert.match(message, new RegExp(expected), `${what}: a clear message (got ${JSON.stringify(message)})`);
  assert.ok(message.endsWith(UNCHANGED), `${what}: the message ends "${UNCHANGED}" (got ${JSON.stringify(message)})`);
  await page.waitForTimeout(300);
  assert.equal(await importDialog(page).count(), 0, `${what}: no "Open a board" dialog`);
  assert.deepEqual(await board.elements(), before, `${what}: the board's elements are unchanged`);
  assert.equal(board.room(), room, `${what}: still the same board`);
  await alert.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await alert.waitFor({ state: 'hidden' });
}

for (const [what, expected, make] of BAD_FILES) {
  it(`refused: ${what}`, async ({ board }) => {
    const before = await boardWithANote(board);
    await openFile(board, make());
    await assertRefused(board, before, board.room(), expected, what);
  });
}

it('refused: a 65 MB file (made in the page), through "Open file" and by dropping it', async ({ board, page }) => {
  const before = await boardWithANote(board);
  const room = board.room();
  const huge = await pageFile(page, { name: 'huge.lernraum', size: 65 * 1024 * 1024 });
  await setInputFile(board, huge);
  await assertRefused(board, before, room, TOO_LARGE.source, '65 MB through the file input');
  await dropFile(board, huge);
  await assertRefused(board, before, room, TOO_LARGE.source, '65 MB dropped');
  await huge.dispose();
});

// ---- markup in files -------------------------------------------------------------------

const XSS = '<img src=x onerror=window.__xss=1>';

it('markup in a board file (title, note, shape label, frame title, file name) is shown as text, never run', async ({ board, page }) => {
  const { bytes } = makeBoardFile({
    title: XSS,
    elements: [
      { id: 'xssNote0000000000000', kind: 'note', x: 0, y: 0, w: 200, h: 200, text: XSS },
      { id: 'xssRect0000000000000', kind: 'rect', x: 300, y: 0, w: 240, h: 160, color: 'blue', text: XSS },
      { id: 'xssFrame000000000000', kind: 'frame', x: 0, y: 400, w: 400, h: 300, color: 'white', text: XSS },
    ],
  });
  const oldRoom = board.room();
  const name = `${XSS}.lernraum`;
  await openFile(board, file(name, bytes));
  const text = await waitImportDialog(page);
  assert.ok(text.includes(`“${name}”: a board with 3 elements.`), `the file name is shown as text: ${text}`);
  assert.equal(await importDialog(page).locator('img').count(), 0, 'no <img> in the dialog');
  await openAsNew(board, oldRoom);
  await board.waitCount(3);
  const want = [`Frame: ${XSS}`, `Note: ${XSS}`, `Rectangle: ${XSS}`];
  await eventually(
    async () => {
      const got = (await board.outlineTexts()).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`outline is ${JSON.stringify(got)}`);
      return true;
    },
    { message: 'the outline items to read exactly the raw texts' },
  );
  assert.equal(await board.title.inputValue(), XSS, 'the title field holds the raw title');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img[src="x"], [onerror]').length), 0, 'no element was made from the markup');

  // The same markup in a text file becomes a note's text.
  await openFile(board, file('lines.txt', `${XSS}\nplain`, 'text/plain'));
  await board.waitCount(5);
  await eventually(async () => (await board.outlineTexts()).filter((t) => t === `Note: ${XSS}`).length === 2, {
    message: 'a second note with the markup as text in the outline',
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});
