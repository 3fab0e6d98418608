import { bubble, messageItem, openConversationWith, send, writeMany } from './support/chat.ts';
import { expect, test } from './support/people.ts';

/** More than the 40 of the newest page the web loads first. */
const LATER_MESSAGES = 50;

test('search finds a message far up and opens the conversation scrolled to it', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, '東京駅で会いましょう');
  const conversationId = Number(new URL(alice.page.url()).pathname.split('/').pop());
  // Far enough back that the conversation's newest page does not hold it.
  await writeMany(alice.page, conversationId, LATER_MESSAGES);

  const { page } = bob;
  await page.keyboard.press('Control+k');
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  await box.fill('東京');
  const result = page.getByTestId('search-result');
  await expect(result).toHaveCount(1);
  await expect(result).toContainText(alice.username);
  await expect(result).toContainText('just now');
  await expect(result.locator('mark')).toHaveText('東京');

  await result.click();
  await expect(page).toHaveURL(new RegExp(`/c/${conversationId}$`));
  await expect(bubble(page, '東京駅で会いましょう')).toBeInViewport();
  await expect(messageItem(page, '東京駅で会いましょう')).toHaveClass(/highlight/);
  // Context around it: the messages after it are there to read on.
  await expect(bubble(page, 'Message number 1').first()).toBeVisible();

  // Within the open conversation only, English found by the start of a word.
  await page.keyboard.press('Control+k');
  await page.getByLabel('Only in the open conversation').check();
  await box.fill('numb');
  await expect(result.first().locator('mark').first()).toHaveText('numb');
  await expect(page.getByRole('button', { name: 'Show older messages' })).toBeVisible();
});
