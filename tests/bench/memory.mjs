// Memory of a loaded board: the JS heap (as peer-bench reads it) plus the wasm linear
// memory, where the board model, scene index and caches live. Uses the peer-bench
// harness's y-websocket server and pre-fill (copied into target/peer-bench by
// `cargo xtask bench`). Prints Markdown.
import path from 'node:path'

const harness = process.argv[2]
const dist = process.env.LERNRAUM_DIST
const { startYWebsocketServer } = await import(path.join(harness, 'yjs/server.mjs'))
const { prefillRoom } = await import(path.join(harness, 'yjs/prefill.mjs'))
const { startStatic } = await import(path.join(harness, 'lib/static.mjs'))
const { launch } = await import(path.join(harness, 'lib/browser.mjs'))
const crypto = await import('node:crypto')

const server = await startYWebsocketServer({})
const site = await startStatic(dist)
const { browser } = await launch()
const rows = []
try {
  for (const n of [1000, 10000]) {
    const room = crypto.randomBytes(12).toString('base64url')
    const key = crypto.randomBytes(16).toString('base64url')
    await prefillRoom({ url: server.url, room, n })
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const base = site.base
    await page.goto(`${base}/?ws=${encodeURIComponent(server.url)}&bench=${n}#room=${room}&key=${key}`)
    await page.waitForFunction(() => window.__benchReady === true, null, { timeout: 120000 })
    await page.waitForTimeout(1000)
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    await cdp.send('HeapProfiler.collectGarbage')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const js = (metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1048576
    const wasm = (await page.evaluate(() => window.__bench.wasmMemoryBytes())) / 1048576
    rows.push([n, js, wasm])
    await page.close()
  }
} finally {
  await browser.close()
  await site.close()
  server.stop()
}
console.log('## Memory after load\n')
console.log('JS heap after a forced GC (as peer-bench reads it) plus the wasm linear memory, which')
console.log('holds the board model, scene index and caches. Goal: ≤ 30 MB together at 10,000 notes.\n')
console.log('| N | JS heap MB | wasm memory MB | total MB | ÷ 30 MB goal |')
console.log('|---:|---:|---:|---:|---:|')
for (const [n, js, wasm] of rows) {
  console.log(`| ${n.toLocaleString('en')} | ${js.toFixed(1)} | ${wasm.toFixed(1)} | ${(js + wasm).toFixed(1)} | ${((js + wasm) / 30).toFixed(2)} |`)
}
console.log()
