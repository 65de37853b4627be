// Editor benchmarks on a mixed board of 10,000 elements (notes, rectangles, ellipses,
// arrows bound between notes, 1,000 ink strokes), in headless Chromium: pan frame times
// at the overview zoom (rAF deltas over 120 frames, as peer-bench measures them), the
// marquee's selection query per pointer move, and hit tests. Prints Markdown.
// The board is written with JavaScript Yjs and served by a y-websocket server.
import crypto from 'node:crypto'
import { launchBrowser, startServer } from '../e2e/harness.mjs'
import { startYServer, yClient } from '../e2e/yws.mjs'
import { fillMixed } from './boards.mjs'

const N = 10000
const dist = process.env.LERNRAUM_DIST

const yserver = await startYServer()
const site = await startServer(dist)
const browser = await launchBrowser()
let result
try {
  const room = crypto.randomBytes(12).toString('base64url')
  const key = crypto.randomBytes(16).toString('base64url')
  const client = yClient(yserver.url, room)
  const counts = fillMixed(client.doc, N)
  await client.whenSynced(60000)
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(`${site.url ?? site.base}/?lang=en&ws=${encodeURIComponent(yserver.url)}&bench=${N}#room=${room}&key=${key}`)
  await page.waitForFunction(() => window.__benchReady === true, null, { timeout: 120000 })
  await page.waitForTimeout(1000)
  // Pan at the overview zoom: one view change per animation frame, rAF deltas recorded.
  const pan = await page.evaluate(async () => {
    const b = window.__bench
    b.setView({ x: -5000, y: -5000, z: 0.1 })
    // Frame times are deltas of the rAF timestamps (the frame's start), as peer-bench
    // takes them; performance.now() after an await would add the scheduling jitter of
    // the callback within its frame.
    const frame = () => new Promise(r => requestAnimationFrame(r))
    await frame()
    // Baseline from the same page and run: idle frames, no view change.
    const idle = []
    let prev = await frame()
    for (let i = 0; i < 120; i++) { const t = await frame(); idle.push(t - prev); prev = t }
    idle.sort((a, b) => a - b)
    const deltas = []
    let last = await frame()
    for (let i = 0; i < 120; i++) {
      const v = b.getView()
      const step = [[0, 40], [40, 0], [0, -40], [-40, 0]][Math.floor(i / 5) % 4]
      b.setView({ x: v.x + step[0] / v.z, y: v.y + step[1] / v.z, z: v.z })
      const t = await frame()
      deltas.push(t - last); last = t
    }
    deltas.sort((a, b) => a - b)
    return {
      p50: deltas[Math.floor(deltas.length * 0.5)],
      p95: deltas[Math.floor(deltas.length * 0.95)],
      over20: deltas.filter(d => d > 20).length,
      frames: deltas.length,
      max: deltas[deltas.length - 1],
      over17: deltas.filter(d => d > 17).length,
      mean: deltas.reduce((a, b) => a + b, 0) / deltas.length,
      idleP95: idle[Math.floor(idle.length * 0.95)],
      idleMean: idle.reduce((a, b) => a + b, 0) / idle.length
    }
  })
  const micro = await page.evaluate(() => window.__bench.editorBench())
  // Main-thread time of one full repaint at the overview, median of 30.
  micro.paintMs = await page.evaluate(() => {
    window.__bench.setView({ x: -5000, y: -5000, z: 0.1 })
    const ts = []
    for (let i = 0; i < 30; i++) { const t = performance.now(); window.__lernraum.frame(); ts.push(performance.now() - t) }
    ts.sort((a, b) => a - b)
    return ts[15]
  })
  result = { pan, micro, counts }
  client.close()
} finally {
  await browser.close()
  await site.close?.()
  await yserver.stop()
}
const f = v => v.toFixed(v < 1 ? 3 : v < 20 ? 2 : 1)
console.log('## Editor, mixed board of 10,000 elements\n')
const c = result.counts
const n = k => (c[k] ?? 0).toLocaleString('en')
console.log(`${n('note')} notes, ${n('rect')} rectangles, ${n('ellipse')} ellipses, ${n('arrow')} arrows bound between them and ${n('ink')} ink strokes, in`)
console.log('headless Chromium (software raster). Pan: one view change per frame at zoom 0.1, deltas of')
console.log('the rAF timestamps of 120 frames, as peer-bench takes them (rounded to 0.1 ms: a frame on time reads\n16.6–16.8 ms, a missed vsync 33.3 ms), next to 120 idle frames of the same page in the same run. Marquee: the selection query for')
console.log('a marquee growing over the whole board, per pointer move. Hit test: a random point.\n')
console.log('| measure | Lernraum | target | ÷ target |')
console.log('|---|---:|---:|---:|')
// One 60 Hz period is 16.67 ms; rAF timestamps are rounded to 0.1 ms, so a frame on time
// reads 16.6, 16.7 or 16.8 ms (the idle frames of the same page show it). A frame that
// missed a vsync reads 33.3 ms or more.
console.log(`| idle frames p95 / mean, ms (baseline, same page and run) | ${f(result.pan.idleP95)} / ${f(result.pan.idleMean)} | — | — |`)
console.log(`| pan p50 / p95 / mean, ms | ${f(result.pan.p50)} / ${f(result.pan.p95)} / ${f(result.pan.mean)} | ≤ 16.7 (one 60 Hz period) | p95 ÷ idle p95: ${(result.pan.p95 / result.pan.idleP95).toFixed(2)} |`)
console.log(`| pan frames longer than one period (over 17.0 ms), max ms | ${result.pan.over17} of ${result.pan.frames}, max ${f(result.pan.max)} | 0 | — |`)
console.log(`| repaint at the overview, main-thread ms (median) | ${f(result.micro.paintMs)} | < 16.7 | ${(result.micro.paintMs / 16.7).toFixed(2)} |`)
console.log(`| marquee, ms per pointer move | ${f(result.micro.marqueeMs)} | ≤ 2 | ${(result.micro.marqueeMs / 2).toFixed(2)} |`)
console.log(`| hit test, ms | ${f(result.micro.hitMs)} | ≤ 0.1 | ${(result.micro.hitMs / 0.1).toFixed(2)} |`)
console.log()
