// Dot voting (issue "Facilitation"): the moderator starts a round; everyone places
// dots with a click and takes one back with Shift+click or right-click, seeing the
// votes left; no ballot reaches the document before the round ends; then totals show,
// ranked with ties, copyable; "Clear votes" is the moderator's.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { e2eSuite, eventually } from './harness.mjs';
import { BoardPage, participantLink } from './board-page.mjs';
import { startYServer } from './yws.mjs';

const { it } = e2eSuite(import.meta.url);

let server;
before(async () => { server = await startYServer(); });
after(async () => { await server?.stop(); });


it('a round from start to results, with the budget, hidden ballots, ties and clearing', async (session) => {
  const { lang } = session;
  const en = lang !== 'de';
  // Two people: the moderator here, the participant in a browser context of their own
  // (own storage), both syncing through a y-websocket server.
  const mod = await session.openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  const a = await mod.createNote({ text: 'Maßnahme A', dx: -300 });
  const b = await mod.createNote({ text: 'Maßnahme B', dx: 0 });
  const c = await mod.createNote({ text: 'Maßnahme C', dx: 300 });
  const other = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await other.newPage();
  const part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
  await page.goto(participantLink(mod.page.url()));
  await part.waitReady();
  await part.waitOutline(['Note: Maßnahme A', 'Note: Maßnahme B', 'Note: Maßnahme C']);
  assert.equal(await page.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).count(), 0);

  await mod.page.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
  const dlg = mod.page.getByRole('dialog', { name: en ? 'Start voting' : 'Abstimmung starten' });
  await dlg.getByLabel(en ? 'Votes per person' : 'Stimmen pro Person').fill('2');
  await dlg.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
  const left = (p) => p.getByRole('status').filter({ hasText: en ? 'Votes left' : 'Verbleibende Stimmen' });
  await eventually(async () => {
    const t = await left(page).textContent();
    if (!t.includes('2')) throw new Error(t);
  }, { message: 'the participant to have 2 votes' });

  // The participant: A, then B, then C (over budget: refused), then takes B back, gives C.
  await part.clickElement(a.id);
  await part.clickElement(b.id);
  await part.clickElement(c.id);
  assert.match(await left(page).textContent(), /0/);
  await part.clickElement(b.id, { shift: true });
  assert.match(await left(page).textContent(), /1/);
  const rc = await part.screenRect(c.id);
  await page.mouse.click(rc.cx, rc.cy, { button: 'right' });
  assert.match(await left(page).textContent(), /1/, 'right-click on an element without a dot changes nothing');
  await part.clickElement(c.id);
  assert.match(await left(page).textContent(), /0/);
  assert.deepEqual(await part.selection(), [], 'voting clicks do not select');
  // The People panel counts who has voted (never who).
  await mod.page.getByRole('button', { name: en ? 'People' : 'Personen', exact: true }).click();
  await mod.page.getByText(en ? '1 of 2 have voted' : '1 von 2 haben abgestimmt').waitFor();
  await mod.page.getByRole('button', { name: en ? 'People' : 'Personen', exact: true }).click();
  // The moderator votes A and B.
  await mod.clickElement(a.id);
  await mod.clickElement(b.id);
  // Nothing of it is in the document yet.
  assert.equal(await page.evaluate(() => window.__lernraum.ballots()), 0);
  assert.equal(await mod.page.evaluate(() => window.__lernraum.ballots()), 0);
  assert.equal(await page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).isVisible(), false);

  await mod.page.getByRole('button', { name: en ? 'End voting' : 'Abstimmung beenden' }).click();
  await eventually(async () => {
    const n = await mod.page.evaluate(() => window.__lernraum.ballots());
    if (n !== 2) throw new Error(`${n} ballots`);
  }, { message: 'both ballots to be published' });
  await page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).click();
  const results = page.getByRole('dialog', { name: en ? 'Results' : 'Ergebnisse' });
  const items = await results.getByRole('listitem').allTextContents();
  // A: 2 votes; B and C: 1 each, tied at rank 2.
  assert.equal(items.length, 3, JSON.stringify(items));
  assert.match(items[0], /^2\s*Maßnahme A$/);
  assert.match(items.slice(1).join('|'), /1\s*Maßnahme B/);
  assert.match(items.slice(1).join('|'), /1\s*Maßnahme C/);
  const ranks = await results.getByRole('listitem').evaluateAll((lis) => lis.map((li) => li.value));
  assert.deepEqual(ranks, [1, 2, 2], 'ties share a rank');
  assert.equal(await results.getByRole('button', { name: en ? 'Clear votes' : 'Stimmen löschen' }).count(), 0);
  await page.keyboard.press('Escape');

  // The moderator clears the votes: totals go away everywhere.
  await mod.page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).click();
  await mod.page.getByRole('dialog', { name: en ? 'Results' : 'Ergebnisse' })
    .getByRole('button', { name: en ? 'Clear votes' : 'Stimmen löschen' }).click();
  await page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).waitFor({ state: 'hidden' });
  await eventually(async () => {
    const n = await page.evaluate(() => window.__lernraum.ballots());
    if (n !== 0) throw new Error(`${n} ballots`);
  }, { message: 'the ballots to be cleared' });
  await other.close();
});

