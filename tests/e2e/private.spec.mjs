// Private mode (silent brainstorming, issue "Facilitation"): while it is on, a
// participant's new notes are drafts kept in their browser only; no byte of them goes
// over any transport (a node Yjs peer on the same y-websocket server records every
// update) until the moderator reveals; then every client publishes its drafts, also
// one that was away at the moment of the reveal.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { e2eSuite, eventually } from './harness.mjs';
import { BoardPage, participantLink } from './board-page.mjs';
import { startYServer, yClient, Y } from './yws.mjs';

const { it } = e2eSuite(import.meta.url);

/** The drafts this page's browser keeps for `room`: IndexedDB's bytes as Latin-1
 * text ('' if none) and the localStorage copy (null if none). */
function storedDrafts(page, room) {
  return page.evaluate((room) => new Promise((resolve, reject) => {
    const open = indexedDB.open('lernraum');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('drafts').objectStore('drafts').get(room);
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        const bytes = get.result ? Array.from(get.result) : [];
        db.close();
        resolve({ idb: String.fromCharCode(...bytes), local: localStorage.getItem(`lernraum.drafts.${room}`) });
      };
    };
  }), room);
}

let server;
before(async () => { server = await startYServer(); });
after(async () => { await server?.stop(); });


it('drafts stay in the browser until Reveal, then everyone sees them', async (session) => {
  const { lang } = session;
  const en = lang !== 'de';
  const mod = await session.openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  // A node peer on the same server records every update that goes over the wire.
  const spy = yClient(server.url, mod.room());
  const seen = [];
  spy.doc.on('update', (u) => seen.push(Buffer.from(u)));
  await spy.whenSynced();

  const other = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await other.newPage();
    const part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
    await page.goto(participantLink(mod.page.url()));
    await part.waitReady();
    await part.waitConnection('synced');
    assert.equal(await page.getByRole('button', { name: en ? 'Private mode' : 'Privatmodus' }).count(), 0);

    await mod.page.getByRole('button', { name: en ? 'Private mode' : 'Privatmodus' }).click();
    await page.getByText(en ? 'Private mode: only you see your notes' : 'Privatmodus: Nur Sie sehen Ihre Notizen').waitFor();
    await part.createNote({ text: 'Geheime Idee 4711' });
    await part.createNote({ text: 'Zweite Idee 4712', dx: 250 });
    // They are kept in this browser's IndexedDB; the synchronous localStorage copy
    // that covers a write still under way is gone once IndexedDB has them.
    await eventually(async () => {
      const kept = await storedDrafts(page, mod.room());
      if (!kept.idb.includes('4711') || !kept.idb.includes('4712')) throw new Error(`IndexedDB: ${kept.idb.length} chars`);
      if (kept.local !== null) throw new Error('a localStorage copy is left');
    }, { message: 'the drafts to be in IndexedDB only' });
    // A reload keeps them (this browser only).
    await page.evaluate(() => window.__lernraum.whenSaved());
    await part.reload();
    await part.waitOutline(['Note: Geheime Idee 4711', 'Note: Zweite Idee 4712']);
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing left the browser: no update carries the text, the moderator sees nothing.
    const leaked = seen.some((u) => u.includes(Buffer.from('4711')) || u.includes(Buffer.from('4712')));
    assert.equal(leaked, false, 'no draft byte went over the wire');
    assert.deepEqual(await mod.outlineTexts(), [], 'the moderator does not see the drafts');

    await mod.page.getByRole('button', { name: en ? 'Reveal' : 'Aufdecken' }).click();
    await mod.waitOutline(['Note: Geheime Idee 4711', 'Note: Zweite Idee 4712']);
    await eventually(() => {
      const texts = [...spy.doc.getMap('elements').values()].map((m) => String(m.get('text')));
      if (!texts.includes('Geheime Idee 4711')) throw new Error(JSON.stringify(texts));
    }, { message: 'the node peer to receive the revealed notes' });
    await page.getByText(en ? 'Private mode: only you see your notes' : 'Privatmodus: Nur Sie sehen Ihre Notizen').waitFor({ state: 'hidden' });
    // Revealed notes are ordinary notes now: one of each, nothing doubled.
    await part.waitOutline(['Note: Geheime Idee 4711', 'Note: Zweite Idee 4712']);
    await eventually(async () => {
      const kept = await storedDrafts(page, mod.room());
      if (kept.idb !== '' || kept.local !== null) throw new Error(JSON.stringify(kept).slice(0, 200));
    }, { message: 'no drafts to be kept after Reveal' });
  } finally {
    await other.close();
    spy.close();
  }
});

it('a participant who is away at Reveal publishes the drafts on return', async (session) => {
  const { lang } = session;
  const en = lang !== 'de';
  const mod = await session.openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  await mod.page.getByRole('button', { name: en ? 'Private mode' : 'Privatmodus' }).click();
  const other = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    let page = await other.newPage();
    let part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
    const link = participantLink(mod.page.url());
    await page.goto(link);
    await part.waitReady();
    await part.waitConnection('synced');
    await page.getByText(en ? 'Private mode: only you see your notes' : 'Privatmodus: Nur Sie sehen Ihre Notizen').waitFor();
    await part.createNote({ text: 'Später veröffentlicht' });
    await page.evaluate(() => window.__lernraum.whenSaved());
    await page.close();
    await mod.page.getByRole('button', { name: en ? 'Reveal' : 'Aufdecken' }).click();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await mod.outlineTexts(), []);
    page = await other.newPage();
    part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
    await page.goto(link);
    await part.waitReady();
    await mod.waitOutline(['Note: Später veröffentlicht']);
  } finally {
    await other.close();
  }
});
