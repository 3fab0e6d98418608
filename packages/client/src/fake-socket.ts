// Test support: a WebSocket the tests drive by hand, in place of a server.
import type { ServerFrame } from '@chat/protocol';
import type { WebSocketConstructor, WebSocketLike } from './connection.ts';

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  closedWith: { code?: number; reason?: string } | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    _protocols?: string[],
    readonly options?: { headers: Record<string, string> },
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** The server accepted: the socket opens and says `ready`. */
  accept(heartbeatIntervalMs = 25_000, serverTime = 1_000): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ type: 'ready', protocolVersion: 1, userId: 1, serverTime, heartbeatIntervalMs });
  }

  receive(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server (or the network) closed the socket. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The frames of one type this client sent. */
  sentOfType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((frame) => frame.type === type);
  }
}

/** A WebSocket constructor whose sockets the test reaches through `sockets` (newest last). */
export function fakeWebSocket(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[]; latest(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string, protocols?: string[], options?: { headers: Record<string, string> }) {
      super(url, protocols, options);
      sockets.push(this);
    }
  };
  return {
    WebSocket,
    sockets,
    latest() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('No socket was opened.');
      return socket;
    },
  };
}
