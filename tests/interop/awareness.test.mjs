// Tier 2 interop, awareness (presence): the Rust `crdt::awareness` module (example
// `awareness_peer`, a scripted Rust peer) against npm `y-protocols/awareness` 1.0.x.
// Both directions: updates JavaScript encodes are applied by Rust, updates and frames
// Rust encodes are applied by JavaScript, and both sides end with the same states and
// clocks, including leaving (a null state), removal by someone else, a peer removing
// our own state (re-announce), renewal, expiry, query-awareness and the size bounds.

import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import {
  applyAwarenessUpdate,
  Awareness,
  encodeAwarenessUpdate,
  removeAwarenessStates
} from 'y-protocols/awareness'
import { runJson } from './helpers.mjs'

// What ROOMS.md ("Presence") puts into awareness, with text that needs care.
const PRESENCE = {
  user: { name: 'Grüße 😀 Jö "Zitat" \\ 👩‍💻', color: '#c2185b' },
  cursor: { x: 12.5, y: -40.25 },
  selection: ['n1Zx8aQw2Lr5Tt0p', 'arrowAllKeys_0008'],
  viewport: { x: -100, y: 20.5, zoom: 1.25 },
  role: 'participant'
}
const MODERATOR = {
  user: { name: 'Bea', color: '#1565c0' },
  cursor: null,
  selection: [],
  viewport: { x: 0, y: 0, zoom: 1 },
  role: 'moderator'
}
const RUST = 7

const docs = []
after(() => { for (const doc of docs) doc.destroy() }) // also stops the awareness timers

/** A JavaScript awareness for `clientID`, as a y-webrtc or y-websocket provider has one. */
function jsPeer (clientID) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  docs.push(doc)
  const aw = new Awareness(doc)
  const log = []
  aw.on('change', (c) => log.push(['change', c]))
  aw.on('update', (c) => log.push(['update', c]))
  aw.log = log
  return aw
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'))
/** Runs the Rust peer with the given steps (see crdt/examples/awareness_peer.rs). */
const rust = (...steps) => runJson('awareness_peer', ['client', String(RUST), ...steps.map(String)])

