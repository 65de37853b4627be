// Page object for the Lernraum board. Drives the UI by the accessible names of
// design/UI.md and reads the board back through `window.__lernraum` and the outline.

import { eventually, TIMEOUT } from './util.mjs';

/** Accessible names by language (design/UI.md). */
export const NAMES = {
  en: {
    tools: 'Tools',
    tool: {
      select: 'Select', hand: 'Hand', note: 'Note', text: 'Text', rectangle: 'Rectangle',
      ellipse: 'Ellipse', arrow: 'Arrow', pen: 'Pen', frame: 'Frame',
    },
    action: { undo: 'Undo', redo: 'Redo', export: 'Export', share: 'Share' },
    board: 'Board',
    editText: 'Edit text',
    outline: 'Board contents',
    kind: {
      note: 'Note', text: 'Text', rectangle: 'Rectangle', ellipse: 'Ellipse', arrow: 'Arrow',
      drawing: 'Drawing', frame: 'Frame', unknown: 'Element',
    },
    colourGroup: 'Colour',
    colours: ['Yellow', 'Orange', 'Red', 'Pink', 'Violet', 'Blue', 'Cyan', 'Green', 'Gray', 'White'],
    title: 'Board title',
    untitled: 'Untitled board',
    boards: 'Boards',
    yourBoards: 'Your boards',
    newBoard: 'New board',
    startNewBoard: 'Start a new board',
    keepTool: 'Keep tool active',
    menu: 'Actions',
    menuItem: {
      cut: 'Cut', copy: 'Copy', paste: 'Paste', duplicate: 'Duplicate', front: 'Bring to front',
      back: 'Send to back', delete: 'Delete', selectAll: 'Select all',
    },
    templates: 'Templates',
    dismiss: 'Dismiss',
    template: {
      teamAgreement: 'Team agreement', problemMap: 'Problem map',
      prioritisation: 'Prioritisation matrix', retrospective: 'Retrospective',
    },
  },
  de: {
    tools: 'Werkzeuge',
    tool: {
      select: 'Auswählen', hand: 'Hand', note: 'Notiz', text: 'Text', rectangle: 'Rechteck',
      ellipse: 'Ellipse', arrow: 'Pfeil', pen: 'Stift', frame: 'Rahmen',
    },
    action: { undo: 'Rückgängig', redo: 'Wiederholen', export: 'Exportieren', share: 'Teilen' },
    board: 'Board',
    editText: 'Text bearbeiten',
    outline: 'Board-Inhalt',
    kind: {
      note: 'Notiz', text: 'Text', rectangle: 'Rechteck', ellipse: 'Ellipse', arrow: 'Pfeil',
      drawing: 'Zeichnung', frame: 'Rahmen', unknown: 'Element',
    },
    colourGroup: 'Farbe',
    colours: ['Gelb', 'Orange', 'Rot', 'Rosa', 'Violett', 'Blau', 'Cyan', 'Grün', 'Grau', 'Weiß'],
    title: 'Board-Titel',
    untitled: 'Unbenanntes Board',
    boards: 'Boards',
    yourBoards: 'Deine Boards',
    newBoard: 'Neues Board',
    startNewBoard: 'Neues Board beginnen',
    keepTool: 'Werkzeug beibehalten',
    menu: 'Aktionen',
    menuItem: {
      cut: 'Ausschneiden', copy: 'Kopieren', paste: 'Einfügen', duplicate: 'Duplizieren',
      front: 'Nach vorne', back: 'Nach hinten', delete: 'Löschen', selectAll: 'Alles auswählen',
    },
    templates: 'Vorlagen',
    dismiss: 'Schließen',
    template: {
      teamAgreement: 'Teamvereinbarung', problemMap: 'Problemlandkarte',
      prioritisation: 'Priorisierungsmatrix', retrospective: 'Retrospektive',
    },
  },
};

/** Tool keys in toolbar order, with their shortcut keys. */
export const TOOLS = [
  ['select', 'V'], ['hand', 'H'], ['note', 'N'], ['text', 'T'], ['rectangle', 'R'],
  ['ellipse', 'O'], ['arrow', 'A'], ['pen', 'P'], ['frame', 'F'],
];

/** Colour keys in picker order (index into NAMES[lang].colours). */
export const COLOURS = ['yellow', 'orange', 'red', 'pink', 'violet', 'blue', 'cyan', 'green', 'gray', 'white'];

