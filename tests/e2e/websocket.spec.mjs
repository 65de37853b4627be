// `?ws=URL` syncs the board through a y-websocket server at URL/ROOM (ROOMS.md,
// transport 4), checked against a real `@y/websocket-server` 0.1.1 and a node Yjs peer
// (y-websocket's WebsocketProvider over `ws`), per TESTING.md "Real peers for tests".
// The server can read the board, and the UI says so.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { e2eSuite, eventually, collectErrors, assertNoPageErrors } from './harness.mjs';
import { BoardPage, participantLink } from './board-page.mjs';
import { startYServer, startFakeServer, yClient, writeNote, noteUpdate, Y } from './yws.mjs';

const { it, env } = e2eSuite(import.meta.url);

const SERVER_NOTE = {
  en: 'Via server: the server can read this board.',
  de: 'Über Server: Der Server kann dieses Board lesen.',
};
const ID = /^[A-Za-z0-9_-]{16,}$/;

/** Every server and client started here, stopped in `after` even when a test failed. */
const running = new Set();
let server;

before(async () => {
  server = await startYServer();
  running.add(server);
});
after(async () => {
  for (const r of running) await (r.stop?.() ?? r.close?.());
  running.clear();
});

async function yServer(opts) {
  const s = await startYServer(opts);
  running.add(s);
  return s;
}
function client(url, room) {
  const c = yClient(url, room);
  running.add({ close: () => c.close() });
  return c;
}

/** Open a new board in `lang` that syncs through `wsUrl`, and wait until it is synced. */
async function openSynced(openBoard, wsUrl, lang = 'en') {
  const board = await openBoard(`/?lang=${lang}&ws=${wsUrl}`);
  await board.page.getByRole('status').filter({ hasText: SERVER_NOTE[lang] }).waitFor({ state: 'visible' });
  await board.waitConnection('synced', { message: `the app to sync with ${wsUrl}/${board.room()}` });
  return board;
}


async function waitOutlineSet(board, expected, message, timeout) {
  const want = [...expected].sort();
  return eventually(
    async () => {
      const got = (await board.outlineTexts()).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`outline is ${JSON.stringify(got)}`);
      return got;
    },
    { timeout, message: message ?? `outline to hold ${JSON.stringify(want)}`, check: () => board.page.errors?.assertNoFatal() },
  );
}

/** Wait until the node peer's doc has a note with `text`; returns it. */
async function waitPeerNote(peer, text, { timeout, message } = {}) {
  return eventually(
    () => {
      const n = peer.notes().find((e) => e.text === text);
      if (!n) throw new Error(`the node peer has ${JSON.stringify(peer.notes().map((e) => e.text))}`);
      return n;
    },
    { timeout, message: message ?? `the node peer to receive the note ${JSON.stringify(text)}` },
  );
}

