import { bubble, conversationRow, messageLog, openConversationWith, send, writeMany } from './support/chat.ts';
import { expect, test } from './support/people.ts';

const MESSAGES = 90;

test('scrolling up loads older messages and keeps the reader in place', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Message number 0');
  const conversationId = Number(new URL(alice.page.url()).pathname.split('/').pop());
  await writeMany(alice.page, conversationId, MESSAGES);

  const { page } = bob;
  await conversationRow(page, alice.username).click();
  const log = messageLog(page);
  // The newest page shows, scrolled to the bottom; the oldest messages are not loaded yet.
  await expect(bubble(page, `Message number ${MESSAGES}`)).toBeInViewport();
  await expect(bubble(page, 'Message number 0')).toHaveCount(0);

  // Scrolling to the top brings the page before it, and what was on screen stays where it was.
  const firstText = (await log.locator('.bubble').first().textContent()) ?? '';
  const reader = bubble(page, firstText);
  const offsetAtTop = await reader.evaluate(
    (element, log) => element.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop,
    await log.elementHandle(),
  );
  await log.evaluate((element) => element.scrollTo({ top: 0 }));
  await expect(log.locator('.bubble').first()).not.toHaveText(firstText);
  const offsetAfterLoad = await reader.evaluate(
    (element, log) => element.getBoundingClientRect().top - log.getBoundingClientRect().top,
    await log.elementHandle(),
  );
  expect(Math.abs(offsetAfterLoad - offsetAtTop)).toBeLessThan(2);

  // Further up, the very first message and the start of the conversation.
  await expect(async () => {
    await log.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect(page.getByText(`This is the start of your conversation with ${alice.username}.`)).toBeVisible({
      timeout: 1000,
    });
  }).toPass();
  await expect(bubble(page, 'Message number 0')).toHaveCount(1);
  await expect(log.locator('.bubble')).toHaveCount(MESSAGES + 1);
});
