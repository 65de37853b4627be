// The WebRTC peer mesh: participants in separate browser contexts (separate browsers, as
// far as the app can tell: no shared storage, no BroadcastChannel) meet through the
// project's signaling relay and co-edit over data channels. A participant that leaves does
// not stop the others; garbage on the signaling channel does not break anyone.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import WebSocket from 'ws';
import { e2eSuite, eventually } from './harness.mjs';
import { WEBRTC_ARGS, boardPath, participant, randomRoom, startRelay, waitPeers, webrtc } from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });

let relay;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  await relay?.stop();
});

/** Everyone's notes as `text@x,y`, sorted. */
async function notes(board) {
  return (await board.notes()).map((n) => `${n.text}@${Math.round(n.x)},${Math.round(n.y)}`).sort();
}

async function sameNotes(boards, message) {
  return eventually(
    async () => {
      const all = await Promise.all(boards.map(notes));
      const first = JSON.stringify(all[0]);
      if (!all.every((n) => JSON.stringify(n) === first)) throw new Error(`boards differ: ${JSON.stringify(all)}`);
      return all[0];
    },
    { timeout: 15_000, message, check: () => boards.forEach((b) => b.page.errors.assertNoFatal()) },
  );
}

it('two participants: a note created, moved and edited in one appears in the other', async () => {
  const link = randomRoom();
  const a = await participant(env, relay.url, link);
  const b = await participant(env, relay.url, link);
  try {
    await waitPeers(a.board, 1);
    await waitPeers(b.board, 1);
    const sa = await webrtc(a.board);
    assert.equal(sa.signaling, 'connected');
    assert.match(sa.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a y-webrtc style peer id');

    // Created in A, seen in B.
    const note = await a.board.createNote({ text: 'Über WebRTC' });
    await b.board.waitOutline(['Note: Über WebRTC']);
    // Moved in A, seen in B.
    await a.board.dragElement(note.id, 120, 60);
    const moved = await a.board.waitElements((els) => els.find((e) => e.id === note.id)?.x !== note.x, 'the note moved in A');
    const target = moved.find((e) => e.id === note.id);
    await b.board.waitElements(
      (els) => els.some((e) => e.id === note.id && e.x === target.x && e.y === target.y),
      'the move to arrive in B',
    );
    // Edited in B, seen in A.
    await b.board.clickElement(note.id);
    await b.board.press('Enter');
    await b.board.waitEditorFocused();
    await b.page.keyboard.press('End');
    await b.page.keyboard.type(' und zurück');
    await b.page.keyboard.press('Escape');
    await a.board.waitOutline(['Note: Über WebRTC und zurück']);

    // Presence travels too: A's pointer on the board shows in B (if the app lists peers).
    const hasPeers = await b.page.evaluate(() => typeof window.__lernraum.peers === 'function');
    if (hasPeers) {
      const p = await a.board.boardPoint(-200, -150);
      await a.page.mouse.move(p.x, p.y);
      await a.page.mouse.move(p.x + 10, p.y + 5);
      await eventually(
        async () => {
          const peers = await b.page.evaluate(() => window.__lernraum.peers());
          if (!peers.some((q) => q.cursor)) throw new Error(`peers: ${JSON.stringify(peers)}`);
          return true;
        },
        { timeout: 10_000, message: "A's cursor to show in B" },
      );
    }
    a.errors.assertNoFatal('A');
    b.errors.assertNoFatal('B');
  } finally {
    await a.close();
    await b.close();
  }
}, { open: false, timeout: 90_000 });

it('three participants sync; when one leaves, the other two keep syncing', async () => {
  const link = randomRoom();
  const ps = [];
  try {
    for (let i = 0; i < 3; i++) ps.push(await participant(env, relay.url, link));
    for (const p of ps) await waitPeers(p.board, 2);
    const [a, b, c] = ps;
    await a.board.createNote({ text: 'Eins', dx: -250 });
    await b.board.createNote({ text: 'Zwei', dx: 0 });
    await c.board.createNote({ text: 'Drei', dx: 250 });
    const all = await sameNotes(ps.map((p) => p.board), 'all three boards to hold the three notes');
    assert.equal(all.length, 3);

    // C leaves (its browser context closes: no goodbye on the data channels).
    await c.close();
    ps.pop();
    await a.board.createNote({ text: 'Nach C', dx: -250, dy: 150 });
    await b.board.waitElements((els) => els.some((e) => e.text === 'Nach C'), 'A\'s note after C left to reach B');
    const el = (await b.board.notes()).find((n) => n.text === 'Zwei');
    await b.board.dragElement(el.id, 0, 150);
    await sameNotes([a.board, b.board], 'A and B to agree after C left');
    await waitPeers(a.board, 1, { timeout: 60_000 });
    await waitPeers(b.board, 1, { timeout: 60_000 });
  } finally {
    for (const p of ps) await p.close();
  }
}, { open: false, timeout: 150_000 });

it('a participant who joins later receives the whole board', async () => {
  const link = randomRoom();
  const a = await participant(env, relay.url, link);
  const ps = [a];
  try {
    for (let i = 0; i < 4; i++) await a.board.createNote({ text: `Notiz ${i} ${'x'.repeat(300)}`, dx: -300 + i * 150 });
    const b = await participant(env, relay.url, link);
    ps.push(b);
    await sameNotes([a.board, b.board], 'the late joiner to receive every note');
    // Both are Lernraum: the board (over 1 KiB) went packed (docs/protocol.md).
    assert.ok((await webrtc(a.board)).packed >= 1, 'the board was sent packed');
  } finally {
    for (const p of ps) await p.close();
  }
}, { open: false, timeout: 90_000 });

it('garbage on the signaling channel leaves the app working and the board intact', async () => {
  const link = randomRoom();
  const a = await participant(env, relay.url, link);
  const b = await participant(env, relay.url, link);
  const ws = new WebSocket(relay.url);
  const opened = new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  try {
    await waitPeers(a.board, 1);
    await a.board.createNote({ text: 'Vorher' });
    await b.board.waitOutline(['Note: Vorher']);
    await opened;
    ws.send(JSON.stringify({ type: 'subscribe', topics: [link.room] }));
    const id = (await webrtc(a.board)).id;
    const junk = [
      'not json at all',
      '{"type":"publish"}',
      JSON.stringify({ type: 'publish', topic: link.room, data: 'not base64 !!!' }),
      JSON.stringify({ type: 'publish', topic: link.room, data: Buffer.from('hello').toString('base64') }),
      JSON.stringify({ type: 'publish', topic: link.room, data: { type: 'announce', from: 'plain' } }),
      JSON.stringify({ type: 'publish', topic: link.room, data: { type: 'signal', from: 'x', to: id, signal: { type: 'offer', sdp: 'garbage' } } }),
      JSON.stringify({ type: 'publish', topic: link.room, data: 123 }),
      JSON.stringify({ type: 'publish', topic: link.room, data: 'A'.repeat(60_000) }),
    ];
    // An envelope that looks right but does not authenticate with the room key.
    const env7 = Buffer.concat([Buffer.from([7]), Buffer.from('AES-GCM'), Buffer.from([12]), Buffer.alloc(12, 1), Buffer.from([40]), Buffer.alloc(40, 2)]);
    junk.push(JSON.stringify({ type: 'publish', topic: link.room, data: env7.toString('base64') }));
    for (let i = 0; i < 40; i++) {
      const rnd = Buffer.alloc(1 + Math.floor(Math.random() * 2000));
      for (let j = 0; j < rnd.length; j++) rnd[j] = Math.floor(Math.random() * 256);
      junk.push(JSON.stringify({ type: 'publish', topic: link.room, data: rnd.toString('base64') }));
    }
    for (const m of junk) ws.send(m);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await new Promise((r) => setTimeout(r, 1500));
    a.errors.assertNoFatal('A, after the garbage');
    b.errors.assertNoFatal('B, after the garbage');
    // Still syncing, the board as it was.
    await b.board.createNote({ text: 'Nachher', dx: 220 });
    await a.board.waitElements((els) => els.some((e) => e.text === 'Nachher'), 'a new note to reach A after the garbage');
    assert.deepEqual((await notes(a.board)).map((n) => n.split('@')[0]), ['Nachher', 'Vorher']);
    // A newcomer still meets both.
    const c = await participant(env, relay.url, link);
    try {
      await waitPeers(c.board, 2);
      await c.board.waitElements((els) => els.length === 2, 'the newcomer to receive the board');
    } finally {
      await c.close();
    }
  } finally {
    ws.close();
    await a.close();
    await b.close();
  }
}, { open: false, timeout: 120_000 });

it('?ice= names STUN/TURN servers for every connection; the Share dialog and links say so', async () => {
  const link = randomRoom();
  const ice = '&ice=' + encodeURIComponent('stun:127.0.0.1:9') +
    '&ice=' + encodeURIComponent('turn:127.0.0.1:9?transport=udp') +
    '&ice=' + encodeURIComponent('https://not-ice.example') + '&iceuser=lernraum&icecred=geheim';
  const peers = [];
  try {
    for (let i = 0; i < 2; i++) {
      const p = await participant(env, relay.url, link, { open: false });
      // Record the configuration every RTCPeerConnection is made with.
      await p.context.addInitScript(() => {
        const Orig = window.RTCPeerConnection;
        window.__iceConfigs = [];
        window.RTCPeerConnection = class extends Orig {
          constructor(config, ...rest) { window.__iceConfigs.push(JSON.parse(JSON.stringify(config?.iceServers ?? null))); super(config, ...rest); }
        };
      });
      await p.board.goto(boardPath(relay.url, link, ice));
      peers.push(p);
    }
    // Unreachable servers do not stop peers on one machine: host candidates still work.
    await waitPeers(peers[0].board, 1);
    await waitPeers(peers[1].board, 1);
    for (const p of peers) {
      const configs = await p.page.evaluate(() => window.__iceConfigs);
      assert.ok(configs.length >= 1, 'a connection was made');
      for (const c of configs) {
        assert.deepEqual(c, [
          { urls: 'stun:127.0.0.1:9' },
          { urls: 'turn:127.0.0.1:9?transport=udp', username: 'lernraum', credential: 'geheim' },
        ], 'the STUN and TURN servers, TURN with its credentials; the https URL is left out');
      }
    }
    await peers[0].page.getByRole('button', { name: 'Share', exact: true }).click();
    const dlg = peers[0].page.getByRole('dialog', { name: 'Share the board' });
    await dlg.getByText('Connection helpers for separate networks (STUN/TURN):').waitFor();
    const text = await dlg.innerText();
    assert.ok(text.includes('stun:127.0.0.1:9, turn:127.0.0.1:9?transport=udp'), text);
    assert.ok(!text.includes('geheim'), 'the credential is not shown');
    const shared = await dlg.getByRole('textbox').first().inputValue();
    assert.ok(shared.includes('ice=stun') && shared.includes('icecred=geheim'), `the participant link keeps the servers: ${shared}`);
  } finally {
    for (const p of peers) await p.close();
  }
});
