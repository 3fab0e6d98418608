import type { MuteResponse } from '@chat/protocol';
import type { AddressedEvent } from '../gateway/events.ts';
import type { ChangeResult } from './changes/change.ts';
import type { ReadResult } from './reading.ts';
import type { SendResult } from './send/types.ts';
import type { UnreadState } from './unread-state.ts';

/**
 * What each change tells whom: results in, addressed events out, nothing else (no I/O), so that
 * who hears what is read in one place.
 */

/**
 * A stored message goes to the peer with their counts, and to the sender's other connections with
 * theirs; the sender's own connection was answered with the ack. A replay is told again all the
 * same: the node that stored it may have died before telling anyone, and clients drop by seq what
 * they have already.
 */
export function sendEvents(
  result: SendResult,
  originConnection: string | undefined,
  serverTime: number,
): AddressedEvent[] {
  const { message, peerId, peerUnread, senderUnread } = result;
  return [
    {
      userId: peerId,
      event: {
        kind: 'frames',
        frames: [
          { type: 'message', message, serverTime },
          { type: 'unread', ...peerUnread },
        ],
      },
    },
    {
      userId: message.senderId,
      event: {
        kind: 'frames',
        frames: [
          { type: 'message', message, serverTime },
          { type: 'unread', ...senderUnread },
        ],
        skipConnection: originConnection,
      },
    },
  ];
}

/**
 * A changed message goes in its whole state to both members, except the connection that asked for
 * the change (it gets `change_ack`), each with the counts a delete moved. Told again on a resend, as
 * a replayed send is: clients keep the state with the larger `changeSeq`.
 */
export function changeEvents(
  userId: number,
  result: ChangeResult,
  originConnection: string,
  serverTime: number,
): AddressedEvent[] {
  const { message, peerId, unread } = result;
  const framesFor = (member: number) => [
    { type: 'message_changed' as const, message, serverTime },
    ...unread.filter((u) => u.userId === member).map((u) => ({ type: 'unread' as const, ...u.state })),
  ];
  return [
    { userId: peerId, event: { kind: 'frames', frames: framesFor(peerId) } },
    { userId, event: { kind: 'frames', frames: framesFor(userId), skipConnection: originConnection } },
  ];
}

/** A message deleted for me leaves my other tabs too. */
export function hiddenMessageEvents(
  userId: number,
  conversationId: number,
  messageId: number,
  originConnection: string,
): AddressedEvent[] {
  return [
    {
      userId,
      event: {
        kind: 'frames',
        frames: [{ type: 'message_hidden', conversationId, messageId }],
        skipConnection: originConnection,
      },
    },
  ];
}

/** The reader's tabs learn the new counts; the peer sees "seen" only if both sides have receipts on. */
export function readEvents(userId: number, result: ReadResult, receiptsShared: boolean): AddressedEvent[] {
  if (!result.moved) return [];
  const { moved: _, peerId, ...state } = result;
  const receipt = { type: 'read' as const, conversationId: state.conversationId, userId, seq: state.readSeq };
  const events: AddressedEvent[] = [
    { userId, event: { kind: 'frames', frames: [{ type: 'unread', ...state }, receipt] } },
  ];
  if (receiptsShared) events.push({ userId: peerId, event: { kind: 'frames', frames: [receipt] } });
  return events;
}

/** A conversation deleted for me leaves my other tabs' lists too. */
export function hiddenEvents(userId: number, state: UnreadState): AddressedEvent[] {
  return [
    {
      userId,
      event: {
        kind: 'frames',
        frames: [
          { type: 'conversation_hidden', conversationId: state.conversationId },
          { type: 'unread', ...state },
        ],
      },
    },
  ];
}

/** A mute is the user's own: all their connections, on every device, take the new state. */
export function mutedEvents(userId: number, state: MuteResponse): AddressedEvent[] {
  return [{ userId, event: { kind: 'frames', frames: [{ type: 'conversation_muted', ...state }] } }];
}

export function typingEvents(peerId: number, conversationId: number, userId: number): AddressedEvent[] {
  return [{ userId: peerId, event: { kind: 'frames', frames: [{ type: 'typing', conversationId, userId }] } }];
}

/** Only the one who blocks hears of it (their other tabs and devices); the blocked person is told nothing. */
export function blockChangedEvents(blockerId: number, blockedId: number, blocked: boolean): AddressedEvent[] {
  return [
    { userId: blockerId, event: { kind: 'frames', frames: [{ type: 'block_changed', userId: blockedId, blocked }] } },
  ];
}
