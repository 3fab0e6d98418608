import { randomUUID } from 'node:crypto';
import type { Presence, PublicUser } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { listVisibleMemberships } from '../chat/conversations-repository.ts';
import type { Connection } from '../gateway/connection.ts';
import type { BusHandler } from '../infra/bus/index.ts';
import { findUsersByIds, setLastSeen, toPublicUser } from '../users/users-repository.ts';
import { createMemoryPresenceStore } from './memory-store.ts';
import { createRedisPresenceStore } from './redis-store.ts';
import type { PresenceStore } from './store.ts';

/** Due grace periods are completed this often: an offline event comes at most this late. */
const SWEEP_INTERVAL_MS = 1000;
/** A third of NODE_TTL_MS, so two heartbeats can be lost before the node is taken for dead. */
const HEARTBEAT_INTERVAL_MS = 5000;
/** Users one connection may watch at once: a directory page and a conversation list, with room to spare. */
const MAX_WATCHED = 500;

interface PresenceEvent {
  userId: number;
  presence: Presence;
}

declare module 'fastify' {
  interface FastifyInstance {
    presence: {
      /** What others see of these users, presence included, in the order given (unknown ids are left out). */
      publicUsers(ids: readonly number[]): Promise<PublicUser[]>;
      /** Adds users to what a user's connections hear about (a new conversation peer). */
      watchFor(userId: number, watchedIds: readonly number[]): Promise<void>;
    };
  }
}

/** Presence changes are few: one channel that every node hears, each node routing to its own watchers. */
const PRESENCE_CHANNEL = 'presence';

/**
 * Who is online. Connections are counted in the presence store; a user goes offline only when their
 * last connection has been gone for the grace period, so a reload or a blip never flickers. Events go
 * only to connections that watch the user (conversation peers, the directory rows on screen), never
 * to everyone.
 */
export const presence = fp(
  async (app: FastifyInstance) => {
    const { config, gateway, bus } = app;
    const nodeId = randomUUID();
    const store: PresenceStore = app.redis
      ? createRedisPresenceStore(app.redis, config.redisPrefix, nodeId)
      : createMemoryPresenceStore();

    /** This node's connections by the user they watch. */
    const watchers = new Map<number, Set<Connection>>();
    /** What each connection watches: the server's part (conversation peers) and the client's (the view). */
    const watching = new Map<Connection, { peers: Set<number>; view: Set<number> }>();

    const deliver: BusHandler = (payload) => {
      const event = payload as PresenceEvent;
      const connections = watchers.get(event.userId);
      if (!connections) return;
      const text = JSON.stringify({ type: 'presence', userId: event.userId, presence: event.presence });
      for (const connection of connections) connection.sendText(text);
    };

    function watch(connection: Connection, userIds: Iterable<number>): void {
      for (const userId of userIds) {
        const set = watchers.get(userId);
        if (set) set.add(connection);
        else watchers.set(userId, new Set([connection]));
      }
    }

    function unwatch(connection: Connection, userIds: Iterable<number>): void {
      for (const userId of userIds) {
        const set = watchers.get(userId);
        if (set?.delete(connection) && set.size === 0) watchers.delete(userId);
      }
    }

    async function publicUsers(ids: readonly number[]): Promise<PublicUser[]> {
      const [rows, online] = await Promise.all([findUsersByIds(app.database.db, ids), store.online(ids)]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toPublicUser(row, online.has(id))] : [];
      });
    }

    /** Sends the current presence of newly watched users: the first frames tell the truth, not only later changes. */
    async function sendCurrent(connection: Connection, userIds: readonly number[]): Promise<void> {
      for (const user of await publicUsers(userIds)) {
        connection.send({ type: 'presence', userId: user.id, presence: user.presence });
      }
    }

    const publish = (event: PresenceEvent) => bus.publish(PRESENCE_CHANNEL, event);
    await bus.subscribe(PRESENCE_CHANNEL, deliver);

    app.decorate('presence', {
      publicUsers,
      async watchFor(userId: number, watchedIds: readonly number[]) {
        for (const connection of gateway.connectionsOf(userId)) {
          const state = watching.get(connection);
          const fresh = watchedIds.filter((id) => state && !state.peers.has(id) && !state.view.has(id));
          for (const id of fresh) state?.peers.add(id);
          watch(connection, fresh);
          await sendCurrent(connection, fresh);
        }
      },
    });

    gateway.onConnect(async (connection, user) => {
      if (await store.connect(user.id))
        await publish({ userId: user.id, presence: { online: true, lastSeenAt: null } });
      const peers = new Set(
        (await listVisibleMemberships(app.database.db, user.id)).map((m) => m.peerId).slice(0, MAX_WATCHED),
      );
      watching.set(connection, { peers, view: new Set() });
      watch(connection, peers);
      await sendCurrent(connection, [...peers]);
    });

    gateway.onDisconnect(async (connection) => {
      const state = watching.get(connection);
      watching.delete(connection);
      if (state) unwatch(connection, new Set([...state.peers, ...state.view]));
      await store.disconnect(connection.userId, Date.now() + config.presenceGraceMs);
    });

    gateway.handle('watch_presence', async (connection, frame) => {
      const state = watching.get(connection);
      if (!state) return;
      const next = new Set(frame.userIds.filter((id) => id !== connection.userId));
      const dropped = [...state.view].filter((id) => !next.has(id) && !state.peers.has(id));
      const added = [...next].filter((id) => !state.view.has(id) && !state.peers.has(id));
      state.view = next;
      unwatch(connection, dropped);
      watch(connection, added);
      await sendCurrent(connection, added);
    });

    async function sweep(): Promise<void> {
      const now = Date.now();
      const gone = await store.sweep(now);
      if (gone.length === 0) return;
      await setLastSeen(app.database.db, gone, now);
      for (const userId of gone) await publish({ userId, presence: { online: false, lastSeenAt: now } });
    }

    const report = (what: string) => (error: unknown) => app.log.warn({ err: error }, `presence ${what} failed`);
    let sweeping = false;
    const sweeper = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      sweep()
        .catch(report('sweep'))
        .finally(() => {
          sweeping = false;
        });
    }, SWEEP_INTERVAL_MS);
    const heartbeat = setInterval(
      () => void store.heartbeat(Date.now()).catch(report('heartbeat')),
      HEARTBEAT_INTERVAL_MS,
    );
    await store.heartbeat(Date.now());

    app.addHook('preClose', async () => {
      clearInterval(sweeper);
      clearInterval(heartbeat);
      // Users reconnecting to another node within the grace period never appear offline.
      await store.leave(Date.now() + config.presenceGraceMs).catch(report('leave'));
    });
  },
  { name: 'presence', dependencies: ['gateway'] },
);
