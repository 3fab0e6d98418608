import type { Message } from '@chat/protocol';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import { toMessage } from './messages-repository.ts';
import { commitOne, type PreparedSend, type SendResult, unreadState } from './messaging.ts';

/**
 * Commits many sends in one transaction with a fixed number of statements, whatever their number:
 * the cost of a durable message is then a share of one commit (one fsync) and of a few round
 * trips, instead of all of them. Seqs are taken per conversation with one UPDATE over the
 * conversations in the batch, which locks their rows in primary-key order, so two nodes committing
 * overlapping batches wait for each other instead of deadlocking.
 * Anything that fails the batch (a replayed client id, a sender outside the conversation, a lock
 * timeout) rolls it back whole and its items are committed one by one, so each gets its own answer.
 */
export async function commitBatch(db: Db, sends: readonly PreparedSend[]): Promise<Array<SendResult | Error>> {
  if (sends.length === 1) return [await commitOne(db, sends[0] as PreparedSend).catch((error: Error) => error)];
  try {
    return await commitTogether(db, sends);
  } catch {
    const results: Array<SendResult | Error> = [];
    for (const send of sends) results.push(await commitOne(db, send).catch((e: Error) => e));
    return results;
  }
}

class BatchItemError extends Error {}

/** `case when … then … else … end`, the same on MySQL and SQLite. */
function caseOf(branches: Array<[RawBuilder<unknown>, number]>, otherwise: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`case ${sql.join(
    branches.map(([condition, value]) => sql`when ${condition} then ${value}`),
    sql` `,
  )} else ${otherwise} end`;
}

