// Export (UI.md "Export and import"): the Export dialog, and every format decoded in
// node: PNG size, pixels and the embedded board (zTXt "lernraum"), SVG text and its
// embedded board, the .lernraum file read by JavaScript Yjs, and the minutes as Markdown
// and CSV. Nothing exported carries a participant's name, and no text is ever run as
// markup (no alert() may fire).
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { e2eSuite } from './harness.mjs';
import {
  BACKGROUND, ExportDialog, FORMULA_NOTE, MINUS_NOTE, TEXT_LABEL, XSS_FRAME, XSS_NOTE,
  boardFileOfPng, boardFileOfSvg, buildWorkshop, comparable, imagePage, kindOf, lernraumChunks,
  parseCsv, pngChunks, pngSize, readBoardFile, readingOrder,
} from './files.mjs';

const { it: rawIt } = e2eSuite(import.meta.url);

/**
 * `it`, plus: fails if the page ever opens a JavaScript dialog (alert, confirm, prompt)
 * or sets `window.__xss`.
 */
function it(name, fn, opts) {
  rawIt(name, async (s) => {
    const dialogs = [];
    const watch = (page) =>
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
    watch(s.page);
    const newPage = s.newPage;
    s.newPage = async () => {
      const p = await newPage();
      watch(p);
      return p;
    };
    await fn(s);
    assert.deepEqual(dialogs, [], 'no JavaScript dialog opened (text was never run as markup)');
    assert.equal(await s.page.evaluate(() => window.__xss), undefined, 'window.__xss was never set');
  }, opts);
}

const CLIPBOARD = { contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] } };

/** Whitespace removed (SVG text is laid out in lines, one <tspan> each). */
const squash = (s) => String(s).replace(/\s+/g, '');
const hex = (rgb) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
const FILL = { yellow: '#fff1a6', red: '#ffb3ad', green: '#c3f0c8', blue: '#b9ddff', white: '#ffffff' };

/** Decoded RGBA pixels (pngjs). */
function decode(bytes) {
  const png = PNG.sync.read(bytes);
  const at = (x, y) => {
    const i = (png.width * Math.round(y) + Math.round(x)) * 4;
    return { r: png.data[i], g: png.data[i + 1], b: png.data[i + 2], a: png.data[i + 3] };
  };
  return { width: png.width, height: png.height, data: png.data, at };
}

const close = (p, rgb, tol = 6) =>
  Math.abs(p.r - rgb[0]) <= tol && Math.abs(p.g - rgb[1]) <= tol && Math.abs(p.b - rgb[2]) <= tol;
const rgbOf = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

/** The image pixel of board point (x, y) on `page`. */
const px = (page, x, y) => [(x - page.x) * page.scale, (y - page.y) * page.scale];

/** Asserts the structure of a PNG: signature, IHDR first, IEND last, every CRC right. */
function assertPngStructure(bytes, what) {
  const chunks = pngChunks(bytes);
  assert.equal(chunks[0].type, 'IHDR', `${what}: IHDR first`);
  assert.equal(chunks.at(-1).type, 'IEND', `${what}: IEND last`);
  const bad = chunks.filter((c) => !c.crcOk).map((c) => c.type);
  assert.deepEqual(bad, [], `${what}: every chunk's CRC is right`);
  return chunks;
}

