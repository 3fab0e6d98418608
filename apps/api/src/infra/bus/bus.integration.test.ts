import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniqueName } from '../../../test/backends.ts';
import { startPrivateRedis } from '../../../test/private-redis.ts';
import type { Bus } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createRedisBus } from './redis-bus.ts';

const failOnHandlerError = (error: unknown) => {
  throw error;
};

/** Waits until `predicate` holds, or fails after a while: bus delivery is asynchronous. */
async function eventually(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

interface BusPair {
  /** Publishes. */
  a: Bus;
  /** Subscribes: for Redis a different pair of connections, as another node would have. */
  b: Bus;
}

const implementations: Array<[string, () => BusPair]> = [
  [
    'in-process',
    () => {
      const bus = createMemoryBus(failOnHandlerError);
      return { a: bus, b: bus };
    },
  ],
  [
    'Redis',
    () => {
      const prefix = `${uniqueName('bus')}:`;
      const open = () => createRedisBus({ url: TEST_REDIS_URL, prefix, onHandlerError: failOnHandlerError });
      return { a: open(), b: open() };
    },
  ],
];

describe.each(implementations)('%s bus', (_, open) => {
  let pair: BusPair;
  afterEach(async () => {
    await pair.a.close();
    if (pair.b !== pair.a) await pair.b.close();
  });

  it('delivers what one side publishes to the other side, in order', async () => {
    pair = open();
    const received: unknown[] = [];
    await pair.b.subscribe('user:1', (payload) => received.push(payload));
    for (let i = 0; i < 50; i++) await pair.a.publish('user:1', { n: i });
    await eventually(() => received.length === 50);
    expect(received).toEqual(Array.from({ length: 50 }, (_, n) => ({ n })));
  });

  it('delivers only the channels subscribed to, and stops after unsubscribe', async () => {
    pair = open();
    const received: unknown[] = [];
    const handler = (payload: unknown) => received.push(payload);
    await pair.b.subscribe('user:1', handler);
    await pair.a.publish('user:2', { to: 2 });
    await pair.a.publish('user:1', { to: 1 });
    await eventually(() => received.length === 1);
    await pair.b.unsubscribe('user:1', handler);
    await pair.a.publish('user:1', { to: 1, late: true });
    await pair.a.publish('user:1', { to: 1, late: true });
    await sleep(100);
    expect(received).toEqual([{ to: 1 }]);
  });

  it('delivers to every handler of a channel', async () => {
    pair = open();
    const first: unknown[] = [];
    const second: unknown[] = [];
    await pair.b.subscribe('c', (payload) => first.push(payload));
    await pair.b.subscribe('c', (payload) => second.push(payload));
    await pair.a.publish('c', { x: 1 });
    await eventually(() => first.length === 1 && second.length === 1);
    expect(second).toEqual([{ x: 1 }]);
  });
});

describe('Redis bus just opened', () => {
  it('holds a publish made before its first connection until it is up, instead of failing it', async () => {
    const prefix = `${uniqueName('bus')}:`;
    const open = () => createRedisBus({ url: TEST_REDIS_URL, prefix, onHandlerError: failOnHandlerError });
    const listener = open();
    const received: unknown[] = [];
    await listener.subscribe('c', (payload) => received.push(payload));
    // A node's first events come while its connections are still being made.
    const fresh = open();
    try {
      await fresh.publish('c', { first: true });
      await fresh.publishRouted([{ channel: 'c', message: JSON.stringify({ second: true }) }]);
      await eventually(() => received.length === 2);
      expect(received).toEqual([{ first: true }, { second: true }]);
    } finally {
      await Promise.all([fresh.close(), listener.close()]);
    }
  });
});

describe('Redis bus across a Redis restart', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('reports the outage, resubscribes by itself, and tells its owner to repair', async () => {
    const redis = await startPrivateRedis();
    const bus = createRedisBus({ url: redis.url, prefix: 'p:', onHandlerError: failOnHandlerError });
    const publisher = createRedisBus({ url: redis.url, prefix: 'p:', onHandlerError: failOnHandlerError });
    stops.push(
      () => bus.close(),
      () => publisher.close(),
      () => redis.stop(),
    );
    let reconnects = 0;
    bus.onReconnect(() => reconnects++);
    const received: unknown[] = [];
    await bus.subscribe('c', (payload) => received.push(payload));
    await eventually(() => bus.isHealthy());

    await redis.stop();
    await eventually(() => !bus.isHealthy());
    expect(reconnects).toBe(0);
    await redis.start();
    await eventually(() => reconnects === 1 && bus.isHealthy(), 10_000);

    // The subscription came back without anyone asking: a publish reaches the old handler.
    await eventually(() => {
      void publisher.publish('c', { after: 'restart' }).catch(() => {});
      return received.length > 0;
    }, 10_000);
    expect(received[0]).toEqual({ after: 'restart' });
  });
});
