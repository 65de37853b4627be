// A broken link never gives a blank page or a panic: an alert explains it and offers a
// fresh board.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';
import { BoardPage, b64urlBytes } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);

const BROKEN = [
  '#room=%%%&key=x',
  '#room=!!!not-base64!!!&key=AAAAAAAAAAAAAAAAAAAAAA',
  '#room=AAAAAAAAAAAAAA',
  '#key=AAAAAAAAAAAAAAAAAAAAAA',
  '#room=AAAAAAAAAAAAAA&key=%E0%A4%A',
];

async function expectBrokenLinkAlert(page, board, link) {
  await page.goto(board.baseUrl + link);
  const alert = page.getByRole('alert');
  await eventually(
    async () => {
      if (!(await alert.first().isVisible())) throw new Error('no visible role=alert');
      return true;
    },
    { message: `an alert explaining the broken link ${link}`, check: () => page.errors.assertNoFatal(`${link}:`) },
  );
  const text = (await alert.first().innerText()).trim();
  assert.ok(text.length > 5, `the alert says something (got ${JSON.stringify(text)})`);
  await board.page.getByRole('button', { name: board.t.startNewBoard, exact: true }).waitFor({ state: 'visible' });
  page.errors.assertNoFatal(`${link}:`);
  return text;
}

for (const frag of BROKEN) {
  it(`${frag} shows an alert, not a blank page or a panic`, async ({ page, baseUrl }) => {
    const board = new BoardPage(page, { lang: 'en', baseUrl });
    await expectBrokenLinkAlert(page, board, `/?lang=en${frag}`);
  }, { open: false });
}

it('"Start a new board" creates a fresh, working board', async ({ page, baseUrl }) => {
  const board = new BoardPage(page, { lang: 'en', baseUrl });
  const said = await expectBrokenLinkAlert(page, board, '/?lang=en#room=%%%&key=x');
  await page.getByRole('button', { name: 'Start a new board', exact: true }).click();
  await board.waitReady();
  const f = board.fragment();
  assert.ok(b64urlBytes(f.room) >= 10 && b64urlBytes(f.key) >= 16, `a valid new link: ${page.url()}`);
  assert.ok(f.mod && f.mk, `the new board's creator is its moderator: ${page.url()}`);
  await eventually(
    async () => (await page.getByRole('alert').filter({ hasText: said }).filter({ visible: true }).count()) === 0,
    { message: 'the broken-link alert goes away' },
  );
  await board.createNote({ text: 'Works' });
  await board.waitOutline(['Note: Works']);
}, { open: false });

it('German: "Neues Board beginnen"', async ({ page, baseUrl }) => {
  const board = new BoardPage(page, { lang: 'de', baseUrl });
  await expectBrokenLinkAlert(page, board, '/?lang=de#room=%%%&key=x');
  await page.getByRole('button', { name: 'Neues Board beginnen', exact: true }).click();
  await board.waitReady();
  assert.ok(b64urlBytes(board.room()) >= 10);
}, { open: false });

it('a broken link typed into an open board shows the alert too', async ({ board, page }) => {
  await board.createNote({ text: 'Before' });
  await page.evaluate(() => { location.hash = '#room=%%%&key=x'; });
  const alert = page.getByRole('alert');
  await eventually(async () => (await alert.first().isVisible()) || false, {
    message: 'an alert after changing the fragment to a broken link',
    check: () => page.errors.assertNoFatal(),
  });
  await page.getByRole('button', { name: 'Start a new board', exact: true }).waitFor({ state: 'visible' });
});
