import type { Message } from '@chat/protocol';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import { insertedIds, isUniqueViolation, type MultiRowInsertIds } from '../infra/db/dialect.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import { toMessage } from './messages-repository.ts';
import { commitOne, type PreparedSend, type SendResult, unreadState } from './messaging.ts';

/**
 * Commits many sends in one transaction with a fixed number of statements, whatever their number:
 * the cost of a durable message is then a share of one commit (one fsync) and of a few round
 * trips, instead of all of them. Seqs are taken per conversation with one UPDATE over the
 * conversations in the batch, which locks their rows in primary-key order, so two nodes committing
 * overlapping batches wait for each other instead of deadlocking. Those locks are held until the
 * commit, so the transaction does only what must be atomic; the unread totals are read after it.
 * Anything that fails the batch (a replayed client id, a sender outside the conversation, a lock
 * timeout) rolls it back whole and its items are committed one by one, so each gets its own answer.
 */
export async function commitBatch(
  db: Db,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<Array<SendResult | Error>> {
  let committed: CommittedBatch;
  try {
    committed = await commitTogether(db, sends, insertIds);
  } catch (error) {
    const replays = isUniqueViolation(error) ? await storedAlready(db, sends) : new Set<string>();
    if (replays.size > 0) return commitAroundReplays(db, sends, replays, insertIds);
    const results: Array<SendResult | Error> = [];
    for (const send of sends) results.push(await commitOne(db, send).catch((e: Error) => e));
    return results;
  }
  return withUnreadCounts(db, committed);
}

const clientKey = (send: PreparedSend) => `${send.senderId}:${send.clientId}`;

/** The sends of a batch whose (sender, client id) is stored already: retries of acked sends. */
async function storedAlready(db: Db, sends: readonly PreparedSend[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('messages')
    .select(['sender_id', 'client_id'])
    .where((eb) =>
      eb.or(sends.map((send) => eb.and([eb('sender_id', '=', send.senderId), eb('client_id', '=', send.clientId)]))),
    )
    .execute();
  return new Set(rows.map((row) => `${row.sender_id}:${row.client_id}`));
}

/**
 * A client that reconnects resends what was not acked, and some of it was stored: those few are
 * answered one by one, the rest is committed together again rather than one transaction each.
 */
async function commitAroundReplays(
  db: Db,
  sends: readonly PreparedSend[],
  replays: ReadonlySet<string>,
  insertIds: MultiRowInsertIds,
): Promise<Array<SendResult | Error>> {
  const fresh = sends.filter((send) => !replays.has(clientKey(send)));
  const freshResults = fresh.length > 0 ? await commitBatch(db, fresh, insertIds) : [];
  const results: Array<SendResult | Error> = [];
  for (const send of sends) {
    if (replays.has(clientKey(send))) results.push(await commitOne(db, send).catch((e: Error) => e));
    else results.push(freshResults[fresh.indexOf(send)] as SendResult | Error);
  }
  return results;
}

class BatchItemError extends Error {}

/** `case when … then … else … end`, the same on MySQL and SQLite. */
function caseOf(branches: Array<[RawBuilder<unknown>, number]>, otherwise: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`case ${sql.join(
    branches.map(([condition, value]) => sql`when ${condition} then ${value}`),
    sql` `,
  )} else ${otherwise} end`;
}

interface CommittedSend {
  message: Message;
  peerId: number;
  lastSeq: number;
  peerReadSeq: number;
  senderReadSeq: number;
}

interface CommittedBatch {
  sends: CommittedSend[];
  /** Everyone whose counts the batch changed. */
  userIds: number[];
}

const memberKey = (conversationId: number, userId: number) => `${conversationId}:${userId}`;

async function commitTogether(
  db: Db,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<CommittedBatch> {
  const now = Date.now();
  const perConversation = new Map<number, number>();
  for (const send of sends)
    perConversation.set(send.conversationId, (perConversation.get(send.conversationId) ?? 0) + 1);
  const conversationIds = [...perConversation.keys()].sort((a, b) => a - b);

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
    const memberships = new Map(members.map((m) => [memberKey(m.conversation_id, m.user_id), m]));
    const lastSeqOf = new Map(members.map((m) => [m.conversation_id, m.last_seq]));

    const nextSeq = new Map(
      conversationIds.map((id) => [id, (lastSeqOf.get(id) ?? 0) - (perConversation.get(id) ?? 0)]),
    );
    const rows = sends.map((send) => {
      if (!memberships.has(memberKey(send.conversationId, send.senderId)))
        throw new BatchItemError('sender not in conversation');
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
    const inserted = await trx.insertInto('messages').values(rows).executeTakeFirstOrThrow();
    const ids =
      insertedIds(insertIds, Number(inserted.insertId), rows.length) ?? (await lookUpIds(trx, conversationIds, rows));

    // Cursors: both sides see the conversation again; each sender has read up to their last message.
    const senderLast = new Map<string, { conversationId: number; userId: number; seq: number }>();
    for (const row of rows)
      senderLast.set(memberKey(row.conversation_id, row.sender_id), {
        conversationId: row.conversation_id,
        userId: row.sender_id,
        seq: row.seq,
      });
    const cursors = [...senderLast.values()];
    await trx
      .updateTable('conversation_members')
      .set(() => ({
        hidden: 0,
        read_seq: caseOf(
          cursors.map((k) => [sql`conversation_id = ${k.conversationId} and user_id = ${k.userId}`, k.seq]),
          sql`read_seq`,
        ),
      }))
      .where('conversation_id', 'in', conversationIds)
      .execute();

    const readSeqOf = (conversationId: number, userId: number) =>
      senderLast.get(memberKey(conversationId, userId))?.seq ??
      memberships.get(memberKey(conversationId, userId))?.read_seq ??
      0;
    return {
      userIds: [...new Set(members.map((m) => m.user_id))],
      sends: sends.map((send, i): CommittedSend => {
        const row = rows[i] as (typeof rows)[number];
        const peerId = memberships.get(memberKey(send.conversationId, send.senderId))?.peer_id as number;
        return {
          message: toMessage({ ...row, id: ids[i] as number }, send.attachment),
          peerId,
          lastSeq: lastSeqOf.get(send.conversationId) ?? row.seq,
          peerReadSeq: readSeqOf(send.conversationId, peerId),
          senderReadSeq: readSeqOf(send.conversationId, send.senderId),
        };
      }),
    };
  });
}

async function lookUpIds(
  trx: Db,
  conversationIds: number[],
  rows: ReadonlyArray<{ conversation_id: number; seq: number }>,
): Promise<number[]> {
  const stored = await trx
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'seq'])
    .where('conversation_id', 'in', conversationIds)
    .where((eb) =>
      eb.or(rows.map((r) => eb.and([eb('conversation_id', '=', r.conversation_id), eb('seq', '=', r.seq)]))),
    )
    .execute();
  const idAt = new Map(stored.map((r) => [`${r.conversation_id}:${r.seq}`, r.id]));
  return rows.map((r) => idAt.get(`${r.conversation_id}:${r.seq}`) ?? 0);
}

/**
 * Absolute unread counts for everyone the batch touched, read after the commit so that no lock is
 * held for them. A count that moved again meanwhile is newer, not wrong: the next event corrects it.
 */
async function withUnreadCounts(db: Db, batch: CommittedBatch): Promise<SendResult[]> {
  // The sends are stored whatever happens here: without the totals, each count stands for itself
  // until the next event brings the real total.
  const totalOf = await unreadTotals(db, batch.userIds).catch(() => new Map<number, number>());
  return batch.sends.map((send) => {
    const conversationId = send.message.conversationId;
    const state = (readSeq: number, userId: number) =>
      unreadState(conversationId, send.lastSeq, readSeq, totalOf.get(userId) ?? Math.max(0, send.lastSeq - readSeq));
    return {
      message: send.message,
      created: true,
      peerId: send.peerId,
      peerUnread: state(send.peerReadSeq, send.peerId),
      senderUnread: state(send.senderReadSeq, send.message.senderId),
    };
  });
}

async function unreadTotals(db: Db, userIds: number[]): Promise<Map<number, number>> {
  const totals = await db
    .selectFrom('conversation_members as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select([
      'm.user_id',
      (eb) => eb.fn.sum<string | number | null>(eb('c.last_seq', '-', eb.ref('m.read_seq'))).as('total'),
    ])
    .where('m.user_id', 'in', userIds)
    .groupBy('m.user_id')
    .execute();
  // MySQL sums to DECIMAL, which arrives as a string.
  return new Map(totals.map((t) => [t.user_id, Number(t.total ?? 0)]));
}

/** Upper bound of one batch: the statements stay small, and one slow batch holds few senders. */
const MAX_BATCH = 200;
/**
 * Batches committing at once per node. One: concurrent batches of one node mostly wait on each
 * other's conversation locks (the two sides of a chat send at once), and while one commits the
 * next one grows. Measured with `pnpm bench` at 3,000 msg/s on two nodes: p99 155 ms with 4 in
 * flight, 46 ms with 2, 27 ms with 1.
 */
const MAX_IN_FLIGHT = 1;

/**
 * Gathers sends while earlier batches commit. Nothing waits on a timer: under light load each send
 * commits at once, alone; under heavy load the batches grow by themselves.
 */
export class SendBatcher {
  private queue: Array<{ send: PreparedSend; resolve(result: SendResult): void; reject(error: Error): void }> = [];
  private inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly insertIds: MultiRowInsertIds,
  ) {}

  submit(send: PreparedSend): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ send, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      sendMetrics.batchCommitting(batch.length);
      this.inFlight++;
      commitBatch(
        this.db,
        batch.map((item) => item.send),
        this.insertIds,
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
