import type { ClientFrame, Message } from '@chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryOutbox, type OutboxStorage, type PendingSendRecord } from './outbox-storage.ts';
import { SendError, SendLedger } from './send-ledger.ts';

const stored = (clientId: string, seq = 1): Message => ({
  id: seq,
  conversationId: 7,
  seq,
  senderId: 1,
  clientId,
  text: 'hi',
  attachment: null,
  createdAt: 0,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
});

/** An outbox storage that also logs each write, to check the order of writes and frames. */
function loggedOutbox(log: string[], initial: PendingSendRecord[] = []): OutboxStorage {
  const inner = memoryOutbox();
  for (const record of initial) inner.save(record);
  return {
    load: () => inner.load(),
    save(record) {
      log.push(`save ${record.clientId}`);
      inner.save(record);
    },
    remove(clientId) {
      log.push(`remove ${clientId}`);
      inner.remove(clientId);
    },
  };
}

function harness(initial: PendingSendRecord[] = []) {
  const log: string[] = [];
  const outbox = loggedOutbox(log, initial);
  const transmit = (frame: ClientFrame) => log.push(`${frame.type} ${'clientId' in frame ? frame.clientId : ''}`);
  // Jitter at its top, so each delay is the back-off's ceiling.
  const ledger = new SendLedger(transmit, outbox, () => 1);
  return { ledger, log, outbox };
}

/** Follows a promise, to tell later whether it settled (and how) or is still pending. */
function watch(promise: Promise<unknown>): { state: 'pending' | 'resolved' | 'rejected' } {
  const watched: { state: 'pending' | 'resolved' | 'rejected' } = { state: 'pending' };
  promise.then(
    () => (watched.state = 'resolved'),
    () => (watched.state = 'rejected'),
  );
  return watched;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SendLedger', () => {
  it('saves a send before transmitting it, and forgets it once acked', async () => {
    const { ledger, log, outbox } = harness();
    const { clientId, stored: promise } = ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' });
    expect(clientId).toBe('a');
    expect(log).toEqual(['save a', 'send a']);
    expect(outbox.load()).toMatchObject([{ clientId: 'a', conversationId: 7, text: 'hi' }]);
    ledger.acked({ type: 'ack', clientId: 'a', message: stored('a') });
    await expect(promise).resolves.toMatchObject({ clientId: 'a' });
    expect(outbox.load()).toEqual([]);
    expect(ledger.list()).toEqual([]);
  });

  it('keeps a send whose fate is unknown pending, resending it under its id with a growing back-off', async () => {
    const { ledger, log, outbox } = harness();
    const outcome = watch(ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' }).stored);
    log.length = 0;
    for (const delay of [500, 1_000, 2_000]) {
      expect(ledger.failed({ type: 'error', code: 'service_unavailable', message: 'Try again.', clientId: 'a' })).toBe(
        true,
      );
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(log).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(log).toEqual(['send a']);
      log.length = 0;
    }
    ledger.failed({ type: 'error', code: 'internal_error', message: 'Oops.', clientId: 'a' });
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome.state).toBe('pending');
    expect(outbox.load()).toHaveLength(1);
    ledger.acked({ type: 'ack', clientId: 'a', message: stored('a') });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(log).toEqual(['remove a']);
    expect(outcome.state).toBe('resolved');
  });

  it('caps the resend back-off, and a reconnect sends at once and starts the back-off again', async () => {
    const { ledger, log } = harness();
    ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' });
    const fail = () => ledger.failed({ type: 'error', code: 'internal_error', message: 'Oops.', clientId: 'a' });
    for (let attempt = 0; attempt < 10; attempt++) {
      fail();
      await vi.advanceTimersByTimeAsync(30_000);
    }
    expect(log.filter((line) => line === 'send a')).toHaveLength(11);
    fail();
    log.length = 0;
    ledger.resendAll();
    expect(log).toEqual(['send a']);
    // The timer of the answered attempt is gone; the next failure waits the first delay again.
    fail();
    await vi.advanceTimersByTimeAsync(500);
    expect(log).toEqual(['send a', 'send a']);
  });

  it('rejects a send the server refused for good, and forgets it', async () => {
    const { ledger, outbox } = harness();
    const { stored: promise } = ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' });
    ledger.failed({ type: 'error', code: 'rate_limited', message: 'Slow down.', frame: 'send', clientId: 'a' });
    await expect(promise).rejects.toEqual(new SendError('rate_limited', 'Slow down.'));
    expect(outbox.load()).toEqual([]);
    // An error for a send it no longer holds is not its to answer.
    expect(ledger.failed({ type: 'error', code: 'rate_limited', message: 'Slow down.', clientId: 'a' })).toBe(false);
    expect(ledger.failed({ type: 'error', code: 'malformed_frame', message: 'Bad JSON.' })).toBe(false);
  });

  it('answers a retry of a send in flight with the same promise, and sends it again', () => {
    const { ledger, log } = harness();
    const first = ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' });
    const again = ledger.send({ conversationId: 7, text: 'hi', clientId: 'a' });
    expect(again.stored).toBe(first.stored);
    expect(log).toEqual(['save a', 'send a', 'send a']);
  });

  it('resends a full outbox within the server’s send limit: half its burst at once, the rest at half its rate', async () => {
    const { ledger, log } = harness();
    for (let i = 0; i < 30; i++) ledger.send({ conversationId: 7, text: `m${i}`, clientId: `c${i}` });
    ledger.acked({ type: 'ack', clientId: 'c0', message: stored('c0') });
    log.length = 0;
    ledger.resendAll();
    const sent = () => log.filter((line) => line.startsWith('send'));
    // 29 pending: 20 (half the burst of 40) at once, then one every 100 ms (half of 20 a second).
    expect(sent()).toHaveLength(20);
    expect(sent()[0]).toBe('send c1');
    await vi.advanceTimersByTimeAsync(100);
    expect(sent()).toHaveLength(21);
    await vi.advanceTimersByTimeAsync(800);
    expect(sent()).toHaveLength(29);
    expect(sent().at(-1)).toBe('send c29');
    // An ack meanwhile ends the wait of a send still to go.
    log.length = 0;
    ledger.resendAll();
    for (let i = 21; i < 30; i++) ledger.acked({ type: 'ack', clientId: `c${i}`, message: stored(`c${i}`, i) });
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent()).toHaveLength(20);
  });

  it('restores the sends a previous run left in storage and resends them under their ids', async () => {
    const records = [
      { clientId: 'old-1', conversationId: 7, text: 'first', createdAt: 10 },
      { clientId: 'old-2', userId: 3, text: '', attachmentId: 'up1', createdAt: 11 },
    ];
    const { ledger, log } = harness(records);
    expect(ledger.list().map((pending) => pending.record)).toEqual(records);
    ledger.resendAll();
    expect(log).toEqual(['send old-1', 'send old-2']);
    const [first] = ledger.list();
    ledger.acked({ type: 'ack', clientId: 'old-1', message: stored('old-1') });
    await expect(first?.stored).resolves.toMatchObject({ clientId: 'old-1' });
    // A restored send refused with nobody listening raises no unhandled rejection.
    ledger.failed({ type: 'error', code: 'forbidden', message: 'No.', clientId: 'old-2' });
    expect(ledger.list()).toEqual([]);
  });
});
