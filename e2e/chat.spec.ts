import { bubble, conversationRow, messageItem, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, mailLink, type Person, test } from './support/people.ts';
import { checkScreen, publishScreenshot } from './support/screens.ts';

/** Sign-up as a person does it: the form, the mail, the link. */
async function signUpThroughUi(person: Person, request: Parameters<typeof mailLink>[0]) {
  const { page } = person;
  await page.goto('/signup');
  await page.getByLabel('Username').fill(person.username);
  await expect(page.getByText('That username is free.')).toBeVisible();
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await page.goto(await mailLink(request, person.email, '/verify'));
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
  await page.getByRole('link', { name: 'Start chatting' }).click();
  await expect(page.getByRole('heading', { name: 'Your messages' })).toBeVisible();
}

test('Alice and Bob sign up, find each other and chat', async ({ people, request }) => {
  // Three people through sign-up and a chat, with an accessibility scan of every screen on the way:
  // 52 s of the 60 s budget on a slow machine, over it on a slower one.
  test.slow();
  const alice = await people.open('alice');
  const bob = await people.open('bob', { colorScheme: 'dark' });
  const carol = await people.signUp('carol');

  // Alice's sign-up, with the live checks and the "check your email" step on the way.
  await alice.page.goto('/');
  await expect(alice.page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await checkScreen(alice.page, 'login');
  await alice.page.getByRole('link', { name: 'Create an account' }).click();
  await alice.page.getByLabel('Username').fill(alice.username);
  await expect(alice.page.getByText('That username is free.')).toBeVisible();
  await alice.page.getByLabel('Email').fill('alice@');
  await expect(alice.page.getByText('Enter an email address, like name@example.com.')).toBeVisible();
  await alice.page.getByLabel('Email').fill(alice.email);
  await expect(alice.page.getByText('We will send a confirmation link there.')).toBeVisible();
  await alice.page.getByLabel('Password', { exact: true }).fill('sunshine');
  await expect(alice.page.getByText('Too easy to guess. Pick something less common.')).toBeVisible();
  await alice.page.getByLabel('Password', { exact: true }).fill(alice.password);
  await expect(alice.page.getByText(/^Strength: /)).toBeVisible();
  await checkScreen(alice.page, 'signup');
  await alice.page.getByRole('button', { name: 'Create account' }).click();
  await expect(alice.page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect(alice.page.getByText(alice.email)).toBeVisible();
  await alice.page.getByRole('button', { name: 'Resend the email' }).click();
  await expect(alice.page.getByText('We sent the email again.')).toBeVisible();
  await checkScreen(alice.page, 'check-email');
  await alice.page.goto(await mailLink(request, alice.email, '/verify'));
  await expect(alice.page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
  await checkScreen(alice.page, 'verified');
  await alice.page.getByRole('link', { name: 'Start chatting' }).click();
  await expect(alice.page.getByText('No conversations yet.')).toBeVisible();
  await checkScreen(alice.page, 'chat-empty');

  await signUpThroughUi(bob, request);

  // Bob is busy with Carol when Alice writes: her messages count on his badge and in his tab title.
  await openConversationWith(bob.page, carol.username);
  await alice.page.getByRole('button', { name: 'People', exact: true }).click();
  await alice.page.getByRole('searchbox', { name: 'Search people' }).fill('bob');
  await expect(alice.page.getByTestId(`person-${bob.username}`)).toContainText('Online');
  await checkScreen(alice.page, 'directory');
  await alice.page.getByTestId(`person-${bob.username}`).click();
  await send(alice.page, 'Hi Bob!');
  await send(alice.page, 'Are you there?');
  await expect(bubble(alice.page, 'Are you there?')).toBeVisible();
  await expect(conversationRow(bob.page, alice.username).locator('.badge')).toHaveText('2 unread');
  await expect(bob.page).toHaveTitle('(2) Chat');
  await expect(conversationRow(bob.page, alice.username)).toContainText('Are you there?');
  await checkScreen(bob.page, 'chat-unread-dark');

  // Opening Alice's conversation reads it: the badge and the title clear, and Alice sees "Seen".
  await conversationRow(bob.page, alice.username).click();
  await expect(bubble(bob.page, 'Hi Bob!')).toBeVisible();
  await expect(bubble(bob.page, 'Are you there?')).toBeVisible();
  await expect(conversationRow(bob.page, alice.username).locator('.badge')).toHaveCount(0);
  await expect(bob.page).toHaveTitle('Chat');
  await expect(messageItem(alice.page, 'Are you there?').locator('.status')).toHaveText('Seen');
  await expect(messageItem(alice.page, 'Hi Bob!').locator('.status')).toHaveCount(0);

  // Bob types (Shift+Enter for a new line): Alice sees "typing…" in the conversation header, then his reply.
  const composer = bob.page.getByRole('textbox', { name: /^Message / });
  await composer.pressSequentially('Hello Al');
  await expect(alice.page.locator('.pane-status')).toHaveText('typing…');
  await composer.pressSequentially('ice, yes!');
  await composer.press('Shift+Enter');
  await composer.pressSequentially('Two lines, even.');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(bubble(alice.page, 'Two lines, even.')).toHaveJSProperty(
    'innerText',
    'Hello Alice, yes!\nTwo lines, even.',
  );
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');
  await checkScreen(bob.page, 'chat-dark');

  // Alice answers; a reload keeps the whole history, in order.
  await send(alice.page, 'Great, talk soon. À bientôt !');
  await expect(bubble(bob.page, 'Great, talk soon. À bientôt !')).toBeVisible();
  await alice.page.reload();
  const texts = ['Hi Bob!', 'Are you there?', 'Hello Alice, yes! Two lines, even.', 'Great, talk soon. À bientôt !'];
  await expect(messageLog(alice.page).locator('.bubble')).toHaveText(texts);
  await expect(messageLog(alice.page).locator('.day')).toHaveText(['Today']);
  publishScreenshot(await checkScreen(alice.page, 'chat'));
});
