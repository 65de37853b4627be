// The board title and the home view listing the boards this browser knows
// (ROOMS.md: "A home view lists the boards this browser knows").
import assert from 'node:assert/strict';
import { e2eSuite, eventually } from './harness.mjs';

const { it } = e2eSuite(import.meta.url);

it('a new board is "Untitled board"; typing + Enter renames it', async ({ board }) => {
  assert.equal(await board.title.inputValue(), 'Untitled board');
  await board.setTitle('Team agreement');
  assert.equal(await board.title.inputValue(), 'Team agreement');
  // Enter commits: the title stays after focus moves on, and is the one the home view lists.
  await board.board.focus();
  assert.equal(await board.title.inputValue(), 'Team agreement');
  await board.whenSaved();
  await board.openHome();
  await board.home.getByRole('link', { name: 'Team agreement', exact: true }).waitFor({ state: 'visible' });
});

it('blur also renames', async ({ board }) => {
  await board.setTitle('Blurred title', { commit: 'blur' });
  await board.whenSaved();
  await board.openHome();
  await board.home.getByRole('link', { name: 'Blurred title', exact: true }).waitFor({ state: 'visible' });
});

it('the home view lists known boards by title; a link opens its board', async ({ board }) => {
  const first = board.room();
  await board.createNote({ text: 'In the first board' });
  await board.setTitle('First board');
  await board.whenSaved();

  await board.openHome();
  await board.newBoardButton.click();
  await board.waitReady();
  await eventually(() => board.room() !== first, { message: '"New board" opens a board with a new room' });
  const second = board.room();
  await board.waitCount(0, 'the new board is empty');
  await eventually(async () => (await board.title.inputValue()) === 'Untitled board', { message: 'the new board is "Untitled board"' });
  await board.setTitle('Second board');
  await board.whenSaved();

  await board.openHome();
  const links = board.home.getByRole('link');
  await eventually(async () => {
    const names = (await links.allInnerTexts()).map((s) => s.trim());
    if (!names.includes('First board') || !names.includes('Second board')) throw new Error(`links: ${JSON.stringify(names)}`);
    return true;
  }, { message: 'both boards are listed by title' });

  await board.home.getByRole('link', { name: 'First board', exact: true }).click();
  await board.waitReady();
  await eventually(() => board.room() === first, { message: `the link opens the first board (room ${first})` });
  await board.waitOutline(['Note: In the first board']);
  await eventually(async () => (await board.title.inputValue()) === 'First board', { message: 'the title is "First board"' });

  await board.openHome();
  await board.home.getByRole('link', { name: 'Second board', exact: true }).click();
  await board.waitReady();
  await eventually(() => board.room() === second, { message: 'the link opens the second board' });
  await board.waitOutline([]);
});

it('the board list survives a reload', async ({ board }) => {
  await board.setTitle('Remembered');
  await board.whenSaved();
  await board.reload();
  await board.openHome();
  await board.home.getByRole('link', { name: 'Remembered', exact: true }).waitFor({ state: 'visible' });
});

it('German: Board-Titel, Unbenanntes Board, Deine Boards, Neues Board', async ({ board }) => {
  assert.equal(await board.title.inputValue(), 'Unbenanntes Board');
  await board.setTitle('Teamvereinbarung');
  await board.whenSaved();
  await board.openHome();
  await board.home.getByRole('link', { name: 'Teamvereinbarung', exact: true }).waitFor({ state: 'visible' });
  const first = board.room();
  await board.newBoardButton.click();
  await board.waitReady();
  await eventually(() => board.room() !== first, { message: '"Neues Board" opens a new board' });
  await eventually(async () => (await board.title.inputValue()) === 'Unbenanntes Board', { message: 'the new board is "Unbenanntes Board"' });
}, { lang: 'de' });
