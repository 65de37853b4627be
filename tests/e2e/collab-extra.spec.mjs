// More of the collaboration promises of ROOMS.md, over the WebRTC mesh and the project's
// signaling relay (lernraum-signal):
// - a JavaScript y-webrtc peer with the wrong password is in the same room on the same
//   relay, yet gets nothing from the app and gives it nothing;
// - the relay sees only encrypted payloads: every `data` it carries is a base64 AES-GCM
//   envelope that opens with the room key, and no frame it sees or logs holds board text,
//   the title, the room key or the moderator secret;
// - two participants cut off from each other (signaling down and data channels closed)
//   both keep editing, the same note's text included; when the network comes back they
//   converge with nothing lost;
// - a participant edits while its transports are down, across a reload, comes back in a
//   new tab, and the other side gets every edit.
//
// The relay is reached through a small WebSocket proxy in this file that records every
// frame both ways and can be cut (open sockets terminated, new ones refused with 401).
// Cutting signaling leaves existing data channels open, so a partition also closes the
// page's data channels through an init script that keeps track of them
// (`window.__e2eNet.cutPeers()`); the app sees them close just as when a network drops.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before } from 'node:test';
import * as decoding from 'lib0/decoding';
import WebSocket, { WebSocketServer } from 'ws';
import { collectErrors, e2eSuite, eventually, sleep } from './harness.mjs';
import { BoardPage } from './board-page.mjs';
import {
  WEBRTC_ARGS, boardPath, jsPeer, participant, randomRoom, startJsPeerServer, startRelay, waitPeers, webrtc,
} from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });

let relay;
let jsServer;
const proxies = new Set();
before(async () => {
  // The relay's most verbose log, so the test can check it holds no board content either.
  const old = process.env.LERNRAUM_SIGNAL_LOG;
  process.env.LERNRAUM_SIGNAL_LOG = 'trace';
  try {
    relay = await startRelay();
  } finally {
    if (old === undefined) delete process.env.LERNRAUM_SIGNAL_LOG;
    else process.env.LERNRAUM_SIGNAL_LOG = old;
  }
  jsServer = await startJsPeerServer();
});
after(async () => {
  for (const p of proxies) await p.close();
  await relay?.stop();
  await jsServer?.close();
});

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/**
 * A WebSocket proxy on 127.0.0.1 in front of `upstream` (the relay). Records every frame:
 * { conn, dir: 'up' (client → relay) | 'down', text }. `cut()` terminates every proxied
 * connection and refuses new ones (HTTP 401) until `heal()`.
 */
async function startRelayProxy(upstream) {
  let cut = false;
  let conns = 0;
  const frames = [];
  const open = new Set();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => !cut });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (client) => {
    const conn = ++conns;
    const up = new WebSocket(upstream);
    const pending = [];
    const pair = { client, up };
    open.add(pair);
    const closeBoth = () => {
      open.delete(pair);
      client.terminate();
      up.terminate();
    };
    client.on('error', () => {});
    up.on('error', () => {});
    client.on('close', closeBoth);
    up.on('close', closeBoth);
    client.on('message', (data, isBinary) => {
      frames.push({ conn, dir: 'up', binary: isBinary, text: String(data) });
      if (up.readyState === WebSocket.OPEN) up.send(data, { binary: isBinary });
      else pending.push([data, isBinary]);
    });
    up.on('open', () => {
      for (const [d, b] of pending.splice(0)) up.send(d, { binary: b });
    });
    up.on('message', (data, isBinary) => {
      frames.push({ conn, dir: 'down', binary: isBinary, text: String(data) });
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
  });
  const proxy = {
    url: `ws://127.0.0.1:${wss.address().port}/signal`,
    frames,
    connections: () => conns,
    /** Drop every connection through the proxy and refuse new ones. */
    cut() {
      cut = true;
      for (const { client, up } of [...open]) {
        client.terminate();
        up.terminate();
      }
      open.clear();
    },
    heal() {
      cut = false;
    },
    close: () =>
      new Promise((resolve) => {
        proxies.delete(proxy);
        for (const c of wss.clients) c.terminate();
        for (const { up } of open) up.terminate();
        wss.close(() => resolve());
      }),
  };
  proxies.add(proxy);
  return proxy;
}

/**
 * Init script: keeps every RTCDataChannel the page creates or receives, so the test can
 * close them all (`window.__e2eNet.cutPeers()`), as when the network between peers drops.
 */
