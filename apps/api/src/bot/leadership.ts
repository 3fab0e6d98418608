import type { Redis } from 'ioredis';
import { defineScript } from '../infra/redis.ts';

/** A leader that stops renewing is replaced after this long. */
const LEASE_MS = 15_000;
const RENEW_MS = 5_000;

/** Extends the lease only if this node still holds it. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
`;

/** Gives the lease up only if this node holds it. */
const GIVE_UP = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * Runs `lead` on exactly one node at a time (the holder of a Redis lease) and `resign` when the lease
 * is lost, so that among several API nodes one in-process robot answers. Without Redis there is one
 * node, which leads.
 */
export function holdLeadership(
  redis: Redis | undefined,
  key: string,
  nodeId: string,
  handlers: { lead(): void; resign(): void; onError(error: unknown): void },
): { stop(): Promise<void> } {
  if (!redis) {
    handlers.lead();
    return { stop: async () => handlers.resign() };
  }
  const renew = defineScript(redis, 'leaseRenew', 1, RENEW);
  const giveUp = defineScript(redis, 'leaseGiveUp', 1, GIVE_UP);
  let leading = false;
  const tick = async () => {
    const held = (await renew(key, nodeId, LEASE_MS)) === 1;
    if (held && !leading) handlers.lead();
    if (!held && leading) handlers.resign();
    leading = held;
  };
  const run = () => void tick().catch(handlers.onError);
  const timer = setInterval(run, RENEW_MS);
  run();
  return {
    async stop() {
      clearInterval(timer);
      if (leading) handlers.resign();
      leading = false;
      // Hand over at once rather than after the lease runs out.
      await giveUp(key, nodeId).catch(() => {});
    },
  };
}
