import { randomUUID } from 'node:crypto';
import {
  CLOSE_CODES,
  type ClientFrame,
  type ClientFrameType,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_PARAM,
  parseClientFrame,
  WS_LIMITS,
  WsTicketResponse,
} from '@chat/protocol';
import websocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { authOf } from '../auth/authenticate.ts';
import { findSessionByHash } from '../auth/sessions.ts';
import { issueWsTicket, readWsTicket } from '../auth/ws-ticket.ts';
import { AppError } from '../http/errors.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import type { UserRow } from '../users/users-repository.ts';
import { Connection } from './connection.ts';
import { type AddressedEvent, EventPublisher, USER_EVENTS_CHANNEL, type UserEvent } from './events.ts';
import { PendingUpgrades } from './pending-upgrades.ts';
import { ConnectionRegistry } from './registry.ts';

type FrameHandler<T extends ClientFrameType> = (
  connection: Connection,
  frame: Extract<ClientFrame, { type: T }>,
) => Promise<void> | void;
/** How long clients get to answer the close frame on shutdown before their sockets are cut. */
const CLOSE_HANDSHAKE_GRACE_MS = 1000;

type AnyFrameHandler = (connection: Connection, frame: ClientFrame) => Promise<void> | void;
type Lifecycle = (connection: Connection, user: UserRow) => Promise<void> | void;

export interface Gateway {
  /** Registers the handler of one client frame type; capabilities own their frames. */
  handle<T extends ClientFrameType>(type: T, handler: FrameHandler<T>): void;
  /** Runs after `ready` is sent, in registration order (e.g. presence sends the current state). */
  onConnect(listener: Lifecycle): void;
  onDisconnect(listener: (connection: Connection, lastOnNode: boolean) => Promise<void> | void): void;
  /** Sends an event to every connection of a user, on every node. */
  publish(userId: number, event: UserEvent): Promise<void>;
  connectionsOf(userId: number): ReadonlySet<Connection>;
  readonly connectionCount: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
  }
}

interface Refusal {
  code: string;
  message: string;
  close: number;
}

const refuse = (code: string, message: string, close: number): Refusal => ({ code, message, close });

