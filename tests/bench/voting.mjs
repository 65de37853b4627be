// Dot voting with 130 candidate notes in a frame (issue "Facilitation": it "works smoothly
// with 130+ candidate notes in a frame"), in headless Chromium through the app's own UI:
// a moderator page and participant pages, each in a browser context of its own, syncing
// through a y-websocket server; the frame and its notes are written into the room by a
// JavaScript Yjs client. Each figure is set against a baseline from the same run: click →
// next frame placing a dot vs selecting a note; pan frames with the dots shown vs the same
// pan before the round and idle frames; closing a round of 8 voters vs a round of 1.
// Prints Markdown. Timings are written down, never judged: the script fails (non-zero,
// with a message) only when the app does not do what the measure needs.
import crypto from 'node:crypto'
import { launchBrowser, startServer, collectErrors, pixelAt, eventually } from '../e2e/harness.mjs'
import { BoardPage, participantLink } from '../e2e/board-page.mjs'
import { startYServer, yClient, Y } from '../e2e/yws.mjs'

const dist = process.env.LERNRAUM_DIST
const NOTES = 130
const COLS = 13 // 13 × 10 notes of 200 units, 240 apart, in one frame
const CLICKS = 30 // clicks per latency sample, each on a different note
const PAN_FRAMES = 120
const VOTERS = 8 // the measured participant plus 7 more, each in a browser context of its own
const VIEWPORT = { width: 1280, height: 800 }
const DEADLINE_MS = 8 * 60_000

// Realistic candidates: what a team collects in a workshop on its way of working.
const MEASURES = [
  'Feste Fokuszeit ohne Meetings am Vormittag',
  'Onboarding-Leitfaden für neue Kolleginnen und Kollegen',
  'Wöchentliche Retrospektive statt monatlicher',
  'Entscheidungen im Wiki dokumentieren',
  'Rufbereitschaft fairer verteilen',
  'Gemeinsames Frühstück einmal im Monat',
  'Code-Reviews innerhalb von 24 Stunden',
  'Ticketvorlagen mit Akzeptanzkriterien',
  'Weniger parallele Projekte pro Person',
  'Quartalsziele gemeinsam festlegen',
  'Feedbackgespräche zweimal im Jahr',
  'Homeoffice-Regelung klarer fassen',
  'Lernzeit von 10 % fest einplanen',
  'Übergaben bei Urlaub mit Checkliste',
  'Kundentermine im Team-Kalender sichtbar machen',
  'Stand-up auf 15 Minuten begrenzen',
  'Barrierefreie Vorlagen für Präsentationen',
  'Einarbeitung mit Patenschaft',
  'Dokumentation vor dem Release prüfen',
  'Kommunikationskanäle reduzieren',
  'Budget für Weiterbildung transparent machen',
  'Meetings mit Agenda und Protokoll',
  'Testabdeckung für kritische Module erhöhen',
  'Sprechstunde der Teamleitung einführen',
  'Ergonomische Arbeitsplätze prüfen lassen',
  'Erfolge im Team sichtbar feiern',
]
const WHERE = ['im ganzen Team', 'ab dem nächsten Quartal', 'als Pilot für drei Monate', 'mit klarer Verantwortung', 'für alle Standorte']
const measureText = (i) => `Maßnahme ${i + 1}: ${MEASURES[i % MEASURES.length]} ${WHERE[Math.floor(i / MEASURES.length) % WHERE.length]}`

// A random id of 21 characters from [A-Za-z0-9_-], as the schema's element keys.
const newId = () => crypto.randomBytes(16).toString('base64url').slice(0, 21)

