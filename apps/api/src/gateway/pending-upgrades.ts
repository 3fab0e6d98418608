import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocketServer } from 'ws';

/**
 * Upgrade requests that have not become WebSockets yet. Fastify answers an upgrade that arrives while
 * the node is closing with a 503 on the raw socket but never closes it: the client half-closes, the
 * server side stays open, and `server.close()` waits for it forever. Closing them is our job.
 */
export class PendingUpgrades {
  private readonly sockets = new Set<Socket>();
  private closing = false;

  constructor(server: Server, wss: WebSocketServer) {
    server.on('upgrade', (_request, socket: Socket) => {
      // Listeners run in registration order: any refusal has been written by now. end() flushes it;
      // the socket is then destroyed, as a client that never closes its side would hold it half-open.
      if (this.closing) return void socket.end(() => socket.destroy());
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    wss.on('connection', (_ws, request) => this.sockets.delete(request.socket as Socket));
  }

  /** From now on no upgrade is admitted: those in progress are cut, later ones answered and closed. */
  closeAll(): void {
    this.closing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
