import { describe, expect, it } from 'vitest';
import { unreadTotal } from './unread-state.ts';

const cursors = (lastSeq: number, readSeq: number, deletedUnread = 0) => ({
  conversationId: 1,
  lastSeq,
  readSeq,
  deletedUnread,
  lastChangeSeq: 0,
});

describe('unreadTotal', () => {
  it('adds up what is unread in each conversation, leaving out what was deleted for everyone', () => {
    expect(unreadTotal([cursors(10, 4), cursors(7, 7), cursors(20, 15, 2)])).toBe(9);
  });

  it('is zero for someone in no conversation', () => {
    expect(unreadTotal([])).toBe(0);
  });
});
