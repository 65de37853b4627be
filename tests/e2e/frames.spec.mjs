// Frames (UI.md "Frames group what lies inside them and move it along"): taking in
// notes, parents on create/drop/drag-out, moving by the title, clicks that select,
// editing the title, deleting, and the nested outline.
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

const near = (a, b, tol = 1.5) => Math.abs(a - b) <= tol;
const byId = (els, id) => els.find((e) => e.id === id);

/**
 * The outline as a tree: one entry per top-level listitem, `{ label, children }`, where
 * `children` are the labels of the listitems in the item's nested list.
 */
async function outlineTree(board) {
  return board.outline.evaluate((ul) => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    return [...ul.children]
      .filter((li) => li.getAttribute('role') === 'listitem')
      .map((li) => {
        const nested = li.querySelector(':scope > [role=list]');
        const own = [...li.childNodes].filter((n) => n !== nested);
        return {
          label: own.map((n) => n.textContent).join('').replace(/\s+/g, ' ').trim(),
          children: nested ? [...nested.querySelectorAll(':scope > [role=listitem]')].map(text) : [],
        };
      });
  });
}

async function waitTree(board, expected, message) {
  return eventually(
    async () => {
      const got = await outlineTree(board);
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`outline is ${JSON.stringify(got)}`);
      return got;
    },
    { message: message ?? `outline to be ${JSON.stringify(expected)}`, check: () => board.page.errors?.assertNoFatal() },
  );
}

/** Draw a frame by dragging between two offsets from the board centre. */
async function drawFrame(board, [x0, y0], [x1, y1]) {
  const frame = await board.drawShape('frame', await board.boardPoint(x0, y0), await board.boardPoint(x1, y1));
  assert.equal(String(frame.kind).toLowerCase(), 'frame', `a frame: ${JSON.stringify(frame)}`);
  return frame;
}

it('a frame drawn around notes takes them in, and the outline nests them under it', async ({ board }) => {
  const a = await board.createNote({ text: 'Inside A', dx: -120, dy: -30 });
  const b = await board.createNote({ text: 'Inside B', dx: 120, dy: -30 });
  const c = await board.createNote({ text: 'Outside', dx: 0, dy: 230 });
  const frame = await drawFrame(board, [-260, -170], [260, 100]);
  assert.equal(frame.text, 'Frame', 'a new frame is titled "Frame"');
  await board.waitSelected([frame.id], 'the new frame is selected');
  await board.waitPressed(board.tool('select'), true, 'the tool returns to Select after one frame');
  const els = await board.waitElements(
    (els) => byId(els, a.id)?.parent === frame.id && byId(els, b.id)?.parent === frame.id,
    'both enclosed notes get the frame as parent',
  );
  assert.equal(byId(els, c.id).parent, null, 'the note outside keeps no parent');
  for (const n of [a, b, c]) {
    const e = byId(els, n.id);
    assert.deepEqual([e.x, e.y], [n.x, n.y], 'drawing a frame moves nothing');
  }
  await waitTree(board, [
    { label: 'Note: Outside', children: [] },
    { label: 'Frame: Frame', children: ['Note: Inside A', 'Note: Inside B'] },
  ]);
  const nested = board.outline.getByRole('listitem').filter({ hasText: 'Frame: Frame' }).getByRole('list');
  assert.equal(await nested.count(), 1, 'the frame item holds one nested list');
  assert.deepEqual(await nested.getByRole('listitem').allInnerTexts(), ['Note: Inside A', 'Note: Inside B']);
});

it('a note created inside a frame is its child; dropped in it becomes one; dragged out it is free', async ({ board }) => {
  const frame = await drawFrame(board, [-300, -200], [100, 150]);
  const inner = await board.createNote({ text: 'Born inside', dx: -180, dy: -60 });
  const outer = await board.createNote({ text: 'Comes in', dx: 300, dy: -20 });
  let els = await board.waitElements((els) => byId(els, inner.id)?.parent === frame.id, 'a note created in the frame has it as parent');
  assert.equal(byId(els, outer.id).parent, null, 'a note created outside has no parent');

  await board.dragElement(outer.id, -320, 80);
  els = await board.waitElements((els) => byId(els, outer.id)?.parent === frame.id, 'a note dropped inside the frame gets it as parent');
  await waitTree(board, [{ label: 'Frame: Frame', children: ['Note: Born inside', 'Note: Comes in'] }]);

  await board.dragElement(inner.id, 480, 0);
  els = await board.waitElements((els) => byId(els, inner.id)?.parent === null, 'a note dragged out of the frame loses its parent');
  assert.equal(byId(els, outer.id).parent, frame.id, 'the other note stays in the frame');
  await waitTree(board, [
    { label: 'Frame: Frame', children: ['Note: Comes in'] },
    { label: 'Note: Born inside', children: [] },
  ]);
});

