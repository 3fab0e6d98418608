import { bubble, conversationRow, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('on a phone, deleting a conversation asks first and removes it for me only', async ({ people }) => {
  const alice = await people.signUp('alice', { phone: true, colorScheme: 'dark' });
  const bob = await people.signUp('bob');
  const { page } = alice;

  // On a phone the list and the conversation are two screens.
  await checkScreen(page, 'phone-list');
  await page.getByRole('button', { name: 'People', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search people' }).fill(bob.username);
  await page.getByTestId(`person-${bob.username}`).click();
  await expect(page.getByRole('heading', { level: 2, name: bob.username })).toBeVisible();
  await expect(page.getByRole('navigation')).toBeHidden();
  await send(page, 'This stays with Bob');
  await expect(conversationRow(bob.page, alice.username)).toContainText('This stays with Bob');
  await checkScreen(page, 'phone-conversation');
  await page.getByRole('link', { name: 'Back to conversations' }).click();
  await expect(conversationRow(page, bob.username)).toBeVisible();
  await conversationRow(page, bob.username).click();

  // Escape (or Cancel) changes nothing.
  await page.getByRole('button', { name: 'Delete conversation' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete your conversation with ${bob.username}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await checkScreen(page, 'phone-delete-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(bubble(page, 'This stays with Bob')).toBeVisible();

  await page.getByRole('button', { name: 'Delete conversation' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('No conversations yet.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('No conversations yet.')).toBeVisible();

  // Bob keeps everything.
  await bob.page.reload();
  await conversationRow(bob.page, alice.username).click();
  await expect(bubble(bob.page, 'This stays with Bob')).toBeVisible();

  // When Bob writes again, the conversation comes back to Alice, without the deleted history.
  await send(bob.page, 'Still there?');
  await expect(conversationRow(page, bob.username).locator('.badge')).toHaveText('1 unread');
  await conversationRow(page, bob.username).click();
  await expect(bubble(page, 'Still there?')).toBeVisible();
  await expect(bubble(page, 'This stays with Bob')).toHaveCount(0);
});
