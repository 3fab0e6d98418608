import type { Message, Presence } from '@chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncState } from './sync.ts';

const message = (seq: number): Message => ({
  id: seq,
  conversationId: 7,
  seq,
  senderId: 2,
  clientId: `c${seq}`,
  text: `m${seq}`,
  attachment: null,
  createdAt: 0,
});
const ready = (serverTime: number) =>
  ({ type: 'ready', protocolVersion: 1, userId: 1, serverTime, heartbeatIntervalMs: 25_000 }) as const;
const unread = (lastSeq: number, readSeq: number) =>
  ({ type: 'unread', conversationId: 7, unread: 99, lastSeq, readSeq, total: 99 }) as const;
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
    expect(state.syncFrame()).toEqual({ type: 'sync', cursors: [{ conversationId: 7, seq: 4 }], since: 1_500 });
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
});
