// Helpers for the export and import specs (UI.md "Export and import"): the Export
// dialog by its accessible names, opening files through "Open file" or a drop, and
// decoding what the app wrote: PNG chunks, the `.lernraum` board file (with real Yjs),
// the board embedded in PNG and SVG, and the CSV minutes.

import fs from 'node:fs';
import zlib from 'node:zlib';
import * as Y from 'yjs';
import { eventually } from './util.mjs';

export const MAGIC = Buffer.from('LERNRAUM', 'latin1');
export const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
/** Board units of the title strip above a frame. */
export const FRAME_TITLE = 28;
export const BACKGROUND = [0xf8, 0xf9, 0xfa];
export const UNCHANGED = 'Your board is unchanged.';

export const kindOf = (e) => String(e?.kind).toLowerCase();

// ---- the Export dialog ---------------------------------------------------------------

export class ExportDialog {
  constructor(board) {
    this.board = board;
    this.page = board.page;
    this.dialog = this.page.getByRole('dialog', { name: 'Export', exact: true });
  }
  /** Click "Export" in the top bar and wait for the dialog. */
  async open() {
    await this.board.action('export').click();
    await this.dialog.waitFor({ state: 'visible' });
    return this;
  }
  group(name) {
    return this.dialog.getByRole('group', { name, exact: true });
  }
  radio(group, name) {
    return this.group(group).getByRole('radio', { name, exact: true });
  }
  async format(name) {
    await this.radio('Format', name).check();
  }
  async scope(name) {
    await this.radio('What to export', name).check();
  }
  async scale(n) {
    await this.radio('Scale', `${n}×`).check();
  }
  checkbox(name) {
    return this.dialog.getByRole('checkbox', { name, exact: true });
  }
  async background(on) {
    await this.checkbox('Background').setChecked(on);
  }
  async embed(on) {
    await this.checkbox('Embed board data (to open it again)').setChecked(on);
  }
  get paddingField() {
    return this.dialog.getByRole('spinbutton', { name: 'Padding (px)', exact: true });
  }
  async padding(px) {
    await this.paddingField.fill(String(px));
    await this.paddingField.dispatchEvent('change');
  }
  get frameSelect() {
    return this.dialog.getByRole('combobox', { name: 'Which frame', exact: true });
  }
  button(name) {
    return this.dialog.getByRole('button', { name, exact: true });
  }
  get status() {
    return this.dialog.getByRole('status');
  }
  async statusText() {
    return ((await this.status.textContent()) ?? '').trim();
  }
  /** Wait until the status paragraph matches `re`; returns its text. */
  async waitStatus(re, message) {
    return eventually(
      async () => {
        const t = await this.statusText();
        if (!re.test(t)) throw new Error(`status is ${JSON.stringify(t)}`);
        return t;
      },
      { message: message ?? `the export status to match ${re}`, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  /**
   * Click "Download" and return the download: { name, bytes, status }. The status is read
   * once it says "Exported …".
   */
  async download() {
    const [dl] = await Promise.all([this.page.waitForEvent('download'), this.button('Download').click()]);
    const file = await dl.path();
    const bytes = fs.readFileSync(file);
    const status = await this.waitStatus(/^Exported \d+ elements as “.+”\.$/);
    return { name: dl.suggestedFilename(), bytes, status };
  }
  /** Choose `format` (and image options) and download. */
  async exportAs(format, { scope, scale, background, embed, padding, frame } = {}) {
    await this.format(format);
    if (scope) await this.scope(scope);
    if (frame) await this.frameSelect.selectOption({ label: frame });
    if (scale) await this.scale(scale);
    if (background !== undefined) await this.background(background);
    if (embed !== undefined) await this.embed(embed);
    if (padding !== undefined) await this.padding(padding);
    return this.download();
  }
  async close() {
    await this.button('Close').click();
    await this.dialog.waitFor({ state: 'hidden' });
  }
}

// ---- opening files ----------------------------------------------------------------------

/** The "Open a board" dialog. */
export const importDialog = (page) => page.getByRole('dialog', { name: 'Open a board', exact: true });
/** The alert (notice) the app shows for a file it cannot open. */
export const notice = (page) => page.locator('.notice[role=alert]');

/** Choose `file` ({ name, mimeType, buffer }) through the "Open file" button's file chooser. */
export async function openFile(board, file) {
  const button = board.page.getByRole('button', { name: 'Open file', exact: true });
  const [chooser] = await Promise.all([board.page.waitForEvent('filechooser'), button.click()]);
  await chooser.setFiles(file);
}

/** A File made in the page from `bytes` (a Buffer), or of `size` zero bytes, as a JSHandle. */
export async function pageFile(page, { name, type = '', bytes, size }) {
  return page.evaluateHandle(
    ({ name, type, base64, size }) => {
      let bytes;
      if (base64 !== undefined) {
        const bin = atob(base64);
        bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      } else {
        bytes = new Uint8Array(size);
      }
      return new File([bytes], name, { type });
    },
    { name, type, base64: bytes === undefined ? undefined : Buffer.from(bytes).toString('base64'), size },
  );
}

/** Drop a file (a JSHandle of a File) onto the board, as a drag from the desktop does. */
export async function dropFile(board, fileHandle) {
  const dataTransfer = await board.page.evaluateHandle((file) => {
    const dt = new DataTransfer();
    dt.items.add(file);
    return dt;
  }, fileHandle);
  await board.page.dispatchEvent('.board', 'dragover', { dataTransfer });
  await board.page.dispatchEvent('.board', 'drop', { dataTransfer });
}

/** Give the hidden file input a File made in the page, as the file chooser does. */
export async function setInputFile(board, fileHandle) {
  await board.page.evaluate((file) => {
    const input = document.querySelector('input.file-input');
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, fileHandle);
}

// ---- PNG ------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(...parts) {
  let c = 0xffffffff;
  for (const p of parts) for (const b of p) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks of a PNG: [{ type, data, crcOk }]. Throws if it is not a PNG or is cut off. */
export function pngChunks(buf) {
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG (signature)');
  const out = [];
  let off = 8;
  while (off < buf.length) {
    if (off + 12 > buf.length) throw new Error(`PNG cut off at ${off}`);
    const len = buf.readUInt32BE(off);
    const typeBytes = buf.subarray(off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (data.length !== len || off + 12 + len > buf.length) throw new Error('PNG chunk longer than the file');
    const crc = buf.readUInt32BE(off + 8 + len);
    out.push({ type: typeBytes.toString('latin1'), data, crcOk: crc === crc32(typeBytes, data) });
    off += 12 + len;
    if (out.at(-1).type === 'IEND') break;
  }
  return out;
}

/** One PNG chunk's bytes (length, type, data, CRC). */
export function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.from(type, 'latin1'), data));
  return Buffer.concat([head, data, crc]);
}

/** Rebuild a PNG from chunks ({ type, data }). */
export function pngFromChunks(chunks) {
  return Buffer.concat([PNG_SIGNATURE, ...chunks.map((c) => pngChunk(c.type, c.data))]);
}

/** IHDR width and height. */
export function pngSize(buf) {
  const ihdr = pngChunks(buf)[0];
  if (ihdr.type !== 'IHDR') throw new Error(`first chunk is ${ihdr.type}`);
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4) };
}

