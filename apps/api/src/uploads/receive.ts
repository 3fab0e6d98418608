import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { InvalidImageError } from './images.ts';
import { type ImageType, SNIFF_BYTES, sniffImageType } from './sniff.ts';

/** Room for the multipart envelope around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export const unsupportedPicture = () =>
  new AppError(415, 'unsupported_media_type', 'Only JPEG, PNG, GIF and WebP pictures can be sent.');

/** A picture the decoder refused (its first bytes lied) is refused like any other non-picture. */
export const refuseUndecodable = (error: unknown): never => {
  if (error instanceof InvalidImageError) throw unsupportedPicture();
  throw error;
};

/**
 * Streams the upload to a temporary file, deciding its type from its first bytes as they arrive
 * and stopping at the size limit: the upload is never held whole in memory.
 */
function sniffingLimiter(maxBytes: number, tooLarge: () => AppError) {
  let header = Buffer.alloc(0);
  let type: ImageType | undefined;
  let size = 0;
  const check = () => {
    type = sniffImageType(header);
    if (!type) throw unsupportedPicture();
  };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(tooLarge());
      try {
        if (!type && header.length < SNIFF_BYTES) {
          header = Buffer.concat([header, chunk.subarray(0, SNIFF_BYTES - header.length)]);
          if (header.length >= SNIFF_BYTES) check();
        }
      } catch (error) {
        return callback(error as Error);
      }
      callback(null, chunk);
    },
    flush(callback) {
      try {
        if (size > 0 && !type) check();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  return { transform, result: () => ({ size, type }) };
}

/** A received picture, in a temporary file that lives while `use` runs. */
export interface ReceivedPicture {
  file: string;
  type: ImageType;
}

/**
 * Receives the one picture of a multipart request and hands it to `use`, refusing on the way what
 * is not a picture by its bytes, too large, or empty. The temporary file is gone afterwards.
 */
export async function receivePicture<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
  use: (picture: ReceivedPicture) => Promise<T>,
): Promise<T> {
  const tooLarge = () =>
    new AppError(413, 'payload_too_large', `Pictures can be at most ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  // A refused upload may still be streaming in: closing the connection stops the client at once.
  reply.header('connection', 'close');
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge();
  if (!request.isMultipart())
    throw new AppError(415, 'unsupported_media_type', 'Send the picture as multipart/form-data.');
  const part = await request.file();
  if (!part) throw new AppError(400, 'empty_upload', 'Choose a picture to send.');

  const workDir = await mkdtemp(path.join(tmpdir(), 'chat-upload-'));
  try {
    const file = path.join(workDir, 'upload');
    const limiter = sniffingLimiter(maxBytes, tooLarge);
    part.file.once('limit', () => limiter.transform.destroy(tooLarge()));
    await pipeline(part.file, limiter.transform, createWriteStream(file));
    const { size, type } = limiter.result();
    if (size === 0 || !type) throw new AppError(400, 'empty_upload', 'That file is empty.');
    const result = await use({ file, type });
    reply.removeHeader('connection');
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
