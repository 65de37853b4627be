// Tier 2 interop, JavaScript writes and Rust reads: a board built with npm `yjs` as in
// SCHEMA.md is loaded by the Rust model (example `board_json`), which must read every
// field exactly, keep paint order, keep unknown kinds, fall back on wrong-typed keys,
// and, writing the board back, keep everything it does not understand.

import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as Y from 'yjs'
import { readBoard, runJson, tempDir } from './helpers.mjs'
import { buildJsBoard, EXPECTED } from './js_board.mjs'

let tmp, doc, input, rust
before(() => {
  tmp = tempDir()
  doc = buildJsBoard(2024)
  input = join(tmp.dir, 'js.bin')
  writeFileSync(input, Y.encodeStateAsUpdate(doc))
  rust = runJson('board_json', [input, join(tmp.dir, 'rust.bin')])
})
after(() => tmp.cleanup())

const byId = (board, id) => board.elements.find((e) => e.id === id)

test('Rust reads the title, the schema and every readable element with every field', () => {
  assert.deepEqual(rust, EXPECTED)
})

test('the JavaScript reading of the same board agrees (the helper mirrors the Rust reader)', () => {
  assert.deepEqual(readBoard(doc), EXPECTED)
})

test('paint order is ascending (z, id): empty z first, equal z broken by id', () => {
  assert.deepEqual(rust.elements.map((e) => e.id), [
    'frameTitled_00009', 'n1Zx8aQw2Lr5Tt0p', 'n3EscapesFloat-003', 'n2UmlautEmoji_0002',
    'oopsWrongTypes0005', 'sticker0Unknown004', 'tieA_sameZ_000007', 'tieB_sameZ_000006',
    'arrowAllKeys_0008'
  ])
})

test('text spliced at UTF-16 offsets around emoji arrives exactly, code unit for code unit', () => {
  const n2 = byId(rust, 'n2UmlautEmoji_0002')
  const js = doc.getMap('elements').get('n2UmlautEmoji_0002').get('text')
  assert.equal(n2.text, 'Grüße liebe Welt 😀 👩‍💻\nÄpfel & Öl – süß')
  assert.equal(n2.text, js.toString())
  assert.equal(n2.text.length, js.length) // UTF-16 length, as Yjs counts it
  assert.equal(byId(rust, 'n3EscapesFloat-003').text, 'Zeile 1\n"Zitat" \\ Tab\tEnde 🇩🇪')
})

test('an unknown kind is listed with its own kind string, not dropped or renamed', () => {
  const s = byId(rust, 'sticker0Unknown004')
  assert.equal(s.kind, 'sticker')
  assert.deepEqual([s.x, s.y, s.w, s.h, s.color], [600, 100, 64, 64, 'pink'])
})

test('wrong-typed and out-of-range keys fall back to their defaults, the rest is read', () => {
  const o = byId(rust, 'oopsWrongTypes0005')
  assert.equal(o.x, 0) // x: "oops"
  assert.equal(o.y, 50)
  assert.equal(o.w, 200) // w: 0 is not a size
  assert.equal(o.h, 200) // h: "300" is a string
  assert.equal(o.color, 'yellow') // color: 42
  assert.equal(o.text, 'falsch getippt')
})

test('numbers of every encoding arrive as the same doubles (int, float32, float64, BigInt)', () => {
  const a = byId(rust, 'arrowAllKeys_0008')
  assert.equal(a.x, 3000000000)
  assert.equal(a.y, -1e-7)
  assert.equal(a.h, 150) // written as BigInt 150n
  assert.deepEqual(a.pts, [0, 0, 100.5, 50])
  assert.equal(byId(rust, 'n3EscapesFloat-003').y, 0.1)
})

test('values that are not elements are skipped by the reader', () => {
  const ids = rust.elements.map((e) => e.id)
  for (const id of ['junkValueNotAMap10', 'noKindMap_0000011', 'kindNumber_000012']) {
    assert.ok(!ids.includes(id), id)
  }
})

// BigInts become plain numbers after a trip through Rust (it stores numbers as f64
// or small ints), which is what SCHEMA.md asks for; compare with that in mind.
const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => typeof x === 'bigint' ? Number(x) : x))

test('Rust writes back everything it does not understand: unknown keys, kinds, junk', () => {
  const back = new Y.Doc()
  Y.applyUpdate(back, readFileSync(join(tmp.dir, 'rust.bin')))
  assert.deepEqual(plain(back.getMap('elements').toJSON()), plain(doc.getMap('elements').toJSON()))
  assert.deepEqual(back.getMap('meta').toJSON(), doc.getMap('meta').toJSON())
  const sticker = back.getMap('elements').get('sticker0Unknown004')
  assert.equal(sticker.get('sparkle'), true)
  assert.equal(sticker.get('emoji'), '🦄')
  assert.equal(back.getMap('elements').get('junkValueNotAMap10'), 42)
  assert.doesNotThrow(() => JSON.stringify(back.toJSON()))
})
