import { messageItem, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';

test('messages one person sends in a row share one time stamp, under the last of them', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);
  for (const text of ['First line', 'Second line', 'Third line']) await send(alice.page, text);
  await openConversationWith(bob.page, alice.username);
  await send(bob.page, 'My answer');

  for (const page of [alice.page, bob.page]) {
    await expect(messageItem(page, 'My answer')).toBeVisible();
    await expect(messageItem(page, 'First line').locator('time')).toHaveCount(0);
    await expect(messageItem(page, 'Second line').locator('time')).toHaveCount(0);
    await expect(messageItem(page, 'Third line').locator('time')).toHaveCount(1);
    // Another sender starts a group of its own, with its own time.
    await expect(messageItem(page, 'My answer').locator('time')).toHaveCount(1);
    await expect(messageLog(page).locator('.message.continued')).toHaveCount(2);
  }
});
