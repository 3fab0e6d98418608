import { sql } from 'kysely';
import type { Db } from '../infra/db/database.ts';

export interface Membership {
  conversationId: number;
  userId: number;
  peerId: number;
  readSeq: number;
  clearedSeq: number;
  hidden: boolean;
  /** This member muted the conversation. */
  muted: boolean;
  /** Messages after the read cursor deleted for everyone since: they are no longer unread. */
  deletedUnread: number;
  lastSeq: number;
  lastChangeSeq: number;
  updatedAt: number;
}

const membershipColumns = [
  'm.conversation_id',
  'm.user_id',
  'm.peer_id',
  'm.read_seq',
  'm.cleared_seq',
  'm.hidden',
  'm.muted',
  'm.deleted_unread',
  'c.last_seq',
  'c.last_change_seq',
  'c.updated_at',
] as const;

type MembershipRow = {
  conversation_id: number;
  user_id: number;
  peer_id: number;
  read_seq: number;
  cleared_seq: number;
  hidden: number;
  muted: number;
  deleted_unread: number;
  last_seq: number;
  last_change_seq: number;
  updated_at: number;
};

const toMembership = (row: MembershipRow): Membership => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  peerId: row.peer_id,
  readSeq: row.read_seq,
  clearedSeq: row.cleared_seq,
  hidden: row.hidden === 1,
  muted: row.muted === 1,
  deletedUnread: row.deleted_unread,
  lastSeq: row.last_seq,
  lastChangeSeq: row.last_change_seq,
  updatedAt: row.updated_at,
});

const memberships = (db: Db) =>
  db
    .selectFrom('conversation_members as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(membershipColumns);

/** A user's side of a conversation; undefined when they are not in it. */
export async function findMembership(db: Db, conversationId: number, userId: number): Promise<Membership | undefined> {
  const row = await memberships(db)
    .where('m.conversation_id', '=', conversationId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row && toMembership(row);
}

/** The conversations in a user's list, most recent first. */
export async function listVisibleMemberships(db: Db, userId: number): Promise<Membership[]> {
  return (await listVisibleMembershipsOf(db, [userId])).get(userId) ?? [];
}

/** The conversations in each of these users' lists, most recent first, in one query. */
export async function listVisibleMembershipsOf(db: Db, userIds: readonly number[]): Promise<Map<number, Membership[]>> {
  const rows = await memberships(db)
    .where('m.user_id', 'in', userIds)
    .where('m.hidden', '=', 0)
    .orderBy('c.updated_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return byUser(rows.map(toMembership));
}

/** Every conversation of each of these users, in their lists or hidden from them, in one query. */
export async function listAllMembershipsOf(db: Db, userIds: readonly number[]): Promise<Map<number, Membership[]>> {
  const rows = await memberships(db).where('m.user_id', 'in', userIds).execute();
  return byUser(rows.map(toMembership));
}

/** Memberships grouped by their user, each user's in the order given. */
function byUser(list: readonly Membership[]): Map<number, Membership[]> {
  const grouped = new Map<number, Membership[]>();
  for (const membership of list) {
    const mine = grouped.get(membership.userId);
    if (mine) mine.push(membership);
    else grouped.set(membership.userId, [membership]);
  }
  return grouped;
}

export async function listMemberships(db: Db, userId: number, conversationIds: number[]): Promise<Membership[]> {
  if (conversationIds.length === 0) return [];
  const rows = await memberships(db)
    .where('m.user_id', '=', userId)
    .where('m.conversation_id', 'in', conversationIds)
    .execute();
  return rows.map(toMembership);
}

/**
 * The conversation of a pair, created on first use. Both inserts ignore duplicates, so two
 * first contacts racing end with one conversation, and an interrupted creation completes next time.
 * Both sides start hidden: a conversation enters a list when opened there or when a message arrives.
 */
export async function getOrCreateConversation(db: Db, userA: number, userB: number, now: number): Promise<number> {
  const [low, high] = userA < userB ? [userA, userB] : [userB, userA];
  await db
    .insertInto('conversations')
    .ignore()
    .values({ user_low_id: low, user_high_id: high, updated_at: now, created_at: now })
    .execute();
  const { id } = await db
    .selectFrom('conversations')
    .select('id')
    .where('user_low_id', '=', low)
    .where('user_high_id', '=', high)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('conversation_members')
    .ignore()
    .values([
      { conversation_id: id, user_id: low, peer_id: high, hidden: 1 },
      { conversation_id: id, user_id: high, peer_id: low, hidden: 1 },
    ])
    .execute();
  return id;
}

/**
 * Locks the pair's conversation row, when there is one, until the caller's transaction ends: the
 * row every send to it locks first. A write the pair's sends must not miss (a block) then waits for
 * the batch committing there, and the batches after it read it. The UPDATE changes nothing; with
 * no conversation yet, MySQL's locking search of the pair's unique key keeps one from being created
 * meanwhile (a gap lock), and SQLite runs one writer at a time anyway.
 */
export async function lockConversationBetween(db: Db, userA: number, userB: number): Promise<void> {
  const [low, high] = userA < userB ? [userA, userB] : [userB, userA];
  await db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('user_low_id', '=', low)
    .where('user_high_id', '=', high)
    .execute();
}

/** Conversations locked per statement: an account may be in many, and SQLite caps a statement's parameters. */
const LOCK_CHUNK = 1000;

/**
 * Locks these conversations' rows until the caller's transaction ends, in id order as a send batch
 * does (so the two wait for each other instead of deadlocking): a change every later send must
 * see (an account deleted) then waits for the batches committing there. The UPDATE changes nothing.
 */
export async function lockConversations(db: Db, conversationIds: readonly number[]): Promise<void> {
  const sorted = [...conversationIds].sort((a, b) => a - b);
  for (let start = 0; start < sorted.length; start += LOCK_CHUNK) {
    await db
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb.ref('last_seq') }))
      .where('id', 'in', sorted.slice(start, start + LOCK_CHUNK))
      .execute();
  }
}

