import type { Db } from '../infra/db/database.ts';
import { findUsersReceipts } from '../users/users-repository.ts';
import { seeEachOther } from './blocks/rules.ts';
import { requireMembership } from './conversations.ts';
import { advanceReadSeq, clearForMember, totalUnread } from './conversations-repository.ts';
import { type UnreadState, unreadState } from './unread-state.ts';

export interface ReadResult extends UnreadState {
  /** False when the cursor was already there or past it: nothing to tell anyone. */
  moved: boolean;
  peerId: number;
}

/** Moves the reader's cursor (forward only, never past the last message) and returns the new counts. */
export async function markRead(db: Db, userId: number, conversationId: number, seq: number): Promise<ReadResult> {
  return db.transaction().execute(async (trx) => {
    const before = await requireMembership(trx, conversationId, userId);
    const moved = await advanceReadSeq(trx, conversationId, userId, Math.min(seq, before.lastSeq));
    // Read again: the count of deleted messages still unread moved with the cursor.
    const membership = moved ? await requireMembership(trx, conversationId, userId) : before;
    return {
      ...unreadState(membership, await totalUnread(trx, userId)),
      moved,
      peerId: membership.peerId,
    };
  });
}

/** "Delete for me": the history up to now leaves this member's view; the peer keeps everything. */
export async function deleteForMe(db: Db, userId: number, conversationId: number): Promise<UnreadState> {
  return db.transaction().execute(async (trx) => {
    const membership = await requireMembership(trx, conversationId, userId);
    await clearForMember(trx, conversationId, userId, membership.lastSeq);
    const cleared = { ...membership, readSeq: membership.lastSeq, deletedUnread: 0 };
    return unreadState(cleared, await totalUnread(trx, userId));
  });
}

/** "Seen" passes to the peer only when both have read receipts on and no block stands between them. */
export async function receiptsShared(db: Db, userId: number, peerId: number): Promise<boolean> {
  const [receipts, unblocked] = await Promise.all([
    findUsersReceipts(db, [userId, peerId]),
    seeEachOther(db, userId, peerId),
  ]);
  return receipts.every(Boolean) && unblocked;
}
