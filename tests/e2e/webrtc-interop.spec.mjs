// Interop with JavaScript y-webrtc 10.3: a plain page with Yjs + y-webrtc (bundled with
// esbuild from tests/node_modules) joins the same room with
// `new WebrtcProvider(ROOM, doc, { signaling: [URL], password: KEY })` through the same
// relay. Elements travel both ways (SCHEMA.md), a board too large for one data-channel
// message reaches a JavaScript peer in pieces it applies as ordinary updates, and random
// bytes from a peer that holds the room key neither break the app nor touch its board.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { e2eSuite, eventually } from './harness.mjs';
import {
  WEBRTC_ARGS, boardPath, jsPeer, participant, randomRoom, startBarrierRelay, startJsPeerServer, startRelay,
  waitPeers, webrtc,
} from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });

let relay;
let barrier;
let jsServer;
before(async () => {
  relay = await startRelay();
  barrier = await startBarrierRelay();
  jsServer = await startJsPeerServer();
});
after(async () => {
  await relay?.stop();
  await barrier?.close();
  await jsServer?.close();
});

async function waitJsPeers(js, n, timeout = 20_000) {
  await eventually(async () => (await js.peers()) >= n || false, { timeout, message: `the JS peer to have ${n} connection(s)` });
}

it('a JavaScript y-webrtc peer and the app see each other\'s elements', async () => {
  const link = randomRoom();
  // The JS peer is there first, so it dials the app (the app answers).
  const js = await jsPeer(env, jsServer, relay.url, link);
  await new Promise((r) => setTimeout(r, 500));
  const app = await participant(env, relay.url, link);
  try {
    await waitPeers(app.board, 1);
    await waitJsPeers(js, 1);
    // JS → app.
    await js.insertNote({ id: 'jsNote0000000001', text: 'Aus JavaScript', x: 40, y: 60 });
    await app.board.waitElements(
      (els) => els.some((e) => e.id === 'jsNote0000000001' && e.text === 'Aus JavaScript' && e.x === 40),
      'the JS note in the app',
    );
    // app → JS.
    const note = await app.board.createNote({ text: 'Aus Lernraum', dx: 250 });
    await eventually(async () => (await js.elements()).some((e) => e.id === note.id && e.text === 'Aus Lernraum' && e.kind === 'note') || false,
      { message: 'the app\'s note in the JS doc' });
    // A move in JS shows in the app, an edit in the app shows in JS.
    await js.moveNote('jsNote0000000001', 300, 320);
    await app.board.waitElements((els) => els.some((e) => e.id === 'jsNote0000000001' && e.x === 300 && e.y === 320), 'the JS move in the app');
    await app.board.clickElement(note.id);
    await app.board.press('Enter');
    await app.board.waitEditorFocused();
    await app.page.keyboard.press('End');
    await app.page.keyboard.type('!');
    await app.page.keyboard.press('Escape');
    await eventually(async () => (await js.elements()).some((e) => e.text === 'Aus Lernraum!') || false, { message: 'the edit in the JS doc' });
    js.errors.assertNoFatal('the JS peer');
  } finally {
    await js.close();
    await app.close();
  }
}, { open: false, timeout: 90_000 });

