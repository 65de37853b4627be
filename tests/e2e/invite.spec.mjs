// Serverless invite (ROOMS.md transport 3): with no signaling server reachable, two
// people connect by passing an invite code and a reply code (both also as QR codes);
// then they co-edit over the data channel. A code for another board is refused clearly.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';
import { WEBRTC_ARGS, participant, randomRoom, waitPeers, webrtc } from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });

// Nothing listens here: no relay, so only the invite can connect the two.
const NO_RELAY = 'ws://127.0.0.1:9/signal';

async function openShare(p) {
  await p.page.getByRole('button', { name: 'Share', exact: true }).click();
  const dlg = p.page.getByRole('dialog', { name: 'Share the board' });
  await dlg.waitFor();
  return dlg;
}

async function value(locator) {
  return eventually(async () => {
    const v = await locator.inputValue();
    if (!v.startsWith('LR1-')) throw new Error(`code is ${JSON.stringify(v)}`);
    return v;
  }, { timeout: 15_000, message: 'a code to appear' });
}

it('two people without any server connect with an invite and a reply code, then co-edit', async () => {
  const link = randomRoom();
  const a = await participant(env, NO_RELAY, link);
  const b = await participant(env, NO_RELAY, link);
  try {
    const da = await openShare(a);
    await da.getByRole('button', { name: 'Create invite code' }).click();
    const invite = await value(da.getByLabel('Invite code', { exact: true }));
    assert.equal(await da.getByRole('img', { name: 'QR: Invite code' }).count(), 1, 'the invite is a QR code too');
    // No board text or key in the code: it is encrypted with the room key.
    assert.ok(!invite.includes(link.key));

    const db = await openShare(b);
    await db.getByRole('button', { name: 'I have an invite code' }).click();
    await db.getByLabel('Invite code', { exact: true }).fill(invite);
    await db.getByRole('button', { name: 'Create reply' }).click();
    const reply = await value(db.getByLabel('Reply code', { exact: true }));

    await da.getByLabel('Reply code', { exact: true }).fill(reply);
    await da.getByRole('button', { name: 'Connect', exact: true }).click();
    await da.getByText('Connected.', { exact: true }).waitFor();
    await waitPeers(a.board, 1);
    await waitPeers(b.board, 1);
    await a.page.keyboard.press('Escape');
    await b.page.keyboard.press('Escape');

    await a.board.createNote({ text: 'Ohne Server', dx: -200 });
    await b.board.waitOutline(['Note: Ohne Server']);
    await b.board.createNote({ text: 'Zurück', dx: 200 });
    await a.board.waitOutline(['Note: Ohne Server', 'Note: Zurück']);
    // Only Lernraum makes invites, so an invited peer gets frames over 1 KiB packed
    // (docs/protocol.md, "Packed frames"): a long text pasted in one go.
    const long = `Lang ${'x'.repeat(1500)}`;
    await a.board.createNote({ dy: 220, commit: 'none' });
    await a.page.keyboard.insertText(long);
    await a.page.keyboard.press('Escape');
    await b.board.waitElements((els) => els.some((e) => e.text === long), 'the long text at the invited peer');
    assert.ok((await webrtc(a.board)).packed >= 1, 'the long text went packed');
  } finally {
    await a.close();
    await b.close();
  }
});

it('a code of another board, a cut-off code or the wrong step gets a clear message', async () => {
  const a = await participant(env, NO_RELAY, randomRoom());
  const other = await participant(env, NO_RELAY, randomRoom());
  try {
    const da = await openShare(a);
    await da.getByRole('button', { name: 'Create invite code' }).click();
    const invite = await value(da.getByLabel('Invite code', { exact: true }));
    const dx = await openShare(other);
    await dx.getByRole('button', { name: 'I have an invite code' }).click();
    const field = dx.getByLabel('Invite code', { exact: true });
    await field.fill(invite);
    await dx.getByRole('button', { name: 'Create reply' }).click();
    await dx.getByText('This code belongs to another board', { exact: false }).waitFor();
    await field.fill('hello');
    await dx.getByRole('button', { name: 'Create reply' }).click();
    await dx.getByText('This is not a complete Lernraum code', { exact: false }).waitFor();
    // The inviter pasting its own invite code as the reply: the wrong step.
    await da.getByLabel('Reply code', { exact: true }).fill(invite);
    await da.getByRole('button', { name: 'Connect', exact: true }).click();
    await da.getByText('This is the wrong code for this step', { exact: false }).waitFor();
    // A code of this board, cut off when copying.
    await da.getByRole('button', { name: 'I have an invite code' }).click();
    await da.getByLabel('Invite code', { exact: true }).fill(invite.slice(0, 60));
    await da.getByRole('button', { name: 'Create reply' }).click();
    await da.getByText('This is not a complete Lernraum code', { exact: false }).waitFor();
  } finally {
    await a.close();
    await other.close();
  }
});
