import type { Message } from '@chat/protocol';
import { sameDay } from '../lib/time.ts';
import type { OutgoingMessage } from './state.ts';

/** What a conversation shows, top to bottom: stored messages, then those still being sent, split by day. */
export type TimelineEntry =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'stored'; key: string; message: Message; mine: boolean; status?: 'sent' | 'seen' }
  | { kind: 'outgoing'; key: string; item: OutgoingMessage };

export function buildTimeline(
  messages: readonly Message[],
  outbox: readonly OutgoingMessage[],
  myId: number,
  peerReadSeq: number | null,
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let previousAt: number | undefined;
  const dayBefore = (at: number) => {
    if (previousAt === undefined || !sameDay(previousAt, at)) entries.push({ kind: 'day', key: `day-${at}`, at });
    previousAt = at;
  };
  const seen = seenSeq(messages, myId, peerReadSeq);
  const lastMine = messages.findLast((message) => message.senderId === myId)?.seq;
  for (const message of messages) {
    dayBefore(message.createdAt);
    const mine = message.senderId === myId;
    // "Seen" under the newest message the peer has read; "Sent" under my newest one if it is later.
    const status = message.seq === seen ? 'seen' : message.seq === lastMine ? 'sent' : undefined;
    entries.push({ kind: 'stored', key: `m-${message.seq}`, message, mine, status: mine ? status : undefined });
  }
  for (const item of outbox) {
    dayBefore(item.createdAt);
    entries.push({ kind: 'outgoing', key: `o-${item.clientId}`, item });
  }
  return entries;
}

/** The seq of my newest message that the peer has read, or undefined (nothing read, or receipts off). */
export function seenSeq(messages: readonly Message[], myId: number, peerReadSeq: number | null): number | undefined {
  if (peerReadSeq === null) return undefined;
  return messages.findLast((message) => message.senderId === myId && message.seq <= peerReadSeq)?.seq;
}
