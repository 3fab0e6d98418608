import type { Db } from '../../infra/db/database.ts';
import { requireMembership } from '../conversations.ts';
import { listMemberships, totalUnread } from '../conversations-repository.ts';
import { findByClientId } from '../messages-repository.ts';
import { unreadState } from '../unread-state.ts';
import type { PreparedSend, SendResult } from './types.ts';

export const clientKey = (send: Pick<PreparedSend, 'senderId' | 'clientId'>) => `${send.senderId}:${send.clientId}`;

/** The sends of a batch whose (sender, client id) is stored already: retries of acked or cut-off sends. */
export async function storedAlready(db: Db, sends: readonly PreparedSend[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('messages')
    .select(['sender_id', 'client_id'])
    .where((eb) =>
      eb.or(sends.map((send) => eb.and([eb('sender_id', '=', send.senderId), eb('client_id', '=', send.clientId)]))),
    )
    .execute();
  return new Set(rows.map((row) => clientKey({ senderId: row.sender_id, clientId: row.client_id })));
}

/**
 * The answer to a send whose client id is stored: the stored message and today's counts, so that
 * it can be acked and fanned out again. Retries are rare (a reconnect after a lost ack, a node that
 * died between commit and publish), so this takes a few reads instead of sharing a batch's.
 */
export async function replayed(db: Db, send: PreparedSend): Promise<SendResult | undefined> {
  const message = await findByClientId(db, send.senderId, send.clientId);
  if (!message) return undefined;
  const { conversationId } = message;
  const mine = await requireMembership(db, conversationId, send.senderId);
  const [[peer], senderTotal, peerTotal] = await Promise.all([
    listMemberships(db, mine.peerId, [conversationId]),
    totalUnread(db, send.senderId),
    totalUnread(db, mine.peerId),
  ]);
  return {
    message,
    created: false,
    peerId: mine.peerId,
    peerUnread: unreadState(peer ?? { ...mine, readSeq: mine.lastSeq, deletedUnread: 0 }, peerTotal),
    senderUnread: unreadState(mine, senderTotal),
  };
}
