import type { Redis } from 'ioredis';
import { defineScript } from '../infra/redis.ts';
import type { PresenceChange, PresenceStore } from './store.ts';

/** A node that has not heartbeaten for this long is taken for dead and its connections are dropped. */
export const NODE_TTL_MS = 15_000;

/*
 * Keys, under `<prefix>presence:`:
 *   u:<user>   hash  node → number of that user's connections on that node
 *   n:<node>   set   users with connections on that node (to clean up after a dead node)
 *   online     set   users online now, grace period included
 *   pending    zset  user → when they go offline unless they reconnect
 *   nodes      zset  node → when its heartbeat runs out
 *   v          hash  user → version of their presence state
 *   epoch      string  when this Redis started holding presence (Redis's clock, ms)
 * Every change is one Lua script, so concurrent nodes never see half of one. Versions come from
 * Redis's clock (TIME), one clock for every node, and never go back for a user: max(old + 1, now).
 */
const VERSIONING = `
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function epoch(key)
  local e = redis.call('GET', key)
  if e then return tonumber(e) end
  local now = clock()
  redis.call('SET', key, now)
  return now
end
local function bump(vkey, ekey, user)
  local old = tonumber(redis.call('HGET', vkey, user) or epoch(ekey))
  local v = math.max(old + 1, clock())
  redis.call('HSET', vkey, user, v)
  return v
end
`;

/** KEYS: u, n, online, pending, v, epoch. ARGV: node, user. Returns the new version if the user came online, else 0. */
const CONNECT = `${VERSIONING}
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then return 0 end
return bump(KEYS[5], KEYS[6], ARGV[2])
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

/**
 * KEYS: pending, online, v, epoch. ARGV: now, prefix, then user ids. Ends the grace periods of those
 * still due; returns {user, version} pairs of those gone offline.
 */
const SWEEP_DUE = `${VERSIONING}
local prefix = ARGV[2]
local gone = {}
for i = 3, #ARGV do
  local user = ARGV[i]
  local offlineAt = redis.call('ZSCORE', KEYS[1], user)
  if offlineAt and tonumber(offlineAt) <= tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], user)
    if redis.call('HLEN', prefix .. 'u:' .. user) == 0 and redis.call('SREM', KEYS[2], user) == 1 then
      table.insert(gone, user)
      table.insert(gone, bump(KEYS[3], KEYS[4], user))
    end
  end
end
return gone
`;

/** KEYS: online, v, epoch. ARGV: user. A new version for the same state; returns online (0/1) then version. */
const TOUCH = `${VERSIONING}
return {redis.call('SISMEMBER', KEYS[1], ARGV[1]), bump(KEYS[2], KEYS[3], ARGV[1])}
`;

/** KEYS: online, v, epoch. ARGV: user ids. Returns, per user, online (0/1) then version. */
const READ = `${VERSIONING}
local e = epoch(KEYS[3])
local out = {}
for i, user in ipairs(ARGV) do
  out[2 * i - 1] = redis.call('SISMEMBER', KEYS[1], user)
  out[2 * i] = tonumber(redis.call('HGET', KEYS[2], user) or e)
end
return out
`;

/**
 * KEYS: n:<node>, online, pending, v, epoch. ARGV: node, offlineAt, prefix, then user, count pairs.
 * Sets this node's counts to the given ones; users it no longer holds are uncounted here.
 * Returns {user, version} pairs of users that came online by it.
 */
const RESTORE = `${VERSIONING}
local node, offlineAt, prefix = ARGV[1], ARGV[2], ARGV[3]
local live = {}
for i = 4, #ARGV, 2 do live[ARGV[i]] = ARGV[i + 1] end
for _, user in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not live[user] then
    local key = prefix .. 'u:' .. user
    redis.call('HDEL', key, node)
    redis.call('SREM', KEYS[1], user)
    if redis.call('HLEN', key) == 0 then redis.call('ZADD', KEYS[3], offlineAt, user) end
  end
