// Real Yjs peers for the e2e tests (TESTING.md "Real peers for tests"):
// - a real y-websocket server (`@y/websocket-server` 0.1.1) as a child process on
//   127.0.0.1, stopped by PID; it also stops by itself when this process goes away;
// - a node Yjs client through `y-websocket`'s WebsocketProvider over `ws`;
// - schema-1 notes written and read with JavaScript Yjs (SCHEMA.md example);
// - a fake WebSocket server for hostile-input tests.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import WebSocket, { WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { eventually } from './util.mjs';

const TESTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_JS = path.join(TESTS, 'node_modules', '@y', 'websocket-server', 'src', 'server.js');

// Loaded into the server process first: exit when our end of its stdin closes, so the
// server never outlives the test process (even one that was killed).
const WATCHDOG = `data:text/javascript,${encodeURIComponent(
  "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();",
)}`;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

// In-memory only: with YPERSISTENCE set (even empty) the server would write to disk.
function serverEnv(port) {
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port) };
  delete env.YPERSISTENCE;
  return env;
}

/**
 * Start `@y/websocket-server` on 127.0.0.1:`port` (a free port by default). Resolves once
 * it listens, to { port, url, pid, log, stop() }. `stop()` kills it by PID and waits.
 */
export async function startYServer({ port } = {}) {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--import', WATCHDOG, SERVER_JS], {
    cwd: TESTS,
    env: serverEnv(port),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = [];
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const ready = new Promise((resolve, reject) => {
    const onData = (d) => {
      const s = String(d);
      log.push(s);
      if (/running at/.test(log.join(''))) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => log.push(String(d)));
    child.once('error', reject);
    exit.then(({ code, signal }) =>
      reject(new Error(`y-websocket server exited (code ${code}, signal ${signal}) before listening:\n${log.join('')}`)),
    );
  });
  let timer;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`y-websocket server did not listen on ${port} within 15 s:\n${log.join('')}`)), 15_000);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    log,
    get running() {
      return exited === null;
    },
    /** Kill the server by its PID and wait until it has exited. */
    async stop() {
      if (exited) return exited;
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 3_000);
      const r = await exit;
      clearTimeout(t);
      return r;
    },
  };
}

/**
 * A node Yjs peer syncing `room` through the y-websocket server at `url`.
 * Resolves to { doc, provider, whenSynced(), notes(), close() }.
 */
export function yClient(url, room, { doc = new Y.Doc() } = {}) {
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    maxBackoffTime: 1000,
  });
  return {
    doc,
    provider,
    /** Wait until the provider has synced with the server (again). */
    whenSynced(timeout) {
      return eventually(() => provider.wsconnected && provider.synced, {
        timeout,
        message: `the node Yjs client to sync with ${url}/${room}`,
      });
    },
    notes: () => readNotes(doc),
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** The SCHEMA.md example note, written into `doc` in one transaction. */
export function writeNote(doc, { id = 'n1Zx8aQw2Lr5Tt0p', text = 'Ask openly', x = 100, y = 80, w = 200, h = 200, z = 'a0', color = 'yellow', schema = true } = {}) {
  const el = new Y.Map();
  doc.transact(() => {
    if (schema) doc.getMap('meta').set('schema', 1);
    doc.getMap('elements').set(id, el);
    el.set('kind', 'note');
    el.set('x', x);
    el.set('y', y);
    el.set('w', w);
    el.set('h', h);
    el.set('z', z);
    el.set('color', color);
    const t = new Y.Text();
    el.set('text', t);
    t.insert(0, text);
  });
  return id;
}

/** A Yjs update v1 (Uint8Array) holding one schema-1 note made by a fresh JS doc. */
export function noteUpdate(opts) {
  const doc = new Y.Doc();
  writeNote(doc, opts);
  const u = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return u;
}

/**
 * The elements of a doc as plain objects, with what the schema says about each key:
 * `textIsYText` is whether `text` is a Y.Text.
 */
export function readNotes(doc) {
  const out = [];
  doc.getMap('elements').forEach((el, id) => {
    if (!(el instanceof Y.Map)) {
      out.push({ id, notAMap: true });
      return;
    }
    const t = el.get('text');
    out.push({
      id,
      kind: el.get('kind'),
      x: el.get('x'),
      y: el.get('y'),
      w: el.get('w'),
      h: el.get('h'),
      z: el.get('z'),
      color: el.get('color'),
      text: t instanceof Y.Text ? t.toString() : t,
      textIsYText: t instanceof Y.Text,
    });
  });
  return out;
}

/**
 * A WebSocket server on 127.0.0.1 (random port) that calls `onConnection(socket, req, n)`
 * for each connection (n counts from 1). Resolves to
 * { port, url, connections(), received, closed, close() }.
 */
export async function startFakeServer(onConnection) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  let n = 0;
  const received = [];
  const closed = [];
  wss.on('connection', (socket, req) => {
    n += 1;
    socket.on('message', (data, isBinary) =>
      received.push({ n, isBinary, length: data.length, head: Array.from(new Uint8Array(data).subarray(0, 4)) }),
    );
    socket.on('close', (code) => closed.push({ n, code }));
    socket.on('error', () => {});
    onConnection(socket, req, n);
  });
  const { port } = wss.address();
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    connections: () => n,
    /** Frames the clients sent: { n, isBinary, length, head: first 4 bytes }. */
    received,
    /** Connections that closed: { n, code }. */
    closed,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

export { Y };
