import { composer, conversationRow, messageItem, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { choosePictures, drawPicture, dropPicture, pastePicture } from './support/pictures.ts';
import { checkScreen } from './support/screens.ts';

test('pictures pasted, picked and dropped reach the peer, who opens one full size', async ({ people }) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob', { colorScheme: 'dark' });
  await openConversationWith(alice.page, bob.username);

  // One picture pasted, one picked with the composer's text as its caption, one dropped on the conversation.
  await pastePicture(
    alice.page,
    await drawPicture(alice.page, { name: 'pasted.png', mimeType: 'image/png', width: 320, height: 200 }),
  );
  await composer(alice.page).fill('The harbour at noon');
  await choosePictures(
    alice.page,
    await drawPicture(alice.page, { name: 'harbour.jpg', mimeType: 'image/jpeg', width: 240, height: 320 }),
  );
  await expect(composer(alice.page)).toHaveValue('');
  await dropPicture(
    alice.page,
    messageLog(alice.page),
    await drawPicture(alice.page, { name: 'dropped.png', mimeType: 'image/png', width: 400, height: 240 }),
  );
  await expect(messageLog(alice.page).getByRole('img', { name: 'Picture from you' })).toHaveCount(3);
  await expect(messageLog(alice.page).locator('.message.uploading, .message.pending')).toHaveCount(0);
  await expect(messageLog(alice.page).locator('.status')).toHaveText('Sent');

  // Bob sees the three thumbnails, each in a box of its own shape; the caption is the preview if it came last.
  const fromAlice = `Picture from ${alice.username}`;
  await expect(conversationRow(bob.page, alice.username)).toContainText(/📷 (Picture|The harbour at noon)/);
  await conversationRow(bob.page, alice.username).click();
  const thumbnails = messageLog(bob.page).getByRole('img', { name: fromAlice });
  await expect(thumbnails).toHaveCount(3);
  for (const thumbnail of await thumbnails.all()) await expect(thumbnail).not.toHaveJSProperty('naturalWidth', 0);
  const harbour = messageItem(bob.page, 'The harbour at noon').getByRole('button', { name: fromAlice });
  await expect(harbour.getByRole('img')).toHaveJSProperty('naturalWidth', 240);
  expect(await harbour.boundingBox()).toMatchObject({ width: 210, height: 280 });
  await checkScreen(bob.page, 'chat-pictures-dark');

  // The full picture opens in a dialog; Escape closes it and gives the focus back to the thumbnail.
  await harbour.click();
  const viewer = bob.page.getByRole('dialog', { name: fromAlice });
  await expect(viewer.getByRole('img', { name: fromAlice })).toHaveJSProperty('naturalHeight', 320);
  await expect(viewer).toContainText('The harbour at noon');
  await checkScreen(bob.page, 'picture-viewer-dark');
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(harbour).toBeFocused();

  // Alice's own, in the light theme, closed with its button this time.
  await checkScreen(alice.page, 'chat-pictures');
  await messageLog(alice.page).getByRole('button', { name: 'Picture from you' }).first().click();
  const ownViewer = alice.page.getByRole('dialog', { name: 'Picture from you' });
  await expect(ownViewer.getByRole('img')).not.toHaveJSProperty('naturalWidth', 0);
  await checkScreen(alice.page, 'picture-viewer');
  await ownViewer.getByRole('button', { name: 'Close' }).click();
  await expect(ownViewer).toHaveCount(0);
});

test('a file that is not a picture is refused and nothing is sent; a failed upload can be retried', async ({
  people,
}) => {
  const alice = await people.signUp('alice');
  const bob = await people.signUp('bob');
  await openConversationWith(alice.page, bob.username);

  // An SVG may look like a picture, but the server takes only JPEG, PNG, GIF and WebP: no retry can change that.
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>';
  await choosePictures(alice.page, { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  const refused = messageLog(alice.page).locator('.message').filter({ hasText: 'drawing.svg' });
  await expect(refused.getByRole('alert')).toHaveText('Not sent: Only JPEG, PNG, GIF and WebP pictures can be sent.');
  await expect(refused.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await checkScreen(alice.page, 'picture-refused');
  await refused.getByRole('button', { name: 'Dismiss' }).click();
  await expect(messageLog(alice.page).locator('.message')).toHaveCount(0);

  // The network fails during an upload: the picture shows uploading, then failed; Retry uploads it again.
  let cutNetwork = () => {};
  const networkCut = new Promise<void>((resolve) => {
    cutNetwork = resolve;
  });
  await alice.page.route(
    '**/api/uploads',
    async (route) => {
      await networkCut;
      await route.abort('connectionreset');
    },
    { times: 1 },
  );
  await choosePictures(
    alice.page,
    await drawPicture(alice.page, { name: 'second-try.png', mimeType: 'image/png', width: 200, height: 200 }),
  );
  await expect(messageLog(alice.page).getByRole('progressbar', { name: 'Uploading the picture' })).toBeVisible();
  await expect(messageLog(alice.page).locator('.status')).toHaveText('Uploading…');
  await checkScreen(alice.page, 'picture-uploading');
  cutNetwork();
  const failed = messageLog(alice.page).locator('.message.failed');
  await expect(failed.getByRole('alert')).toHaveText('Not sent: The picture could not be uploaded.');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(messageLog(alice.page).locator('.status')).toHaveText('Sent');

  // Bob gets the picture that went through, and nothing of the refused file.
  await send(alice.page, 'Only that one');
  await conversationRow(bob.page, alice.username).click();
  await expect(messageLog(bob.page).locator('.message')).toHaveCount(2);
  await expect(messageLog(bob.page).getByRole('img', { name: `Picture from ${alice.username}` })).toHaveCount(1);
});