/** Parse an SVG in the page: { error, root, ns, text (all <text> content), scripts, handlers, foreign }. */
async function parseSvgInPage(page, svg) {
  return page.evaluate((svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const err = doc.querySelector('parsererror');
    const all = [...doc.getElementsByTagName('*')];
    return {
      error: err ? err.textContent : null,
      root: doc.documentElement.localName,
      ns: doc.documentElement.namespaceURI,
      // Each text's lines, with a hyphen that only ends a line of a broken word
      // dropped, so a long word reads whole again.
      text: [...doc.getElementsByTagName('text')]
        .map((t) => {
          const lines = [...t.getElementsByTagName('tspan')];
          return lines.length ? lines.map((l) => l.textContent.replace(/-$/, '')).join('') : t.textContent;
        })
        .join('\n'),
      tspans: doc.getElementsByTagName('tspan').length,
      scripts: doc.getElementsByTagName('script').length,
      foreign: doc.getElementsByTagName('foreignObject').length,
      elements: [...new Set(all.map((e) => e.localName))],
      handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName}@${a.name}`)),
    };
  }, svg);
}

/** Whether the SVG loads as an image in the page: { ok, width, height }. */
async function svgLoads(page, svg) {
  return page.evaluate(async (svg) => {
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return { ok: true, width: img.naturalWidth, height: img.naturalHeight };
    } catch (e) {
      return { ok: false, error: String(e) };
    } finally {
      URL.revokeObjectURL(url);
    }
  }, svg);
}

/** Asserts a decoded board file holds exactly the board's elements and title. */
function assertSameBoard(file, els, title, what) {
  const got = readBoardFile(file);
  assert.equal(got.schema, 1, `${what}: meta.schema is 1`);
  assert.equal(got.title, title, `${what}: meta.title`);
  assert.deepEqual(comparable(got.elements), comparable(els), `${what}: the same elements (ids, kinds, boxes, colours, texts, parents)`);
  assert.ok(got.elements.every((e) => e.textIsYText), `${what}: every text is a Y.Text (SCHEMA.md)`);
  return got;
}

const exported = (n, name) => `Exported ${n} elements as “${name}”.`;

// ---------------------------------------------------------------------------------------

it('PNG: the image is the content plus padding, at 1×, 2× and 3× (IHDR and decoded)', async ({ board }) => {
  const { els, title } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  for (const scale of [1, 2, 3]) {
    const out = await dlg.exportAs('PNG', { scope: 'Whole board', scale });
    assert.equal(out.name, `${title}.png`, 'the file is named after the board');
    assert.equal(out.status, exported(els.length, out.name));
    assertPngStructure(out.bytes, `${scale}×`);
    const want = imagePage(els, scale);
    assert.deepEqual(pngSize(out.bytes), { width: want.width, height: want.height }, `${scale}×: IHDR size = ⌈(content + 2·32) · ${scale}⌉`);
    const img = decode(out.bytes);
    assert.deepEqual([img.width, img.height], [want.width, want.height], `${scale}×: pngjs decodes it at that size`);
  }
  const tight = await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, padding: 0 });
  const want = imagePage(els, 1, 0);
  assert.deepEqual(pngSize(tight.bytes), { width: want.width, height: want.height }, 'padding 0: exactly the content');
  const wide = await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, padding: 100 });
  const w100 = imagePage(els, 1, 100);
  assert.deepEqual(pngSize(wide.bytes), { width: w100.width, height: w100.height }, 'padding 100');
});

it('PNG pixels: the notes in their colours, the board background, or transparency with the background off', async ({ board }) => {
  const { els } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const page = imagePage(els, 1);
  const notes = els.filter((e) => kindOf(e) === 'note');

  const on = decode((await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, background: true })).bytes);
  const corner = on.at(2, 2);
  assert.ok(close(corner, BACKGROUND, 2) && corner.a === 255, `background on: the empty corner is ${hex(BACKGROUND)}, opaque (got ${JSON.stringify(corner)})`);
  for (const n of notes) {
    const p = on.at(...px(page, n.x + 12, n.y + 12));
    assert.ok(close(p, rgbOf(FILL[n.color])), `note "${n.text.slice(0, 20)}" (${n.color}) is drawn in ${FILL[n.color]} (got ${JSON.stringify(p)})`);
  }
  const colours = new Set();
  for (let i = 0; i < on.data.length; i += 4 * 37) colours.add((on.data[i] << 16) | (on.data[i + 1] << 8) | on.data[i + 2]);
  assert.ok(colours.size >= 8, `the image is not blank: ${colours.size} distinct colours sampled`);
  let opaque = 0;
  for (let i = 3; i < on.data.length; i += 4) opaque += on.data[i] === 255;
  assert.equal(opaque, on.width * on.height, 'background on: every pixel is opaque');

  const off = decode((await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, background: false })).bytes);
  assert.deepEqual([off.width, off.height], [on.width, on.height]);
  assert.equal(off.at(2, 2).a, 0, 'background off: the empty corner is transparent');
  let clear = 0;
  for (let i = 3; i < off.data.length; i += 4) clear += off.data[i] === 0;
  assert.ok(clear > off.width * off.height * 0.1, `background off: empty areas are transparent (${clear} of ${off.width * off.height} pixels)`);
  for (const n of notes) {
    const p = off.at(...px(page, n.x + 12, n.y + 12));
    assert.ok(close(p, rgbOf(FILL[n.color])) && p.a === 255, `background off: note "${n.text.slice(0, 20)}" is still drawn, opaque (got ${JSON.stringify(p)})`);
  }
});

it('PNG embeds the board: one zTXt "lernraum" chunk (method 0) with the base64 board file, which Yjs reads back', async ({ board }) => {
  const { els, title } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, embed: true });
  const chunks = assertPngStructure(out.bytes, 'embed on');
  const texts = lernraumChunks(out.bytes);
  assert.equal(texts.length, 1, 'one lernraum chunk');
  assert.equal(texts[0].type, 'zTXt', 'a compressed text chunk');
  assert.equal(texts[0].method, 0, 'compression method 0 (zlib)');
  const iz = chunks.findIndex((c) => c.type === 'zTXt');
  const lastIdat = chunks.map((c) => c.type).lastIndexOf('IDAT');
  assert.ok(iz > lastIdat, 'the chunk follows the image data, before IEND');
  const file = boardFileOfPng(out.bytes);
  assert.equal(file.subarray(0, 9).toString('latin1'), 'LERNRAUM\x01', 'the embedded bytes are a .lernraum file');
  assertSameBoard(file, els, title, 'the board embedded in the PNG');

  const plain = await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, embed: false });
  assertPngStructure(plain.bytes, 'embed off');
  assert.deepEqual(lernraumChunks(plain.bytes), [], 'with "Embed board data" off there is no lernraum chunk');
  assert.ok(plain.bytes.length < out.bytes.length);
});

it('selection and frame scope: smaller images holding only those elements', async ({ board }) => {
  const { els, frames, outside } = await buildWorkshop(board);
  const [n1, n2, n3] = outside.filter((e) => kindOf(e) === 'note');
  const whole = imagePage(els, 1);

  await board.clickElement(n1.id);
  await board.clickElement(n2.id, { shift: true });
  await board.waitSelected([n1.id, n2.id]);
  const dlg = await new ExportDialog(board).open();
  assert.equal(await dlg.radio('What to export', 'Selection').isEnabled(), true, 'Selection is offered while something is selected');
  const sel = await dlg.exportAs('PNG', { scope: 'Selection', scale: 1 });
  assert.equal(sel.status, exported(2, sel.name));
  const selPage = imagePage([n1, n2], 1);
  assert.deepEqual(pngSize(sel.bytes), { width: selPage.width, height: selPage.height }, 'the selection image fits the two notes');
  assert.ok(selPage.width < whole.width && selPage.height < whole.height, 'smaller than the whole board');
  const selImg = decode(sel.bytes);
  for (const n of [n1, n2]) {
    const p = selImg.at(...px(selPage, n.x + 12, n.y + 12));
    assert.ok(close(p, rgbOf(FILL[n.color])), `"${n.text}" is drawn in the selection image`);
  }
  const selSvg = (await dlg.exportAs('SVG', { scope: 'Selection', scale: 1 })).bytes.toString('utf8');
  const selParsed = await parseSvgInPage(board.page, selSvg);
  assert.equal(selParsed.error, null, `the selection SVG parses: ${selParsed.error}`);
  for (const n of [n1, n2]) assert.ok(squash(selParsed.text).includes(squash(n.text)), `the selection SVG holds "${n.text}"`);
  for (const e of els.filter((e) => ![n1.id, n2.id].includes(e.id) && e.text)) {
    assert.ok(!squash(selParsed.text).includes(squash(e.text)), `the selection SVG leaves out "${e.text.slice(0, 30)}"`);
  }
  await dlg.close();

  const donts = frames.find((f) => f.text === "Don'ts");
  const dos = frames.find((f) => f.text === XSS_FRAME);
  const inDonts = els.filter((e) => e.parent === donts.id);
  await dlg.open();
  await dlg.format('PNG');
  await dlg.scope('Frame');
  await dlg.frameSelect.waitFor({ state: 'visible' });
  const options = await dlg.frameSelect.locator('option').allTextContents();
  assert.deepEqual(options, frames.map((f) => f.text), 'the frames to choose from, by title (markup shown as text)');
  const fr = await dlg.exportAs('PNG', { scope: 'Frame', frame: "Don'ts", scale: 2 });
  assert.equal(fr.status, exported(1 + inDonts.length, fr.name), 'the frame and its notes');
  const frPage = imagePage([donts, ...inDonts], 2);
  assert.deepEqual(pngSize(fr.bytes), { width: frPage.width, height: frPage.height }, 'the frame image fits the frame with its title strip');
  const frSvg = (await dlg.exportAs('SVG', { scope: 'Frame', frame: "Don'ts", scale: 2 })).bytes.toString('utf8');
  const frParsed = await parseSvgInPage(board.page, frSvg);
  assert.equal(frParsed.error, null);
  for (const n of inDonts) assert.ok(squash(frParsed.text).includes(squash(n.text)), `the frame SVG holds "${n.text}"`);
  for (const e of [dos, n3, ...els.filter((e) => e.parent === dos.id)]) {
    assert.ok(!squash(frParsed.text).includes(squash(e.text)), `the frame SVG leaves out "${e.text}"`);
  }
});

it('SVG: well-formed, text stays (escaped) text, no script, and the board is embedded', async ({ board }) => {
  const { els, title } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('SVG', { scope: 'Whole board', embed: true });
  assert.equal(out.name, `${title}.svg`);
  assert.equal(out.status, exported(els.length, out.name));
  const svg = out.bytes.toString('utf8');
  assert.match(svg, /<svg\b[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/, 'an <svg> root in the SVG namespace');
  assert.ok(!/<script/i.test(svg), 'no <script in the file');
  assert.ok(!/<img/i.test(svg), 'no <img in the file');
  const tspans = [...svg.matchAll(/<tspan\b[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1].replace(/-$/, '')).join('');
  assert.ok(squash(tspans).includes(squash('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;')), 'the note\'s markup is escaped');
  assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the frame title\'s markup is escaped');

  const parsed = await parseSvgInPage(board.page, svg);
  assert.equal(parsed.error, null, `DOMParser reads it without a parsererror: ${parsed.error}`);
  assert.equal(parsed.root, 'svg');
  assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
  assert.equal(parsed.scripts, 0, 'no <script> element');
  assert.equal(parsed.foreign, 0, 'no <foreignObject>');
  assert.deepEqual(parsed.handlers, [], 'no on* attributes');
  assert.ok(parsed.tspans > 0, 'note texts are <tspan>s in <text>');
  for (const e of els.filter((e) => e.text)) {
    assert.ok(squash(parsed.text).includes(squash(e.text)), `the text of ${kindOf(e)} "${e.text.slice(0, 40)}" is text in the SVG`);
  }
  const loaded = await svgLoads(board.page, svg);
  assert.ok(loaded.ok && loaded.width > 0 && loaded.height > 0, `the SVG loads as an image: ${JSON.stringify(loaded)}`);

  assertSameBoard(boardFileOfSvg(svg), els, title, 'the board embedded in the SVG');
  const plain = (await dlg.exportAs('SVG', { scope: 'Whole board', embed: false })).bytes.toString('utf8');
  assert.ok(!plain.includes('lernraum-board'), 'with "Embed board data" off there is no board metadata');
});

it('board file: "LERNRAUM", format 1, then the Yjs update of the whole board, read by JavaScript Yjs', async ({ board }) => {
  const { els, title } = await buildWorkshop(board);
  // Something selected must not narrow the board file.
  await board.clickElement(els.find((e) => kindOf(e) === 'text').id);
  const dlg = await new ExportDialog(board).open();
  await dlg.format('Board file');
  assert.equal(await dlg.group('What to export').isVisible(), false, 'image choices are hidden for the board file');
  const out = await dlg.download();
  assert.equal(out.name, `${title}.lernraum`);
  assert.equal(out.bytes.subarray(0, 8).toString('latin1'), 'LERNRAUM', 'magic');
  assert.equal(out.bytes[8], 1, 'format byte 1');
  assertSameBoard(out.bytes, els, title, 'the .lernraum file');
});

it('Markdown minutes: title, one heading per frame in board order with its notes in reading order, then the rest', async ({ board }) => {
  const { els, title, frames, outside } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('Markdown');
  assert.equal(out.name, `${title}.md`);
  const md = out.bytes.toString('utf8');
  const lines = md.split('\n');
  assert.equal(lines[0], `# ${title} — Minutes`);
  assert.ok(!/(^|[^\\])<(script|img)/im.test(md), 'markup in texts is escaped, never raw HTML');

  // Parse: "## heading" sections of "- item" bullets (continuation lines indented).
  const unescape = (s) => s.replace(/\\(.)/g, '$1');
  const norm = (s) => unescape(s).replace(/\s+/g, ' ').trim();
  const sections = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('## ')) sections.push({ heading: unescape(line.slice(3)), items: [] });
    else if (line.startsWith('- ')) sections.at(-1).items.push(line.slice(2));
    else if (/^\s+\S/.test(line) && sections.at(-1)?.items.length) sections.at(-1).items.push(sections.at(-1).items.pop() + '\n' + line);
  }
  const outsideTexts = els.filter((e) => !e.parent && kindOf(e) !== 'frame' && e.text.trim());
  const want = [
    ...frames.map((f) => ({ heading: f.text, items: readingOrder(els.filter((e) => e.parent === f.id)).map((e) => e.text) })),
    { heading: 'Outside frames', items: readingOrder(outsideTexts).map((e) => (kindOf(e) === 'note' ? e.text : `*Text:* ${e.text}`)) },
  ];
  assert.deepEqual(
    sections.map((s) => ({ heading: s.heading, items: s.items.map(norm) })),
    want.map((s) => ({ heading: s.heading, items: s.items.map((t) => t.replace(/\s+/g, ' ').trim()) })),
    'the sections and items of the minutes',
  );
  assert.ok(outside.some((e) => e.text === TEXT_LABEL));
});

