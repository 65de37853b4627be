// Collaboration benchmarks over loopback WebRTC in headless Chromium, each next to
// JavaScript Yjs 13.6 + y-webrtc 10.3 peers doing the same work in the same run (the
// baseline): a new peer receiving a 10,000-element board, edit → visible at a remote peer,
// and 8 peers editing at 10 edits/s each. Prints Markdown ("## Collaboration").
//
// Every peer is a page in its own browser context (so BroadcastChannel cannot carry
// anything: WebRTC only), all in one Chromium with the WebRTC flags of TESTING.md, through
// the project's relay (LERNRAUM_SIGNAL_BIN, else target/debug/lernraum-signal). Times come
// from one clock: performance.timeOrigin + performance.now() in each page of the browser.
//
// Env: LERNRAUM_DIST (the built app), LERNRAUM_SIGNAL_BIN, LERNRAUM_COLLAB_SECONDS (the
// throughput run, default 60), LERNRAUM_COLLAB_PARTS (e.g. "1,3"; default all).
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchBrowser, startServer } from '../e2e/harness.mjs'
import { startYServer, yClient, Y } from '../e2e/yws.mjs'
import { WEBRTC_ARGS, WEBRTC_CONTEXT, randomRoom, startRelay } from '../e2e/webrtc.mjs'
import { fillMixed } from './boards.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const dist = process.env.LERNRAUM_DIST
const SECONDS = Number(process.env.LERNRAUM_COLLAB_SECONDS || 60)
const PARTS = new Set((process.env.LERNRAUM_COLLAB_PARTS || '1,2,3').split(',').map(s => s.trim()))
const N = 10000
const SMALL = 1000 // fits one data-channel message (256 KiB) as one Yjs update
const JOIN_RUNS = 9
// Holders of the board in the second Lernraum row, all met by the newcomer.
const HOLDERS = 3
const JOIN_TIMEOUT = 30000
const LATENCY_SAMPLES = 50
const LATENCY_WARMUP = 5
const PEERS = 8
const RATE = 10 // edits per second per peer
const CREATE_EVERY = 10 // every 10th edit creates a note; the others alternate text and move

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const sorted = xs => xs.slice().sort((a, b) => a - b)
const median = xs => { const s = sorted(xs); return s.length ? s[Math.floor(s.length / 2)] : NaN }
// Nearest rank.
const pct = (xs, p) => { const s = sorted(xs); return s.length ? s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)] : NaN }

// ---------------------------------------------------------------------------------------
// In every page, before its own scripts: the shared clock, the first data-channel opens
// (RTCPeerConnection wrapped), keydown times, hooks that run after every animation-frame
// callback (so a check sees the frame the app has just painted), and the moment the app
// sets `__benchReady` (bench page contract: all N elements are in the board model).
// ---------------------------------------------------------------------------------------
const INIT = `(() => {
  const now = () => performance.timeOrigin + performance.now()
  const c = window.__collab = { now, opens: [], keyAt: [], afterFrame: [], readyAt: null, trace: false, sent: [], got: [] }
  const Orig = window.RTCPeerConnection
  if (Orig) {
    const watch = (ch) => {
      const rec = () => c.opens.push(now())
      if (ch.readyState === 'open') rec(); else ch.addEventListener('open', rec, { once: true })
      ch.addEventListener('message', () => { if (c.trace) c.got.push(now()) })
    }
    const send = RTCDataChannel.prototype.send
    RTCDataChannel.prototype.send = function (d) { if (c.trace) c.sent.push(now()); return send.call(this, d) }
    class PC extends Orig {
      constructor (...a) { super(...a); this.addEventListener('datachannel', (e) => watch(e.channel)) }
      createDataChannel (...a) { const ch = super.createDataChannel(...a); watch(ch); return ch }
    }
    window.RTCPeerConnection = PC
  }
  const raf = window.requestAnimationFrame.bind(window)
  window.requestAnimationFrame = (cb) => raf((t) => { try { cb(t) } finally { for (const f of c.afterFrame) { try { f() } catch (e) {} } } })
  addEventListener('keydown', () => c.keyAt.push(now()), true)
  let ready
  Object.defineProperty(window, '__benchReady', {
    configurable: true,
    get: () => ready,
    set: (v) => { if (v === true && ready !== true) c.readyAt = now(); ready = v },
  })
  // A cheap, order-independent fingerprint of a list of element records.
  c.digest = (els) => {
    const rows = els.map(e => e.id + '|' + e.kind + '|' + e.x + '|' + e.y + '|' + e.text).sort()
    let h = 0x811c9dc5
    for (const r of rows) for (let i = 0; i < r.length; i++) { h ^= r.charCodeAt(i); h = Math.imul(h, 16777619) }
    return rows.length + ':' + (h >>> 0).toString(16)
  }
})()`