/** A second participant in its own browser context (own IndexedDB), like another laptop. */
async function participant(link, lang = 'en') {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.errors = collectErrors(page);
  const board = new BoardPage(page, { lang, baseUrl: env.server.url });
  return {
    board,
    page,
    async open() {
      await board.goto(link);
      return board;
    },
    async close() {
      try {
        assertNoPageErrors(page.errors);
      } finally {
        await context.close().catch(() => {});
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// With a real y-websocket server
// ---------------------------------------------------------------------------------------

it('a note created in the app reaches a node Yjs peer in the schema-1 shape', async ({ openBoard }) => {
  const board = await openSynced(openBoard, server.url);
  const peer = client(server.url, board.room());
  await peer.whenSynced();
  const made = await board.createNote({ text: 'From the app' });
  const n = await waitPeerNote(peer, 'From the app');
  assert.equal(n.id, made.id, 'the element id is the map key');
  assert.match(n.id, ID, 'a schema-1 element id');
  assert.equal(n.kind, 'note');
  assert.equal(n.textIsYText, true, 'text is a Y.Text');
  for (const k of ['x', 'y', 'w', 'h']) assert.equal(typeof n[k], 'number', `${k} is a number`);
  assert.ok(n.w > 0 && n.h > 0, 'positive size');
  assert.deepEqual({ x: n.x, y: n.y, w: n.w, h: n.h }, { x: made.x, y: made.y, w: made.w, h: made.h }, 'same geometry as in the app');
  assert.equal(typeof n.z, 'string');
  assert.equal(n.color, made.color);
  assert.equal(peer.doc.getMap('meta').get('schema'), 1, 'meta.schema is 1');
  // Later edits flow too: a move and a text change.
  await board.dragElement(made.id, 60, 30);
  await eventually(() => peer.notes().find((e) => e.id === made.id)?.x === made.x + 60, { message: 'the move reaches the peer' });
  await board.dblclickElement(made.id);
  await board.waitEditorFocused();
  await board.page.keyboard.press('End');
  await board.page.keyboard.type(' + more');
  await board.page.keyboard.press('Escape');
  await waitPeerNote(peer, 'From the app + more', { message: 'the typed text reaches the peer' });
}, { open: false });

it('a note written by a node Yjs peer appears in the outline, and its edits follow', async ({ openBoard }) => {
  const board = await openSynced(openBoard, server.url, 'de');
  const peer = client(server.url, board.room());
  await peer.whenSynced();
  const id = writeNote(peer.doc); // exactly the SCHEMA.md example
  await board.waitOutline([board.noteLabel('Ask openly')], 'the peer’s note is in the outline');
  const el = await board.element(id);
  assert.deepEqual(
    { kind: el.kind, x: el.x, y: el.y, w: el.w, h: el.h, color: el.color, text: el.text },
    { kind: 'note', x: 100, y: 80, w: 200, h: 200, color: 'yellow', text: 'Ask openly' },
  );
  const text = peer.doc.getMap('elements').get(id).get('text');
  text.insert(text.length, '!');
  await board.waitOutline([board.noteLabel('Ask openly!')], 'the peer’s text edit shows');
  peer.doc.getMap('elements').get(id).set('x', 400);
  await board.waitElements((els) => els[0]?.x === 400, 'the peer’s move shows');
  peer.doc.getMap('elements').delete(id);
  await board.waitOutline([], 'the peer’s deletion shows');
}, { open: false, lang: 'de' });

it('a late joiner opening the link with ?ws= receives everything', async ({ openBoard, page }) => {
  const a = await openSynced(openBoard, server.url);
  const peer = client(server.url, a.room());
  await peer.whenSynced();
  await a.createNote({ text: 'First', dx: -250 });
  await a.createNote({ text: 'Second', dx: 250 });
  await a.setTitle('Shared over the server');
  writeNote(peer.doc, { id: 'nodePeerNote_01234', text: 'From node', x: -300, y: 300 });
  await waitOutlineSet(a, ['Note: First', 'Note: Second', 'Note: From node']);
  await waitPeerNote(peer, 'Second');
  await eventually(() => peer.doc.getMap('meta').get('title') === 'Shared over the server', { message: 'the title reaches the server' });
  const link = participantLink(page.url());
  assert.ok(!/[#&]mod=/.test(link) && /ws=/.test(link), `a participant link with ws=: ${link}`);
  await page.close();

  const late = await participant(link);
  try {
    const b = await late.open();
    await waitOutlineSet(b, ['Note: First', 'Note: Second', 'Note: From node'], 'the late joiner has every note');
    await eventually(async () => (await b.title.inputValue()) === 'Shared over the server', { message: 'the late joiner has the title' });
    await b.waitConnection('synced');
    await b.createNote({ text: 'Late reply', dy: 200 });
    await waitPeerNote(peer, 'Late reply', { message: 'the late joiner’s note reaches the node peer' });
  } finally {
    await late.close();
  }
}, { open: false });

it('when the server goes away, edits continue offline and reach the peer after it returns', async ({ openBoard }) => {
  let s = await yServer();
  const { port } = s;
  const board = await openSynced(openBoard, s.url);
  const peer = client(s.url, board.room());
  await peer.whenSynced();
  await board.createNote({ text: 'Before', dx: -250 });
  await waitPeerNote(peer, 'Before');

  await s.stop();
  await board.waitConnection('offline', { message: 'connection() is "offline" once the server is gone' });
  await board.createNote({ text: 'Offline edit', dx: 250 });
  await waitOutlineSet(board, ['Note: Before', 'Note: Offline edit'], 'editing works without the server');
  writeNote(peer.doc, { id: 'nodeOffline_012345', text: 'Peer offline', x: 0, y: 400, schema: false });
  assert.equal(peer.notes().some((e) => e.text === 'Offline edit'), false, 'the peer cannot have it yet');

  // The same server address comes back (empty: it kept nothing in memory).
  s = await yServer({ port });
  await waitPeerNote(peer, 'Offline edit', { timeout: 20_000, message: 'the offline edit reaches the peer after the server returns' });
  await waitOutlineSet(board, ['Note: Before', 'Note: Offline edit', 'Note: Peer offline'], 'the peer’s offline edit reaches the app', 20_000);
  await board.waitConnection('synced', { timeout: 20_000 });
  // And live sync works again.
  await board.createNote({ text: 'Back online', dy: 220 });
  await waitPeerNote(peer, 'Back online');
}, { open: false, timeout: 90_000 });

// ---------------------------------------------------------------------------------------
// A hostile server
// ---------------------------------------------------------------------------------------

function randomBytes(n, seed) {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 255;
  }
  return out;
}
const frame = (write) => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};
/** outer type, sync type, payload as varUint8Array. */
const syncFrame = (type, payload) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, type);
    encoding.writeVarUint8Array(e, payload);
  });

/** Random bytes, malformed and truncated y-protocols frames, and two 24 MiB frames. */
function garbageFrames() {
  const valid = noteUpdate({ id: 'fakeServerNote_0123', text: 'Never whole' });
  const block = randomBytes(1 << 16, 99);
  const huge = new Uint8Array(24 << 20); // 24 MiB
  for (let off = 0; off < huge.length; off += block.length) huge.set(block.subarray(0, huge.length - off), off);
  return [
    randomBytes(64, 1),
    new Uint8Array([]),
    new Uint8Array([0]),
    new Uint8Array([0, 0]),
    new Uint8Array([0, 2, 10, 1, 2, 3]), // update claiming 10 bytes, carrying 3
    new Uint8Array([0, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2]), // update claiming 2 GiB, carrying 2
    syncFrame(1, randomBytes(200, 2)), // well-framed step 2, garbage update
    syncFrame(2, valid.subarray(0, valid.length - 5)), // truncated real update
    syncFrame(2, valid).subarray(0, 12), // truncated frame
    syncFrame(0, randomBytes(40, 3)), // step 1 with a garbage state vector
    syncFrame(7, randomBytes(8, 4)), // unknown sync type
    new Uint8Array([1, 0xff, 0xff, 0xff]), // awareness, truncated
    frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, frame((a) => {
        encoding.writeVarUint(a, 1);
        encoding.writeVarUint(a, 12345);
        encoding.writeVarUint(a, 1);
        encoding.writeVarString(a, '{not json');
      }));
    }), // awareness with a state that is not JSON
    new Uint8Array([3]), // query awareness
    new Uint8Array([9, 9, 9]), // unknown outer type
    'a text frame, not binary',
    huge, // 24 MiB of noise
    syncFrame(2, huge), // a 24 MiB frame that looks like an update
    ...Array.from({ length: 15 }, (_, i) => randomBytes(1 + ((i * 37) % 300), 1000 + i)),
  ];
}