it('CSV minutes: BOM, header frame,kind,text,votes, CRLF, quoting, and formulas defused', async ({ board }) => {
  const { els, title, frames } = await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const out = await dlg.exportAs('CSV');
  assert.equal(out.name, `${title}.csv`);
  assert.deepEqual([...out.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
  const text = out.bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('frame,kind,text,votes\r\n'), 'the header, then CRLF');
  assert.ok(text.endsWith('\r\n'));
  const rows = parseCsv(text); // throws on a line break outside quotes that is not CRLF
  assert.deepEqual(rows[0], ['frame', 'kind', 'text', 'votes']);
  assert.ok(rows.every((r) => r.length === 4), `four fields in every row: ${JSON.stringify(rows.filter((r) => r.length !== 4))}`);
  const defuse = (s) => (/^([=+@\t\r]|-[0-9(=+@])/.test(s) ? `'${s}` : s);
  const outsideTexts = els.filter((e) => !e.parent && kindOf(e) !== 'frame' && e.text.trim());
  const want = [
    ...frames.flatMap((f) => readingOrder(els.filter((e) => e.parent === f.id)).map((e) => [f.text, 'Note', e.text, ''])),
    ...readingOrder(outsideTexts).map((e) => ['', kindOf(e) === 'note' ? 'Note' : 'Text', defuse(e.text), '']),
  ];
  assert.deepEqual(rows.slice(1), want, 'one row per text, frames in board order, reading order inside');
  assert.ok(rows.some((r) => r[2] === `'${FORMULA_NOTE}`), `"${FORMULA_NOTE}" is defused with a leading '`);
  assert.ok(rows.some((r) => r[2] === `'${MINUS_NOTE}`), `"${MINUS_NOTE}" is defused with a leading '`);
  assert.ok(rows.some((r) => r[2] === XSS_NOTE), 'the note with quotes reads back exactly');
  assert.ok(rows.some((r) => r[0] === XSS_FRAME), 'the frame title with markup reads back exactly');
  assert.ok(text.includes(`"'${MINUS_NOTE}"`), 'a field with a comma is quoted');
  assert.ok(text.includes('"<script>alert(1)</script> & ""q"""'), 'quotes are doubled inside a quoted field');
});

it('"Copy to clipboard" puts the Markdown minutes on the clipboard', async ({ board }) => {
  await buildWorkshop(board);
  const dlg = await new ExportDialog(board).open();
  const file = (await dlg.exportAs('Markdown')).bytes.toString('utf8');
  await dlg.button('Copy to clipboard').click();
  await dlg.waitStatus(/^Copied to the clipboard\.$/);
  assert.equal(await board.clipboardText(), file, 'the clipboard holds the same minutes as the file');
}, CLIPBOARD);

it('an empty board: "Nothing to export", no download; Selection and Frame are not offered; Escape closes', async ({ board, page }) => {
  let downloads = 0;
  page.on('download', () => downloads++);
  const dlg = await new ExportDialog(board).open();
  assert.equal(await dlg.dialog.getAttribute('aria-modal'), 'true');
  assert.equal(await board.action('export').getAttribute('aria-haspopup'), 'dialog');
  for (const f of ['PNG', 'SVG', 'Board file', 'Markdown', 'CSV']) assert.equal(await dlg.radio('Format', f).count(), 1, `format "${f}"`);
  assert.equal(await dlg.radio('Scale', '2×').isChecked(), true, 'scale 2× by default');
  assert.equal(await dlg.checkbox('Background').isChecked(), true, 'background on by default');
  assert.equal(await dlg.checkbox('Embed board data (to open it again)').isChecked(), true, 'embedding on by default');
  assert.equal(await dlg.paddingField.inputValue(), '32', 'padding 32 by default');
  assert.equal(await dlg.radio('What to export', 'Selection').isDisabled(), true, 'Selection is disabled with nothing selected');
  assert.equal(await dlg.radio('What to export', 'Frame').isDisabled(), true, 'Frame is disabled on a board without frames');
  for (const f of ['PNG', 'SVG']) {
    await dlg.format(f);
    await dlg.button('Download').click();
    await dlg.waitStatus(/^Nothing to export/, `${f}: the status says there is nothing to export`);
    await board.page.waitForTimeout(200);
  }
  assert.equal(downloads, 0, 'no file was downloaded');
  await page.keyboard.press('Escape');
  await dlg.dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await board.elements(), [], 'the board is still empty');

  const note = await board.createNote({ text: 'Alone', dx: -100, dy: 0 });
  await board.clickEmpty(250, 150);
  await board.waitSelection((s) => s.length === 0);
  await dlg.open();
  assert.equal(await dlg.radio('What to export', 'Selection').isDisabled(), true, 'Selection stays disabled with nothing selected');
  assert.equal(await dlg.radio('What to export', 'Frame').isDisabled(), true);
  await dlg.close();
  await board.clickElement(note.id);
  await board.waitSelected([note.id]);
  await dlg.open();
  assert.equal(await dlg.radio('What to export', 'Selection').isEnabled(), true, 'Selection is offered once something is selected');
  await page.keyboard.press('Escape');
  await dlg.dialog.waitFor({ state: 'hidden' });
});

it('no names in exports: a board with two named participants exports no name', async ({ page, openBoard, newPage }) => {
  const NAMES = ['Erika', 'Mustermann', 'Jolanda', 'Quast'];
  const board = await openBoard('/?lang=en&name=Erika%20Mustermann');
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k !== 'lernraum.name'));
  const { els } = await buildWorkshop(board);
  // A second named participant in another tab, present (presence) while exporting.
  const second = await newPage();
  const u = new URL(page.url());
  u.searchParams.set('name', 'Jolanda Quast');
  await second.goto(u.toString());
  await second.waitForFunction(() => window.__lernraum?.elements().length > 0, null, { timeout: 15000 });
  await page.waitForFunction(
    () => window.__lernraum.peers().some((p) => p.name === 'Jolanda Quast'),
    null,
    { timeout: 15000 },
  );
  const dlg = await new ExportDialog(board).open();
  const outs = {
    png: await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, embed: true }),
    svg: await dlg.exportAs('SVG', { scope: 'Whole board', embed: true }),
    board: await dlg.exportAs('Board file'),
    md: await dlg.exportAs('Markdown'),
    csv: await dlg.exportAs('CSV'),
  };
  const views = {
    ...Object.fromEntries(Object.entries(outs).map(([k, o]) => [`${k} file`, o.bytes])),
    'png zTXt (inflated)': Buffer.from(lernraumChunks(outs.png.bytes).map((c) => c.text).join(''), 'latin1'),
    'board in the png': boardFileOfPng(outs.png.bytes),
    'board in the svg': boardFileOfSvg(outs.svg.bytes.toString('utf8')),
    'file names': Buffer.from(Object.values(outs).map((o) => o.name).join('\n')),
  };
  views['board (Yjs JSON)'] = Buffer.from(JSON.stringify(readBoardFile(outs.board.bytes).doc.toJSON()));
  for (const [what, bytes] of Object.entries(views)) {
    for (const n of NAMES) {
      assert.equal(bytes.indexOf(Buffer.from(n, 'utf8')), -1, `${what} does not contain "${n}"`);
    }
  }
  assert.ok(els.length > 5);
  assert.ok(keys.every((k) => !NAMES.some((n) => k.includes(n))), 'no storage key carries the name');
}, { open: false });

