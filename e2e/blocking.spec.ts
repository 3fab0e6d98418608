import { bubble, composer, conversationRow, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('blocking from the conversation: the other side is refused with a visible reason; unblocking lets messages flow again', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');

  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Before the block');
  await conversationRow(bob.page, alice.username).click();
  await expect(bubble(bob.page, 'Before the block')).toBeVisible();
  const aliceStatus = bob.page.locator('.pane-status');
  await expect(aliceStatus).toHaveText('Online');

  // Alice blocks Bob, after a question that says what it does.
  await alice.page.getByRole('button', { name: `Block ${bob.username}` }).click();
  const dialog = alice.page.getByRole('dialog', { name: `Block ${bob.username}?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Block' }).click();
  await expect(dialog).toBeHidden();
  await expect(alice.page.getByText(`You blocked ${bob.username}. Unblock them to send messages.`)).toBeVisible();
  await expect(composer(alice.page)).toBeHidden();
  await checkScreen(alice.page, 'blocked-conversation');

  // Bob no longer sees Alice online, and what he sends is refused, visibly, never delivered.
  await expect(aliceStatus).toHaveText('Offline');
  await send(bob.page, 'Are you there?');
  await expect(bob.page.getByRole('alert')).toHaveText(/Not sent: You can't message this person\./);
  await expect(bubble(alice.page, 'Before the block')).toBeVisible();
  await expect(bubble(alice.page, 'Are you there?')).toHaveCount(0);

  // The directory marks him; the settings list him, and unblock him there.
  await alice.page.getByRole('button', { name: 'People', exact: true }).click();
  await alice.page.getByRole('searchbox', { name: 'Search people' }).fill(bob.username);
  await expect(alice.page.getByTestId(`person-${bob.username}`)).toContainText('Blocked');
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  const list = alice.page.getByRole('list', { name: 'Blocked people' });
  await expect(list).toContainText(bob.username);
  await list.getByRole('button', { name: 'Unblock' }).click();
  await expect(alice.page.getByText('You have not blocked anyone.')).toBeVisible();
  await alice.page.getByRole('link', { name: '← Back to chats' }).click();

  // Messages flow again both ways, and Bob's presence view of Alice comes back.
  await conversationRow(alice.page, bob.username).click();
  await expect(aliceStatus).toHaveText('Online');
  await send(alice.page, 'Back again');
  await expect(bubble(bob.page, 'Back again')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Retry' }).click();
  await expect(bubble(alice.page, 'Are you there?')).toBeVisible();
});
