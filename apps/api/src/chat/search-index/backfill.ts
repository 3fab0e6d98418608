import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../../infra/db/database.ts';
import { indexMessages } from './repository.ts';

/** Ids looked at per transaction: small enough that the locks it takes are held for milliseconds. */
const ID_RANGE = 2000;

/**
 * Indexes messages stored before search existed (or by a server that did not index them), newest
 * first, in the background after start-up. Each range is read and indexed in one transaction that
 * locks its messages, so an edit or a delete for everyone of one of them waits and then rewrites
 * the row; several nodes doing this at once insert each row once (`ignore`).
 */
export async function backfillSearchIndex(database: DatabaseHandle, log: FastifyBaseLogger): Promise<void> {
  const { db } = database;
  const newest = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  let indexed = 0;
  for (let upper = Number(newest?.id ?? 0); upper > 0; upper -= ID_RANGE) {
    indexed += await db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('messages as msg')
        .innerJoin('conversations as c', 'c.id', 'msg.conversation_id')
        .leftJoin('message_search as s', 's.message_id', 'msg.id')
        .select(['msg.id', 'msg.conversation_id', 'msg.text', 'c.user_low_id', 'c.user_high_id'])
        .where('msg.id', '<=', upper)
        .where('msg.id', '>', upper - ID_RANGE)
        .where('msg.deleted_at', 'is', null)
        .where('s.message_id', 'is', null);
      if (database.dialect === 'mysql') query = query.forUpdate('msg');
      const rows = await query.execute();
      await indexMessages(
        trx,
        rows.map((row) => ({
          messageId: row.id,
          conversationId: row.conversation_id,
          memberIds: [row.user_low_id, row.user_high_id],
          text: row.text,
        })),
        { ignoreIndexed: true },
      );
      return rows.length;
    });
  }
  if (indexed > 0) log.info({ indexed }, 'search: indexed messages stored before search');
}
