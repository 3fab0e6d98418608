import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { READ_WINDOW_MS, TickBatch } from './tick-batch.ts';

/** A load the test answers by hand, recording the keys of each call. */
function manualLoad() {
  const calls: Array<{ keys: number[]; answer(values: Map<number, string>): void; fail(error: Error): void }> = [];
  const load = (keys: number[]) =>
    new Promise<Map<number, string>>((resolve, reject) => {
      calls.push({ keys, answer: resolve, fail: reject });
    });
  return { calls, load };
}

/** Lets `ms` of (fake) time pass, running what falls due, the next tick's callbacks included. */
const pass = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const named = (keys: number[]) => new Map(keys.map((key) => [key, `user ${key}`]));

/** Asks for `key`, lets its read start and answers it: the batch's last read began just now. */
async function readOnce(batch: TickBatch<number, string>, calls: ReturnType<typeof manualLoad>['calls'], key: number) {
  const read = batch.get(key);
  await pass();
  calls.at(-1)?.answer(named([key]));
  await read;
}

describe('TickBatch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the keys asked for within one tick in one call, each once', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const answers = Promise.all([batch.get(1), batch.get(2), batch.get(1), batch.get(3)]);
    await pass();
    expect(calls.map((call) => call.keys)).toEqual([[1, 2, 3]]);
    calls[0]?.answer(named([1, 2]));
    expect(await answers).toEqual(['user 1', 'user 2', 'user 1', undefined]);
  });

  it('while a read is in flight, the keys asked for meanwhile wait for it, then go together once the window since it started is over', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const first = batch.get(1);
    await pass();
    const later = Promise.all([batch.get(2), batch.get(3)]);
    await pass(1);
    calls[0]?.answer(named([1]));
    expect(await first).toBe('user 1');
    await pass(READ_WINDOW_MS - 2);
    expect(calls).toHaveLength(1);
    await pass(1);
    expect(calls.map((call) => call.keys)).toEqual([[1], [2, 3]]);
    calls[1]?.answer(named([2, 3]));
    expect(await later).toEqual(['user 2', 'user 3']);
  });

  it('a read asked for after a quiet spell starts on the next tick, even where every read is windowed', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load, { windowEveryRead: true });
    await readOnce(batch, calls, 1);
    await pass(READ_WINDOW_MS);
    void batch.get(2);
    await pass();
    expect(calls.map((call) => call.keys)).toEqual([[1], [2]]);
  });

  it("a lone caller's reads one after another never wait for the window", async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    for (let i = 0; i < 3; i++) {
      const read = batch.get(1);
      await pass();
      expect(calls).toHaveLength(i + 1);
      calls[i]?.answer(named([1]));
      expect(await read).toBe('user 1');
    }
  });

  it("a request's several keys asked at once do not make the next caller wait", async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const request = Promise.all([batch.get(1), batch.get(2)]);
    await pass();
    calls[0]?.answer(named([1, 2]));
    await request;
    void batch.get(3);
    await pass();
    expect(calls.map((call) => call.keys)).toEqual([[1, 2], [3]]);
  });

  it('a wave lasts while the reads that waited out the window carry several keys, and ends with one that carried one', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    /** Answers the read that started last, then lets its callers' continuations run. */
    const answerLast = async () => {
      calls.at(-1)?.answer(named(calls.at(-1)?.keys ?? []));
      await pass();
    };
    void batch.get(1);
    await pass();
    void batch.get(2); // behind the read in flight: the wave begins
    void batch.get(3);
    await answerLast();
    await pass(READ_WINDOW_MS);
    await answerLast();
    void batch.get(4);
    void batch.get(5);
    await pass(READ_WINDOW_MS - 1);
    expect(calls).toHaveLength(2);
    await pass(1);
    await answerLast();
    void batch.get(6);
    await pass(READ_WINDOW_MS - 1);
    expect(calls).toHaveLength(3);
    await pass(1);
    await answerLast(); // one key after the window: the wave is over
    void batch.get(7);
    await pass();
    expect(calls.map((call) => call.keys)).toEqual([[1], [2, 3], [4, 5], [6], [7]]);
  });

  it('a read made in a wave once its window was over still continues the wave when it carries several keys', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    void batch.get(1);
    await pass();
    void batch.get(2); // behind the read in flight: the wave begins
    void batch.get(3);
    await pass(READ_WINDOW_MS + 5); // the first read is slow: its window is over when it returns
    calls[0]?.answer(named([1]));
    await pass();
    expect(calls.map((call) => call.keys)).toEqual([[1], [2, 3]]);
    calls[1]?.answer(named([2, 3]));
    await pass();
    void batch.get(4);
    await pass(READ_WINDOW_MS - 2);
    expect(calls).toHaveLength(2);
    await pass(READ_WINDOW_MS);
    expect(calls.map((call) => call.keys)).toEqual([[1], [2, 3], [4]]);
  });

  it('with windowEveryRead, a lone read within the window of the last one waits for the window to end', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load, { windowEveryRead: true });
    await readOnce(batch, calls, 1);
    void batch.get(2);
    await pass(READ_WINDOW_MS - 1);
    expect(calls).toHaveLength(1);
    await pass(1);
    expect(calls.map((call) => call.keys)).toEqual([[1], [2]]);
  });

  it('a whole query of keys goes at once, window or not', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load, { windowEveryRead: true });
    await readOnce(batch, calls, -1);
    const keys = Array.from({ length: 500 }, (_, i) => i);
    for (const key of keys) void batch.get(key);
    await pass();
    expect(calls.map((call) => call.keys.length)).toEqual([1, 500]);
  });

  it('a failed read fails its own callers only; the next one is read afresh', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const failing = batch.get(1);
    await pass();
    calls[0]?.fail(new Error('database away'));
    await expect(failing).rejects.toThrow('database away');
    const next = batch.get(1);
    await pass(READ_WINDOW_MS);
    calls[1]?.answer(named([1]));
    expect(await next).toBe('user 1');
  });

  it('a load that throws instead of rejecting fails its callers, and the next read still starts', async () => {
    let fail = true;
    const batch = new TickBatch((keys: number[]) => {
      if (fail) throw new Error('no connection');
      return Promise.resolve(named(keys));
    });
    const failing = expect(batch.get(1)).rejects.toThrow('no connection');
    await pass();
    await failing;
    fail = false;
    const next = batch.get(1);
    await pass();
    expect(await next).toBe('user 1');
  });

  it('splits a wave larger than one query may carry into several reads at once', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const keys = Array.from({ length: 1200 }, (_, i) => i);
    const answers = Promise.all(keys.map((key) => batch.get(key)));
    await pass();
    expect(calls.map((call) => call.keys.length)).toEqual([500, 500, 200]);
    for (const call of calls) call.answer(named(call.keys));
    expect(await answers).toEqual(keys.map((key) => `user ${key}`));
  });
});
