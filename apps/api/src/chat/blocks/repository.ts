import type { Db } from '../../infra/db/database.ts';

/** Between two users, who blocks whom. */
export interface Relation {
  /** The user asking blocks the other. */
  byMe: boolean;
  /** The other blocks the user asking. */
  byThem: boolean;
}

export const NO_BLOCK: Relation = { byMe: false, byThem: false };

/** The one writer of `blocks`. Blocking twice keeps the first time. */
export async function addBlock(db: Db, blockerId: number, blockedId: number, now: number): Promise<void> {
  await db
    .insertInto('blocks')
    .ignore()
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .execute();
}

export async function removeBlock(db: Db, blockerId: number, blockedId: number): Promise<void> {
  await db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
}

/** Everyone a user blocked, most recent first. */
export async function listBlockedBy(db: Db, blockerId: number): Promise<{ userId: number; blockedAt: number }[]> {
  const rows = await db
    .selectFrom('blocks')
    .select(['blocked_id', 'created_at'])
    .where('blocker_id', '=', blockerId)
    .orderBy('created_at', 'desc')
    .orderBy('blocked_id', 'desc')
    .execute();
  return rows.map((row) => ({ userId: row.blocked_id, blockedAt: Number(row.created_at) }));
}

/** The block rows between a user and others, either way (two index reads per direction). */
function rowsBetween(db: Db, userId: number, otherIds: readonly number[]) {
  return db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', userId), eb('blocked_id', 'in', otherIds)]),
        eb.and([eb('blocked_id', '=', userId), eb('blocker_id', 'in', otherIds)]),
      ]),
    )
    .execute();
}

export async function relationBetween(db: Db, userId: number, otherId: number): Promise<Relation> {
  const rows = await rowsBetween(db, userId, [otherId]);
  return {
    byMe: rows.some((row) => row.blocker_id === userId),
    byThem: rows.some((row) => row.blocked_id === userId),
  };
}

/** Of these users, those in a block with `userId` either way. */
export async function blockedEitherWay(db: Db, userId: number, otherIds: readonly number[]): Promise<Set<number>> {
  if (otherIds.length === 0) return new Set();
  const rows = await rowsBetween(db, userId, otherIds);
  return new Set(rows.map((row) => (row.blocker_id === userId ? row.blocked_id : row.blocker_id)));
}

/** For each of these users, everyone in a block with them either way, in one query (a wave of connects). */
export async function blockedEitherWayOf(db: Db, userIds: readonly number[]): Promise<Map<number, Set<number>>> {
  const rows = await db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where((eb) => eb.or([eb('blocker_id', 'in', userIds), eb('blocked_id', 'in', userIds)]))
    .execute();
  const asked = new Set(userIds);
  const hidden = new Map<number, Set<number>>();
  const note = (userId: number, otherId: number) => {
    if (!asked.has(userId)) return;
    const others = hidden.get(userId) ?? new Set<number>();
    hidden.set(userId, others.add(otherId));
  };
  for (const row of rows) {
    note(row.blocker_id, row.blocked_id);
    note(row.blocked_id, row.blocker_id);
  }
  return hidden;
}

/**
 * The relation between a member and the peer of a conversation (named, or as the one a message is
 * in), read in one query; none when the user is not a member.
 */
export async function relationInConversation(
  db: Db,
  where: { conversationId: number } | { messageId: number },
  userId: number,
): Promise<Relation> {
  const rows = await db
    .selectFrom('conversation_members as m')
    .innerJoin('blocks as b', (join) =>
      join.on((eb) =>
        eb.or([
          eb.and([eb('b.blocker_id', '=', eb.ref('m.user_id')), eb('b.blocked_id', '=', eb.ref('m.peer_id'))]),
          eb.and([eb('b.blocker_id', '=', eb.ref('m.peer_id')), eb('b.blocked_id', '=', eb.ref('m.user_id'))]),
        ]),
      ),
    )
    .select('b.blocker_id')
    .where('m.user_id', '=', userId)
    .where(
      'm.conversation_id',
      '=',
      'conversationId' in where
        ? where.conversationId
        : db.selectFrom('messages').select('conversation_id').where('id', '=', where.messageId),
    )
    .execute();
  return {
    byMe: rows.some((row) => row.blocker_id === userId),
    byThem: rows.some((row) => row.blocker_id !== userId),
  };
}