/** Context menu item keys in menu order (index into NAMES[lang].menuItem). */
export const MENU_ITEMS = ['cut', 'copy', 'paste', 'duplicate', 'front', 'back', 'delete', 'selectAll'];

/** Template keys in gallery order (index into NAMES[lang].template). */
export const TEMPLATES = ['teamAgreement', 'problemMap', 'prioritisation', 'retrospective'];

/** Resize handles: key → position on the box as fractions of (w, h). */
export const HANDLES = {
  nw: [0, 0], n: [0.5, 0], ne: [1, 0], e: [1, 0.5], se: [1, 1], s: [0.5, 1], sw: [0, 1], w: [0, 0.5],
};

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Parse `#room=..&key=..&mod=..&mk=..` of a URL string. */
/** The participant link of a board link: the moderator secret `mod` removed. */
export function participantLink(url) {
  const u = new URL(url);
  u.hash = u.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('mod=')).join('&');
  return u.toString();
}

/**
 * A second tab of the board at `url` (same browser context, so tabs sync over the
 * BroadcastChannel), ready and on the channel.
 */
export async function secondTab(context, url, lang) {
  const page = await context.newPage();
  const b = new BoardPage(page, { lang, baseUrl: new URL(url).origin });
  await page.goto(url);
  await b.waitReady();
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  return b;
}