/** An awareness frame as y-websocket and y-webrtc write it. */
function frameAwareness (update) {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

/** The update inside an awareness frame, read as y-websocket and y-webrtc read it. */
function unframe (frameHex) {
  const d = decoding.createDecoder(unhex(frameHex))
  assert.equal(decoding.readVarUint(d), 1, 'an awareness frame')
  const update = decoding.readVarUint8Array(d)
  assert.equal(decoding.hasContent(d), false, 'one message per frame')
  return update
}

const statesOf = (aw) => Object.fromEntries([...aw.getStates()].map(([id, s]) => [String(id), s]))
const clockOf = (aw, id) => aw.meta.get(id)?.clock

test('a fresh JavaScript awareness (`{}` at clock 0) is taken by neither side', () => {
  const a = jsPeer(1111)
  const fresh = encodeAwarenessUpdate(a, [1111])
  const r = rust('apply', hex(fresh))
  assert.deepEqual(r.states, {})
  assert.deepEqual(r.steps[0].added, [])
  const other = jsPeer(1112)
  applyAwarenessUpdate(other, fresh, 'test')
  assert.equal(other.getStates().has(1111), false)
})

test('JavaScript encodes, Rust applies: same states and clocks, then leaving and removal', () => {
  const a = jsPeer(1111)
  const b = jsPeer(2222)
  a.setLocalState(PRESENCE)
  b.setLocalState(MODERATOR)
  b.setLocalStateField('cursor', { x: 1, y: 2 })
  applyAwarenessUpdate(a, encodeAwarenessUpdate(b, [2222]), 'test')
  const u1 = encodeAwarenessUpdate(a, [1111, 2222])

  let r = rust('apply', hex(u1))
  assert.equal(r.steps[0].error, null)
  assert.deepEqual(r.steps[0].added, [1111, 2222])
  assert.deepEqual(r.states, statesOf(a))
  assert.equal(r.clocks['1111'], clockOf(a, 1111))
  assert.equal(r.clocks['2222'], clockOf(b, 2222))
  assert.equal(r.clocks['2222'], 2)

  // 1111 leaves (null state, clock + 1); 2222 is removed by 1111 (null at its clock).
  a.setLocalState(null)
  const u2 = encodeAwarenessUpdate(a, [1111])
  removeAwarenessStates(a, [2222], 'connection closed')
  const u3 = encodeAwarenessUpdate(a, [2222])
  r = rust('apply', hex(u1), 'apply', hex(u2), 'apply', hex(u3))
  assert.deepEqual(r.steps[1].removed, [1111])
  assert.deepEqual(r.steps[2].removed, [2222])
  assert.deepEqual(r.states, {})
  assert.equal(r.clocks['1111'], clockOf(a, 1111))
  assert.equal(r.clocks['2222'], clockOf(a, 2222))

  // A JavaScript peer shown the same updates agrees.
  const c = jsPeer(3333)
  for (const u of [u1, u2, u3]) applyAwarenessUpdate(c, u, 'test')
  assert.deepEqual(statesOf(c), { 3333: {} })
  assert.equal(clockOf(c, 1111), r.clocks['1111'])
  assert.equal(clockOf(c, 2222), r.clocks['2222'])
})

test('Rust encodes, JavaScript applies: states, updates, leaving, with the change events', () => {
  const moved = { ...PRESENCE, cursor: { x: 1, y: 2 } }
  const r = rust(
    'set', JSON.stringify(PRESENCE), 'encode', RUST,
    'set', JSON.stringify(moved), 'leave'
  )
  const c = jsPeer(3333)
  applyAwarenessUpdate(c, unhex(r.steps[1].update), 'rust')
  assert.deepEqual(c.getStates().get(RUST), PRESENCE)
  assert.equal(clockOf(c, RUST), 1)
  // The broadcast of each local change is a whole awareness frame.
  assert.equal(r.steps[0].broadcast, hex(frameAwareness(unhex(r.steps[1].update))))
  applyAwarenessUpdate(c, unframe(r.steps[2].broadcast), 'rust')
  assert.deepEqual(c.getStates().get(RUST), moved)
  assert.equal(clockOf(c, RUST), 2)
  c.log.length = 0
  applyAwarenessUpdate(c, unframe(r.steps[3].broadcast), 'rust')
  assert.equal(c.getStates().has(RUST), false)
  assert.equal(clockOf(c, RUST), 3)
  assert.equal(r.clocks[String(RUST)], 3)
  assert.deepEqual(c.log, [
    ['change', { added: [], updated: [], removed: [RUST] }],
    ['update', { added: [], updated: [], removed: [RUST] }]
  ])
})

test('Rust removing a JavaScript client (connection closed) removes it in JavaScript too', () => {
  const a = jsPeer(1111)
  const b = jsPeer(2222)
  a.setLocalState(PRESENCE)
  b.setLocalState(MODERATOR)
  const u = encodeAwarenessUpdate(a, [1111])
  const v = encodeAwarenessUpdate(b, [2222])
  const r = rust('apply', hex(u), 'apply', hex(v), 'remove', '2222,9999')
  assert.deepEqual(r.steps[2].removed, [2222])
  assert.deepEqual(Object.keys(r.states), ['1111'])
  // The null travels at 2222's known clock (no bump for someone else's clock).
  assert.equal(r.clocks['2222'], clockOf(b, 2222))
  const c = jsPeer(3333)
  applyAwarenessUpdate(c, u, 'test')
  applyAwarenessUpdate(c, v, 'test')
  applyAwarenessUpdate(c, unframe(r.steps[2].broadcast), 'rust')
  assert.deepEqual(statesOf(c), { 1111: PRESENCE, 3333: {} })
  // ...and 2222 itself answers a removal of its own state by announcing it again.
  applyAwarenessUpdate(b, unframe(r.steps[2].broadcast), 'rust')
  assert.deepEqual(b.getLocalState(), MODERATOR)
  assert.equal(clockOf(b, 2222), r.clocks['2222'] + 1)
})

test('a removal of our own state is answered with a newer clock, both ways', () => {
  // JavaScript removes the Rust peer; Rust re-announces; JavaScript takes it back.
  const c = jsPeer(3333)
  let r = rust('set', JSON.stringify(PRESENCE))
  applyAwarenessUpdate(c, unframe(r.steps[0].broadcast), 'rust')
  removeAwarenessStates(c, [RUST], 'timeout')
  const removal = encodeAwarenessUpdate(c, [RUST])
  r = rust('set', JSON.stringify(PRESENCE), 'apply', hex(removal))
  const step = r.steps[1]
  assert.equal(step.reannounced, true)
  assert.deepEqual(step.removed, [])
  assert.deepEqual(r.states[String(RUST)], PRESENCE)
  assert.equal(r.clocks[String(RUST)], 2)
  applyAwarenessUpdate(c, unframe(step.broadcast), 'rust')
  assert.deepEqual(c.getStates().get(RUST), PRESENCE)
  assert.equal(clockOf(c, RUST), 2)

  // Rust removes a JavaScript peer; JavaScript bumps its clock; Rust takes it back.
  const a = jsPeer(1111)
  a.setLocalState(PRESENCE)
  const u = encodeAwarenessUpdate(a, [1111])
  r = rust('apply', hex(u), 'remove', 1111)
  applyAwarenessUpdate(a, unframe(r.steps[1].broadcast), 'rust')
  assert.deepEqual(a.getLocalState(), PRESENCE)
  assert.equal(clockOf(a, 1111), 2)
  const back = encodeAwarenessUpdate(a, [1111]) // what a provider sends on that 'update'
  r = rust('apply', hex(u), 'remove', 1111, 'apply', hex(back))
  assert.deepEqual(r.steps[2].added, [1111])
  assert.deepEqual(r.states['1111'], PRESENCE)
  assert.equal(r.clocks['1111'], 2)
})

test('renewal after 15 s is an update without a change in JavaScript; expiry at 30 s travels', () => {
  const c = jsPeer(3333)
  const a = jsPeer(1111)
  a.setLocalState(PRESENCE)
  const u = encodeAwarenessUpdate(a, [1111])
  applyAwarenessUpdate(c, u, 'test')
  const r = rust(
    'now', 0, 'set', JSON.stringify(MODERATOR), 'apply', hex(u),
    'now', 14999, 'tick', 'now', 15000, 'tick',
    'now', 29999, 'tick', 'now', 30000, 'tick'
  )
  const [, , early, renew, before, expire] = r.steps
  assert.equal(early.broadcast, null)
  assert.deepEqual(renew.renewed, [RUST])
  assert.deepEqual(before.removed, [])
  assert.deepEqual(expire.removed, [1111])
  applyAwarenessUpdate(c, unframe(r.steps[0].broadcast), 'rust')
  c.log.length = 0
  applyAwarenessUpdate(c, unframe(renew.broadcast), 'rust')
  assert.equal(clockOf(c, RUST), 2)
  assert.deepEqual(c.log, [['update', { added: [], updated: [RUST], removed: [] }]])
  applyAwarenessUpdate(c, unframe(expire.broadcast), 'rust')
  assert.equal(c.getStates().has(1111), false)
  assert.equal(clockOf(c, 1111), 1)
  assert.deepEqual(Object.keys(r.states), [String(RUST)])
})

test('frames through SyncSession: an awareness frame is applied, a query is answered', () => {
  const a = jsPeer(1111)
  a.setLocalState(PRESENCE)
  const frame = frameAwareness(encodeAwarenessUpdate(a, [1111]))
  const r = rust('set', JSON.stringify(MODERATOR), 'receive', hex(frame), 'receive', '03')
  assert.deepEqual(r.steps[1].added, [1111])
  assert.deepEqual(r.steps[1].replies, [])
  // The answer to a query (type 3) holds every present state, one frame.
  assert.equal(r.steps[2].replies.length, 1)
  const c = jsPeer(3333)
  applyAwarenessUpdate(c, unframe(r.steps[2].replies[0]), 'rust')
  assert.deepEqual(statesOf(c), { [RUST]: MODERATOR, 1111: PRESENCE, 3333: {} })
})

test('Rust refuses what is over its bounds or not an object, and nothing changes', () => {
  const a = jsPeer(1111)
  a.setLocalState({ ...PRESENCE, user: { name: 'x'.repeat(9000), color: '#000' } })
  const b = jsPeer(2222)
  b.setLocalState(MODERATOR)
  const big = encodeAwarenessUpdate(a, [1111])
  const ok = encodeAwarenessUpdate(b, [2222])
  // Built by hand: awareness.js would write it if a state were a bare string.
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, 4444)
  encoding.writeVarUint(e, 1)
  encoding.writeVarString(e, JSON.stringify('just text'))
  const notObject = encoding.toUint8Array(e)
  const r = rust('apply', hex(ok), 'apply', hex(big), 'apply', hex(notObject), 'apply', 'ff', 'receive', '01ff01')
  assert.equal(r.steps[0].error, null)
  for (const step of r.steps.slice(1)) assert.notEqual(step.error, null, JSON.stringify(step))
  assert.match(r.steps[1].error, /over the limit/)
  assert.match(r.steps[2].error, /not a JSON object/)
  assert.deepEqual(r.states, { 2222: MODERATOR })
})
