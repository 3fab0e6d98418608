// A share of the reconnect storm's clients, in a process of its own: one process may open only so
// many files, and one core would be the storm's limit.
import type { RealtimeClient } from '@chat/client';
import { benchClient, untilOpen } from './clients.ts';
import { NetworkGate } from './network-gate.ts';

export interface StormClientSpec {
  url: string;
  token: string;
  conversationId: number;
}

/** What the storm's conductor tells a worker, in this order. */
export type StormOrder =
  | { type: 'start'; clients: StormClientSpec[] }
  | { type: 'cut' }
  | { type: 'restore' }
  | { type: 'count'; stamp: string; conversationIds: number[] }
  | { type: 'exit' };

export type StormReport =
  | { type: 'open' }
  | { type: 'cut' }
  | { type: 'synced' }
  | { type: 'missing'; missing: number };

const report = (message: StormReport) => process.send?.(message);

interface StormClient {
  client: RealtimeClient;
  conversationId: number;
  received: Set<string>;
}

let clients: StormClient[] = [];
const network = new NetworkGate();

/** Resolves once every client has finished a sync that began after this call. */
function allSynced(): Promise<void> {
  return Promise.all(
    clients.map(
      ({ client }) =>
        new Promise<void>((resolve) => {
          const off = client.on('synced', () => {
            off();
            resolve();
          });
        }),
    ),
  ).then(() => undefined);
}

async function start(specs: StormClientSpec[]): Promise<void> {
  clients = specs.map((spec) => {
    const client = benchClient(spec, network.WebSocket);
    const received = new Set<string>();
    client.on('message', (message) => received.add(message.text));
    return { client, conversationId: spec.conversationId, received };
  });
  const opened = Promise.all(clients.map(({ client }) => untilOpen(client)));
  for (const { client } of clients) client.connect();
  await opened;
  report({ type: 'open' });
}

process.on('message', (order: StormOrder) => {
  switch (order.type) {
    case 'start':
      void start(order.clients);
      return;
    case 'cut': {
      void allSynced().then(() => report({ type: 'synced' }));
      network.takeDown();
      report({ type: 'cut' });
      return;
    }
    case 'restore':
      network.bringUp();
      return;
    case 'count': {
      const sampled = new Set(order.conversationIds);
      const missing = clients.filter(
        ({ conversationId, received }) =>
          sampled.has(conversationId) && !received.has(`${order.stamp}-${conversationId}`),
      ).length;
      report({ type: 'missing', missing });
      return;
    }
    case 'exit':
      for (const { client } of clients) client.close();
      process.exit(0);
  }
});
