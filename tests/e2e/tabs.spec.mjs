// Two tabs of one browser with the same board link co-edit live over BroadcastChannel,
// encrypted with the room key as y-webrtc does it; a tab with another key of the same
// room never reads the board.
import assert from 'node:assert/strict';
import { e2eSuite } from './harness.mjs';
import { secondTab } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

it('a note created in one tab appears in the other, and edits flow both ways', async ({ board, context, page, lang }) => {
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const other = await secondTab(context, page.url(), lang);
  const note = await board.createNote({ text: 'Aus Tab A' });
  await other.waitOutline(['Note: Aus Tab A']);
  // Tab B edits the same note; tab A sees it.
  await other.clickElement(note.id);
  await other.press('Enter');
  await other.waitEditorFocused();
  await other.page.keyboard.press('End');
  await other.page.keyboard.type(' und B');
  await other.page.keyboard.press('Escape');
  await board.waitOutline(['Note: Aus Tab A und B']);
  // Undo in B undoes only B's edit, in both tabs.
  await other.undo();
  await board.waitOutline(['Note: Aus Tab A']);
  await other.waitOutline(['Note: Aus Tab A']);
});

it('a tab opened later receives the whole board', async ({ board, context, page, lang }) => {
  await board.createNote({ text: 'Erste', dx: -200 });
  await board.createNote({ text: 'Zweite', dx: 200 });
  // A fresh tab of the same board: it loads from storage and syncs with the open tab.
  const other = await secondTab(context, page.url(), lang);
  await other.waitOutline(['Note: Erste', 'Note: Zweite']);
});

it('what goes over the channel is encrypted: no board text in any message', async ({ board, context, page, lang }) => {
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const room = board.room();
  // A listener on the same channel, as any script of this origin could be.
  const spy = await context.newPage();
  await spy.goto(new URL(page.url()).origin + '/?spy');
  await spy.evaluate((room) => {
    window.__seen = [];
    const bc = new BroadcastChannel(room);
    bc.onmessage = (e) => window.__seen.push(Array.from(new Uint8Array(e.data.buffer ?? e.data)));
  }, room);
  // Alone, a tab posts nothing (nobody would read it) …
  await board.createNote({ text: 'Allein' });
  await page.waitForTimeout(300);
  assert.equal(await spy.evaluate(() => window.__seen.length), 0, 'nothing posted while alone');
  // … and posts changes once another tab has answered it: open one.
  const other = await secondTab(context, page.url(), lang);
  await other.waitOutline(['Note: Allein']);
  await board.createNote({ text: 'Vertraulich 4711' });
  await other.waitOutline(['Note: Allein', 'Note: Vertraulich 4711']);
  await spy.waitForFunction(() => window.__seen.length > 0, null, { timeout: 10000 });
  const seen = await spy.evaluate(() => window.__seen);
  assert.ok(seen.length >= 3, `the tabs' messages went over the channel (${seen.length})`);
  for (const m of seen) {
    const text = Buffer.from(m).toString('latin1');
    assert.ok(text.startsWith('\x07AES-GCM'), 'every message is an AES-GCM envelope');
    assert.ok(!text.includes('Vertraulich') && !text.includes('Allein'), 'no board text in the clear');
    assert.equal(m[8], 12, 'a 12-byte nonce');
  }
});

it('a tab with the same room but another key never receives the board', async ({ board, context, page, lang }) => {
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const url = new URL(page.url());
  const wrong = url.hash.replace(/key=[^&]+/, 'key=' + 'A'.repeat(22)).replace(/&mod=[^&]+/, '').replace(/&mk=[^&]+/, '');
  const other = await secondTab(context, url.origin + url.pathname + url.search + wrong, lang);
  await board.createNote({ text: 'Geheim' });
  await page.waitForTimeout(150);
  await other.frame();
  // A negative check: nothing can be awaited, so give the channel (≈ 1 ms per message)
  // and the key derivation ample time to deliver before looking.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await other.elements()).map((e) => e.text), [], 'nothing readable arrived');
});
