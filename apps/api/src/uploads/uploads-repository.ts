import type { Attachment } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { UploadsTable } from '../infra/db/schema.ts';

export type UploadRow = Selectable<UploadsTable>;

/** The one place an upload row becomes an attachment on the wire. */
export function toAttachment(row: Pick<UploadRow, 'id' | 'content_type' | 'width' | 'height' | 'size'>): Attachment {
  return { id: row.id, contentType: row.content_type, width: row.width, height: row.height, size: row.size };
}

export async function insertUpload(db: Db, row: UploadRow): Promise<void> {
  await db.insertInto('uploads').values(row).execute();
}

export const findUpload = (db: Db, id: string) =>
  db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();

/** The uploader sees their picture; otherwise only members of a conversation it was sent in. */
export async function canSee(db: Db, upload: UploadRow, userId: number): Promise<boolean> {
  if (upload.uploader_id === userId) return true;
  const row = await db
    .selectFrom('messages as msg')
    .innerJoin('conversation_members as m', 'm.conversation_id', 'msg.conversation_id')
    .select('msg.id')
    .where('msg.attachment_id', '=', upload.id)
    .where('m.user_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
