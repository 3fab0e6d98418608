import { expect, type Page } from '@playwright/test';

/** Finds someone in the People directory and opens the conversation with them. */
export async function openConversationWith(page: Page, username: string): Promise<void> {
  await page.getByRole('button', { name: 'People', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search people' }).fill(username);
  await page.getByTestId(`person-${username}`).click();
  await expect(page.getByRole('heading', { level: 2, name: username })).toBeVisible();
}

/** The composer's text box of the open conversation. */
export const composer = (page: Page) => page.getByRole('textbox', { name: /^Message / });

/** Writes a message and sends it with Enter, as people do. */
export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The messages of the open conversation (the log), where a message's text is found exactly. */
export const messageLog = (page: Page) => page.getByRole('log');

/** A message's bubble, by (a unique part of) its text: a test can count how many times it shows. */
export const bubble = (page: Page, text: string) => messageLog(page).locator('.bubble').filter({ hasText: text });

/** A whole message (bubble, time and delivery status), by a unique part of its text. */
export const messageItem = (page: Page, text: string) =>
  messageLog(page)
    .locator('.message')
    .filter({ has: page.locator('.bubble', { hasText: text }) });

/** A conversation row in the sidebar's list, by the peer's name. */
export const conversationRow = (page: Page, username: string) => page.getByTestId(`conversation-${username}`);

/**
 * Writes many messages fast, over the public WebSocket protocol from the page (its session cookie
 * signs it in), paced under the server's send rate limit. Typing 90 messages would only be slower.
 */
export async function writeMany(page: Page, conversationId: number, count: number): Promise<void> {
  await page.evaluate(
    async ({ conversationId, count }) => {
      const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws?v=1`);
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      let acked = 0;
      const allAcked = new Promise<void>((resolve) =>
        socket.addEventListener('message', (event) => {
          if (JSON.parse(String(event.data)).type === 'ack' && ++acked === count) resolve();
        }),
      );
      for (let i = 1; i <= count; i++) {
        socket.send(
          JSON.stringify({ type: 'send', clientId: `bulk-${i}`, conversationId, text: `Message number ${i}` }),
        );
        // 20 a second is the server's sustained rate.
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      await allAcked;
      socket.close();
    },
    { conversationId, count },
  );
}

/** The id of the conversation open on the page, from its address. */
export const openConversationId = (page: Page) => Number(new URL(page.url()).pathname.split('/').pop());
