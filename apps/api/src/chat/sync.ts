import type { ClientFrame, Message } from '@chat/protocol';
import type { DatabaseHandle, Db } from '../infra/db/database.ts';
import { failpoint } from '../infra/failpoints/failpoints.ts';
import { TickBatch } from '../infra/tick-batch.ts';
import { listAllMembershipsOf, type Membership } from './conversations-repository.ts';
import { listChanged, listPages, type PageRequest } from './messages-repository.ts';
import { type UnreadState, unreadState, unreadTotal } from './unread-state.ts';

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
 * What the syncs of one tick read first, for all their users at once: a wave of reconnects syncs
 * together, and each sync alone cost a round trip before it read a single message. Every
 * membership of each user is read (a sync looks at those it has cursors for and those with
 * something new), which is also what the unread total sums over.
 */
export class SyncReads {
  readonly memberships: TickBatch<number, Membership[]>;
  /** The pages of new messages the syncs of a wave ask for, keyed by `pageKey`. */
  readonly pages: TickBatch<string, Message[]>;

  readonly db: Db;

  constructor(database: DatabaseHandle) {
    const { db } = database;
    this.db = db;
    // Only a reconnect syncs: see TickBatchOptions.
    this.memberships = new TickBatch((userIds) => listAllMembershipsOf(db, userIds), { windowEveryRead: true });
    // Not windowed outside a wave: a sync reads its pages one after another (each one's limit is
    // what the last left), so the window would add 25 ms per conversation with something new.
    this.pages = new TickBatch(async (keys) => {
      const pages = await listPages(db, database.dialect, keys.map(pageOfKey));
      return new Map(keys.map((key, i) => [key, pages[i] ?? []]));
    });
  }
}

/** Syncs asking for the same page (a user's devices reconnecting together) share one read of it. */
const pageKey = (r: PageRequest) => `${r.conversationId}:${r.viewerId}:${r.after}:${r.createdSince ?? ''}:${r.limit}`;

function pageOfKey(key: string): PageRequest {
  const [conversationId, viewerId, after, createdSince, limit] = key.split(':');
  return {
    conversationId: Number(conversationId),
    viewerId: Number(viewerId),
    after: Number(after),
    createdSince: createdSince === '' ? undefined : Number(createdSince),
    limit: Number(limit),
  };
}

/**
 * Everything a reconnecting client missed: after its cursor in known conversations, after `since` in
 * others; and the current state of the messages it has that changed after its change cursor.
 */
export async function syncSince(
  reads: SyncReads,
  userId: number,
  frame: Extract<ClientFrame, { type: 'sync' }>,
): Promise<SyncResult> {
  const { db } = reads;
  const cursors = new Map(frame.cursors.map((c) => [c.conversationId, c]));
  const createdSince = frame.since - SYNC_CLOCK_SLACK_MS;
  const all = (await reads.memberships.get(userId)) ?? [];
  // From the same read as the counts beside it, rather than a query of its own.
  const total = unreadTotal(all);
  const memberships = new Map(
    all.filter((m) => cursors.has(m.conversationId) || m.updatedAt >= createdSince).map((m) => [m.conversationId, m]),
  );
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
    const request = {
      conversationId: m.conversationId,
      viewerId: userId,
      after,
      createdSince: cursor === undefined ? createdSince : undefined,
      limit: limit + 1,
    };
    const page = (await reads.pages.get(pageKey(request))) ?? [];
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
