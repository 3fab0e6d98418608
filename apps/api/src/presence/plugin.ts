import { randomUUID } from 'node:crypto';
import type { Presence, PresenceVisibility } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { blockedEitherWayOf } from '../chat/blocks/repository.ts';
import { unknownPresence } from '../chat/blocks/rules.ts';
import { listVisibleMembershipsOf } from '../chat/conversations-repository.ts';
import type { Connection } from '../gateway/connection.ts';
import { failpoint } from '../infra/failpoints/failpoints.ts';
import { onReconnect } from '../infra/redis.ts';
import { TickBatch } from '../infra/tick-batch.ts';
import { toVisibility } from '../users/presence-visibility.ts';
import {
  findUserById,
  findUsersByIds,
  type PublicUserRow,
  setLastSeen,
  setPresenceHiddenVersion,
  setPresenceVisibility,
} from '../users/users-repository.ts';
import { type Audience, PresenceBroadcast, type PresenceMessage } from './broadcast.ts';
import { createMemoryPresenceStore } from './memory-store.ts';
import { createRedisPresenceStore } from './redis-store.ts';
import type { PresenceChange, PresenceStore } from './store.ts';
import { tellWatchers } from './tell-watchers.ts';
import { MAX_WATCHED, Watchers } from './watchers.ts';

export interface PresenceService {
  /** Changes who sees the user's presence; their watchers, on every node, are told at once. */
  setVisibility(userId: number, visibility: PresenceVisibility): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    presence: PresenceService;
  }
}

/** Due grace periods are completed this often: an offline event comes at most this late. */
const SWEEP_INTERVAL_MS = 1000;
/** A third of NODE_TTL_MS, so two heartbeats can be lost before the node is taken for dead. */
const HEARTBEAT_INTERVAL_MS = 5000;

const presenceOf = (change: PresenceChange, lastSeenAt: number | null): Presence => ({
  online: change.online,
  lastSeenAt: change.online ? null : lastSeenAt,
  version: change.version,
});

const audienceOf = (row: Pick<PublicUserRow, 'presence_visibility' | 'presence_hidden_version'>): Audience => ({
  visibility: toVisibility(row.presence_visibility),
  hiddenVersion: row.presence_hidden_version,
});

/**
 * Who is online. Connections are counted in the presence store; a user goes offline only when their
 * last connection has been gone for the grace period, so a reload or a blip never flickers. Events go
 * only to connections that watch the user (conversation peers, the directory rows on screen), never
 * to everyone, on whichever node they are. Every state carries a version, so a client keeps the
 * newest whatever order snapshots and events arrive in. When Redis comes back (perhaps empty) each
 * node re-registers its live connections; when the bus comes back each node sends its clients a
 * fresh snapshot, since the changes published meanwhile are lost.
 */