/** A member's own flags on a conversation: hidden from their list, muted. Only those given change. */
export async function setMemberFlags(
  db: Db,
  conversationId: number,
  userId: number,
  flags: { hidden?: boolean; muted?: boolean },
): Promise<void> {
  const flag = (on: boolean | undefined) => (on === undefined ? undefined : on ? 1 : 0);
  await db
    .updateTable('conversation_members')
    .set({ hidden: flag(flags.hidden), muted: flag(flags.muted) })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Moves a read cursor forward only, and never past the last message. Returns whether it moved.
 * The deleted messages still unread are counted again in the same statement: a delete for everyone
 * takes the message's row first, so the count waits for it or the delete sees the new cursor.
 */
export async function advanceReadSeq(db: Db, conversationId: number, userId: number, seq: number): Promise<boolean> {
  const result = await db
    .updateTable('conversation_members')
    .set({
      read_seq: seq,
      deleted_unread: sql<number>`(select count(*) from messages where conversation_id = ${conversationId} and seq > ${seq} and deleted_at is not null)`,
    })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .where('read_seq', '<', seq)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * "Delete for me": everything up to the last message leaves this member's history and list.
 * The read cursor moves along, which keeps read_seq ≥ cleared_seq and unread = last_seq − read_seq.
 */
export async function clearForMember(db: Db, conversationId: number, userId: number, lastSeq: number): Promise<void> {
  await db
    .updateTable('conversation_members')
    .set({ cleared_seq: lastSeq, read_seq: lastSeq, deleted_unread: 0, hidden: 1 })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

/** The sum of each user's unread counts, by the rule of `unreadCount` (users in no conversation are left out). */
export async function totalsUnread(db: Db, userIds: readonly number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const totals = await db
    .selectFrom('conversation_members as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select([
      'm.user_id',
      (eb) =>
        eb.fn
          .sum<string | number | null>(eb(eb('c.last_seq', '-', eb.ref('m.read_seq')), '-', eb.ref('m.deleted_unread')))
          .as('total'),
    ])
    .where('m.user_id', 'in', userIds)
    .groupBy('m.user_id')
    .execute();
  // MySQL sums to DECIMAL, which arrives as a string.
  return new Map(totals.map((t) => [t.user_id, Number(t.total ?? 0)]));
}

/** The sum of a user's unread counts. */
export async function totalUnread(db: Db, userId: number): Promise<number> {
  return (await totalsUnread(db, [userId])).get(userId) ?? 0;
}

/** Everyone a user has a conversation with, hidden from either list or not. */
export async function findConversationPeers(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('conversation_members').select('peer_id').where('user_id', '=', userId).execute();
  return rows.map((row) => row.peer_id);
}