it('no trace of deleted text: a name typed and then removed is not in the exported board data', async ({ board, page }) => {
  // A person types a name into a note and the board title, then removes it again. The
  // board shows no name; the exports must not carry it either (UI.md: "Nothing exported
  // carries a participant's name"; the Chatham House rule of SCHEMA.md).
  await board.setTitle('Erika Mustermann');
  await board.setTitle('Workshop');
  const note = await board.createNote({ text: 'Erika Mustermann said so', dx: -150 });
  await board.dblclickElement(note.id);
  await board.waitEditorFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Someone said so');
  await page.keyboard.press('Escape');
  await board.waitElements((els) => els.length === 1 && els[0].text === 'Someone said so');
  const gone = await board.createNote({ text: 'Ask Mustermann', dx: 150 });
  await board.clickElement(gone.id);
  await board.waitSelected([gone.id]);
  await board.press('Delete');
  await board.waitCount(1);
  const dlg = await new ExportDialog(board).open();
  const file = (await dlg.exportAs('Board file')).bytes;
  const png = boardFileOfPng((await dlg.exportAs('PNG', { scope: 'Whole board', scale: 1, embed: true })).bytes);
  const svg = boardFileOfSvg((await dlg.exportAs('SVG', { scope: 'Whole board', embed: true })).bytes.toString('utf8'));
  assert.deepEqual(readBoardFile(file).elements.map((e) => e.text), ['Someone said so'], 'the board itself is right');
  for (const [what, bytes] of Object.entries({ '.lernraum file': file, 'board in the PNG': png, 'board in the SVG': svg })) {
    for (const n of ['Erika', 'Mustermann']) {
      assert.equal(bytes.indexOf(Buffer.from(n)), -1, `${what} still holds the deleted "${n}" (at byte ${bytes.indexOf(Buffer.from(n))})`);
    }
  }
});