function netHook() {
  const Orig = window.RTCPeerConnection;
  if (!Orig || window.__e2eNet) return;
  const channels = new Set();
  const create = Orig.prototype.createDataChannel;
  Orig.prototype.createDataChannel = function (...args) {
    const ch = create.apply(this, args);
    channels.add(ch);
    return ch;
  };
  class Tracked extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('datachannel', (e) => channels.add(e.channel));
    }
  }
  window.RTCPeerConnection = Tracked;
  window.__e2eNet = {
    cutPeers() {
      let n = 0;
      for (const ch of channels) {
        if (ch.readyState === 'open' || ch.readyState === 'connecting') {
          ch.close();
          n++;
        }
      }
      channels.clear();
      return n;
    },
  };
}

/** A participant whose page has the data-channel hook, on `path` (or not yet opened). */
async function hooked(relayUrl, link, path) {
  const p = await participant(env, relayUrl, link, { open: false });
  await p.context.addInitScript(netHook);
  if (path !== null) await p.board.goto(path ?? boardPath(relayUrl, link));
  return p;
}

/** Partitions a page: its data channels close (its signaling is cut by the proxy). */
async function cutPeers(p) {
  return p.page.evaluate(() => window.__e2eNet.cutPeers());
}

/** Waits until a page has no WebRTC peer and no signaling connection. */
async function waitAlone(board, what) {
  return eventually(
    async () => {
      const s = await webrtc(board);
      if (s.peers !== 0 || s.signaling === 'connected') throw new Error(`webrtc() is ${JSON.stringify(s)}`);
      return s;
    },
    { timeout: 15_000, message: `${what} to be cut off (no peers, signaling not connected)`, check: () => board.page.errors.assertNoFatal() },
  );
}

/** The elements as comparable plain objects, sorted by id. */
const shape = (els) =>
  els
    .map(({ id, kind, x, y, w, h, color, text }) => ({ id, kind, x, y, w, h, color, text }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Waits until all boards hold the same elements and `pred` holds for them. */
async function converge(boards, pred, message, timeout = 30_000) {
  return eventually(
    async () => {
      const all = await Promise.all(boards.map(async (b) => shape(await b.elements())));
      const first = JSON.stringify(all[0]);
      if (!all.every((e) => JSON.stringify(e) === first)) {
        throw new Error(`boards differ:\n${all.map((e) => JSON.stringify(e.map((x) => [x.text, x.x, x.y]))).join('\n')}`);
      }
      if (!pred(all[0])) throw new Error(`boards agree but are not there yet: ${JSON.stringify(all[0].map((x) => x.text))}`);
      return all[0];
    },
    { timeout, message, check: () => boards.forEach((b) => b.page.errors.assertNoFatal()) },
  );
}

const texts = (els) => els.map((e) => e.text).sort();

/** Edits the text of note `id`: the caret to the start ('Home') or end ('End'), then types. */
async function typeInto(board, id, where, text) {
  await board.dblclickElement(id);
  await board.waitEditorFocused();
  await board.page.keyboard.press(where === 'Home' ? 'Control+Home' : 'Control+End');
  await board.page.keyboard.type(text);
  await board.page.keyboard.press('Escape');
  await board.waitEditorClosed();
}

/** The link of a board without the moderator secret. */
function participantUrl(url) {
  const u = new URL(url);
  u.hash = u.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('mod=')).join('&');
  return u.toString();
}

// Signaling payloads as y-webrtc with a `password` writes them (ROOMS.md "Encryption").
async function roomKey(room, key) {
  const base = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(key), 'PBKDF2', false, ['deriveKey']);
  return webcrypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: new TextEncoder().encode(room), iterations: 100_000, hash: 'SHA-256' },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
}

/** Opens a base64 `data`: checks the envelope and decrypts it; resolves to the payload. */
async function openData(cryptoKey, data) {
  const bytes = Buffer.from(data, 'base64');
  const dec = decoding.createDecoder(new Uint8Array(bytes));
  const alg = decoding.readVarString(dec);
  assert.equal(alg, 'AES-GCM', 'the envelope names AES-GCM');
  const iv = decoding.readVarUint8Array(dec);
  assert.equal(iv.length, 12, 'a 12-byte IV');
  const ct = decoding.readVarUint8Array(dec);
  assert.equal(decoding.hasContent(dec), false, 'nothing after the ciphertext');
  const plain = new Uint8Array(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv }, cryptoKey, ct));
  return decoding.readAny(decoding.createDecoder(plain));
}

// ---------------------------------------------------------------------------------------
// 1. Wrong password
// ---------------------------------------------------------------------------------------

