import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import type { ImageType } from './sniff.ts';

/** Larger pictures are refused before decoding: a small file can declare a huge canvas (a decompression bomb). */
const MAX_INPUT_PIXELS = 40_000_000;
/** Thumbnails fit in this box: enough for a chat bubble on a high-density screen. */
const THUMBNAIL_BOX = 480;

export interface ProcessedImage {
  data: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
}

export class InvalidImageError extends Error {}

/**
 * Re-encodes a picture in its own format, which drops every metadata block (EXIF with its GPS
 * position, XMP, comments) since sharp keeps none unless asked; turns it upright first, as the
 * EXIF orientation said; and makes a WebP thumbnail.
 */
export async function processImage(file: string, type: ImageType): Promise<ProcessedImage> {
  const animated = type === 'image/gif' || type === 'image/webp';
  try {
    const input = sharp(file, { animated, limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    const encoded = encode(input, type);
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    // For animations sharp reports the frames stacked; the picture is one frame high.
    const height = info.pageHeight ?? info.height;
    const thumbnail = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize({ width: THUMBNAIL_BOX, height: THUMBNAIL_BOX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { data, width: info.width, height, thumbnail };
  } catch (error) {
    throw new InvalidImageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The square picture shown for a person: the middle of the first frame, cropped and scaled to
 * `size` pixels, as WebP. Re-encoded, so it carries no metadata either.
 */
export async function squareAvatar(file: string, size: number): Promise<Buffer> {
  try {
    return await sharp(file, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: size, height: size, fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .toBuffer();
  } catch (error) {
    throw new InvalidImageError(error instanceof Error ? error.message : String(error));
  }
}

function encode(image: Sharp, type: ImageType): Sharp {
  switch (type) {
    case 'image/jpeg':
      return image.jpeg({ quality: 88, mozjpeg: true });
    case 'image/png':
      return image.png();
    case 'image/gif':
      return image.gif();
    case 'image/webp':
      return image.webp({ quality: 88 });
  }
}

const EXTENSIONS: Record<ImageType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const contentHash = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** Spread over folders by the hash, so that none grows huge. */
const spreadKey = (hash: string, extension: string) => `${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}.${extension}`;

/** A content-addressed key: the same bytes are stored once. */
export function blobKey(data: Buffer, type: ImageType | 'thumbnail'): string {
  return spreadKey(contentHash(data), type === 'thumbnail' ? 'thumb.webp' : EXTENSIONS[type]);
}

/** An avatar is named by its content's hash: a new picture is a new name, so it can be cached for ever. */
export const avatarIdOf = (data: Buffer) => contentHash(data);
export const avatarKey = (avatarId: string) => spreadKey(avatarId, 'avatar.webp');
/** Hex SHA-256, as `avatarIdOf` makes them: anything else names no avatar (and no file). */
export const isAvatarId = (candidate: string) => /^[0-9a-f]{64}$/.test(candidate);
