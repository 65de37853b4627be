// A whole workshop over the WebRTC mesh (issue "e2e with a moderator and 3 participants
// in separate contexts over WebRTC"): the moderator opens a new board (the creator is
// the moderator) and hands out the participant link; three participants join, each in a
// browser context of their own (own storage, no BroadcastChannel between them), and
// everybody meets through the project's signaling relay. Then, as in a real session:
// template, timer, "Bring everyone here", a silent brainstorm in private mode, Reveal,
// a lock on the rule card, a dot-voting round with 3 votes each, and the results.
// Participants never see moderator controls. English only, like webrtc.spec.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { ARTIFACTS, e2eSuite, eventually, pixelAt } from './harness.mjs';
import { parseFragment, participantLink } from './board-page.mjs';
import { WEBRTC_ARGS, WEBRTC_CONTEXT, participant, startRelay, waitPeers } from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });

let relay;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  await relay?.stop();
});

/** Generous: four pages on two cores, with another browser running alongside. */
const WAIT = 20_000;

const N = {
  timer: 'Timer',
  startTimer: 'Start timer',
  pauseTimer: 'Pause timer',
  stopTimer: 'Stop timer',
  minutes: 'Minutes',
  privateMode: 'Private mode',
  reveal: 'Reveal',
  privateBadge: 'Private mode: only you see your notes',
  startVoting: 'Start voting',
  endVoting: 'End voting',
  votesPerPerson: 'Votes per person',
  votesLeft: 'Votes left',
  results: 'Results',
  clearVotes: 'Clear votes',
  bring: 'Bring everyone here',
  lockBoard: 'Lock board',
  unlockBoard: 'Unlock board',
  lockSel: 'Lock for participants',
  unlockSel: 'Unlock',
  people: 'People',
  showRule: 'Show the rule card',
  anonymousCursors: 'Anonymous cursors (hide names)',
};

/** Every moderator control of UI.md "Facilitation" (and the selection's lock). */
const MODERATOR_CONTROLS = [
  N.timer, N.startTimer, N.pauseTimer, N.stopTimer, N.privateMode, N.reveal, N.startVoting,
  N.endVoting, N.bring, N.lockBoard, N.unlockBoard, N.lockSel, N.unlockSel, N.clearVotes,
];

const button = (board, name) => board.page.getByRole('button', { name, exact: true });

/** Throws if `board` shows any moderator control (`when` says at which step). */
async function assertNoModeratorControls(board, who, when) {
  for (const name of MODERATOR_CONTROLS) {
    assert.equal(await button(board, name).count(), 0, `${who} sees no "${name}" button (${when})`);
  }
}

/** The countdown in seconds (`role=timer`, "m:ss"). */
async function seconds(board) {
  const text = ((await board.page.getByRole('timer').textContent()) ?? '').trim();
  const m = /^(\d+):(\d\d)$/.exec(text);
  if (!m) throw new Error(`countdown reads ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** All countdowns, read at (nearly) the same moment; throws unless they agree within 1 s. */
async function countdownsAgree(boards) {
  const all = await Promise.all(boards.map(seconds));
  if (Math.max(...all) - Math.min(...all) > 1) throw new Error(`countdowns differ: ${JSON.stringify(all)}`);
  return all;
}

/** The board point at the centre of the view, and the zoom. */
function viewCentre(board) {
  return board.page.evaluate(() => {
    const v = window.__lernraum.view();
    const r = document.querySelector('.board').getBoundingClientRect();
    return { x: -v.x + r.width / (2 * v.z), y: -v.y + r.height / (2 * v.z), z: v.z };
  });
}

/** Outline rows "Note: text" of `board` (nested rows are their own items). */
async function hasNote(board, text) {
  return (await board.outlineTexts()).includes(board.noteLabel(text));
}

/** Wait until every board in `boards` shows (or, with `shown: false`, does not show) `text`. */
async function waitNote(boards, text, { shown = true, message } = {}) {
  for (const b of boards) {
    await eventually(
      async () => {
        if ((await hasNote(b, text)) !== shown) throw new Error(`outline: ${JSON.stringify(await b.outlineTexts())}`);
        return true;
      },
      { timeout: WAIT, message: message ?? `"${text}" to be ${shown ? '' : 'not '}shown`, check: () => b.page.errors?.assertNoFatal() },
    );
  }
}

/**
 * A barrier over the mesh: `from` moves its pointer to a fresh spot on its board, and we
 * wait until every page of `to` shows that cursor (presence) where it is. Presence goes
 * out after the board updates `from` made before it, over the same ordered data channel,
 * so whatever `from` had sent by then has arrived too. Used to wait for something *not*
 * to happen without sleeping for a guessed while.
 */
let markerSeq = 0;
async function barrier(from, to) {
  const box = await from.board.boardBox();
  const k = ++markerSeq;
  const sx = Math.round(box.x + 60 + ((k * 137) % Math.max(1, box.width - 120)));
  const sy = Math.round(box.y + 60 + ((k * 89) % Math.max(1, box.height - 120)));
  await from.page.mouse.move(sx - 3, sy - 2);
  await from.page.mouse.move(sx, sy);
  const at = await from.board.toBoard(sx, sy);
  for (const p of to) {
    await eventually(
      async () => {
        const peers = await p.page.evaluate(() => window.__lernraum.peers());
        const q = peers.find((q) => q.name === from.name);
        if (!q?.cursor || Math.hypot(q.cursor.x - at.x, q.cursor.y - at.y) > 1) {
          throw new Error(`${p.name} sees ${JSON.stringify(q)}, want the cursor at ${JSON.stringify(at)}`);
        }
        return true;
      },
      { timeout: WAIT, message: `${p.name} to see ${from.name}'s cursor (barrier)`, check: () => p.page.errors?.assertNoFatal() },
    );
  }
}

