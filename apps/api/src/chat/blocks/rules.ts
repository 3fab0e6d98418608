import type { Presence, PublicUser } from '@chat/protocol';
import { AppError } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { hiddenPresence } from '../../users/presence-visibility.ts';
import { blockedEitherWay, type Relation, relationBetween, relationInConversation } from './repository.ts';

/**
 * The rule of blocking, in one place. A block stops both directions: neither person can send to
 * the other (nor edit or react there), neither sees the other's presence, typing or read receipts,
 * and the blocked person cannot open a conversation with the one who blocked them. History stays.
 *
 * What the blocked person learns: only that they cannot message this person (`blocked`, the words
 * messengers use), never "you were blocked" nor when; their presence view shows the same unknown
 * state as for someone never seen. The one who blocked is told plainly (`blocked_by_you`), since they
 * can undo it; when both blocked each other, they hear about their own block first.
 */
export function blockRefusal(relation: Relation): AppError | undefined {
  if (relation.byMe) return new AppError(403, 'blocked_by_you', 'You blocked this person. Unblock them to send.');
  if (relation.byThem) return new AppError(403, 'blocked', "You can't message this person.");
  return undefined;
}

/** A send (or change) to a user, refused in either direction of a block. */
export async function requireCanSendTo(db: Db, senderId: number, peerId: number): Promise<void> {
  const refusal = blockRefusal(await relationBetween(db, senderId, peerId));
  if (refusal) throw refusal;
}

/**
 * The same, in a conversation (a send there, or a change of one of its messages); a conversation
 * the sender is not in, or a message that is not there, is left to the checks that answer `not_found`.
 */
export async function requireCanSendIn(
  db: Db,
  where: { conversationId: number } | { messageId: number },
  senderId: number,
): Promise<void> {
  const refusal = blockRefusal(await relationInConversation(db, where, senderId));
  if (refusal) throw refusal;
}

/** The blocked person cannot open a conversation; the one who blocked can, to read it or unblock. */
export async function requireCanOpen(db: Db, userId: number, peerId: number): Promise<void> {
  if ((await relationBetween(db, userId, peerId)).byThem) throw blockRefusal({ byMe: false, byThem: true });
}

/** Whether typing and read receipts may pass between two users. */
export async function seeEachOther(db: Db, userId: number, peerId: number): Promise<boolean> {
  const relation = await relationBetween(db, userId, peerId);
  return !relation.byMe && !relation.byThem;
}

/**
 * Someone in a block with the viewer, either way, shows as unknown: offline and never seen. The
 * version is kept, so that it orders with the states the viewer got before the block.
 */
export const unknownPresence = (version: number): Presence => hiddenPresence(version);

export function hidePresenceOf(users: PublicUser[], hidden: ReadonlySet<number>): PublicUser[] {
  if (hidden.size === 0) return users;
  return users.map((user) =>
    hidden.has(user.id) ? { ...user, presence: unknownPresence(user.presence.version) } : user,
  );
}

/** Public users as one viewer sees them: presence hidden across a block. */
export function seenBy(
  db: Db,
  viewerId: number,
  lookup: (ids: readonly number[]) => Promise<PublicUser[]>,
): (ids: readonly number[]) => Promise<PublicUser[]> {
  return async (ids) => {
    const [users, hidden] = await Promise.all([lookup(ids), blockedEitherWay(db, viewerId, ids)]);
    return hidePresenceOf(users, hidden);
  };
}