/**
 * The `lernraum` text chunks of a PNG: [{ type, method, text }] where `text` is the
 * inflated (zTXt) or plain (tEXt) text as a latin1 string.
 */
export function lernraumChunks(buf) {
  const out = [];
  for (const c of pngChunks(buf)) {
    if (!['zTXt', 'tEXt', 'iTXt'].includes(c.type)) continue;
    const nul = c.data.indexOf(0);
    if (nul < 0 || c.data.subarray(0, nul).toString('latin1') !== 'lernraum') continue;
    if (c.type === 'zTXt') {
      const method = c.data[nul + 1];
      out.push({ type: c.type, method, crcOk: c.crcOk, text: zlib.inflateSync(c.data.subarray(nul + 2)).toString('latin1') });
    } else {
      out.push({ type: c.type, crcOk: c.crcOk, text: c.data.subarray(nul + 1).toString('latin1') });
    }
  }
  return out;
}

/** Standard-alphabet base64 (padding optional, whitespace not allowed). */
export const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The board file embedded in a PNG export (decoded from its base64). */
export function boardFileOfPng(buf) {
  const chunks = lernraumChunks(buf);
  if (chunks.length !== 1) throw new Error(`expected one lernraum chunk, found ${chunks.length}`);
  const { text } = chunks[0];
  if (!STD_BASE64.test(text)) throw new Error(`the chunk text is not standard base64: ${text.slice(0, 80)}`);
  return Buffer.from(text, 'base64');
}

/** The board file embedded in an SVG export (`<metadata id="lernraum-board">`). */
export function boardFileOfSvg(svg) {
  const m = /<metadata id="lernraum-board" data-format="lernraum-base64">([^<]*)<\/metadata>/.exec(svg);
  if (!m) throw new Error('no <metadata id="lernraum-board" data-format="lernraum-base64"> in the SVG');
  const text = m[1].replace(/\s+/g, '');
  if (!STD_BASE64.test(text)) throw new Error('the SVG metadata is not standard base64');
  return Buffer.from(text, 'base64');
}