/** "Votes left: N" of a page, or null while it is hidden. */
async function votesLeft(board) {
  const badge = board.page.getByRole('status').filter({ hasText: N.votesLeft });
  if (!(await badge.isVisible())) return null;
  const m = /(\d+)/.exec(await badge.textContent());
  return m ? Number(m[1]) : NaN;
}

async function waitVotesLeft(person, n) {
  return eventually(
    async () => {
      const v = await votesLeft(person.board);
      if (v !== n) throw new Error(`${person.name} has ${v} votes left`);
      return v;
    },
    { timeout: WAIT, message: `${person.name} to have ${n} vote(s) left`, check: () => person.page.errors?.assertNoFatal() },
  );
}

/**
 * Whether `board` draws a vote total on element `el`: the blue badge (#1864ab) that
 * render.rs puts on its top-right corner once a round has closed. Sampled below the
 * digit, where a person's own red dots (open round) never reach.
 */
async function totalBadge(board, el) {
  const { z } = await board.view();
  const r = Math.max(9 / z, 9);
  const p = await board.toScreen(el.x + el.w - 0.4 * r, el.y + 1.2 * r);
  await board.frame();
  const c = await pixelAt(board.page, p.x, p.y);
  return Math.abs(c.r - 0x18) + Math.abs(c.g - 0x64) + Math.abs(c.b - 0xab) < 40;
}

/** Everyone's pointer off the board, and nobody drawing anyone's cursor any more. */
async function cursorsAway(persons) {
  for (const p of persons) await p.page.mouse.move(1270, 790);
  for (const p of persons) {
    await eventually(
      async () => {
        const peers = await p.page.evaluate(() => window.__lernraum.peers());
        if (peers.some((q) => q.cursor)) throw new Error(`${p.name} still draws ${JSON.stringify(peers.filter((q) => q.cursor))}`);
        return true;
      },
      { timeout: WAIT, message: `no cursors on ${p.name}'s board` },
    );
  }
}

/** Opens the Results panel, reads its ranked rows { rank, votes, text }, closes it. */
async function readResults(person) {
  await button(person.board, N.results).click();
  const dlg = person.page.getByRole('dialog', { name: N.results });
  await dlg.waitFor({ state: 'visible' });
  const rows = await dlg.locator('ol.results').first().getByRole('listitem').evaluateAll((lis) =>
    lis.map((li) => ({
      rank: li.value,
      votes: Number(li.querySelector('.votes')?.textContent),
      text: (li.querySelector('.text')?.textContent ?? '').trim(),
    })),
  );
  const canClear = await dlg.getByRole('button', { name: N.clearVotes, exact: true }).count();
  await person.page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'hidden' });
  return { rows, canClear };
}

