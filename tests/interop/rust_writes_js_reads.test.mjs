// Tier 2 interop, Rust writes and JavaScript reads: a board made through Rust
// `Command`s (example `write_board`) is loaded with npm `yjs` and must have exactly
// the structure of SCHEMA.md: plain JS numbers (never BigInt), nested Y.Maps, Y.Text,
// z strings in paint order, 32-bit client ids. JavaScript then edits it and Rust
// reads the edit back.

import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as Y from 'yjs'
import { paintOrder, readBoard, runJson, tempDir } from './helpers.mjs'

const A = 'rustNoteAlpha_0001'
const B = 'rustNoteBravo_0002'
const C = 'rustNoteCharlie-03'
const D = 'rustNoteDelta_0004'
const SCHEMA_KEYS = new Set(['kind', 'x', 'y', 'w', 'h', 'z', 'color', 'text', 'parent', 'from', 'to', 'pts', 'locked'])

let tmp, file, rust, doc
before(() => {
  tmp = tempDir()
  file = join(tmp.dir, 'rust.bin')
  rust = runJson('write_board', [file])
  doc = new Y.Doc()
  Y.applyUpdate(doc, readFileSync(file))
})
after(() => tmp.cleanup())

test('meta holds schema 1 as a JS number and the last title', () => {
  const meta = doc.getMap('meta')
  assert.equal(typeof meta.get('schema'), 'number')
  assert.equal(meta.get('schema'), 1)
  assert.equal(meta.get('title'), 'Retro KW 48 – Grüße aus Köln 🎉')
  assert.equal(meta.get('moderatorKey'), undefined)
})

test('every element is a Y.Map with schema keys of schema types; deleted ones are gone', () => {
  const elements = doc.getMap('elements')
  assert.deepEqual([...elements.keys()].sort(), [A, B, D].sort())
  assert.ok(!elements.has(C))
  for (const [id, el] of elements) {
    assert.ok(el instanceof Y.Map, `${id} is a Y.Map`)
    assert.match(id, /^[A-Za-z0-9_-]{16,}$/)
    for (const key of el.keys()) assert.ok(SCHEMA_KEYS.has(key), `${id}.${key} is a schema key`)
    assert.equal(el.get('kind'), 'note')
    for (const key of ['x', 'y', 'w', 'h']) {
      assert.equal(typeof el.get(key), 'number', `${id}.${key} is a number, not ${typeof el.get(key)}`)
    }
    assert.equal(typeof el.get('z'), 'string')
    assert.equal(typeof el.get('color'), 'string')
    assert.ok(el.get('text') instanceof Y.Text, `${id}.text is a Y.Text`)
  }
})

test('moves, resizes and recolours arrive exactly; rejected ones left no trace', () => {
  const get = (id) => doc.getMap('elements').get(id)
  const geo = (id) => ['x', 'y', 'w', 'h'].map((k) => get(id).get(k))
  assert.deepEqual(geo(A), [12.5, -40.25, 200, 200])
  assert.deepEqual(geo(B), [0.1, 300, 200, 200])
  assert.deepEqual(geo(D), [10, 20, 320.5, 150]) // not the rejected w: 0
  assert.equal(get(A).get('color'), '#1a2b3c')
  assert.equal(get(B).get('color'), '#1a2b3c')
  assert.equal(get(D).get('color'), 'green') // not the rejected "purple"
})

test('text with umlauts, emoji, flags, ZWJ sequences, quotes and newlines is exact', () => {
  const text = (id) => doc.getMap('elements').get(id).get('text')
  assert.equal(text(A).toString(), 'Grüße aus Köln 😀 – schön!')
  assert.equal(text(A).length, 'Grüße aus Köln 😀 – schön!'.length) // UTF-16 units
  assert.equal(text(B).toString(), 'Übermorgen: Äpfel, Öl & Süßes\nzweite Zeile 👩‍💻')
  assert.equal(text(D).toString(), 'Deutschland 🇩🇪 "Zitat" \\ Ende\tTab')
})

test('z strings order the elements as reordered: D sent back, A brought to front', () => {
  const els = [...doc.getMap('elements')].map(([id, el]) => ({ id, z: el.get('z') }))
  els.sort(paintOrder)
  assert.deepEqual(els.map((e) => e.id), [D, B, A])
  // Strictly ascending z: the order does not depend on the id tie-break.
  for (let i = 1; i < els.length; i++) {
    assert.ok(Buffer.compare(Buffer.from(els[i - 1].z), Buffer.from(els[i].z)) < 0, `${els[i - 1].z} < ${els[i].z}`)
  }
})

test('the document converts to JSON without BigInts anywhere', () => {
  let json
  assert.doesNotThrow(() => { json = JSON.stringify(doc.toJSON()) })
  const walk = (v) => {
    assert.notEqual(typeof v, 'bigint')
    if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(doc.toJSON())
  assert.ok(json.includes('Grüße aus Köln'))
})

test('client ids fit in 32 bits (the writer used one above 2^31)', () => {
  const clients = [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()]
  assert.ok(clients.length >= 1)
  for (const c of clients) assert.ok(Number.isInteger(c) && c >= 0 && c < 2 ** 32, String(c))
  assert.ok(clients.includes(0xDEADBEEF))
})

test('JavaScript and Rust read the same board', () => {
  assert.deepEqual(readBoard(doc), rust)
})

test('JavaScript edits the Rust board at UTF-16 offsets and Rust reads the edit', () => {
  const t = doc.getMap('elements').get(A).get('text')
  const at = 'Grüße aus Köln 😀'.length // after the emoji, in UTF-16 units
  t.insert(at, '😀')
  t.delete(0, 'Grüße '.length)
  doc.getMap('elements').get(B).set('x', 1.5)
  const edited = join(tmp.dir, 'edited.bin')
  writeFileSync(edited, Y.encodeStateAsUpdate(doc))
  const back = runJson('board_json', [edited])
  assert.equal(back.elements.find((e) => e.id === A).text, 'aus Köln 😀😀 – schön!')
  assert.equal(back.elements.find((e) => e.id === B).x, 1.5)
  assert.deepEqual(back, readBoard(doc))
})
