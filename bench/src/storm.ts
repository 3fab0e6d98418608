import { ChatApi, RealtimeClient } from '@chat/client';
import { WebSocket } from 'ws';
import { startTcpProxy, type TcpProxy } from '../../apps/api/test/tcp-proxy.ts';
import type { BenchUser } from './users.ts';

export interface StormResult {
  clients: number;
  /** From the drop until every client was connected again and had finished its sync. */
  recoveredInMs: number;
  /** Messages sent while the clients were away, and how many of their deliveries are missing. */
  sentWhileAway: number;
  missing: number;
}

/**
 * Connects `count` clients through a proxy per node, cuts every connection at once (a load
 * balancer or a network blip), and measures how long until all have reconnected and synced,
 * checking that what was sent in between reached every one of them.
 */
export async function reconnectStorm(users: BenchUser[], count: number): Promise<StormResult> {
  const proxies = new Map<string, TcpProxy>();
  for (const url of new Set(users.map((u) => u.url)))
    proxies.set(url, await startTcpProxy('127.0.0.1', Number(new URL(url).port)));
  const clients = Array.from({ length: count }, (_, i) => {
    const user = users[i % users.length] as BenchUser;
    const proxy = proxies.get(user.url) as TcpProxy;
    const api = new ChatApi({ baseUrl: user.url, token: user.token });
    const client = new RealtimeClient({
      baseUrl: `http://127.0.0.1:${proxy.port}`,
      WebSocket: WebSocket as never,
      ticket: async () => (await api.wsTicket()).ticket,
    });
    const received = new Set<string>();
    client.on('message', (message) => received.add(message.text));
    return { client, user, received };
  });
  /** Resolves once every client has reached `state` (for 'synced': finished a sync after the drop). */
  const whenAll = (state: 'open' | 'synced') =>
    Promise.all(
      clients.map(
        ({ client }) =>
          new Promise<void>((resolve) => {
            if (state === 'open' && client.isOpen) return resolve();
            const off =
              state === 'open'
                ? client.on('status', (s) => {
                    if (s.state !== 'open') return;
                    off();
                    resolve();
                  })
                : client.on('synced', () => {
                    off();
                    resolve();
                  });
          }),
      ),
    );
  const opened = whenAll('open');
  for (const { client } of clients) client.connect();
  await opened;

  // One message into each conversation while everyone is away, sent by the other side directly.
  const stamp = `storm-${Date.now()}`;
  const synced = whenAll('synced');
  const droppedAt = performance.now();
  for (const proxy of proxies.values()) proxy.cut();
  const senders = new Map<number, BenchUser>();
  for (const { user } of clients) senders.set(user.conversationId, users[user.partner] as BenchUser);
  await Promise.all(
    [...senders.values()].map(async (sender) => {
      const socket = new RealtimeClient({
        baseUrl: sender.url,
        WebSocket: WebSocket as never,
        ticket: async () => (await new ChatApi({ baseUrl: sender.url, token: sender.token }).wsTicket()).ticket,
      });
      socket.connect();
      await socket.send({ conversationId: sender.conversationId, text: `${stamp}-${sender.conversationId}` }).stored;
      socket.close();
    }),
  );
  for (const proxy of proxies.values()) proxy.restore();
  await synced;
  const recoveredInMs = performance.now() - droppedAt;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const missing = clients.filter(({ user, received }) => !received.has(`${stamp}-${user.conversationId}`)).length;
  for (const { client } of clients) client.close();
  for (const proxy of proxies.values()) await proxy.close();
  return { clients: count, recoveredInMs, sentWhileAway: senders.size, missing };
}