/** One frame holding `NOTES` notes (each with `parent`), written in one transaction. */
function fillFrame (doc) {
  const els = doc.getMap('elements')
  const frameId = newId()
  const rows = Math.ceil(NOTES / COLS)
  const notes = []
  doc.transact(() => {
    const f = new Y.Map()
    els.set(frameId, f)
    f.set('kind', 'frame'); f.set('x', 0); f.set('y', 0)
    f.set('w', 40 + COLS * 240); f.set('h', 40 + rows * 240)
    f.set('z', 'a0'); f.set('color', 'white')
    const ft = new Y.Text(); f.set('text', ft); ft.insert(0, 'Maßnahmen zur Zusammenarbeit')
    for (let i = 0; i < NOTES; i++) {
      const id = newId()
      const el = new Y.Map()
      els.set(id, el)
      el.set('kind', 'note')
      el.set('x', 40 + (i % COLS) * 240); el.set('y', 40 + Math.floor(i / COLS) * 240)
      el.set('w', 200); el.set('h', 200)
      el.set('z', `a1${String(i).padStart(4, '0')}`)
      el.set('color', ['yellow', 'green', 'blue', 'pink'][i % 4])
      el.set('parent', frameId)
      const t = new Y.Text(); el.set('text', t); t.insert(0, measureText(i))
      notes.push(id)
    }
  })
  return { frameId, notes }
}

// In every page, before the app starts: when the app paints its canvas (its draw code
// sets the transform a few times per paint, all in one task), and the click probe below.
function probe () {
  const proto = CanvasRenderingContext2D.prototype
  const setTransform = proto.setTransform
  const paints = [] // {start, end}: first transform set, end of that task; the last 50
  let open = null
  proto.setTransform = function (...args) {
    if (!open && this.canvas && this.canvas.isConnected) {
      open = { start: performance.now(), end: 0 }
      queueMicrotask(() => {
        open.end = performance.now()
        paints.push(open)
        if (paints.length > 50) paints.shift()
        open = null
      })
    }
    return setTransform.apply(this, args)
  }
  // After the app has handled each y-websocket message (it applies updates there).
  const afterMessage = new Set()
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get () { return onmessage.get.call(this) },
    set (fn) {
      onmessage.set.call(this, typeof fn !== 'function' ? fn : function (ev) {
        try { return fn.call(this, ev) } finally { for (const f of afterMessage) f() }
      })
    },
  })
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
  // The first paint that starts after `since` (performance.now() ms), once it has ended,
  // and the rAF timestamp of the first frame that starts after it: {ts, paintEnd}.
  async function nextFrameAfterPaint (since, timeout = 10000) {
    for (;;) {
      const ts = await frame()
      const p = paints.find((p) => p.start > since)
      if (p && ts > p.end) return { ts, paintEnd: p.end }
      if (performance.now() - since > timeout) throw new Error(`no paint within ${timeout} ms`)
    }
  }
  let armed = null
  // Capture phase on window: runs before any of the app's handlers.
  addEventListener('pointerdown', (e) => {
    if (!armed) return
    const done = armed
    armed = null
    const down = e.timeStamp
    nextFrameAfterPaint(performance.now()).then(
      ({ ts, paintEnd }) => done({ ms: ts - down, paintedMs: paintEnd - down }),
      (err) => done({ error: String(err) }),
    )
  }, { capture: true })
  window.__vb = {
    frame,
    nextFrameAfterPaint,
    afterMessage,
    // Arm for the next pointerdown; `result` resolves with {ms, paintedMs}.
    arm () { this.result = new Promise((resolve) => { armed = resolve }) },
  }
}

const pages = []
function checkPages () {
  for (const p of pages) p.errors.assertNoFatal(p.what)
}

async function openPage (browser, url, what) {
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.addInitScript(probe)
  const page = await context.newPage()
  page.errors = collectErrors(page)
  page.what = what
  pages.push(page)
  const board = new BoardPage(page, { lang: 'en' })
  await page.goto(url)
  await board.waitReady(30_000)
  return { context, page, board }
}

/** Zoom to fit (Shift+1) and wait until the view has settled. */
async function fit (b) {
  await b.press('Shift+1')
  let last = ''
  await eventually(async () => {
    const v = JSON.stringify(await b.view())
    const same = v === last
    last = v
    if (!same) { await b.page.waitForTimeout(150); return false }
    return true
  }, { timeout: 10_000, message: 'the view to settle after zoom to fit', check: checkPages })
}