/**
 * Frames whose length prefix points (far) past their end: 4 GiB − 1 and varUints wider
 * than 32 bits, in sync step 1, step 2, update and awareness messages.
 */
function overlongFrames() {
  const ff = [0xff, 0xff, 0xff, 0xff, 0x0f]; // varUint 2^32 − 1
  const wide = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]; // > 2^63
  return [
    new Uint8Array([0, 0, ...ff]),
    new Uint8Array([0, 1, ...ff]),
    new Uint8Array([0, 2, ...ff]),
    new Uint8Array([0, 2, ...ff, 1, 2, 3]),
    new Uint8Array([1, ...ff]),
    new Uint8Array([0, 0, ...wide]),
    new Uint8Array([0, 2, ...wide, 1]),
  ];
}

/** A well-formed sync step 1 of an empty doc: a client still speaking y-protocols answers it. */
function emptyStep1() {
  const doc = new Y.Doc();
  const f = frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, doc);
  });
  doc.destroy();
  return f;
}

/**
 * Open a board syncing through a fake server that sends `frames`, a few per connection
 * (fewer than the app's limit of bad frames per connection), each batch followed by a
 * well-formed step 1; once the app has answered it, the server hangs up and the app
 * reconnects for the next batch. Last, a connection that only sends garbage, which the
 * app should drop. Then checks that the app never panicked and is usable.
 */
