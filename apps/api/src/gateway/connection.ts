import type { Socket } from 'node:net';
import type { ServerFrame } from '@chat/protocol';
import { CLOSE_CODES } from '@chat/protocol';
import type { WebSocket } from 'ws';

/**
 * Past this many bytes queued for a client that does not read, the connection is dropped (4008)
 * rather than letting one slow reader hold the node's memory; the client reconnects and syncs.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One WebSocket of a signed-in user on this node. */
export class Connection {
  /** Set while the client answers pings; the heartbeat clears it and drops the connection if it stays clear. */
  alive = true;
  closed = false;
  private corked = false;

  constructor(
    readonly id: string,
    readonly userId: number,
    readonly sessionIdHash: string,
    private readonly socket: WebSocket,
  ) {}

  /** Sends an already serialised frame; used when one event goes to many connections. */
  sendText(text: string): void {
    if (this.closed) return;
    this.corkUntilNextTick();
    this.socket.send(text);
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CLOSE_CODES.slowConsumer, 'too slow: reconnect and sync');
    }
  }

  /**
   * Frames sent in one go (an ack, the counts, a batch of messages) leave in one TCP write instead
   * of one write each: system calls were the largest cost in the profile of a busy node.
   */
  private corkUntilNextTick(): void {
    const raw = (this.socket as unknown as { _socket?: Socket })._socket;
    if (this.corked || !raw) return;
    this.corked = true;
    raw.cork();
    process.nextTick(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  /** Drops a peer that stopped answering, without the closing handshake it would not answer either. */
  terminate(): void {
    this.closed = true;
    this.socket.terminate();
  }

  ping(): void {
    this.socket.ping();
  }
}
