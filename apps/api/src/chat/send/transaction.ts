import type { Message } from '@chat/protocol';
import { type AppError, notFound } from '../../http/errors.ts';
import type { DatabaseHandle } from '../../infra/db/database.ts';
import { insertedIds, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import type { Pipeline, Statement } from '../../infra/db/pipelined-transaction.ts';
import { failpoint } from '../../infra/failpoints/failpoints.ts';
import { blockRefusal } from '../blocks/rules.ts';
import { peerDeleted } from '../conversations.ts';
import { toMessage } from '../messages-repository.ts';
import { indexStatement } from '../search-index/repository.ts';
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

/** A send of the batch that was stored, or the refusal that is its own. */
export type SendCommitOutcome = CommittedSend | AppError;

/**
 * The one transaction that stores messages, for a batch of one or many, with a fixed number of
 * statements whatever their number, sent in three round trips (`pipelined-transaction.ts`): the
 * cost of a durable message is then a share of one commit (one fsync) and of those round trips.
 *
 * 1. Lock the batch's conversations (in primary-key order, so two nodes committing overlapping
 *    batches wait for each other instead of deadlocking) and read their members: cursors, unread
 *    totals (one index lookup per member), deleted accounts, blocks.
 * 2. Refuse, each on its own, the sends that may not be stored: a sender outside the conversation
 *    (404), one whose peer's account is gone, one in a block with their peer. Read under the lock,
 *    so no send commits after a block or an account deletion (both take it). The others stay in
 *    the batch: one refused send does not make everyone else's commit again.
 * 3. Take the seqs of what is stored (never a gap, never a repeat) and insert the messages.
 * 4. Index them for search, move the senders' read cursors, commit. No statement follows.
 *
 * The statements are SQL text written once per shape (`statements.ts`), not built per batch: the
 * query builder was 15-20 % of a busy node's CPU.
 */
export async function commitTogether(
  database: DatabaseHandle,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<SendCommitOutcome[]> {
  const now = Date.now();
  const conversationIds = [...new Set(sends.map((send) => send.conversationId))].sort((a, b) => a - b);
  return database.pipelined(async (pipeline) => {
    const read: Statement[] = [[sendStatements.readMembers(conversationIds.length), conversationIds]];
    // SQLite has one writer at a time: the transaction holds the whole database already.
    if (database.dialect === 'mysql')
      read.unshift([sendStatements.lockConversations(conversationIds.length), conversationIds]);
    const members = (await pipeline.run(read)).at(-1)?.rows as unknown as MemberRow[];
    await failpoint('send.members-read');
    const memberships = new Map(members.map((m) => [memberKey(m.conversation_id, m.user_id), m]));
    const membersOf = groupByConversation(members);
    const outcomes: Array<AppError | undefined> = sends.map((send) => refusalOf(send, memberships));
    const stored = sends.filter((_, i) => outcomes[i] === undefined);
    if (stored.length === 0) {
      await pipeline.commitWith([]);
      return outcomes as AppError[];
    }
    const lastSeqBefore = (conversationId: number) => membersOf.get(conversationId)?.[0]?.last_seq ?? 0;
    const { rows, added } = numbered(stored, lastSeqBefore, now);
    const [, inserted] = await pipeline.run([takeSeqs(added, now), insertMessages(rows)]);
    const ids =
      insertedIds(insertIds, inserted?.insertId ?? Number.NaN, rows.length) ?? (await lookUpIds(pipeline, rows));
    const senderLast = lastSeqOfSenders(rows);
    const search = indexStatement(
      rows.map((row, i) => ({
        messageId: ids[i] as number,
        conversationId: row.conversation_id,
        memberIds: (membersOf.get(row.conversation_id) ?? []).map((m) => m.user_id),
        text: row.text,
      })),
    );
    await pipeline.commitWith([...(search ? [search] : []), moveCursors(senderLast, [...added.keys()])]);

    const lastSeqAfter = (conversationId: number) => lastSeqBefore(conversationId) + (added.get(conversationId) ?? 0);
    const cursorsOf = (conversationId: number, userId: number): Cursors => {
      const sent = senderLast.get(memberKey(conversationId, userId));
      const member = memberships.get(memberKey(conversationId, userId));
      return {
        conversationId,
        lastSeq: lastSeqAfter(conversationId),
        readSeq: sent?.seq ?? member?.read_seq ?? 0,
        deletedUnread: sent ? 0 : (member?.deleted_unread ?? 0),
        lastChangeSeq: member?.last_change_seq ?? 0,
      };
    };
    const totalOf = totalsAfter(members, added, senderLast);
    let next = 0;
    return sends.map((send, i): SendCommitOutcome => {
      const refusal = outcomes[i];
      if (refusal) return refusal;
      const row = rows[next] as StoredRow;
      const id = ids[next++] as number;
      const peerId = memberships.get(memberKey(send.conversationId, send.senderId))?.peer_id as number;
      const message = { ...row, id, edited_at: null, deleted_at: null, change_seq: 0 };
      return {
        message: toMessage(message, send.attachment, send.replyTo, []),
        peerId,
        peer: cursorsOf(send.conversationId, peerId),
        sender: cursorsOf(send.conversationId, send.senderId),
        peerTotal: totalOf.get(peerId) ?? 0,
        senderTotal: totalOf.get(send.senderId) ?? 0,
      };
    });
  });
}

/** Why `send` may not be stored, as read under its conversation's lock; undefined when it may. */
function refusalOf(send: PreparedSend, memberships: ReadonlyMap<string, MemberRow>): AppError | undefined {
  // Not 403: a conversation someone is not in does not exist for them.
  const sender = memberships.get(memberKey(send.conversationId, send.senderId));
  if (!sender) return notFound('That conversation');
  const peer = memberships.get(memberKey(send.conversationId, sender.peer_id));
  if (peer?.deleted_at != null) return peerDeleted();
  return blockRefusal({ byMe: sender.blocked_peer !== null, byThem: peer?.blocked_peer != null });
}

type StoredRow = ReturnType<typeof numbered>['rows'][number];

function groupByConversation(members: readonly MemberRow[]): Map<number, MemberRow[]> {
  const grouped = new Map<number, MemberRow[]>();
  for (const m of members) grouped.set(m.conversation_id, [...(grouped.get(m.conversation_id) ?? []), m]);
  return grouped;
}

/** The rows to insert, each with the next seq of its conversation, and how many each conversation got. */
function numbered(sends: readonly PreparedSend[], lastSeqBefore: (conversationId: number) => number, now: number) {
  const added = new Map<number, number>();
  const rows = sends.map((send) => {
    const count = (added.get(send.conversationId) ?? 0) + 1;
    added.set(send.conversationId, count);
    return {
      conversation_id: send.conversationId,
      seq: lastSeqBefore(send.conversationId) + count,
      sender_id: send.senderId,
      client_id: send.clientId,
      text: send.text,
      attachment_id: send.attachment?.id ?? null,
      reply_to_id: send.replyTo?.id ?? null,
      created_at: now,
    };
  });
  return { rows, added };
}

function takeSeqs(added: ReadonlyMap<number, number>, now: number): Statement {
  const ids = [...added.keys()];
  return [sendStatements.takeSeqs(ids.length), [...ids.flatMap((id) => [id, added.get(id) ?? 0]), now, ...ids]];
}

function insertMessages(rows: readonly StoredRow[]): Statement {
  return [
    sendStatements.insertMessages(rows.length),
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
  ];
}

interface SenderLast {
  conversationId: number;
  userId: number;
  seq: number;
}

/** Each sender's last message of the batch, per conversation: they have read up to it. */
function lastSeqOfSenders(rows: readonly StoredRow[]): Map<string, SenderLast> {
  const last = new Map<string, SenderLast>();
  for (const row of rows)
    last.set(memberKey(row.conversation_id, row.sender_id), {
      conversationId: row.conversation_id,
      userId: row.sender_id,
      seq: row.seq,
    });
  return last;
}

/** Both sides see the conversation again; each sender has read up to their last message, past every deleted one (all older than the batch). */
function moveCursors(senderLast: ReadonlyMap<string, SenderLast>, conversationIds: readonly number[]): Statement {
  const cursors = [...senderLast.values()];
  return [
    sendStatements.moveCursors(cursors.length, conversationIds.length),
    [
      ...cursors.flatMap((k) => [k.conversationId, k.userId, k.seq]),
      ...cursors.flatMap((k) => [k.conversationId, k.userId]),
      ...conversationIds,
    ],
  ];
}

/**
 * Each member's unread total once the batch is stored. The totals were read before it: each of
 * the batch's conversations adds its new messages to every member's count, except a sender's,
 * whose count becomes what follows their own last message.
 */
function totalsAfter(
  members: readonly MemberRow[],
  added: ReadonlyMap<number, number>,
  senderLast: ReadonlyMap<string, { seq: number }>,
): Map<number, number> {
  const totals = new Map<number, number>();
  for (const m of members) if (!totals.has(m.user_id)) totals.set(m.user_id, Number(m.total ?? 0));
  for (const m of members) {
    const count = added.get(m.conversation_id);
    if (count === undefined) continue;
    const before = m.last_seq - m.read_seq - m.deleted_unread;
    const sent = senderLast.get(memberKey(m.conversation_id, m.user_id));
    const after = sent ? m.last_seq + count - sent.seq : before + count;
    totals.set(m.user_id, (totals.get(m.user_id) ?? 0) - before + after);
  }
  return totals;
}

async function lookUpIds(
  pipeline: Pipeline,
  rows: ReadonlyArray<{ conversation_id: number; seq: number }>,
): Promise<number[]> {
  const conversationIds = [...new Set(rows.map((r) => r.conversation_id))];
  const [found] = await pipeline.run([
    [
      sendStatements.findIds(conversationIds.length, rows.length),
      [...conversationIds, ...rows.flatMap((r) => [r.conversation_id, r.seq])],
    ],
  ]);
  const stored = (found?.rows ?? []) as Array<{ id: number; conversation_id: number; seq: number }>;
  const idAt = new Map(stored.map((r) => [`${r.conversation_id}:${r.seq}`, r.id]));
  return rows.map((r) => idAt.get(`${r.conversation_id}:${r.seq}`) ?? 0);
}
