import type { PresenceChange, PresenceStore } from './store.ts';

/** One process, so no other node can die: connections are counted and grace periods timed here. */
export function createMemoryPresenceStore(now: () => number = Date.now): PresenceStore {
  const connections = new Map<number, number>();
  const online = new Set<number>();
  const pendingOffline = new Map<number, number>();
  const versions = new Map<number, number>();
  const epoch = now();

  const versionOf = (userId: number) => versions.get(userId) ?? epoch;
  const change = (userId: number, isOnline: boolean): PresenceChange => {
    const version = Math.max(versionOf(userId) + 1, now());
    versions.set(userId, version);
    return { userId, online: isOnline, version };
  };
  const comeOnline = (userId: number) => {
    pendingOffline.delete(userId);
    if (online.has(userId)) return undefined;
    online.add(userId);
    return change(userId, true);
  };

  return {
    async connect(userId) {
      connections.set(userId, (connections.get(userId) ?? 0) + 1);
      return comeOnline(userId);
    },
    async disconnect(userId, offlineAt) {
      const count = (connections.get(userId) ?? 0) - 1;
      if (count > 0) {
        connections.set(userId, count);
        return;
      }
      connections.delete(userId);
      pendingOffline.set(userId, offlineAt);
    },
    async touch(userId) {
      return change(userId, online.has(userId));
    },
    async read(userIds) {
      return new Map(userIds.map((id) => [id, { online: online.has(id), version: versionOf(id) }]));
    },
    async due(at) {
      return [...pendingOffline].filter(([, offlineAt]) => offlineAt <= at).map(([userId]) => userId);
    },
    async sweep(at, userIds) {
      const gone: PresenceChange[] = [];
      for (const userId of userIds) {
        const offlineAt = pendingOffline.get(userId);
        if (offlineAt === undefined || offlineAt > at) continue;
        pendingOffline.delete(userId);
        if (!connections.has(userId) && online.delete(userId)) gone.push(change(userId, false));
      }
      return gone;
    },
    async heartbeat() {},
    async restore(counts, offlineAt) {
      for (const userId of connections.keys()) if (!counts.has(userId)) pendingOffline.set(userId, offlineAt);
      connections.clear();
      const came: PresenceChange[] = [];
      for (const [userId, count] of counts) {
        connections.set(userId, count);
        const changed = comeOnline(userId);
        if (changed) came.push(changed);
      }
      return came;
    },
    async leave(offlineAt) {
      for (const userId of connections.keys()) pendingOffline.set(userId, offlineAt);
      connections.clear();
    },
  };
}
