import type { Message } from '@chat/protocol';
import { type RawBuilder, sql } from 'kysely';
import { notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { insertedIds, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { peerDeleted } from '../conversations.ts';
import { toMessage } from '../messages-repository.ts';
import { indexMessages } from '../search-index/repository.ts';
import type { Cursors } from '../unread-state.ts';
import type { PreparedSend } from './types.ts';

export interface CommittedSend {
  message: Message;
  peerId: number;
  peer: Cursors;
  sender: Cursors;
}

export interface CommittedBatch {
  sends: CommittedSend[];
  /** Everyone whose counts the batch changed. */
  userIds: number[];
}

/** `case when … then … else … end`, the same on MySQL and SQLite. */
function caseOf(branches: Array<[RawBuilder<unknown>, number]>, otherwise: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`case ${sql.join(
    branches.map(([condition, value]) => sql`when ${condition} then ${value}`),
    sql` `,
  )} else ${otherwise} end`;
}

const memberKey = (conversationId: number, userId: number) => `${conversationId}:${userId}`;

/**
 * The one transaction that stores messages, for a batch of one or many, with a fixed number of
 * statements whatever their number: the cost of a durable message is then a share of one commit
 * (one fsync) and of a few round trips. Seqs are taken per conversation with one UPDATE over the
 * conversations in the batch, which locks their rows in primary-key order, so two nodes committing
 * overlapping batches wait for each other instead of deadlocking; seqs never gap or repeat. The
 * locks are held until the commit, so the transaction does only what must be atomic: the unread
 * totals are read after it. A sender outside the conversation fails it with 404.
 */
export async function commitTogether(
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
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'u.deleted_at',
        'm.conversation_id',
        'm.user_id',
        'm.peer_id',
        'm.read_seq',
        'm.deleted_unread',
        'c.last_seq',
        'c.last_change_seq',
      ])
      .where('m.conversation_id', 'in', conversationIds)
      .execute();
    const memberships = new Map(members.map((m) => [memberKey(m.conversation_id, m.user_id), m]));
    const lastSeqOf = new Map(members.map((m) => [m.conversation_id, m.last_seq]));
    const lastChangeSeqOf = new Map(members.map((m) => [m.conversation_id, m.last_change_seq]));

    const nextSeq = new Map(
      conversationIds.map((id) => [id, (lastSeqOf.get(id) ?? 0) - (perConversation.get(id) ?? 0)]),
    );
    const rows = sends.map((send) => {
      // Not 403: a conversation someone is not in does not exist for them.
      const sender = memberships.get(memberKey(send.conversationId, send.senderId));
      if (!sender) throw notFound('That conversation');
      // Read under the conversation's lock, so no send commits after the peer's account is gone.
      if (memberships.get(memberKey(send.conversationId, sender.peer_id))?.deleted_at != null) throw peerDeleted();
      const seq = (nextSeq.get(send.conversationId) ?? 0) + 1;
      nextSeq.set(send.conversationId, seq);
      return {
        conversation_id: send.conversationId,
        seq,
        sender_id: send.senderId,
        client_id: send.clientId,
        text: send.text,
        attachment_id: send.attachment?.id ?? null,
        reply_to_id: send.replyTo?.id ?? null,
        created_at: now,
      };
    });
    const inserted = await trx.insertInto('messages').values(rows).executeTakeFirstOrThrow();
    const ids =
      insertedIds(insertIds, Number(inserted.insertId), rows.length) ?? (await lookUpIds(trx, conversationIds, rows));
    const memberIdsOf = (conversationId: number) =>
      members.filter((m) => m.conversation_id === conversationId).map((m) => m.user_id);
    await indexMessages(
      trx,
      rows.map((row, i) => ({
        messageId: ids[i] as number,
        conversationId: row.conversation_id,
        memberIds: memberIdsOf(row.conversation_id),
        text: row.text,
      })),
    );

    // Cursors: both sides see the conversation again; each sender has read up to their last message,
    // past every deleted one (all older than the batch).
    const senderLast = new Map<string, { conversationId: number; userId: number; seq: number }>();
    for (const row of rows)
      senderLast.set(memberKey(row.conversation_id, row.sender_id), {
        conversationId: row.conversation_id,
        userId: row.sender_id,
        seq: row.seq,
      });
    const cursors = [...senderLast.values()];
    const isSender = cursors.map((k) => sql`conversation_id = ${k.conversationId} and user_id = ${k.userId}`);
    await trx
      .updateTable('conversation_members')
      .set(() => ({
        hidden: 0,
        read_seq: caseOf(
          cursors.map((k, i) => [isSender[i] as RawBuilder<unknown>, k.seq]),
          sql`read_seq`,
        ),
        deleted_unread: caseOf(
          isSender.map((condition) => [condition, 0]),
          sql`deleted_unread`,
        ),
      }))
      .where('conversation_id', 'in', conversationIds)
      .execute();

    const cursorsOf = (conversationId: number, userId: number): Cursors => {
      const sent = senderLast.get(memberKey(conversationId, userId));
      const member = memberships.get(memberKey(conversationId, userId));
      return {
        conversationId,
        lastSeq: lastSeqOf.get(conversationId) ?? 0,
        readSeq: sent?.seq ?? member?.read_seq ?? 0,
        deletedUnread: sent ? 0 : (member?.deleted_unread ?? 0),
        lastChangeSeq: lastChangeSeqOf.get(conversationId) ?? 0,
      };
    };
    return {
      userIds: [...new Set(members.map((m) => m.user_id))],
      sends: sends.map((send, i): CommittedSend => {
        const row = rows[i] as (typeof rows)[number];
        const peerId = memberships.get(memberKey(send.conversationId, send.senderId))?.peer_id as number;
        const stored = { ...row, id: ids[i] as number, edited_at: null, deleted_at: null, change_seq: 0 };
        return {
          message: toMessage(stored, send.attachment, send.replyTo, []),
          peerId,
          peer: cursorsOf(send.conversationId, peerId),
          sender: cursorsOf(send.conversationId, send.senderId),
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