// ---------------------------------------------------------------------------------------
// The JavaScript baseline: Yjs + y-webrtc in a plain page (bundled with esbuild).
// ---------------------------------------------------------------------------------------
const ENTRY = `
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
const c = window.__collab
let doc = null
let provider = null
const els = () => doc.getMap('elements')
function b64 (s) { const bin = atob(s); const u = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i); return u }
function newNote (id, x, y) {
  doc.transact(() => {
    const el = new Y.Map()
    els().set(id, el)
    el.set('kind', 'note'); el.set('x', x); el.set('y', y); el.set('w', 200); el.set('h', 200)
    el.set('z', 'a0'); el.set('color', 'yellow')
    const t = new Y.Text(); el.set('text', t)
  })
}
window.yBench = {
  start (room, password, signal, update) {
    doc = new Y.Doc()
    if (update) Y.applyUpdate(doc, b64(update))
    c.lastUpdateAt = null
    doc.on('update', () => { c.lastUpdateAt = c.now() })
    provider = new WebrtcProvider(room, doc, {
      signaling: [signal], password, filterBcConns: false, peerOpts: { config: { iceServers: [] } },
    })
    provider.awareness.setLocalStateField('user', { name: 'JS', color: '#1e88e5' })
    return els().size
  },
  peers: () => provider ? [...provider.room?.webrtcConns.values() ?? []].filter(x => x.connected).length : 0,
  count: () => els().size,
  // Part 1: when the doc first holds n elements.
  watchCount (n) {
    c.fullAt = null
    const check = () => { if (c.fullAt === null && els().size >= n) c.fullAt = c.now() }
    doc.on('update', check); check()
  },
  // Part 2: a note to type into, and what the other side sees of it.
  newNote (id) { newNote(id, 100, 80) },
  typeChar (id) {
    const t = els().get(id).get('text')
    c.editAt = c.editAt || []
    c.editAt.push(c.now())
    t.insert(t.length, 'x')
  },
  watchText (id) {
    c.seen = []; c.seenFrame = []
    doc.on('update', () => {
      const el = els().get(id)
      const len = el ? el.get('text').length : -1
      const last = c.seen[c.seen.length - 1]
      if (!last || last[1] !== len) {
        const t = c.now()
        c.seen.push([t, len])
        requestAnimationFrame(() => c.seenFrame.push([c.now(), len]))
      }
    })
  },
  // Part 3: each peer edits its own notes: every 10th edit a new note, else text or move.
  drive ({ me, startAt, ticks, period, offset, createEvery }) {
    c.edits = 0; c.done = false; c.lastEditAt = null
    let k = 0; let cur = null
    const tick = () => {
      if (k % createEvery === 0) { cur = 'p' + me + 'n' + String(k).padStart(8, '0'); newNote(cur, 100 * me, 10 * k) }
      else if (k % 2) { const t = els().get(cur).get('text'); t.insert(t.length, 'x') }
      else { const el = els().get(cur); el.set('x', el.get('x') + 1) }
      c.edits++; c.lastEditAt = c.now(); k++
      if (k < ticks) setTimeout(tick, Math.max(0, startAt + offset + k * period - c.now()))
      else c.done = true
    }
    setTimeout(tick, Math.max(0, startAt + offset - c.now()))
  },
  digest () {
    const out = []
    els().forEach((el, id) => { const t = el.get('text'); out.push({ id, kind: el.get('kind'), x: el.get('x'), y: el.get('y'), text: t instanceof Y.Text ? t.toString() : t }) })
    return c.digest(out)
  },
}
`

async function startJsPeerServer () {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: path.join(HERE, '..'), loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
  })
  const bundle = result.outputFiles[0].text
  const html = '<!doctype html><meta charset="utf-8"><title>y-webrtc bench peer</title><script type="module" src="/peer.js"></script>'
  const server = http.createServer((req, res) => {
    if (req.url === '/peer.js') { res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }); res.end(bundle) } else if (req.url === '/' || req.url.startsWith('/?')) { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(html) } else { res.writeHead(404); res.end() }
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise(resolve => { server.closeAllConnections?.(); server.close(() => resolve()) }),
  }
}

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------
let browser, site, relay, jsServer, yserver
const errors = []

async function newPage () {
  const context = await browser.newContext(WEBRTC_CONTEXT)
  await context.addInitScript(INIT)
  const page = await context.newPage()
  page.on('pageerror', e => errors.push(String(e)))
  page.on('console', m => { if (/panicked at/.test(m.text())) errors.push(m.text()) })
  return { context, page, close: () => context.close().catch(() => {}) }
}

/**
 * Chromium starts a spare renderer process whenever a new page takes one, and on 2 cores
 * that start-up (120–200 ms of processor time) ran alongside a join that began as the page
 * loaded. A newcomer's page is therefore created, and the browser left to settle for this
 * long, before it opens the link (the same for the app and the JavaScript pages).
 */
const SETTLE_MS = 1000

/** A Lernraum page on the room link; `ws` loads the board from a y-websocket server. */
async function appPeer (link, { ws, bench = 0, settle = false } = {}) {
  const p = await newPage()
  if (settle) await sleep(SETTLE_MS)
  const q = `lang=en&signal=${encodeURIComponent(relay.url)}&bench=${bench}${ws ? `&ws=${encodeURIComponent(ws)}` : ''}`
  await p.page.goto(`${site.url}/?${q}#room=${link.room}&key=${link.key}`)
  await p.page.waitForFunction(() => typeof window.__lernraum === 'object' && typeof window.__bench === 'object', null, { timeout: 30000 })
  p.peers = () => p.page.evaluate(() => window.__lernraum.webrtc().peers)
  return p
}

/** A JavaScript y-webrtc page on the room, holding `update` (base64) if given. */
async function jsPeer (link, update = null, { settle = false } = {}) {
  const p = await newPage()
  if (settle) await sleep(SETTLE_MS)
  await p.page.goto(jsServer.url)
  await p.page.waitForFunction(() => typeof window.yBench === 'object', null, { timeout: 10000 })
  await p.page.evaluate(([r, k, s, u]) => window.yBench.start(r, k, s, u), [link.room, link.key, relay.url, update])
  p.peers = () => p.page.evaluate(() => window.yBench.peers())
  return p
}

async function waitPeers (peers, n, timeout = 60000) {
  const deadline = Date.now() + timeout
  for (;;) {
    const counts = await Promise.all(peers.map(p => p.peers()))
    if (counts.every(c => c >= n)) return counts
    if (Date.now() > deadline) return counts
    await sleep(200)
  }
}

