import { Redis } from 'ioredis';

/** Reconnect quickly at first, then at most every 2 s: a restarted Redis is found within that. */
const MAX_RECONNECT_DELAY_MS = 2000;

/** A command Redis has not answered by then fails: a hung connection must not hang a request. */
export const COMMAND_TIMEOUT_MS = 2000;

/**
 * A Redis connection that reconnects by itself. Commands issued while it is down wait in the
 * offline queue for a couple of reconnect attempts and then fail, instead of hanging a request;
 * with `offlineQueue: false` they fail at once (the bus's publisher, once first connected: an
 * event that cannot go now is repaired by a resync, and queueing it would only grow memory during
 * an outage).
 */
export function connectRedis(url: string, connectionName: string, options: { offlineQueue?: boolean } = {}): Redis {
  return new Redis(url, {
    connectionName,
    maxRetriesPerRequest: 2,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: options.offlineQueue ?? true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
    // Commands of one tick go out in one write: a wave of reconnects asks the presence store,
    // rate limits and the bus for thousands of things at once, and a write per command was a
    // quarter of a node's CPU in the reconnect storm. (Subscriptions are never pipelined.)
    enableAutoPipelining: true,
  });
}

/** Calls `listener` each time the connection is ready again after a drop (not on the first connect). */
export function onReconnect(redis: Redis, listener: () => void): void {
  let everReady = redis.status === 'ready';
  redis.on('ready', () => {
    if (everReady) listener();
    everReady = true;
  });
}

/** A Lua script's keys, then its arguments. */
export type RedisScript = (...keysThenArgs: Array<string | number>) => Promise<unknown>;

/**
 * A Lua script run by its digest (EVALSHA), its text sent only when Redis lacks it (the first
 * call, after a restart or a SCRIPT FLUSH: ioredis's defineCommand retries with EVAL on NOSCRIPT).
 * EVAL sent and hashed the whole text on every call, and presence makes three calls per reconnect.
 */
export function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): RedisScript {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, RedisScript>)[name] as RedisScript;
  return (...keysThenArgs) => command.apply(redis, keysThenArgs);
}
