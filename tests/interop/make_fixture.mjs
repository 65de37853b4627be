// Writes the golden fixture crdt/tests/fixtures/js_board_v1.bin: the board of
// js_board.mjs as JavaScript Yjs encodes it (Y.encodeStateAsUpdate, update v1).
// crdt/tests/js_fixture.rs decodes it, so plain `cargo test` checks JS compatibility.
//
//   node tests/interop/make_fixture.mjs [OUT]   (default: the committed fixture path)
//
// The output is deterministic; fixture.test.mjs checks the committed file matches.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import { repoRoot } from './helpers.mjs'
import { buildJsBoard } from './js_board.mjs'

export const FIXTURE_PATH = join(repoRoot, 'crdt', 'tests', 'fixtures', 'js_board_v1.bin')

export function fixtureBytes () {
  return Y.encodeStateAsUpdate(buildJsBoard())
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? FIXTURE_PATH
  const bytes = fixtureBytes()
  writeFileSync(out, bytes)
  console.log(`wrote ${bytes.length} bytes to ${out}`)
}