const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * q))] }

/**
 * Click the centres of `ids` one after the other and take, for each, click → first frame
 * after the app's paint; `check(i)` confirms afterwards that the click did what it should.
 */
async function clickLatency (b, ids, check) {
  const ms = []
  const painted = []
  for (let i = 0; i < ids.length; i++) {
    const r = await b.screenRect(ids[i])
    await b.assertBoardAt(r.cx, r.cy)
    // Move first, so the click's own move (a presence update) is not in the sample.
    await b.page.mouse.move(r.cx, r.cy)
    await b.page.evaluate(async () => { await window.__vb.frame(); await window.__vb.frame() })
    await b.page.evaluate(() => window.__vb.arm())
    await b.page.mouse.down()
    await b.page.mouse.up()
    const res = await b.page.evaluate(() => window.__vb.result)
    if (res.error) throw new Error(`click ${i + 1} on a note: ${res.error}`)
    ms.push(res.ms)
    painted.push(res.paintedMs)
    await check(i)
    checkPages()
    // Well apart, so no two clicks make a double click.
    await b.page.waitForTimeout(350)
  }
  return { p50: pct(ms, 0.5), p95: pct(ms, 0.95), paintedP50: pct(painted, 0.5), paintedP95: pct(painted, 0.95) }
}

/** Idle frames, then pan frames (one view change per frame), as tests/bench/editor.mjs. */
async function panFrames (page) {
  return page.evaluate(async (PAN_FRAMES) => {
    const b = window.__bench
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
    const start = b.getView()
    await frame()
    const idle = []
    let prev = await frame()
    for (let i = 0; i < 60; i++) { const t = await frame(); idle.push(t - prev); prev = t }
    const deltas = []
    let last = await frame()
    for (let i = 0; i < PAN_FRAMES; i++) {
      const v = b.getView()
      const step = [[0, 40], [40, 0], [0, -40], [-40, 0]][Math.floor(i / 5) % 4]
      b.setView({ x: v.x + step[0] / v.z, y: v.y + step[1] / v.z, z: v.z })
      const t = await frame()
      deltas.push(t - last); last = t
    }
    b.setView(start)
    await frame()
    const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }
    return {
      idleP95: q(idle, 0.95),
      p50: q(deltas, 0.5),
      p95: q(deltas, 0.95),
      over20: deltas.filter((d) => d > 20).length,
      max: Math.max(...deltas),
      frames: deltas.length,
    }
  }, PAN_FRAMES)
}

// The "Votes left: N" status, as voting.spec.mjs finds it.
const votesLeftStatus = (page) => page.getByRole('status').filter({ hasText: 'Votes left' })
const votesLeft = async (page) => (await votesLeftStatus(page).textContent()) ?? ''
async function waitVotesLeft (page, n, what) {
  await eventually(async () => {
    const status = votesLeftStatus(page)
    const t = (await status.count()) === 1 && (await status.isVisible()) ? await votesLeft(page) : ''
    if (!t.includes(`Votes left: ${n}`)) throw new Error(`the status reads ${JSON.stringify(t)}`)
  }, { timeout: 15_000, message: `${what} to read "Votes left: ${n}"`, check: checkPages })
}

/** The moderator starts a round on the frame, several dots per element allowed. */
async function startRound (mod, perPerson) {
  await mod.page.getByRole('button', { name: 'Start voting', exact: true }).click()
  const dlg = mod.page.getByRole('dialog', { name: 'Start voting' })
  await dlg.getByLabel('Votes per person').fill(String(perPerson))
  await dlg.getByRole('radio', { name: 'Frame', exact: true }).check()
  await dlg.getByRole('checkbox', { name: 'Several dots on one element' }).check()
  await dlg.getByRole('button', { name: 'Start voting', exact: true }).click()
  await dlg.waitFor({ state: 'hidden' })
}

