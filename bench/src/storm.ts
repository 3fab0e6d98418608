import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { benchClient, untilOpen } from './clients.ts';
import { CpuMeter, listenOverflows, PROFILE_FLAGS } from './metrics.ts';
import type { StormClientSpec, StormOrder, StormReport } from './storm-worker.ts';
import type { BenchUser } from './users.ts';

/** Conversations that get a message during the drop: enough to catch a loss, few enough to send at once. */
const SENDER_SAMPLE = 200;
/** A storm not over by then is reported as not recovered rather than waited for. */
const STORM_DEADLINE_MS = 60_000;

export interface StormResult {
  clients: number;
  /** From the drop until every client was connected again and had finished its sync. */
  recoveredInMs: number;
  /** From the drop until the network came back, once the messages sent while away were stored. */
  awayMs: number;
  /** Handshakes dropped from a full accept queue meanwhile (see listenOverflows). */
  listenOverflows: number;
  /** Messages sent while the clients were away, and how many of their deliveries are missing. */
  sentWhileAway: number;
  missing: number;
  /** CPU seconds of each process (servers, services and the generator's workers) from the drop until recovered. */
  cpu: Record<string, number>;
}

/** Storm clients one worker process may hold: a socket each, well under 20,000 open files. */
const MAX_PER_WORKER = 15_000;

/**
 * A worker per core, or more when that many clients would not fit in so few. More workers than
 * cores made every process of the storm use more CPU, the nodes' included (10,000 clients, two
 * cores, alternated: four workers 15.4-18.5 s, nodes 12.7-16.0 CPU-s; two 10.0-12.5 s, nodes
 * 8.6-10.8 CPU-s, and once 19.5 s).
 */
function workerCount(clients: number): number {
  return Math.max(Math.ceil(clients / MAX_PER_WORKER), Math.min(os.availableParallelism(), clients));
}

type Worker = ReturnType<typeof fork>;

/** The next report of `type` from each worker, or undefined when the deadline comes first. */
function fromAll(workers: Worker[], type: StormReport['type']): Promise<StormReport[] | undefined> {
  const reports = Promise.all(
    workers.map(
      (worker) =>
        new Promise<StormReport>((resolve) => {
          const listener = (message: StormReport) => {
            if (message.type !== type) return;
            worker.off('message', listener);
            resolve(message);
          };
          worker.on('message', listener);
        }),
    ),
  );
  return Promise.race([
    reports,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), STORM_DEADLINE_MS)),
  ]);
}

const tell = (workers: Worker[], order: StormOrder) => {
  for (const worker of workers) worker.send(order);
};

/**
 * Connects `count` clients (in worker processes), cuts every connection at once (a load balancer
 * or a network blip: see NetworkGate), and measures how long until all have reconnected
 * and synced, checking that what was sent in between reached every one of them.
 */
export async function reconnectStorm(
  users: BenchUser[],
  count: number,
  measured: Record<string, number>,
): Promise<StormResult> {
  const specs: StormClientSpec[] = Array.from({ length: count }, (_, i) => {
    const user = users[i % users.length] as BenchUser;
    return { url: user.url, token: user.token, conversationId: user.conversationId };
  });
  const perWorker = Math.ceil(count / workerCount(count));
  const workers = Array.from({ length: Math.ceil(count / perWorker) }, (_, i) => {
    const worker = fork(path.join(import.meta.dirname, 'storm-worker.ts'), {
      execArgv: ['--import', 'tsx', ...PROFILE_FLAGS],
    });
    worker.send({ type: 'start', clients: specs.slice(i * perWorker, (i + 1) * perWorker) } satisfies StormOrder);
    return worker;
  });
  const exited = workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
  const stop = async () => {
    tell(workers, { type: 'exit' });
    await Promise.all(exited);
  };
  if (!(await fromAll(workers, 'open'))) {
    await stop();
    return {
      clients: count,
      recoveredInMs: Number.POSITIVE_INFINITY,
      awayMs: 0,
      listenOverflows: 0,
      sentWhileAway: 0,
      missing: 0,
      cpu: {},
    };
  }

  // Senders, already connected directly to the nodes, for a sample of the conversations: each
  // sends one message while the storm clients are away.
  const sample = [
    ...new Map(specs.map((spec, i) => [spec.conversationId, users[i % users.length] as BenchUser])).values(),
  ].slice(0, SENDER_SAMPLE);
  const senders = await Promise.all(
    sample.map(async (user) => {
      const sender = users[user.partner] as BenchUser;
      const socket = benchClient(sender);
      const open = untilOpen(socket);
      socket.connect();
      await open;
      return { socket, conversationId: sender.conversationId };
    }),
  );

  const stamp = `storm-${Date.now()}`;
  const cut = fromAll(workers, 'cut');
  const synced = fromAll(workers, 'synced');
  const meter = new CpuMeter({
    ...measured,
    ...Object.fromEntries(workers.map((worker, i) => [`generator${i + 1}`, worker.pid ?? 0])),
  });
  meter.begin();
  const overflowsBefore = listenOverflows();
  const droppedAt = performance.now();
  tell(workers, { type: 'cut' });
  await cut;
  await Promise.all(
    senders.map(
      ({ socket, conversationId }) => socket.send({ conversationId, text: `${stamp}-${conversationId}` }).stored,
    ),
  );
  const awayMs = performance.now() - droppedAt;
  tell(workers, { type: 'restore' });
  const recoveredInMs = (await synced) ? performance.now() - droppedAt : Number.POSITIVE_INFINITY;
  const cpu = meter.end();
  const overflows = listenOverflows() - overflowsBefore;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const counted = fromAll(workers, 'missing');
  tell(workers, { type: 'count', stamp, conversationIds: sample.map((user) => user.conversationId) });
  const reports = await counted;
  // Workers that did not answer cannot vouch for anything: unknown, not zero.
  const missing = reports
    ? reports.reduce((sum, report) => sum + (report.type === 'missing' ? report.missing : 0), 0)
    : Number.NaN;
  for (const { socket } of senders) socket.close();
  await stop();
  return {
    clients: count,
    recoveredInMs,
    awayMs,
    listenOverflows: overflows,
    sentWhileAway: senders.length,
    missing,
    cpu,
  };
}
