// Browser end-to-end harness for Lernraum.
//
// - serves the `trunk build --release` output (env LERNRAUM_DIST) on 127.0.0.1:<random>
// - launches the system Chromium through playwright-core (never downloads a browser)
// - collects console errors and uncaught page errors; a test fails if the page panicked
// - `e2eSuite()` wires all of it into node:test: one browser per spec file, a fresh
//   browser context (fresh IndexedDB) per test, a screenshot + log on failure.
//
// Run: LERNRAUM_DIST=dist node --test --test-concurrency=1 tests/e2e/*.spec.mjs

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { before, after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { BoardPage } from './board-page.mjs';

export const CHROMIUM_PATH = process.env.LERNRAUM_CHROMIUM || '/usr/bin/chromium';

/** Exactly the flags from design/TESTING.md. Never add `--disable-features`. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

import { TIMEOUT, eventually, sleep } from './util.mjs';

export { TIMEOUT, eventually, sleep };

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(HERE, 'artifacts');

// ---------------------------------------------------------------------------
// Static file server
// ---------------------------------------------------------------------------

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/** The dist directory to serve, checked; throws a clear error when it is missing. */
export function distDir(dir = process.env.LERNRAUM_DIST) {
  if (!dir) {
    throw new Error(
      'LERNRAUM_DIST is not set. Build the app (`trunk build --release` in app/) and run ' +
        'LERNRAUM_DIST=/path/to/dist node --test --test-concurrency=1 tests/e2e/*.spec.mjs',
    );
  }
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`LERNRAUM_DIST=${dir}: no index.html in ${root}. Was \`trunk build --release\` run?`);
  }
  return fs.realpathSync(root);
}

/**
 * Serve `root` on 127.0.0.1 at a random port. Resolves to { url, port, close() }.
 * The server is unref'd, so it never keeps the process alive.
 */
export async function startServer(root = distDir()) {
  root = fs.realpathSync(path.resolve(root));
  const server = http.createServer((req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (rel.includes('\0')) return send(400, 'bad request');
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + path.posix.normalize(rel));
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden');
    fs.realpath(file, (err, real) => {
      if (err) return send(404, 'not found');
      if (real !== root && !real.startsWith(root + path.sep)) return send(403, 'forbidden');
      fs.stat(real, (err2, st) => {
        if (err2 || !st.isFile()) return send(404, 'not found');
        res.writeHead(200, {
          'content-type': mimeType(real),
          'content-length': st.size,
          'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') return res.end();
        fs.createReadStream(real).on('error', () => res.destroy()).pipe(res);
      });
    });
  });
  // WebSocket upgrades (e.g. the default signaling at /signal) are refused quickly.
  server.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref();
  const { port } = server.address();
  return {
    root,
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------

export async function launchBrowser(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 30_000,
  });
}

// ---------------------------------------------------------------------------
// Page errors
// ---------------------------------------------------------------------------

/**
 * Collects console errors/warnings and uncaught errors of a page.
 * `fatal()` lists panics (`panicked at`), uncaught page errors and crashes.
 */
export function collectErrors(page) {
  const log = [];
  const consoleErrors = [];
  const fatal = [];
  page.on('console', (msg) => {
    const text = msg.text();
    const type = msg.type();
    const where = msg.location()?.url || '';
    log.push(`[console.${type}] ${text}${where ? `  (${where})` : ''}`);
    // The browser's own request for /favicon.ico is noise, not an app error.
    if (type === 'error' && !/\/favicon\.ico$/.test(where)) consoleErrors.push(text);
    if (/panicked at/.test(text)) fatal.push(`panic: ${text}`);
  });
  page.on('pageerror', (err) => {
    const text = `${err?.name || 'Error'}: ${err?.message || err}`;
    log.push(`[pageerror] ${text}\n${err?.stack || ''}`);
    fatal.push(`uncaught ${text}`);
  });
  page.on('crash', () => {
    log.push('[crash] page crashed');
    fatal.push('page crashed');
  });
  page.on('requestfailed', (req) => {
    log.push(`[requestfailed] ${req.method()} ${req.url()} ${req.failure()?.errorText || ''}`);
  });
  return {
    log,
    consoleErrors,
    fatal: () => fatal.slice(),
    assertNoFatal(what = 'page') {
      if (fatal.length) {
        throw new Error(`${what} panicked or threw:\n  ${fatal.join('\n  ')}`);
      }
    },
  };
}

/** Throws if any of the given collectors saw a panic or uncaught error. */
export function assertNoPageErrors(...collectors) {
  const all = collectors.flatMap((c) => c.fatal());
  if (all.length) throw new Error(`the page panicked or threw:\n  ${all.join('\n  ')}`);
}

// ---------------------------------------------------------------------------
// PNG pixels (for checking what the canvas shows)
// ---------------------------------------------------------------------------

/** Decode an 8-bit, non-interlaced PNG (as Chromium's screenshots are). */
export function decodePng(buf) {
  const sig = '89504e470d0a1a0a';
  if (buf.subarray(0, 8).toString('hex') !== sig) throw new Error('not a PNG');
  let off = 8;
  let width, height, depth, ctype, interlace;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      ctype = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[ctype];
  if (depth !== 8 || !channels || interlace) {
    throw new Error(`unsupported PNG (depth ${depth}, colour type ${ctype}, interlace ${interlace})`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 255;
    }
  }
  const pixel = (x, y) => {
    const i = y * stride + x * channels;
    if (channels === 1) return { r: out[i], g: out[i], b: out[i], a: 255 };
    if (channels === 2) return { r: out[i], g: out[i], b: out[i], a: out[i + 1] };
    return { r: out[i], g: out[i + 1], b: out[i + 2], a: channels === 4 ? out[i + 3] : 255 };
  };
  return { width, height, pixel };
}

