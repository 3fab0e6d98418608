import type { Attachment, Message } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { MessagesTable } from '../infra/db/schema.ts';
import { toAttachment } from '../uploads/uploads-repository.ts';

type MessageRow = Selectable<MessagesTable>;
type MessageWithUploadRow = MessageRow & {
  upload_type: string | null;
  upload_width: number | null;
  upload_height: number | null;
  upload_size: number | null;
};

/** Messages with their picture, if any, in one query. */
const messagesWithUploads = (db: Db) =>
  db
    .selectFrom('messages')
    .leftJoin('uploads', 'uploads.id', 'messages.attachment_id')
    .selectAll('messages')
    .select([
      'uploads.content_type as upload_type',
      'uploads.width as upload_width',
      'uploads.height as upload_height',
      'uploads.size as upload_size',
    ]);

/** The one place a message row becomes a protocol message. */
export function toMessage(row: MessageRow, attachment: Attachment | null): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    attachment,
    createdAt: row.created_at,
  };
}

function fromJoinedRow(row: MessageWithUploadRow): Message {
  const attachment =
    row.attachment_id !== null && row.upload_type !== null
      ? toAttachment({
          id: row.attachment_id,
          content_type: row.upload_type,
          width: row.upload_width ?? 1,
          height: row.upload_height ?? 1,
          size: row.upload_size ?? 0,
        })
      : null;
  return toMessage(row, attachment);
}

export async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | undefined> {
  const row = await messagesWithUploads(db)
    .where('messages.sender_id', '=', senderId)
    .where('messages.client_id', '=', clientId)
    .executeTakeFirst();
  return row && fromJoinedRow(row);
}

/** The messages at the given (conversation, seq) positions, e.g. each conversation's last. */
export async function findAt(db: Db, positions: Array<{ conversationId: number; seq: number }>): Promise<Message[]> {
  if (positions.length === 0) return [];
  const rows = await messagesWithUploads(db)
    .where((eb) =>
      eb.or(
        positions.map((p) =>
          eb.and([eb('messages.conversation_id', '=', p.conversationId), eb('messages.seq', '=', p.seq)]),
        ),
      ),
    )
    .execute();
  return rows.map(fromJoinedRow);
}

/** Up to `limit` messages with seq in (after, before), ascending; `fromEnd` takes the newest of them. */
export async function listMessages(
  db: Db,
  conversationId: number,
  range: { after: number; before?: number; createdSince?: number; limit: number; fromEnd: boolean },
): Promise<Message[]> {
  let query = messagesWithUploads(db)
    .where('messages.conversation_id', '=', conversationId)
    .where('messages.seq', '>', range.after);
  if (range.before !== undefined) query = query.where('messages.seq', '<', range.before);
  if (range.createdSince !== undefined) query = query.where('messages.created_at', '>=', range.createdSince);
  const rows = await query
    .orderBy('messages.seq', range.fromEnd ? 'desc' : 'asc')
    .limit(range.limit)
    .execute();
  if (range.fromEnd) rows.reverse();
  return rows.map(fromJoinedRow);
}