/** A DevTools session on the page for its metrics. */
async function metrics (p) {
  if (!p.cdp) {
    p.cdp = await p.page.context().newCDPSession(p.page)
    await p.cdp.send('Performance.enable')
  }
  const { metrics } = await p.cdp.send('Performance.getMetrics')
  return name => metrics.find(m => m.name === name)?.value ?? NaN
}

/** JS heap in use after a forced GC, bytes. */
async function heapBytes (p) {
  await metrics(p)
  await p.cdp.send('HeapProfiler.collectGarbage')
  return (await metrics(p))('JSHeapUsedSize')
}

/** The renderer's CPU time and its main thread's time in tasks (wall) so far, seconds. */
async function busySeconds (p) {
  const m = await metrics(p)
  return { cpu: m('ProcessTime'), task: m('TaskDuration') }
}

// ---------------------------------------------------------------------------------------
// 1. A new peer receives a board
// ---------------------------------------------------------------------------------------
function boardUpdate (n) {
  const doc = new Y.Doc()
  fillMixed(doc, n)
  const u = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return u
}

/**
 * Lernraum holding the board (from y-websocket), fresh Lernraum or JS peers joining.
 * With `holders` > 1, that many Lernraum pages hold it, connected to each other; the
 * newcomer meets all of them.
 */
async function joinFromApp (n, joiner, runs = JOIN_RUNS, holders = 1) {
  const link = randomRoom()
  const client = yClient(yserver.url, link.room)
  fillMixed(client.doc, n)
  await client.whenSynced(60000)
  const all = []
  const out = []
  try {
    for (let i = 0; i < holders; i++) all.push(await appPeer(link, { ws: yserver.url, bench: n }))
    for (const h of all) await h.page.waitForFunction(() => window.__benchReady === true, null, { timeout: 120000 })
    const counts = await waitPeers(all, holders - 1, 30000)
    if (counts.some(c => c < holders - 1)) throw new Error(`the ${holders} holders did not connect (${counts})`)
    await sleep(1000)
    for (let r = 0; r < runs; r++) out.push(await joinOnce(link, n, joiner, all[0]))
  } finally {
    for (const h of all) await h.close()
    client.close()
  }
  return out
}

/** JavaScript y-webrtc holding the board, fresh JS or Lernraum peers joining. */
async function joinFromJs (n, joiner, update, runs = JOIN_RUNS) {
  const link = randomRoom()
  const holder = await jsPeer(link, Buffer.from(update).toString('base64'))
  const out = []
  try {
    await sleep(1000)
    for (let r = 0; r < runs; r++) out.push(await joinOnce(link, n, joiner))
  } finally {
    await holder.close()
  }
  return out
}

/**
 * One join: from the joiner's first data channel open until it holds n elements
 * (Lernraum: `__benchReady` set, i.e. all n in the board model and scene; JS: the Y.Doc's
 * elements map has n entries). `ms: null` when it did not within JOIN_TIMEOUT.
 */
async function joinOnce (link, n, joiner, holder = null) {
  // A Lernraum holder and newcomer record when they send and receive data-channel
  // messages, for the breakdown of where the time goes.
  const traced = joiner === 'app' && holder !== null
  const trace = () => { const c = window.__collab; c.trace = true; c.sent = []; c.got = [] }
  if (traced) await holder.page.evaluate(trace)
  const p = joiner === 'app' ? await appPeer(link, { bench: n, settle: true }) : await jsPeer(link, null, { settle: true })
  try {
    if (traced) await p.page.evaluate(trace)
    if (joiner === 'js') await p.page.evaluate(n => window.yBench.watchCount(n), n)
    const done = joiner === 'app' ? () => window.__collab.readyAt !== null : () => window.__collab.fullAt !== null
    const ok = await p.page.waitForFunction(done, null, { timeout: JOIN_TIMEOUT, polling: 50 }).then(() => true, () => false)
    const r = await p.page.evaluate(() => {
      const c = window.__collab
      return { open: c.opens[0] ?? null, full: c.readyAt ?? c.fullAt ?? null, count: window.__bench ? window.__bench.count() : window.yBench.count() }
    })
    if (!(ok && r.open !== null)) return { ms: null, count: r.count, open: r.open !== null }
    const out = { ms: r.full - r.open, count: r.count }
    if (traced) {
      const get = () => ({ sent: window.__collab.sent, got: window.__collab.got })
      const [h, j] = [await holder.page.evaluate(get), await p.page.evaluate(get)]
      holder.page.evaluate(() => { window.__collab.trace = false }).catch(() => {})
      // The holder's first message after the newcomer's sync step 1 reached it that is
      // not one of its own two opening frames: the first piece of the board.
      const at = t => t - r.open
      const step1 = h.got.find(t => t >= r.open)
      const pieces = h.sent.filter(t => step1 !== undefined && t > step1)
      let gap = 0
      for (let i = 1; i < j.got.length; i++) gap = Math.max(gap, j.got[i] - j.got[i - 1])
      out.trace = {
        step1: step1 === undefined ? null : at(step1),
        firstOut: pieces.length ? at(pieces[0]) : null,
        lastOut: pieces.length ? at(pieces[pieces.length - 1]) : null,
        lastIn: j.got.length ? at(j.got[j.got.length - 1]) : null,
        gap,
      }
    }
    return out
  } finally {
    await p.close()
    await sleep(500)
  }
}

