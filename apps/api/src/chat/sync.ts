import type { ClientFrame, Message } from '@chat/protocol';
import type { Db } from '../infra/db/database.ts';
import { listMembershipsForSync, totalUnread } from './conversations-repository.ts';
import { listMessages } from './messages-repository.ts';
import { type UnreadState, unreadState } from './unread-state.ts';

/** Messages one sync carries at most; past it the client reloads over REST (`synced.truncated`). */
const SYNC_MAX_MESSAGES = 2000;
/**
 * Conversations the client has no cursor for are looked for from this long before its `since`, so
 * that clocks a little apart between nodes cannot hide a message; the client drops what it has.
 */
const SYNC_CLOCK_SLACK_MS = 5000;

export interface SyncResult {
  messages: Message[];
  unread: UnreadState[];
  truncated: boolean;
}

/** Everything a reconnecting client missed: after its cursor in known conversations, after `since` in others. */
export async function syncSince(
  db: Db,
  userId: number,
  frame: Extract<ClientFrame, { type: 'sync' }>,
): Promise<SyncResult> {
  const cursors = new Map(frame.cursors.map((c) => [c.conversationId, c.seq]));
  const memberships = new Map(
    (await listMembershipsForSync(db, userId, [...cursors.keys()], frame.since - SYNC_CLOCK_SLACK_MS)).map((m) => [
      m.conversationId,
      m,
    ]),
  );
  const total = await totalUnread(db, userId);
  const unread = [...memberships.values()].map((m) => unreadState(m.conversationId, m.lastSeq, m.readSeq, total));
  const messages: Message[] = [];
  for (const m of memberships.values()) {
    const cursor = cursors.get(m.conversationId);
    const after = Math.max(cursor ?? m.clearedSeq, m.clearedSeq);
    if (m.lastSeq <= after) continue;
    const room = SYNC_MAX_MESSAGES - messages.length;
    const page = await listMessages(db, m.conversationId, {
      after,
      createdSince: cursor === undefined ? frame.since - SYNC_CLOCK_SLACK_MS : undefined,
      limit: room + 1,
      fromEnd: false,
    });
    messages.push(...page.slice(0, room));
    if (page.length > room) return { messages, unread, truncated: true };
  }
  return { messages, unread, truncated: false };
}
