import type { Redis } from 'ioredis';
import type { PresenceStore } from './store.ts';

/** A node that has not heartbeaten for this long is taken for dead and its connections are dropped. */
export const NODE_TTL_MS = 15_000;

/*
 * Keys, under `<prefix>presence:`:
 *   u:<user>   hash  node → number of that user's connections on that node
 *   n:<node>   set   users with connections on that node (to clean up after a dead node)
 *   online     set   users online now, grace period included
 *   pending    zset  user → when they go offline unless they reconnect
 *   nodes      zset  node → when its heartbeat runs out
 * Every change is one Lua script, so concurrent nodes never see half of one.
 */

const CONNECT = `
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
return redis.call('SADD', KEYS[3], ARGV[2])
`;

const DISCONNECT = `
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if count > 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2]) end
return 1
`;

/** Drops every connection a node held; its users who have none elsewhere go offline at ARGV[2]. */
const REAP_NODE = `
local prefix = ARGV[3]
for _, user in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = prefix .. 'u:' .. user
  redis.call('HDEL', key, ARGV[1])
  if redis.call('HLEN', key) == 0 then redis.call('ZADD', KEYS[2], ARGV[2], user) end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

/** Ends the grace period of due users that did not come back; returns those that went offline. */
const SWEEP_DUE = `
local prefix = ARGV[3]
local gone = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', KEYS[1], user)
  if redis.call('HLEN', prefix .. 'u:' .. user) == 0 and redis.call('SREM', KEYS[2], user) == 1 then
    table.insert(gone, user)
  end
end
return gone
`;

/** Users completed per sweep call; a backlog drains over the next sweeps. */
const SWEEP_BATCH = 500;

export function createRedisPresenceStore(redis: Redis, prefix: string, nodeId: string): PresenceStore {
  const p = `${prefix}presence:`;
  const keys = {
    user: (userId: number | string) => `${p}u:${userId}`,
    node: (node: string) => `${p}n:${node}`,
    online: `${p}online`,
    pending: `${p}pending`,
    nodes: `${p}nodes`,
  };
  const reap = (node: string, offlineAt: number) =>
    redis.eval(REAP_NODE, 3, keys.node(node), keys.pending, keys.nodes, node, offlineAt, p);

  return {
    async connect(userId) {
      const added = await redis.eval(
        CONNECT,
        4,
        keys.user(userId),
        keys.node(nodeId),
        keys.online,
        keys.pending,
        nodeId,
        userId,
      );
      return added === 1;
    },
    async disconnect(userId, offlineAt) {
      await redis.eval(DISCONNECT, 3, keys.user(userId), keys.node(nodeId), keys.pending, nodeId, userId, offlineAt);
    },
    async online(userIds) {
      if (userIds.length === 0) return new Set();
      const flags = await redis.smismember(keys.online, ...userIds.map(String));
      return new Set(userIds.filter((_, i) => flags[i] === 1));
    },
    async sweep(now) {
      for (const dead of await redis.zrangebyscore(keys.nodes, '-inf', now)) await reap(dead, now);
      const gone = (await redis.eval(SWEEP_DUE, 2, keys.pending, keys.online, now, SWEEP_BATCH, p)) as string[];
      return gone.map(Number);
    },
    async heartbeat(now) {
      await redis.zadd(keys.nodes, now + NODE_TTL_MS, nodeId);
    },
    async leave(offlineAt) {
      await reap(nodeId, offlineAt);
    },
  };
}