/**
 * The moderator clicks "End voting"; in the page, from that pointerdown: the first frame
 * after the paint that follows the arrival of all `ballots` (totals drawn), then the
 * Results panel opened at once and listing `rows` items. Returns ms from the click.
 */
async function closeRound (mod, ballots, rows) {
  await mod.page.evaluate(({ ballots, rows }) => {
    const vb = window.__vb
    // Entries of earlier rounds stay in the document: count the new ones.
    const expected = window.__lernraum.ballots() + ballots
    vb.close = new Promise((resolve) => {
      addEventListener('pointerdown', (e) => {
        const down = e.timeStamp
        const t0 = performance.now()
        ;(async () => {
          const out = {}
          const limit = t0 + 20000
          // Totals: every ballot in the moderator's document (the end of the message task
          // that brought the last one), then the first frame after the next paint.
          let allIn = window.__lernraum.ballots() >= expected ? performance.now() : 0
          const watch = () => { if (!allIn && window.__lernraum.ballots() >= expected) allIn = performance.now() }
          vb.afterMessage.add(watch)
          try {
            while (!allIn) {
              await vb.frame()
              if (performance.now() > limit) throw new Error(`${window.__lernraum.ballots()} of ${expected} ballot entries after 20 s`)
            }
          } finally {
            vb.afterMessage.delete(watch)
          }
          out.ballotsMs = allIn - down
          out.totalsMs = (await vb.nextFrameAfterPaint(allIn)).ts - down
          // The Results button, then the panel listing the ranked rows.
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Results' && !b.hidden)
          if (!button) throw new Error('no Results button after the round closed')
          const clicked = performance.now()
          button.click()
          const current = () => [...document.querySelectorAll('[role=dialog] ol.results')].find((ol) => !ol.closest('details'))
          for (;;) {
            const items = current()?.querySelectorAll('li') ?? []
            if (items.length >= rows) break
            await vb.frame()
            if (performance.now() > limit) throw new Error(`the Results panel lists ${items.length} of ${rows} rows after 20 s`)
          }
          const listed = await vb.frame()
          out.resultsMs = listed - down
          out.panelMs = listed - clicked
          return out
        })().then(resolve, (err) => resolve({ error: String(err.message || err) }))
      }, { capture: true, once: true })
    })
  }, { ballots, rows })
  await mod.page.getByRole('button', { name: 'End voting', exact: true }).click()
  const res = await mod.page.evaluate(() => window.__vb.close)
  if (res.error) throw new Error(`closing the round: ${res.error}`)
  checkPages()
  // What the panel lists: ranks and votes, most votes first.
  const listed = await mod.page.evaluate(() => [...[...document.querySelectorAll('[role=dialog] ol.results')].find((ol) => !ol.closest('details')).querySelectorAll('li')].map((li) => ({
    rank: li.value, votes: Number(li.querySelector('.votes')?.textContent), text: li.querySelector('.text')?.textContent ?? '',
  })))
  res.rows = listed.length
  if (listed.length !== rows) throw new Error(`the Results panel lists ${listed.length} rows, not ${rows}`)
  for (let i = 1; i < listed.length; i++) {
    if (listed[i].votes > listed[i - 1].votes) throw new Error(`the Results panel is not sorted: ${JSON.stringify(listed.slice(i - 1, i + 1))}`)
  }
  // Standard competition ranking: ties share a rank, the next rank skips.
  listed.forEach((row, i) => {
    const want = i > 0 && row.votes === listed[i - 1].votes ? listed[i - 1].rank : i + 1
    if (row.rank !== want) throw new Error(`row ${i + 1} of the Results panel has rank ${row.rank}, not ${want}`)
  })
  res.top = listed[0]
  res.listed = listed
  await mod.page.keyboard.press('Escape')
  await mod.page.getByRole('dialog', { name: 'Results' }).waitFor({ state: 'hidden' })
  return res
}

