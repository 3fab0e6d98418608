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
