import { unreadCount } from '@chat/protocol';

/** What an `unread` frame says: the count and the cursors it comes from. */
export interface UnreadState {
  conversationId: number;
  unread: number;
  lastSeq: number;
  readSeq: number;
  deletedUnread: number;
  lastChangeSeq: number;
  total: number;
}

export interface Cursors {
  conversationId: number;
  lastSeq: number;
  readSeq: number;
  deletedUnread: number;
  lastChangeSeq: number;
}

export const unreadState = (cursors: Cursors, total: number): UnreadState => ({
  conversationId: cursors.conversationId,
  unread: unreadCount(cursors.lastSeq, cursors.readSeq, cursors.deletedUnread),
  lastSeq: cursors.lastSeq,
  readSeq: cursors.readSeq,
  deletedUnread: cursors.deletedUnread,
  lastChangeSeq: cursors.lastChangeSeq,
  total,
});

/** A member's unread total from every membership of theirs: what `totalsUnread` sums in SQL. */
export const unreadTotal = (memberships: readonly Cursors[]): number =>
  memberships.reduce((sum, m) => sum + unreadCount(m.lastSeq, m.readSeq, m.deletedUnread), 0);
