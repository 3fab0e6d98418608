import type { Page } from '@playwright/test';
import { generate } from 'otplib';
import { addPasskeyAuthenticator } from './support/passkeys.ts';
import { expect, type Person, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

/** The code an authenticator app shows `offsetMs` from now (the next step is accepted as clock drift). */
const appCode = (secret: string, offsetMs = 0) =>
  generate({ secret, epoch: Math.floor((Date.now() + offsetMs) / 1000) });

async function logOutAndEnterPassword(page: Page, person: Person) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username or email').fill(person.username);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('turn on two-factor with a scanned secret, then sign in with the password and a code, or a recovery code', async ({
  people,
}) => {
  const ann = await people.signUp('ann');
  const { page } = ann;
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  await section.getByRole('button', { name: 'Set up two-factor' }).click();
  await section.getByLabel('Your password').fill(ann.password);
  await section.getByRole('button', { name: 'Continue' }).click();
  await expect(section.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = (await section.getByTestId('setup-key').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await checkScreen(page, 'two-factor-setup');

  await section.getByLabel('Code from your app').fill('000000');
  await section.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(section.getByRole('alert')).toContainText('not right');
  await section.getByLabel('Code from your app').fill(await appCode(secret));
  await section.getByRole('button', { name: 'Turn on two-factor' }).click();
  // allTextContents() does not wait: the list is counted once it shows, then read.
  const recoveryCodes = section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(recoveryCodes).toHaveCount(10);
  const codes = await recoveryCodes.allTextContents();
  await checkScreen(page, 'two-factor-recovery-codes');
  await section.getByRole('button', { name: 'I saved them' }).click();
  await expect(section).toContainText('10 recovery codes left');

  await logOutAndEnterPassword(page, ann);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  const codeField = page.getByLabel('Authentication code');
  await expect(codeField).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(codeField).toBeFocused();
  await checkScreen(page, 'two-factor-login');
  await codeField.fill(await appCode(secret, 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await logOutAndEnterPassword(page, ann);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[0] ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await page.goto('/settings');
  await expect(page.getByRole('region', { name: 'Two-factor authentication' })).toContainText('9 recovery codes left');
});

test('register a passkey in settings, then sign in with it and no username or password', async ({ people }) => {
  const bob = await people.signUp('bob');
  const { page, context } = bob;
  await addPasskeyAuthenticator(context, page);

  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Passkeys' });
  await section.getByLabel('Name of the new passkey').fill('Laptop');
  await section.getByRole('button', { name: 'Add a passkey' }).click();
  const passkeys = section.getByRole('list', { name: 'Your passkeys' });
  await expect(passkeys.getByRole('listitem')).toHaveCount(1);
  await expect(passkeys).toContainText('Laptop');
  await expect(passkeys).toContainText('never used');
  await checkScreen(page, 'passkeys');

  await page.goto('/');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto('/settings');
  await expect(passkeys).toContainText('last used');
  await section.getByRole('button', { name: 'Remove Laptop' }).click();
  await section.getByLabel('Your password, to remove this passkey').fill(bob.password);
  await section.getByRole('button', { name: 'Remove “Laptop”' }).click();
  await expect(passkeys).toHaveCount(0);
});
