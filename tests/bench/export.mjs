// Export benchmarks in headless Chromium, through the Export dialog's own code path
// (`__bench.exportBench()`): PNG at 2× of a 1,000-element board, SVG of a 10,000-element
// board, and saving and opening the `.lernraum` file of 10,000 elements. Prints Markdown.
import crypto from 'node:crypto'
import { launchBrowser, startServer } from '../e2e/harness.mjs'
import { startYServer, yClient } from '../e2e/yws.mjs'
import { fillMixed } from './boards.mjs'

const dist = process.env.LERNRAUM_DIST
const RUNS = 3

async function measure (browser, site, yserver, n, layout) {
  const room = crypto.randomBytes(12).toString('base64url')
  const key = crypto.randomBytes(16).toString('base64url')
  const client = yClient(yserver.url, room)
  fillMixed(client.doc, n, layout)
  await client.whenSynced(60000)
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  try {
    await page.goto(`${site.url ?? site.base}/?lang=en&ws=${encodeURIComponent(yserver.url)}&bench=${n}#room=${room}&key=${key}`)
    await page.waitForFunction(() => window.__benchReady === true, null, { timeout: 120000 })
    await page.waitForTimeout(500)
    const runs = []
    for (let i = 0; i < RUNS; i++) runs.push(await page.evaluate(() => window.__bench.exportBench()))
    // Median of each figure.
    const med = k => runs.map(r => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)]
    return Object.fromEntries(Object.keys(runs[0]).map(k => [k, med(k)]))
  } finally {
    await page.close()
    client.close()
  }
}

const yserver = await startYServer()
const site = await startServer(dist)
const browser = await launchBrowser()
let small, large
try {
  // 1,000 elements of 100 units, 120 apart: a 3,840-unit square, 7,680 px at 2×.
  small = await measure(browser, site, yserver, 1000, { pitch: 120, size: 100 })
  large = await measure(browser, site, yserver, 10000, {})
} finally {
  await browser.close()
  await site.close?.()
  await yserver.stop()
}
const ms = v => v.toFixed(0)
const kb = v => (v / 1024).toFixed(0)
console.log('## Export\n')
console.log(`Median of ${RUNS} runs in headless Chromium (software raster), through the Export dialog's`)
console.log('code: a snapshot of the board, drawing with the screen\'s draw code, the browser\'s PNG')
console.log('encoder, and the board data embedded (zTXt). Boards as in "Editor, mixed board".')
console.log('Opening = reading and checking the file into a new board and building its scene.\n')
console.log('| measure | Lernraum | target | ÷ target | size |')
console.log('|---|---:|---:|---:|---:|')
console.log(`| PNG, 1,000 elements at ${small.pngScale.toFixed(2)}×, ms | ${ms(small.pngMs)} | ≤ 1,500 | ${(small.pngMs / 1500).toFixed(2)} | ${kb(small.pngBytes)} KB |`)
console.log(`| SVG, 10,000 elements, ms | ${ms(large.svgMs)} | ≤ 1,000 | ${(large.svgMs / 1000).toFixed(2)} | ${kb(large.svgBytes)} KB |`)
console.log(`| .lernraum save, 10,000 elements, ms | ${ms(large.saveMs)} | ≤ 300 | ${(large.saveMs / 300).toFixed(2)} | ${kb(large.fileBytes)} KB |`)
console.log(`| .lernraum open, 10,000 elements, ms | ${ms(large.openMs)} | ≤ 300 | ${(large.openMs / 300).toFixed(2)} | ${large.openedElements} elements |`)
console.log(`| PNG, 10,000 elements (whole board, scaled to ${large.pngScale.toFixed(2)}× to fit the canvas limit), ms | ${ms(large.pngMs)} | — | — | ${kb(large.pngBytes)} KB |`)
console.log()