/** The colour at a board point of `b`'s page. */
async function colourAt (b, x, y) {
  const p = await b.toScreen(x, y)
  return pixelAt(b.page, p.x, p.y)
}
const near = (c, hex) => {
  const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  return Math.abs(c.r - r) + Math.abs(c.g - g) + Math.abs(c.b - bl) < 60
}

// What runs, for the clean-up (also when the deadline passes).
const running = {}
async function cleanUp () {
  const { client, browser, site, yserver } = running
  for (const k of Object.keys(running)) delete running[k]
  client?.close()
  await browser?.close().catch(() => {})
  await site?.close()
  await yserver?.stop()
}

async function main () {
  if (!dist) throw new Error('LERNRAUM_DIST is not set (the built app to serve)')
  const yserver = running.yserver = await startYServer()
  const site = running.site = await startServer(dist)
  const browser = running.browser = await launchBrowser()
  const base = site.url
  const ws = encodeURIComponent(yserver.url)
  // `bench` gives `__bench.setView` for the pan; the frame plus its notes.
  const mod = await openPage(browser, `${base}/?lang=en&ws=${ws}&bench=${NOTES + 1}`, 'the moderator page')
  await mod.board.waitConnection('synced', { timeout: 20_000 })
  const { room } = mod.board.fragment()
  if (!mod.board.fragment().mod) throw new Error(`the new board's link has no moderator secret: ${mod.page.url()}`)
  const client = running.client = yClient(yserver.url, room)
  await client.whenSynced(20_000)
  const { frameId, notes } = fillFrame(client.doc)
  await mod.page.waitForFunction(() => window.__benchReady === true, null, { timeout: 60_000 })
  checkPages()
  const link = participantLink(mod.page.url())
  const part = await openPage(browser, link, 'the participant page')
  await part.page.waitForFunction(() => window.__benchReady === true, null, { timeout: 60_000 })
  // Let both pages store the board and settle before anything is timed.
  await mod.board.whenSaved()
  await part.board.whenSaved()
  await part.page.waitForTimeout(1000)
  const els = await part.board.elements()
  const inFrame = els.filter((e) => e.kind === 'note' && e.parent === frameId).length
  if (inFrame !== NOTES) throw new Error(`the participant sees ${inFrame} notes in the frame, not ${NOTES}`)
  await fit(part.board)
  await fit(mod.board)
  const zoom = (await part.board.view()).z

  // The notes clicked: 30 spread over the frame, every fourth.
  const picks = Array.from({ length: CLICKS }, (_, i) => notes[(i * 4 + 1) % NOTES])

  // 1. Baseline: selecting notes, no round.
  const select = await clickLatency(part.board, picks, async (i) => {
    const sel = await part.board.selection()
    if (sel.length !== 1 || sel[0] !== picks[i]) throw new Error(`click ${i + 1} selected ${JSON.stringify(sel)}, not the note`)
  })
  await part.board.press('Escape')
  const panPlain = await panFrames(part.page)

  // 2. A round on the frame, several dots per element: every click places a dot.
  const budget1 = CLICKS + 10
  await startRound(mod, budget1)
  await waitVotesLeft(part.page, budget1, 'the participant\'s badge')
  await part.page.waitForTimeout(500)
  const vote = await clickLatency(part.board, picks, async (i) => {
    const t = await votesLeft(part.page)
    if (!t.includes(`Votes left: ${budget1 - i - 1}`)) throw new Error(`after vote ${i + 1} the badge reads ${JSON.stringify(t)}`)
  })
  if ((await part.board.selection()).length) throw new Error('voting clicks selected notes')
  // The dot is on the canvas (the app's red, top right of the note).
  const first = els.find((e) => e.id === picks[0])
  const r = Math.max(9 / zoom, 9)
  const dot = await colourAt(part.board, first.x + first.w - r * 0.4, first.y + r * 0.4)
  if (!near(dot, '#c92a2a')) throw new Error(`no red dot on the voted note: ${JSON.stringify(dot)}`)
  const panDots = await panFrames(part.page)

  // 3. Closing with one voter (baseline): 30 ballot entries in one ballot.
  const close1 = await closeRound(mod, 1, CLICKS)
  const totalDot = await colourAt(mod.board, first.x + first.w - r * 0.4, first.y + r * 0.4 + r * 0.9)
  if (!near(totalDot, '#1864ab')) throw new Error(`no totals badge on a voted note at the moderator: ${JSON.stringify(totalDot)}`)

  // 4. Seven more voters, then a round of 3 votes each.
  const others = []
  for (let k = 1; k < VOTERS; k++) {
    const o = await openPage(browser, link, `voter page ${k + 1}`)
    await o.page.waitForFunction(() => window.__benchReady === true, null, { timeout: 60_000 })
    await fit(o.board)
    others.push(o)
  }
  await startRound(mod, 10)
  // Everyone puts a dot on note 3; the rest differ, so ranks and ties show.
  const ballotsOf = [[notes[2], notes[0], notes[4]]]
  for (let k = 1; k < VOTERS; k++) ballotsOf.push([notes[2], notes[(10 + 4 * k) % NOTES], notes[(11 + 4 * k) % NOTES]])
  const voters = [part, ...others]
  for (const [k, v] of voters.entries()) {
    await waitVotesLeft(v.page, 10, `voter ${k + 1}'s badge`)
    for (const id of ballotsOf[k]) {
      await v.board.clickElement(id)
      await v.page.waitForTimeout(300)
    }
    await waitVotesLeft(v.page, 7, `voter ${k + 1}'s badge after 3 votes`)
  }
  const rows8 = new Set(ballotsOf.flat()).size
  const close8 = await closeRound(mod, VOTERS, rows8)
  if (close8.top.votes !== VOTERS || !close8.top.text.startsWith('Maßnahme 3:')) {
    throw new Error(`the top result is ${JSON.stringify(close8.top)}, not "Maßnahme 3" with ${VOTERS} votes`)
  }
  const top = els.find((e) => e.id === notes[2])
  const total = await colourAt(mod.board, top.x + top.w - r * 0.4, top.y + r * 0.4 + r * 0.9)
  if (!near(total, '#1864ab')) throw new Error(`no totals badge on the top note at the moderator: ${JSON.stringify(total)}`)
  checkPages()
  return { select, vote, panPlain, panDots, close1, close8, zoom }
}