async function commitTogether(db: Db, sends: readonly PreparedSend[]): Promise<SendResult[]> {
  const now = Date.now();
  const conversationIds = [...new Set(sends.map((s) => s.conversationId))].sort((a, b) => a - b);
  const perConversation = new Map<number, number>();
  for (const send of sends)
    perConversation.set(send.conversationId, (perConversation.get(send.conversationId) ?? 0) + 1);

  return db.transaction().execute(async (trx) => {
    // Seqs: one locking UPDATE for all the batch's conversations, then their new last seqs.
    await trx
      .updateTable('conversations')
      .set((eb) => ({
        last_seq: eb(
          'last_seq',
          '+',
          caseOf(
            conversationIds.map((id) => [sql`id = ${id}`, perConversation.get(id) ?? 0]),
            sql`0`,
          ),
        ),
        updated_at: now,
      }))
      .where('id', 'in', conversationIds)
      .execute();
    const members = await trx
      .selectFrom('conversation_members as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.conversation_id', 'm.user_id', 'm.peer_id', 'm.read_seq', 'c.last_seq'])
      .where('m.conversation_id', 'in', conversationIds)
      .execute();
    const memberOf = (conversationId: number, userId: number) =>
      members.find((m) => m.conversation_id === conversationId && m.user_id === userId);

    const nextSeq = new Map(
      conversationIds.map((id) => [
        id,
        (members.find((m) => m.conversation_id === id)?.last_seq ?? 0) - (perConversation.get(id) ?? 0),
      ]),
    );
    const rows = sends.map((send) => {
      if (!memberOf(send.conversationId, send.senderId)) throw new BatchItemError('sender not in conversation');
      const seq = (nextSeq.get(send.conversationId) ?? 0) + 1;
      nextSeq.set(send.conversationId, seq);
      return {
        conversation_id: send.conversationId,
        seq,
        sender_id: send.senderId,
        client_id: send.clientId,
        text: send.text,
        attachment_id: send.attachment?.id ?? null,
        created_at: now,
      };
    });
    await trx.insertInto('messages').values(rows).execute();
    const stored = await trx
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'seq'])
      .where('conversation_id', 'in', conversationIds)
      .where((eb) =>
        eb.or(rows.map((r) => eb.and([eb('conversation_id', '=', r.conversation_id), eb('seq', '=', r.seq)]))),
      )
      .execute();
    const idAt = new Map(stored.map((r) => [`${r.conversation_id}:${r.seq}`, r.id]));

    // Cursors: both sides see the conversation again; each sender has read up to their last message.
    await trx
      .updateTable('conversation_members')
      .set({ hidden: 0 })
      .where('conversation_id', 'in', conversationIds)
      .where('hidden', '=', 1)
      .execute();
    const senderLast = new Map<string, { conversationId: number; userId: number; seq: number }>();
    for (const row of rows)
      senderLast.set(`${row.conversation_id}:${row.sender_id}`, {
        conversationId: row.conversation_id,
        userId: row.sender_id,
        seq: row.seq,
      });
    const cursors = [...senderLast.values()];
    await trx
      .updateTable('conversation_members')
      .set(() => ({
        read_seq: caseOf(
          cursors.map((k) => [sql`conversation_id = ${k.conversationId} and user_id = ${k.userId}`, k.seq]),
          sql`read_seq`,
        ),
      }))
      .where('conversation_id', 'in', conversationIds)
      .execute();

    // Absolute unread counts, per conversation and in total, for everyone the batch touched.
    const userIds = [...new Set(members.map((m) => m.user_id))];
    const totals = await trx
      .selectFrom('conversation_members as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select([
        'm.user_id',
        (eb) => eb.fn.sum<string | number | null>(eb('c.last_seq', '-', eb.ref('m.read_seq'))).as('total'),
      ])
      .where('m.user_id', 'in', userIds)
      .groupBy('m.user_id')
      .execute();
    const totalOf = new Map(totals.map((t) => [t.user_id, Number(t.total ?? 0)]));
    const lastOf = new Map(conversationIds.map((id) => [id, nextSeq.get(id) ?? 0]));
    const readAfter = (conversationId: number, userId: number) =>
      senderLast.get(`${conversationId}:${userId}`)?.seq ?? memberOf(conversationId, userId)?.read_seq ?? 0;

    return sends.map((send, i): SendResult => {
      const row = rows[i] as (typeof rows)[number];
      const member = memberOf(send.conversationId, send.senderId) as (typeof members)[number];
      const peerId = member.peer_id;
      const lastSeq = lastOf.get(send.conversationId) ?? row.seq;
      const message: Message = toMessage(
        { ...row, id: idAt.get(`${row.conversation_id}:${row.seq}`) ?? 0 },
        send.attachment,
      );
      return {
        message,
        created: true,
        peerId,
        peerUnread: unreadState(
          send.conversationId,
          lastSeq,
          readAfter(send.conversationId, peerId),
          totalOf.get(peerId) ?? 0,
        ),
        senderUnread: unreadState(
          send.conversationId,
          lastSeq,
          readAfter(send.conversationId, send.senderId),
          totalOf.get(send.senderId) ?? 0,
        ),
      };
    });
  });
}

/** Upper bound of one batch: the statements stay small, and one slow batch holds few senders. */
const MAX_BATCH = 200;
/** Batches committing at once per node: enough to keep the database's group commit busy. */
const MAX_IN_FLIGHT = 4;

/**
 * Gathers sends while earlier batches commit. Nothing waits on a timer: under light load each send
 * commits at once, alone; under heavy load the batches grow by themselves.
 */
export class SendBatcher {
  private queue: Array<{ send: PreparedSend; resolve(result: SendResult): void; reject(error: Error): void }> = [];
  private inFlight = 0;

  constructor(private readonly db: Db) {}

  submit(send: PreparedSend): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ send, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      commitBatch(
        this.db,
        batch.map((item) => item.send),
      )
        .then((results) => {
          results.forEach((result, i) => {
            const item = batch[i];
            if (result instanceof Error) item?.reject(result);
            else item?.resolve(result);
          });
        })
        .catch((error: Error) => {
          for (const item of batch) item.reject(error);
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
