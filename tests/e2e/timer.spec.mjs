// The workshop timer (issue "Facilitation", UI.md "Facilitation"): only the moderator
// gets the Timer controls; everyone sees the same countdown (role=timer), derived from
// the shared end time in the signed `control` map; a participant's forged entry is
// ignored by every client.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { e2eSuite, eventually } from './harness.mjs';
import { BoardPage, participantLink } from './board-page.mjs';
import { startYServer, yClient } from './yws.mjs';

const { it } = e2eSuite(import.meta.url);

let server;
before(async () => { server = await startYServer(); });
after(async () => { await server?.stop(); });


async function seconds(page) {
  const text = (await page.getByRole('timer').textContent()).trim();
  const m = /^(\d+):(\d\d)$/.exec(text);
  if (!m) throw new Error(`countdown reads ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

it('the moderator starts a timer and every participant sees the same countdown', async ({ openBoard, newPage, lang }) => {
  const mod = await openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  const timerButton = mod.page.getByRole('button', { name: 'Timer', exact: true });
  await timerButton.click();
  const panel = mod.page.getByRole('region', { name: 'Timer' });
  await panel.getByRole('button', { name: '5 min', exact: true }).click();
  await eventually(async () => {
    const s = await seconds(mod.page);
    if (s < 295 || s > 300) throw new Error(`moderator shows ${s}`);
  }, { message: 'the moderator\'s countdown near 5:00' });

  {
    const page = await newPage();
    const part = new BoardPage(page, { lang, baseUrl: new URL(mod.page.url()).origin });
    await page.goto(participantLink(mod.page.url()));
    await part.waitReady();
    await eventually(async () => {
      const [a, b] = [await seconds(mod.page), await seconds(page)];
      if (Math.abs(a - b) > 1) throw new Error(`moderator ${a}, participant ${b}`);
    }, { message: 'the participant to show the same countdown' });
    // Participants never get the controls.
    assert.equal(await page.getByRole('button', { name: 'Timer', exact: true }).count(), 0);
    // Pause: both stop at the same value.
    await panel.getByRole('button', { name: lang === 'de' ? 'Timer anhalten' : 'Pause timer' }).click();
    const paused = await eventually(async () => {
      const a = await seconds(mod.page);
      await new Promise((r) => setTimeout(r, 1200));
      const b = await seconds(mod.page);
      const c = await seconds(page);
      if (a !== b || Math.abs(b - c) > 0) throw new Error(`${a} ${b} ${c}`);
      return b;
    }, { message: 'a paused countdown, the same everywhere' });
    assert.ok(paused <= 300);
    // A forged entry from a participant (a plain Yjs peer on the server) is ignored.
    const forger = yClient(server.url, mod.room());
    try {
      await forger.whenSynced();
      forger.doc.getMap('control').set('timer', JSON.stringify({
        p: JSON.stringify({ k: 'timer', n: Date.now() + 1e9, v: { state: 'running', endsAt: Date.now() + 3600e3, duration: 3600e3 } }),
        s: 'A'.repeat(86),
      }));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await seconds(page), paused, 'the forged timer is ignored by the participant');
      assert.equal(await seconds(mod.page), paused, 'and by the moderator');
    } finally {
      forger.close();
    }
    // Stop: the countdown disappears everywhere.
    await panel.getByRole('button', { name: lang === 'de' ? 'Timer beenden' : 'Stop timer' }).click();
    await page.getByRole('timer').waitFor({ state: 'hidden' });
    await mod.page.getByRole('timer').waitFor({ state: 'hidden' });
  }
});

it('the timer keeps running when the moderator leaves', async ({ openBoard, newPage, lang }) => {
  const mod = await openBoard(`/?lang=${lang}&ws=${server.url}`);
  await mod.waitConnection('synced');
  await mod.page.getByRole('button', { name: 'Timer', exact: true }).click();
  const panel = mod.page.getByRole('region', { name: 'Timer' });
  await panel.getByLabel(lang === 'de' ? 'Minuten' : 'Minutes').fill('2');
  await panel.getByRole('button', { name: lang === 'de' ? 'Timer starten' : 'Start timer' }).click();
  const link = participantLink(mod.page.url());
  await mod.page.getByRole('timer').waitFor();
  await mod.page.close();
  {
    const page = await newPage();
    const part = new BoardPage(page, { lang, baseUrl: new URL(link).origin });
    await page.goto(link);
    await part.waitReady();
    const a = await eventually(() => seconds(page), { message: 'a countdown without the moderator' });
    assert.ok(a > 100 && a <= 120, `reads ${a}`);
    await new Promise((r) => setTimeout(r, 2100));
    const b = await seconds(page);
    assert.ok(a - b >= 1 && a - b <= 3, `it runs: ${a} then ${b}`);
  }
});
