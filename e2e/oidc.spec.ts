import { addPasskeyAuthenticator } from './support/passkeys.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('a newcomer continues with an identity provider, chooses a username and lands in the chat', async ({ people }) => {
  const newcomer = await people.open('olga');
  const { page } = newcomer;
  await page.goto('/login');
  await page.getByRole('link', { name: 'Continue with Local ID' }).click();

  // The provider's own sign-in page, on its own origin.
  await expect(page.getByRole('heading', { name: 'Sign in to the test provider' })).toBeVisible();
  await page.getByLabel('Account').fill(newcomer.username);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { name: 'Choose your username' })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\/continue$/);
  const username = page.getByLabel('Username');
  await expect(username).toHaveValue(newcomer.username);
  await expect(page.getByText('That username is free.')).toBeVisible();
  await checkScreen(page, 'choose-username');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expect(page.getByText(newcomer.username).first()).toBeVisible();

  // Settings show the provider; it cannot be unlinked while it is the only way in.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByText('Your account has no password')).toBeVisible();
  await page.getByRole('button', { name: 'Unlink Local ID' }).click();
  await expect(page.getByRole('alert')).toContainText('Local ID is how you sign in');
  await checkScreen(page, 'settings-sign-in');

  // With no password to ask for, removing a passkey is proved by the sign-in that just happened.
  await addPasskeyAuthenticator(newcomer.context, page);
  const passkeys = page.getByRole('region', { name: 'Passkeys' });
  await passkeys.getByLabel('Name of the new passkey').fill('Phone');
  await passkeys.getByRole('button', { name: 'Add a passkey' }).click();
  await passkeys.getByRole('button', { name: 'Remove Phone' }).click();
  await expect(passkeys.getByText('removing it works within 10 minutes of signing in')).toBeVisible();
  await expect(passkeys.getByLabel('Your password, to remove this passkey')).toHaveCount(0);
  await passkeys.getByRole('button', { name: 'Remove “Phone”' }).click();
  await expect(passkeys.getByRole('list', { name: 'Your passkeys' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Back to chats' }).click();

  // Signed out and back: the provider remembers them, the chat knows them, no username asked again.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Continue with Local ID' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('cancelling at the provider comes back to the sign-in page, saying so', async ({ people }) => {
  const { page } = await people.open('pia');
  await page.goto('/signup');
  await page.getByRole('link', { name: 'Continue with Local ID' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/login\?oidc_error=oidc_provider_error&provider_error=access_denied$/);
  await expect(page.getByRole('alert')).toHaveText(
    'Signing in was cancelled at the identity provider. Nothing was changed.',
  );
  await checkScreen(page, 'provider-cancelled');
});
