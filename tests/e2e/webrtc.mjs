// Helpers for the WebRTC mesh specs (webrtc*.spec.mjs):
// - the project's signaling relay (`lernraum-signal`, LERNRAUM_SIGNAL_BIN or
//   target/debug/lernraum-signal) on a free 127.0.0.1 port, stopped by PID;
// - Chromium flags and context options that let WebRTC connect over loopback
//   (TESTING.md "Chromium flags");
// - participants: one browser context each, opened on the same room link;
// - a plain page with JavaScript Yjs + y-webrtc 10.3 (bundled with esbuild from
//   tests/node_modules), served on its own 127.0.0.1 port.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectErrors, eventually } from './harness.mjs';
import { BoardPage } from './board-page.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

/** WebRTC on loopback needs both: the flag, and media permission (no mDNS names). */
export const WEBRTC_ARGS = [
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];
export const WEBRTC_CONTEXT = {
  viewport: { width: 1280, height: 800 },
  permissions: ['microphone', 'camera'],
};

export function signalBin() {
  if (process.env.LERNRAUM_SIGNAL_BIN) return process.env.LERNRAUM_SIGNAL_BIN;
  const target = process.env.LERNRAUM_TARGET_DIR || process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  return path.join(path.resolve(ROOT, target), 'debug', 'lernraum-signal');
}

/** Starts the relay on 127.0.0.1:<free port>; resolves to { url, pid, stop() }. */
export async function startRelay() {
  const bin = signalBin();
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} does not exist: run \`cargo build -p signal\` (or set LERNRAUM_SIGNAL_BIN)`);
  }
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from ${bin} within 10 s: ${out}`)), 10_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/ws:\/\/127\.0\.0\.1:\d+\/signal/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited (${code}): ${out}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout.resume();
  return {
    url,
    pid: child.pid,
    log: () => out,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A fresh room link: { room, key } as the app makes them. */
export function randomRoom() {
  return { room: b64url(crypto.randomBytes(12)), key: b64url(crypto.randomBytes(18)) };
}

export function boardPath(relay, { room, key }, extra = '') {
  return `/?signal=${encodeURIComponent(relay)}&lang=en${extra}#room=${room}&key=${key}`;
}

/**
 * One participant: a new browser context with its own page on the room link.
 * Resolves to { context, page, board, errors, close() }.
 */
export async function participant(env, relay, link, { open = true } = {}) {
  const context = await env.browser.newContext(WEBRTC_CONTEXT);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = collectErrors(page);
  page.errors = errors;
  const board = new BoardPage(page, { lang: 'en', baseUrl: env.server.url });
  const p = { context, page, board, errors, close: () => context.close().catch(() => {}) };
  if (open) await board.goto(boardPath(relay, link));
  return p;
}

/** The mesh as the app reports it: { signaling, peers, glares, id }. */
export function webrtc(board) {
  return board.page.evaluate(() => window.__lernraum.webrtc());
}

/** Waits until the app has `n` peers with an open channel (exactly, by default). */
export async function waitPeers(board, n, { timeout = 20_000, atLeast = false } = {}) {
  return eventually(
    async () => {
      const s = await webrtc(board);
      if (atLeast ? s.peers < n : s.peers !== n) throw new Error(`webrtc() is ${JSON.stringify(s)}`);
      return s;
    },
    { timeout, message: `${n} WebRTC peer(s)`, check: () => board.page.errors?.assertNoFatal() },
  );
}

// ---------------------------------------------------------------------------------------
// A JavaScript y-webrtc peer in the browser
// ---------------------------------------------------------------------------------------