async function part1 () {
  const big = boardUpdate(N)
  const small = boardUpdate(SMALL)
  const rows = []
  for (const [n, update] of [[N, big], [SMALL, small]]) {
    const bytes = update.length
    rows.push({ n, bytes, from: 'Lernraum', to: 'Lernraum', runs: await joinFromApp(n, 'app') })
    if (n === N) rows.push({ n, bytes, from: `${HOLDERS} × Lernraum`, to: 'Lernraum', runs: await joinFromApp(n, 'app', JOIN_RUNS, HOLDERS) })
    // y-webrtc sends the whole board as one message: above 256 KiB it never arrives, so
    // one try is enough to show it.
    const tooBig = bytes > 256 * 1024
    rows.push({ n, bytes, from: 'JS', to: 'JS', runs: await joinFromJs(n, 'js', update, tooBig ? 1 : JOIN_RUNS) })
    rows.push({ n, bytes, from: 'Lernraum', to: 'JS', runs: await joinFromApp(n, 'js') })
  }
  return rows
}

// ---------------------------------------------------------------------------------------
// 2. Edit → visible at a remote peer
// ---------------------------------------------------------------------------------------
async function part2App () {
  const link = randomRoom()
  const a = await appPeer(link)
  const b = await appPeer(link)
  try {
    const counts = await waitPeers([a, b], 1, 30000)
    if (counts.some(c => c < 1)) throw new Error(`the two Lernraum pages did not connect (${counts})`)
    // A note in A, opened for typing (Note tool, Enter: a note at the view centre).
    await a.page.keyboard.press('n')
    await a.page.keyboard.press('Enter')
    await a.page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA', null, { timeout: 10000 })
    await b.page.waitForFunction(() => window.__lernraum.elements().length === 1, null, { timeout: 10000 })
    // B: after every animation-frame callback (the app paints in one), the note's text
    // length as the scene holds it, with the time it first changed.
    await b.page.evaluate(() => {
      const c = window.__collab
      c.seen = []
      c.afterFrame.push(() => {
        const els = window.__lernraum.elements()
        const len = els.length ? els[0].text.length : -1
        const last = c.seen[c.seen.length - 1]
        if (!last || last[1] !== len) c.seen.push([c.now(), len])
      })
    })
    await a.page.evaluate(() => { window.__collab.trace = true })
    await b.page.evaluate(() => { window.__collab.trace = true })
    const k0 = await a.page.evaluate(() => window.__collab.keyAt.length)
    const base = await b.page.evaluate(() => window.__lernraum.elements()[0].text.length)
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
      await a.page.keyboard.type('x')
      await b.page.waitForFunction(len => window.__lernraum.elements()[0]?.text.length >= len, base + i + 1, { timeout: 10000, polling: 5 })
      await sleep(60 + Math.random() * 60)
    }
    const keyAt = await a.page.evaluate(k0 => window.__collab.keyAt.slice(k0), k0)
    const sent = await a.page.evaluate(() => window.__collab.sent)
    const { seen, got } = await b.page.evaluate(() => ({ seen: window.__collab.seen, got: window.__collab.got }))
    const lat = []; const send = []; const wire = []
    for (let i = LATENCY_WARMUP; i < keyAt.length; i++) {
      const hit = seen.find(([, len]) => len >= base + i + 1)
      lat.push(hit[0] - keyAt[i])
      // The first message A sent after the key, and the first B received after that.
      const s = sent.find(t => t >= keyAt[i])
      const g = s === undefined ? undefined : got.find(t => t >= s)
      if (s !== undefined && g !== undefined && g <= hit[0]) { send.push(s - keyAt[i]); wire.push(g - s) }
    }
    return { lat, send, wire }
  } finally {
    await a.close()
    await b.close()
  }
}

async function part2Js () {
  const link = randomRoom()
  const a = await jsPeer(link)
  await sleep(300)
  const b = await jsPeer(link)
  try {
    const counts = await waitPeers([a, b], 1, 30000)
    if (counts.some(c => c < 1)) throw new Error(`the two JS peers did not connect (${counts})`)
    const id = 'latencyNote00001'
    await a.page.evaluate(id => window.yBench.newNote(id), id)
    await b.page.waitForFunction(() => window.yBench.count() === 1, null, { timeout: 10000 })
    await b.page.evaluate(id => window.yBench.watchText(id), id)
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
      await a.page.evaluate(id => window.yBench.typeChar(id), id)
      await b.page.waitForFunction(len => window.__collab.seenFrame.some(([, l]) => l >= len), i + 1, { timeout: 10000, polling: 5 })
      await sleep(60 + Math.random() * 60)
    }
    const editAt = await a.page.evaluate(() => window.__collab.editAt)
    const { seen, seenFrame } = await b.page.evaluate(() => ({ seen: window.__collab.seen, seenFrame: window.__collab.seenFrame }))
    const lat = []; const latFrame = []
    for (let i = LATENCY_WARMUP; i < editAt.length; i++) {
      lat.push(seen.find(([, len]) => len >= i + 1)[0] - editAt[i])
      latFrame.push(seenFrame.find(([, len]) => len >= i + 1)[0] - editAt[i])
    }
    return { lat, latFrame }
  } finally {
    await a.close()
    await b.close()
  }
}

// ---------------------------------------------------------------------------------------
// 3. Throughput: 8 peers, 10 edits/s each
// ---------------------------------------------------------------------------------------

// Lernraum's driver: the app's own input paths, as keyboard and textarea events in the
// page. Every 10th edit: N then Enter (a new note at the view centre, its text editor
// open); otherwise alternately a character typed into that note's text editor (an
// `input` event, the app reads the textarea) and ArrowRight (nudge the note by 1).
const APP_DRIVER = `(({ startAt, ticks, period, offset, createEvery }) => {
  const c = window.__collab
  c.edits = 0; c.done = false; c.lastEditAt = null; c.fallbacks = 0
  const key = (k, code) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, code, bubbles: true, cancelable: true }))
  let k = 0
  const tick = () => {
    if (k === ticks - 1) c.startWatch()
    if (k % createEvery === 0) { key('n', 'KeyN'); key('Enter', 'Enter') }
    else {
      const ta = document.querySelector('textarea')
      if (k % 2 && ta) { ta.value += 'x'; ta.dispatchEvent(new Event('input', { bubbles: true })) }
      else { if (k % 2) c.fallbacks++; key('ArrowRight', 'ArrowRight') }
    }
    c.edits++; c.lastEditAt = c.now(); k++
    if (k < ticks) setTimeout(tick, Math.max(0, startAt + offset + k * period - c.now()))
    else c.done = true
  }
  setTimeout(tick, Math.max(0, startAt + offset - c.now()))
})`

