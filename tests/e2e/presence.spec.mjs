// Presence (ROOMS.md "Presence", issue "Live collaboration"): live cursors with name
// and colour, remote selections, the People panel with the display name (asked once
// per browser, prefilled by ?name=, changeable), connection states, and the Share
// dialog with participant and moderator links and a QR code. Names travel in
// awareness only: never in the board document.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { e2eSuite, eventually } from './harness.mjs';
import { secondTab } from './board-page.mjs';
import { startYServer, yClient } from './yws.mjs';

const { it } = e2eSuite(import.meta.url);

let server;
before(async () => { server = await startYServer(); });
after(async () => { await server?.stop(); });

function withQuery(url, query) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

async function peers(board) {
  return board.page.evaluate(() => window.__lernraum.peers());
}

it('a cursor moving in one tab shows with its name and colour in the other', async ({ board, context, page, lang }) => {
  const url = withQuery(page.url(), { name: 'Anna' });
  await page.goto(url);
  await board.waitReady();
  const other = await secondTab(context, withQuery(page.url(), { name: 'Ben' }), lang);
  const box = await board.boardBox();
  await page.mouse.move(box.x + 300, box.y + 200);
  await page.mouse.move(box.x + 320, box.y + 220);
  const at = await board.toBoard(box.x + 320, box.y + 220);
  const seen = await eventually(async () => {
    const list = await peers(other);
    const anna = list.find((p) => p.name === 'Anna');
    // The first move may arrive first: wait for the last one.
    if (!anna?.cursor || Math.abs(anna.cursor.x - at.x) >= 2 || Math.abs(anna.cursor.y - at.y) >= 2) {
      throw new Error(`peers: ${JSON.stringify(list)}`);
    }
    return anna;
  }, { message: 'Ben to see Anna\'s cursor where she left it' });
  assert.match(seen.color, /^#[0-9a-f]{6}$/);
  assert.equal(seen.moderator, true, 'the creator opened the moderator link');
  // The other way round, and the cursor is drawn: pixels of Ben's colour near it.
  await other.page.mouse.move(box.x + 500, box.y + 300);
  const ben = await eventually(async () => {
    const b = (await peers(board)).find((p) => p.name === 'Ben');
    if (!b?.cursor) throw new Error('no cursor yet');
    return b;
  }, { message: 'Anna to see Ben' });
  const drawn = await page.evaluate(({ x, y, color }) => {
    window.__lernraum.frame();
    const c = document.querySelector('.board canvas');
    const ctx = c.getContext('2d');
    const dpr = c.width / c.getBoundingClientRect().width;
    const s = window.__lernraum.toScreen(x, y);
    const r = document.querySelector('.board').getBoundingClientRect();
    const px = Math.round((s.x - r.left + 3) * dpr);
    const py = Math.round((s.y - r.top + 8) * dpr);
    const d = ctx.getImageData(px, py, 1, 1).data;
    const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    return Math.abs(d[0] - want[0]) + Math.abs(d[1] - want[1]) + Math.abs(d[2] - want[2]) < 40;
  }, { x: ben.cursor.x, y: ben.cursor.y, color: ben.color });
  assert.ok(drawn, 'Ben\'s cursor is painted in his colour');
});

it('a selection shows at the others, and the People panel lists who is here', async ({ board, context, page, lang }) => {
  const note = await board.createNote({ text: 'Gemeinsam' });
  const other = await secondTab(context, withQuery(page.url(), { name: 'Carla' }), lang);
  await other.waitOutline(['Note: Gemeinsam']);
  await other.clickElement(note.id);
  await eventually(async () => {
    const c = (await peers(board)).find((p) => p.name === 'Carla');
    if (!c?.selection.includes(note.id)) throw new Error(JSON.stringify(c));
  }, { message: 'Carla\'s selection to arrive' });
  const people = page.getByRole('button', { name: lang === 'de' ? 'Personen' : 'People' });
  await people.click();
  const panel = page.getByRole('region', { name: lang === 'de' ? 'Personen' : 'People' });
  await panel.getByText('Carla').waitFor();
  assert.equal(await people.getAttribute('aria-expanded'), 'true');
});

it('the name is asked once, can be changed, reaches the others and never enters the board', async ({ board, context, page, lang }) => {
  const label = lang === 'de' ? 'Ihr Name' : 'Your name';
  const prompt = page.getByRole('group', { name: label });
  await prompt.waitFor();
  const field = prompt.getByLabel(label);
  assert.match(await field.inputValue(), lang === 'de' ? /^Gast \d+$/ : /^Guest \d+$/);
  await field.fill('Dora Beispiel');
  await prompt.getByRole('button', { name: lang === 'de' ? 'Übernehmen' : 'Save' }).click();
  await prompt.waitFor({ state: 'detached' });
  await board.createNote({ text: 'Anonym' });
  const other = await secondTab(context, page.url(), lang);
  // Same browser: the name is remembered, no prompt this time.
  assert.equal(await other.page.getByRole('group', { name: label }).count(), 0);
  await eventually(async () => {
    if (!(await peers(other)).some((p) => p.name === 'Dora Beispiel')) throw new Error('not yet');
  }, { message: 'the other tab to see the chosen name' });
  // Change it in the People panel.
  await page.getByRole('button', { name: lang === 'de' ? 'Personen' : 'People' }).click();
  const panelField = page.getByRole('region', { name: lang === 'de' ? 'Personen' : 'People' }).getByLabel(label);
  await panelField.fill('Dora B.');
  await panelField.press('Enter');
  await eventually(async () => {
    if (!(await peers(other)).some((p) => p.name === 'Dora B.')) throw new Error('not yet');
  }, { message: 'the new name to arrive' });
  // The board never holds it: every byte this browser stored for the board (IndexedDB
  // snapshot and appended updates, the write-ahead log) is free of the name.
  await page.evaluate(() => window.__lernraum.whenSaved());
  const stored = await page.evaluate(async () => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('lernraum'); r.onsuccess = () => res(r.result); r.onerror = rej; });
    const all = async (name) => new Promise((res, rej) => {
      const r = db.transaction(name).objectStore(name).getAll();
      r.onsuccess = () => res(r.result); r.onerror = rej;
    });
    const out = [];
    const walk = (v) => {
      if (v instanceof Uint8Array || v instanceof ArrayBuffer) out.push(Array.from(new Uint8Array(v.buffer ?? v)));
      else if (typeof v === 'string') out.push(Array.from(new TextEncoder().encode(v)));
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    for (const s of ['docs', 'updates', 'boards']) walk(await all(s));
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (!k.startsWith('lernraum.name')) walk(localStorage.getItem(k));
    }
    return out;
  });
  assert.ok(stored.length > 0, 'something was stored');
  for (const bytes of stored) {
    assert.ok(!Buffer.from(bytes).toString('latin1').includes('Dora'), 'no stored board byte holds the name');
  }
});

