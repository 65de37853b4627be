// Glare: two participants open the same fresh room at the same instant, many times over.
// y-webrtc 10.3 sometimes leaves both sides waiting forever in this case (TESTING.md); the
// app must connect every time: the higher token's offer stands, the other side answers it
// on a fresh connection, and a connection that does not open within 10 s is redialled.
//
// Most trials go through a relay that holds every message of a room until both peers have
// announced and then delivers them together, so both dial each other: real glare, every
// time (checked with the app's glare counter). The rest go through lernraum-signal itself,
// with both pages loading at the same moment. LERNRAUM_GLARE_TRIALS sets the first number.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { e2eSuite } from './harness.mjs';
import {
  WEBRTC_ARGS, boardPath, participant, randomRoom, startBarrierRelay, startRelay, waitPeers, webrtc,
} from './webrtc.mjs';

const { it, env } = e2eSuite(import.meta.url, { browserArgs: WEBRTC_ARGS });
const TRIALS = Number(process.env.LERNRAUM_GLARE_TRIALS || 50);
const PLAIN_TRIALS = 10;

let relay;
let barrier;
before(async () => {
  relay = await startRelay();
  barrier = await startBarrierRelay();
});
after(async () => {
  await relay?.stop();
  await barrier?.close();
});

async function trials(url, n, label) {
  const a = await participant(env, url, null, { open: false });
  const b = await participant(env, url, null, { open: false });
  const results = [];
  try {
    for (let i = 0; i < n; i++) {
      const link = randomRoom();
      const path = boardPath(url, link, `&trial=${label}${i}`);
      const t0 = Date.now();
      await Promise.all([a.board.goto(path), b.board.goto(path)]);
      try {
        await Promise.all([waitPeers(a.board, 1, { timeout: 30_000 }), waitPeers(b.board, 1, { timeout: 30_000 })]);
      } catch (e) {
        throw new Error(`trial ${i} (${label}) did not connect: ${e.message}`);
      }
      const [sa, sb] = await Promise.all([webrtc(a.board), webrtc(b.board)]);
      // Both really talk: a note crosses.
      await a.board.createNote({ text: `T${i}` });
      await b.board.waitElements((els) => els.some((e) => e.text === `T${i}`), `trial ${i}: the note to cross`);
      results.push({ ms: Date.now() - t0, glares: sa.glares + sb.glares });
      a.errors.assertNoFatal('A');
      b.errors.assertNoFatal('B');
    }
  } finally {
    await a.close();
    await b.close();
  }
  const ms = results.map((r) => r.ms).sort((x, y) => x - y);
  const glared = results.filter((r) => r.glares > 0).length;
  console.log(`${label}: ${n} trials connected; ${glared} with glare; median ${ms[n >> 1]} ms, max ${ms[n - 1]} ms`);
  return { results, glared };
}

it(`${TRIALS} simultaneous joins that both dial (forced glare) all connect`, async () => {
  const { glared } = await trials(barrier.url, TRIALS, 'forced');
  assert.ok(glared >= TRIALS * 0.8, `glare happened in only ${glared} of ${TRIALS} trials: the barrier relay did not force it`);
}, { open: false, timeout: 60_000 + TRIALS * 20_000 });

it(`${PLAIN_TRIALS} simultaneous joins through lernraum-signal all connect`, async () => {
  await trials(relay.url, PLAIN_TRIALS, 'plain');
}, { open: false, timeout: 60_000 + PLAIN_TRIALS * 20_000 });
