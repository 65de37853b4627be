// Facilitation that every client enforces (issue "Facilitation"): the moderator's
// board and element locks, "Bring everyone here", following someone's view, the
// Chatham House badge and rule card. The moderator opens the board (moderator link);
// the participant opens the participant link in another tab; they sync over the
// encrypted BroadcastChannel. Participants never see moderator controls.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';
import { BoardPage, participantLink } from './board-page.mjs';

const { it } = e2eSuite(import.meta.url);


async function participant(session, mod) {
  const page = await session.newPage();
  const b = new BoardPage(page, { lang: session.lang, baseUrl: session.baseUrl });
  await page.goto(participantLink(mod.page.url()));
  await b.waitReady();
  await page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  return b;
}

const names = (lang) => lang === 'de'
  ? { lock: 'Board sperren', unlock: 'Board entsperren', bring: 'Alle zu mir holen', locked: 'Board gesperrt', lockSel: 'Für Teilnehmende sperren', chatham: 'Chatham-House-Regel', people: 'Personen', rule: 'Regelkarte zeigen' }
  : { lock: 'Lock board', unlock: 'Unlock board', bring: 'Bring everyone here', locked: 'Board locked', lockSel: 'Lock for participants', chatham: 'Chatham House rule', people: 'People', rule: 'Show the rule card' };

it('a locked board takes no edits from participants; the moderator still edits', async (session) => {
  const { board: mod, lang } = session;
  const n = names(lang);
  const note = await mod.createNote({ text: 'Vorher' });
  await mod.page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const part = await participant(session, mod);
  await part.waitOutline(['Note: Vorher']);
  assert.equal(await part.page.getByRole('button', { name: n.lock }).count(), 0, 'no lock control for participants');
  await mod.page.getByRole('button', { name: n.lock }).click();
  await part.page.getByText(n.locked, { exact: true }).waitFor();
  // The participant tries to move the note and to add one: nothing changes.
  const before = await part.element(note.id);
  await part.dragElement(note.id, 120, 80);
  await part.chooseTool('note');
  await part.clickEmpty(-300, -150);
  await part.page.keyboard.press('Escape');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await part.element(note.id), before, 'the note did not move');
  assert.equal((await part.elements()).length, 1, 'no note was added');
  // The moderator can.
  await mod.createNote({ text: 'Moderation', dx: 250 });
  await part.waitOutline(['Note: Vorher', 'Note: Moderation']);
  await mod.page.getByRole('button', { name: n.unlock }).click();
  await part.page.getByText(n.locked, { exact: true }).waitFor({ state: 'hidden' });
  await part.dragElement(note.id, 120, 0);
  await eventually(async () => {
    const e = await mod.element(note.id);
    if (Math.abs(e.x - before.x - 120 / (await part.view()).z) > 2) throw new Error(`x ${e.x}`);
  }, { message: 'the participant to move the note once unlocked' });
});

it('elements locked by the moderator cannot be changed by participants', async (session) => {
  const { board: mod, lang } = session;
  const n = names(lang);
  const note = await mod.createNote({ text: 'Fest' });
  await mod.page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  await mod.clickElement(note.id);
  await mod.page.getByRole('button', { name: n.lockSel }).click();
  const part = await participant(session, mod);
  await part.waitOutline(['Note: Fest']);
  await new Promise((r) => setTimeout(r, 300));
  const before = await part.element(note.id);
  await part.dragElement(note.id, 100, 100);
  await part.clickElement(note.id);
  await part.page.keyboard.press('Delete');
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(await part.element(note.id), before, 'the locked note is unchanged and still there');
  // A forged plain `locked` key cannot unlock it: the moderator's signed lock holds.
  assert.equal(await part.page.getByRole('button', { name: n.lockSel }).count(), 0);
});

it('"Bring everyone here" moves participants to the moderator\'s view; following tracks a view', async (session) => {
  const { board: mod, lang } = session;
  const n = names(lang);
  await mod.page.waitForFunction(() => window.__lernraum.tabs(), null, { timeout: 10000 });
  const part = await participant(session, mod);
  // Both somewhere else.
  await part.page.evaluate(() => null);
  const box = await part.boardBox();
  await part.page.mouse.move(box.x + 300, box.y + 300);
  await part.page.mouse.wheel(3000, 2000);
  await mod.page.mouse.move(box.x + 300, box.y + 300);
  await mod.page.mouse.wheel(-1500, 500);
  const centre = async (b) => b.page.evaluate(() => {
    const v = window.__lernraum.view();
    const r = document.querySelector('.board').getBoundingClientRect();
    return { x: -v.x + r.width / (2 * v.z), y: -v.y + r.height / (2 * v.z), z: v.z };
  });
  const target = await centre(mod);
  const clicked = Date.now();
  await mod.page.getByRole('button', { name: n.bring }).click();
  await eventually(async () => {
    const c = await centre(part);
    if (Math.hypot(c.x - target.x, c.y - target.y) > 2 || Math.abs(c.z - target.z) > 1e-6) {
      throw new Error(`participant at ${JSON.stringify(c)}, moderator ${JSON.stringify(target)}`);
    }
  }, { message: 'the participant\'s view to arrive at the moderator\'s' });
  // The glide runs on its own frames: it does not wait for some later message.
  assert.ok(Date.now() - clicked < 4000, `arrived ${Date.now() - clicked} ms after the click`);
  // Following: the participant follows the moderator from the People panel.
  await part.page.getByRole('button', { name: n.people, exact: true }).click();
  const panel = part.page.getByRole('region', { name: n.people });
  await panel.getByRole('button', { name: new RegExp(`^${lang === 'de' ? 'Folgen' : 'Follow'} `) }).first().click();
  await mod.page.mouse.wheel(800, 0);
  const moved = await centre(mod);
  await eventually(async () => {
    const c = await centre(part);
    if (Math.hypot(c.x - moved.x, c.y - moved.y) > 2) throw new Error(`participant at ${JSON.stringify(c)}, moderator ${JSON.stringify(moved)}`);
  }, { message: 'the follower to track the moderator' });
  // Moving breaks away.
  await part.page.mouse.move(box.x + 300, box.y + 300);
  await part.page.mouse.wheel(0, 900);
  const mine = await centre(part);
  await mod.page.mouse.wheel(-2000, 0);
  await new Promise((r) => setTimeout(r, 800));
  const after = await centre(part);
  assert.ok(Math.hypot(after.x - mine.x, after.y - mine.y) < 2, 'after moving, the participant no longer follows');
});

it('the Chatham House rule shows as a badge, and the moderator can show the rule card', async (session) => {
  const { board: mod, lang } = session;
  const n = names(lang);
  await mod.page.getByText(n.chatham, { exact: true }).waitFor();
  await mod.page.getByRole('button', { name: n.people, exact: true }).click();
  await mod.page.getByRole('button', { name: n.rule }).click();
  await eventually(async () => {
    const els = await mod.elements();
    if (!els.some((e) => e.text.startsWith(lang === 'de' ? 'Chatham-Haus-Regel' : 'Chatham House Rule'))) throw new Error('no card');
  }, { message: 'the rule card on the board' });
  const part = await participant(session, mod);
  await part.page.getByText(n.chatham, { exact: true }).waitFor();
  await part.page.getByRole('button', { name: n.people, exact: true }).click();
  assert.equal(await part.page.getByRole('button', { name: n.rule }).count(), 0, 'participants have no moderator controls');
});
