import { type Attachment, IMAGE_TYPES } from '@chat/protocol';

/** What the server takes (it judges by the bytes, not by this list): the file picker offers only these. */
export const PICTURE_TYPES = IMAGE_TYPES.join(',');

/** A picture in a message fits in this square (CSS px): the thumbnail (at most 480 px) stays sharp at 1.7× density. */
const BOX_MAX_PX = 280;
/** A tiny picture is shown at least this large on its longer side, so that there is something to tap. */
const BOX_MIN_PX = 120;

export const thumbnailUrl = (attachment: Attachment) => `/api/uploads/${attachment.id}/thumbnail`;
export const fullPictureUrl = (attachment: Attachment) => `/api/uploads/${attachment.id}`;

/** The box a picture takes in a message, at its aspect ratio, known before the picture loads. */
export function pictureBox(width: number, height: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  const scale = Math.min(BOX_MAX_PX / longer, Math.max(1, BOX_MIN_PX / longer));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * How a message reads in one line, as in the conversation list: a picture says so, with its caption
 * if any; a message deleted for everyone says that it was.
 */
export const messagePreview = (message: { text: string; attachment: Attachment | null; deletedAt?: number | null }) => {
  if (message.deletedAt) return DELETED_MESSAGE;
  return message.attachment ? `📷 ${message.text || 'Picture'}` : message.text;
};

/** What a message deleted for everyone shows in its place, in the list and in a reply's quote. */
export const DELETED_MESSAGE = 'This message was deleted';

/** Width and height as the browser reads the file, or undefined when it cannot (not a picture it knows). */
export async function pictureSize(file: Blob): Promise<{ width: number; height: number } | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return undefined;
  }
}
