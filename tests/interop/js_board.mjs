// The board JavaScript Yjs writes for the "JS writes, Rust reads" tests and for the
// golden fixture crdt/tests/fixtures/js_board_v1.bin (see make_fixture.mjs). Built
// like SCHEMA.md's example, plus everything a tolerant reader must survive. Keep it
// deterministic (fixed client id, fixed edits): the fixture is compared byte for byte.

import * as Y from 'yjs'

export const FIXTURE_CLIENT_ID = 3141592653 // above 2^31, below 2^32

export const TITLE = 'Retro: Was lief gut? 🌟 Grüße aus Köln'

/** Builds the board in one transaction, as one participant would. */
export function buildJsBoard (clientID = FIXTURE_CLIENT_ID) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const meta = doc.getMap('meta')
  const elements = doc.getMap('elements')
  const add = (id, fields, text) => {
    const el = new Y.Map()
    elements.set(id, el)
    for (const [k, v] of Object.entries(fields)) el.set(k, v)
    if (text !== undefined) {
      const t = new Y.Text()
      el.set('text', t)
      t.insert(0, text)
    }
    return el
  }
  doc.transact(() => {
    meta.set('schema', 1)
    meta.set('title', TITLE)
    meta.set('theme', 'dark') // unknown meta key: kept, ignored

    // Exactly SCHEMA.md's example.
    add('n1Zx8aQw2Lr5Tt0p', { kind: 'note', x: 100, y: 80, w: 200, h: 200, z: 'a0', color: 'yellow' }, 'Ask openly')

    // Text built by several splices at UTF-16 offsets, around and after emoji.
    const n2 = add('n2UmlautEmoji_0002', { kind: 'note', x: 320, y: 80, w: 200, h: 200, z: 'a1', color: '#ff8800' }, 'Grüße Welt 😀')
    const t2 = n2.get('text')
    t2.insert(6, 'liebe ') // after "Grüße "
    t2.insert(t2.length, ' 👩‍💻 ok') // after a surrogate pair
    t2.delete(t2.length - 3, 3) // drop " ok"
    t2.insert(t2.length, '\nÄpfel & Öl – süß')

    add('n3EscapesFloat-003', { kind: 'note', x: 12.5, y: 0.1, w: 180, h: 120.5, z: 'a0V', color: 'green' },
      'Zeile 1\n"Zitat" \\ Tab\tEnde 🇩🇪')

    // A kind this reader does not know, with keys it does not know either.
    add('sticker0Unknown004', { kind: 'sticker', x: 600, y: 100, w: 64, h: 64, z: 'b0', color: 'pink', sparkle: true, emoji: '🦄' })

    // Wrong-typed and out-of-range keys: each falls back to its default.
    add('oopsWrongTypes0005', { kind: 'note', x: 'oops', y: 50, w: 0, h: '300', z: 'a2', color: 42 }, 'falsch getippt')

    // Same z: the id breaks the tie (tieA before tieB). `text` as a plain string.
    add('tieB_sameZ_000006', { kind: 'rect', x: -5, y: -5, w: 10, h: 10, z: 'c0', color: 'white', text: 'Label' })
    add('tieA_sameZ_000007', { kind: 'ellipse', x: 5, y: 5, w: 10, h: 10, z: 'c0', color: '#ABCDEF' })

    // Every optional key; a large integer, a tiny float and a BigInt for numbers.
    add('arrowAllKeys_0008', {
      kind: 'arrow',
      x: 3000000000,
      y: -1e-7,
      w: 100,
      h: 150n,
      z: 'd0',
      color: '#00ff00',
      parent: 'frameTitled_00009',
      from: 'n1Zx8aQw2Lr5Tt0p',
      to: 'n2UmlautEmoji_0002',
      pts: [0, 0, 100.5, 50],
      locked: true
    }, 'Pfeil →')

    // An empty z sorts before every other key.
    add('frameTitled_00009', { kind: 'frame', x: 0, y: 0, w: 1000, h: 800, z: '', color: 'gray' }, 'Rahmen')

    // Not elements: skipped by readers, but kept in the document.
    elements.set('junkValueNotAMap10', 42)
    add('noKindMap_0000011', { x: 1, y: 2 })
    add('kindNumber_000012', { kind: 5, x: 1 })
  })
  return doc
}

const el = (fields) => ({ parent: null, from: null, to: null, pts: [], locked: false, text: '', ...fields })

/** What a correct reader makes of buildJsBoard(): title, schema, elements in paint order. */
export const EXPECTED = {
  title: TITLE,
  schema: 1,
  elements: [
    el({ id: 'frameTitled_00009', kind: 'frame', x: 0, y: 0, w: 1000, h: 800, z: '', color: 'gray', text: 'Rahmen' }),
    el({ id: 'n1Zx8aQw2Lr5Tt0p', kind: 'note', x: 100, y: 80, w: 200, h: 200, z: 'a0', color: 'yellow', text: 'Ask openly' }),
    el({ id: 'n3EscapesFloat-003', kind: 'note', x: 12.5, y: 0.1, w: 180, h: 120.5, z: 'a0V', color: 'green', text: 'Zeile 1\n"Zitat" \\ Tab\tEnde 🇩🇪' }),
    el({ id: 'n2UmlautEmoji_0002', kind: 'note', x: 320, y: 80, w: 200, h: 200, z: 'a1', color: '#ff8800', text: 'Grüße liebe Welt 😀 👩‍💻\nÄpfel & Öl – süß' }),
    el({ id: 'oopsWrongTypes0005', kind: 'note', x: 0, y: 50, w: 200, h: 200, z: 'a2', color: 'yellow', text: 'falsch getippt' }),
    el({ id: 'sticker0Unknown004', kind: 'sticker', x: 600, y: 100, w: 64, h: 64, z: 'b0', color: 'pink' }),
    el({ id: 'tieA_sameZ_000007', kind: 'ellipse', x: 5, y: 5, w: 10, h: 10, z: 'c0', color: '#ABCDEF' }),
    el({ id: 'tieB_sameZ_000006', kind: 'rect', x: -5, y: -5, w: 10, h: 10, z: 'c0', color: 'white', text: 'Label' }),
    el({
      id: 'arrowAllKeys_0008',
      kind: 'arrow',
      x: 3000000000,
      y: -1e-7,
      w: 100,
      h: 150,
      z: 'd0',
      color: '#00ff00',
      text: 'Pfeil →',
      parent: 'frameTitled_00009',
      from: 'n1Zx8aQw2Lr5Tt0p',
      to: 'n2UmlautEmoji_0002',
      pts: [0, 0, 100.5, 50],
      locked: true
    })
  ]
}
