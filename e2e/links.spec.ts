import { bubble, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';

test('links and email addresses in a message are clickable, open in a new tab, and only safe ones', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Docs at https://example.com/guide, mail help@example.org, not javascript:alert(1)');

  await openConversationWith(bob.page, alice.username);
  const message = bubble(bob.page, 'Docs at');
  await expect(message).toBeVisible();
  const web = message.getByRole('link', { name: 'https://example.com/guide' });
  await expect(web).toHaveAttribute('href', 'https://example.com/guide');
  await expect(web).toHaveAttribute('target', '_blank');
  await expect(web).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(message.getByRole('link', { name: 'help@example.org' })).toHaveAttribute(
    'href',
    'mailto:help@example.org',
  );
  await expect(message.getByRole('link')).toHaveCount(2);
  await expect(message).toContainText('not javascript:alert(1)');
});
