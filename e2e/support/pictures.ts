import type { Locator, Page } from '@playwright/test';
import { composer } from './chat.ts';

/** A file as Playwright's file chooser takes it. */
export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * A picture drawn on a canvas in the page, so that no test file has to be kept or fetched: a sky,
 * a sun, a meadow and a label, in the format asked for.
 */
export async function drawPicture(
  page: Page,
  {
    name,
    mimeType,
    width,
    height,
  }: { name: string; mimeType: 'image/png' | 'image/jpeg'; width: number; height: number },
): Promise<TestFile> {
  const bytes = await page.evaluate(
    async ({ label, type, width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d canvas');
      const sky = context.createLinearGradient(0, 0, 0, height);
      sky.addColorStop(0, '#2456d3');
      sky.addColorStop(1, '#f6b26b');
      context.fillStyle = sky;
      context.fillRect(0, 0, width, height);
      context.fillStyle = '#ffd966';
      context.beginPath();
      context.arc(width * 0.7, height * 0.45, Math.min(width, height) * 0.18, 0, Math.PI * 2);
      context.fill();
      context.fillStyle = '#3f8f4f';
      context.fillRect(0, height * 0.78, width, height * 0.22);
      context.fillStyle = '#ffffff';
      context.font = `bold ${Math.round(height / 9)}px sans-serif`;
      context.fillText(label, width * 0.06, height * 0.2);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.9));
      if (!blob) throw new Error(`the canvas could not be encoded as ${type}`);
      return [...new Uint8Array(await blob.arrayBuffer())];
    },
    { label: name, type: mimeType, width, height },
  );
  return { name, mimeType, buffer: Buffer.from(bytes) };
}

/** Chooses files with the composer's picture button, as a person does in the system's file dialog. */
export async function choosePictures(page: Page, ...files: TestFile[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add a picture' }).click();
  await (await chooser).setFiles(files);
}

/** The page's half of a clipboard or a drag: a DataTransfer holding the file. */
const transferOf = (page: Page, file: TestFile) =>
  page.evaluateHandle(
    ({ name, mimeType, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      return data;
    },
    { name: file.name, mimeType: file.mimeType, bytes: [...file.buffer] },
  );

/**
 * Pastes a picture into the composer as Ctrl+V does with an image on the clipboard. Headless
 * Chromium has no system clipboard to copy an image to, so the paste event carries it.
 */
export async function pastePicture(page: Page, file: TestFile): Promise<void> {
  const clipboardData = await transferOf(page, file);
  await composer(page).evaluate((input, clipboardData) => {
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, clipboardData);
}

/** Drags a file from outside the page (the desktop) and drops it on `target`. */
export async function dropPicture(page: Page, target: Locator, file: TestFile): Promise<void> {
  const dataTransfer = await transferOf(page, file);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** A picture in the open conversation, by its alt text; `loaded` is true once its pixels arrived. */
export const pictureLoaded = (picture: Locator) =>
  picture.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0);