export const presence = fp(
  async (app: FastifyInstance) => {
    const { config, gateway } = app;
    const db = app.database.db;
    const nodeId = randomUUID();
    const store: PresenceStore = app.redis
      ? createRedisPresenceStore(app.redis, config.redisPrefix, nodeId)
      : createMemoryPresenceStore();
    const watchers = new Watchers();
    const report = (what: string) => (error: unknown) => app.log.warn({ err: error }, `presence ${what} failed`);
    app.publicUsers.usePresence((ids) => store.read(ids));
    // What a connection is first told, read for a whole wave of connects at once (a reconnect storm).
    const onConnect = { windowEveryRead: true };
    const visibleMemberships = new TickBatch((userIds: number[]) => listVisibleMembershipsOf(db, userIds), onConnect);
    const blocked = new TickBatch((userIds: number[]) => blockedEitherWayOf(db, userIds), onConnect);

    /** Sends the current presence of these users: the first frames tell the truth, not only later changes. */
    async function sendCurrent(connection: Connection, userIds: readonly number[]): Promise<void> {
      if (userIds.length === 0) return;
      for (const user of await app.publicUsers.lookup(connection.userId, userIds)) {
        connection.send({ type: 'presence', userId: user.id, presence: user.presence });
      }
    }

    /** This node's connections of `viewerId` stop (or start again) hearing of `otherId`. */
    function applyBlock(viewerId: number, otherId: number, hidden: boolean, otherVersion: number | undefined): void {
      for (const connection of gateway.connectionsOf(viewerId)) {
        if (hidden) {
          watchers.hide(connection, otherId);
          if (otherVersion !== undefined) {
            connection.send({ type: 'presence', userId: otherId, presence: unknownPresence(otherVersion) });
          }
        } else if (watchers.unhide(connection, otherId)) {
          void sendCurrent(connection, [otherId]).catch(report('snapshot'));
        }
      }
    }

    function apply(message: PresenceMessage): void {
      if (message.kind === 'block') {
        const [a, b] = message.userIds;
        applyBlock(a, b, message.hidden, message.versions?.[1]);
        applyBlock(b, a, message.hidden, message.versions?.[0]);
        return;
      }
      if (message.kind === 'change') {
        void tellWatchers(db, watchers, message).catch(report('change'));
        return;
      }
      // Sent even to a connection that watched them already (a directory row): sharing a
      // conversation may have just let it see what it was shown hidden.
      for (const connection of gateway.connectionsOf(message.userId)) {
        watchers.addPeers(connection, message.watchedIds);
        void sendCurrent(connection, message.watchedIds).catch(report('snapshot'));
      }
    }
    const broadcast = new PresenceBroadcast(app.bus, nodeId, apply, report('publish'));
    await broadcast.listen();
    const announce = (change: PresenceChange, lastSeenAt: number | null, audience: Audience, audienceChanged = false) =>
      broadcast.send({
        kind: 'change',
        userId: change.userId,
        presence: presenceOf(change, lastSeenAt),
        audience,
        audienceChanged,
      });
    /** Changes of users whose audience is read from the database (the sweep, a restore). */
    async function announceAll(changes: readonly PresenceChange[], lastSeenAt: number | null): Promise<void> {
      const rows = await findUsersByIds(
        db,
        changes.map((change) => change.userId),
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const change of changes) {
        const row = byId.get(change.userId);
        if (row) announce(change, lastSeenAt, audienceOf(row));
      }
    }

    app.decorate('presence', {
      async setVisibility(userId: number, visibility: PresenceVisibility) {
        // Stored before the version moves: a connect counted after the touch reads the new audience,
        // one counted before it is online in what the touch reads. The new version outranks what
        // every watcher holds, whichever way the change goes.
        await setPresenceVisibility(db, userId, visibility);
        const change = await store.touch(userId);
        await setPresenceHiddenVersion(db, userId, change.version);
        const user = await findUserById(db, userId);
        announce(change, user?.last_seen_at ?? null, { visibility, hiddenVersion: change.version }, true);
      },
    } satisfies PresenceService);

    // Both sides of a new conversation start hearing of each other, on whichever node they are.
    // Their versions move first: one who showed their presence only to their conversations was
    // shown hidden to the other until now, at a version the real state must outrank.
    app.chat.conversationStarted.listen((userId, peerId) => {
      Promise.all([store.touch(userId), store.touch(peerId)])
        .catch(report('touch'))
        .finally(() => {
          broadcast.send({ kind: 'watch', userId, watchedIds: [peerId] });
          broadcast.send({ kind: 'watch', userId: peerId, watchedIds: [userId] });
        });
    });

    // A block starts or ends: both states take a new version, so that the unknown state (or the
    // true one again) each is now shown of the other outranks what it was shown before.
    app.chat.blocksChanged.listen((userId, otherId, hidden) => {
      const userIds: [number, number] = [userId, otherId];
      void Promise.all(userIds.map((id) => store.touch(id)))
        .then(
          (changes) => changes.map((change) => change.version) as [number, number],
          (error: unknown) => {
            report('touch')(error);
            return null;
          },
        )
        .then((versions) => broadcast.send({ kind: 'block', userIds, hidden, versions }));
    });

    gateway.onConnect(async (connection, user) => {
      watchers.open(connection);
      // A store that is away (Redis down) must not keep the connection from working: the count is
      // put right when Redis comes back.
      const change = await store.connect(user.id).catch(report('connect'));
      // The audience is read after the count, not taken from the admission: see setVisibility.
      if (change) await announceAll([change], null);
      const [memberships, hidden] = await Promise.all([visibleMemberships.get(user.id), blocked.get(user.id)]);
      for (const otherId of hidden ?? []) watchers.hide(connection, otherId);
      const peers = (memberships ?? []).slice(0, MAX_WATCHED).map((m) => m.peerId);
      await sendCurrent(connection, watchers.addPeers(connection, peers));
    });

    gateway.onDisconnect(async (connection) => {
      watchers.close(connection);
      await store.disconnect(connection.userId, Date.now() + config.presenceGraceMs);
    });

    gateway.handle('watch_presence', async (connection, frame) => {
      await sendCurrent(connection, watchers.setView(connection, frame.userIds));
    });

    async function restore(): Promise<void> {
      const counts = new Map<number, number>();
      for (const connection of gateway.connections())
        counts.set(connection.userId, (counts.get(connection.userId) ?? 0) + 1);
      const now = Date.now();
      await store.heartbeat(now);
      await announceAll(await store.restore(counts, now + config.presenceGraceMs), null);
    }
    async function resnapshot(): Promise<void> {
      for (const connection of watchers.connections()) await sendCurrent(connection, watchers.watchedBy(connection));
    }
    if (app.redis) onReconnect(app.redis, () => void restore().catch(report('restore')));
    app.bus.onReconnect(() => void resnapshot().catch(report('snapshot')));

    async function sweep(): Promise<void> {
      const now = Date.now();
      const due = await store.due(now);
      if (due.length === 0) return;
      // Stored before they are offline in the store: whoever finds them offline (the missed-mail
      // sweep, which mails what came after) finds when they were last here too. While it cannot be
      // stored (the database is down) they stay online; a later sweep completes them.
      await setLastSeen(db, due, now);
      await failpoint('presence.before-offline');
      await announceAll(await store.sweep(now, due), now);
    }
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
      broadcast.close();
      // Users reconnecting to another node within the grace period never appear offline.
      await store.leave(Date.now() + config.presenceGraceMs).catch(report('leave'));
    });
  },
  { name: 'presence', dependencies: ['gateway', 'chat', 'users'] },
);
