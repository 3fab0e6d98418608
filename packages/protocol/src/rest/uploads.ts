import Type, { type Static } from 'typebox';
import { Attachment } from '../entities.ts';

/** Pictures above this size are refused (413) while they stream in. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** The answer to `POST /api/uploads` (multipart, one file field): send `attachment.id` as a message's `attachmentId`. */
export const UploadResponse = Type.Object({ attachment: Attachment });
export type UploadResponse = Static<typeof UploadResponse>;

export const UploadParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type UploadParams = Static<typeof UploadParams>;
