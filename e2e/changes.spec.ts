import type { Page } from '@playwright/test';
import {
  bubble,
  composer,
  messageItem,
  messageLog,
  openConversationId,
  openConversationWith,
  send,
  writeMany,
} from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';
import { interceptSocket } from './support/socket.ts';

/** Opens a message's menu, as a person does by hovering it and pressing its button. */
async function menuOf(page: Page, text: string) {
  const item = messageItem(page, text);
  await item.hover();
  await item.getByRole('button', { name: 'Message actions' }).click();
  return item.getByRole('group', { name: 'Message actions' });
}

/** A message by its own text exactly, not by a reply's quote of it. */
const original = (page: Page, text: string) =>
  messageLog(page)
    .locator('.message')
    .filter({ has: page.locator('p.text').getByText(text, { exact: true }) });

async function react(page: Page, text: string, emoji: string) {
  const menu = await menuOf(page, text);
  await menu.getByRole('button', { name: 'React', exact: true }).click();
  await menu.getByRole('button', { name: `React with ${emoji}` }).click();
}

test('edit, delete, reply with a jump to the original, and react, on both sides', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Meet at noon?');
  await writeMany(alice.page, openConversationId(alice.page), 45);
  await openConversationWith(bob.page, alice.username);
  const bobLog = messageLog(bob.page);

  // Bob scrolls up to the first message and answers it.
  await expect(async () => {
    await bobLog.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect(original(bob.page, 'Meet at noon?')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await (await menuOf(bob.page, 'Meet at noon?')).getByRole('button', { name: 'Reply' }).click();
  await checkScreen(bob.page, 'chat-reply');
  await expect(bob.page.getByText(/Replying to/)).toContainText('Meet at noon?');
  await send(bob.page, 'Noon works');
  const quoted = messageItem(alice.page, 'Noon works').getByRole('button', { name: /^Reply to .*Meet at noon\?/ });
  await expect(quoted).toBeVisible();

  // After a reload only the newest page is there; the quote brings the original back and shows it.
  await bob.page.reload();
  await expect(bubble(bob.page, 'Noon works')).toBeVisible();
  await expect(original(bob.page, 'Meet at noon?')).toHaveCount(0);
  await messageItem(bob.page, 'Noon works')
    .getByRole('button', { name: /^Reply to / })
    .click();
  await expect(original(bob.page, 'Meet at noon?')).toBeInViewport();
  await expect(original(bob.page, 'Meet at noon?')).toBeFocused();

  // Alice: ↑ in the empty composer edits her last message, Esc cancels, Enter saves.
  await composer(alice.page).press('ArrowUp');
  await expect(alice.page.getByText('Editing your message')).toBeVisible();
  await composer(alice.page).press('Escape');
  await expect(alice.page.getByText('Editing your message')).toHaveCount(0);
  await composer(alice.page).press('ArrowUp');
  await expect(composer(alice.page)).toHaveValue('Message number 45');
  await composer(alice.page).fill('Message number 45, corrected');
  await composer(alice.page).press('Enter');
  await expect(messageItem(bob.page, 'Message number 45, corrected').locator('.edited')).toHaveText('edited');

  // Reactions: Bob's shows to Alice with who gave it; hers joins it.
  await react(bob.page, 'Message number 44', '👍');
  const thumbs = messageItem(alice.page, 'Message number 44').getByRole('button', { name: /^👍 / });
  await expect(thumbs).toHaveAccessibleName(`👍 1: ${bob.username}`);
  await thumbs.click();
  await expect(messageItem(bob.page, 'Message number 44').getByRole('button', { name: /^👍 / })).toHaveAccessibleName(
    `👍 2: you and ${alice.username}`,
  );
  await expect(thumbs).toHaveAttribute('aria-pressed', 'true');

  // Delete for everyone: gone on both sides.
  const menu = await menuOf(alice.page, 'Message number 43');
  await checkScreen(alice.page, 'chat-message-menu');
  await menu.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(bubble(bob.page, 'Message number 43')).toHaveCount(0);
  await expect(bubble(alice.page, 'Message number 43')).toHaveCount(0);
  await expect(bobLog.getByText('This message was deleted')).toHaveCount(1);
  await bob.page.reload();
  await expect(messageLog(bob.page).getByText('This message was deleted')).toHaveCount(1);
  await expect(bubble(bob.page, 'Message number 45, corrected')).toBeVisible();
});

test('a browser away during an edit, a delete, a reply and a reaction shows all four when it is back', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const socket = await interceptSocket(bob.page);
  await bob.page.reload();
  await openConversationWith(alice.page, bob.username);
  for (const text of ['Fix me', 'Delete me', 'React to me', 'Answer me']) await send(alice.page, text);
  await openConversationWith(bob.page, alice.username);
  await expect(bubble(bob.page, 'Answer me')).toBeVisible();

  await socket.cut();
  await (await menuOf(alice.page, 'Fix me')).getByRole('button', { name: 'Edit' }).click();
  await composer(alice.page).fill('Fixed');
  await composer(alice.page).press('Enter');
  await (await menuOf(alice.page, 'Delete me')).getByRole('button', { name: 'Delete for everyone' }).click();
  await react(alice.page, 'React to me', '🎉');
  await (await menuOf(alice.page, 'Answer me')).getByRole('button', { name: 'Reply' }).click();
  await send(alice.page, 'Answered myself');
  await expect(messageItem(alice.page, 'React to me').getByRole('button', { name: /^🎉 / })).toBeVisible();
  await expect(bubble(bob.page, 'Fix me')).toBeVisible();

  socket.restore();
  await expect(bubble(bob.page, 'Fixed')).toBeVisible({ timeout: 20_000 });
  await expect(bubble(bob.page, 'Delete me')).toHaveCount(0);
  await expect(messageLog(bob.page).getByText('This message was deleted')).toHaveCount(1);
  await expect(messageItem(bob.page, 'React to me').getByRole('button', { name: /^🎉 / })).toHaveAccessibleName(
    `🎉 1: ${alice.username}`,
  );
  await expect(
    messageItem(bob.page, 'Answered myself').getByRole('button', { name: /^Reply to .*Answer me/ }),
  ).toBeVisible();
});
