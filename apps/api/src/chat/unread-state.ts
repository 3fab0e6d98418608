import { unreadCount } from '@chat/protocol';

/** What an `unread` frame says: the count and the cursors it comes from. */
export interface UnreadState {
  conversationId: number;
  unread: number;
  lastSeq: number;
  readSeq: number;
  total: number;
}

export const unreadState = (conversationId: number, lastSeq: number, readSeq: number, total: number): UnreadState => ({
  conversationId,
  unread: unreadCount(lastSeq, readSeq),
  lastSeq,
  readSeq,
  total,
});
