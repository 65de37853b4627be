// The golden fixture crdt/tests/fixtures/js_board_v1.bin must be exactly what
// make_fixture.mjs produces with the pinned `yjs`, and Rust must read it as expected
// (crdt/tests/js_fixture.rs checks the same file under plain `cargo test`).

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { runJson } from './helpers.mjs'
import { EXPECTED } from './js_board.mjs'
import { FIXTURE_PATH, fixtureBytes } from './make_fixture.mjs'

test('the committed fixture is what make_fixture.mjs writes today', () => {
  const committed = readFileSync(FIXTURE_PATH)
  assert.ok(Buffer.from(fixtureBytes()).equals(committed),
    'fixture is stale: run `node tests/interop/make_fixture.mjs` and update crdt/tests/js_fixture.rs')
})

test('Rust reads the committed fixture as expected', () => {
  assert.deepEqual(runJson('board_json', [FIXTURE_PATH]), EXPECTED)
})
