/**
 * The unread rule, the same for server, client library and web: a member has read everything up to
 * their read cursor, and every message after it is unread unless it was deleted for everyone since.
 * `deletedUnread` counts those deleted messages after the read cursor; the cursors only grow.
 */
export const unreadCount = (lastSeq: number, readSeq: number, deletedUnread = 0): number =>
  Math.max(0, lastSeq - readSeq - deletedUnread);