it('130 candidate notes, two rounds kept: the Results panel and the minutes show both', async (session) => {
  const { lang } = session;
  const en = lang !== 'de';
  const mod = session.board;
  // 130 measures from a text file, one note each.
  const lines = Array.from({ length: 130 }, (_, i) => `Maßnahme ${String(i + 1).padStart(3, '0')}`).join('\n');
  const [chooser] = await Promise.all([
    mod.page.waitForEvent('filechooser'),
    mod.page.getByRole('button', { name: en ? 'Open file' : 'Datei öffnen', exact: true }).click(),
  ]);
  await chooser.setFiles({ name: 'massnahmen.txt', mimeType: 'text/plain', buffer: Buffer.from(lines) });
  await mod.waitCount(130, '130 notes from the text file');
  await mod.page.keyboard.press('Escape');
  await mod.page.keyboard.press('Shift+1');
  const els = (await mod.elements()).sort((a, b) => (a.text < b.text ? -1 : 1));
  async function round(picks) {
    await mod.page.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
    const dlg = mod.page.getByRole('dialog', { name: en ? 'Start voting' : 'Abstimmung starten' });
    await dlg.getByLabel(en ? 'Votes per person' : 'Stimmen pro Person').fill('3');
    await dlg.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
    for (const i of picks) await mod.clickElement(els[i].id);
    await mod.page.getByRole('status').filter({ hasText: en ? 'Votes left: 0' : 'Verbleibende Stimmen: 0' }).waitFor();
    await mod.page.getByRole('button', { name: en ? 'End voting' : 'Abstimmung beenden' }).click();
    await mod.page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).waitFor();
  }
  await round([0, 64, 129]);
  await round([1, 2, 3]);
  await mod.page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).click();
  const results = mod.page.getByRole('dialog', { name: en ? 'Results' : 'Ergebnisse' });
  const current = await results.locator('ol.results').first().getByRole('listitem').allTextContents();
  // All tied at one vote: the order among ties is by id, so compare as a set.
  assert.deepEqual(current.map((t) => t.replace(/^\d+\s*/, '')).sort(), ['Maßnahme 002', 'Maßnahme 003', 'Maßnahme 004']);
  const earlier = results.locator('details.earlier-round');
  assert.equal(await earlier.count(), 1);
  await earlier.locator('summary').click();
  const first = await earlier.getByRole('listitem').allTextContents();
  assert.deepEqual(first.map((t) => t.replace(/^\d+\s*/, '')).sort(), ['Maßnahme 001', 'Maßnahme 065', 'Maßnahme 130']);
  await mod.page.keyboard.press('Escape');
  // The minutes list both rounds.
  await mod.action('export').click();
  const dlg = mod.page.getByRole('dialog', { name: en ? 'Export' : 'Exportieren', exact: true });
  await dlg.getByRole('radio', { name: 'Markdown', exact: true }).check();
  const [dl] = await Promise.all([mod.page.waitForEvent('download'), dlg.getByRole('button', { name: en ? 'Download' : 'Herunterladen' }).click()]);
  const fs = await import('node:fs');
  const md = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(md, en ? /## Votes — Round 1/ : /## Stimmen — Runde 1/);
  assert.match(md, en ? /## Votes — Round 2/ : /## Stimmen — Runde 2/);
  assert.match(md, /\| 1 \| Maßnahme 130 \|/);
}, { timeout: 120_000 });

it('an open Results panel follows ballots that arrive later', async (session) => {
  const { lang } = session;
  const en = lang !== 'de';
  const mod = await session.openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  const a = await mod.createNote({ text: 'Maßnahme A' });
  const other = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    let page = await other.newPage();
    let part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
    const link = participantLink(mod.page.url());
    await page.goto(link);
    await part.waitReady();
    await part.waitOutline(['Note: Maßnahme A']);
    await mod.page.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
    const dlg = mod.page.getByRole('dialog', { name: en ? 'Start voting' : 'Abstimmung starten' });
    await dlg.getByLabel(en ? 'Votes per person' : 'Stimmen pro Person').fill('1');
    await dlg.getByRole('button', { name: en ? 'Start voting' : 'Abstimmung starten' }).click();
    const left = page.getByRole('status').filter({ hasText: en ? 'Votes left' : 'Verbleibende Stimmen' });
    await left.waitFor();
    await part.clickElement(a.id);
    await eventually(async () => {
      if (!/0/.test(await left.textContent())) throw new Error(await left.textContent());
    }, { message: 'the vote to be placed' });
    // The participant is away when the round ends: the ballot stays on their device.
    await page.close();
    await mod.page.getByRole('button', { name: en ? 'End voting' : 'Abstimmung beenden' }).click();
    await mod.page.getByRole('button', { name: en ? 'Results' : 'Ergebnisse' }).click();
    const results = mod.page.getByRole('dialog', { name: en ? 'Results' : 'Ergebnisse' });
    await results.getByText(en ? 'No votes' : 'Keine Stimmen', { exact: false }).waitFor();
    // Back again: the ballot is published, and the open panel shows it.
    page = await other.newPage();
    part = new BoardPage(page, { lang, baseUrl: session.baseUrl });
    await page.goto(link);
    await part.waitReady();
    await eventually(async () => {
      const items = await results.getByRole('listitem').allTextContents();
      if (items.length !== 1 || !/^1\s*Maßnahme A$/.test(items[0])) throw new Error(JSON.stringify(items));
    }, { message: 'the open Results panel to list the late ballot' });
  } finally {
    await other.close();
  }
});
