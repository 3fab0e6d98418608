import type { Redis } from 'ioredis';
import { failpoint } from '../failpoints/failpoints.ts';
import { busMetrics } from '../metrics/instruments.ts';
import { COMMAND_TIMEOUT_MS, connectRedis } from '../redis.ts';
import type { Bus, BusHandler, RoutedHandler } from './bus.ts';
import { HandlerRegistry } from './bus.ts';

export interface RedisBusOptions {
  url: string;
  /** Prepended to every channel so that several deployments or test runs can share one Redis. */
  prefix: string;
  onHandlerError(error: unknown): void;
}

/**
 * Redis pub/sub. Publishing uses its own connection because a connection in subscriber mode can
 * run nothing but (un)subscribe commands.
 */
export function createRedisBus(options: RedisBusOptions): Bus {
  const publisher = connectRedis(options.url, 'bus-pub', { offlineQueue: false });
  // Failing at once is for an outage: a node's first publishes come while it is still connecting.
  const publisherUp = firstConnection(publisher, COMMAND_TIMEOUT_MS);
  const subscriber = connectRedis(options.url, 'bus-sub');
  const registry = new HandlerRegistry();
  const reconnectListeners: Array<() => void> = [];
  const routed: Array<{ prefix: string; handler: RoutedHandler }> = [];
  const prefixed = (channel: string) => options.prefix + channel;
  // A subscribe queued before the connection is ready puts ioredis in subscriber mode too early, and
  // its own connect-time commands (CLIENT SETNAME, the ready check) are then refused: wait for ready.
  const firstReady = new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));
  let everReady = false;
  let healthy = false;

  subscriber.on('ready', () => {
    healthy = true;
    // ioredis re-subscribes on its own; what was published in between is lost and must be repaired.
    if (everReady) for (const listener of reconnectListeners) listener();
    everReady = true;
  });
  subscriber.on('close', () => {
    healthy = false;
  });
  // Errors surface through 'close' and reconnects; without a listener ioredis would log them as unhandled.
  subscriber.on('error', () => {});
  publisher.on('error', () => {});

  subscriber.on('message', (prefixedChannel: string, message: string) => {
    const channel = prefixedChannel.slice(options.prefix.length);
    const route = routed.find((r) => channel.startsWith(r.prefix));
    if (route) {
      try {
        route.handler(channel, message);
      } catch (error) {
        options.onHandlerError(error);
      }
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch (error) {
      options.onHandlerError(error);
      return;
    }
    registry.dispatch(channel, payload, options.onHandlerError);
  });

  return {
    reachesOtherNodes: true,
    async publish(channel, payload) {
      await failpoint('bus.publish');
      if (!publisherUp.settled) await publisherUp.wait;
      await busMetrics.published(publisher.publish(prefixed(channel), JSON.stringify(payload)));
    },
    async subscribe(channel: string, handler: BusHandler) {
      if (!registry.add(channel, handler)) return;
      await firstReady;
      await subscriber.subscribe(prefixed(channel));
    },
    async unsubscribe(channel: string, handler: BusHandler) {
      if (registry.remove(channel, handler)) await subscriber.unsubscribe(prefixed(channel));
    },
    onRouted(prefix, handler) {
      routed.push({ prefix, handler });
    },
    async join(channels) {
      if (channels.length === 0) return;
      await firstReady;
      await subscriber.subscribe(...channels.map(prefixed));
    },
    async leave(channels) {
      if (channels.length > 0) await subscriber.unsubscribe(...channels.map(prefixed));
    },
    async publishRouted(messages) {
      if (messages.length === 0) return;
      await failpoint('bus.publish');
      if (!publisherUp.settled) await publisherUp.wait;
      const pipeline = publisher.pipeline();
      for (const { channel, message } of messages) pipeline.publish(prefixed(channel), message);
      await busMetrics.published(
        pipeline.exec().then((replies) => {
          const failed = replies?.find(([error]) => error);
          if (!replies || failed) throw failed?.[0] ?? new Error('bus publish was not run');
        }),
      );
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    isHealthy: () => healthy,
    async close() {
      await Promise.allSettled([quit(subscriber), quit(publisher)]);
    },
  };
}

/** Settles once `connection` is first ready, or after `withinMs` (what it runs then fails as it would have). */
function firstConnection(connection: Redis, withinMs: number): { settled: boolean; wait: Promise<void> } {
  const state = { settled: false, wait: Promise.resolve() };
  state.wait = new Promise<void>((resolve) => {
    const settle = () => {
      state.settled = true;
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(settle, withinMs);
    timer.unref();
    connection.once('ready', settle);
  });
  return state;
}

async function quit(connection: Redis): Promise<void> {
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
