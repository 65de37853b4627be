// Stored boards that cannot be read are kept aside, never lost or fatal; the write-ahead
// log in localStorage is replayed on load (ROOMS.md "Reloading, closing the tab or going
// offline loses nothing"). Storage layout: IndexedDB `lernraum` v1 with the stores
// `docs` (room → snapshot), `updates` ({room, bytes}), `boards` and `quarantine`
// ({room, reason, at, parts}); localStorage `lernraum-wal:<room>:<n>` = base64 update.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';
import { noteUpdate } from './yws.mjs';

const { it } = e2eSuite(import.meta.url);

const UNREADABLE = {
  en: "This board's stored data could not be read. It has been kept unchanged; here is an empty board next to it.",
  de: 'Die gespeicherten Daten dieses Boards sind nicht lesbar.',
};
const DISMISS = { en: 'Dismiss', de: 'Schließen' };

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(n, seed) {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 255;
  }
  return out;
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

/**
 * Replace the stored board of `room`: `docs[room]` = `value` and no appended updates.
 * `value` is { bytes: number[] } for a Uint8Array, or { json } for any other value.
 */
async function putStoredDoc(page, room, value) {
  await page.evaluate(
    ([room, value]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('lernraum');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['docs', 'updates'], 'readwrite');
          tx.objectStore('docs').put('bytes' in value ? new Uint8Array(value.bytes) : value.json, room);
          const updates = tx.objectStore('updates');
          const keys = updates.index('room').getAllKeys(IDBKeyRange.only(room));
          keys.onsuccess = () => keys.result.forEach((k) => updates.delete(k));
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
        };
      }),
    [room, value],
  );
}

/** Every record of an IndexedDB store, with Uint8Arrays as { u8: [...] }. */
async function readStore(page, store) {
  return page.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const plain = (v) => {
          if (v instanceof Uint8Array) return { u8: Array.from(v) };
          if (v instanceof ArrayBuffer) return { arrayBuffer: Array.from(new Uint8Array(v)) };
          if (Array.isArray(v)) return v.map(plain);
          if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
          return v;
        };
        const open = indexedDB.open('lernraum');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(store, 'readonly').objectStore(store).getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result.map(plain));
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

function alert(board) {
  return board.page.getByRole('alert').filter({ hasText: UNREADABLE[board.lang] });
}

async function waitOutlineSet(board, expected, message) {
  const want = [...expected].sort();
  return eventually(
    async () => {
      const got = (await board.outlineTexts()).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`outline is ${JSON.stringify(got)}`);
      return got;
    },
    { message: message ?? `outline to hold ${JSON.stringify(want)}`, check: () => board.page.errors?.assertNoFatal() },
  );
}

async function walKeys(page, room) {
  return page.evaluate(
    (prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)).sort(),
    `lernraum-wal:${room}:`,
  );
}

// ---------------------------------------------------------------------------------------
// Unreadable stored data
// ---------------------------------------------------------------------------------------

const UNREADABLE_BYTES = [
  // Not a Yjs update: a varUint count of ~2^35 structs blocks, then noise.
  { what: 'random bytes', lang: 'en', bytes: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f, ...randomBytes(250, 0xc0ffee)]) },
  { what: 'random bytes', lang: 'de', bytes: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f, ...randomBytes(250, 0xc0ffee)]) },
  // A well-formed start (1 client, 1 struct, a string item under a root type) whose
  // root-name length says 2^32 - 1 bytes follow. JavaScript Yjs: "Unexpected end of array".
  { what: 'a length running past the end', lang: 'en', bytes: new Uint8Array([1, 1, 1, 0, 4, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]) },
];

