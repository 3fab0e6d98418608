import { bubble, conversationRow, messageItem, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';
import { interceptSocket } from './support/socket.ts';

test('messages written while offline are delivered once, even when an ack was lost', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const socket = await interceptSocket(alice.page);
  await alice.page.reload();
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Before the tunnel');
  await openConversationWith(bob.page, alice.username);
  await expect(bubble(bob.page, 'Before the tunnel')).toBeVisible();

  // The server stores this one, but its ack never reaches Alice: it stays "Sending…" for her.
  socket.dropAcks(true);
  await send(alice.page, 'Stored, ack lost');
  await expect(bubble(bob.page, 'Stored, ack lost')).toBeVisible();
  await expect(messageItem(alice.page, 'Stored, ack lost').locator('.status')).toHaveText('Sending…');

  // Then the network goes: the banner says so, and a new message waits.
  await socket.cut();
  socket.dropAcks(false);
  await alice.context.setOffline(true);
  await expect(alice.page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  await send(alice.page, 'Written in the tunnel');
  await expect(messageItem(alice.page, 'Written in the tunnel').locator('.status')).toHaveText('Sending…');
  await checkScreen(alice.page, 'chat-offline');
  await alice.context.setOffline(false);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
  await expect(bubble(bob.page, 'Written in the tunnel')).toHaveCount(0);

  // The network comes back: both go out again under their ids, and each is stored and shown once.
  socket.restore();
  // Bob has the conversation open, so "Sent" soon turns to "Seen".
  await expect(messageItem(alice.page, 'Written in the tunnel').locator('.status')).toHaveText(/^(Sent|Seen)$/);
  await expect(messageItem(alice.page, 'Stored, ack lost')).not.toContainText('Sending…');
  await expect(alice.page.getByRole('status').filter({ hasText: /Reconnecting|offline/ })).toHaveCount(0);
  await expect(bubble(bob.page, 'Written in the tunnel')).toHaveCount(1);
  for (const page of [alice.page, bob.page]) {
    await page.reload();
    await expect(page.getByRole('log').locator('.bubble')).toHaveText([
      'Before the tunnel',
      'Stored, ack lost',
      'Written in the tunnel',
    ]);
  }
});

test('a refused message can be retried and arrives once; the composer counts down to the limit', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  const socket = await interceptSocket(alice.page);
  await alice.page.reload();
  await openConversationWith(alice.page, bob.username);

  socket.refuseOnce('Too fast for the server');
  await send(alice.page, 'Too fast for the server');
  const refused = messageItem(alice.page, 'Too fast for the server');
  await expect(refused).toContainText('Not sent');
  await checkScreen(alice.page, 'chat-send-failed');
  await refused.getByRole('button', { name: 'Retry' }).click();
  await expect(refused.locator('.status')).toHaveText('Sent');
  await expect(conversationRow(bob.page, alice.username)).toContainText('Too fast for the server');
  await conversationRow(bob.page, alice.username).click();
  await expect(bubble(bob.page, 'Too fast for the server')).toHaveCount(1);

  // Near the limit the composer says how much room is left; past it, it will not send.
  const composer = alice.page.getByRole('textbox', { name: /^Message / });
  await composer.fill('x'.repeat(3990));
  await expect(alice.page.getByText('10 characters left')).toBeVisible();
  await composer.fill('x'.repeat(4005));
  await expect(alice.page.getByText('5 characters over the limit')).toBeVisible();
  await composer.press('Enter');
  await expect(alice.page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(messageLog(alice.page).locator('.message')).toHaveCount(1);
  await checkScreen(alice.page, 'composer-over-limit');
});
