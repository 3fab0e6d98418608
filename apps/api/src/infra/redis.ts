import { Redis } from 'ioredis';

/** Reconnect quickly at first, then at most every 2 s: a restarted Redis is found within that. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * A Redis connection that reconnects by itself. Commands issued while it is down wait in the
 * offline queue for a couple of reconnect attempts and then fail, instead of hanging a request.
 */
export function connectRedis(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
  });
}
