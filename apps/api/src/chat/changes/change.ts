import type { Message } from '@chat/protocol';
import type { Db } from '../../infra/db/database.ts';
import { listMemberships, totalsUnread } from '../conversations-repository.ts';
import { type UnreadState, unreadState } from '../unread-state.ts';
import type { Change } from './rules.ts';
import { commitChange } from './transaction.ts';

export interface ChangeResult {
  message: Message;
  peerId: number;
  /** The members' new counts, when the change moved them (a delete of a message someone had not read). */
  unread: Array<{ userId: number; state: UnreadState }>;
}

/** Commits a change and, for a delete, reads both members' counts after it, holding no lock for them. */
export async function changeMessage(
  db: Db,
  userId: number,
  change: Change,
  editWindowMs: number,
): Promise<ChangeResult> {
  const committed = await commitChange(db, userId, change, editWindowMs);
  const { message, peerId } = committed;
  if (!committed.deleted) return { message, peerId, unread: [] };
  const userIds = [userId, peerId];
  const [totals, ...memberships] = await Promise.all([
    totalsUnread(db, userIds),
    ...userIds.map((id) => listMemberships(db, id, [message.conversationId])),
  ]);
  const unread = memberships
    .flat()
    .map((m) => ({ userId: m.userId, state: unreadState(m, totals.get(m.userId) ?? 0) }));
  return { message, peerId, unread };
}
