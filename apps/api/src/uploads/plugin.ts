import { randomBytes } from 'node:crypto';
import { UploadParams, UploadResponse } from '@chat/protocol';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { notFound } from '../http/errors.ts';
import { blobKey, processImage } from './images.ts';
import { receivePicture, refuseUndecodable } from './receive.ts';
import { sendPicture } from './send-picture.ts';
import { type BlobStorage, diskStorage } from './storage.ts';
import { canSee, findUpload, insertUpload, toAttachment } from './uploads-repository.ts';

/** Picture uploads, and serving them to the people allowed to see them. */
export async function uploadsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app;
  const db = app.database.db;
  const storage: BlobStorage = diskStorage(config.uploadDir);
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 5 } });

  app.post(
    '/uploads',
    { preHandler: app.requireVerifiedUser, schema: { response: { 201: UploadResponse } } },
    async (request, reply) => {
      const row = await receivePicture(request, reply, config.uploadMaxBytes, async ({ file, type }) => {
        const image = await processImage(file, type).catch(refuseUndecodable);
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
        return row;
      });
      return reply.status(201).send({ attachment: toAttachment(row) });
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
        return sendPicture(reply, blob, variant === 'full' ? upload.content_type : 'image/webp');
      },
    );
  }
}
