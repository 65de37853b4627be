// Native board-model benchmarks next to JavaScript Yjs doing the same work in the same
// run: creating N schema-1 notes, encoding the board (update v1), decoding it into a new
// document, reading every element. Prints Markdown; used by `cargo xtask bench`.
//
// The Rust side is crdt/examples/bench.rs, built with the bench-native profile; its path
// comes from LERNRAUM_NATIVE_BENCH.
import { execFileSync } from 'node:child_process'
import * as Y from 'yjs'

const SIZES = [1000, 10000]
const bin = process.env.LERNRAUM_NATIVE_BENCH
if (!bin) throw new Error('set LERNRAUM_NATIVE_BENCH to the built crdt bench example')

function median (xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
function time (runs, f) {
  const ts = []; let out
  for (let i = 0; i < runs; i++) { const t = performance.now(); out = f(); ts.push(performance.now() - t) }
  return [median(ts), out]
}

function addNote (elements, i, n) {
  const cols = Math.ceil(Math.sqrt(n))
  const el = new Y.Map()
  elements.set(`bench${String(i).padStart(16, '0')}`, el)
  el.set('kind', 'note'); el.set('x', (i % cols) * 240); el.set('y', Math.floor(i / cols) * 240)
  el.set('w', 200); el.set('h', 200); el.set('z', `a${i}`); el.set('color', 'yellow')
  const t = new Y.Text(); el.set('text', t); t.insert(0, `Measure ${i}: ask openly, decide together`)
}

function js (n) {
  const runs = n > 5000 ? 3 : 5
  const out = {}
  out['create, one transaction per note'] = time(runs, () => {
    const d = new Y.Doc(); const els = d.getMap('elements')
    for (let i = 0; i < n; i++) d.transact(() => addNote(els, i, n))
    return d
  })[0]
  const [t1, doc] = time(runs, () => {
    const d = new Y.Doc(); const els = d.getMap('elements')
    d.transact(() => { for (let i = 0; i < n; i++) addNote(els, i, n) })
    return d
  })
  out['create, one transaction'] = t1
  const [t2, bytes] = time(runs, () => Y.encodeStateAsUpdate(doc))
  out['encode (update v1)'] = t2
  const [t3, copy] = time(runs, () => { const d = new Y.Doc(); Y.applyUpdate(d, bytes); return d })
  out['decode and apply'] = t3
  out['read all elements'] = time(runs, () => copy.getMap('elements').toJSON())[0]
  out.bytes = bytes.length
  return out
}

const rust = execFileSync(bin, SIZES.map(String), { encoding: 'utf8', maxBuffer: 1 << 26 })
  .trim().split('\n').map(l => JSON.parse(l))

console.log('## Board model, native (Rust yrs) next to JavaScript Yjs\n')
console.log('Same work in the same run: N schema-1 notes on the peer-bench grid. Medians of 3–5 runs.')
console.log('Ratio = Lernraum ÷ Yjs (below 1 is faster).\n')
console.log('| operation | N | Lernraum ms | Yjs (node) ms | ratio |')
console.log('|---|---:|---:|---:|---:|')
for (const n of SIZES) {
  const base = js(n)
  for (const r of rust.filter(r => r.n === n)) {
    const b = base[r.op]
    console.log(`| ${r.op} | ${n.toLocaleString('en')} | ${r.ms.toFixed(1)} | ${b.toFixed(1)} | ${(r.ms / b).toFixed(2)} |`)
  }
  const enc = rust.find(r => r.n === n && r.bytes)
  if (enc) console.log(`| board size, bytes | ${n.toLocaleString('en')} | ${enc.bytes.toLocaleString('en')} | ${base.bytes.toLocaleString('en')} | ${(enc.bytes / base.bytes).toFixed(2)} |`)
}
console.log()
