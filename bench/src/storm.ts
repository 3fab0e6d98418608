import { ChatApi, RealtimeClient } from '@chat/client';
import { WebSocket } from 'ws';
import { startTcpProxy, type TcpProxy } from '../../apps/api/test/tcp-proxy.ts';
import type { BenchUser } from './users.ts';

/** Conversations that get a message during the drop: enough to catch a loss, few enough to send at once. */
const SENDER_SAMPLE = 200;
/** A storm not over by then is reported as not recovered rather than waited for. */
const STORM_DEADLINE_MS = 60_000;

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
  const allOpen = await Promise.race([
    opened.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STORM_DEADLINE_MS)),
  ]);
  if (!allOpen) {
    for (const { client } of clients) client.close();
    for (const proxy of proxies.values()) await proxy.close();
    return { clients: count, recoveredInMs: Number.POSITIVE_INFINITY, sentWhileAway: 0, missing: 0 };
  }

  // Senders, already connected directly to the nodes, for a sample of the conversations: each
  // sends one message while the storm clients are away.
  const sample = [...new Map(clients.map(({ user }) => [user.conversationId, user])).values()].slice(0, SENDER_SAMPLE);
  const senders = await Promise.all(
    sample.map(async (user) => {
      const sender = users[user.partner] as BenchUser;
      const api = new ChatApi({ baseUrl: sender.url, token: sender.token });
      const socket = new RealtimeClient({
        baseUrl: sender.url,
        WebSocket: WebSocket as never,
        ticket: async () => (await api.wsTicket()).ticket,
      });
      const open = new Promise<void>((resolve) => {
        const off = socket.on('status', (s) => {
          if (s.state !== 'open') return;
          off();
          resolve();
        });
      });
      socket.connect();
      await open;
      return { socket, conversationId: sender.conversationId };
    }),
  );

  const stamp = `storm-${Date.now()}`;
  const synced = whenAll('synced');
  const droppedAt = performance.now();
  for (const proxy of proxies.values()) proxy.cut();
  await Promise.all(
    senders.map(
      ({ socket, conversationId }) => socket.send({ conversationId, text: `${stamp}-${conversationId}` }).stored,
    ),
  );
  for (const proxy of proxies.values()) proxy.restore();
  const recovered = await Promise.race([
    synced.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STORM_DEADLINE_MS)),
  ]);
  const recoveredInMs = recovered ? performance.now() - droppedAt : Number.POSITIVE_INFINITY;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sampled = new Set(sample.map((user) => user.conversationId));
  const missing = clients.filter(
    ({ user, received }) => sampled.has(user.conversationId) && !received.has(`${stamp}-${user.conversationId}`),
  ).length;
  for (const { socket } of senders) socket.close();
  for (const { client } of clients) client.close();
  for (const proxy of proxies.values()) await proxy.close();
  return { clients: count, recoveredInMs, sentWhileAway: senders.length, missing };
}