/** The expected results: by votes, competition ranking (ties share a rank); ties by text. */
function expectedResults(totals) {
  const rows = Object.entries(totals)
    .map(([text, votes]) => ({ text, votes }))
    .sort((a, b) => b.votes - a.votes || a.text.localeCompare(b.text));
  return rows.map((r) => ({ rank: 1 + rows.filter((o) => o.votes > r.votes).length, votes: r.votes, text: r.text }));
}
const byRankThenText = (rows) => [...rows].sort((a, b) => a.rank - b.rank || a.text.localeCompare(b.text));

it('a moderator runs template, timer, private brainstorm, reveal, lock, vote and results with three participants over WebRTC', async (session) => {
  // ---- The moderator opens a new board: the creator holds the moderator secret. -----
  const modBoard = await session.openBoard(`/?signal=${encodeURIComponent(relay.url)}&lang=en&name=Moderation`);
  const mod = { name: 'Moderation', board: modBoard, page: modBoard.page };
  const frag = modBoard.fragment();
  assert.ok(frag.room && frag.key && frag.mod && frag.mk, `a new board link with room, key, mod and mk: ${modBoard.page.url()}`);
  const link = participantLink(modBoard.page.url());
  assert.ok(!parseFragment(link).mod, 'the participant link carries no moderator secret');

  const people = [];
  const everyone = () => [mod, ...people];
  const failed = [];
  try {
    // ---- Three participants join with the participant link, each in its own context. --
    for (const name of ['Anna', 'Ben', 'Cem']) {
      const p = await participant(env, relay.url, null, { open: false });
      p.context.setDefaultTimeout(WAIT);
      p.name = name;
      const u = new URL(link);
      u.searchParams.set('name', name);
      await p.board.goto(u.toString());
      people.push(p);
    }
    for (const p of everyone()) await waitPeers(p.board, 3, { timeout: 60_000 });

    // The moderator has the controls (so the names below are the right ones) ...
    for (const name of [N.timer, N.privateMode, N.startVoting, N.bring, N.lockBoard]) {
      assert.equal(await button(modBoard, name).count(), 1, `the moderator has "${name}"`);
    }
    // ... and no participant has any.
    for (const p of people) await assertNoModeratorControls(p.board, p.name, 'on joining');
    // Everyone sees who is here, the moderator marked as such.
    for (const p of people) {
      await eventually(
        async () => {
          const peers = await p.page.evaluate(() => window.__lernraum.peers());
          const names = peers.map((q) => q.name).sort();
          if (JSON.stringify(names) !== JSON.stringify(['Anna', 'Ben', 'Cem', 'Moderation'].filter((n) => n !== p.name))) {
            throw new Error(`peers: ${JSON.stringify(peers)}`);
          }
          if (!peers.find((q) => q.name === 'Moderation')?.moderator || peers.some((q) => q.name !== 'Moderation' && q.moderator)) {
            throw new Error(`roles: ${JSON.stringify(peers.map((q) => [q.name, q.moderator]))}`);
          }
          return true;
        },
        { timeout: WAIT, message: `${p.name} to see the other three, only the moderator as moderator` },
      );
      // The People panel lists them, the moderator's role shown, and none of the
      // moderator's settings (rule card, anonymous cursors).
      await button(p.board, N.people).click();
      const panel = p.page.getByRole('region', { name: N.people });
      await panel.getByRole('listitem').filter({ hasText: 'Moderation' }).filter({ hasText: 'Moderator' }).waitFor({ state: 'visible' });
      assert.equal(await panel.getByRole('button', { name: N.showRule }).count(), 0, `${p.name} cannot show the rule card`);
      assert.equal(await panel.getByLabel(N.anonymousCursors).count(), 0, `${p.name} has no Chatham House settings`);
      await button(p.board, N.people).click();
      await panel.waitFor({ state: 'hidden' });
    }
    await button(modBoard, N.people).click();
    await mod.page.getByRole('region', { name: N.people }).getByRole('button', { name: N.showRule }).waitFor({ state: 'visible' });
    await button(modBoard, N.people).click();

    // ---- Template: the moderator inserts the team agreement; everyone sees it. --------
    await modBoard.templatesRegion.waitFor({ state: 'visible' });
    await modBoard.templateButton('teamAgreement').click();
    await modBoard.templatesRegion.waitFor({ state: 'hidden' });
    const template = await modBoard.waitElements(
      (els) => els.some((e) => e.kind === 'frame' && e.text === "Do's") && els.some((e) => e.text.startsWith('Chatham House Rule')),
      'the team agreement on the moderator\'s board',
    );
    const dos = template.find((e) => e.kind === 'frame' && e.text === "Do's");
    const donts = template.find((e) => e.kind === 'frame' && e.text === "Don'ts");
    const card = template.find((e) => e.text.startsWith('Chatham House Rule'));
    const speakOpenly = template.find((e) => e.text === 'Speak openly about challenges');
    const blame = template.find((e) => e.text === 'Look for someone to blame');
    assert.ok(dos && donts && card && speakOpenly && blame, `the template's frames, card and notes: ${JSON.stringify(template.map((e) => e.text))}`);
    const templateIds = template.map((e) => e.id).sort();
    for (const p of people) {
      await p.board.waitElements(
        (els) => JSON.stringify(els.map((e) => e.id).sort()) === JSON.stringify(templateIds),
        `${p.name} to receive the whole template (${templateIds.length} elements)`,
      );
      // Others' edits reach the outline a moment later (it follows them every 250 ms).
      await eventually(async () => {
        const outline = await p.board.outlineTexts();
        if (!(outline.some((t) => t.startsWith("Frame: Do's")) && outline.some((t) => t.startsWith("Frame: Don'ts")))) {
          throw new Error(`${p.name}'s outline lists the frames: ${JSON.stringify(outline)}`);
        }
        if (!(await hasNote(p.board, 'Speak openly about challenges'))) throw new Error(`${p.name}'s outline lists the example notes`);
      }, { message: `${p.name}'s outline to list the template` });
      await p.board.templatesRegion.waitFor({ state: 'hidden' });
    }

    // ---- Timer: 10 minutes; all four countdowns agree within 1 s. ---------------------
    await button(modBoard, N.timer).click();
    const timerPanel = mod.page.getByRole('region', { name: N.timer });
    await timerPanel.getByLabel(N.minutes).fill('10');
    await timerPanel.getByRole('button', { name: N.startTimer, exact: true }).click();
    await button(modBoard, N.timer).click();
    await timerPanel.waitFor({ state: 'hidden' });
    const boards = () => everyone().map((p) => p.board);
    const first = await eventually(
      async () => {
        const all = await countdownsAgree(boards());
        if (all.some((s) => s < 570 || s > 600)) throw new Error(`countdowns ${JSON.stringify(all)}, not near 10:00`);
        return all;
      },
      { timeout: WAIT, message: 'all four countdowns near 10:00 and within 1 s of each other' },
    );
    for (const p of people) await assertNoModeratorControls(p.board, p.name, 'while the timer runs');

    // ---- Bring everyone here: the participants look elsewhere, then come to the moderator.
    for (const [i, p] of people.entries()) {
      const box = await p.board.boardBox();
      await p.page.mouse.move(box.x + 300, box.y + 300);
      if (i === 1) {
        // Ben zooms in as well.
        await p.page.keyboard.down('Control');
        await p.page.mouse.wheel(0, -60);
        await p.page.keyboard.up('Control');
      }
      await p.page.mouse.wheel([2500, -2000, 1200][i], [1500, 1000, -2200][i]);
    }
    const target = await viewCentre(modBoard);
    for (const p of people) {
      await eventually(
        async () => {
          const c = await viewCentre(p.board);
          if (Math.hypot(c.x - target.x, c.y - target.y) < 500) throw new Error(`${p.name} still at ${JSON.stringify(c)}`);
          return true;
        },
        { timeout: WAIT, message: `${p.name} to look somewhere else first` },
      );
    }
    await button(modBoard, N.bring).click();
    for (const p of people) {
      await eventually(
        async () => {
          const c = await viewCentre(p.board);
          if (Math.hypot(c.x - target.x, c.y - target.y) > 2 || Math.abs(c.z - target.z) > 1e-6) {
            throw new Error(`${p.name} at ${JSON.stringify(c)}, the moderator at ${JSON.stringify(target)}`);
          }
          return true;
        },
        { timeout: WAIT, message: `${p.name}'s view to arrive at the moderator's`, check: () => p.page.errors?.assertNoFatal() },
      );
    }
    const moderatorView = await viewCentre(modBoard);
    assert.ok(Math.hypot(moderatorView.x - target.x, moderatorView.y - target.y) < 1e-6, 'the moderator stays where they are');

    // ---- Private brainstorm: each participant's note stays on their device. ----------
    await button(modBoard, N.privateMode).click();
    await modBoard.waitPressed(button(modBoard, N.privateMode), true, 'Private mode to be on');
    await button(modBoard, N.reveal).waitFor({ state: 'visible' });
    for (const p of people) {
      await p.page.getByText(N.privateBadge, { exact: true }).waitFor({ state: 'visible', timeout: WAIT });
      await assertNoModeratorControls(p.board, p.name, 'in private mode');
    }
    // Each writes into a free slot of the frames (the template leaves three per frame).
    const slot = (frame, i) => ({ x: frame.x + 40 + (i % 2) * 220 + 100, y: frame.y + 40 + Math.floor(i / 2) * 220 + 100 });
    const ideas = [
      { who: 0, text: 'Start and end on time', at: slot(dos, 3) },
      { who: 1, text: 'Talk over each other', at: slot(donts, 3) },
      { who: 2, text: 'Share drafts early', at: slot(dos, 4) },
    ];
    for (const idea of ideas) {
      const p = people[idea.who];
      idea.author = p;
      const at = await p.board.toScreen(idea.at.x, idea.at.y);
      const note = await p.board.createNote({ text: idea.text, at: { x: Math.round(at.x), y: Math.round(at.y) } });
      assert.equal(note.text, idea.text);
    }
    // Let every participant's updates reach everyone, then look: only the author sees it.
    for (const p of people) await barrier(p, everyone().filter((q) => q !== p));
    for (const idea of ideas) {
      for (const q of everyone()) {
        const sees = await hasNote(q.board, idea.text);
        const inModel = (await q.board.elements()).some((e) => e.text === idea.text);
        if (q === idea.author) {
          assert.ok(sees && inModel, `${q.name} sees their own draft "${idea.text}"`);
        } else {
          assert.ok(!sees && !inModel, `${q.name} does not see ${idea.author.name}'s draft "${idea.text}" before Reveal`);
        }
      }
    }
    // Reveal: every client publishes its drafts; all four see all three notes, once each.
    await button(modBoard, N.reveal).click();
    for (const idea of ideas) await waitNote(boards(), idea.text, { message: `"${idea.text}" to be revealed to everyone` });
    for (const p of people) await p.page.getByText(N.privateBadge, { exact: true }).waitFor({ state: 'hidden', timeout: WAIT });
    await modBoard.waitPressed(button(modBoard, N.privateMode), false, 'Private mode to be off after Reveal');
    const revealed = await modBoard.elements();
    for (const idea of ideas) {
      const same = revealed.filter((e) => e.text === idea.text);
      assert.equal(same.length, 1, `"${idea.text}" once on the board`);
      idea.id = same[0].id;
    }
    for (const p of people) {
      await p.board.waitElements(
        (els) => JSON.stringify(els.map((e) => e.id).sort()) === JSON.stringify(revealed.map((e) => e.id).sort()),
        `${p.name} to hold exactly the moderator's elements after Reveal`,
      );
    }
    // The timer ran on through the brainstorm, still the same everywhere.
    const later = await eventually(() => countdownsAgree(boards()), { timeout: WAIT, message: 'the countdowns to agree after Reveal' });
    assert.ok(Math.max(...later) < Math.max(...first), `the timer runs: ${JSON.stringify(first)} then ${JSON.stringify(later)}`);

    // ---- Lock: the moderator locks the rule card; participants cannot change it. -----
    await modBoard.clickElement(card.id);
    await modBoard.waitSelected([card.id]);
    await button(modBoard, N.lockSel).click();
    await modBoard.waitPressed(button(modBoard, N.unlockSel), true, 'the card to be locked');
    await modBoard.clickEmpty(0, 330);
    await modBoard.waitSelected([]);
    // The lock (a signed control entry) has reached everyone once the moderator's
    // later presence has.
    await barrier(mod, people);
    const ben = people[1];
    const cardBefore = await ben.board.element(card.id);
    await ben.board.dragElement(card.id, 120, 80);
    await ben.board.dblclickElement(card.id);
    await ben.board.clickElement(card.id);
    await ben.board.waitSelected([card.id], 'a locked element can still be selected');
    await assertNoModeratorControls(ben.board, ben.name, 'with the locked card selected');
    await ben.board.press('Delete');
    await ben.board.press('ArrowRight');
    await barrier(ben, [mod]);
    assert.equal(await ben.board.editor.isVisible(), false, 'no text editor opens on the locked card');
    assert.deepEqual(await ben.board.element(card.id), cardBefore, `${ben.name}'s board: the locked card is unchanged`);
    assert.deepEqual(await modBoard.element(card.id), cardBefore, 'the moderator\'s board: the locked card is unchanged');
    await ben.board.clickEmpty(0, 330);
    await ben.board.waitSelected([]);
    // The moderator still moves and edits it; everyone follows.
    await modBoard.dragElement(card.id, 0, 80);
    const movedCard = (await modBoard.waitElements(
      (els) => els.find((e) => e.id === card.id)?.y > cardBefore.y + 20,
      'the moderator to move the locked card',
    )).find((e) => e.id === card.id);
    for (const p of people) {
      await p.board.waitElements(
        (els) => els.some((e) => e.id === card.id && e.x === movedCard.x && e.y === movedCard.y),
        `the moderator's move of the locked card to reach ${p.name}`,
      );
    }
    await modBoard.clickElement(card.id);
    await modBoard.press('Enter');
    await modBoard.waitEditorFocused();
    await mod.page.keyboard.press('Control+End');
    await mod.page.keyboard.type(' Agreed.');
    await mod.page.keyboard.press('Escape');
    await modBoard.waitEditorClosed();
    const cardText = `${cardBefore.text} Agreed.`;
    for (const p of everyone()) {
      await p.board.waitElements((els) => els.find((e) => e.id === card.id)?.text === cardText, `the moderator's edit of the locked card to reach ${p.name}`);
    }
    await modBoard.clickEmpty(0, 330);
    await modBoard.waitSelected([]);

    // ---- Voting: 3 votes each; totals stay hidden until the moderator ends the round. --
    for (const p of people) await assertNoModeratorControls(p.board, p.name, 'before voting');
    await button(modBoard, N.startVoting).click();
    const dlg = mod.page.getByRole('dialog', { name: N.startVoting });
    await dlg.getByLabel(N.votesPerPerson).fill('3');
    await dlg.getByRole('button', { name: N.startVoting, exact: true }).click();
    await dlg.waitFor({ state: 'hidden' });
    for (const p of people) await waitVotesLeft(p, 3);
    for (const p of people) await assertNoModeratorControls(p.board, p.name, 'during the round');
    await button(modBoard, N.endVoting).waitFor({ state: 'visible' });

    const [idea1, idea2, idea3] = ideas;
    const target1 = { id: idea1.id, text: idea1.text };
    const target2 = { id: idea2.id, text: idea2.text };
    const target3 = { id: idea3.id, text: idea3.text };
    const open = { id: speakOpenly.id, text: speakOpenly.text };
    const blameT = { id: blame.id, text: blame.text };
    // Anna: her own idea, Ben's and Cem's; a fourth dot is refused.
    // Ben: Anna's, Cem's and "Speak openly about challenges".
    // Cem: first "Look for someone to blame", takes it back (Shift+click), then Anna's,
    //      Ben's and "Speak openly about challenges".
    // Totals: Anna's idea 3; Ben's, Cem's and "Speak openly" 2 each (a tie at rank 2).
    const plan = [
      [target1, target2, target3],
      [target1, target3, open],
      [target1, target2, open],
    ];
    const [anna, , cem] = people;
    for (const [i, p] of people.entries()) {
      if (p === cem) {
        await p.board.clickElement(blameT.id);
        await waitVotesLeft(p, 2);
        await p.board.clickElement(blameT.id, { shift: true });
        await waitVotesLeft(p, 3);
      }
      for (const [k, t] of plan[i].entries()) {
        await p.board.clickElement(t.id);
        await waitVotesLeft(p, 2 - k);
      }
      assert.deepEqual(await p.board.selection(), [], `${p.name}: voting clicks do not select`);
    }
    await anna.board.clickElement(blameT.id);
    await anna.board.frame();
    await waitVotesLeft(anna, 0);
    // Hidden while the round runs: the moderator sees only how many have voted ...
    await button(modBoard, N.people).click();
    await mod.page.getByText('3 of 4 have voted').waitFor({ state: 'visible', timeout: WAIT });
    await button(modBoard, N.people).click();
    // ... no ballot is in anyone's document, no page offers results or lists totals.
    for (const p of people) await barrier(p, everyone().filter((q) => q !== p));
    for (const p of everyone()) {
      assert.equal(await p.page.evaluate(() => window.__lernraum.ballots()), 0, `no ballot in ${p.name}'s document mid-round`);
      assert.equal(await button(p.board, N.results).isVisible(), false, `${p.name} is offered no Results mid-round`);
      assert.equal(await p.page.locator('ol.results').count(), 0, `${p.name}'s page lists no totals mid-round`);
    }
    // ... and no board draws a total on any element.
    const candidates = [target1, target2, target3, open, blameT];
    await cursorsAway(everyone());
    for (const p of everyone()) {
      for (const t of candidates) {
        assert.equal(await totalBadge(p.board, await p.board.element(t.id)), false, `${p.name}'s board shows no total on "${t.text}" mid-round`);
      }
    }

    // The moderator ends the round: every client publishes its ballot and tallies.
    await button(modBoard, N.endVoting).click();
    for (const p of everyone()) {
      await eventually(
        async () => {
          const n = await p.page.evaluate(() => window.__lernraum.ballots());
          if (n !== 3) throw new Error(`${n} ballots`);
          return true;
        },
        { timeout: WAIT, message: `the three participants' ballots to reach ${p.name}`, check: () => p.page.errors?.assertNoFatal() },
      );
      await eventually(async () => (await votesLeft(p.board)) === null, { timeout: WAIT, message: `${p.name}'s "Votes left" to go` });
    }
    const totals = {};
    for (const ballot of plan) for (const t of ballot) totals[t.text] = (totals[t.text] ?? 0) + 1;
    assert.deepEqual(Object.values(totals).sort(), [2, 2, 2, 3], 'the plan (one note with votes from all three)');
    const want = expectedResults(totals);
    for (const p of everyone()) {
      await button(p.board, N.results).waitFor({ state: 'visible', timeout: WAIT });
      const { rows, canClear } = await readResults(p);
      assert.deepEqual(byRankThenText(rows), byRankThenText(want), `${p.name}'s Results panel ranks the totals`);
      for (let i = 1; i < rows.length; i++) {
        assert.ok(rows[i - 1].votes >= rows[i].votes, `${p.name}'s Results are sorted by votes: ${JSON.stringify(rows)}`);
      }
      assert.equal(canClear, p === mod ? 1 : 0, `${p.name} ${p === mod ? 'may' : 'may not'} clear the votes`);
    }
    // The totals show on the elements at every client: a badge on each voted note, none elsewhere.
    await cursorsAway(everyone());
    for (const p of everyone()) {
      for (const t of candidates) {
        const voted = (totals[t.text] ?? 0) > 0;
        await eventually(
          async () => (await totalBadge(p.board, await p.board.element(t.id))) === voted,
          { timeout: WAIT, message: `${p.name}'s board to ${voted ? 'show' : 'show no'} a total on "${t.text}"` },
        );
      }
    }
    for (const p of people) await assertNoModeratorControls(p.board, p.name, 'after the round');

    for (const p of people) p.errors.assertNoFatal(p.name);
  } catch (e) {
    failed.push(e);
    throw e;
  } finally {
    if (failed.length) {
      // The harness keeps the moderator's page; keep the participants' as well.
      try {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        for (const p of people) {
          const base = path.join(ARTIFACTS, `session.spec--participant-${p.name}`);
          await p.page.screenshot({ path: `${base}.png`, timeout: 5_000 }).catch(() => {});
          fs.writeFileSync(`${base}.log`, p.errors.log.join('\n') + '\n');
        }
      } catch {
        /* best effort */
      }
    }
    for (const p of people) await p.close();
  }
}, { open: false, timeout: 300_000, contextOptions: WEBRTC_CONTEXT });
