import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CLOSE_CODES, PROTOCOL_VERSION, WS_LIMITS } from '@chat/protocol';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { UserRow } from '../users/users-repository.ts';
import { type Admitted, admit, type Refusal } from './admission.ts';
import { Connection } from './connection.ts';
import type { Dispatcher } from './dispatch.ts';
import { FrameQueue } from './frame-queue.ts';
import type { ConnectionRegistry } from './registry.ts';
import type { UserRoutes } from './user-routes.ts';

export type ConnectListener = (connection: Connection, user: UserRow) => Promise<void> | void;
export type DisconnectListener = (connection: Connection, lastOnNode: boolean) => Promise<void> | void;

export interface SocketRouteDeps {
  registry: ConnectionRegistry;
  routes: UserRoutes;
  dispatcher: Dispatcher;
  connectListeners: readonly ConnectListener[];
  disconnectListeners: readonly DisconnectListener[];
  nextConnectionId(): string;
}

/**
 * What an idle connection need not keep: @fastify/websocket's error listener closes over the
 * upgrade's Fastify request and reply, and the TCP socket stays assigned to the upgrade's HTTP
 * response, so each socket held the request, its headers, its logger and the response for life:
 * more than half of an idle connection's heap (heap snapshot, 3,000 connections). The listener is
 * replaced by one that does what it did (log, then drop the socket) without them.
 */
function releaseUpgradeRequest(socket: WebSocket, log: FastifyBaseLogger): void {
  socket.removeAllListeners('error');
  socket.on('error', (error) => {
    log.error({ err: error }, 'websocket error');
    socket.terminate();
  });
  const raw = (socket as unknown as { _socket?: Socket & { _httpMessage?: ServerResponse | null } })._socket;
  raw?._httpMessage?.detachSocket(raw);
}

/**
 * Holds what is written to an upgrading socket, from the 101 that ws writes the moment it accepts
 * the upgrade, until the socket is admitted, told `ready` and sent what the connect listeners
 * send (presence's snapshot), or refused, so all of it leaves in one TCP write: a write on
 * loopback cost a node about 0.1-0.2 ms in a storm's profile, the 101 alone was 8 % of a
 * reconnect's CPU, and a reconnect's writes were 14 % of a node's CPU through a storm. Holding
 * `ready` until then costs the client at most a round trip: its frames waited for the listeners anyway.
 * ws says `headers` just before it writes the 101.
 */
function holdUpgradeResponses(app: FastifyInstance): void {
  app.websocketServer.on('headers', (_headers, request: IncomingMessage) => request.socket?.cork());
}

/** Undoes the upgrade's cork, once; a socket closed meanwhile drops what waited, as it would have. */
function heldUpgradeResponse(request: FastifyRequest): () => void {
  const raw = request.raw.socket as Socket | undefined;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    raw?.uncork();
  };
}

/**
 * GET /ws: admits a socket, then runs its life: `ready`, the connect listeners (presence sends the
 * current state), then its frames in order through a bounded queue, and on close the disconnect
 * listeners, with whatever still waited in its queue dropped.
 */
export function registerSocketRoute(app: FastifyInstance, deps: SocketRouteDeps): void {
  const { registry } = deps;
  holdUpgradeResponses(app);

  // No security headers: ws writes the 101 itself, so those computed for it were dropped, and they
  // were 5 % of a reconnect's node CPU in a storm's profile.
  app.get('/ws', { websocket: true, helmet: false }, async (socket: WebSocket, request) => {
    const release = heldUpgradeResponse(request);
    releaseUpgradeRequest(socket, app.log);
    try {
      await admitAndRun(socket, request, release);
    } finally {
      release();
    }
  });

  async function admitAndRun(socket: WebSocket, request: FastifyRequest, release: () => void): Promise<void> {
    // Frames that arrive while the connection is being admitted wait, in order.
    const early: string[] = [];
    const collectEarly = (data: Buffer) => early.push(data.toString());
    socket.on('message', collectEarly);

    const admitted = await admit(app, request, (userId) => registry.connectionsOf(userId).size).catch(
      (error: unknown): Refusal => {
        request.log.error({ err: error }, 'websocket admission failed');
        return { code: 'service_unavailable', message: 'Try again in a moment.', close: CLOSE_CODES.serviceRestart };
      },
    );
    if ('code' in admitted) {
      socket.send(JSON.stringify({ type: 'error', code: admitted.code, message: admitted.message }));
      socket.close(admitted.close, admitted.code);
      return;
    }
    await run(socket, admitted, early, collectEarly, release);
  }

  async function run(
    socket: WebSocket,
    admitted: Admitted,
    early: string[],
    collectEarly: (data: Buffer) => void,
    release: () => void,
  ) {
    const connection = new Connection(deps.nextConnectionId(), admitted.user.id, admitted.sessionIdHash, socket);
    // Made when something goes wrong only: a child logger per idle connection is memory for nothing.
    const log = () => app.log.child({ userId: connection.userId, connectionId: connection.id });
    registry.add(connection);
    const routed = deps.routes.attach(connection.userId);

    let startHandling = () => {};
    const started = new Promise<void>((resolve) => {
      startHandling = resolve;
    });
    const queue = new FrameQueue(
      WS_LIMITS.maxQueuedFrames,
      (raw) => deps.dispatcher.dispatch(connection, raw),
      () => {
        connection.send({ type: 'error', code: 'too_many_frames', message: 'Wait for answers before sending more.' });
        connection.close(CLOSE_CODES.tooManyFrames, 'too many frames');
      },
      started,
    );

    let cleanedUp = false;
    const cleanUp = () => {
      if (cleanedUp) return;
      cleanedUp = true;
      connection.closed = true;
      queue.drop();
      const lastOnNode = registry.remove(connection);
      if (lastOnNode) deps.routes.detach(connection.userId);
      void (async () => {
        for (const listener of deps.disconnectListeners) await listener(connection, lastOnNode);
      })().catch((error: unknown) => log().warn({ err: error }, 'websocket disconnect listener failed'));
    };
    socket.on('close', cleanUp);
    if (socket.readyState !== socket.OPEN) {
      cleanUp();
      return;
    }

    const enqueue = (raw: string) => {
      connection.alive = true;
      queue.push(raw);
    };
    socket.off('message', collectEarly);
    for (const raw of early) enqueue(raw);
    socket.on('message', (data: Buffer) => enqueue(data.toString()));
    socket.on('pong', () => {
      connection.alive = true;
    });

    // Events for this user from other nodes reach this node from here on (see user-routes.ts).
    await routed;
    connection.send({
      type: 'ready',
      protocolVersion: PROTOCOL_VERSION,
      userId: connection.userId,
      serverTime: Date.now(),
      heartbeatIntervalMs: app.config.wsHeartbeatMs,
    });
    try {
      for (const listener of deps.connectListeners) await listener(connection, admitted.user);
    } catch (error) {
      log().error({ err: error }, 'websocket connect listener failed');
    }
    release();
    startHandling();
  }
}
