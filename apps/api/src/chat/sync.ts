import type { ClientFrame, Message } from '@chat/protocol';
import type { Db } from '../infra/db/database.ts';
import { failpoint } from '../infra/failpoints/failpoints.ts';
import { listMembershipsForSync, totalUnread } from './conversations-repository.ts';
import { listChanged, listMessages } from './messages-repository.ts';
import { type UnreadState, unreadState } from './unread-state.ts';

/** Messages (new and changed) one sync carries at most; past it the client reloads over REST (`synced.truncated`). */
const SYNC_MAX_MESSAGES = 2000;
/**
 * Conversations the client has no cursor for are looked for from this long before its `since`, so
 * that clocks a little apart between nodes cannot hide a message; the client drops what it has.
 */
const SYNC_CLOCK_SLACK_MS = 5000;

export interface SyncResult {
  messages: Message[];
  /** The current state of the messages the client has that changed after its change cursor. */
  changed: Message[];
  unread: UnreadState[];
  truncated: boolean;
  /** The change cursors the client may move to: see `synced.changeSeqs`. */
  changeSeqs: Array<{ conversationId: number; changeSeq: number }>;
}

/**
 * Everything a reconnecting client missed: after its cursor in known conversations, after `since` in
 * others; and the current state of the messages it has that changed after its change cursor.
 */
export async function syncSince(
  db: Db,
  userId: number,
  frame: Extract<ClientFrame, { type: 'sync' }>,
): Promise<SyncResult> {
  const cursors = new Map(frame.cursors.map((c) => [c.conversationId, c]));
  const memberships = new Map(
    (await listMembershipsForSync(db, userId, [...cursors.keys()], frame.since - SYNC_CLOCK_SLACK_MS)).map((m) => [
      m.conversationId,
      m,
    ]),
  );
  const total = await totalUnread(db, userId);
  const unread = [...memberships.values()].map((m) => unreadState(m, total));
  await failpoint('sync.before-changes');
  const messages: Message[] = [];
  const changed: Message[] = [];
  const room = () => SYNC_MAX_MESSAGES - messages.length - changed.length;
  for (const m of memberships.values()) {
    const cursor = cursors.get(m.conversationId);
    const floor = m.clearedSeq;
    const after = Math.max(cursor?.seq ?? floor, floor);
    // Read after the memberships: whatever changed meanwhile comes too, so the client has every
    // change up to the `lastChangeSeq` its `unread` frame carries.
    if (cursor?.changeSeq !== undefined && m.lastChangeSeq > cursor.changeSeq && after > floor) {
      const limit = room();
      const page = await listChanged(db, m.conversationId, userId, {
        after: floor,
        upTo: after,
        changedAfter: cursor.changeSeq,
        limit: limit + 1,
      });
      changed.push(...page.slice(0, limit));
      if (page.length > limit) return { messages, changed, unread, truncated: true, changeSeqs: [] };
    }
    if (m.lastSeq <= after) continue;
    const limit = room();
    const page = await listMessages(db, m.conversationId, userId, {
      after,
      createdSince: cursor === undefined ? frame.since - SYNC_CLOCK_SLACK_MS : undefined,
      limit: limit + 1,
      fromEnd: false,
    });
    messages.push(...page.slice(0, limit));
    if (page.length > limit) return { messages, changed, unread, truncated: true, changeSeqs: [] };
  }
  // Read before the changes, so every change up to them was delivered: as a change, or within a message.
  const changeSeqs = [...memberships.values()]
    .filter((m) => {
      const cursor = cursors.get(m.conversationId);
      return cursor === undefined || cursor.changeSeq !== undefined;
    })
    .map((m) => ({ conversationId: m.conversationId, changeSeq: m.lastChangeSeq }));
  return { messages, changed, unread, truncated: false, changeSeqs };
}
