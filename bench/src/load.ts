import type { RealtimeClient } from '@chat/client';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { benchClient, untilOpen } from './clients.ts';
import type { BenchUser } from './users.ts';

/** Endpoints that each send to a partner; deliveries are reported with the stamp that was sent. */
export interface Driver {
  readonly endpoints: number;
  send(endpoint: number, stamp: string): void;
  onDelivery(listener: (stamp: string) => void): void;
  close(): void;
}

/** Our product, through the client library every client uses, authenticated by ticket. */
export async function chatDriver(users: BenchUser[]): Promise<Driver> {
  const listeners: Array<(stamp: string) => void> = [];
  const clients = users.map((user) => {
    const client = benchClient(user);
    client.on('message', (message) => {
      if (message.senderId !== user.id) for (const listener of listeners) listener(message.text);
    });
    // As an app does with the conversations it has loaded: this one is known, and empty so far.
    client.setCursor(user.conversationId, 0);
    return client;
  });
  const opened = Promise.all(clients.map(untilOpen));
  for (const client of clients) client.connect();
  await opened;
  return {
    endpoints: users.length,
    send(endpoint, stamp) {
      const user = users[endpoint] as BenchUser;
      // The outcome is observed at the recipient; a refused send shows up there as a loss.
      void (clients[endpoint] as RealtimeClient)
        .send({ conversationId: user.conversationId, text: stamp })
        .stored.catch(() => {});
    },
    onDelivery: (listener) => void listeners.push(listener),
    close: () => {
      for (const client of clients) client.close();
    },
  };
}

/**
 * Raw sockets spread over `urls` (the bare relay, or the bare ws + Redis peer), parsing each frame
 * as a real client would; endpoint i writes to i ^ 1, on the other node when there are two.
 */
export async function rawDriver(urls: string[], count: number): Promise<Driver> {
  const listeners: Array<(stamp: string) => void> = [];
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const base = (urls[i % urls.length] as string).replace('http', 'ws');
          const socket = new WebSocket(`${base}/?id=${i}`);
          socket.on('open', () => resolve(socket));
          socket.on('error', reject);
          socket.on('message', (data) => {
            // Acks ({"ok":…}) carry no text: only deliveries are counted.
            const frame = JSON.parse(String(data)) as { text?: string };
            if (frame.text !== undefined) for (const listener of listeners) listener(frame.text);
          });
        }),
    ),
  );
  return {
    endpoints: count,
    send(endpoint, stamp) {
      (sockets[endpoint] as WebSocket).send(JSON.stringify({ to: String(endpoint ^ 1), text: stamp }));
    },
    onDelivery: (listener) => void listeners.push(listener),
    close: () => {
      for (const socket of sockets) socket.close();
    },
  };
}

/** Socket.IO clients on the Socket.IO peer, each send acknowledged by the server after its INSERT. */
export async function socketIoDriver(urls: string[], count: number): Promise<Driver> {
  const listeners: Array<(stamp: string) => void> = [];
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(urls[i % urls.length] as string, { transports: ['websocket'], query: { id: String(i) } });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
          socket.on('message', (frame: { text: string }) => {
            for (const listener of listeners) listener(frame.text);
          });
        }),
    ),
  );
  return {
    endpoints: count,
    send(endpoint, stamp) {
      // The outcome is observed at the recipient, as for our own client.
      (sockets[endpoint] as Socket).emit('send', { to: String(endpoint ^ 1), text: stamp }, () => {});
    },
    onDelivery: (listener) => void listeners.push(listener),
    close: () => {
      for (const socket of sockets) socket.close();
    },
  };
}

export interface StepResult {
  offeredRate: number;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  latencies: number[];
  /** Deliveries per second over the sending window and the drain that followed. */
  achievedRate: number;
}

/**
 * Offers `rate` messages per second for `seconds`, open loop: sends follow the clock, not the
 * answers, so a slow server cannot slow the generator down. Then waits for stragglers (bounded).
 */
export async function runStep(driver: Driver, rate: number, seconds: number, drainMs = 5000): Promise<StepResult> {
  const total = Math.round(rate * seconds);
  const sentAt = new Float64Array(total);
  const seen = new Uint8Array(total);
  const latencies: number[] = [];
  let delivered = 0;
  let duplicated = 0;
  let lastDeliveryAt = 0;
  const prefix = `${Date.now().toString(36)}:`;
  driver.onDelivery((stamp) => {
    if (!stamp.startsWith(prefix)) return;
    const index = Number(stamp.slice(prefix.length));
    const now = performance.now();
    if (seen[index]) {
      duplicated++;
      return;
    }
    seen[index] = 1;
    delivered++;
    lastDeliveryAt = now;
    latencies.push(now - (sentAt[index] ?? now));
  });

  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        sentAt[sent] = performance.now();
        driver.send(sent % driver.endpoints, `${prefix}${sent}`);
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const drainDeadline = performance.now() + drainMs;
  while (delivered < total && performance.now() < drainDeadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsed = ((delivered === total ? lastDeliveryAt : performance.now()) - start) / 1000;
  return {
    offeredRate: rate,
    sent: total,
    delivered,
    lost: total - delivered,
    duplicated,
    latencies,
    achievedRate: delivered / elapsed,
  };
}