// From just before the page's own last edit (so before the last edit of all peers), after
// every animation-frame callback: the scene's fingerprint and when it last changed (the
// app paints in a rAF callback, so this is when a change became visible). Not earlier:
// fingerprinting every frame would slow the pages during the run.
const APP_WATCH = `(() => {
  const c = window.__collab
  const look = () => {
    const d = c.digest(window.__lernraum.elements())
    if (d !== c.lastDigest) { c.lastDigest = d; c.lastChangeAt = c.now() }
  }
  c.startWatch = () => { look(); c.afterFrame.push(look) }
})()`

async function part3 (kind) {
  const link = randomRoom()
  const peers = []
  const res = { kind }
  try {
    for (let i = 0; i < PEERS; i++) {
      peers.push(kind === 'app' ? await appPeer(link) : await jsPeer(link))
      await sleep(300)
    }
    const t0 = Date.now()
    const counts = await waitPeers(peers, PEERS - 1, 90000)
    res.connectS = (Date.now() - t0) / 1000
    res.connections = counts
    await sleep(1000)
    const mem = async () => {
      const heap = await Promise.all(peers.map(p => heapBytes(p)))
      const wasm = kind === 'app' ? await Promise.all(peers.map(p => p.page.evaluate(() => window.__bench.wasmMemoryBytes()))) : peers.map(() => 0)
      return { heap: heap.reduce((a, b) => a + b, 0), wasm: wasm.reduce((a, b) => a + b, 0) }
    }
    res.memBefore = await mem()
    const ticks = RATE * SECONDS
    const period = 1000 / RATE
    const now = await peers[0].page.evaluate(() => window.__collab.now())
    const startAt = now + 2000
    const nodeStart = Date.now() + 2000
    const lastAt = startAt + (ticks - 1) * period + (PEERS - 1) * period / PEERS
    res.plannedS = (lastAt - startAt) / 1000
    for (const [i, p] of peers.entries()) {
      const opts = { me: i, startAt, ticks, period, offset: i * period / PEERS, createEvery: CREATE_EVERY }
      if (kind === 'app') {
        await p.page.evaluate(`${APP_DRIVER}(${JSON.stringify(opts)})`)
        await p.page.evaluate(APP_WATCH)
      } else {
        await p.page.evaluate(o => window.yBench.drive(o), opts)
      }
    }
    await sleep(nodeStart - Date.now())
    const busy0 = await Promise.all(peers.map(busySeconds))
    const wall0 = Date.now()
    await sleep(SECONDS * 1000)
    // Wait for the drivers (a cheap check: nothing else runs in the pages meanwhile) …
    const deadline = Date.now() + 120000
    while (!(await Promise.all(peers.map(p => p.page.evaluate(() => window.__collab.done)))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`the edit drivers did not finish within ${SECONDS + 120} s`)
      await sleep(200)
    }
    const busy1 = await Promise.all(peers.map(busySeconds))
    const wall = (Date.now() - wall0) / 1000
    res.cpuSeconds = busy1.reduce((a, b, i) => a + b.cpu - busy0[i].cpu, 0)
    res.cpu = res.cpuSeconds / wall
    res.task = busy1.reduce((a, b, i) => a + b.task - busy0[i].task, 0) / wall / PEERS
    // … then for all peers to agree, stable for 2 s (at most 120 s).
    const deadline2 = Date.now() + 120000
    let last = null; let stableSince = null
    for (;;) {
      const ds = await Promise.all(peers.map(p => p.page.evaluate(kind === 'app'
        ? () => window.__collab.digest(window.__lernraum.elements())
        : () => window.yBench.digest())))
      const key = ds.join(',')
      if (ds.every(d => d === ds[0]) && key === last) {
        if (Date.now() - stableSince > 2000) break
      } else { last = key; stableSince = Date.now() }
      if (Date.now() > deadline2) break
      await sleep(100)
    }
    const fin = await Promise.all(peers.map(p => p.page.evaluate(kind === 'app'
      ? () => ({ d: window.__collab.digest(window.__lernraum.elements()), edits: window.__collab.edits, lastEditAt: window.__collab.lastEditAt, lastChangeAt: window.__collab.lastChangeAt, fallbacks: window.__collab.fallbacks, n: window.__lernraum.elements().length, peers: window.__lernraum.webrtc().peers })
      : () => ({ d: window.yBench.digest(), edits: window.__collab.edits, lastEditAt: window.__collab.lastEditAt, lastChangeAt: window.__collab.lastUpdateAt, n: window.yBench.count(), peers: window.yBench.peers() }))))
    res.converged = fin.every(f => f.d === fin[0].d)
    res.distinct = new Set(fin.map(f => f.d)).size
    res.elements = fin.map(f => f.n)
    res.edits = fin.reduce((a, f) => a + f.edits, 0)
    res.fallbacks = fin.reduce((a, f) => a + (f.fallbacks || 0), 0)
    res.expectedEdits = ticks * PEERS
    const lastEdit = Math.max(...fin.map(f => f.lastEditAt))
    const firstPlanned = startAt
    res.achievedRate = res.edits / PEERS / ((lastEdit - firstPlanned) / 1000 + 1 / RATE)
    res.lateS = (lastEdit - lastAt) / 1000
    res.convergeMs = res.converged ? Math.max(0, Math.max(...fin.map(f => f.lastChangeAt ?? -Infinity)) - lastEdit) : null
    res.peersAtEnd = fin.map(f => f.peers)
    res.memAfter = await mem()
  } finally {
    for (const p of peers) await p.close()
  }
  return res
}

