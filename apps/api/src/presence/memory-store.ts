import type { PresenceStore } from './store.ts';

/** One process, so no other node can die: connections are counted and grace periods timed here. */
export function createMemoryPresenceStore(): PresenceStore {
  const connections = new Map<number, number>();
  const online = new Set<number>();
  const pendingOffline = new Map<number, number>();

  return {
    async connect(userId) {
      connections.set(userId, (connections.get(userId) ?? 0) + 1);
      pendingOffline.delete(userId);
      if (online.has(userId)) return false;
      online.add(userId);
      return true;
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
    async online(userIds) {
      return new Set(userIds.filter((id) => online.has(id)));
    },
    async sweep(now) {
      const gone: number[] = [];
      for (const [userId, offlineAt] of pendingOffline) {
        if (offlineAt > now) continue;
        pendingOffline.delete(userId);
        if (!connections.has(userId) && online.delete(userId)) gone.push(userId);
      }
      return gone;
    },
    async heartbeat() {},
    async leave(offlineAt) {
      for (const userId of connections.keys()) pendingOffline.set(userId, offlineAt);
      connections.clear();
    },
  };
}