it('a JavaScript y-webrtc peer with the wrong password gets nothing and gives nothing', async () => {
  const link = randomRoom();
  // One recording proxy for the apps, one for the JS peer: who heard what.
  const appNet = await startRelayProxy(relay.url);
  const jsNet = await startRelayProxy(relay.url);
  const publishes = (proxy, dir) => proxy.frames.filter((f) => f.dir === dir && /"type":"publish"/.test(f.text)).length;
  const app = await participant(env, appNet.url, link);
  const wrong = { room: link.room, key: randomRoom().key };
  const js = await jsPeer(env, jsServer, jsNet.url, wrong);
  let other;
  try {
    await app.board.createNote({ text: 'Nur mit Schlüssel', dx: -200 });
    await app.board.createNote({ text: 'Auch geheim', dx: 200 });
    // Both are on the relay in the same topic: the app hears the JS peer's announce.
    await eventually(() => publishes(jsNet, 'up') >= 1 || false, { message: 'the JS peer to announce itself on the relay' });
    await eventually(() => publishes(appNet, 'down') > publishes(appNet, 'up') || false,
      { message: 'the app to hear the JS peer\'s announce' });
    assert.equal((await webrtc(app.board)).signaling, 'connected', 'the app is on the relay');
    await sleep(5_000);
    assert.deepEqual(await js.elements(), [], 'the JS doc with the wrong password stays empty');
    assert.equal(await js.peers(), 0, 'the JS peer has no connection');
    assert.equal((await webrtc(app.board)).peers, 0, 'the app has no peer');

    // The JS peer writes a note; it stays in the JS doc.
    await js.insertNote({ id: 'wrongKeyNote0001', text: 'Falsches Passwort', x: 0, y: 300 });
    await sleep(1_500);
    assert.deepEqual(texts(await app.board.elements()), ['Auch geheim', 'Nur mit Schlüssel'], 'nothing from the JS peer on the board');

    // A second app with the right key joins and gets the board at once: the room works.
    // The JS peer hears all of their signaling (announce, offer, answer, candidates) …
    const heardBefore = publishes(jsNet, 'down');
    other = await participant(env, appNet.url, link);
    await waitPeers(other.board, 1);
    await waitPeers(app.board, 1);
    await other.board.waitElements((els) => els.length === 2, 'the app with the right key to get both notes');
    await js.insertNote({ id: 'wrongKeyNote0002', text: 'Immer noch falsch', x: 300, y: 300 });
    await sleep(1_500);
    assert.ok(publishes(jsNet, 'down') >= heardBefore + 3,
      `the JS peer heard the apps' signaling (${publishes(jsNet, 'down') - heardBefore} messages)`);
    // … and still has nothing but its own notes, and gave the apps nothing.
    assert.deepEqual((await js.elements()).map((e) => e.id).sort(), ['wrongKeyNote0001', 'wrongKeyNote0002'],
      'the JS doc has only its own notes');
    assert.equal(await js.peers(), 0, 'the JS peer still has no connection');
    assert.deepEqual(texts(await app.board.elements()), ['Auch geheim', 'Nur mit Schlüssel']);
    assert.deepEqual(texts(await other.board.elements()), ['Auch geheim', 'Nur mit Schlüssel']);
    assert.equal((await webrtc(app.board)).peers, 1, 'the app is connected to the right-key app only');
    app.errors.assertNoFatal('the app');
    other.errors.assertNoFatal('the other app');
  } finally {
    await js.close();
    await other?.close();
    await app.close();
    await appNet.close();
    await jsNet.close();
  }
}, { open: false, timeout: 60_000 });

// ---------------------------------------------------------------------------------------
// 2. What the relay sees
// ---------------------------------------------------------------------------------------