for (const { what, lang, bytes: garbage } of UNREADABLE_BYTES) {
  it(`unreadable stored bytes (${what}) are quarantined, unchanged, and an empty board works (${lang})`, async ({ board, page }) => {
    const room = board.room();
    const link = page.url();
    await board.createNote({ text: 'Lost view' });
    await board.whenSaved();
    await eventually(async () => (await walKeys(page, room)).length === 0, { message: 'the app’s own log entries are confirmed' });
    await putStoredDoc(page, room, { bytes: Array.from(garbage) });
    await board.reload();
    assert.equal(page.url(), link, 'the reload keeps the link');

    await alert(board).waitFor({ state: 'visible' });
    assert.match(await alert(board).innerText(), new RegExp(UNREADABLE[lang].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await board.waitCount(0, 'the board opens empty next to the kept bytes');
    await board.waitOutline([]);
    assert.equal(await board.title.inputValue(), board.t.untitled, 'an untitled board');

    // The original bytes are in the quarantine store, unchanged.
    const kept = await eventually(
      async () => {
        const q = (await readStore(page, 'quarantine')).filter((e) => e.room === room);
        if (q.length === 0) throw new Error('no quarantine entry for the room yet');
        return q;
      },
      { message: 'a quarantine entry for the room' },
    );
    assert.equal(kept.length, 1, `one quarantine entry: ${JSON.stringify(kept.map((e) => e.reason))}`);
    const [entry] = kept;
    assert.ok(Array.isArray(entry.parts) && entry.parts.length >= 1, 'the entry has parts');
    assert.deepEqual(entry.parts[0], { u8: Array.from(garbage) }, 'the first part is exactly the stored bytes');
    assert.equal(typeof entry.reason, 'string');
    assert.ok(entry.reason.length > 0, 'a reason is given');
    assert.equal(typeof entry.at, 'number');

    // The empty board works: a new note is created and kept.
    await board.createNote({ text: 'Fresh start' });
    await board.waitOutline([board.noteLabel('Fresh start')]);
    await page.getByRole('button', { name: DISMISS[lang], exact: true }).click();
    await alert(board).waitFor({ state: 'hidden' });
    await board.whenSaved();
    await board.reload();
    await board.waitOutline([board.noteLabel('Fresh start')], 'the new note is back after the reload');
    assert.equal(await alert(board).count(), 0, 'no notice once the stored board is readable again');
    // Reloading does not lose or duplicate the quarantined bytes.
    const again = (await readStore(page, 'quarantine')).filter((e) => e.room === room);
    assert.equal(again.length, 1, 'still one quarantine entry');
    assert.deepEqual(again[0].parts[0], { u8: Array.from(garbage) });
  }, { lang });
}

it('a stored value that is not a byte array is kept, and an empty board works', async ({ board, page }) => {
  const room = board.room();
  const marker = 'not-a-snapshot-7f3a9c';
  // The app has read and stored its board: nothing of it can overwrite what follows.
  await board.whenSaved();
  await putStoredDoc(page, room, { json: { marker, bytes: [1, 2, 3] } });
  await board.reload();
  await alert(board).waitFor({ state: 'visible' });
  await board.waitCount(0, 'the board opens empty');
  await board.createNote({ text: 'Next to it' });
  await board.whenSaved();
  await board.reload();
  await board.waitOutline([board.noteLabel('Next to it')], 'the new note is back after the reload');
  // "It has been kept unchanged": the original value is still stored somewhere for
  // this room (the quarantine store), not overwritten by the new board.
  const q = (await readStore(page, 'quarantine')).filter((e) => e.room === room);
  assert.ok(
    q.some((e) => JSON.stringify(e).includes(marker)),
    `the unreadable value is kept in the quarantine store; quarantine for the room: ${JSON.stringify(q)}; ` +
      `docs[room] is now ${JSON.stringify((await readStore(page, 'docs')).filter((d) => JSON.stringify(d).includes(marker)))}`,
  );
});

// ---------------------------------------------------------------------------------------
// Write-ahead log
// ---------------------------------------------------------------------------------------

it('a write-ahead entry left in localStorage is applied on reload, stored, and removed', async ({ board, page }) => {
  const room = board.room();
  await board.createNote({ text: 'Mine', dx: -250 });
  await board.whenSaved();
  await eventually(async () => (await walKeys(page, room)).length === 0, { message: 'the app’s own log entries are confirmed' });

  const id = 'walNote_0123456789';
  const key = `lernraum-wal:${room}:1`;
  const otherKey = 'lernraum-wal:AnotherRoom0123:1';
  await page.evaluate(
    ([entries]) => entries.forEach(([k, v]) => localStorage.setItem(k, v)),
    [[
      [key, b64(noteUpdate({ id, text: 'From the log', x: 100, y: 80 }))],
      [otherKey, b64(noteUpdate({ id: 'otherRoomNote_0123', text: 'Other room' }))],
    ]],
  );
  await board.reload();
  await waitOutlineSet(board, [board.noteLabel('Mine'), board.noteLabel('From the log')], 'the logged note is applied');
  const el = await board.element(id);
  assert.deepEqual(
    { kind: el.kind, x: el.x, y: el.y, w: el.w, h: el.h, color: el.color, text: el.text },
    { kind: 'note', x: 100, y: 80, w: 200, h: 200, color: 'yellow', text: 'From the log' },
  );
  await eventually(async () => (await page.evaluate((k) => localStorage.getItem(k), key)) === null, {
    message: `the applied entry ${key} is removed`,
  });
  assert.deepEqual(await walKeys(page, room), [], 'no entries of this room are left');
  assert.notEqual(await page.evaluate((k) => localStorage.getItem(k), otherKey), null, 'another room’s entry is left alone');

  // Removed because it is now in IndexedDB: it is still there after another reload.
  await board.reload();
  await waitOutlineSet(board, [board.noteLabel('Mine'), board.noteLabel('From the log')], 'both notes after a second reload');
  assert.equal((await board.elements()).length, 2, 'the other room’s note never shows here');
});

it('garbage write-ahead entries do not break loading', async ({ board, page }) => {
  const room = board.room();
  await board.createNote({ text: 'Mine', dx: -250 });
  await board.whenSaved();
  const valid = noteUpdate({ id: 'walSurvivor_012345', text: 'Survivor', x: 300, y: 40 });
  const other = noteUpdate({ id: 'walTruncated_01234', text: 'Cut off' });
  const entries = [
    [`lernraum-wal:${room}:1`, '%%% this is not base64 %%%'],
    [`lernraum-wal:${room}:2`, b64(randomBytes(300, 42))],
    [`lernraum-wal:${room}:3`, b64(other.subarray(0, other.length >> 1))],
    [`lernraum-wal:${room}:4`, ''],
    [`lernraum-wal:${room}:5`, b64(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))],
    [`lernraum-wal:${room}:6`, b64(valid)],
    [`lernraum-wal:${room}:7`, b64(randomBytes(5000, 7))],
  ];
  await page.evaluate((entries) => entries.forEach(([k, v]) => localStorage.setItem(k, v)), entries);
  await board.reload();
  await board.waitElements((els) => els.some((e) => e.text === 'Mine'), 'the stored note loads');
  await board.waitElements((els) => els.some((e) => e.text === 'Survivor'), 'the valid entry next to the garbage is applied');
  const texts = (await board.elements()).map((e) => e.text).sort();
  assert.deepEqual(texts, ['Mine', 'Survivor'], 'nothing made up from the garbage');
  // Still a working board whose edits persist.
  await board.createNote({ text: 'After garbage', dx: 250 });
  await board.whenSaved();
  await board.reload();
  await waitOutlineSet(
    board,
    [board.noteLabel('Mine'), board.noteLabel('Survivor'), board.noteLabel('After garbage')],
    'all notes after another reload',
  );
});

it('a write-ahead entry whose length runs past its end does not break loading', async ({ board, page }) => {
  const room = board.room();
  await board.createNote({ text: 'Mine' });
  await board.whenSaved();
  // See UNREADABLE_BYTES: a string item whose root-name length says 2^32 - 1 bytes follow.
  await page.evaluate(
    ([k, v]) => localStorage.setItem(k, v),
    [`lernraum-wal:${room}:1`, b64(new Uint8Array([1, 1, 1, 0, 4, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]))],
  );
  await board.reload();
  await board.waitOutline([board.noteLabel('Mine')], 'the stored note loads');
  await board.createNote({ text: 'Still editable', dx: 250 });
  await board.whenSaved();
  await board.reload();
  await waitOutlineSet(board, [board.noteLabel('Mine'), board.noteLabel('Still editable')], 'both notes after another reload');
});
