import { conversationRow, openConversationWith } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';
import { interceptSocket } from './support/socket.ts';

/** The dot's colours in the light theme (styles.css: --online, --offline). */
const GREEN = 'rgb(30, 158, 84)';
const GREY = 'rgb(138, 147, 163)';

test('a contact turns grey after leaving and green on return, in the directory and the chat list', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');

  // In the directory (watched while on screen) before any conversation exists.
  await alice.page.getByRole('button', { name: 'People', exact: true }).click();
  await alice.page.getByRole('searchbox', { name: 'Search people' }).fill(bob.username);
  const bobInDirectory = alice.page.getByTestId(`person-${bob.username}`);
  await expect(bobInDirectory).toContainText('Online');
  await expect(bobInDirectory.getByRole('img', { name: 'Online' })).toHaveCSS('background-color', GREEN);
  await checkScreen(alice.page, 'directory-online');

  // Bob closes his only tab: once the grace period has passed, he is offline, with a "last seen".
  await bob.page.close();
  await expect(bobInDirectory.getByRole('img', { name: 'Offline, last seen just now' })).toHaveCSS(
    'background-color',
    GREY,
  );
  await expect(bobInDirectory).toContainText('Last seen just now');

  // He comes back.
  bob.page = await bob.context.newPage();
  await bob.page.goto('/');
  await expect(bobInDirectory.getByRole('img', { name: 'Online' })).toHaveCSS('background-color', GREEN);
  await expect(bobInDirectory).toContainText('Online');

  // A conversation peer is watched by the server itself: the list and the header follow him too.
  await openConversationWith(alice.page, bob.username);
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');
  await bob.page.close();
  await expect(alice.page.locator('.pane-status')).toHaveText('Last seen just now');
  await expect(
    conversationRow(alice.page, bob.username).getByRole('img', { name: 'Offline, last seen just now' }),
  ).toHaveCSS('background-color', GREY);
  await checkScreen(alice.page, 'chat-peer-offline');
  bob.page = await bob.context.newPage();
  await bob.page.goto('/');
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');
  await expect(conversationRow(alice.page, bob.username).getByRole('img', { name: 'Online' })).toBeVisible();
});

test("while our own connection is down, a contact's presence shows as unknown, not as their last state", async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const socket = await interceptSocket(alice.page);
  await alice.page.reload();
  await openConversationWith(alice.page, bob.username);
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');

  // Alice's socket drops and stays down: Bob may have left meanwhile, so she is not told "Online".
  await socket.cut();
  await expect(alice.page.locator('.pane-status')).toHaveText('Connecting…');
  await expect(
    conversationRow(alice.page, bob.username).getByRole('img', { name: 'Presence unknown while connecting' }),
  ).toBeVisible();

  socket.restore();
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');
  await expect(conversationRow(alice.page, bob.username).getByRole('img', { name: 'Online' })).toBeVisible();
});