export const gateway = fp(
  async (app: FastifyInstance) => {
    const registry = new ConnectionRegistry();
    const publisher = new EventPublisher(app.bus);
    await app.bus.subscribe(USER_EVENTS_CHANNEL, (payload) => registry.deliverBatch(payload as AddressedEvent[]));
    // Keyed by the frame's type, so each handler only ever receives frames of its own type.
    const handlers = new Map<ClientFrameType, AnyFrameHandler>();
    const connectListeners: Lifecycle[] = [];
    const disconnectListeners: Array<(connection: Connection, lastOnNode: boolean) => Promise<void> | void> = [];
    const nodeId = randomUUID().slice(0, 8);
    let sequence = 0;

    app.decorate('gateway', {
      handle(type, handler) {
        handlers.set(type, handler as unknown as AnyFrameHandler);
      },
      onConnect: (listener) => void connectListeners.push(listener),
      onDisconnect: (listener) => void disconnectListeners.push(listener),
      publish: (userId, event) => publisher.publish(userId, event),
      connectionsOf: (userId) => registry.connectionsOf(userId),
      get connectionCount() {
        return registry.size;
      },
    } satisfies Gateway);

    // Pub/sub drops what was published while the subscriber was away: every client must catch up.
    app.bus.onReconnect(() => {
      for (const connection of registry.all()) connection.send({ type: 'resync', reason: 'bus_reconnected' });
    });

    const heartbeat = setInterval(() => {
      for (const connection of registry.all()) {
        if (!connection.alive) {
          connection.terminate();
          continue;
        }
        connection.alive = false;
        connection.ping();
      }
    }, app.config.wsHeartbeatMs);
    heartbeat.unref();

    await app.register(websocket, {
      options: { maxPayload: WS_LIMITS.maxFrameBytes },
      // On shutdown, 1012 tells clients to reconnect at once: the load balancer sends them to another node.
      preClose: async () => {
        clearInterval(heartbeat);
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

    app.post(
      '/api/ws-ticket',
      { preHandler: app.requireUser, schema: { response: { 200: WsTicketResponse } } },
      async (request) => issueWsTicket(app.config.sessionSecret, authOf(request).session.idHash, Date.now()),
    );

    async function admit(request: FastifyRequest): Promise<{ user: UserRow; sessionIdHash: string } | Refusal> {
      const query = request.query as Record<string, string | undefined>;
      const version = Number(query[PROTOCOL_VERSION_PARAM]);
      if (version !== PROTOCOL_VERSION) {
        return refuse(
          'protocol_version_unsupported',
          `This server speaks protocol version ${PROTOCOL_VERSION}; connect to /ws?${PROTOCOL_VERSION_PARAM}=${PROTOCOL_VERSION}.`,
          CLOSE_CODES.protocolVersionUnsupported,
        );
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== app.config.publicUrl.origin) {
        return refuse('bad_origin', `Connect from ${app.config.publicUrl.origin}.`, CLOSE_CODES.policyViolation);
      }
      const now = Date.now();
      const signedIn = query.ticket ? await ticketSession(query.ticket, now) : await app.authenticate(request);
      if (signedIn === 'expired') {
        return refuse('ticket_expired', 'That ticket has expired: ask for a new one.', CLOSE_CODES.ticketExpired);
      }
      if (!signedIn) return refuse('unauthenticated', 'Sign in first.', CLOSE_CODES.unauthenticated);
      const { session, user } = signedIn;
      if (user.email_verified_at === null) {
        return refuse('email_not_verified', 'Confirm your email address first.', CLOSE_CODES.forbidden);
      }
      return { user, sessionIdHash: session.idHash };
    }

    /** The session a ticket names, or 'expired' when its holder only has to ask for another one. */
    async function ticketSession(ticket: string, now: number) {
      const reading = readWsTicket(app.config.sessionSecret, ticket, now);
      if ('refused' in reading) return reading.refused === 'expired' ? ('expired' as const) : undefined;
      return findSessionByHash(app.database.db, reading.sessionIdHash, now);
    }

    async function dispatch(connection: Connection, raw: string, log: FastifyBaseLogger): Promise<void> {
      const parsed = parseClientFrame(raw);
      if (!parsed.ok) {
        if (parsed.frameType === 'send') sendMetrics.refused(parsed.code);
        const { code, message, frameType: frame, clientId } = parsed;
        connection.send({ type: 'error', code, message, frame, clientId });
        return;
      }
      const { frame } = parsed;
      const handler = handlers.get(frame.type);
      try {
        if (!handler) throw new AppError(400, 'unknown_frame', `Frames of type "${frame.type}" are not handled here.`);
        await handler(connection, frame);
      } catch (error) {
        const clientId = frame.type === 'send' ? frame.clientId : undefined;
        if (frame.type === 'send') sendMetrics.refused(error instanceof AppError ? error.code : 'internal_error');
        if (error instanceof AppError) {
          connection.send({ type: 'error', code: error.code, message: error.message, frame: frame.type, clientId });
          return;
        }
        log.error({ err: error, frame: frame.type }, 'frame handler failed');
        connection.send({
          type: 'error',
          code: 'internal_error',
          message: 'Something went wrong on our side.',
          frame: frame.type,
          clientId,
        });
      }
    }

    app.get('/ws', { websocket: true }, async (socket: WebSocket, request) => {
      // Frames that arrive while the connection is being admitted wait, in order.
      const early: string[] = [];
      const collectEarly = (data: Buffer) => early.push(data.toString());
      socket.on('message', collectEarly);

      const admitted = await admit(request).catch((error: unknown): Refusal => {
        request.log.error({ err: error }, 'websocket admission failed');
        return refuse('service_unavailable', 'Try again in a moment.', CLOSE_CODES.serviceRestart);
      });
      if ('code' in admitted) {
        socket.send(JSON.stringify({ type: 'error', code: admitted.code, message: admitted.message }));
        socket.close(admitted.close, admitted.code);
        return;
      }

      const connection = new Connection(`${nodeId}:${++sequence}`, admitted.user.id, admitted.sessionIdHash, socket);
      // Whatever goes wrong on this socket names whose it is and which one.
      const log = request.log.child({ userId: connection.userId, connectionId: connection.id });
      registry.add(connection);
      let cleanedUp = false;
      const cleanUp = () => {
        if (cleanedUp) return;
        cleanedUp = true;
        connection.closed = true;
        const lastOnNode = registry.remove(connection);
        void (async () => {
          for (const listener of disconnectListeners) await listener(connection, lastOnNode);
        })().catch((error: unknown) => log.warn({ err: error }, 'websocket disconnect listener failed'));
      };
      socket.on('close', cleanUp);
      if (socket.readyState !== socket.OPEN) {
        cleanUp();
        return;
      }

      // Frames of one connection are handled one after the other, so a user's messages keep the order
      // they were sent in; none is handled before the connect listeners have run.
      let startHandling = () => {};
      let queue = new Promise<void>((resolve) => {
        startHandling = resolve;
      });
      const enqueue = (raw: string) => {
        connection.alive = true;
        queue = queue.then(() => dispatch(connection, raw, log));
      };
      socket.off('message', collectEarly);
      for (const raw of early) enqueue(raw);
      socket.on('message', (data: Buffer) => enqueue(data.toString()));
      socket.on('pong', () => {
        connection.alive = true;
      });

      connection.send({
        type: 'ready',
        protocolVersion: PROTOCOL_VERSION,
        userId: connection.userId,
        serverTime: Date.now(),
        heartbeatIntervalMs: app.config.wsHeartbeatMs,
      });
      try {
        for (const listener of connectListeners) await listener(connection, admitted.user);
      } catch (error) {
        log.error({ err: error }, 'websocket connect listener failed');
      }
      startHandling();
    });
  },
  { name: 'gateway', dependencies: ['infrastructure', 'authentication'] },
);
