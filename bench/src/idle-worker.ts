// Holds idle, authenticated WebSocket connections for the idle phase, in a process of its own:
// one process may open only so many sockets (file descriptors), so the phase spreads over several.
import { WebSocket } from 'ws';

interface Order {
  targets: Array<{ url: string; token: string }>;
  count: number;
  /** The chat server answers an admitted connection with `ready`; the bare relay says nothing. */
  readyOn: 'message' | 'open';
}

const CONCURRENCY = 64;

process.once('message', async (order: Order) => {
  const sockets: WebSocket[] = [];
  let next = 0;
  let failed = 0;
  const open = (i: number) =>
    new Promise<void>((resolve) => {
      const target = order.targets[i % order.targets.length] as { url: string; token: string };
      const socket = new WebSocket(`${target.url.replace('http', 'ws')}/ws?v=1`, {
        headers: { authorization: `Bearer ${target.token}` },
      });
      socket.once(order.readyOn, () => {
        sockets.push(socket);
        resolve();
      });
      socket.once('error', () => {
        failed++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < order.count) await open(next++);
    }),
  );
  process.send?.({ open: sockets.length, failed });
  process.once('message', () => {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  });
});