it('a 10,000-element board exports as a scaled-down, non-blank PNG, with a message', async ({ board, page }) => {
  // 10,000 notes through "Open file" with a text file of 10,000 lines.
  const lines = Array.from({ length: 10000 }, (_, i) => `Maßnahme ${i + 1}`).join('\n');
  const { openFile } = await import('./files.mjs');
  await openFile(board, { name: 'massnahmen.txt', mimeType: 'text/plain', buffer: Buffer.from(lines) });
  await board.waitCount(10000, '10,000 notes from the text file');
  await page.keyboard.press('Escape');
  await page.evaluate(() => window.__lernraum.selection && null);
  const dlg = await new ExportDialog(board).open();
  await dlg.format('PNG');
  await dlg.scope('Whole board');
  await dlg.scale(2);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), dlg.button('Download').click()]);
  const fs = await import('node:fs');
  const bytes = fs.readFileSync(await dl.path());
  const status = await dlg.waitStatus(/^Exported 10000 elements as “.+”\. The image would be too large for the browser: it was drawn at \d+ % instead\./);
  const pct = Number(/drawn at (\d+) %/.exec(status)[1]);
  assert.ok(pct > 0 && pct < 200, status);
  const { width, height } = pngSize(bytes);
  assert.ok(width <= 16384 && height <= 16384 && width * height <= 64 * 1024 * 1024 * 1.01, `${width}×${height}`);
  const png = PNG.sync.read(bytes);
  const colours = new Set();
  for (let i = 0; i < png.data.length; i += 4 * 997) colours.add(png.data.readUInt32BE(i));
  assert.ok(colours.size > 3, `the image is not blank (${colours.size} colours sampled)`);
  // It still carries the whole board.
  const file = boardFileOfPng(bytes);
  assert.ok(file && readBoardFile(file).elements.length === 10000);
}, { timeout: 240000 });
