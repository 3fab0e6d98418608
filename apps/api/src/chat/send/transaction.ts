import type { Message } from '@chat/protocol';
import { notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { insertedIds, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { runText } from '../../infra/db/statement-text.ts';
import { failpoint } from '../../infra/failpoints/failpoints.ts';
import { blockRefusal } from '../blocks/rules.ts';
import { peerDeleted } from '../conversations.ts';
import { toMessage } from '../messages-repository.ts';
import { indexMessages } from '../search-index/repository.ts';
import type { Cursors } from '../unread-state.ts';
import { sendStatements } from './statements.ts';
import type { PreparedSend } from './types.ts';

export interface CommittedSend {
  message: Message;
  peerId: number;
  peer: Cursors;
  sender: Cursors;
  /** The unread totals of the peer and of the sender, as of this batch. */
  peerTotal: number;
  senderTotal: number;
}

interface MemberRow {
  conversation_id: number;
  user_id: number;
  peer_id: number;
  read_seq: number;
  deleted_unread: number;
  last_seq: number;
  last_change_seq: number;
  /** Set when the member's account was deleted. */
  deleted_at: number | null;
  /** Set when the member blocks their peer. */
  blocked_peer: number | null;
  /** MySQL sums to DECIMAL, which arrives as a string. */
  total: number | string | null;
}

const memberKey = (conversationId: number, userId: number) => `${conversationId}:${userId}`;

/**
 * The one transaction that stores messages, for a batch of one or many, with a fixed number of
 * statements whatever their number: the cost of a durable message is then a share of one commit
 * (one fsync) and of a few round trips. Seqs are taken per conversation with one UPDATE over the
 * conversations in the batch, which locks their rows in primary-key order, so two nodes committing
 * overlapping batches wait for each other instead of deadlocking; seqs never gap or repeat. The
 * members' read gives the unread totals as well (one index lookup per member), so no statement
 * follows the commit. A sender outside the conversation fails it with 404, one in a block with
 * their peer with the block's refusal.
 *
 * The statements are SQL text written once per shape (`statements.ts`), not built per batch: the
 * query builder was 15-20 % of a busy node's CPU.
 */
export async function commitTogether(
  db: Db,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<CommittedSend[]> {
  const now = Date.now();
  const perConversation = new Map<number, number>();
  for (const send of sends)
    perConversation.set(send.conversationId, (perConversation.get(send.conversationId) ?? 0) + 1);
  const conversationIds = [...perConversation.keys()].sort((a, b) => a - b);
  const statements = sendStatements;
  return db.transaction().execute(async (trx) => {
    // Seqs: one locking UPDATE for all the batch's conversations, then their new last seqs.
    await runText(trx, statements.takeSeqs(conversationIds.length), [
      ...conversationIds.flatMap((id) => [id, perConversation.get(id) ?? 0]),
      now,
      ...conversationIds,
    ]);
    const { rows: members } = await runText<MemberRow>(
      trx,
      statements.readMembers(conversationIds.length),
      conversationIds,
    );
    await failpoint('send.members-read');
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
      // Read under the conversation's lock, so no send commits after the peer's account is gone,
      // nor after a block (which takes the same lock): prepare's check came before the transaction.
      const peer = memberships.get(memberKey(send.conversationId, sender.peer_id));
      if (peer?.deleted_at != null) throw peerDeleted();
      const refusal = blockRefusal({ byMe: sender.blocked_peer !== null, byThem: peer?.blocked_peer != null });
      if (refusal) throw refusal;
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
    const inserted = await runText(
      trx,
      statements.insertMessages(rows.length),
      rows.flatMap((r) => [
        r.conversation_id,
        r.seq,
        r.sender_id,
        r.client_id,
        r.text,
        r.attachment_id,
        r.reply_to_id,
        r.created_at,
      ]),
    );
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
    await runText(trx, statements.moveCursors(cursors.length, conversationIds.length), [
      ...cursors.flatMap((k) => [k.conversationId, k.userId, k.seq]),
      ...cursors.flatMap((k) => [k.conversationId, k.userId]),
      ...conversationIds,
    ]);
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
    const totalOf = totalsAfter(members, senderLast);
    return sends.map((send, i): CommittedSend => {
      const row = rows[i] as (typeof rows)[number];
      const peerId = memberships.get(memberKey(send.conversationId, send.senderId))?.peer_id as number;
      const stored = { ...row, id: ids[i] as number, edited_at: null, deleted_at: null, change_seq: 0 };
      return {
        message: toMessage(stored, send.attachment, send.replyTo, []),
        peerId,
        peer: cursorsOf(send.conversationId, peerId),
        sender: cursorsOf(send.conversationId, send.senderId),
        peerTotal: totalOf.get(peerId) ?? 0,
        senderTotal: totalOf.get(send.senderId) ?? 0,
      };
    });
  });
}

/**
 * Each member's unread total once the batch's cursors moved: the totals were read after the seqs
 * were taken and before the senders' cursors moved to their last message, so a sender's own
 * conversation counts (last − read − deleted) in the total read, and (last − own last seq) now.
 */
function totalsAfter(
  members: readonly MemberRow[],
  senderLast: ReadonlyMap<string, { seq: number }>,
): Map<number, number> {
  const totals = new Map<number, number>();
  for (const m of members) if (!totals.has(m.user_id)) totals.set(m.user_id, Number(m.total ?? 0));
  for (const m of members) {
    const sent = senderLast.get(memberKey(m.conversation_id, m.user_id));
    if (!sent) continue;
    const before = m.last_seq - m.read_seq - m.deleted_unread;
    totals.set(m.user_id, (totals.get(m.user_id) ?? 0) - before + (m.last_seq - sent.seq));
  }
  return totals;
}

async function lookUpIds(
  trx: Db,
  conversationIds: number[],
  rows: ReadonlyArray<{ conversation_id: number; seq: number }>,
): Promise<number[]> {
  const { rows: stored } = await runText<{ id: number; conversation_id: number; seq: number }>(
    trx,
    sendStatements.findIds(conversationIds.length, rows.length),
    [...conversationIds, ...rows.flatMap((r) => [r.conversation_id, r.seq])],
  );
  const idAt = new Map(stored.map((r) => [`${r.conversation_id}:${r.seq}`, r.id]));
  return rows.map((r) => idAt.get(`${r.conversation_id}:${r.seq}`) ?? 0);
}
