import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UploadParams, UploadResponse } from '@chat/protocol';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { AppError, notFound } from '../http/errors.ts';
import { blobKey, InvalidImageError, processImage } from './images.ts';
import { type ImageType, SNIFF_BYTES, sniffImageType } from './sniff.ts';
import { type BlobStorage, diskStorage } from './storage.ts';
import { canSee, findUpload, insertUpload, toAttachment } from './uploads-repository.ts';

/** Room for the multipart envelope around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const unsupported = () =>
  new AppError(415, 'unsupported_media_type', 'Only JPEG, PNG, GIF and WebP pictures can be sent.');

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
    if (!type) throw unsupported();
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

/** Picture uploads, and serving them to the people allowed to see them. */
export async function uploadsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app;
  const db = app.database.db;
  const storage: BlobStorage = diskStorage(config.uploadDir);
  const tooLarge = () =>
    new AppError(
      413,
      'payload_too_large',
      `Pictures can be at most ${Math.round(config.uploadMaxBytes / 1024 / 1024)} MB.`,
    );

  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 5 } });

  app.post(
    '/uploads',
    { preHandler: app.requireVerifiedUser, schema: { response: { 201: UploadResponse } } },
    async (request, reply) => {
      // A refused upload may still be streaming in: closing the connection stops the client at once.
      reply.header('connection', 'close');
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > config.uploadMaxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge();
      if (!request.isMultipart())
        throw new AppError(415, 'unsupported_media_type', 'Send the picture as multipart/form-data.');
      const file = await request.file();
      if (!file) throw new AppError(400, 'empty_upload', 'Choose a picture to send.');

      const workDir = await mkdtemp(path.join(tmpdir(), 'chat-upload-'));
      try {
        const temporary = path.join(workDir, 'upload');
        const limiter = sniffingLimiter(config.uploadMaxBytes, tooLarge);
        file.file.once('limit', () => limiter.transform.destroy(tooLarge()));
        await pipeline(file.file, limiter.transform, createWriteStream(temporary));
        const { size, type } = limiter.result();
        if (size === 0 || !type) throw new AppError(400, 'empty_upload', 'That file is empty.');

        const image = await processImage(temporary, type).catch((error: unknown) => {
          if (error instanceof InvalidImageError) throw unsupported();
          throw error;
        });
        const row = {
          id: randomBytes(16).toString('base64url'),
          uploader_id: authOf(request).user.id,
          content_type: type,
          width: image.width,
          height: image.height,
          size: image.data.length,
          blob_key: blobKey(image.data, type),
          thumbnail_key: blobKey(image.thumbnail, 'thumbnail'),
          created_at: Date.now(),
        };
        await storage.put(row.blob_key, image.data);
        await storage.put(row.thumbnail_key, image.thumbnail);
        await insertUpload(db, row);
        reply.removeHeader('connection');
        return reply.status(201).send({ attachment: toAttachment(row) });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  );

  for (const variant of ['full', 'thumbnail'] as const) {
    app.get(
      variant === 'full' ? '/uploads/:id' : '/uploads/:id/thumbnail',
      { preHandler: app.requireVerifiedUser, schema: { params: UploadParams } },
      async (request, reply) => {
        const upload = await findUpload(db, request.params.id);
        // Someone who may not see it learns nothing, not even that it exists.
        if (!upload || !(await canSee(db, upload, authOf(request).user.id))) throw notFound('That picture');
        const blob = await storage.read(variant === 'full' ? upload.blob_key : upload.thumbnail_key);
        if (!blob) throw notFound('That picture');
        return (
          reply
            .header('content-type', variant === 'full' ? upload.content_type : 'image/webp')
            .header('content-length', blob.size)
            .header('x-content-type-options', 'nosniff')
            .header('content-security-policy', "default-src 'none'; sandbox")
            .header('content-disposition', 'inline')
            // Content never changes under an id; private because only some people may see it.
            .header('cache-control', 'private, max-age=31536000, immutable')
            .send(blob.stream)
        );
      },
    );
  }
}
