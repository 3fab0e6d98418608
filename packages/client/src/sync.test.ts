import type { Message, Presence } from '@chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncState } from './sync.ts';
import { testMessage } from './test-message.ts';

const message = (seq: number): Message => testMessage({ seq, senderId: 2 });
const ready = (serverTime: number) =>
  ({ type: 'ready', protocolVersion: 1, userId: 1, serverTime, heartbeatIntervalMs: 25_000 }) as const;
const unread = (lastSeq: number, readSeq: number) =>
  ({
    type: 'unread',
    conversationId: 7,
    unread: 99,
    lastSeq,
    readSeq,
    deletedUnread: 0,
    lastChangeSeq: 0,
    total: 99,
  }) as const;
const presence = (online: boolean, version: number): Presence => ({
  online,
  lastSeenAt: online ? null : version,
  version,
});

function harness() {
  const delivered: number[] = [];
  let syncs = 0;
  const state = new SyncState({ deliver: (m) => delivered.push(m.seq), requestSync: () => syncs++ }, 500);
  return { state, delivered, syncs: () => syncs };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SyncState', () => {
  it('catches up from its cursors and the last server time after a reconnect, not on a first connect', () => {
    const { state } = harness();
    expect(state.ready(ready(1_000))).toBe(false);
    state.observe({ type: 'message', message: message(4), serverTime: 1_500 });
    state.received(message(4));
    expect(state.ready(ready(9_000))).toBe(true);
    expect(state.syncFrame()).toEqual({
      type: 'sync',
      cursors: [{ conversationId: 7, seq: 4, changeSeq: 0 }],
      since: 1_500,
    });
  });

  it('syncs on a first connect when the app set cursors from REST', () => {
    const { state } = harness();
    state.setCursor(7, 3);
    expect(state.ready(ready(1_000))).toBe(true);
  });

  it('asks for what is missing when a gap has not filled within the timeout', async () => {
    const { state, delivered, syncs } = harness();
    state.setCursor(7, 1);
    state.received(message(3));
    await vi.advanceTimersByTimeAsync(499);
    expect(syncs()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncs()).toBe(1);
    // A gap that fills in time asks nothing.
    state.received(message(5));
    state.received(message(2));
    state.received(message(4));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(syncs()).toBe(1);
    expect(delivered).toEqual([2, 3, 4, 5]);
  });

  it('keeps the newest unread cursors, recounting from them, and drops a frame that moves neither', () => {
    const { state } = harness();
    expect(state.unread(unread(5, 2))).toMatchObject({ lastSeq: 5, readSeq: 2, unread: 3 });
    // Overtaken by the frame above: only its read cursor is news.
    expect(state.unread(unread(4, 4))).toMatchObject({ lastSeq: 5, readSeq: 4, unread: 1 });
    expect(state.unread(unread(3, 1))).toBeUndefined();
    state.forget(7);
    expect(state.unread(unread(3, 1))).toMatchObject({ unread: 2 });
  });

  it('keeps the newest presence per user: a snapshot that left before a live change never undoes it', () => {
    const { state } = harness();
    expect(state.notePresence(2, presence(true, 10))).toEqual({ presence: presence(true, 10), changed: true });
    expect(state.notePresence(2, presence(false, 12))).toEqual({ presence: presence(false, 12), changed: true });
    expect(state.notePresence(2, presence(true, 11))).toEqual({ presence: presence(false, 12), changed: false });
    expect(state.notePresence(2, presence(false, 12)).changed).toBe(false);
    expect(state.notePresence(3, presence(true, 1)).changed).toBe(true);
  });

  it('moves the change cursor on only without a gap, syncs when one stays, and takes what a sync vouches for', async () => {
    const { state, syncs } = harness();
    state.setCursor(7, 3, 2);
    const change = (changeSeq: number) => ({ ...message(1), changeSeq });
    state.changed(change(3));
    state.changed(change(5));
    expect(state.syncFrame()).toMatchObject({ cursors: [{ conversationId: 7, seq: 3, changeSeq: 3 }] });
    await vi.advanceTimersByTimeAsync(500);
    expect(syncs()).toBe(1);
    // The sync's answer covers up to 6; the 5 held ahead is in it, and a late 4 changes nothing.
    state.synced({
      type: 'synced',
      serverTime: 2_000,
      truncated: false,
      changeSeqs: [{ conversationId: 7, changeSeq: 6 }],
    });
    state.changed(change(4));
    state.changed(change(7));
    expect(state.syncFrame()).toMatchObject({ cursors: [{ conversationId: 7, changeSeq: 7 }] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(syncs()).toBe(1);
  });

  it('counts deleted messages out of unread, from the frame that knows the latest deletes and reads', () => {
    const { state } = harness();
    const frame = (readSeq: number, lastChangeSeq: number, deletedUnread: number) => ({
      ...unread(5, readSeq),
      lastChangeSeq,
      deletedUnread,
    });
    expect(state.unread(frame(2, 1, 1))).toMatchObject({ unread: 2 });
    // A delete of an older frame's time arrives late: it knows fewer changes, so its count does not win.
    expect(state.unread(frame(2, 0, 0))).toBeUndefined();
    expect(state.unread(frame(2, 2, 2))).toMatchObject({ unread: 1, deletedUnread: 2 });
    expect(state.unread(frame(5, 2, 0))).toMatchObject({ unread: 0 });
  });
});