it('a board larger than one data-channel message reaches a JavaScript peer whole', async () => {
  const link = randomRoom();
  const app = await participant(env, relay.url, link);
  const js1 = await jsPeer(env, jsServer, relay.url, link);
  const N = 2500;
  let js2;
  try {
    await waitPeers(app.board, 1);
    await waitJsPeers(js1, 1);
    // Fill the board from JS in updates that each fit a message.
    for (let i = 0; i < N; i += 250) {
      await js1.page.evaluate(([from, n]) => {
        for (let k = from; k < from + n; k++) {
          window.yPeer.insertNote({ id: `bulk${String(k).padStart(12, '0')}`, text: `Note ${k} ${'lorem ipsum '.repeat(6)}`, x: k, y: k });
        }
      }, [i, 250]);
    }
    await app.board.waitElements((els) => els.length === N, `all ${N} notes in the app`);
    // Only the app can give the whole board to a newcomer now.
    await js1.close();
    js2 = await jsPeer(env, jsServer, relay.url, link);
    await eventually(async () => (await js2.elements()).length === N || false, { timeout: 60_000, message: `all ${N} notes in the new JS peer` });
    const size = await js2.page.evaluate(() => window.yPeer.stateSize());
    assert.ok(size > 256 * 1024, `the board (${size} bytes) is larger than one message`);
    // JavaScript peers never say they read packed frames, so none went packed.
    assert.equal((await webrtc(app.board)).packed, 0, 'nothing packed to a JavaScript peer');
    js2.errors.assertNoFatal('the JS peer');
  } finally {
    await js1.close();
    await js2?.close();
    await app.close();
  }
}, { open: false, timeout: 150_000 });

it('random bytes from a peer with the room key leave the app working and the board intact', async () => {
  const link = randomRoom();
  const app = await participant(env, relay.url, link);
  const other = await participant(env, relay.url, link);
  const js = await jsPeer(env, jsServer, relay.url, link);
  try {
    await waitPeers(app.board, 2);
    await waitJsPeers(js, 2);
    await app.board.createNote({ text: 'Bleibt' });
    await eventually(async () => (await js.elements()).length === 1 || false, { message: 'the note in the JS doc' });
    const before = await app.board.elements();
    const sent = await js.sendGarbage(40, 4000);
    assert.ok(sent >= 40, `sent ${sent} garbage messages`);
    await eventually(() => app.errors.log.some((l) => /keeps sending bad frames/.test(l)) || false,
      { message: 'the app to hang up on the peer that sends garbage' });
    app.errors.assertNoFatal('the app, after the garbage');
    other.errors.assertNoFatal('the other app, after the garbage');
    assert.deepEqual(await app.board.elements(), before, 'the board is as it was');
    // The two apps still sync with each other …
    await other.board.createNote({ text: 'Danach', dx: 220 });
    await app.board.waitElements((els) => els.some((e) => e.text === 'Danach'), 'the apps to keep syncing');
    // … and the JS peer is let back in (it announces after the app hangs up) and syncs.
    await js.insertNote({ id: 'jsNoteAfterJunk0', text: 'Wieder da' });
    await app.board.waitElements((els) => els.some((e) => e.text === 'Wieder da'), 'the JS peer to sync again', );
  } finally {
    await js.close();
    await other.close();
    await app.close();
  }
}, { open: false, timeout: 120_000 });

it('the app and a JavaScript peer that dial each other at once connect every time', async () => {
  const app = await participant(env, barrier.url, null, { open: false });
  const outcomes = [];
  try {
    for (let i = 0; i < 10; i++) {
      const link = randomRoom();
      const t0 = Date.now();
      const [, js] = await Promise.all([
        app.board.goto(boardPath(barrier.url, link, `&trial=${i}`)),
        jsPeer(env, jsServer, barrier.url, link),
      ]);
      try {
        await waitPeers(app.board, 1, { timeout: 40_000 });
        await waitJsPeers(js, 1, 40_000);
        await app.board.createNote({ text: `T${i}` });
        await eventually(async () => (await js.elements()).some((e) => e.text === `T${i}`) || false,
          { timeout: 20_000, message: `trial ${i}: the note to reach the JS peer` });
        const { glares } = await webrtc(app.board);
        outcomes.push({ ms: Date.now() - t0, glares });
      } finally {
        await js.close();
      }
    }
  } finally {
    await app.close();
  }
  const slow = outcomes.filter((o) => o.ms > 8000).length;
  console.log(`app+JS glare: ${outcomes.length} connected, ${outcomes.filter((o) => o.glares).length} with glare, ${slow} needed a retry`);
}, { open: false, timeout: 600_000 });
