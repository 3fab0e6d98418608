import type { ImageType } from '@chat/protocol';

export type { ImageType };

/** Bytes needed to tell the types apart (WebP's signature ends at byte 12). */
export const SNIFF_BYTES = 12;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

export function sniffImageType(header: Uint8Array): ImageType | undefined {
  if (startsWith(header, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(header, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(header, ascii('GIF87a')) || startsWith(header, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(header, ascii('RIFF')) && startsWith(header, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}
