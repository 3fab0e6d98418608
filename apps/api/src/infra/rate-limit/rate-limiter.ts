import type { Redis } from 'ioredis';
import { defineScript } from '../redis.ts';

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Fixed-window counters. A window starts at a key's first hit, so a burst right at a window's end
 * can pass twice the limit at most, which is acceptable for abuse limits and costs one round trip.
 */
export interface RateLimiter {
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  close(): Promise<void>;
}

/** Counts in this process: the embedded default, where there is a single node. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  // Expired windows are swept now and then so that a stream of one-off keys cannot grow the map forever.
  const sweep = setInterval(() => {
    const time = now();
    for (const [key, window] of windows) if (window.resetAt <= time) windows.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    async hit(key, rule) {
      const time = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= time) {
        window = { count: 0, resetAt: time + rule.windowMs };
        windows.set(key, window);
      }
      window.count++;
      return window.count <= rule.limit ? { allowed: true } : { allowed: false, retryAfterMs: window.resetAt - time };
    },
    async close() {
      clearInterval(sweep);
    },
  };
}

/** INCR and the first hit's PEXPIRE in one script, so that a crash between them cannot leave a key that never expires. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Counts in Redis, so a limit holds across every node. */
export function createRedisRateLimiter(redis: Redis, prefix: string): RateLimiter {
  const countHit = defineScript(redis, 'rateLimitHit', 1, HIT_SCRIPT);
  return {
    async hit(key, rule) {
      const [count, ttl] = (await countHit(`${prefix}rl:${key}`, rule.windowMs)) as [number, number];
      return count <= rule.limit ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(ttl, 0) };
    },
    async close() {},
  };
}