it('the relay sees and logs only encrypted payloads, never board text, title or keys', async () => {
  const proxy = await startRelayProxy(relay.url);
  const logStart = relay.log().length;
  // A new board (its creator is the moderator), and a participant on its link.
  const a = await participant(env, proxy.url, null, { open: false });
  await a.board.goto(`/?signal=${encodeURIComponent(proxy.url)}&lang=en`);
  const frag = a.board.fragment();
  assert.ok(frag.room && frag.key && frag.mod, `a new board with room, key and mod: ${a.page.url()}`);
  const b = await participant(env, proxy.url, null, { open: false });
  await b.board.goto(participantUrl(a.page.url()));
  const secrets = {
    note1: 'Zebrastreifen Quokka 4711',
    note2: 'Okapi vertraulich 9382',
    edit: ' Tapir',
    title: 'Streng geheimer Titel Wombat',
  };
  try {
    await waitPeers(a.board, 1);
    await waitPeers(b.board, 1);
    const n1 = await a.board.createNote({ text: secrets.note1, dx: -200 });
    await b.board.createNote({ text: secrets.note2, dx: 200 });
    await a.board.setTitle(secrets.title);
    await typeInto(b.board, n1.id, 'End', secrets.edit);
    await converge([a.board, b.board],
      (els) => els.length === 2 && els.some((e) => e.text === secrets.note1 + secrets.edit), 'both boards to hold both notes');
    await eventually(async () => (await b.board.title.inputValue()) === secrets.title || false, { message: 'the title to reach B' });

    const frames = proxy.frames;
    assert.ok(frames.length > 0, 'the proxy recorded the signaling');
    const key = await roomKey(frag.room, frag.key);
    const kinds = new Map();
    let publishes = 0;
    for (const f of frames) {
      assert.equal(f.binary, false, 'signaling frames are text');
      const m = JSON.parse(f.text);
      if (m.type !== 'publish') {
        assert.ok(['subscribe', 'ping', 'pong'].includes(m.type), `a relay message: ${f.text.slice(0, 200)}`);
        if (m.type === 'subscribe') assert.deepEqual(m.topics, [frag.room]);
        continue;
      }
      publishes++;
      assert.equal(m.topic, frag.room, 'published to the room topic');
      assert.equal(typeof m.data, 'string', `publish data is a string: ${f.text.slice(0, 200)}`);
      assert.match(m.data, /^[A-Za-z0-9+/]+={0,2}$/, 'publish data is base64');
      const payload = await openData(key, m.data);
      assert.ok(['announce', 'signal'].includes(payload?.type), `the payload opens with the room key: ${JSON.stringify(payload).slice(0, 200)}`);
      kinds.set(payload.type, (kinds.get(payload.type) ?? 0) + 1);
      if (payload.type === 'signal') kinds.set(payload.signal?.type, (kinds.get(payload.signal?.type) ?? 0) + 1);
    }
    assert.ok(publishes >= 4, `publishes recorded: ${publishes}`);
    for (const k of ['announce', 'signal', 'offer', 'answer']) assert.ok(kinds.get(k) > 0, `${k} messages went through the relay: ${JSON.stringify([...kinds])}`);

    const all = frames.map((f) => f.text).join('\n');
    const log = relay.log().slice(logStart);
    assert.match(log, /WebSocket open/, 'the relay logs at trace level (it never logs message contents)');
    const needles = [
      ...Object.values(secrets).map((s) => s.trim()),
      'Zebrastreifen', 'Quokka', 'Okapi', 'Wombat', 'Tapir', 'vertraulich', 'geheimer',
      frag.key, frag.mod,
    ];
    for (const s of needles) {
      assert.equal(all.includes(s), false, `the relay traffic contains ${JSON.stringify(s)}`);
      assert.equal(log.includes(s), false, `the relay log contains ${JSON.stringify(s)}`);
    }
    a.errors.assertNoFatal('A');
    b.errors.assertNoFatal('B');
  } finally {
    await a.close();
    await b.close();
    await proxy.close();
  }
}, { open: false, timeout: 60_000 });

// ---------------------------------------------------------------------------------------
// 3. Partition and heal
// ---------------------------------------------------------------------------------------