/** The colour the page shows at client point (x, y): the median of a 3×3 patch. */
export async function pixelAt(page, x, y) {
  const png = await page.screenshot({
    clip: { x: Math.round(x) - 1, y: Math.round(y) - 1, width: 3, height: 3 },
    animations: 'disabled',
    caret: 'hide',
  });
  const img = decodePng(png);
  const px = [];
  for (let j = 0; j < img.height; j++) for (let i = 0; i < img.width; i++) px.push(img.pixel(i, j));
  const med = (k) => px.map((p) => p[k]).sort((a, b) => a - b)[px.length >> 1];
  return { r: med('r'), g: med('g'), b: med('b') };
}

// ---------------------------------------------------------------------------
// node:test wiring
// ---------------------------------------------------------------------------

function slug(s) {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * Register the suite hooks of one spec file and return `{ it, env }`.
 *
 *   const { it } = e2eSuite(import.meta.url);
 *   it('creates a note', async ({ board, page }) => { ... }, { lang: 'en' });
 *
 * Each `it` runs in a fresh browser context. With `open: true` (default) the context's
 * first page has already opened a new board (`/?lang=<lang>`) and `board` is its BoardPage.
 * Options: lang ('en'), open (true), contextOptions ({}), timeout (60 s), and node:test's
 * todo / skip (a string saying why), passed through. `e2eSuite(url, { browserArgs })` adds
 * Chromium flags for the whole file (e.g. WEBRTC_ARGS of webrtc.mjs).
 * The test fails if any page of its context panicked or threw.
 */
export function e2eSuite(fileUrl, { browserArgs = [] } = {}) {
  const file = path.basename(fileURLToPath(fileUrl), '.mjs');
  const env = { server: null, browser: null, setupError: null, broken: null };

  before(async () => {
    try {
      env.server = await startServer();
      env.browser = await launchBrowser(browserArgs);
    } catch (e) {
      env.setupError = e;
      throw e;
    }
  });
  after(async () => {
    await env.browser?.close().catch(() => {});
    await env.server?.close();
  });

  function it(name, fn, opts = {}) {
    const { lang = 'en', open = true, contextOptions = {}, timeout = 60_000, todo, skip } = opts;
    test(name, { timeout, todo, skip }, async () => {
      if (env.setupError) throw env.setupError;
      if (!env.server || !env.browser) throw new Error('e2e setup did not run');
      if (env.broken) {
        throw new Error(`not run: the app did not start in an earlier test of ${file}: ${env.broken}`);
      }
      const context = await env.browser.newContext({
        viewport: { width: 1280, height: 800 },
        ...contextOptions,
      });
      context.setDefaultTimeout(TIMEOUT);
      context.setDefaultNavigationTimeout(30_000);
      const collectors = [];
      const pages = [];
      const baseUrl = env.server.url;
      const url = (p = '/') => baseUrl + p;
      const newPage = async () => {
        const page = await context.newPage();
        const errors = collectErrors(page);
        collectors.push(errors);
        pages.push(page);
        page.errors = errors;
        return page;
      };
      const page = await newPage();
      const session = {
        context,
        /** The browser, for another context (another person: own storage). */
        browser: env.browser,
        page,
        errors: page.errors,
        baseUrl,
        url,
        lang,
        newPage,
        /** Open `p` (default: a new board in `lang`) in `pg` and wait for the board. */
        async openBoard(p = `/?lang=${lang}`, pg = page, l = lang) {
          const b = new BoardPage(pg, { lang: l, baseUrl });
          await b.goto(p);
          return b;
        },
        assertNoFatal: () => assertNoPageErrors(...collectors),
      };
      try {
        if (open) {
          try {
            session.board = await session.openBoard();
          } catch (e) {
            env.broken = String(e.message || e).split('\n')[0];
            throw e;
          }
        }
        await fn(session);
        session.assertNoFatal();
      } catch (e) {
        const base = path.join(ARTIFACTS, `${file}--${slug(name)}`);
        try {
          fs.mkdirSync(ARTIFACTS, { recursive: true });
          for (const [i, pg] of pages.entries()) {
            if (pg.isClosed()) continue;
            await pg.screenshot({ path: `${base}-${i}.png`, timeout: 5_000 }).catch(() => {});
          }
          const logs = collectors.map((c, i) => `--- page ${i} (${pages[i].isClosed() ? 'closed' : pages[i].url()})\n${c.log.join('\n')}`);
          fs.writeFileSync(`${base}.log`, `${e.stack || e}\n\n${logs.join('\n')}\n`);
        } catch {
          /* diagnostics are best effort */
        }
        const fatal = collectors.flatMap((c) => c.fatal());
        const consoleErrs = collectors.flatMap((c) => c.consoleErrors).slice(-8);
        let extra = '';
        if (fatal.length) extra += `\n  page panicked/threw:\n    ${fatal.join('\n    ')}`;
        if (consoleErrs.length) extra += `\n  last console errors:\n    ${consoleErrs.join('\n    ')}`;
        extra += `\n  artifacts: ${base}*`;
        if (e instanceof Error) {
          const msg = e.message;
          e.message += extra;
          // Reporters print the stack, which holds the message as it was when thrown.
          if (typeof e.stack === 'string' && msg && e.stack.includes(msg)) {
            e.stack = e.stack.replace(msg, e.message);
          }
          throw e;
        }
        throw new Error(String(e) + extra);
      } finally {
        await context.close().catch(() => {});
      }
    });
  }

  return { it, env };
}
