import { notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';

/**
 * "Delete for me" of one message: it leaves this member's history and syncs; the peer keeps it.
 * Hiding twice is harmless, so a resend after a lost answer is too.
 */
export async function hideMessage(db: Db, userId: number, messageId: number): Promise<{ conversationId: number }> {
  const row = await db
    .selectFrom('messages as msg')
    .innerJoin('conversation_members as m', (join) =>
      join.onRef('m.conversation_id', '=', 'msg.conversation_id').on('m.user_id', '=', userId),
    )
    .select('msg.conversation_id')
    .where('msg.id', '=', messageId)
    .executeTakeFirst();
  if (!row) throw notFound('That message');
  await db.insertInto('hidden_messages').ignore().values({ user_id: userId, message_id: messageId }).execute();
  return { conversationId: row.conversation_id };
}
