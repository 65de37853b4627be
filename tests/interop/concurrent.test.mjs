// Tier 2 interop, concurrent edits: a JavaScript peer and a Rust peer (example
// `edit_board`) start from the same board, edit it at the same time without seeing
// each other (different keys of one element, the same text at different places, the
// same key, an edit of an element the other deletes), swap their updates as files,
// and must end with identical boards.

import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as Y from 'yjs'
import { readBoard, runJson, tempDir } from './helpers.mjs'

const N = 'sharedNoteN_000001'
const M = 'sharedNoteM_000002'
const K = 'sharedNoteK_000003'

function baseBoard () {
  const doc = new Y.Doc()
  doc.clientID = 1001
  doc.transact(() => {
    doc.getMap('meta').set('schema', 1)
    doc.getMap('meta').set('title', 'Basis')
    const notes = [[N, 100, 'a0', 'Grüße 😀 Welt'], [M, 400, 'a1', 'M'], [K, 700, 'a2', 'K']]
    for (const [id, x, z, text] of notes) {
      const el = new Y.Map()
      doc.getMap('elements').set(id, el)
      el.set('kind', 'note'); el.set('x', x); el.set('y', 100); el.set('w', 200); el.set('h', 200)
      el.set('z', z); el.set('color', 'yellow')
      const t = new Y.Text(); el.set('text', t); t.insert(0, text)
    }
  })
  return doc
}

let tmp
before(() => { tmp = tempDir() })
after(() => tmp.cleanup())

// Once with the Rust peer's client id below the JavaScript one, once above it: the
// same-key conflicts are then won by different sides, and both must agree each time.
for (const rustClient of [7, 4000000000]) {
  test(`JS and Rust (client ${rustClient}) edit one board concurrently and converge`, () => {
    const dir = tmp.dir
    const file = (name) => join(dir, `${rustClient}-${name}.bin`)
    const base = Y.encodeStateAsUpdate(baseBoard())
    writeFileSync(file('base'), base)

    // The JavaScript peer's edits, each its own transaction as in a live session.
    const js = new Y.Doc()
    js.clientID = 1002
    Y.applyUpdate(js, base)
    const els = js.getMap('elements')
    els.get(N).set('color', 'blue')
    els.get(N).get('text').insert('Grüße 😀 '.length, 'liebe ') // UTF-16 offset 9
    els.get(M).set('x', 111)
    els.delete(K)
    js.getMap('meta').set('title', 'Von JS')
    writeFileSync(file('js'), Y.encodeStateAsUpdate(js, Y.encodeStateVectorFromUpdate(base)))

    // The Rust peer makes its edits before it sees the JavaScript ones, emits them,
    // then merges the JavaScript update.
    const rust = runJson('edit_board', [
      'client', String(rustClient),
      'load', file('base'),
      'move', N, '250', '-30.5',
      'text', N, 'Grüße 😀 Welt 👋',
      'text', N, 'Hallo Grüße 😀 Welt 👋',
      'move', M, '222', '333',
      'text', K, 'K bearbeitet',
      'title', 'Von Rust',
      'delta', file('rust'),
      'merge', file('js'),
      'save', file('merged'),
      'print'
    ])

    Y.applyUpdate(js, readFileSync(file('rust')))
    const mine = readBoard(js)

    // Both sides read the same board.
    assert.deepEqual(mine, rust)
    // And the documents are the same, down to the state vectors.
    const merged = new Y.Doc()
    Y.applyUpdate(merged, readFileSync(file('merged')))
    assert.deepEqual(merged.getMap('elements').toJSON(), js.getMap('elements').toJSON())
    assert.deepEqual(merged.getMap('meta').toJSON(), js.getMap('meta').toJSON())
    assert.deepEqual(Y.decodeStateVector(Y.encodeStateVector(merged)), Y.decodeStateVector(Y.encodeStateVector(js)))

    const n = mine.elements.find((e) => e.id === N)
    // Different keys of one element: both edits kept.
    assert.equal(n.color, 'blue')
    assert.deepEqual([n.x, n.y], [250, -30.5])
    // The same text at different places: both insertions kept, in place.
    assert.equal(n.text, 'Hallo Grüße 😀 liebe Welt 👋')
    // The same key: one winner, the same on both sides; the other key survives.
    const m = mine.elements.find((e) => e.id === M)
    assert.ok([111, 222].includes(m.x), String(m.x))
    assert.equal(m.y, 333)
    assert.ok(['Von JS', 'Von Rust'].includes(mine.title), mine.title)
    // An element deleted on one side stays deleted though the other edited it.
    assert.equal(mine.elements.find((e) => e.id === K), undefined)
    assert.equal(js.getMap('elements').has(K), false)
  })
}
