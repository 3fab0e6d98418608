import { expect, test } from '@playwright/test';

test('the web client is served at / and for client-side routes after a reload', async ({ page }) => {
  for (const route of ['/', '/verify?token=abc']) {
    await page.goto(route);
    await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible();
  }
});
