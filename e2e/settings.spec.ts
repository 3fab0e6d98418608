import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('the settings screen is reached from the chat, and a switch keeps its value after a reload', async ({
  people,
}) => {
  const ann = await people.signUp('ann');
  const { page } = ann;
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await checkScreen(page, 'settings');

  const receipts = page.getByRole('checkbox', { name: 'Read receipts' });
  await expect(receipts).toBeChecked();
  await receipts.uncheck();
  await expect(receipts).not.toBeChecked();
  await expect(receipts).toBeEnabled();

  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Read receipts' })).not.toBeChecked();
  await page.getByRole('link', { name: 'Back to chats' }).click();
  await expect(page).toHaveURL(/\/$/);
});
