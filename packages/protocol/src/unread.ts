/**
 * The unread rule, the same for server, client library and web: a member has read everything up to
 * their read cursor, and every message after it is unread. Both cursors only grow.
 */
export const unreadCount = (lastSeq: number, readSeq: number): number => Math.max(0, lastSeq - readSeq);
