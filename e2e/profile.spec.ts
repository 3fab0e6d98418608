import { conversationRow, openConversationWith, send } from './support/chat.ts';
import { expect, type Person, test } from './support/people.ts';
import { drawPicture } from './support/pictures.ts';
import { checkScreen } from './support/screens.ts';

const openSettings = async (person: Person) => {
  await person.page.getByRole('link', { name: 'Settings' }).click();
  await expect(person.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
};

/** Alice writes to Bob, so that each has the other in their list. */
async function talking(alice: Person, bob: Person) {
  await openConversationWith(alice.page, bob.username);
  await send(alice.page, 'hello Bob');
  await expect(conversationRow(bob.page, alice.username)).toBeVisible();
}

test('changing the password: the new one signs in, the old one no longer does', async ({ people }) => {
  const ann = await people.signUp('ann');
  const { page } = ann;
  await openSettings(ann);
  const newPassword = 'a much better secret';

  await page.getByLabel('Current password').first().fill('not my password');
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('That is not your current password.')).toBeVisible();

  await page.getByLabel('Current password').first().fill(ann.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
  await checkScreen(page, 'settings-password-changed');

  await page.getByRole('link', { name: 'Back to chats' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  const logIn = async (password: string) => {
    await page.getByLabel('Username or email').fill(ann.username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  await logIn(ann.password);
  await expect(page.getByRole('alert')).toContainText('do not match');
  await logIn(newPassword);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('a new picture and display name show on the other person’s screen at once, and after a reload', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await talking(alice, bob);
  const aliceOnBobsList = conversationRow(bob.page, alice.username);
  await expect(aliceOnBobsList.locator('img.avatar-picture')).toHaveCount(0);

  await openSettings(alice);
  const picture = await drawPicture(alice.page, { name: 'me.png', mimeType: 'image/png', width: 300, height: 200 });
  await alice.page.getByLabel('Add a picture').setInputFiles(picture);
  await expect(alice.page.getByRole('button', { name: 'Remove picture' })).toBeVisible();
  await alice.page.getByLabel('Display name').fill('Alice Wonder');
  await alice.page.getByRole('button', { name: 'Save name' }).click();
  await expect(alice.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await checkScreen(alice.page, 'settings-profile');

  const shown = async () => {
    await expect(aliceOnBobsList.locator('img.avatar-picture')).toHaveAttribute(
      'src',
      /^\/api\/avatars\/[0-9a-f]{64}$/,
    );
    await expect(aliceOnBobsList).toContainText('Alice Wonder');
    await expect(aliceOnBobsList).toContainText(`@${alice.username}`);
    // The picture really loads: a square of the server's size.
    await expect
      .poll(() => aliceOnBobsList.locator('img.avatar-picture').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(128);
  };
  await shown();
  await aliceOnBobsList.click();
  await expect(bob.page.getByRole('heading', { level: 2, name: `Alice Wonder @${alice.username}` })).toBeVisible();
  await checkScreen(bob.page, 'chat-peer-with-picture');
  await bob.page.reload();
  await shown();

  await alice.page.getByRole('button', { name: 'Remove picture' }).click();
  await expect(aliceOnBobsList.locator('img.avatar-picture')).toHaveCount(0);
});

test('presence "nobody": I show offline to my peer while I chat, and online again when I choose "everyone"', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await talking(alice, bob);
  await conversationRow(bob.page, alice.username).click();
  const status = bob.page.locator('.pane-status');
  await expect(status).toHaveText('Online');

  await openSettings(alice);
  const privacy = alice.page.getByRole('group', { name: 'Who sees when I am online and when I was last seen' });
  await privacy.getByRole('radio', { name: 'Nobody' }).check();
  await expect(privacy.getByRole('radio', { name: 'Nobody' })).toBeChecked();
  await checkScreen(alice.page, 'settings-privacy-nobody');
  await expect(status).toHaveText('Offline');
  await expect(
    conversationRow(bob.page, alice.username).getByRole('img', { name: 'Offline', exact: true }),
  ).toBeVisible();

  // Still so while Alice is back in her chats, connected, and after Bob reloads.
  await alice.page.getByRole('link', { name: 'Back to chats' }).click();
  await conversationRow(alice.page, bob.username).click();
  await send(alice.page, 'I am here, but you do not see it');
  await expect(bob.page.getByRole('log')).toContainText('I am here, but you do not see it');
  await bob.page.reload();
  await expect(bob.page.locator('.pane-status')).toHaveText('Offline');

  await openSettings(alice);
  await alice.page.getByRole('radio', { name: 'Everyone' }).check();
  await alice.page.getByRole('link', { name: 'Back to chats' }).click();
  await expect(bob.page.locator('.pane-status')).toHaveText('Online');
});
