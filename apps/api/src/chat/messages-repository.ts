import type { Message } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { MessagesTable } from '../infra/db/schema.ts';

type MessageRow = Selectable<MessagesTable>;

/** The one place a message row becomes a protocol message. */
export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    attachment: null,
    createdAt: row.created_at,
  };
}

export async function insertMessage(db: Db, message: Omit<MessageRow, 'id'>): Promise<Message> {
  const result = await db.insertInto('messages').values(message).executeTakeFirstOrThrow();
  return toMessage({ ...message, id: Number(result.insertId) });
}

export async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && toMessage(row);
}

export async function findBySeq(db: Db, conversationId: number, seq: number): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row && toMessage(row);
}

/** Up to `limit` messages with seq in (after, before), ascending; `fromEnd` takes the newest of them. */
export async function listMessages(
  db: Db,
  conversationId: number,
  range: { after: number; before?: number; createdSince?: number; limit: number; fromEnd: boolean },
): Promise<Message[]> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', range.after);
  if (range.before !== undefined) query = query.where('seq', '<', range.before);
  if (range.createdSince !== undefined) query = query.where('created_at', '>=', range.createdSince);
  const rows = await query
    .orderBy('seq', range.fromEnd ? 'desc' : 'asc')
    .limit(range.limit)
    .execute();
  if (range.fromEnd) rows.reverse();
  return rows.map(toMessage);
}