it('names travel through a y-websocket server too, and a node peer sees the state shape of ROOMS.md', async ({ openBoard, lang }) => {
  const board = await openBoard(`/?lang=${lang}&name=Emil&ws=${server.url}`);
  await board.waitConnection('synced');
  // ?name= is the name: nobody is asked for it again.
  assert.equal(await board.page.getByRole('group', { name: lang === 'de' ? 'Ihr Name' : 'Your name' }).count(), 0,
    'no name prompt when ?name= gives the name');
  const peer = yClient(server.url, board.room());
  try {
    await peer.whenSynced();
    const { Awareness } = await import('y-protocols/awareness');
    void Awareness;
    const state = await eventually(async () => {
      const states = [...peer.provider.awareness.getStates().values()];
      const emil = states.find((s) => s?.user?.name === 'Emil');
      if (!emil) throw new Error(JSON.stringify(states));
      return emil;
    }, { message: 'the node peer to see Emil' });
    assert.match(state.user.color, /^#[0-9a-f]{6}$/);
    assert.equal(state.role, 'moderator');
    assert.ok(Array.isArray(state.selection));
    assert.ok(state.viewport && typeof state.viewport.zoom === 'number');
    // The node peer's own state shows in the app.
    peer.provider.awareness.setLocalStateField('user', { name: 'Node-Peer', color: '#0b7285' });
    await eventually(async () => {
      if (!(await peers(board)).some((p) => p.name === 'Node-Peer')) throw new Error('not yet');
    }, { message: 'the app to see the node peer' });
    // And the node peer leaving is seen at once (null state), not after 30 s.
    peer.provider.awareness.setLocalState(null);
    await eventually(async () => {
      if ((await peers(board)).some((p) => p.name === 'Node-Peer')) throw new Error('still there');
    }, { message: 'the node peer to leave', timeout: 5000 });
  } finally {
    peer.close();
  }
});

it('the Share dialog shows both links, apart, with copy buttons and a QR code', async ({ board, page, lang }) => {
  await page.getByRole('button', { name: lang === 'de' ? 'Teilen' : 'Share' }).click();
  const dlg = page.getByRole('dialog', { name: lang === 'de' ? 'Board teilen' : 'Share the board' });
  await dlg.waitFor();
  const part = await dlg.getByLabel(lang === 'de' ? 'Link für Teilnehmende' : 'Participant link', { exact: true }).inputValue();
  const mod = await dlg.getByLabel(lang === 'de' ? /Moderation/ : /Moderator link/).inputValue();
  assert.ok(!part.includes('mod='), part);
  assert.ok(mod.includes('&mod='), mod);
  assert.ok(part.includes(`room=${board.room()}`) && part.includes('&key=') && part.includes('&mk='));
  assert.ok(!part.includes('name='), 'the personal name parameter is not shared');
  assert.equal(await dlg.getByRole('button', { name: lang === 'de' ? 'Link kopieren' : 'Copy link' }).count(), 2);
  assert.equal(await dlg.getByRole('img', { name: /QR/ }).count(), 1);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dlg.getByRole('button', { name: lang === 'de' ? 'Link kopieren' : 'Copy link' }).first().click();
  await eventually(async () => {
    const text = await page.evaluate(() => navigator.clipboard.readText());
    if (text !== part) throw new Error(text);
  }, { message: 'the participant link on the clipboard' });
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  // A participant (link without mod) sees only the participant link.
  await page.goto(part);
  await board.waitReady();
  await page.getByRole('button', { name: lang === 'de' ? 'Teilen' : 'Share' }).click();
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel(lang === 'de' ? /Moderation/ : /Moderator link/).count(), 0);
});
