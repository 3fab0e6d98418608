import type { Page } from '@playwright/test';
import { bubble, composer, messageItem, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, type Person, test } from './support/people.ts';
import { interceptSocket } from './support/socket.ts';

/** The browser says the network is back, as it does when a cable is plugged in again: the page reconnects at once. */
const networkBack = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('online')));

async function logIn(page: Page, person: Person): Promise<void> {
  await page.getByLabel('Username or email').fill(person.username);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('messages written while the connection is down survive a reload and reach the peer once each, in order', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const socket = await interceptSocket(alice.page);
  await alice.page.reload();
  await openConversationWith(alice.page, bob.username);
  await openConversationWith(bob.page, alice.username);

  // Stored by the server, but the ack never reaches Alice: for her it is still on its way.
  socket.dropAcks(true);
  await send(alice.page, 'Stored, ack lost');
  await expect(bubble(bob.page, 'Stored, ack lost')).toBeVisible();
  await expect(messageItem(alice.page, 'Stored, ack lost').locator('.status')).toHaveText('Sending…');

  // The connection goes; what she writes now waits.
  await socket.cut();
  socket.dropAcks(false);
  await send(alice.page, 'Written in the tunnel');
  await send(alice.page, 'And another one');
  const waiting = ['Stored, ack lost', 'Written in the tunnel', 'And another one'];

  // A reload, still without a connection: the unsent messages are still there, still sending; the one
  // stored meanwhile shows once, as the history has it.
  await alice.page.reload();
  await expect(messageLog(alice.page).locator('.bubble')).toHaveText(waiting);
  for (const text of waiting.slice(1)) {
    await expect(messageItem(alice.page, text).locator('.status')).toHaveText('Sending…');
  }
  await expect(bubble(bob.page, 'Written in the tunnel')).toHaveCount(0);

  // The connection returns: each goes out under its first id, and Bob has each exactly once, in order.
  socket.restore();
  await networkBack(alice.page);
  await expect(messageItem(alice.page, 'And another one').locator('.status')).toHaveText(/^(Sent|Seen)$/);
  await expect(alice.page.getByText('Sending…')).toHaveCount(0);
  await expect(messageLog(bob.page).locator('.bubble')).toHaveText(waiting);
  for (const person of [alice, bob]) {
    await person.page.reload();
    await expect(messageLog(person.page).locator('.bubble')).toHaveText(waiting);
  }
});

test('a draft stays with its conversation across switching and a reload, and leaves when sent', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const carol = await people.signUp('carol');
  const { page } = alice;

  await openConversationWith(page, bob.username);
  await composer(page).fill('Half a thought for Bob');
  await openConversationWith(page, carol.username);
  await expect(composer(page)).toHaveValue('');
  await composer(page).fill('Something for Carol');
  await openConversationWith(page, bob.username);
  await expect(composer(page)).toHaveValue('Half a thought for Bob');

  await page.reload();
  await expect(composer(page)).toHaveValue('Half a thought for Bob');
  await composer(page).press('Enter');
  await expect(messageItem(page, 'Half a thought for Bob').locator('.status')).toHaveText(/^(Sent|Seen)$/);
  await expect(composer(page)).toHaveValue('');
  await page.reload();
  await expect(composer(page)).toHaveValue('');
  await openConversationWith(page, carol.username);
  await expect(composer(page)).toHaveValue('Something for Carol');
});

test('someone signing in after a sign-out on the same browser never sends or sees what was left unsent', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const carol = await people.signUp('carol');
  const { page } = alice;
  const socket = await interceptSocket(page);
  await page.reload();
  await openConversationWith(page, bob.username);

  await socket.cut();
  await send(page, 'Only Alice may send this');
  await composer(page).fill('Alice’s unfinished draft');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('chat:')))).toEqual([]);

  // Carol signs in at the same browser, and her connection works.
  socket.restore();
  await logIn(page, carol);
  await openConversationWith(page, bob.username);
  await expect(composer(page)).toHaveValue('');
  await expect(messageLog(page).locator('.message')).toHaveCount(0);
  // A send left over would have gone out on connecting, before this one.
  await send(page, 'Carol says hello');
  await expect(messageItem(page, 'Carol says hello').locator('.status')).toHaveText(/^(Sent|Seen)$/);
  await openConversationWith(bob.page, carol.username);
  await expect(messageLog(bob.page).locator('.bubble')).toHaveText(['Carol says hello']);
  await openConversationWith(bob.page, alice.username);
  await expect(messageLog(bob.page).locator('.message')).toHaveCount(0);
});
