import { expect, mailLink, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('sign-up tells what is wrong with each field as it is typed', async ({ people }) => {
  const taken = await people.signUp('erin');
  const newcomer = await people.open('frank');
  const { page } = newcomer;
  await page.goto('/signup');

  const username = page.getByLabel('Username');
  await username.fill('ab');
  await expect(page.getByText('Use at least 3 characters.')).toBeVisible();
  await username.fill('admin');
  await expect(page.getByText('That name is reserved. Pick another one.')).toBeVisible();
  await username.fill('no spaces');
  await expect(page.getByText('Use only letters, digits, dots, dashes and underscores.')).toBeVisible();
  await username.fill(taken.username.toUpperCase());
  await expect(username).toHaveValue(taken.username);
  await expect(page.getByText('That username is taken.')).toBeVisible();
  await expect(username).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Email').fill(taken.email);
  await expect(page.getByText('An account already uses this address. Log in instead?')).toBeVisible();

  const password = page.getByLabel('Password', { exact: true });
  await password.fill('abc');
  await expect(page.getByText('5 more characters to go.')).toBeVisible();
  await password.fill('aaaaabbbbb');
  await expect(page.getByText('Too easy to guess. Pick something less common.')).toBeVisible();
  await password.fill('é'.repeat(37));
  await expect(page.getByText(/^Too long: at most 72 bytes/)).toBeVisible();
  await checkScreen(page, 'signup-problems');

  // The server has the last word: a taken username is refused on submit too, and nothing else happens.
  await password.fill(newcomer.password);
  await page.getByLabel('Email').fill(newcomer.email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('That username is taken.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
});

test('log out, log in with username or email, and reset a forgotten password', async ({ people }) => {
  const dana = await people.signUp('dana');
  const { page } = dana;

  // Logging out from any view of the chat (here, the directory) leaves it cleanly.
  await page.getByRole('button', { name: 'People', exact: true }).click();
  await expect(page.getByRole('searchbox', { name: 'Search people' })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();

  await page.getByLabel('Username or email').fill(dana.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await page.getByLabel('Password', { exact: true }).fill(dana.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();

  // Forgot: the mail's link leads to a page that sets a new password and signs in.
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await checkScreen(page, 'forgot-password');
  await page.getByLabel('Email').fill(dana.email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByText(`If an account uses ${dana.email}`)).toBeVisible();
  await page.goto(await mailLink(page.request, dana.email, '/reset-password'));
  const password = page.getByLabel('New password');
  await password.fill('12345678');
  await expect(page.getByText('Too easy to guess. Pick something less common.')).toBeVisible();
  await checkScreen(page, 'reset-password');
  await password.fill('a brand new secret');
  await page.getByRole('button', { name: 'Save and log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  // The old password no longer works; the new one does, with the username this time.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username or email').fill(dana.username);
  await page.getByLabel('Password', { exact: true }).fill(dana.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await page.getByLabel('Password', { exact: true }).fill('a brand new secret');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('a verification link that does not work says so', async ({ page }) => {
  await page.goto('/verify?token=not-a-real-token');
  await expect(page.getByRole('heading', { name: 'This link did not work' })).toBeVisible();
  await expect(page.getByRole('alert')).not.toBeEmpty();
  await checkScreen(page, 'verify-failed');
});
