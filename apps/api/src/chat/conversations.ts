import {
  type ConversationSummary,
  type HistoryQuery,
  type HistoryResponse,
  type Message,
  type PublicUser,
  unreadCount,
} from '@chat/protocol';
import { AppError, notFound } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import { findUserById } from '../users/users-repository.ts';
import { blockedEitherWay } from './blocks/repository.ts';
import { hidePresenceOf, requireCanOpen } from './blocks/rules.ts';
import {
  findMembership,
  getOrCreateConversation,
  listVisibleMemberships,
  type Membership,
  setMemberFlags,
} from './conversations-repository.ts';
import { lastVisibleMessages, listMessages } from './messages-repository.ts';

/** Messages per history page when the client does not say. */
const DEFAULT_PAGE_SIZE = 50;

export type PublicUsersLookup = (viewerId: number, ids: readonly number[]) => Promise<PublicUser[]>;

/**
 * A conversation someone is not in does not exist for them: 404, never 403, so that ids reveal nothing.
 */
export async function requireMembership(db: Db, conversationId: number, userId: number): Promise<Membership> {
  const membership = await findMembership(db, conversationId, userId);
  if (!membership) throw notFound('That conversation');
  return membership;
}

/** A conversation with a deleted account stays readable and takes no new messages. */
export const peerDeleted = () =>
  new AppError(403, 'peer_deleted', 'This account was deleted: it can no longer receive messages.');

/** A chat partner must exist, not be deleted, have confirmed their address, and not be the caller. */
export async function requireChatPartner(db: Db, userId: number, peerId: number): Promise<void> {
  if (peerId === userId) throw new AppError(400, 'cannot_message_self', 'Pick someone else to talk to.');
  const peer = await findUserById(db, peerId);
  if (peer?.deleted_at != null) throw peerDeleted();
  if (!peer || peer.email_verified_at === null) throw notFound('That user');
}

/** Opens (or finds) the conversation with a user and puts it in the caller's list. */
export async function openConversation(db: Db, userId: number, peerId: number): Promise<number> {
  await requireChatPartner(db, userId, peerId);
  await requireCanOpen(db, userId, peerId);
  const conversationId = await getOrCreateConversation(db, userId, peerId, Date.now());
  await setMemberFlags(db, conversationId, userId, { hidden: false });
  return conversationId;
}

/**
 * Summaries as the member sees them: the last message they can see, their unread count, the peer's
 * "seen". Across a block the peer shows no presence and no "seen".
 */
export async function summarize(
  db: Db,
  memberships: Membership[],
  viewer: { id: number; readReceipts: boolean },
  publicUsers: PublicUsersLookup,
): Promise<ConversationSummary[]> {
  if (memberships.length === 0) return [];
  const conversationIds = memberships.map((m) => m.conversationId);
  const visibleLast = memberships.filter((m) => m.lastSeq > m.clearedSeq);
  const peerIds = memberships.map((m) => m.peerId);
  const [peers, blocked, peerCursors, lastMessages] = await Promise.all([
    publicUsers(viewer.id, peerIds),
    blockedEitherWay(db, viewer.id, peerIds),
    db
      .selectFrom('conversation_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.conversation_id', 'm.read_seq', 'u.read_receipts'])
      .where('m.conversation_id', 'in', conversationIds)
      .where('m.user_id', '!=', viewer.id)
      .execute(),
    lastVisibleMessages(
      db,
      viewer.id,
      visibleLast.map((m) => ({ conversationId: m.conversationId, seq: m.lastSeq, after: m.clearedSeq })),
    ),
  ]);
  const peerById = new Map(hidePresenceOf(peers, blocked).map((peer) => [peer.id, peer]));
  const cursorByConversation = new Map(peerCursors.map((row) => [row.conversation_id, row]));
  const lastByConversation = new Map(lastMessages.map((message) => [message.conversationId, message]));
  return memberships.flatMap((m) => {
    const peer = peerById.get(m.peerId);
    if (!peer) return [];
    const cursor = cursorByConversation.get(m.conversationId);
    const receipts = viewer.readReceipts && cursor?.read_receipts === 1 && !blocked.has(m.peerId);
    return [
      {
        id: m.conversationId,
        peer,
        lastMessage: lastByConversation.get(m.conversationId) ?? null,
        lastSeq: m.lastSeq,
        unread: unreadCount(m.lastSeq, m.readSeq, m.deletedUnread),
        lastChangeSeq: m.lastChangeSeq,
        readSeq: m.readSeq,
        peerReadSeq: receipts ? (cursor?.read_seq ?? 0) : null,
        updatedAt: m.updatedAt,
        muted: m.muted,
      },
    ];
  });
}

export async function listConversations(
  db: Db,
  viewer: { id: number; readReceipts: boolean },
  publicUsers: PublicUsersLookup,
): Promise<{ conversations: ConversationSummary[]; totalUnread: number }> {
  const conversations = await summarize(db, await listVisibleMemberships(db, viewer.id), viewer, publicUsers);
  return { conversations, totalUnread: conversations.reduce((sum, c) => sum + c.unread, 0) };
}

/** A page of history, each message in its current state; messages deleted for this member ("delete for me") are not there. */
export async function history(db: Db, membership: Membership, query: HistoryQuery): Promise<HistoryResponse> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const floor = membership.clearedSeq;
  let messages: Message[];
  if (query.after !== undefined) {
    messages = await listMessages(db, membership.conversationId, membership.userId, {
      after: Math.max(query.after, floor),
      limit: limit + 1,
      fromEnd: false,
    });
    const hasMore = messages.length > limit;
    return { messages: messages.slice(0, limit), hasMore };
  }
  messages = await listMessages(db, membership.conversationId, membership.userId, {
    after: floor,
    before: query.before,
    limit: limit + 1,
    fromEnd: true,
  });
  const hasMore = messages.length > limit;
  return { messages: hasMore ? messages.slice(1) : messages, hasMore };
}
