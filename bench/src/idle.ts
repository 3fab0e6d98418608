import { fork } from 'node:child_process';
import path from 'node:path';
import { rssBytes } from './metrics.ts';

/** Sockets per worker process, under this machine's limit of 20,000 open files per process. */
const PER_WORKER = 15_000;
/** Sockets are opened for this long at most; what is held by then is measured. */
const OPEN_TIMEOUT_MS = 10 * 60_000;

export interface IdleResult {
  connections: number;
  failed: number;
  rssPerConnection: number;
  heapPerConnection: number;
}

interface Memory {
  rss: number;
  heapUsed: number;
  connections: number;
}

const readMemory = async (url: string) => (await (await fetch(`${url}/dev/memory`)).json()) as Memory;
/** Once more on failure: a keep-alive connection the node closed meanwhile fails the first try. */
const memoryOf = (url: string) => readMemory(url).catch(() => readMemory(url));

/** Opens `count` idle connections spread over the nodes and reports what each costs the servers. */
export async function idlePhase(
  urls: string[],
  tokens: string[],
  serverPids: number[],
  count: number,
  options: { memoryEndpoint: boolean },
): Promise<IdleResult> {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  // The memory endpoint collects garbage first, so RSS is read after it: what the load phase left
  // behind would otherwise be freed between the two readings and count against the connections.
  const measure = async () => {
    const heap = options.memoryEndpoint ? sum((await Promise.all(urls.map(memoryOf))).map((m) => m.heapUsed)) : 0;
    return { heap, rss: sum(serverPids.map(rssBytes)) };
  };
  const before = await measure();
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  const targets = urls.flatMap((url) => tokens.map((token) => ({ url, token })));
  const workers = Array.from({ length: Math.ceil(count / PER_WORKER) }, (_, i) => {
    const worker = fork(path.join(import.meta.dirname, 'idle-worker.ts'), { execArgv: ['--import', 'tsx'] });
    const share = Math.min(PER_WORKER, count - i * PER_WORKER);
    const opened = new Promise<{ open: number; failed: number }>((resolve) => worker.once('message', resolve as never));
    // Each worker goes on where the last one's share ends, so the nodes and users get even shares:
    // all starting from the first target gave the first nodes more sockets than they have files.
    const first = i * PER_WORKER;
    worker.send({ targets, first, count: share, deadline, readyOn: options.memoryEndpoint ? 'ready' : 'open' });
    return { worker, opened };
  });
  const results = await Promise.all(workers.map((w) => w.opened));
  // Let the servers settle (presence writes, buffers) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await measure().finally(() => {
    for (const { worker } of workers) worker.send('close');
  });
  await Promise.all(workers.map(({ worker }) => new Promise((resolve) => worker.once('exit', resolve))));
  const connections = sum(results.map((r) => r.open));
  return {
    connections,
    failed: sum(results.map((r) => r.failed)),
    rssPerConnection: (after.rss - before.rss) / Math.max(1, connections),
    heapPerConnection: (after.heap - before.heap) / Math.max(1, connections),
  };
}