// ---- the board file -------------------------------------------------------------------

/** A `.lernraum` file: magic, format byte 1, the Yjs update v1. */
export function boardFile(update) {
  return Buffer.concat([MAGIC, Buffer.from([1]), Buffer.from(update)]);
}

/** Read a `.lernraum` file with JavaScript Yjs: { doc, title, elements } (elements sorted by id). */
export function readBoardFile(buf) {
  if (!buf.subarray(0, 8).equals(MAGIC)) throw new Error(`no LERNRAUM magic: ${buf.subarray(0, 12).toString('hex')}`);
  if (buf[8] !== 1) throw new Error(`format byte ${buf[8]}`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(buf.subarray(9)));
  if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('the update did not apply completely');
  const meta = doc.getMap('meta');
  const elements = [...doc.getMap('elements').entries()].map(([id, m]) => {
    const text = m.get('text');
    return {
      id,
      kind: m.get('kind'),
      x: m.get('x'),
      y: m.get('y'),
      w: m.get('w'),
      h: m.get('h'),
      color: m.get('color'),
      text: text instanceof Y.Text ? text.toString() : String(text ?? ''),
      textIsYText: text instanceof Y.Text,
      parent: typeof m.get('parent') === 'string' ? m.get('parent') : null,
    };
  });
  elements.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { doc, title: meta.get('title'), schema: meta.get('schema'), elements };
}

