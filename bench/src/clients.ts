import { ChatApi, RealtimeClient, type WebSocketConstructor } from '@chat/client';
import { WebSocket } from 'ws';
import { benchAddress } from './address.ts';

/**
 * How bench clients sign in on the socket: `bearer` (the default) sends the session token on the
 * upgrade, as a non-browser client does; `ticket` asks the user's node for a single-use ticket
 * before each connect, as a browser without the cookie would (BENCH_WS_AUTH=ticket, to compare).
 */
const WS_AUTH = process.env.BENCH_WS_AUTH === 'ticket' ? 'ticket' : 'bearer';

/**
 * A bench user's realtime client, on `ws` sockets or on another implementation of them (one that
 * the storm can cut).
 */
export function benchClient(
  user: { url: string; token: string },
  Socket: WebSocketConstructor = WebSocket as never,
): RealtimeClient {
  if (WS_AUTH === 'bearer')
    return new RealtimeClient({ baseUrl: user.url, WebSocket: Socket, bearerToken: user.token });
  const api = new ChatApi({ baseUrl: user.url, token: user.token, headers: { 'x-forwarded-for': benchAddress() } });
  return new RealtimeClient({
    baseUrl: user.url,
    WebSocket: Socket,
    ticket: async () => (await api.wsTicket()).ticket,
  });
}

/** Resolves once the client is open (at once if it is). */
export function untilOpen(client: RealtimeClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.isOpen) return resolve();
    const off = client.on('status', (status) => {
      if (status.state !== 'open') return;
      off();
      resolve();
    });
  });
}
