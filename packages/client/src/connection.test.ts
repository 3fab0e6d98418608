import { CLOSE_CODES } from '@chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.ts';
import { RECONNECT_MAX_MS } from './backoff.ts';
import { Connection, type ConnectionOptions, type ConnectionState } from './connection.ts';
import { fakeWebSocket } from './fake-socket.ts';

function harness(options: ConnectionOptions = {}) {
  const fake = fakeWebSocket();
  const statuses: ConnectionState[] = [];
  const frames: string[] = [];
  const connection = new Connection(
    { baseUrl: 'http://chat.test', WebSocket: fake.WebSocket, ...options },
    { frame: (frame) => frames.push(frame.type), status: (status) => statuses.push(status) },
  );
  return { connection, statuses, frames, ...fake };
}

/** Lets the connect (which awaits the socket's URL) reach the point of opening a socket. */
const opened = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Connection', () => {
  it('sends a bearer token in the upgrade header, never in the URL', async () => {
    const { connection, latest } = harness({ bearerToken: 'secret-token' });
    connection.connect();
    await opened();
    expect(latest().url).toBe('ws://chat.test/ws?v=1');
    expect(latest().options).toEqual({ headers: { authorization: 'Bearer secret-token' } });
  });

  it('opens with the protocol version, and sends only once the server said ready', async () => {
    const { connection, statuses, frames, latest } = harness();
    connection.connect();
    await opened();
    expect(latest().url).toBe('ws://chat.test/ws?v=1');
    expect(connection.transmit({ type: 'ping' })).toBe(false);
    latest().accept();
    expect(connection.isOpen).toBe(true);
    expect(connection.transmit({ type: 'typing', conversationId: 3 })).toBe(true);
    expect(latest().sent).toEqual([{ type: 'typing', conversationId: 3 }]);
    expect(frames).toEqual(['ready']);
    expect(statuses).toEqual([{ state: 'connecting', attempt: 0 }, { state: 'open' }]);
  });

  it('reconnects after a drop with a growing, capped back-off that a ready resets', async () => {
    const { connection, statuses, sockets, latest } = harness();
    connection.connect();
    await opened();
    for (let attempt = 0; attempt < 12; attempt++) {
      latest().drop();
      const waiting = statuses.at(-1);
      expect(waiting).toMatchObject({ state: 'waiting', attempt });
      const retryInMs = waiting?.state === 'waiting' ? waiting.retryInMs : 0;
      expect(retryInMs).toBeLessThanOrEqual(RECONNECT_MAX_MS);
      await vi.advanceTimersByTimeAsync(retryInMs);
    }
    expect(sockets).toHaveLength(13);
    expect(statuses.at(-1)).toEqual({ state: 'connecting', attempt: 12 });
    latest().accept();
    latest().drop();
    expect(statuses.at(-1)).toMatchObject({ state: 'waiting', attempt: 0 });
  });

  it('stops for good when the server refuses, with the reason it gave before closing', async () => {
    const { connection, statuses, sockets, latest } = harness();
    connection.connect();
    await opened();
    latest().receive({ type: 'error', code: 'email_not_verified', message: 'Confirm your address first.' });
    latest().drop(CLOSE_CODES.forbidden, 'forbidden');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({
      state: 'refused',
      code: 'email_not_verified',
      message: 'Confirm your address first.',
    });
  });

  it('stops for good when the session gives no ticket, and retries when the server was only unreachable', async () => {
    const ended = harness({
      ticket: () => Promise.reject(new ApiError(401, 'unauthenticated', 'Sign in again.')),
    });
    ended.connection.connect();
    await opened();
    expect(ended.statuses.at(-1)).toEqual({ state: 'refused', code: 'unauthenticated', message: 'Sign in again.' });

    let calls = 0;
    const flaky = harness({
      ticket: () => (calls++ === 0 ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve('t1')),
    });
    flaky.connection.connect();
    await opened();
    expect(flaky.statuses.at(-1)).toMatchObject({ state: 'waiting', attempt: 0 });
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS);
    expect(flaky.latest().url).toBe('ws://chat.test/ws?v=1&ticket=t1');
  });

  it('pings on the interval, and gives up on a server silent for two of them', async () => {
    const { connection, sockets, latest } = harness();
    connection.connect();
    await opened();
    const first = latest();
    first.accept(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.sentOfType('ping')).toHaveLength(1);
    first.receive({ type: 'pong', serverTime: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(first.sentOfType('ping')).toHaveLength(3);
    expect(first.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.closedWith).toEqual({ code: CLOSE_CODES.goingAway, reason: 'server silent' });
    expect(connection.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS);
    expect(sockets).toHaveLength(2);
  });

  it('reconnects at once when asked, and a late close of the old socket changes nothing', async () => {
    const { connection, statuses, sockets, latest } = harness();
    connection.connect();
    await opened();
    const old = latest();
    old.accept();
    connection.reconnectNow();
    await opened();
    expect(sockets).toHaveLength(2);
    expect(old.closedWith?.code).toBe(CLOSE_CODES.normal);
    old.drop();
    latest().accept();
    expect(connection.isOpen).toBe(true);
    expect(statuses.filter((status) => status.state === 'waiting')).toEqual([]);
  });

  it('closes for good on close()', async () => {
    const { connection, statuses, sockets, latest } = harness();
    connection.connect();
    await opened();
    latest().accept();
    connection.close();
    latest().drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ state: 'closed' });
  });
});