it('two participants cut off from each other both edit, the same note too, and converge when healed', async () => {
  const link = randomRoom();
  const proxy = await startRelayProxy(relay.url);
  const a = await hooked(proxy.url, link);
  const b = await hooked(proxy.url, link);
  try {
    await waitPeers(a.board, 1);
    await waitPeers(b.board, 1);
    const shared = await a.board.createNote({ text: 'Gemeinsam', dx: -150 });
    const moved = await b.board.createNote({ text: 'Wandert', dx: 150 });
    await converge([a.board, b.board], (els) => els.length === 2, 'both notes on both boards before the cut');

    // The partition: signaling cut, data channels closed.
    proxy.cut();
    assert.ok((await cutPeers(a)) + (await cutPeers(b)) >= 1, 'there were data channels to close');
    await waitAlone(a.board, 'A');
    await waitAlone(b.board, 'B');

    // Both edit: new notes, the same note's text at both ends, the same note moved.
    await a.board.createNote({ text: 'Nur A', dx: -150, dy: 180 });
    await b.board.createNote({ text: 'Nur B', dx: 150, dy: 180 });
    await typeInto(a.board, shared.id, 'Home', 'A: ');
    await typeInto(b.board, shared.id, 'End', ' :B');
    await a.board.dragElement(moved.id, 40, -100);
    await b.board.dragElement(moved.id, -60, 80);
    await a.board.waitElements((els) => els.find((e) => e.id === moved.id)?.y !== moved.y, 'the move in A');
    await b.board.waitElements((els) => els.find((e) => e.id === moved.id)?.y !== moved.y, 'the move in B');
    await sleep(1_000);
    assert.deepEqual(texts(await a.board.elements()), ['A: Gemeinsam', 'Nur A', 'Wandert'], 'A has only its own edits');
    assert.deepEqual(texts(await b.board.elements()), ['Gemeinsam :B', 'Nur B', 'Wandert'], 'B has only its own edits');
    const posA = await a.board.element(moved.id);
    const posB = await b.board.element(moved.id);

    // Heal.
    proxy.heal();
    await waitPeers(a.board, 1, { timeout: 45_000 });
    await waitPeers(b.board, 1, { timeout: 45_000 });
    const merged = await converge([a.board, b.board], (els) => els.length === 4 && els.some((e) => e.text.includes('A:') && e.text.includes(':B')),
      'A and B to converge after the partition');
    assert.deepEqual(texts(merged), ['A: Gemeinsam :B', 'Nur A', 'Nur B', 'Wandert'], 'every edit of both sides is kept');
    const m = merged.find((e) => e.id === moved.id);
    assert.ok((m.x === posA.x && m.y === posA.y) || (m.x === posB.x && m.y === posB.y),
      `the concurrently moved note is where one side put it: ${JSON.stringify([m, posA, posB])}`);

    // And live sync goes on.
    await b.board.createNote({ text: 'Danach', dy: -180 });
    await a.board.waitElements((els) => els.some((e) => e.text === 'Danach'), 'a note after healing to reach A');
    a.errors.assertNoFatal('A');
    b.errors.assertNoFatal('B');
  } finally {
    await a.close();
    await b.close();
    await proxy.close();
  }
}, { open: false, timeout: 90_000 });

// ---------------------------------------------------------------------------------------
// 4. Offline edits merge
// ---------------------------------------------------------------------------------------

it('edits made while offline, across a reload, reach the other side when the participant comes back', async () => {
  const link = randomRoom();
  const proxyA = await startRelayProxy(relay.url); // A's network, which we cut
  const a = await hooked(proxyA.url, link);
  const b = await participant(env, relay.url, link);
  try {
    await waitPeers(a.board, 1);
    await waitPeers(b.board, 1);
    const before = await b.board.createNote({ text: 'Vorher', dx: -150 });
    await a.board.waitOutline(['Note: Vorher']);

    // A goes offline.
    proxyA.cut();
    assert.ok((await cutPeers(a)) >= 1, 'A had a data channel to close');
    await waitAlone(a.board, 'A');
    await waitPeers(b.board, 0);
    await a.board.createNote({ text: 'Offline eins', dx: 150 });
    await typeInto(a.board, before.id, 'End', ' (offline bearbeitet)');
    await a.board.whenSaved();
    // Still offline, A reloads: the board comes from the browser's storage.
    await a.board.reload();
    await a.board.waitElements((els) => els.length === 2 && els.some((e) => e.text === 'Vorher (offline bearbeitet)'),
      'A\'s offline edits after the reload');
    assert.notEqual((await webrtc(a.board)).signaling, 'connected', 'A is still offline after the reload');
    await a.board.createNote({ text: 'Offline zwei', dy: 180 });
    await a.board.whenSaved();
    // Meanwhile B works on.
    await b.board.createNote({ text: 'Während A weg war', dx: -150, dy: 180 });
    await sleep(500);
    assert.deepEqual(texts(await b.board.elements()), ['Vorher', 'Während A weg war'], 'B has none of A\'s offline edits yet');
    // A closes the tab while still offline.
    await a.page.close({ runBeforeUnload: true });

    // The network is back; A opens the board again in a new tab.
    proxyA.heal();
    const page = await a.context.newPage();
    page.errors = collectErrors(page);
    const a2 = { page, board: new BoardPage(page, { lang: 'en', baseUrl: env.server.url }) };
    await a2.board.goto(boardPath(proxyA.url, link));
    await waitPeers(a2.board, 1, { timeout: 30_000 });
    const merged = await converge([a2.board, b.board], (els) => els.length === 4, 'A\'s offline edits and B\'s to meet');
    assert.deepEqual(texts(merged), ['Offline eins', 'Offline zwei', 'Vorher (offline bearbeitet)', 'Während A weg war']);
    a2.page.errors.assertNoFatal('A, back online');
    b.errors.assertNoFatal('B');
  } finally {
    await a.close();
    await b.close();
    await proxyA.close();
  }
}, { open: false, timeout: 90_000 });