// ---------------------------------------------------------------------------------------
// Run and print
// ---------------------------------------------------------------------------------------
const out = {}
const failed = []
try {
  relay = await startRelay()
  site = await startServer(dist)
  jsServer = await startJsPeerServer()
  yserver = await startYServer()
  browser = await launchBrowser(WEBRTC_ARGS)
  if (PARTS.has('1')) {
    try { out.join = await part1() } catch (e) { failed.push(`part 1: ${e.message.split('\n')[0]}`) }
  }
  if (PARTS.has('2')) {
    try { out.latApp = await part2App() } catch (e) { failed.push(`part 2 (Lernraum): ${e.message.split('\n')[0]}`) }
    try { out.latJs = await part2Js() } catch (e) { failed.push(`part 2 (JS): ${e.message.split('\n')[0]}`) }
  }
  if (PARTS.has('3')) {
    try { out.tpApp = await part3('app') } catch (e) { failed.push(`part 3 (Lernraum): ${e.message.split('\n')[0]}`) }
    try { out.tpJs = await part3('js') } catch (e) { failed.push(`part 3 (JS): ${e.message.split('\n')[0]}`) }
  }
} finally {
  await browser?.close()
  await site?.close()
  await jsServer?.close()
  await yserver?.stop()
  await relay?.stop()
}

// A panic or uncaught error in any page makes the run fail (its figures may be wrong).
if (errors.length) failed.push(`pages threw: ${[...new Set(errors)].slice(0, 5).map(e => e.split('\n')[0]).join('; ')}`)
print(out, failed)
if (failed.length) process.exitCode = 1

