import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { Database } from '../infra/db/schema.ts';

/** A member's conversation with unread messages from the peer that are due a mail. */
export interface DueConversation {
  userId: number;
  email: string;
  username: string;
  conversationId: number;
  peerName: string;
  readSeq: number;
  lastSeq: number;
  /** Unread messages deleted for everyone since (see unreadCount). */
  deletedUnread: number;
  /** The seq the last mail covered: the claim succeeds only while it is still this. */
  mailedSeq: number;
}

export interface DueQuery {
  now: number;
  afterMs: number;
  windowMs: number;
  /** Conversations quiet for longer than this are not looked at (the index on updated_at keeps the sweep cheap). */
  horizonMs: number;
  limit: number;
  /** Rows to pass over: those an earlier page of this sweep left in place (their users are online). */
  offset: number;
}

type MemberScope = ExpressionBuilder<
  Database & { m: Database['conversation_members']; c: Database['conversations']; u: Database['users'] },
  'm' | 'c' | 'u'
>;

/**
 * When the member's oldest message from the peer that is unread, not mailed, and came after they
 * were last online was sent; null when there is none. Walks the (conversation, seq) index.
 */
const firstDueAt = (eb: MemberScope) =>
  eb
    .selectFrom('messages as msg')
    .select((inner) => inner.fn.min('msg.created_at').as('first'))
    .whereRef('msg.conversation_id', '=', 'm.conversation_id')
    .whereRef('msg.seq', '>', 'm.read_seq')
    .whereRef('msg.seq', '>', 'm.missed_mail_seq')
    .whereRef('msg.sender_id', '=', 'm.peer_id')
    .where('msg.deleted_at', 'is', null)
    .where('msg.created_at', '>', sql<number>`coalesce(${sql.ref('u.last_seen_at')}, 0)`);

/**
 * Members with something waiting for a mail (see firstDueAt), due yet or not, in conversations not
 * mailed about within the window and not muted, of users who want these mails.
 */
const waitingConversations = (db: Db, query: Pick<DueQuery, 'now' | 'windowMs' | 'horizonMs'>) =>
  db
    .selectFrom('conversation_members as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('users as p', 'p.id', 'm.peer_id')
    .select((eb) => [
      'm.user_id',
      'u.email',
      'u.username',
      'm.conversation_id',
      'p.username as peer_name',
      'm.read_seq',
      'c.last_seq',
      'm.deleted_unread',
      'm.missed_mail_seq',
      firstDueAt(eb).as('first_due_at'),
    ])
    .where('c.updated_at', '>=', query.now - query.horizonMs)
    .whereRef('m.read_seq', '<', 'c.last_seq')
    .whereRef('m.missed_mail_seq', '<', 'c.last_seq')
    .where((eb) =>
      eb.or([eb('m.missed_mail_at', 'is', null), eb('m.missed_mail_at', '<=', query.now - query.windowMs)]),
    )
    .where('m.hidden', '=', 0)
    .where('m.muted', '=', 0)
    .where('u.missed_mail', '=', 1)
    .where('u.is_bot', '=', 0)
    .where('u.email_verified_at', 'is not', null);

type WaitingRow = Awaited<ReturnType<ReturnType<typeof waitingConversations>['execute']>>[number];

const toDue = (row: WaitingRow): DueConversation => ({
  userId: row.user_id,
  email: row.email,
  username: row.username,
  conversationId: row.conversation_id,
  peerName: row.peer_name,
  readSeq: row.read_seq,
  lastSeq: row.last_seq,
  deletedUnread: row.deleted_unread,
  mailedSeq: row.missed_mail_seq,
});

/**
 * Members with a message from the peer that is unread, not mailed yet, older than `afterMs` and newer
 * than the member's last time online (what came while they were connected, they saw announced), in
 * conversations not mailed about within the window and not muted, of users who want these mails. Oldest first, so
 * whoever waited longest is served first. Whether the member is offline now is the caller's to ask.
 */
export async function findDueConversations(db: Db, query: DueQuery): Promise<DueConversation[]> {
  const dueBefore = query.now - query.afterMs;
  const rows = await waitingConversations(db, query)
    .where((eb) => eb(firstDueAt(eb), '<=', dueBefore))
    .orderBy('first_due_at')
    .orderBy('m.user_id')
    .orderBy('m.conversation_id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map(toDue);
}

/**
 * Every conversation of these users with something waiting, due or not yet: once one of a user's
 * conversations is due, the others go in the same mail rather than in another one moments later.
 */
export async function findWaitingConversationsOf(
  db: Db,
  userIds: readonly number[],
  query: Pick<DueQuery, 'now' | 'windowMs' | 'horizonMs'>,
): Promise<DueConversation[]> {
  if (userIds.length === 0) return [];
  const rows = await waitingConversations(db, query)
    .where('m.user_id', 'in', userIds)
    .where((eb) => eb(firstDueAt(eb), 'is not', null))
    .orderBy('m.user_id')
    .orderBy('m.conversation_id')
    .execute();
  return rows.map(toDue);
}

/**
 * Takes the decision to mail about this conversation, up to `lastSeq`. The conditional update
 * succeeds for one of several nodes deciding at once, and fails once the member read past the
 * messages or another mail covered them; run it in the transaction that queues the mail.
 */
export async function claimConversation(db: Db, due: DueConversation, now: number, windowMs: number): Promise<boolean> {
  const result = await db
    .updateTable('conversation_members')
    .set({ missed_mail_seq: due.lastSeq, missed_mail_at: now })
    .where('conversation_id', '=', due.conversationId)
    .where('user_id', '=', due.userId)
    .where('missed_mail_seq', '=', due.mailedSeq)
    .where('read_seq', '<', due.lastSeq)
    // Muted since the sweep found it: the member asked for quiet.
    .where('muted', '=', 0)
    .where((eb) => eb.or([eb('missed_mail_at', 'is', null), eb('missed_mail_at', '<=', now - windowMs)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The newest unread messages from the peer still there (not deleted for everyone), oldest of them first, for the mail's excerpt. */
export async function unreadFromPeer(db: Db, due: DueConversation, limit: number) {
  const rows = await db
    .selectFrom('messages as msg')
    .innerJoin('conversation_members as m', (join) =>
      join.onRef('m.conversation_id', '=', 'msg.conversation_id').on('m.user_id', '=', due.userId),
    )
    .select(['msg.text', 'msg.attachment_id'])
    .where('msg.conversation_id', '=', due.conversationId)
    .where('msg.seq', '>', due.readSeq)
    .where('msg.seq', '<=', due.lastSeq)
    .whereRef('msg.sender_id', '=', 'm.peer_id')
    .where('msg.deleted_at', 'is', null)
    .orderBy('msg.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((row) => ({ text: row.text, hasPicture: row.attachment_id !== null }));
}
