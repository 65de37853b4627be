// The UI chrome meets WCAG AA contrast: every visible piece of text around the board
// (toolbar, actions, title, outline, panels, menus) against its actual background, and
// the focus ring against the background it sits on.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

/** In the page: [{what, ratio, large}] for every visible text-bearing element. */
function measure() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(',').map((v) => parseFloat(v));
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const out = [];
  const nodes = document.querySelectorAll('button, input, li, h1, h2, p, span, strong, kbd, a, [role=status], [role=alert]');
  for (const el of nodes) {
    if (el.closest('.board')) continue; // the canvas board is checked by the palette tests
    if (el.disabled) continue; // WCAG exempts inactive controls
    const text = (el.value ?? '') || [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    const r = el.getBoundingClientRect();
    // Icon-only buttons: the icon is a graphical object (WCAG 1.4.11, 3:1).
    const icon = !text && el.tagName === 'BUTTON' && el.querySelector('svg.icon');
    if ((!text && !icon) || r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const fg = parse(getComputedStyle(el).color);
    const bg = background(el);
    const [a, b] = [lum(fg), lum(bg)];
    const size = parseFloat(getComputedStyle(el).fontSize);
    const bold = parseInt(getComputedStyle(el).fontWeight, 10) >= 700;
    const name = text || el.getAttribute('aria-label') || '';
    out.push({ what: `${el.tagName.toLowerCase()} "${name.slice(0, 30)}"`, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), large: Boolean(icon) || size >= 24 || (bold && size >= 18.66) });
  }
  return out;
}

async function assertReadable(page, where) {
  const rows = await page.evaluate(measure);
  assert.ok(rows.length >= 10, `${where}: found the chrome's texts and icons (${rows.length})`);
  const bad = rows.filter((r) => r.ratio < (r.large ? 3 : 4.5));
  assert.deepEqual(bad, [], `${where}: texts below WCAG AA contrast`);
}

it('every text of the chrome meets WCAG AA, with the gallery, a selection and the menu open', async ({ board, page }) => {
  await assertReadable(page, 'empty board with the template gallery');
  await board.createNote({ text: 'Kontrast' });
  await board.createNote({ text: 'Zweite', dx: 240 });
  await assertReadable(page, 'a selected note: colour picker and selection panel');
  const note = (await board.elements())[0];
  const at = await board.toScreen(note.x + note.w / 2, note.y + note.h / 2);
  await page.mouse.click(at.x, at.y, { button: 'right' });
  await page.getByRole('menu').waitFor();
  await assertReadable(page, 'context menu');
  await page.keyboard.press('Escape');
  await board.boardsButton.click();
  await board.homeHeading.waitFor();
  await assertReadable(page, 'home view');
});

it('German: the chrome meets WCAG AA too', async ({ page }) => {
  await assertReadable(page, 'German board');
}, { lang: 'de' });

it('the focus ring contrasts at least 3:1 with the background it is drawn on', async ({ board, page }) => {
  await board.tool('note').focus();
  const ratio = await page.evaluate(() => {
    const el = document.activeElement;
    const parse = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ring = lum(parse(getComputedStyle(el).outlineColor));
    const bg = lum(parse(getComputedStyle(el.parentElement).backgroundColor));
    return (Math.max(ring, bg) + 0.05) / (Math.min(ring, bg) + 0.05);
  });
  assert.ok(ratio >= 3, `focus ring contrast ${ratio.toFixed(2)}`);
});