const deadline = setTimeout(async () => {
  console.error(`voting bench: not done after ${DEADLINE_MS / 60000} minutes, stopping`)
  await Promise.race([cleanUp(), new Promise((resolve) => setTimeout(resolve, 15_000))])
  process.exit(1)
}, DEADLINE_MS)

let res
try {
  res = await main()
} catch (e) {
  console.error(`voting bench failed: ${e.stack || e}`)
  for (const p of pages) {
    const log = p.errors.log.slice(-10)
    if (log.length) console.error(`--- ${p.what}, last console lines:\n${log.join('\n')}`)
  }
  process.exitCode = 1
} finally {
  await cleanUp()
  clearTimeout(deadline)
}
// Console errors that did not stop the measure, for whoever reads the log (the static
// server refuses the default WebRTC signaling at /signal: expected, left out).
for (const p of pages) {
  const errors = p.errors.consoleErrors.filter((e) => !/\/signal' failed/.test(e))
  if (errors.length) console.error(`${p.what}: console errors:\n  ${errors.slice(-5).join('\n  ')}`)
}
if (process.exitCode) process.exit()

const f = (v) => v.toFixed(v < 20 ? 1 : 0)
const ratio = (a, b) => (a / b).toFixed(2)
const { select, vote, panPlain, panDots, close1, close8 } = res
// The 60 Hz floor as this browser delivers it: idle frames of the same page, just before.
const floor = (p) => Math.max(16.7, p.idleP95)
console.log(`## Dot voting, ${NOTES} candidates in a frame\n`)
console.log(`One frame of ${NOTES} notes ("Maßnahme 17: …", 13 × 10) at zoom to fit (${res.zoom.toFixed(2)}), in headless Chromium`)
console.log(`(software raster, 1280×800); the moderator and ${VOTERS} participants each in a browser context of its own, syncing`)
console.log('through a y-websocket server, all on this machine\'s cores. Click: a participant clicks the centres of')
console.log(`${CLICKS} different notes, from the pointerdown's timestamp to the rAF timestamp of the first frame after the app's`)
console.log('canvas paint (in brackets: to the end of that paint); baseline = the same clicks selecting the notes, no round.')
console.log(`Voting clicks: a round on the frame, several dots per element, ${CLICKS + 10} votes per person so that every click`)
console.log(`places a dot. Pan: one view change per frame, ${PAN_FRAMES} rAF deltas, with the ${CLICKS} dots shown, against the same`)
console.log('pan before the round and the page\'s idle frames. Closing: from the moderator\'s pointerdown on "End voting" to')
console.log('the first frame after the totals are painted (every ballot in the moderator\'s document), and to the Results')
console.log('panel, opened then (after every ballot is in, so that all runs list the same rows), listing its rows: only')
console.log(`elements with votes, ranked. ${VOTERS} voters × 3 votes (${close8.rows} rows) against the first round, 1 voter with ${CLICKS} dots (${close1.rows} rows).\n`)
console.log('| measure | ms: p50 / p95 | baseline (same run) | ÷ baseline |')
console.log('|---|---:|---|---:|')
console.log(`| click → next frame, select a note, no round (baseline) | ${f(select.p50)} / ${f(select.p95)} (${f(select.paintedP50)} / ${f(select.paintedP95)}) | — | — |`)
console.log(`| click → next frame, place a dot | ${f(vote.p50)} / ${f(vote.p95)} (${f(vote.paintedP50)} / ${f(vote.paintedP95)}) | select | ${ratio(vote.p50, select.p50)} / ${ratio(vote.p95, select.p95)} |`)
console.log(`| idle frames p95, before the round / with the dots (baseline) | ${f(panPlain.idleP95)} / ${f(panDots.idleP95)} | — | — |`)
console.log(`| pan, no round; frames over 20 ms: ${panPlain.over20} of ${panPlain.frames}, max ${f(panPlain.max)} | ${f(panPlain.p50)} / ${f(panPlain.p95)} | idle frames | ${ratio(panPlain.p95, floor(panPlain))} |`)
console.log(`| pan, ${CLICKS} dots shown; frames over 20 ms: ${panDots.over20} of ${panDots.frames}, max ${f(panDots.max)} | ${f(panDots.p50)} / ${f(panDots.p95)} | idle frames; pan, no round | ${ratio(panDots.p95, floor(panDots))}; ${ratio(panDots.p95, panPlain.p95)} |`)
console.log(`| close, 1 voter: End voting → totals painted (baseline; in brackets: its ballot in) | ${f(close1.totalsMs)} (${f(close1.ballotsMs)}) | — | — |`)
console.log(`| close, ${VOTERS} voters: End voting → totals painted (in brackets: the last ballot in) | ${f(close8.totalsMs)} (${f(close8.ballotsMs)}) | 1 voter | ${ratio(close8.totalsMs, close1.totalsMs)} |`)
console.log(`| close, 1 voter: End voting → Results lists ${close1.rows} rows (baseline; in brackets from the Results click) | ${f(close1.resultsMs)} (${f(close1.panelMs)}) | — | — |`)
console.log(`| close, ${VOTERS} voters: End voting → Results lists ${close8.rows} rows (from the Results click) | ${f(close8.resultsMs)} (${f(close8.panelMs)}) | 1 voter | ${ratio(close8.resultsMs, close1.resultsMs)} (${ratio(close8.panelMs, close1.panelMs)}) |`)
console.log()
