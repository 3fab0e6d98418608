// Holds idle, authenticated WebSocket connections for the idle phase, in a process of its own:
// one process may open only so many sockets (file descriptors), so the phase spreads over several.
import { WebSocket } from 'ws';

interface Order {
  targets: Array<{ url: string; token: string }>;
  /** This worker's sockets are the phase's from `first` to `first + count`, each on the next target. */
  first: number;
  count: number;
  /** No socket is opened after this time (ms since the epoch): the phase is bounded. */
  deadline: number;
  /**
   * The chat server answers an admitted connection with `ready` and a refused one (e.g. past the
   * per-user socket cap) with an error frame before closing it; the bare relay says nothing.
   */
  readyOn: 'ready' | 'open';
}

const CONCURRENCY = 64;

process.once('message', async (order: Order) => {
  const sockets: WebSocket[] = [];
  let next = 0;
  let failed = 0;
  const open = (i: number) =>
    new Promise<void>((resolve) => {
      const target = order.targets[(order.first + i) % order.targets.length] as { url: string; token: string };
      const socket = new WebSocket(`${target.url.replace('http', 'ws')}/ws?v=1`, {
        headers: { authorization: `Bearer ${target.token}` },
      });
      let settled = false;
      const held = () => {
        if (settled) return;
        settled = true;
        sockets.push(socket);
        resolve();
      };
      const refused = () => {
        if (settled) return;
        settled = true;
        failed++;
        socket.terminate();
        resolve();
      };
      if (order.readyOn === 'open') socket.once('open', held);
      else socket.once('message', (data) => (String(data).startsWith('{"type":"ready"') ? held() : refused()));
      socket.once('error', refused);
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < order.count && Date.now() < order.deadline) await open(next++);
    }),
  );
  process.send?.({ open: sockets.length, failed });
  process.once('message', () => {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  });
});