function print (out, failed) {
  const f0 = v => v == null || Number.isNaN(v) ? '—' : v.toFixed(0)
  const f1 = v => v == null || Number.isNaN(v) ? '—' : v.toFixed(1)
  const f2 = v => v == null || !Number.isFinite(v) ? '—' : v.toFixed(2)
  const n = v => v.toLocaleString('en')
  const kb = v => `${n(Math.round(v / 1024))} KB`
  const mb = v => (v / 1048576).toFixed(1)
  const say = (...lines) => console.log(lines.join('\n'))
  say('## Collaboration', '',
    'Loopback WebRTC in one headless Chromium with the flags of TESTING.md; every peer is a page in',
    'its own browser context (so BroadcastChannel carries nothing), signaling through',
    '`lernraum-signal` on 127.0.0.1. The baseline, measured in the same run: pages with JavaScript',
    'Yjs 13.6 + y-webrtc 10.3 (bundled with esbuild) doing the same work. Times come from one clock,',
    '`performance.timeOrigin + performance.now()` in each page. All peers and the browser share the',
    "machine's cores, so absolute times are upper bounds; read the ratios.", '')

  // 1 -------------------------------------------------------------------------------------
  say('### A new peer receives a board', '')
  const skipped = `Not run (LERNRAUM_COLLAB_PARTS=${[...PARTS].join(',')}).`
  if (!PARTS.has('1')) {
    say(skipped, '')
  } else if (!out.join) {
    say('Not measured (see the failure below).', '')
  } else {
    say('Start, the same for both: the new peer\'s first data channel fires `open` (both pages wrap',
      '`RTCPeerConnection` with the same script). End: Lernraum: the app sets `__benchReady`, that is',
      'all N elements are in its board model and scene (it checks once per animation frame); JavaScript:',
      'the first doc `update` after which the `elements` map holds N entries (no rendering). Each run is',
      'a fresh page joining a peer that holds the board (the page is created and the browser left 1 s',
      'to settle before it opens the link: Chromium starts a spare renderer process whenever a page takes',
      'one, and on 2 cores that start-up ran alongside the join), the Lernraum holder loaded it through `?ws=`',
      'from a y-websocket server filled by `fillMixed` (tests/bench/boards.mjs), the JavaScript holder',
      `applied the same board as one Yjs update. In the "${HOLDERS} × Lernraum" row, ${HOLDERS} Lernraum pages hold the`,
      'board, connected to each other, and the newcomer meets all of them: each answers its sync step 1',
      `with the whole board, as y-webrtc peers do. Median of ${JOIN_RUNS} joins.`, '')
    const med = r => { const ok = r.runs.filter(x => x.ms != null); return ok.length === r.runs.length ? median(ok.map(x => x.ms)) : null }
    const base = {}
    for (const r of out.join) if (r.from === 'JS' && r.to === 'JS') base[r.n] = med(r)
    say('| board | holder → new peer | median ms | runs, ms | ÷ JS → JS | target | ÷ target |', '|---|---|---:|---|---:|---:|---:|')
    for (const r of out.join) {
      const m = med(r)
      const runs = r.runs.map(x => x.ms == null ? `none in ${JOIN_TIMEOUT / 1000} s (${n(x.count)} elements${x.open ? ', channel open' : ', no channel'})` : f0(x.ms)).join(', ')
      const target = r.n === N && r.to === 'Lernraum' ? '≤ 300' : '—'
      const divT = r.n === N && r.to === 'Lernraum' && m != null ? f2(m / 300) : '—'
      const divJ = m != null && base[r.n] != null ? f2(m / base[r.n]) : '—'
      const who = x => x === 'JS' ? 'JavaScript' : x
      say(`| ${n(r.n)} mixed, ${kb(r.bytes)} | ${who(r.from)} → ${who(r.to)} | ${m == null ? 'not received' : f0(m)} | ${runs} | ${divJ} | ${target} | ${divT} |`)
    }
    say('')
    const traced = out.join.find(r => r.n === N && r.from === 'Lernraum' && r.to === 'Lernraum' && r.runs.every(x => x.trace))
    if (traced) {
      const t = k => median(traced.runs.map(x => x.trace[k]).filter(v => v != null))
      const stalls = traced.runs.filter(x => x.trace.gap > 150).length
      say(`Where Lernraum's ${n(N)}-element join goes (medians, from the newcomer's channel open): its sync step 1`,
        `reaches the holder at ${f0(t('step1'))} ms; the holder sends the first piece of the board at ${f0(t('firstOut'))} ms and`,
        `has handed the last to the channel at ${f0(t('lastOut'))} ms; the newcomer receives the last piece at`,
        `${f0(t('lastIn'))} ms and has all elements in its model and scene at ${f0(median(traced.runs.map(x => x.ms)))} ms. Between the first and the last`,
        'piece the newcomer\'s main thread applies them (a CPU profile shows it busy throughout). Longest wait between two',
        `pieces: median ${f0(t('gap'))} ms; over 150 ms (a stalled transfer) in ${stalls} of ${traced.runs.length} runs.`, '')
    }
    const big = out.join.find(r => r.n === N && r.from === 'JS' && r.to === 'JS')
    if (big && med(big) == null) {
      say(`**No same-work baseline at ${n(N)} elements.** y-webrtc answers the new peer's sync step 1 with the`,
        `whole board in one data-channel message (${kb(big.bytes)}); Chromium does not deliver messages over`,
        `256 KiB, so the JavaScript newcomer never gets it (its channel is open, it holds 0 elements`,
        `after ${JOIN_TIMEOUT / 1000} s). Lernraum sends a large sync as 64 KB updates, each valid alone, paced by`,
        '`bufferedAmount`; the "Lernraum → JavaScript" row is a JavaScript newcomer receiving that. The',
        `ratio against JavaScript is therefore taken on a ${n(SMALL)}-element board of the same mix, which`,
        'fits one message.', '')
    }
  }

  // 2 -------------------------------------------------------------------------------------
  say('### Edit → visible at a remote peer', '')
  if (!PARTS.has('2')) say(skipped, '')
  else if (!out.latApp || !out.latJs) {
    say(`Not measured for ${[!out.latApp && 'Lernraum', !out.latJs && 'JavaScript'].filter(Boolean).join(' and ')} (see the failure below).`, '')
  }
  if (out.latApp || out.latJs) {
    say(`Two peers connected over WebRTC; one character typed into a note at peer A, ${LATENCY_SAMPLES} samples after ${LATENCY_WARMUP}`,
      'warm-up ones, 60–120 ms apart, each once the previous one has arrived. Lernraum: a key pressed',
      '(Playwright keyboard) into the open text editor of a note; start: the `keydown` at A (a capture',
      'listener on `window`); end: at B, right after the animation-frame callback in which the app',
      'painted, `__lernraum.elements()` shows the longer text. JavaScript: `Y.Text.insert` at A; start:',
      'just before the transaction; end: the doc `update` event at B (no rendering), and, as the',
      'counterpart of a painted frame, the first animation frame after it.', '')
    const app = out.latApp?.lat ?? []
    const js = out.latJs?.lat ?? []
    const jsF = out.latJs?.latFrame ?? []
    const jp50 = median(js); const jf50 = median(jsF)
    say('| peers | p50 ms | p95 ms | max ms | p50 ÷ JS (update) | p50 ÷ JS (next frame) | target p50 | p50 ÷ target |',
      '|---|---:|---:|---:|---:|---:|---:|---:|')
    const row = (name, xs, target) => {
      if (!xs.length) return
      const p50 = median(xs)
      say(`| ${name} | ${f1(p50)} | ${f1(pct(xs, 95))} | ${f1(Math.max(...xs))} | ${f2(p50 / jp50)} | ${f2(p50 / jf50)} | ${target ? '≤ 20' : '—'} | ${target ? f2(p50 / 20) : '—'} |`)
    }
    row('Lernraum → Lernraum', app, true)
    row('JavaScript → JavaScript, doc update', js, false)
    row('JavaScript → JavaScript, next frame', jsF, false)
    say('')
    if (out.latApp?.send?.length) {
      const a = out.latApp
      const vis = a.lat.map((x, i) => x - (a.send[i] ?? NaN) - (a.wire[i] ?? NaN)).filter(Number.isFinite)
      say(`Where Lernraum's time goes (medians over the samples): keydown → the update handed to A's data`,
        `channel ${f1(median(a.send))} ms; channel send → message event at B ${f1(median(a.wire))} ms; message → painted`,
        `at B ${f1(median(vis))} ms (applying, then waiting for the next animation frame, at most 16.7 ms at 60 Hz).`, '')
    }
  }

  // 3 -------------------------------------------------------------------------------------
  say(`### ${PEERS} peers, ${RATE} edits/s each, ${SECONDS} s`, '')
  const A = out.tpApp; const J = out.tpJs
  if (!PARTS.has('3')) say(skipped, '')
  else if (!A || !J) say(`Not measured for ${[!A && 'Lernraum', !J && 'JavaScript'].filter(Boolean).join(' and ')} (see the failure below).`, '')
  if (A || J) {
    say(`${PEERS} pages of one kind in one browser, joined 0.3 s apart, full mesh (each waits for ${PEERS - 1} open`,
      `channels). Each peer then edits its own notes at ${RATE}/s (ticks at fixed times, the peers offset by`,
      `${f1(1000 / RATE / PEERS)} ms): every ${CREATE_EVERY}th edit makes a new note, the others alternate between typing one`,
      'character into it and moving it by 1. Lernraum is driven through its own input paths in the page:',
      'N then Enter (a note at the view centre with its text editor open), an `input` event on that',
      'text editor, ArrowRight; the JavaScript peers write the same changes to their Y.Doc. Converged:',
      'every peer shows the same elements with the same kind, position and text (a fingerprint of all',
      'of them). Time to converge: from the last edit of all peers to the last visible change at any',
      'peer (Lernraum: the frame painted with it; JavaScript: the doc update). Memory after a forced',
      'GC, summed over the peers: JS heap (DevTools), and for Lernraum the wasm linear memory',
      '(`__bench.wasmMemoryBytes()`), where its board model and scene live. CPU: the renderer',
      "processes' CPU time (DevTools `ProcessTime`) per second of the edit phase, summed; main thread:",
      'the wall time its tasks took (`TaskDuration`) per second, near 1 when the page never idles.', '')
    const v = (r, fn) => r ? fn(r) : '—'
    const ratio = (fn) => A && J ? f2(fn(A) / fn(J)) : '—'
    const tot = r => (r.memAfter.heap + r.memAfter.wasm)
    say('| | Lernraum | JavaScript | Lernraum ÷ JS |', '|---|---:|---:|---:|')
    say(`| open channels per peer (of ${PEERS - 1}) at the start / end | ${v(A, r => `${Math.min(...r.connections)}–${Math.max(...r.connections)} / ${Math.min(...r.peersAtEnd)}–${Math.max(...r.peersAtEnd)}`)} | ${v(J, r => `${Math.min(...r.connections)}–${Math.max(...r.connections)} / ${Math.min(...r.peersAtEnd)}–${Math.max(...r.peersAtEnd)}`)} | |`)
    say(`| edits made (planned) | ${v(A, r => `${n(r.edits)} (${n(r.expectedEdits)})`)} | ${v(J, r => `${n(r.edits)} (${n(r.expectedEdits)})`)} | |`)
    say(`| edits per peer per second achieved (÷ ${RATE}/s) | ${v(A, r => `${f1(r.achievedRate)} (${f2(r.achievedRate / RATE)})`)} | ${v(J, r => `${f1(r.achievedRate)} (${f2(r.achievedRate / RATE)})`)} | ${ratio(r => r.achievedRate)} |`)
    say(`| last edit behind its planned time, s | ${v(A, r => f1(Math.max(0, r.lateS)))} | ${v(J, r => f1(Math.max(0, r.lateS)))} | |`)
    say(`| renderer CPU, cores (sum of ${PEERS} pages) | ${v(A, r => f2(r.cpu))} | ${v(J, r => f2(r.cpu))} | ${ratio(r => r.cpu)} |`)
    say(`| renderer CPU per edit and peer (made or received), ms | ${v(A, r => f2(r.cpuSeconds * 1000 / (r.edits * PEERS)))} | ${v(J, r => f2(r.cpuSeconds * 1000 / (r.edits * PEERS)))} | ${ratio(r => r.cpuSeconds / r.edits)} |`)
    say(`| main thread in a task, share of the time (mean per page) | ${v(A, r => f2(r.task))} | ${v(J, r => f2(r.task))} | ${ratio(r => r.task)} |`)
    say(`| converged: same elements, positions and texts at all ${PEERS} | ${v(A, r => r.converged ? `yes, ${n(r.elements[0])} elements` : `**no**: ${r.distinct} different states`)} | ${v(J, r => r.converged ? `yes, ${n(r.elements[0])} elements` : `**no**: ${r.distinct} different states`)} | |`)
    say(`| time to converge after the last edit, ms | ${v(A, r => f0(r.convergeMs))} | ${v(J, r => f0(r.convergeMs))} | ${A?.converged && J?.converged ? f2(A.convergeMs / Math.max(J.convergeMs, 0.1)) : '—'} |`)
    say(`| JS heap before → after, MB | ${v(A, r => `${mb(r.memBefore.heap)} → ${mb(r.memAfter.heap)}`)} | ${v(J, r => `${mb(r.memBefore.heap)} → ${mb(r.memAfter.heap)}`)} | ${ratio(r => r.memAfter.heap)} |`)
    say(`| wasm memory before → after, MB | ${v(A, r => `${mb(r.memBefore.wasm)} → ${mb(r.memAfter.wasm)}`)} | — | |`)
    say(`| total after, MB per peer | ${v(A, r => mb(tot(r) / PEERS))} | ${v(J, r => mb(tot(r) / PEERS))} | ${ratio(tot)} |`)
    say('')
    if (A && A.fallbacks) say(`(${A.fallbacks} Lernraum text edits found no open text editor and moved the note instead.)`, '')
    const slow = [A && A.achievedRate < RATE * 0.95 && 'Lernraum', J && J.achievedRate < RATE * 0.95 && 'JavaScript'].filter(Boolean)
    if (slow.length) {
      say(`**Not at the full rate on this machine (${slow.join(' and ')}).** The ${PEERS} pages of one run share its`,
        `cores with the browser and the relay; ${slow.join(' and ')} pages could not run the edit timers on time`,
        `(renderers using ${slow.map(k => f2((k === 'Lernraum' ? A : J).cpu)).join(' and ')} cores in sum, main threads in a task ${slow.map(k => f2((k === 'Lernraum' ? A : J).task)).join(' and ')} of the time), so the edits came at the rate in`,
        'the table, over a longer time, not at the planned rate. Each Lernraum page applies every remote',
        `edit (${PEERS - 1} × ${RATE}/s) to its board model and scene and paints a frame for it; the JavaScript`,
        'pages only apply the update. Convergence and memory are measured all the same.', '')
    }
  }
  if (failed.length) say('**Failed:**', '', ...failed.map(f => `- ${f}`), '')
}
