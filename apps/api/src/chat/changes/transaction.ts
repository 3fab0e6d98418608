import type { Message } from '@chat/protocol';
import { sql } from 'kysely';
import { notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { findById } from '../messages-repository.ts';
import { emojiKey } from '../reaction-key.ts';
import { reindexMessage, unindexMessage } from '../search-index/repository.ts';
import { type Change, checkChange } from './rules.ts';

export interface CommittedChange {
  message: Message;
  peerId: number;
  /** True when this change deleted the message: the unread counts that included it went down. */
  deleted: boolean;
}

/**
 * The one transaction that changes a message. It first takes the conversation's next change
 * position with a locking UPDATE of the conversation's row, the row every send of the conversation
 * locks too, so changes and sends of one conversation are ordered and no two changes share a
 * position; then checks the rules against the message as it is under that lock, applies the change
 * and stamps the position on the message. A refused change rolls back, position included. A change
 * resent after a lost answer takes a new position and leaves the same state.
 */
export async function commitChange(
  db: Db,
  userId: number,
  change: Change,
  editWindowMs: number,
): Promise<CommittedChange> {
  const located = await db
    .selectFrom('messages')
    .select('conversation_id')
    .where('id', '=', change.messageId)
    .executeTakeFirst();
  if (!located) throw notFound('That message');
  const conversationId = located.conversation_id;
  const now = Date.now();

  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('conversations')
      .set((eb) => ({ last_change_seq: eb('last_change_seq', '+', 1) }))
      .where('id', '=', conversationId)
      .execute();
    const row = await trx
      .selectFrom('messages as msg')
      .innerJoin('conversation_members as m', (join) =>
        join.onRef('m.conversation_id', '=', 'msg.conversation_id').on('m.user_id', '=', userId),
      )
      .innerJoin('conversations as c', 'c.id', 'msg.conversation_id')
      .select([
        'msg.seq',
        'msg.sender_id',
        'msg.created_at',
        'msg.deleted_at',
        'msg.attachment_id',
        'm.peer_id',
        'c.last_change_seq',
      ])
      .where('msg.id', '=', change.messageId)
      .executeTakeFirst();
    // Not 403: a message of a conversation someone is not in does not exist for them.
    if (!row) throw notFound('That message');
    const target = {
      senderId: row.sender_id,
      createdAt: row.created_at,
      deleted: row.deleted_at !== null,
      hasAttachment: row.attachment_id !== null,
    };
    checkChange(change, target, userId, now, editWindowMs);

    const deleted = change.kind === 'delete' && !target.deleted;
    await apply(trx, change, userId, now, deleted);
    if (deleted) await forgetDeleted(trx, conversationId, row.seq, row.attachment_id);
    // Found by its new text only, in step with what people see.
    if (change.kind === 'edit')
      await reindexMessage(trx, {
        messageId: change.messageId,
        conversationId,
        memberIds: [userId, row.peer_id],
        text: change.text,
      });
    await trx
      .updateTable('messages')
      .set({ change_seq: row.last_change_seq })
      .where('id', '=', change.messageId)
      .execute();
    const message = await findById(trx, change.messageId);
    if (!message) throw notFound('That message');
    return { message, peerId: row.peer_id, deleted };
  });
}

async function apply(trx: Db, change: Change, userId: number, now: number, deleting: boolean): Promise<void> {
  const messageId = change.messageId;
  if (change.kind === 'edit') {
    await trx.updateTable('messages').set({ text: change.text, edited_at: now }).where('id', '=', messageId).execute();
  } else if (change.kind === 'delete') {
    if (!deleting) return;
    await trx
      .updateTable('messages')
      .set({ text: '', attachment_id: null, deleted_at: now })
      .where('id', '=', messageId)
      .execute();
    await trx.deleteFrom('reactions').where('message_id', '=', messageId).execute();
    await unindexMessage(trx, messageId);
  } else if (change.on) {
    await trx
      .insertInto('reactions')
      .ignore()
      .values({ message_id: messageId, user_id: userId, emoji_key: emojiKey(change.emoji), created_at: now })
      .execute();
  } else {
    await trx
      .deleteFrom('reactions')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .where('emoji_key', '=', emojiKey(change.emoji))
      .execute();
  }
}

/**
 * What a delete for everyone takes along: the message no longer counts as unread for a member who
 * had not read it, and its picture is no longer served to anyone, the uploader included, unless
 * another message still carries it.
 */
async function forgetDeleted(trx: Db, conversationId: number, seq: number, attachmentId: string | null) {
  await trx
    .updateTable('conversation_members')
    .set((eb) => ({ deleted_unread: eb('deleted_unread', '+', 1) }))
    .where('conversation_id', '=', conversationId)
    .where('read_seq', '<', seq)
    .execute();
  if (attachmentId === null) return;
  await trx
    .deleteFrom('uploads')
    .where('id', '=', attachmentId)
    .where(
      sql<boolean>`not exists (select 1 from messages where attachment_id = ${attachmentId} and deleted_at is null)`,
    )
    .execute();
}
