import { bubble, conversationRow, openConversationWith, send } from './support/chat.ts';
import { clickLatestNotification, notificationsOf, recordNotifications, setHidden } from './support/notifications.ts';
import { expect, type People, test } from './support/people.ts';

/** Bob, whose notifications are recorded (permission granted before), and two people who write to him. */
async function bobAndTwoWriters(people: People) {
  const alice = await people.signUp('alice');
  const carol = await people.signUp('carol');
  const bob = await people.signUp('bob');
  await recordNotifications(bob);
  return { alice, carol, bob };
}

test('asks only when offered, notifies of a message while the tab is hidden, and the click opens the conversation', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await recordNotifications(bob, 'default');

  // Never asked on load: the chat offers, and the browser asks when the person takes the offer.
  const offer = bob.page.getByRole('complementary', { name: 'Notifications' });
  await expect(offer).toContainText('Get notified of new messages');
  expect(await bob.page.evaluate(() => window.permissionRequests)).toBe(0);
  await offer.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(offer).toBeHidden();
  expect(await bob.page.evaluate(() => window.permissionRequests)).toBe(1);

  await setHidden(bob.page, true);
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'Lunch at noon?\nThe usual place');

  await expect
    .poll(() => notificationsOf(bob.page))
    .toEqual([
      {
        title: alice.username,
        body: 'Lunch at noon? The usual place',
        tag: expect.stringMatching(/^conversation-\d+$/),
      },
    ]);
  await expect(bob.page).toHaveTitle('(1) Chat');
  const favicon = bob.page.locator('link[rel="icon"]');
  await expect(favicon).toHaveAttribute('href', /%3Ctext[^"]*%3E1%3C%2Ftext%3E/);

  await clickLatestNotification(bob.page);
  await expect(bob.page.getByRole('heading', { level: 2, name: alice.username })).toBeVisible();
  await expect(bubble(bob.page, 'Lunch at noon?')).toBeVisible();
  expect(new URL(bob.page.url()).pathname).toMatch(/^\/c\/\d+$/);
  // Open and looked at: read, so the count leaves the title and the icon.
  await expect(bob.page).toHaveTitle('Chat');
  await expect(favicon).not.toHaveAttribute('href', /%3Ctext/);

  // The settings say the notifications are on, and keep the sound in this browser.
  await bob.page.getByRole('link', { name: 'Settings' }).click();
  await expect(bob.page.getByText('Desktop notifications are on in this browser')).toBeVisible();
  const sound = bob.page.getByRole('checkbox', { name: 'Play a sound for new messages' });
  await expect(sound).not.toBeChecked();
  await sound.check();
  await bob.page.reload();
  await expect(bob.page.getByRole('checkbox', { name: 'Play a sound for new messages' })).toBeChecked();
});

test('notifies while another conversation is open, not for the one on screen nor for my own messages from another tab', async ({
  people,
}) => {
  // Three sign-ups and a second tab: about 30 s on a quiet machine, more than the default allows on a busy one.
  test.slow();
  const { alice, carol, bob } = await bobAndTwoWriters(people);
  await openConversationWith(alice.page, bob.username);
  await openConversationWith(carol.page, bob.username);
  await openConversationWith(bob.page, carol.username);

  await send(alice.page, 'from alice, while bob reads carol');
  await expect
    .poll(() => notificationsOf(bob.page))
    .toMatchObject([{ title: alice.username, body: 'from alice, while bob reads carol' }]);

  await openConversationWith(bob.page, alice.username);
  await send(alice.page, 'seen as it comes');
  await expect(bubble(bob.page, 'seen as it comes')).toBeVisible();
  const otherTab = await bob.context.newPage();
  await otherTab.goto('/');
  await openConversationWith(otherTab, carol.username);
  await send(otherTab, 'mine, from my other tab');
  await expect(bubble(otherTab, 'mine, from my other tab')).toBeVisible();
  // Closed, or it would read carol's next message at once, and rightly leave the first tab quiet.
  await otherTab.close();
  await setHidden(bob.page, true);
  // A witness: carol's message is notified after both of those were handled.
  await send(carol.page, 'witness from carol');
  await expect.poll(async () => (await notificationsOf(bob.page)).map((n) => n.body)).toContain('witness from carol');
  expect((await notificationsOf(bob.page)).map((n) => n.body)).toEqual([
    'from alice, while bob reads carol',
    'witness from carol',
  ]);
});

test('a muted conversation notifies nobody and leaves the title, its badge stays, and my other tab follows', async ({
  people,
}) => {
  // Three sign-ups and a second tab: about 30 s on a quiet machine, more than the default allows on a busy one.
  test.slow();
  const { alice, carol, bob } = await bobAndTwoWriters(people);
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'before the mute');
  await openConversationWith(bob.page, alice.username);
  await expect(bubble(bob.page, 'before the mute')).toBeVisible();
  const otherTab = await bob.context.newPage();
  await otherTab.goto('/');
  await expect(conversationRow(otherTab, alice.username)).toBeVisible();

  const mute = bob.page.getByRole('button', { name: 'Mute conversation' });
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await mute.focus();
  await bob.page.keyboard.press('Enter');
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(conversationRow(bob.page, alice.username).getByTitle('Muted')).toBeVisible();
  // The other tab hears it over its socket.
  await expect(conversationRow(otherTab, alice.username).getByTitle('Muted')).toBeVisible();
  await otherTab.close();

  // Kept on the server: a fresh page still shows it muted.
  await bob.page.goto('/');
  await expect(conversationRow(bob.page, alice.username).getByTitle('Muted')).toBeVisible();
  await setHidden(bob.page, true);
  await send(alice.page, 'quiet please');
  await expect(conversationRow(bob.page, alice.username)).toContainText('1 unread');
  await openConversationWith(carol.page, bob.username);
  await send(carol.page, 'witness from carol');
  await expect.poll(async () => (await notificationsOf(bob.page)).map((n) => n.body)).toEqual(['witness from carol']);
  // Two unread in the list, one of them muted: the title counts carol's alone.
  await expect(bob.page).toHaveTitle('(1) Chat');

  // Unmuted, it notifies again.
  await setHidden(bob.page, false);
  await conversationRow(bob.page, alice.username).click();
  await bob.page.getByRole('button', { name: 'Mute conversation' }).click();
  await expect(bob.page.getByRole('button', { name: 'Mute conversation' })).toHaveAttribute('aria-pressed', 'false');
  await setHidden(bob.page, true);
  await send(alice.page, 'loud again');
  await expect.poll(async () => (await notificationsOf(bob.page)).map((n) => n.body)).toContain('loud again');
});
