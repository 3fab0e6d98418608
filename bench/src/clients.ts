import { ChatApi, RealtimeClient } from '@chat/client';
import { WebSocket } from 'ws';
import { benchAddress } from './address.ts';

/**
 * A bench user's realtime client, authenticated by ticket from the user's node; its socket goes
 * through `socketOrigin` (a proxy in front of the node), or straight to the node.
 */
export function benchClient(user: { url: string; token: string }, socketOrigin = user.url): RealtimeClient {
  const api = new ChatApi({ baseUrl: user.url, token: user.token, headers: { 'x-forwarded-for': benchAddress() } });
  return new RealtimeClient({
    baseUrl: socketOrigin,
    WebSocket: WebSocket as never,
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