/** The fields to compare between the hook's elements and a file's, sorted by id. */
export function comparable(els) {
  return els
    .map((e) => ({ id: e.id, kind: e.kind, x: e.x, y: e.y, w: e.w, h: e.h, color: e.color, text: e.text, parent: e.parent ?? null }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The same elements, without ids (for boards whose ids may differ), sorted. */
export function withoutIds(els) {
  return comparable(els)
    .map(({ id, parent, ...rest }) => rest)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

// ---- geometry of an image export --------------------------------------------------------

/** What an element covers when drawn (frames with their title strip; ink and arrows +8). */
export function drawnBounds(e) {
  const k = kindOf(e);
  if (k === 'frame') return { x: e.x, y: e.y - FRAME_TITLE, w: e.w, h: e.h + FRAME_TITLE };
  if (k === 'ink' || k === 'arrow') return { x: e.x - 8, y: e.y - 8, w: e.w + 16, h: e.h + 16 };
  return { x: e.x, y: e.y, w: e.w, h: e.h };
}

/** The image page of `els`: origin (board units) and pixel size at `scale` with `padding`. */
export function imagePage(els, scale, padding = 32) {
  const b = els.map(drawnBounds).reduce((a, o) => {
    const x = Math.min(a.x, o.x);
    const y = Math.min(a.y, o.y);
    return { x, y, w: Math.max(a.x + a.w, o.x + o.w) - x, h: Math.max(a.y + a.h, o.y + o.h) - y };
  });
  const w = b.w + 2 * padding;
  const h = b.h + 2 * padding;
  return {
    x: b.x - padding,
    y: b.y - padding,
    scale,
    width: Math.max(1, Math.ceil(w * scale)),
    height: Math.max(1, Math.ceil(h * scale)),
  };
}

// ---- CSV ------------------------------------------------------------------------------

/** Parse RFC 4180 CSV (CRLF records, quoted fields with "" escapes) into rows. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`a bare line break outside quotes at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 10))}`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reading order as the minutes use it: top to bottom, then left to right. */
export function readingOrder(els) {
  return [...els].sort((a, b) => a.y - b.y || a.x - b.x);
}

// ---- boards to export -------------------------------------------------------------------

export const XSS_NOTE = '<script>alert(1)</script> & "q"';
export const XSS_FRAME = '<img src=x onerror=alert(1)>';
export const FORMULA_NOTE = '=SUM(A1)';
export const MINUS_NOTE = '-5, said Ümit';
export const TEXT_LABEL = 'Say "hi"';
export const WORKSHOP_TITLE = 'Export Workshop';

/**
 * A board made through the UI: the "Team agreement" template (two frames with notes and
 * the Chatham House card), its first frame retitled to markup, a board title, and below
 * it three notes and a text element outside any frame. Returns { els, title, frames,
 * outside } where `outside` are the four elements made here (three notes, one text).
 */
export async function buildWorkshop(board, { title = WORKSHOP_TITLE } = {}) {
  const { page } = board;
  await board.templatesRegion.waitFor({ state: 'visible' });
  await board.templateButton('teamAgreement').click();
  await board.templatesRegion.waitFor({ state: 'hidden' });
  const tpl = await board.waitElements((els) => els.filter((e) => kindOf(e) === 'frame').length === 2, 'the template to add two frames');

  // The first frame gets a title made of markup.
  const frame = tpl.find((e) => kindOf(e) === 'frame');
  const tp = await board.frameTitlePoint(frame);
  await page.mouse.dblclick(tp.x, tp.y);
  await board.waitEditorFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(XSS_FRAME);
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitElements((els) => els.find((e) => e.id === frame.id)?.text === XSS_FRAME, 'the frame title to be the markup');

  await board.setTitle(title);

  // Scroll the template out of view (above the board), so the new elements land on empty board.
  const bottom = Math.max(...tpl.map((e) => e.y + e.h));
  const box = await board.boardBox();
  const centre = await board.boardPoint(0, 0);
  await page.mouse.move(centre.x, centre.y);
  const edge = await board.toScreen(0, bottom);
  await page.mouse.wheel(0, Math.ceil(edge.y - box.y + 60));
  await eventually(async () => (await board.toScreen(0, bottom)).y < box.y, { message: 'the wheel to scroll the template out of view' });

  const outside = [];
  outside.push(await board.createNote({ text: XSS_NOTE, dx: -300, dy: -60 }));
  outside.push(await board.createNote({ text: FORMULA_NOTE, dx: 0, dy: -60 }));
  outside.push(await board.createNote({ text: MINUS_NOTE, dx: 300, dy: -60 }));
  for (const n of outside) {
    if (n.y <= bottom) throw new Error(`note "${n.text}" is not below the template (${n.y} ≤ ${bottom})`);
  }

  // A free text element, below the notes.
  const before = new Set((await board.elements()).map((e) => e.id));
  await board.chooseTool('text');
  const p = await board.boardPoint(-300, 160);
  await board.assertBoardAt(p.x, p.y);
  await page.mouse.click(p.x, p.y);
  const withText = await board.waitElements((els) => els.some((e) => !before.has(e.id)), 'a text element');
  const text = withText.find((e) => !before.has(e.id));
  await board.waitEditorFocused();
  await page.keyboard.type(TEXT_LABEL);
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  const els = await board.waitElements((els) => els.find((e) => e.id === text.id)?.text === TEXT_LABEL, 'the text element to hold its text');
  const ids = new Set([...outside.map((n) => n.id), text.id]);
  for (const e of els) {
    if (e.parent && ids.has(e.id)) throw new Error(`"${e.text}" landed in a frame`);
  }
  await board.whenSaved();
  return {
    els,
    title,
    frames: els.filter((e) => kindOf(e) === 'frame'),
    outside: els.filter((e) => ids.has(e.id)),
  };
}

// ---- board files made with JavaScript Yjs -------------------------------------------------

let idCounter = 0;
/** A schema-conforming element id (21 characters of [A-Za-z0-9_-]). */
export function newId(prefix = 'js') {
  idCounter++;
  return `${prefix}${String(idCounter).padStart(6, '0')}`.padEnd(21, 'x').slice(0, 21);
}

/**
 * A `.lernraum` file made by JavaScript Yjs following docs/schema.md. `elements`:
 * [{ id?, kind, x, y, w, h, color?, text?, parent? }]. Returns { bytes, elements }.
 */
export function makeBoardFile({ title = 'From Yjs', elements = [] } = {}) {
  const doc = new Y.Doc();
  const out = [];
  doc.transact(() => {
    const meta = doc.getMap('meta');
    meta.set('schema', 1);
    meta.set('title', title);
    const map = doc.getMap('elements');
    elements.forEach((e, i) => {
      const el = new Y.Map();
      const id = e.id ?? newId();
      map.set(id, el);
      el.set('kind', e.kind ?? 'note');
      el.set('x', e.x ?? 0);
      el.set('y', e.y ?? 0);
      el.set('w', e.w ?? 200);
      el.set('h', e.h ?? 200);
      el.set('z', e.z ?? `a${i}`);
      el.set('color', e.color ?? 'yellow');
      const t = new Y.Text();
      el.set('text', t);
      t.insert(0, e.text ?? '');
      if (e.parent) el.set('parent', e.parent);
      out.push({ ...e, id });
    });
  });
  return { bytes: boardFile(Y.encodeStateAsUpdate(doc)), elements: out };
}
