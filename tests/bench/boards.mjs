// Benchmark boards, written with JavaScript Yjs in the SCHEMA.md layout.
import { Y } from '../e2e/yws.mjs'

// A mixed board of n elements on a grid (pitch board units apart): notes, rectangles,
// ellipses, arrows bound between notes, and ink strokes (the first tenth).
export function fillMixed (doc, n, { pitch = 240, size = 200 } = {}) {
  const els = doc.getMap('elements')
  const cols = Math.ceil(Math.sqrt(n))
  const noteIds = []
  const counts = {}
  const inks = Math.floor(n / 10)
  doc.transact(() => {
    doc.getMap('meta').set('schema', 1)
    doc.getMap('meta').set('title', `Bench ${n}`)
    for (let i = 0; i < n; i++) {
      const id = `mix${String(i).padStart(16, '0')}`
      const el = new Y.Map()
      els.set(id, el)
      const x = (i % cols) * pitch
      const y = Math.floor(i / cols) * pitch
      const kind = i < inks ? 'ink' : i % 10 < 6 ? 'note' : i % 10 < 7 ? 'rect' : i % 10 < 8 ? 'ellipse' : 'arrow'
      counts[kind] = (counts[kind] ?? 0) + 1
      el.set('kind', kind); el.set('x', x); el.set('y', y); el.set('w', size); el.set('h', kind === 'note' ? size : size * 0.6)
      el.set('z', `a${String(i).padStart(5, '0')}`); el.set('color', ['yellow', 'blue', 'green', 'pink'][i % 4])
      const t = new Y.Text(); el.set('text', t)
      if (kind === 'note' || kind === 'rect' || kind === 'ellipse') { t.insert(0, `Maßnahme ${i}`); noteIds.push(id) }
      if (kind === 'ink') {
        const pts = []
        for (let k = 0; k < 20; k++) pts.push(k * size / 20, size * 0.3 + Math.sin(k / 3) * size / 4)
        el.set('pts', pts)
      }
      if (kind === 'arrow') {
        el.set('pts', [0, 0, size, size * 0.6])
        if (noteIds.length >= 2) { el.set('from', noteIds[noteIds.length - 1]); el.set('to', noteIds[noteIds.length - 2]) }
      }
    }
  })
  return counts
}
