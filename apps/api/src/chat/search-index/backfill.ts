import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../../infra/db/database.ts';
import { indexMessages } from './repository.ts';

/** Ids looked at per transaction: small enough that the locks it takes are held for milliseconds. */
const ID_RANGE = 2000;

/**
 * Indexes messages stored before search existed (or by a server that did not index them), newest
 * first, in the background after start-up. Each range is read and indexed in one transaction that
 * locks its messages first, so an edit or a delete for everyone of one of them waits and then
 * rewrites the row, and several nodes doing this at once take each range in turn: the next one
 * reads after the lock, sees the rows the first wrote, and inserts none twice. (Embedded, one
 * process writes the file, one transaction at a time.)
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
      // MariaDB has no `for update of <table>`: the range's messages are locked by a read of their own.
      if (database.dialect === 'mysql')
        await trx
          .selectFrom('messages')
          .select('id')
          .where('id', '<=', upper)
          .where('id', '>', upper - ID_RANGE)
          .forUpdate()
          .execute();
      const rows = await trx
        .selectFrom('messages as msg')
        .innerJoin('conversations as c', 'c.id', 'msg.conversation_id')
        .leftJoin('message_search as s', 's.message_id', 'msg.id')
        .select(['msg.id', 'msg.conversation_id', 'msg.text', 'c.user_low_id', 'c.user_high_id'])
        .where('msg.id', '<=', upper)
        .where('msg.id', '>', upper - ID_RANGE)
        .where('msg.deleted_at', 'is', null)
        .where('s.message_id', 'is', null)
        .execute();
      await indexMessages(
        trx,
        rows.map((row) => ({
          messageId: row.id,
          conversationId: row.conversation_id,
          memberIds: [row.user_low_id, row.user_high_id],
          text: row.text,
        })),
      );
      return rows.length;
    });
  }
  if (indexed > 0) log.info({ indexed }, 'search: indexed messages stored before search');
}
