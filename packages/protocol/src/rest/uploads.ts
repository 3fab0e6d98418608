import Type, { type Static } from 'typebox';
import { Attachment } from '../entities.ts';

/** The picture types accepted, recognised by their bytes (a name or a declared type counts for nothing). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Upload refusals about the file itself: sending the same file again cannot succeed. */
export const REFUSED_UPLOAD_CODES = ['unsupported_media_type', 'payload_too_large', 'empty_upload'] as const;

/** Pictures above this size are refused (413) while they stream in. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** The answer to `POST /api/uploads` (multipart, one file field): send `attachment.id` as a message's `attachmentId`. */
export const UploadResponse = Type.Object({ attachment: Attachment });
export type UploadResponse = Static<typeof UploadResponse>;

export const UploadParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type UploadParams = Static<typeof UploadParams>;
