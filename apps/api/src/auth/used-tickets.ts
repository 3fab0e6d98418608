import type { Redis } from 'ioredis';

/** Ids of WebSocket tickets already redeemed, each kept until the ticket would have expired anyway. */
export interface UsedTickets {
  /** True for the first claim of an id, false for every later one. */
  claim(ticketId: string, ttlMs: number): Promise<boolean>;
  close(): void;
}

/** Used tickets in this process: the embedded default, where there is a single node. */
export function memoryUsedTickets(now: () => number = Date.now): UsedTickets {
  const expiries = new Map<string, number>();
  // Swept now and then so that a day of tickets does not stay in memory.
  const sweep = setInterval(() => {
    const time = now();
    for (const [id, expiresAt] of expiries) if (expiresAt <= time) expiries.delete(id);
  }, 60_000);
  sweep.unref();
  return {
    async claim(ticketId, ttlMs) {
      const time = now();
      const expiresAt = expiries.get(ticketId);
      if (expiresAt !== undefined && expiresAt > time) return false;
      expiries.set(ticketId, time + ttlMs);
      return true;
    },
    close: () => clearInterval(sweep),
  };
}

/** Used tickets in Redis: SET NX makes exactly one node's claim win, however close two uses come. */
export function redisUsedTickets(redis: Redis, prefix: string): UsedTickets {
  return {
    async claim(ticketId, ttlMs) {
      return (await redis.set(`${prefix}wst:${ticketId}`, '1', 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
    },
    close() {},
  };
}
