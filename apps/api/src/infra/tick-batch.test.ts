import { describe, expect, it } from 'vitest';
import { TickBatch } from './tick-batch.ts';

/** A load the test answers by hand, recording the keys of each call. */
function manualLoad() {
  const calls: Array<{ keys: number[]; answer(values: Map<number, string>): void; fail(error: Error): void }> = [];
  const load = (keys: number[]) =>
    new Promise<Map<number, string>>((resolve, reject) => {
      calls.push({ keys, answer: resolve, fail: reject });
    });
  return { calls, load };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const named = (keys: number[]) => new Map(keys.map((key) => [key, `user ${key}`]));

describe('TickBatch', () => {
  it('reads the keys asked for within one tick in one call, each once', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const answers = Promise.all([batch.get(1), batch.get(2), batch.get(1), batch.get(3)]);
    await tick();
    expect(calls.map((call) => call.keys)).toEqual([[1, 2, 3]]);
    calls[0]?.answer(named([1, 2]));
    expect(await answers).toEqual(['user 1', 'user 2', 'user 1', undefined]);
  });

  it('while a read is in flight, the keys asked for meanwhile wait for it and then go together', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const first = batch.get(1);
    await tick();
    const later = Promise.all([batch.get(2), batch.get(3)]);
    await tick();
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.answer(named([1]));
    expect(await first).toBe('user 1');
    await tick();
    await tick();
    expect(calls.map((call) => call.keys)).toEqual([[1], [2, 3]]);
    calls[1]?.answer(named([2, 3]));
    expect(await later).toEqual(['user 2', 'user 3']);
  });

  it('a failed read fails its own callers only; the next one is read afresh', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const failing = batch.get(1);
    await tick();
    calls[0]?.fail(new Error('database away'));
    await expect(failing).rejects.toThrow('database away');
    const next = batch.get(1);
    await tick();
    calls[1]?.answer(named([1]));
    expect(await next).toBe('user 1');
  });

  it('splits a wave larger than one query may carry into several reads at once', async () => {
    const { calls, load } = manualLoad();
    const batch = new TickBatch(load);
    const keys = Array.from({ length: 1200 }, (_, i) => i);
    const answers = Promise.all(keys.map((key) => batch.get(key)));
    await tick();
    expect(calls.map((call) => call.keys.length)).toEqual([500, 500, 200]);
    for (const call of calls) call.answer(named(call.keys));
    expect(await answers).toEqual(keys.map((key) => `user ${key}`));
  });
});
