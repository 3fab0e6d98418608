import type { Message } from '@chat/protocol';
import { sameDay } from '../lib/time.ts';
import type { OutgoingMessage } from './state.ts';

/**
 * Messages of one sender this close together form a group, as in messengers: one time stamp under
 * the last of them and tighter spacing, so a burst of short lines reads as one turn.
 */
export const GROUP_WINDOW_MS = 3 * 60 * 1000;

/** Where a message stands in its group: `continues` the one above; `endsGroup` carries the time. */
export interface Grouping {
  continues: boolean;
  endsGroup: boolean;
}

/** What a conversation shows, top to bottom: stored messages, then those still being sent, split by day. */
export type TimelineEntry =
  | { kind: 'day'; key: string; at: number }
  | ({ kind: 'stored'; key: string; message: Message; mine: boolean; status?: 'sent' | 'seen' } & Grouping)
  | ({ kind: 'outgoing'; key: string; item: OutgoingMessage } & Grouping);

type MessageEntry = Exclude<TimelineEntry, { kind: 'day' }>;

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
    entries.push({
      kind: 'stored',
      key: `m-${message.seq}`,
      message,
      mine,
      status: mine ? status : undefined,
      ...UNGROUPED,
    });
  }
  for (const item of outbox) {
    dayBefore(item.createdAt);
    entries.push({ kind: 'outgoing', key: `o-${item.clientId}`, item, ...UNGROUPED });
  }
  group(entries, myId);
  return entries;
}

const UNGROUPED: Grouping = { continues: false, endsGroup: true };

const senderOf = (entry: MessageEntry, myId: number) => (entry.kind === 'stored' ? entry.message.senderId : myId);
const timeOf = (entry: MessageEntry) => (entry.kind === 'stored' ? entry.message.createdAt : entry.item.createdAt);

/** Marks runs of one sender's messages within GROUP_WINDOW_MS of each other; a day separator ends a run. */
function group(entries: TimelineEntry[], myId: number): void {
  let previous: MessageEntry | undefined;
  for (const entry of entries) {
    if (entry.kind === 'day') {
      previous = undefined;
      continue;
    }
    const continues =
      previous !== undefined &&
      senderOf(previous, myId) === senderOf(entry, myId) &&
      timeOf(entry) - timeOf(previous) <= GROUP_WINDOW_MS;
    entry.continues = continues;
    if (continues && previous) previous.endsGroup = false;
    previous = entry;
  }
}

/** The seq of my newest message that the peer has read, or undefined (nothing read, or receipts off). */
export function seenSeq(messages: readonly Message[], myId: number, peerReadSeq: number | null): number | undefined {
  if (peerReadSeq === null) return undefined;
  return messages.findLast((message) => message.senderId === myId && message.seq <= peerReadSeq)?.seq;
}
