// Changes from others repaint only the areas they damage (the rest of the canvas is
// still current). A wrong damage area would leave stale pixels: after each kind of
// remote change, the canvas must equal a full repaint of the same state, pixel for
// pixel, and the partial path must actually have been taken.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, e2eSuite, eventually } from './harness.mjs';
import { secondTab } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

/** After the page has painted what it has, its canvas equals a full repaint. */
async function sameAsFullRepaint(b, step) {
  const diff = await b.page.evaluate(async () => {
    // Compare only once everything that arrived is painted: a message may come in
    // after any frame, so wait for a frame after which nothing is pending.
    for (;;) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      if (!window.__lernraum.framePending()) break;
    }
    const c = document.querySelector('.board canvas');
    const ctx = c.getContext('2d');
    const before = ctx.getImageData(0, 0, c.width, c.height).data;
    // Kept for the artifacts if the frames differ.
    window.__partialFrame = c.toDataURL();
    window.__lernraum.frame();
    const after = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    let big = 0;
    let first = null;
    let bbox = null;
    for (let i = 0; i < before.length; i += 4) {
      const d = Math.max(
        Math.abs(before[i] - after[i]),
        Math.abs(before[i + 1] - after[i + 1]),
        Math.abs(before[i + 2] - after[i + 2]),
      );
      // Skia anti-aliases a line's fringe a little differently under a clip (up to
      // ~15 of 255 on single pixels along it); stale content differs by far more, on
      // many pixels. Counted: any pixel off by more than 48, or many by more than 12.
      if (d > 48) big++;
      if (d > 12) {
        n++;
        const x = (i / 4) % c.width;
        const y = Math.floor(i / 4 / c.width);
        bbox = bbox ? [Math.min(bbox[0], x), Math.min(bbox[1], y), Math.max(bbox[2], x), Math.max(bbox[3], y)] : [x, y, x, y];
        if (!first) first = { x, y, before: [...before.slice(i, i + 3)], after: [...after.slice(i, i + 3)] };
      }
    }
    return { n, big, first, bbox };
  });
  const stale = diff.big > 0 || diff.n > 150;
  if (stale) {
    // Both frames next to the test's other artifacts, to look at.
    const urls = await b.page.evaluate(() => [window.__partialFrame, document.querySelector('.board canvas').toDataURL()]);
    const name = step.replace(/[^a-z0-9]+/gi, '-');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    urls.forEach((url, i) => fs.writeFileSync(path.join(ARTIFACTS, `repaint--${name}--${i ? 'full' : 'partial'}.png`), Buffer.from(url.split(',')[1], 'base64')));
  }
  assert.ok(!stale, `${step}: ${diff.n} pixels differ from a full repaint (${diff.big} by more than 48), first ${JSON.stringify(diff.first)} in ${JSON.stringify(diff.bbox)}`);
}

const paints = (b) => b.page.evaluate(() => window.__lernraum.paints());

it('remote creates, moves, edits, deletes and cursors leave the canvas as a full repaint would', async ({ board, context, page, lang }) => {
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const viewer = await secondTab(context, page.url(), lang);
  // Content in the view: notes, one arrow bound between two of them, a frame.
  const a = await board.createNote({ text: 'Ursache', dx: -260, dy: -60 });
  const b = await board.createNote({ text: 'Wirkung', dx: 260, dy: 60 });
  await board.createNote({ text: 'Unbeteiligt', dx: 0, dy: 230 });
  await board.chooseTool('arrow');
  const from = await board.toScreen(a.x + a.w / 2, a.y + a.h / 2);
  const to = await board.toScreen(b.x + b.w / 2, b.y + b.h / 2);
  await board.drag(from, to);
  await board.waitElements((els) => els.some((e) => e.kind === 'arrow'));
  await board.chooseTool('select');
  await viewer.waitElements((els) => els.length === 4, 'the viewer has all four elements');
  await sameAsFullRepaint(viewer, 'after the first sync');
  const start = await paints(viewer);

  // A moves a bound note: the arrow follows at the viewer.
  await board.dragElement(b.id, 0, 140);
  await viewer.waitElements((els) => els.find((e) => e.id === b.id)?.y > b.y + 100, 'the move arrives');
  await sameAsFullRepaint(viewer, 'a bound note moved');

  // A edits a note's text (a longer text wraps differently).
  await board.dblclickElement(a.id);
  await board.waitEditorFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' mit einem deutlich längeren Text');
  await page.keyboard.press('Escape');
  await viewer.waitElements((els) => els.some((e) => e.text === 'Ursache mit einem deutlich längeren Text'), 'the edit arrives');
  await sameAsFullRepaint(viewer, 'a text edited');

  // A creates a note and deletes another.
  await board.createNote({ text: 'Neu', dx: 300, dy: -220 });
  await viewer.waitElements((els) => els.some((e) => e.text === 'Neu'), 'the new note arrives');
  await sameAsFullRepaint(viewer, 'a note created');
  await board.clickElement(a.id);
  await board.press('Delete');
  await viewer.waitElements((els) => !els.some((e) => e.id === a.id), 'the deletion arrives');
  await sameAsFullRepaint(viewer, 'a bound note deleted');

  // A's cursor moves over the viewer's board, and A selects a note.
  const box = await board.boardBox();
  for (const [x, y] of [[0.3, 0.3], [0.6, 0.5], [0.45, 0.7]]) {
    await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 3 });
    await eventually(async () => {
      const peers = await viewer.page.evaluate(() => window.__lernraum.peers());
      const c = peers[0]?.cursor;
      const want = await board.toBoard(box.x + box.width * x, box.y + box.height * y);
      if (!c || Math.abs(c.x - want.x) > 2 || Math.abs(c.y - want.y) > 2) throw new Error(JSON.stringify({ c, want }));
    }, { message: 'the cursor to arrive' });
    await sameAsFullRepaint(viewer, `a cursor moved to ${x},${y}`);
  }
  await board.clickElement(b.id);
  await eventually(async () => {
    const peers = await viewer.page.evaluate(() => window.__lernraum.peers());
    if (!peers[0]?.selection?.includes(b.id)) throw new Error(JSON.stringify(peers));
  }, { message: 'the selection to arrive' });
  await sameAsFullRepaint(viewer, 'a remote selection');

  const end = await paints(viewer);
  assert.ok(end.partial > start.partial, `remote changes were painted partially: ${JSON.stringify({ start, end })}`);
});
