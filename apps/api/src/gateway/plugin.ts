import { randomUUID } from 'node:crypto';
import { CLOSE_CODES, type ClientFrameType, WS_LIMITS } from '@chat/protocol';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Connection } from './connection.ts';
import { Dispatcher, type FrameHandler } from './dispatch.ts';
import {
  type AddressedEvent,
  encodeEvent,
  type ResyncEveryone,
  readRouted,
  USER_CHANNEL_PREFIX,
  USER_EVENTS_CHANNEL,
} from './events.ts';
import { startHeartbeat } from './heartbeat.ts';
import { PendingUpgrades } from './pending-upgrades.ts';
import { ConnectionRegistry } from './registry.ts';
import { RemotePublisher } from './remote-publisher.ts';
import { type ConnectListener, type DisconnectListener, registerSocketRoute } from './socket-route.ts';
import { registerTicketRoute } from './ticket-route.ts';
import { UserRoutes } from './user-routes.ts';

/** How long clients get to answer the close frame on shutdown before their sockets are cut. */
const CLOSE_HANDSHAKE_GRACE_MS = 1000;

export interface Gateway {
  /** Registers the handler of one client frame type; capabilities own their frames. */
  handle<T extends ClientFrameType>(type: T, handler: FrameHandler<T>): void;
  /** Runs after `ready` is sent, in registration order (e.g. presence sends the current state). */
  onConnect(listener: ConnectListener): void;
  onDisconnect(listener: DisconnectListener): void;
  /**
   * Delivers events to every connection of their users, on every node: at once to this node's,
   * through the bus to the others'. Never waits for the bus, so nothing a user does is held up by
   * it; what the bus loses is repaired by a resync.
   */
  deliver(events: readonly AddressedEvent[]): void;
  connectionsOf(userId: number): ReadonlySet<Connection>;
  /** Every connection on this node (presence re-registers them after Redis comes back). */
  connections(): Iterable<Connection>;
  readonly connectionCount: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
  }
}

/** The WebSocket gateway: admission, connections, frame dispatch and event delivery across nodes. */
export const gateway = fp(
  async (app: FastifyInstance) => {
    const nodeId = randomUUID().slice(0, 8);
    const registry = new ConnectionRegistry();
    const dispatcher = new Dispatcher(app.log);
    const connectListeners: ConnectListener[] = [];
    const disconnectListeners: DisconnectListener[] = [];
    const remote = new RemotePublisher(app.bus, nodeId, (error) =>
      app.log.warn({ err: error }, 'bus publish failed; the users concerned will resync'),
    );
    let sequence = 0;

    const routes = new UserRoutes(
      app.bus,
      (userId) => registry.connectionsOf(userId).size > 0,
      (userId) => registry.resync([userId], 'events_lost'),
      (error) => app.log.warn({ err: error }, 'bus subscription failed'),
    );
    app.bus.onRouted(USER_CHANNEL_PREFIX, (channel, message) => {
      // This node delivered its own events when it published them.
      const delivery = readRouted(message, nodeId);
      if (!delivery) return;
      const userId = Number(channel.slice(USER_CHANNEL_PREFIX.length));
      if (delivery.resync) registry.resync([userId], 'events_lost');
      registry.deliverTo(userId, delivery.events);
    });
    await app.bus.subscribe(USER_EVENTS_CHANNEL, (payload) => {
      if ((payload as ResyncEveryone).origin !== nodeId) registry.resync('all', 'events_lost');
    });
    // Pub/sub drops what was published while the subscriber was away: every client must catch up.
    app.bus.onReconnect(() => registry.resync('all', 'bus_reconnected'));

    app.decorate('gateway', {
      handle: (type, handler) => dispatcher.handle(type, handler),
      onConnect: (listener) => void connectListeners.push(listener),
      onDisconnect: (listener) => void disconnectListeners.push(listener),
      deliver(events) {
        const encoded = events.map(encodeEvent);
        registry.deliverBatch(encoded);
        if (app.bus.reachesOtherNodes) remote.publish(encoded);
      },
      connectionsOf: (userId) => registry.connectionsOf(userId),
      connections: () => registry.all(),
      get connectionCount() {
        return registry.size;
      },
    } satisfies Gateway);

    app.sessionsEnded.listen((userId, sessionIdHashes) =>
      app.gateway.deliver([{ userId, event: { kind: 'end_sessions', sessionIdHashes } }]),
    );
    dispatcher.handle('ping', (connection, frame) => {
      connection.send({ type: 'pong', ref: frame.ref, serverTime: Date.now() });
    });

    const stopHeartbeat = startHeartbeat(registry, app.config.wsHeartbeatMs);
    await app.register(websocket, {
      options: { maxPayload: WS_LIMITS.maxFrameBytes },
      // On shutdown, 1012 tells clients to reconnect at once: the load balancer sends them to another node.
      preClose: async () => {
        stopHeartbeat();
        const server = app.websocketServer;
        for (const client of server.clients) client.close(CLOSE_CODES.serviceRestart, 'server restarting');
        // A peer that does not answer the close handshake must not hold the shutdown open.
        const deadline = Date.now() + CLOSE_HANDSHAKE_GRACE_MS;
        while (server.clients.size > 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        for (const client of server.clients) client.terminate();
        pendingUpgrades.closeAll();
        await new Promise((resolve) => server.close(resolve));
      },
    });
    const pendingUpgrades = new PendingUpgrades(app.server, app.websocketServer);

    registerTicketRoute(app);
    registerSocketRoute(app, {
      registry,
      routes,
      dispatcher,
      connectListeners,
      disconnectListeners,
      nextConnectionId: () => `${nodeId}:${++sequence}`,
    });
  },
  { name: 'gateway', dependencies: ['infrastructure', 'authentication'] },
);
