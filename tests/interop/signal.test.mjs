// Tier 2 interop, signaling: the `lernraum-signal` binary (signal/) driven by the npm
// `ws` client with exactly the messages y-webrtc 10.x's SignalingConn sends and expects:
// subscribe to the room, publish an announce (plain, and as the base64 string y-webrtc
// sends with a password), publish a signal addressed to one peer, ping/pong, unsubscribe.
// Replies must look like y-webrtc's own bin/server.js: every field of the publish, plus
// `clients`, to every subscriber of the topic, the sender included.
//
// The binary is LERNRAUM_SIGNAL_BIN, else target/debug/lernraum-signal (`cargo xtask test`
// builds it before this tier and sets the variable).

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { after, before, test } from 'node:test'
import WebSocket from 'ws'
import { repoRoot } from './helpers.mjs'

const targetDir = process.env.LERNRAUM_TARGET_DIR ||
  (process.env.CARGO_TARGET_DIR ? resolve(repoRoot, process.env.CARGO_TARGET_DIR) : join(repoRoot, 'target'))
const bin = process.env.LERNRAUM_SIGNAL_BIN ||
  join(targetDir, 'debug', process.platform === 'win32' ? 'lernraum-signal.exe' : 'lernraum-signal')
const missing = existsSync(bin)
  ? false
  : `${bin} does not exist: run \`cargo build -p signal\` (or set LERNRAUM_SIGNAL_BIN)`
if (missing) console.log(`# skipping the signaling tests: ${missing}`)

const WAIT = 5000
const ROOM = 'q3Jx9ZKf0aVbN2w' // a ROOM as the app makes them: base64url of 10+ bytes

let server
let url

before(async () => {
  if (missing) return
  server = spawn(bin, ['--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no URL from ${bin} after ${WAIT} ms: ${out}`)), WAIT)
    server.stdout.setEncoding('utf8')
    server.stdout.on('data', (chunk) => {
      out += chunk
      const match = out.match(/ws:\/\/127\.0\.0\.1:\d+\/signal/)
      if (match) { clearTimeout(timer); resolve(match[0]) }
    })
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${bin} exited (${code}): ${out}`)) })
  })
  server.removeAllListeners('exit')
  server.stdout.resume()
})

after(() => { if (server) server.kill() })

/** A connected client that queues what it receives, like y-webrtc's SignalingConn. */
async function client (address = url) {
  const ws = new WebSocket(address)
  const inbox = []
  const waiters = []
  ws.on('message', (data, isBinary) => {
    assert.equal(isBinary, false, 'the relay sends text frames')
    const message = JSON.parse(data.toString('utf8'))
    const waiter = waiters.shift()
    if (waiter) waiter(message); else inbox.push(message)
  })
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  return {
    ws,
    send: (message) => ws.send(JSON.stringify(message)),
    next: () => inbox.length
      ? Promise.resolve(inbox.shift())
      : new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within the timeout')), WAIT)
        waiters.push((message) => { clearTimeout(timer); resolve(message) })
      }),
    /** Resolves with whatever arrives within `ms`, or null. */
    quiet: (ms = 300) => new Promise((resolve) => {
      if (inbox.length) return resolve(inbox.shift())
      const waiter = (message) => { clearTimeout(timer); resolve(message) }
      const timer = setTimeout(() => { waiters.splice(waiters.indexOf(waiter), 1); resolve(null) }, ms)
      waiters.push(waiter)
    }),
    /** A pong proves every earlier message of this client was handled. */
    sync: async function () {
      this.send({ type: 'ping' })
      assert.deepEqual(await this.next(), { type: 'pong' })
    },
    close: () => new Promise((resolve) => { ws.once('close', resolve); ws.close() })
  }
}

test('two y-webrtc peers find each other through the relay', { skip: missing }, async () => {
  const a = await client()
  const b = await client()
  const stranger = await client()
  try {
    a.send({ type: 'subscribe', topics: [ROOM] })
    b.send({ type: 'subscribe', topics: [ROOM] })
    stranger.send({ type: 'subscribe', topics: ['another-room'] })
    await a.sync(); await b.sync(); await stranger.sync()

    // SignalingConn announces itself after subscribing.
    const announce = { type: 'publish', topic: ROOM, data: { type: 'announce', from: 'peer-a' } }
    a.send(announce)
    assert.deepEqual(await a.next(), { ...announce, clients: 2 }, 'the sender hears itself')
    assert.deepEqual(await b.next(), { ...announce, clients: 2 })

    // B answers with a signal addressed to A; everybody in the room gets it, and the
    // peers pick out what is theirs by `to`.
    const signal = {
      type: 'publish',
      topic: ROOM,
      data: {
        to: 'peer-a',
        from: 'peer-b',
        type: 'signal',
        token: 0.123,
        signal: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }
      }
    }
    b.send(signal)
    assert.deepEqual(await a.next(), { ...signal, clients: 2 })
    assert.deepEqual(await b.next(), { ...signal, clients: 2 })

    // With a password, `data` is base64 of the encrypted payload.
    const sealed = { type: 'publish', topic: ROOM, data: Buffer.from('AES-GCM…').toString('base64') }
    a.send(sealed)
    assert.deepEqual(await b.next(), { ...sealed, clients: 2 })
    assert.deepEqual(await a.next(), { ...sealed, clients: 2 })

    assert.equal(await stranger.quiet(), null, 'another room hears nothing')
  } finally {
    await Promise.all([a.close(), b.close(), stranger.close()])
  }
})

test('ping, unsubscribe and the bare server URL behave like y-webrtc\'s server', { skip: missing }, async () => {
  const bare = url.replace(/\/signal$/, '')
  const a = await client(bare)
  const b = await client()
  try {
    a.send({ type: 'ping' })
    assert.deepEqual(await a.next(), { type: 'pong' })

    a.send({ type: 'subscribe', topics: [ROOM] })
    b.send({ type: 'subscribe', topics: [ROOM] })
    await a.sync(); await b.sync()
    // SignalingConn leaves a room with unsubscribe (on disconnect or provider.destroy()).
    b.send({ type: 'unsubscribe', topics: [ROOM] })
    await b.sync()
    const announce = { type: 'publish', topic: ROOM, data: { type: 'announce', from: 'peer-a' } }
    a.send(announce)
    assert.deepEqual(await a.next(), { ...announce, clients: 1 })
    assert.equal(await b.quiet(), null)

    // Junk is ignored, and the connection keeps working.
    a.ws.send('not json')
    a.ws.send(JSON.stringify({ type: 'publish', topic: 42, data: 1 }))
    await a.sync()
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})
