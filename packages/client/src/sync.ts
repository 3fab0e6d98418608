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

/** A message still ahead of a gap this long asks the server for what is missing. */
const DEFAULT_GAP_TIMEOUT_MS = 500;

export interface SyncHandlers {
  /** Each message once, in seq order per conversation. */
  deliver(message: Message): void;
  /** The client may have missed something: send `sync` (syncFrame) now. */
  requestSync(): void;
}

/**
 * What the client knows of the server's state, and how to catch up: per conversation the seq it
 * has (the sequencer), the server time of the last frame, the newest unread cursors and the newest
 * presence per user. Frames from several nodes can overtake each other, so each kind keeps the
 * newest state and lets through only what is newer.
 */
export class SyncState {
  private readonly sequencer: Sequencer;
  private readonly gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly unreadCursors = new Map<number, { lastSeq: number; readSeq: number }>();
  private readonly presence = new Map<number, Presence>();
  private lastServerTime = 0;

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

  syncFrame(): ClientFrame {
    return { type: 'sync', cursors: this.sequencer.cursors(), since: this.lastServerTime };
  }

  setCursor(conversationId: number, seq: number): void {
    this.sequencer.advance(conversationId, seq);
  }

  forget(conversationId: number): void {
    this.sequencer.forget(conversationId);
    this.unreadCursors.delete(conversationId);
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
   * Both cursors only grow, so the newest state is the largest of each. Returns the frame with
   * that state, or undefined when it moves neither (stale: it goes no further).
   */
  unread(frame: ServerFrameOf<'unread'>): ServerFrameOf<'unread'> | undefined {
    const known = this.unreadCursors.get(frame.conversationId);
    const lastSeq = Math.max(frame.lastSeq, known?.lastSeq ?? 0);
    const readSeq = Math.max(frame.readSeq, known?.readSeq ?? 0);
    if (known && lastSeq === known.lastSeq && readSeq === known.readSeq) return undefined;
    this.unreadCursors.set(frame.conversationId, { lastSeq, readSeq });
    return { ...frame, lastSeq, readSeq, unread: unreadCount(lastSeq, readSeq) };
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

  close(): void {
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
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
