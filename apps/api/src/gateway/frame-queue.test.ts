import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FrameQueue', () => {
  it('handles frames one at a time, in order, once started', async () => {
    const handled: string[] = [];
    let start = () => {};
    const started = new Promise<void>((resolve) => {
      start = resolve;
    });
    let active = 0;
    const queue = new FrameQueue(
      10,
      async (raw) => {
        active++;
        expect(active).toBe(1);
        await tick();
        handled.push(raw);
        active--;
      },
      () => {},
      started,
    );
    for (const raw of ['a', 'b', 'c']) queue.push(raw);
    await tick();
    expect(handled).toEqual([]);
    start();
    while (handled.length < 3) await tick();
    expect(handled).toEqual(['a', 'b', 'c']);
  });

  it('tells a client that floods past the bound, and handles nothing it sent after that', async () => {
    const handled: string[] = [];
    let overflowed = 0;
    const never = new Promise<void>(() => {});
    const queue = new FrameQueue(
      3,
      async (raw) => void handled.push(raw),
      () => overflowed++,
      never,
    );
    for (let i = 0; i < 5; i++) queue.push(String(i));
    expect(overflowed).toBe(1);
    expect(queue.length).toBe(3);
  });

  it('drops what waits when the connection goes, but finishes the frame in hand', async () => {
    const handled: string[] = [];
    let release = () => {};
    const queue = new FrameQueue(
      10,
      async (raw) => {
        if (raw === 'first') await new Promise<void>((resolve) => (release = resolve));
        handled.push(raw);
      },
      () => {},
      Promise.resolve(),
    );
    queue.push('first');
    queue.push('second');
    await tick();
    queue.drop();
    release();
    await tick();
    await tick();
    expect(handled).toEqual(['first']);
  });
});