const ENTRY = `
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';

let doc = null;
let provider = null;

function readElements() {
  const out = [];
  doc.getMap('elements').forEach((el, id) => {
    if (!(el instanceof Y.Map)) return;
    const t = el.get('text');
    out.push({ id, kind: el.get('kind'), x: el.get('x'), y: el.get('y'), text: t instanceof Y.Text ? t.toString() : t });
  });
  return out;
}

window.yPeer = {
  start(room, password, signal) {
    doc = new Y.Doc();
    provider = new WebrtcProvider(room, doc, {
      signaling: [signal],
      password,
      filterBcConns: false,
      peerOpts: { config: { iceServers: [] } },
    });
    provider.awareness.setLocalStateField('user', { name: 'JS', color: '#1e88e5' });
    return true;
  },
  peers: () => provider ? [...provider.room?.webrtcConns.values() ?? []].filter((c) => c.connected).length : 0,
  elements: () => readElements(),
  stateSize: () => Y.encodeStateAsUpdate(doc).length,
  /** A schema-1 note (SCHEMA.md), written as one transaction. */
  insertNote({ id, text, x = 100, y = 80 }) {
    doc.transact(() => {
      const el = new Y.Map();
      doc.getMap('elements').set(id, el);
      el.set('kind', 'note');
      el.set('x', x);
      el.set('y', y);
      el.set('w', 200);
      el.set('h', 200);
      el.set('z', 'a0');
      el.set('color', 'yellow');
      const t = new Y.Text();
      el.set('text', t);
      t.insert(0, text);
    });
  },
  moveNote(id, x, y) {
    const el = doc.getMap('elements').get(id);
    doc.transact(() => { el.set('x', x); el.set('y', y); });
  },
  /** Sends random bytes on every open data channel (a hostile peer with the right key). */
  sendGarbage(count, size) {
    let sent = 0;
    for (const conn of provider.room.webrtcConns.values()) {
      if (!conn.connected) continue;
      for (let i = 0; i < count; i++) {
        const b = new Uint8Array(1 + Math.floor(Math.random() * size));
        crypto.getRandomValues(b);
        // Some look like sync frames, some like awareness, some like nothing.
        if (i % 3 === 0) b[0] = 0;
        if (i % 3 === 1) b[0] = 1;
        try { conn.peer.send(b); sent++; } catch (e) {}
      }
    }
    return sent;
  },
  destroy() { provider?.destroy(); doc?.destroy(); },
};
`;

let bundleCache = null;

/** esbuild bundle of yjs + y-webrtc (tests/node_modules) as one ESM script. */
export async function yjsBundle() {
  if (bundleCache) return bundleCache;
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: path.join(HERE, '..'), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundleCache = result.outputFiles[0].text;
  return bundleCache;
}

/** Serves the y-webrtc test page on 127.0.0.1:<random>. Resolves to { url, close() }. */
export async function startJsPeerServer() {
  const bundle = await yjsBundle();
  const html = '<!doctype html><meta charset="utf-8"><title>y-webrtc peer</title><script type="module" src="/peer.js"></script>';
  const server = http.createServer((req, res) => {
    if (req.url === '/peer.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
    } else if (req.url === '/' || req.url.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

/** A JS y-webrtc peer in its own browser context, joined to the room. */
export async function jsPeer(env, jsServer, relay, { room, key }) {
  const context = await env.browser.newContext(WEBRTC_CONTEXT);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(jsServer.url);
  await page.waitForFunction(() => typeof window.yPeer === 'object', null, { timeout: 10_000 });
  await page.evaluate(([r, k, s]) => window.yPeer.start(r, k, s), [room, key, relay]);
  return {
    context,
    page,
    errors,
    peers: () => page.evaluate(() => window.yPeer.peers()),
    elements: () => page.evaluate(() => window.yPeer.elements()),
    insertNote: (n) => page.evaluate((n) => window.yPeer.insertNote(n), n),
    moveNote: (id, x, y) => page.evaluate(([id, x, y]) => window.yPeer.moveNote(id, x, y), [id, x, y]),
    sendGarbage: (count, size) => page.evaluate(([c, s]) => window.yPeer.sendGarbage(c, s), [count, size]),
    close: () => context.close().catch(() => {}),
  };
}

// ---------------------------------------------------------------------------------------
// A relay that makes peers dial each other at the same instant (glare)
// ---------------------------------------------------------------------------------------

/**
 * A y-webrtc signaling relay (same protocol as lernraum-signal) that holds back every
 * message published to a topic until `waitFor` different clients have published to it,
 * then delivers them all at once. Two peers joining a fresh room thus hear each other's
 * announce at the same moment and both dial: glare, every time.
 * Resolves to { url, close() }.
 */
export async function startBarrierRelay({ waitFor = 2 } = {}) {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const topics = new Map();
  const topic = (name) => {
    if (!topics.has(name)) topics.set(name, { subs: new Set(), held: [], publishers: new Set() });
    return topics.get(name);
  };
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(String(data));
      } catch {
        return;
      }
      if (m?.type === 'subscribe' && Array.isArray(m.topics)) {
        for (const t of m.topics) topic(t).subs.add(ws);
      } else if (m?.type === 'publish' && typeof m.topic === 'string') {
        const t = topic(m.topic);
        const out = JSON.stringify({ ...m, clients: t.subs.size });
        if (t.held) {
          t.held.push(out);
          t.publishers.add(ws);
          if (t.publishers.size >= waitFor) {
            const held = t.held;
            t.held = null;
            for (const o of held) for (const s of t.subs) s.send(o);
          }
        } else {
          for (const s of t.subs) s.send(out);
        }
      } else if (m?.type === 'ping') {
        ws.send('{"type":"pong"}');
      }
    });
    ws.on('close', () => {
      for (const t of topics.values()) t.subs.delete(ws);
    });
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}/signal`,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