end
local came = {}
for user, count in pairs(live) do
  redis.call('HSET', prefix .. 'u:' .. user, node, count)
  redis.call('SADD', KEYS[1], user)
  redis.call('ZREM', KEYS[3], user)
  if redis.call('SADD', KEYS[2], user) == 1 then
    table.insert(came, user)
    table.insert(came, bump(KEYS[4], KEYS[5], user))
  end
end
return came
`;

/** Users found due per sweep; a backlog drains over the next sweeps. */
const SWEEP_BATCH = 500;

/** [user, version, user, version…] from a script → changes. */
function changes(flat: unknown, online: boolean): PresenceChange[] {
  const values = (flat as Array<string | number>) ?? [];
  const out: PresenceChange[] = [];
  for (let i = 0; i + 1 < values.length; i += 2)
    out.push({ userId: Number(values[i]), online, version: Number(values[i + 1]) });
  return out;
}

export function createRedisPresenceStore(redis: Redis, prefix: string, nodeId: string): PresenceStore {
  const p = `${prefix}presence:`;
  const keys = {
    user: (userId: number | string) => `${p}u:${userId}`,
    node: (node: string) => `${p}n:${node}`,
    online: `${p}online`,
    pending: `${p}pending`,
    nodes: `${p}nodes`,
    versions: `${p}v`,
    epoch: `${p}epoch`,
  };
  const scripts = {
    connect: defineScript(redis, 'presenceConnect', 6, CONNECT),
    disconnect: defineScript(redis, 'presenceDisconnect', 3, DISCONNECT),
    reapNode: defineScript(redis, 'presenceReapNode', 3, REAP_NODE),
    sweepDue: defineScript(redis, 'presenceSweepDue', 4, SWEEP_DUE),
    touch: defineScript(redis, 'presenceTouch', 3, TOUCH),
    read: defineScript(redis, 'presenceRead', 3, READ),
    restore: defineScript(redis, 'presenceRestore', 5, RESTORE),
  };
  const reap = (node: string, offlineAt: number) =>
    scripts.reapNode(keys.node(node), keys.pending, keys.nodes, node, offlineAt, p);

  return {
    async connect(userId) {
      const version = Number(
        await scripts.connect(
          keys.user(userId),
          keys.node(nodeId),
          keys.online,
          keys.pending,
          keys.versions,
          keys.epoch,
          nodeId,
          userId,
        ),
      );
      return version > 0 ? { userId, online: true, version } : undefined;
    },
    async disconnect(userId, offlineAt) {
      await scripts.disconnect(keys.user(userId), keys.node(nodeId), keys.pending, nodeId, userId, offlineAt);
    },
    async touch(userId) {
      const [online, version] = (await scripts.touch(keys.online, keys.versions, keys.epoch, userId)) as number[];
      return { userId, online: online === 1, version: Number(version) };
    },
    async read(userIds) {
      if (userIds.length === 0) return new Map();
      const flat = (await scripts.read(keys.online, keys.versions, keys.epoch, ...userIds)) as number[];
      return new Map(userIds.map((id, i) => [id, { online: flat[2 * i] === 1, version: Number(flat[2 * i + 1]) }]));
    },
    async due(now) {
      for (const dead of await redis.zrangebyscore(keys.nodes, '-inf', now)) await reap(dead, now);
      return (await redis.zrangebyscore(keys.pending, '-inf', now, 'LIMIT', 0, SWEEP_BATCH)).map(Number);
    },
    async sweep(now, userIds) {
      if (userIds.length === 0) return [];
      return changes(
        await scripts.sweepDue(keys.pending, keys.online, keys.versions, keys.epoch, now, p, ...userIds),
        false,
      );
    },
    async heartbeat(now) {
      await redis.zadd(keys.nodes, now + NODE_TTL_MS, nodeId);
    },
    async restore(counts, offlineAt) {
      const pairs = [...counts].flatMap(([userId, count]) => [userId, count] as const);
      return changes(
        await scripts.restore(
          keys.node(nodeId),
          keys.online,
          keys.pending,
          keys.versions,
          keys.epoch,
          nodeId,
          offlineAt,
          p,
          ...pairs,
        ),
        true,
      );
    },
    async leave(offlineAt) {
      await reap(nodeId, offlineAt);
    },
  };
}
