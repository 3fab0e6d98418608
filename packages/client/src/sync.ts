import {
  type ClientFrame,
  type Message,
  newerPresence,
  type Presence,
  type ServerFrame,
  type ServerFrameOf,
  unreadCount,
} from '@chat/protocol';
import { Sequencer } from './sequencer.ts';

interface UnreadCursors {
  lastSeq: number;
  readSeq: number;
  lastChangeSeq: number;
  deletedUnread: number;
}

/** A message (or change) still ahead of a gap this long asks the server for what is missing. */
const DEFAULT_GAP_TIMEOUT_MS = 500;
/** A sync the server refused (rate limited, or failed underneath) is asked for again this much later. */
const SYNC_RETRY_MS = 1000;

export interface SyncHandlers {
  /** Each message once, in seq order per conversation. */
  deliver(message: Message): void;
  /** The client may have missed something: send `sync` (syncFrame) now. */
  requestSync(): void;
}

/**
 * What the client knows of the server's state, and how to catch up: per conversation the seq it
 * has (the sequencer) and the change position up to which it has every change, the server time of
 * the last frame, the newest unread cursors and the newest presence per user. Frames from several nodes can overtake each other, so each kind keeps the
 * newest state and lets through only what is newer.
 */
export class SyncState {
  private readonly sequencer: Sequencer;
  private readonly gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly unreadCursors = new Map<number, UnreadCursors>();
  /** Per conversation: every change up to here is in hand; those ahead of a gap wait in `changesAhead`. */
  private readonly changeCursors = new Map<number, number>();
  private readonly changesAhead = new Map<number, Set<number>>();
  private readonly changeGapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly presence = new Map<number, Presence>();
  private lastServerTime = 0;
  private syncRetry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly handlers: SyncHandlers,
    private readonly gapTimeoutMs = DEFAULT_GAP_TIMEOUT_MS,
  ) {
    this.sequencer = new Sequencer(handlers.deliver, (conversationId) => this.scheduleGapCheck(conversationId));
  }

  /** Notes the server time a frame carries; `since` of the next sync. */
  observe(frame: ServerFrame): void {
    if ('serverTime' in frame && frame.type !== 'ready') {
      this.lastServerTime = Math.max(this.lastServerTime, frame.serverTime);
    }
  }

  /**
   * A connection became ready; returns whether to sync. The first connection starts from the
   * server's clock (unless the app set cursors from REST, whose messages may predate it); every
   * later one catches up on what was missed while away.
   */
  ready(frame: ServerFrameOf<'ready'>): boolean {
    const reconnected = this.lastServerTime > 0;
    if (!reconnected) this.lastServerTime = frame.serverTime;
    return reconnected || this.sequencer.cursors().length > 0;
  }

  /** A conversation whose change cursor is not known asks from 0: every changed message it has comes again, once. */
  syncFrame(): ClientFrame {
    const cursors = this.sequencer
      .cursors()
      .map((cursor) => ({ ...cursor, changeSeq: this.changeCursors.get(cursor.conversationId) ?? 0 }));
    return { type: 'sync', cursors, since: this.lastServerTime };
  }

  /**
   * The app has a conversation up to `seq` (from REST), and every change up to `changeSeq` (the
   * summary's `lastChangeSeq`, when its history was loaded after the summary).
   */
  setCursor(conversationId: number, seq: number, changeSeq?: number): void {
    this.sequencer.advance(conversationId, seq);
    if (changeSeq !== undefined) this.advanceChanges(conversationId, changeSeq);
  }

  forget(conversationId: number): void {
    this.sequencer.forget(conversationId);
    this.unreadCursors.delete(conversationId);
    this.changeCursors.delete(conversationId);
    this.changesAhead.delete(conversationId);
  }

  /**
   * A live change: the cursor moves on only when it is the next one, so that a change lost on the
   * way (or still overtaken) is asked for by the next sync; one that stays ahead of a gap syncs.
   */
  changed(message: Message): void {
    const { conversationId, changeSeq } = message;
    if (changeSeq <= (this.changeCursors.get(conversationId) ?? 0)) return;
    const ahead = this.changesAhead.get(conversationId) ?? new Set<number>();
    this.changesAhead.set(conversationId, ahead);
    ahead.add(changeSeq);
    this.advanceChanges(conversationId, this.changeCursors.get(conversationId) ?? 0);
    if (this.changesAhead.has(conversationId)) this.scheduleChangeGapCheck(conversationId);
  }

  /** The end of a sync answer: the change cursors it vouches for. */
  synced(frame: ServerFrameOf<'synced'>): void {
    for (const { conversationId, changeSeq } of frame.changeSeqs) this.advanceChanges(conversationId, changeSeq);
  }

  /** A message from the server (live or a sync answer). */
  received(message: Message): void {
    this.sequencer.push(message);
  }

  /** One's own message, from its ack. */
  own(message: Message): void {
    this.sequencer.pushOwn(message);
  }

  /**
   * The cursors only grow, so the newest state is the largest of each. The count of deleted unread
   * messages comes from a frame that is at least as new in both the read cursor and the changes
   * (deletes raise `lastChangeSeq`, reads recount it); otherwise the one known stays until a frame
   * that knows better. Returns the frame with that state, or undefined when it moves nothing.
   */
  unread(frame: ServerFrameOf<'unread'>): ServerFrameOf<'unread'> | undefined {
    const known = this.unreadCursors.get(frame.conversationId);
    const newest = !known || (frame.readSeq >= known.readSeq && frame.lastChangeSeq >= known.lastChangeSeq);
    const next: UnreadCursors = {
      lastSeq: Math.max(frame.lastSeq, known?.lastSeq ?? 0),
      readSeq: Math.max(frame.readSeq, known?.readSeq ?? 0),
      lastChangeSeq: Math.max(frame.lastChangeSeq, known?.lastChangeSeq ?? 0),
      deletedUnread: newest ? frame.deletedUnread : (known?.deletedUnread ?? 0),
    };
    if (known && (Object.keys(next) as Array<keyof UnreadCursors>).every((key) => next[key] === known[key])) {
      return undefined;
    }
    this.unreadCursors.set(frame.conversationId, next);
    return { ...frame, ...next, unread: unreadCount(next.lastSeq, next.readSeq, next.deletedUnread) };
  }

  /**
   * A user's presence, from a frame or a REST answer: kept when newer than what is known. Returns
   * the newest known state, and whether this one changed it.
   */
  notePresence(userId: number, presence: Presence): { presence: Presence; changed: boolean } {
    const known = this.presence.get(userId);
    const newest = known ? newerPresence(known, presence) : presence;
    if (newest === known) return { presence: known, changed: false };
    this.presence.set(userId, newest);
    return { presence: newest, changed: true };
  }

  /** The server answered a sync with an error: what it would have sent is still missing, so ask again soon. */
  syncRefused(): void {
    if (this.syncRetry) return;
    this.syncRetry = setTimeout(() => {
      this.syncRetry = undefined;
      this.handlers.requestSync();
    }, SYNC_RETRY_MS);
  }

  close(): void {
    for (const timer of [...this.gapTimers.values(), ...this.changeGapTimers.values()]) clearTimeout(timer);
    this.gapTimers.clear();
    this.changeGapTimers.clear();
    clearTimeout(this.syncRetry);
    this.syncRetry = undefined;
  }

  private advanceChanges(conversationId: number, to: number): void {
    let cursor = Math.max(to, this.changeCursors.get(conversationId) ?? 0);
    const ahead = this.changesAhead.get(conversationId);
    while (ahead?.delete(cursor + 1)) cursor++;
    for (const seq of ahead ?? []) if (seq <= cursor) ahead?.delete(seq);
    if (ahead?.size === 0) this.changesAhead.delete(conversationId);
    this.changeCursors.set(conversationId, cursor);
  }

  private scheduleChangeGapCheck(conversationId: number): void {
    if (this.changeGapTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.changeGapTimers.delete(conversationId);
      if (this.changesAhead.has(conversationId)) this.handlers.requestSync();
    }, this.gapTimeoutMs);
    this.changeGapTimers.set(conversationId, timer);
  }

  private scheduleGapCheck(conversationId: number): void {
    if (this.gapTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.gapTimers.delete(conversationId);
      if (this.sequencer.hasGap(conversationId)) this.handlers.requestSync();
    }, this.gapTimeoutMs);
    this.gapTimers.set(conversationId, timer);
  }
}