export function parseFragment(url) {
  const hash = new URL(url).hash.replace(/^#/, '');
  const out = {};
  for (const part of hash.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    out[i < 0 ? part : part.slice(0, i)] = i < 0 ? '' : part.slice(i + 1);
  }
  return out;
}

/** Bytes encoded by an unpadded base64url string, or -1 if it is not one. */
export function b64urlBytes(s) {
  if (typeof s !== 'string' || !B64URL.test(s) || s.length % 4 === 1) return -1;
  return Math.floor((s.length * 3) / 4);
}

const isNote = (e) => String(e?.kind).toLowerCase() === 'note';

export class BoardPage {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{lang?: 'en'|'de', baseUrl?: string}} opts
   */
  constructor(page, { lang = 'en', baseUrl } = {}) {
    this.page = page;
    this.lang = lang;
    this.baseUrl = baseUrl ?? new URL(page.url()).origin;
    this.t = NAMES[lang];
    if (!this.t) throw new Error(`no names for language ${lang}`);
  }

  // ---- navigation -------------------------------------------------------------------

  /** Go to `path` (relative to the server, e.g. `/?lang=en`) and wait for the board. */
  async goto(path) {
    await this.page.goto(path.startsWith('http') ? path : this.baseUrl + path);
    await this.waitReady();
    return this;
  }

  /** Reload the page and wait for the board again. */
  async reload() {
    await this.page.reload();
    await this.waitReady();
    return this;
  }

  /**
   * Wait until the Board application is visible and `window.__lernraum` exists. Fails at
   * once if the page panicked or threw meanwhile, with what it logged.
   */
  async waitReady(timeout = TIMEOUT) {
    const errs = this.page.errors;
    await eventually(
      async () => {
        const hook = await this.page.evaluate(() => typeof window.__lernraum === 'object' && window.__lernraum !== null);
        if (!hook) throw new Error('window.__lernraum is not defined');
        if (!(await this.board.isVisible())) throw new Error(`no visible role=application named "${this.t.board}"`);
        return true;
      },
      {
        timeout,
        message: `the board did not become ready at ${this.page.url()}`,
        check: () => errs?.assertNoFatal('page, while waiting for the board,'),
      },
    );
    return this;
  }

  /** The parsed fragment: { room, key, mod, mk }. */
  fragment() {
    return parseFragment(this.page.url());
  }

  room() {
    return this.fragment().room;
  }

  // ---- locators ---------------------------------------------------------------------

  get board() {
    return this.page.getByRole('application', { name: this.t.board, exact: true });
  }
  get toolbar() {
    return this.page.getByRole('toolbar', { name: this.t.tools, exact: true });
  }
  /** Tool button by key ('select', 'note', ...). */
  tool(key) {
    return this.toolbar.getByRole('button', { name: this.t.tool[key], exact: true });
  }
  /** Action button by key ('undo', 'redo', 'export', 'share'). */
  action(key) {
    return this.page.getByRole('button', { name: this.t.action[key], exact: true });
  }
  get outline() {
    return this.page.getByRole('list', { name: this.t.outline, exact: true });
  }
  get outlineItems() {
    return this.outline.getByRole('listitem');
  }
  /** Outline item whose text is "Kind: text" (kind key, e.g. 'note'). */
  outlineItem(text, kind = 'note') {
    return this.outlineItems.filter({ hasText: new RegExp(`^\\s*${esc(this.t.kind[kind])}:\\s*${esc(text)}\\s*$`) });
  }
  get editor() {
    return this.page.getByRole('textbox', { name: this.t.editText, exact: true });
  }
  get title() {
    return this.page.getByRole('textbox', { name: this.t.title, exact: true });
  }
  get colourGroup() {
    return this.page.getByRole('group', { name: this.t.colourGroup, exact: true });
  }
  /** Colour button by key ('blue') or by index. */
  colour(key) {
    const i = typeof key === 'number' ? key : COLOURS.indexOf(key);
    if (i < 0) throw new Error(`unknown colour ${key}`);
    return this.colourGroup.getByRole('button', { name: this.t.colours[i], exact: true });
  }
  get boardsButton() {
    return this.page.getByRole('button', { name: this.t.boards, exact: true });
  }
  get homeHeading() {
    return this.page.getByRole('heading', { name: this.t.yourBoards, exact: true });
  }
  /** The home view: a main or region landmark holding the "Your boards" heading. */
  get home() {
    return this.page
      .getByRole('main')
      .or(this.page.getByRole('region'))
      .filter({ has: this.homeHeading })
      .last();
  }
  get newBoardButton() {
    return this.page.getByRole('button', { name: this.t.newBoard, exact: true });
  }

  // ---- the test hook ----------------------------------------------------------------

  async elements() {
    return this.page.evaluate(() => window.__lernraum.elements());
  }
  async notes() {
    return (await this.elements()).filter(isNote);
  }
  async element(id) {
    return (await this.elements()).find((e) => e.id === id);
  }
  /**
   * Resolves once the app has stored every change so far (`__lernraum.whenSaved()`, an
   * app hook beyond the minimal contract; a no-op if the app does not have it).
   */
  async whenSaved() {
    await this.page.evaluate(() => (typeof window.__lernraum.whenSaved === 'function' ? window.__lernraum.whenSaved() : undefined));
  }
  async view() {
    return this.page.evaluate(() => window.__lernraum.view());
  }
  /** The y-websocket connection (`?ws=`): "none" | "connecting" | "synced" | "offline". */
  async connection() {
    return this.page.evaluate(() => window.__lernraum.connection());
  }
  /** Wait until `connection()` is `state` (default wait: TIMEOUT). */
  async waitConnection(state, { timeout = TIMEOUT, message } = {}) {
    return eventually(
      async () => {
        const c = await this.connection();
        if (c !== state) throw new Error(`connection() is ${JSON.stringify(c)}`);
        return c;
      },
      { timeout, message: message ?? `connection() to become ${JSON.stringify(state)}`, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  async selection() {
    return this.page.evaluate(() => window.__lernraum.selection());
  }
  async toScreen(x, y) {
    return this.page.evaluate(([x, y]) => window.__lernraum.toScreen(x, y), [x, y]);
  }
  /** Inverse of toScreen (toScreen is affine: translate + uniform scale). */
  async toBoard(sx, sy) {
    const [a, b] = await this.page.evaluate(() => [
      window.__lernraum.toScreen(0, 0),
      window.__lernraum.toScreen(1000, 1000),
    ]);
    const kx = (b.x - a.x) / 1000;
    const ky = (b.y - a.y) / 1000;
    return { x: (sx - a.x) / kx, y: (sy - a.y) / ky };
  }
  /** Screen rectangle {x, y, w, h, cx, cy} of an element (or element id). */
  async screenRect(elOrId) {
    const e = typeof elOrId === 'object' ? elOrId : await this.element(elOrId);
    if (!e) throw new Error(`no element ${elOrId}`);
    const [p, q] = await this.page.evaluate(
      (e) => [window.__lernraum.toScreen(e.x, e.y), window.__lernraum.toScreen(e.x + e.w, e.y + e.h)],
      e,
    );
    return { x: p.x, y: p.y, w: q.x - p.x, h: q.y - p.y, cx: (p.x + q.x) / 2, cy: (p.y + q.y) / 2 };
  }
  async boardBox() {
    const box = await this.board.boundingBox();
    if (!box) throw new Error('the Board has no bounding box');
    return box;
  }
  /** A client point at an offset (px) from the centre of the board. */
  async boardPoint(dx = 0, dy = 0) {
    const b = await this.boardBox();
    return { x: Math.round(b.x + b.width / 2 + dx), y: Math.round(b.y + b.height / 2 + dy) };
  }
  /** Throws unless the topmost element at client point (x, y) is the board or inside it. */
  async assertBoardAt(x, y) {
    const hit = await this.page.evaluate(
      ([x, y, name]) => {
        const el = document.elementFromPoint(x, y);
        const board = [...document.querySelectorAll('[role=application]')].find(
          (b) => (b.getAttribute('aria-label') || '').trim() === name || b.contains(el),
        );
        if (el && board && board.contains(el)) return null;
        if (!el) return 'nothing';
        return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}> "${(el.textContent || '').trim().slice(0, 40)}"`;
      },
      [x, y, this.t.board],
    );
    if (hit) throw new Error(`the point (${x}, ${y}) is covered by ${hit}, not the Board`);
  }
  /** Resolves after two animation frames (one paint). */
  async frame() {
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  // ---- waiting ----------------------------------------------------------------------

  /** Wait until `pred(elements)` holds; returns the elements. */
  async waitElements(pred, message = 'elements condition') {
    return eventually(
      async () => {
        const els = await this.elements();
        if (!(await pred(els))) throw new Error(`elements: ${JSON.stringify(els)}`);
        return els;
      },
      { message, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  async waitCount(n, message) {
    return this.waitElements((els) => els.length === n, message ?? `${n} element(s) on the board`);
  }
  async waitSelection(pred, message = 'selection condition') {
    return eventually(
      async () => {
        const sel = await this.selection();
        if (!(await pred(sel))) throw new Error(`selection: ${JSON.stringify(sel)}`);
        return sel;
      },
      { message, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  /** Wait until the selection is exactly `ids` (order ignored). */
  async waitSelected(ids, message) {
    const want = [...ids].map(String).sort();
    return this.waitSelection(
      (sel) => JSON.stringify([...sel].map(String).sort()) === JSON.stringify(want),
      message ?? `selection to be ${JSON.stringify(want)}`,
    );
  }
  async waitView(pred, message = 'view condition') {
    return eventually(
      async () => {
        const v = await this.view();
        if (!(await pred(v))) throw new Error(`view: ${JSON.stringify(v)}`);
        return v;
      },
      { message, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  /** Outline item texts (whitespace collapsed, trimmed). */
  async outlineTexts() {
    const texts = await this.outlineItems.allInnerTexts();
    return texts.map((t) => t.replace(/\s+/g, ' ').trim());
  }
  async waitOutline(expected, message) {
    return eventually(
      async () => {
        const got = await this.outlineTexts();
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          throw new Error(`outline is ${JSON.stringify(got)}`);
        }
        return got;
      },
      { message: message ?? `outline to read ${JSON.stringify(expected)}`, check: () => this.page.errors?.assertNoFatal() },
    );
  }
  /** "Note: text" in this page's language, as the outline shows it (trimmed). */
  noteLabel(text) {
    return `${this.t.kind.note}: ${text}`.trim();
  }
  async isPressed(locator) {
    return (await locator.getAttribute('aria-pressed')) === 'true';
  }
  async waitPressed(locator, pressed = true, message) {
    return eventually(
      async () => {
        const v = await locator.getAttribute('aria-pressed');
        if ((v === 'true') !== pressed) throw new Error(`aria-pressed=${v}`);
        return true;
      },
      { message: message ?? `aria-pressed=${pressed}` },
    );
  }
  /** Wait for the text editor to be visible and focused. */
  async waitEditorFocused() {
    await this.editor.waitFor({ state: 'visible' });
    await eventually(
      async () => {
        if (!(await this.editor.evaluate((el) => el === document.activeElement))) {
          const active = await this.page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 120));
          throw new Error(`focus is on ${active}`);
        }
        return true;
      },
      { message: `the "${this.t.editText}" textbox to have focus` },
    );
  }
  async waitEditorClosed() {
    await this.editor.waitFor({ state: 'hidden' });
  }

  // ---- actions ----------------------------------------------------------------------

  /** Click a tool button and wait until it is pressed. */
  async chooseTool(key) {
    await this.tool(key).click();
    await this.waitPressed(this.tool(key), true, `tool ${this.t.tool[key]} to be pressed`);
  }
  /** Focus the board and press a key (or chord like 'Control+z'). */
  async press(key) {
    await this.board.focus();
    await this.page.keyboard.press(key);
  }
  async undo() {
    await this.action('undo').click();
  }
  async redo() {
    await this.action('redo').click();
  }

  /**
   * Create a note with the Note tool at client point `at` (default: board centre plus
   * (dx, dy)), type `text`, then commit with 'escape' (default), 'click' (on empty board at
   * `commitAt` or a point 250 px left of the note) or leave the editor open (commit: false).
   * `via`: 'button' (default) or 'key' (N). Returns the new element.
   */
  async createNote({ text = '', at, dx = 0, dy = 0, commit = 'escape', via = 'button', commitAt } = {}) {
    const before = new Set((await this.elements()).map((e) => e.id));
    const p = at ?? (await this.boardPoint(dx, dy));
    await this.assertBoardAt(p.x, p.y);
    if (via === 'key') await this.press('n');
    else await this.tool('note').click();
    await this.waitPressed(this.tool('note'), true, `tool ${this.t.tool.note} to be pressed`);
    await this.page.mouse.click(p.x, p.y);
    const els = await this.waitElements(
      (els) => els.some((e) => !before.has(e.id)),
      `a new element after clicking the board with ${this.t.tool.note} at (${p.x}, ${p.y})`,
    );
    const created = els.find((e) => !before.has(e.id));
    await this.waitEditorFocused();
    if (text) {
      await this.page.keyboard.type(text);
      await this.waitElements(
        (els) => els.find((e) => e.id === created.id)?.text === text,
        `the new note's text to become ${JSON.stringify(text)} while typing`,
      );
    }
    if (commit === 'escape') {
      await this.page.keyboard.press('Escape');
      await this.waitEditorClosed();
    } else if (commit === 'click') {
      const q = commitAt ?? { x: p.x - 250, y: p.y };
      await this.assertBoardAt(q.x, q.y);
      await this.page.mouse.click(q.x, q.y);
      await this.waitEditorClosed();
    }
    return (await this.element(created.id)) ?? created;
  }

  /** Click an element's centre (optionally with Shift). */
  async clickElement(id, { shift = false } = {}) {
    const r = await this.screenRect(id);
    if (shift) await this.page.keyboard.down('Shift');
    try {
      await this.page.mouse.click(r.cx, r.cy);
    } finally {
      if (shift) await this.page.keyboard.up('Shift');
    }
  }
  async dblclickElement(id) {
    const r = await this.screenRect(id);
    await this.page.mouse.dblclick(r.cx, r.cy);
  }
  /** Drag an element by (dx, dy) client px, grabbing it at its centre. */
  async dragElement(id, dx, dy, { steps = 10 } = {}) {
    const r = await this.screenRect(id);
    await this.page.mouse.move(r.cx, r.cy);
    await this.page.mouse.down();
    await this.page.mouse.move(r.cx + dx, r.cy + dy, { steps });
    await this.page.mouse.up();
  }
  /** Click an empty spot of the board (board centre + offset by default). */
  async clickEmpty(dx = 0, dy = 0) {
    const p = await this.boardPoint(dx, dy);
    await this.assertBoardAt(p.x, p.y);
    await this.page.mouse.click(p.x, p.y);
  }
  /** Type a new board title and commit it with 'Enter' or 'blur'. */
  async setTitle(text, { commit = 'Enter' } = {}) {
    await this.title.click();
    await this.title.fill(text);
    if (commit === 'Enter') await this.title.press('Enter');
    else await this.title.evaluate((el) => el.blur());
  }
  /** Open the home view and wait for its heading. */
  async openHome() {
    await this.boardsButton.click();
    await this.homeHeading.waitFor({ state: 'visible' });
  }

  // ---- shapes, frames, resize -------------------------------------------------------

  /** The "Keep tool active" toggle in the toolbar. */
  get keepTool() {
    return this.toolbar.getByRole('button', { name: this.t.keepTool, exact: true });
  }
  /** Press at client point `from`, move to `to` in `steps`, release (optionally with Shift held). */
  async drag(from, to, { shift = false, steps = 10 } = {}) {
    await this.page.mouse.move(from.x, from.y);
    if (shift) await this.page.keyboard.down('Shift');
    try {
      await this.page.mouse.down();
      await this.page.mouse.move(to.x, to.y, { steps });
      await this.page.mouse.up();
    } finally {
      if (shift) await this.page.keyboard.up('Shift');
    }
  }
  /**
   * With tool `key` ('rectangle', 'ellipse', 'frame'), drag from client point `from` to
   * `to` (or click at `from` when `to` is missing). Returns the new element.
   */
  async drawShape(key, from, to, { shift = false, steps = 10 } = {}) {
    const before = new Set((await this.elements()).map((e) => e.id));
    if (!(await this.isPressed(this.tool(key)))) await this.chooseTool(key);
    await this.assertBoardAt(from.x, from.y);
    if (to) await this.drag(from, to, { shift, steps });
    else await this.page.mouse.click(from.x, from.y);
    const els = await this.waitElements(
      (els) => els.some((e) => !before.has(e.id)),
      `a new element after ${to ? 'dragging' : 'clicking'} with ${this.t.tool[key]}`,
    );
    return els.find((e) => !before.has(e.id));
  }
  /** Client point of resize handle `handle` ('nw', 'n', … 'w') of an element (or id). */
  async handlePoint(elOrId, handle) {
    const r = await this.screenRect(elOrId);
    const [fx, fy] = HANDLES[handle];
    return { x: r.x + fx * r.w, y: r.y + fy * r.h };
  }
  /** Client point on a frame's title strip (above its top edge), `dx` board units in. */
  async frameTitlePoint(elOrId, dx = 40) {
    const e = typeof elOrId === 'object' ? elOrId : await this.element(elOrId);
    return this.toScreen(e.x + dx, e.y - 14);
  }
  /** The outline item of a top-level element (not one nested in a frame's list). */
  topOutlineItems() {
    return this.outline.locator(':scope > [role=listitem]');
  }

  // ---- clipboard ----------------------------------------------------------------------

  /** Dispatch a paste event carrying `text` (text/plain) on the board, as the browser would. */
  async pasteText(text) {
    await this.board.evaluate((el, text) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, text);
  }
  /**
   * Dispatch a copy (or cut) event on the board, as the browser does for Ctrl+C / Ctrl+X,
   * and return the text/plain the app put into it ('' if none).
   */
  async copyText({ cut = false } = {}) {
    return this.board.evaluate((el, cut) => {
      const dt = new DataTransfer();
      el.dispatchEvent(new ClipboardEvent(cut ? 'cut' : 'copy', { clipboardData: dt, bubbles: true, cancelable: true }));
      return dt.getData('text/plain');
    }, cut);
  }
  /** The system clipboard's text (needs the `clipboard-read` permission). */
  async clipboardText() {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
  /** Wait until the system clipboard holds a Lernraum clipboard document; returns it parsed. */
  async waitClipboardDocument(message = 'the clipboard to hold a Lernraum document') {
    return eventually(
      async () => {
        const text = await this.clipboardText();
        const doc = JSON.parse(text);
        if (doc?.lernraum !== 'clipboard') throw new Error(`clipboard holds ${text.slice(0, 120)}`);
        return doc;
      },
      { message, check: () => this.page.errors?.assertNoFatal() },
    );
  }

  // ---- context menu and templates -------------------------------------------------------

  get contextMenu() {
    return this.page.getByRole('menu', { name: this.t.menu, exact: true });
  }
  /** Menu item by key ('cut', 'copy', … 'selectAll'). */
  menuItem(key) {
    return this.contextMenu.getByRole('menuitem', { name: this.t.menuItem[key], exact: true });
  }
  /** Right-click at client point `p` and wait for the menu. */
  async openContextMenu(p) {
    await this.page.mouse.click(p.x, p.y, { button: 'right' });
    await this.contextMenu.waitFor({ state: 'visible' });
  }
  /** The name of the focused element and whether it is in the context menu. */
  async focusedMenuItem() {
    return this.page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a.getAttribute('role') !== 'menuitem') return null;
      return (a.querySelector('span')?.textContent ?? a.textContent).trim();
    });
  }
  async boardHasFocus() {
    return this.board.evaluate((el) => el === document.activeElement);
  }
  get templatesRegion() {
    return this.page.getByRole('region', { name: this.t.templates, exact: true });
  }
  /** The topbar button that opens the template gallery. */
  get templatesButton() {
    return this.page.getByRole('button', { name: this.t.templates, exact: true });
  }
  get dismissTemplates() {
    return this.templatesRegion.getByRole('button', { name: this.t.dismiss, exact: true });
  }
  /** Gallery button of a template by key; its name starts with the template's name. */
  templateButton(key) {
    return this.templatesRegion.getByRole('button', { name: new RegExp(`^\\s*${esc(this.t.template[key])}`) });
  }
}

function esc(s) {
  return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
