import type { Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { buildTimeline, seenSeq } from './timeline.ts';

const ME = 1;
const PEER = 2;
const DAY = 24 * 60 * 60 * 1000;
const monday = new Date(2024, 0, 1, 10).getTime();

const message = (seq: number, senderId: number, createdAt = monday + seq): Message => ({
  id: seq,
  conversationId: 7,
  seq,
  senderId,
  clientId: `c${seq}`,
  text: `text ${seq}`,
  attachment: null,
  createdAt,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
});

describe('the timeline of a conversation', () => {
  it('puts a day separator before the first message of each day, pending messages last', () => {
    const messages = [message(1, PEER), message(2, ME), message(3, PEER, monday + DAY)];
    const outgoing = { clientId: 'p', text: 'hi', createdAt: monday + DAY + 5, status: 'pending' as const };
    expect(buildTimeline(messages, [outgoing], ME, null).map((entry) => entry.kind)).toEqual([
      'day',
      'stored',
      'stored',
      'day',
      'stored',
      'outgoing',
    ]);
  });

  it('says "Seen" under my newest message the peer read, and "Sent" under a newer one of mine', () => {
    const messages = [message(1, ME), message(2, ME), message(3, PEER), message(4, ME)];
    const statuses = buildTimeline(messages, [], ME, 2).flatMap((entry) =>
      entry.kind === 'stored' ? [entry.status ?? '-'] : [],
    );
    expect(statuses).toEqual(['-', 'seen', '-', 'sent']);
  });

  it('finds no "seen" when read receipts are off or nothing of mine was read', () => {
    const messages = [message(1, PEER), message(2, ME)];
    expect(seenSeq(messages, ME, null)).toBeUndefined();
    expect(seenSeq(messages, ME, 1)).toBeUndefined();
    expect(seenSeq(messages, ME, 2)).toBe(2);
  });

  it('groups one sender’s messages a few minutes apart: one time stamp, under the last of them', () => {
    const minute = 60 * 1000;
    const messages = [
      message(1, PEER, monday),
      message(2, PEER, monday + minute),
      message(3, ME, monday + 2 * minute),
      message(4, ME, monday + 2 * minute + 10),
      message(5, ME, monday + 20 * minute),
    ];
    const outgoing = { clientId: 'p', text: 'hi', createdAt: monday + 20 * minute + 5, status: 'pending' as const };
    const grouping = buildTimeline(messages, [outgoing], ME, null).flatMap((entry) =>
      entry.kind === 'day' ? [] : [[entry.continues, entry.endsGroup]],
    );
    expect(grouping).toEqual([
      [false, false],
      [true, true],
      [false, false],
      [true, true],
      [false, false],
      [true, true],
    ]);
  });

  it('starts a new group on a new day, however close the messages', () => {
    const lateMonday = new Date(2024, 0, 1, 23, 59).getTime();
    const messages = [message(1, PEER, lateMonday), message(2, PEER, lateMonday + 2 * 60 * 1000)];
    const entries = buildTimeline(messages, [], ME, null);
    expect(entries.map((entry) => (entry.kind === 'day' ? 'day' : entry.continues))).toEqual([
      'day',
      false,
      'day',
      false,
    ]);
  });
});