it('dragging a frame by its title moves its children along, and nothing else', async ({ board }) => {
  const frame = await drawFrame(board, [-300, -180], [60, 120]);
  const child = await board.createNote({ text: 'Child', dx: -120, dy: -30 });
  const other = await board.createNote({ text: 'Other', dx: 250, dy: -30 });
  await board.waitElements((els) => byId(els, child.id)?.parent === frame.id, 'the note is in the frame');
  const { z } = await board.view();
  const grip = await board.frameTitlePoint(frame);
  await board.assertBoardAt(grip.x, grip.y);
  await board.drag(grip, { x: grip.x + 80, y: grip.y + 50 });
  const els = await board.waitElements((els) => {
    const f = byId(els, frame.id);
    return near(f.x, frame.x + 80 / z) && near(f.y, frame.y + 50 / z);
  }, 'the frame moved by (80, 50) px');
  const c = byId(els, child.id);
  assert.ok(near(c.x, child.x + 80 / z) && near(c.y, child.y + 50 / z), `the child moved along: ${JSON.stringify(c)} from ${JSON.stringify(child)}`);
  assert.equal(c.parent, frame.id, 'the child stays in the frame');
  const o = byId(els, other.id);
  assert.deepEqual([o.x, o.y], [other.x, other.y], 'the note outside did not move');
  const f = byId(els, frame.id);
  assert.deepEqual([f.w, f.h], [frame.w, frame.h], 'moving keeps the frame size');
});

it('a click inside a frame does not select it; a click on its title or border does', async ({ board }) => {
  const frame = await drawFrame(board, [-250, -150], [150, 150]);
  await board.clickEmpty(-50, 0);
  await board.waitSelected([], 'a click in the empty inside of a frame selects nothing');
  const title = await board.frameTitlePoint(frame);
  await board.page.mouse.click(title.x, title.y);
  await board.waitSelected([frame.id], 'a click on the title selects the frame');
  await board.clickEmpty(-50, 0);
  await board.waitSelected([], 'a click inside clears the selection again');
  const edge = await board.toScreen(frame.x, frame.y + frame.h / 2);
  await board.page.mouse.click(edge.x, edge.y);
  await board.waitSelected([frame.id], 'a click on the border selects the frame');
});

it('double-click on the title opens the title editor', async ({ board, page }) => {
  const frame = await drawFrame(board, [-250, -150], [150, 150]);
  const title = await board.frameTitlePoint(frame);
  await page.mouse.dblclick(title.x, title.y);
  await board.waitEditorFocused();
  assert.equal(await board.editor.inputValue(), 'Frame', 'the editor holds the current title');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type("Do's");
  await page.keyboard.press('Escape');
  await board.waitEditorClosed();
  await board.waitElements((els) => byId(els, frame.id)?.text === "Do's", 'the frame has the new title');
  await board.waitOutline(["Frame: Do's"]);
});

it('deleting a frame leaves its children on the board, out of any frame', async ({ board }) => {
  const frame = await drawFrame(board, [-300, -180], [200, 120]);
  const one = await board.createNote({ text: 'One', dx: -150, dy: -30 });
  const two = await board.createNote({ text: 'Two', dx: 80, dy: -30 });
  await board.waitElements((els) => els.filter((e) => e.parent === frame.id).length === 2, 'both notes are in the frame');
  const title = await board.frameTitlePoint(frame);
  await board.page.mouse.click(title.x, title.y);
  await board.waitSelected([frame.id]);
  await board.press('Delete');
  const els = await board.waitCount(2, 'only the frame is deleted');
  assert.deepEqual(els.map((e) => e.id).sort(), [one.id, two.id].sort());
  assert.deepEqual(els.map((e) => e.parent), [null, null], 'the children have no parent any more');
  await waitTree(board, [
    { label: 'Note: One', children: [] },
    { label: 'Note: Two', children: [] },
  ]);
});

it('German: a new frame is titled "Rahmen"', async ({ board }) => {
  const frame = await drawFrame(board, [-250, -150], [150, 150]);
  assert.equal(frame.text, 'Rahmen');
  await board.waitOutline(['Rahmen: Rahmen']);
}, { lang: 'de' });