async function survivesHostileServer(openBoard, frames, { batch = 5 } = {}) {
  let next = 0; // index of the next frame to send
  let answered = 0; // batches whose final step 1 the app answered
  const batches = Math.ceil(frames.length / batch);
  const conns = [];
  const serverDoc = new Y.Doc();
  const send = (socket, f) =>
    new Promise((resolve) => socket.send(f, { binary: typeof f !== 'string' }, () => resolve()));
  const fake = await startFakeServer((socket, _req, n) => {
    const conn = { n, serverClosed: false, clientClosed: false, markerSent: false };
    conns.push(conn);
    socket.on('close', () => {
      if (!conn.serverClosed) conn.clientClosed = true;
    });
    socket.on('message', (data) => {
      const b = new Uint8Array(data);
      if (conn.behaves && b[0] === 0) {
        const dec = decoding.createDecoder(b);
        decoding.readVarUint(dec);
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, 0);
        syncProtocol.readSyncMessage(dec, enc, serverDoc, 'app');
        if (encoding.length(enc) > 1) socket.send(encoding.toUint8Array(enc));
        return;
      }
      // The answer to our step 1 is a step 2 (0, 1, ...).
      if (conn.markerSent && b[0] === 0 && b[1] === 1) {
        conn.markerSent = false;
        answered += 1;
        conn.serverClosed = true;
        // Complete the handshake before hanging up: a server that syncs is one the app
        // reconnects to quickly (its backoff restarts only after a sync).
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, 0);
        syncProtocol.writeSyncStep2(enc, serverDoc);
        socket.send(encoding.toUint8Array(enc), () => socket.close(1000, 'next batch'));
      }
    });
    (async () => {
      if (next < frames.length) {
        for (const f of frames.slice(next, next + batch)) {
          if (socket.readyState !== socket.OPEN) return;
          await send(socket, f);
          next += 1;
        }
        if (socket.readyState !== socket.OPEN) return;
        conn.markerSent = true;
        await send(socket, emptyStep1());
      } else if (!conns.some((c) => c.flood)) {
        // A server that keeps sending garbage: more bad frames than the app tolerates.
        conn.flood = true;
        for (let i = 0; i < 12 && socket.readyState === socket.OPEN; i++) await send(socket, randomBytes(20 + i, 5000 + i));
      } else {
        // Well-behaved from now on: a minimal y-websocket server with an empty doc.
        conn.behaves = true;
        await send(socket, emptyStep1());
      }
    })().catch(() => {});
  });
  running.add(fake);
  try {
    const board = await openBoard(`/?lang=en&ws=${fake.url}`);
    await board.page.getByRole('status').filter({ hasText: SERVER_NOTE.en }).waitFor({ state: 'visible' });
    await eventually(() => answered >= batches, {
      timeout: 20_000 + 3_000 * batches,
      message: `the app to take all ${frames.length} frames in ${batches} connections and answer the step 1 after each batch`,
      check: () => board.page.errors.assertNoFatal('the page, while receiving hostile frames,'),
    });
    await eventually(() => conns.some((c) => c.flood && c.clientClosed), {
      timeout: 20_000,
      message: 'the app to hang up on a server that keeps sending garbage',
      check: () => board.page.errors.assertNoFatal('the page, while receiving hostile frames,'),
    });
    await board.waitConnection('synced', { timeout: 40_000, message: 'the app to reconnect once the server behaves' });
    board.page.errors.assertNoFatal('the page, after the hostile frames,');
    assert.deepEqual(await board.elements(), [], 'nothing from the garbage is on the board');
    await board.createNote({ text: 'Still works' });
    await board.waitOutline(['Note: Still works'], 'the app is usable after the garbage');
    for (const m of fake.received) {
      assert.ok(m.isBinary, 'the app sends binary frames only');
      assert.ok([0, 1, 3].includes(m.head[0]), `the app sends y-protocols frames only (first bytes ${m.head})`);
    }
    // It keeps working: the note is stored.
    await board.whenSaved();
    await board.reload();
    await board.waitOutline(['Note: Still works'], 'the note is kept across a reload');
  } finally {
    running.delete(fake);
    await fake.close();
    serverDoc.destroy();
  }
}

it('random bytes, truncated sync messages and huge frames from a server do not break the app', async ({ openBoard }) => {
  await survivesHostileServer(openBoard, garbageFrames());
}, { open: false, timeout: 150_000 });

it('sync and awareness messages whose length runs past the frame do not break the app', async ({ openBoard }) => {
  await survivesHostileServer(openBoard, overlongFrames());
}, { open: false, timeout: 150_000 });
