import type { WebSocketConstructor, WebSocketLike } from '@chat/client';
import { WebSocket } from 'ws';

/** What a connect made while the network is down gets: a socket that closes at once, abnormally. */
class Unreachable implements WebSocketLike {
  readonly readyState = WebSocket.CLOSED;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  constructor() {
    // After the caller has set its handlers, as a real socket's failure would come.
    setImmediate(() => {
      this.onerror?.({});
      this.onclose?.({ code: 1006, reason: '' });
    });
  }

  send(): void {}
  close(): void {}
}

/**
 * The network between a process's clients and the nodes, which the reconnect storm takes down
 * and brings back. Down ends every open socket at once (each node sees its connections close, as
 * when a load balancer or a link fails), and while down a connect fails without leaving the
 * process, as on a device with no network. A TCP proxy per node did this before, at two more
 * sockets per client, a copy of every byte and an accept for each retry made while cut: the
 * storm's generators used more CPU than the nodes, on the same two cores.
 */
export class NetworkGate {
  private down = false;
  private readonly sockets = new Set<WebSocket>();

  /** For a client's `WebSocket` option: real `ws` sockets while up, unreachable ones while down. */
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const connect = this.connect.bind(this);
    // `new` on a function that returns an object yields that object.
    this.WebSocket = function GatedWebSocket(
      url: string,
      protocols?: string[],
      options?: { headers: Record<string, string> },
    ) {
      return connect(url, protocols, options);
    } as unknown as WebSocketConstructor;
  }

  takeDown(): void {
    this.down = true;
    for (const socket of this.sockets) socket.terminate();
  }

  bringUp(): void {
    this.down = false;
  }

  private connect(url: string, protocols?: string[], options?: { headers: Record<string, string> }): WebSocketLike {
    if (this.down) return new Unreachable();
    const socket = new WebSocket(url, protocols, options);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket as unknown as WebSocketLike;
  }
}
