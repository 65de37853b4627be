// Shared helpers for the Yjs interop tests (tier 2 of TESTING.md): where the Rust
// example binaries are, how to run them, and a JavaScript reading of a board that
// mirrors the Rust tolerant reader (crdt/src/element.rs), so both sides can be compared.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(repoRoot, process.env.CARGO_TARGET_DIR)
  : join(repoRoot, 'target')

/** Path of a crdt example binary; throws with the build command if it is missing. */
export function example (name) {
  const exe = join(targetDir, 'debug', 'examples', process.platform === 'win32' ? `${name}.exe` : name)
  if (!existsSync(exe)) {
    throw new Error(`${exe} is missing: run \`cargo build -p crdt --examples\` first`)
  }
  return exe
}

/** Runs a crdt example and returns its stdout (UTF-8). Fails with its stderr. */
export function run (name, args) {
  try {
    return execFileSync(example(name), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    throw new Error(`${name} ${args.join(' ')} failed (status ${e.status}):\n${e.stderr}`)
  }
}

/** Runs a crdt example whose stdout is one JSON document and parses it. */
export function runJson (name, args) {
  return JSON.parse(run(name, args))
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir () {
  const dir = mkdtempSync(join(tmpdir(), 'lernraum-interop-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Paint order of SCHEMA.md: ascending (z, id), compared as bytes. */
export function paintOrder (a, b) {
  return Buffer.compare(Buffer.from(a.z), Buffer.from(b.z)) ||
    Buffer.compare(Buffer.from(a.id), Buffer.from(b.id))
}

const num = (v, dflt) => (typeof v === 'number' && Number.isFinite(v)) ? v
  : (typeof v === 'bigint' ? Number(v) : dflt)
const size = (v) => { const n = num(v, 200); return n > 0 ? n : 200 }
const str = (v) => typeof v === 'string' ? v : null

/**
 * The board as the Rust `board_json` example prints it: title, schema and the
 * readable elements in paint order, with the Rust reader's defaults.
 */
export function readBoard (doc) {
  const meta = doc.getMap('meta')
  const elements = []
  doc.getMap('elements').forEach((el, id) => {
    if (!(el instanceof Y.Map) || typeof el.get('kind') !== 'string') return
    const t = el.get('text')
    const pts = el.get('pts')
    elements.push({
      id,
      kind: el.get('kind'),
      x: num(el.get('x'), 0),
      y: num(el.get('y'), 0),
      w: size(el.get('w')),
      h: size(el.get('h')),
      z: str(el.get('z')) ?? '',
      color: str(el.get('color')) ?? 'yellow',
      text: t instanceof Y.Text ? t.toString() : (typeof t === 'string' ? t : ''),
      parent: str(el.get('parent')),
      from: str(el.get('from')),
      to: str(el.get('to')),
      pts: Array.isArray(pts) ? pts.filter((p) => typeof p === 'number' || typeof p === 'bigint').map(Number)
        : (pts instanceof Y.Array ? pts.toArray().filter((p) => typeof p === 'number').map(Number) : []),
      locked: el.get('locked') === true
    })
  })
  elements.sort(paintOrder)
  const schema = meta.get('schema')
  return {
    title: str(meta.get('title')) ?? '',
    schema: typeof schema === 'number' ? schema : (typeof schema === 'bigint' ? Number(schema) : null),
    elements
  }
}
