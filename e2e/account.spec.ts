import { bubble, composer, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('signing out another device from Devices sends that browser to the sign-in page at once', async ({ people }) => {
  const ann = await people.signUp('ann');
  // Ann on a second computer: a browser of its own, signed in through the form.
  const laptop = (await people.open('laptop')).page;
  await laptop.goto('/');
  await laptop.getByLabel('Username or email').fill(ann.username);
  await laptop.getByLabel('Password', { exact: true }).fill(ann.password);
  await laptop.getByRole('button', { name: 'Log in' }).click();
  await expect(laptop.getByRole('button', { name: 'Log out' })).toBeVisible();

  const { page } = ann;
  await page.getByRole('link', { name: 'Settings' }).click();
  const devices = page.getByRole('region', { name: 'Devices' });
  await expect(devices.getByRole('listitem')).toHaveCount(2);
  await expect(devices.getByText('This device')).toHaveCount(1);
  await checkScreen(page, 'settings-devices');

  await devices.getByRole('button', { name: /^Sign out .+ on / }).click();
  await expect(devices.getByRole('listitem')).toHaveCount(1);
  // Its socket closed: the laptop shows the sign-in page without anyone touching it.
  await expect(laptop.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out all other devices' })).toHaveCount(0);
});

test('deleting my account: confirmed with the password, and my peer sees "Deleted user" with my messages kept', async ({
  people,
}) => {
  const ann = await people.signUp('ann');
  const bob = await people.signUp('bob');
  await openConversationWith(ann.page, bob.username);
  await send(ann.page, 'It was nice talking to you');
  await openConversationWith(bob.page, ann.username);
  await expect(bubble(bob.page, 'It was nice talking to you')).toBeVisible();

  const { page } = ann;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Delete my account…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
  await dialog.getByLabel('Password', { exact: true }).fill('not my password');
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('That password is not right: your account was not deleted.');
  await checkScreen(page, 'delete-account-refused');
  await dialog.getByLabel('Password', { exact: true }).fill(ann.password);
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();

  // Bob is told at once: the conversation shows "Deleted user", keeps the message and takes no more.
  await expect(bob.page.getByRole('heading', { level: 2, name: 'Deleted user' })).toBeVisible();
  await expect(bob.page.locator('.pane-header').getByText('Online')).toHaveCount(0);
  await expect(bubble(bob.page, 'It was nice talking to you')).toBeVisible();
  await expect(composer(bob.page)).toHaveCount(0);
  await expect(bob.page.getByText('This account was deleted.')).toBeVisible();
  await checkScreen(bob.page, 'deleted-peer');
  await bob.page.reload();
  await expect(bob.page.getByTestId('conversation-Deleted user')).toBeVisible();
  await expect(bob.page.getByText(ann.username)).toHaveCount(0);
});
