// `pnpm bench`: the load generator. See bench/README.md for what it measures and how to read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CatchUpFigures, catchUpBenchmark } from './catch-up.ts';
import { type PeerKind, startChat, startPeer, startRelay, type Target } from './cluster.ts';
import { idlePhase } from './idle.ts';
import { chatDriver, type Driver, rawDriver, runStep, socketIoDriver } from './load.ts';
import { ackQuantileMs, CpuMeter, sendPathCounts, summarize, untilQuiet } from './metrics.ts';
import { type SearchFigures, searchBenchmark } from './search.ts';
import { reconnectStorm } from './storm.ts';
import { type BenchUser, createPairs } from './users.ts';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,3000,6000,10000' },
    seconds: { type: 'string', default: '15' },
    users: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '10000' },
    storm: { type: 'string', default: '10000' },
    scenarios: { type: 'string', default: 'cluster,socketio,ws-redis,embedded,relay,search,catch-up' },
    nodes: { type: 'string', default: '2' },
    /**
     * Where the two members of a conversation sit when there are several nodes: `apart` (every
     * message crosses the bus, and both nodes commit to the conversation) or `together` (on one node:
     * the most that committing each conversation on one node could give).
     */
    pairs: { type: 'string', default: 'apart' },
    /** Messages stored for the search scenario. */
    messages: { type: 'string', default: '1000000' },
    /** The backends the search scenario measures, one after the other. */
    'search-backends': { type: 'string', default: 'embedded,mysql+redis' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const rates = (quick ? '300,1000' : args.rates).split(',').map(Number);
const seconds = quick ? 3 : Number(args.seconds);
const userCount = quick ? 100 : Number(args.users);
const idleCount = quick ? 1000 : Number(args.idle);
const stormCount = quick ? 500 : Number(args.storm);
const scenarios = args.scenarios.split(',');
const messageCount = quick ? 50_000 : Number(args.messages);
const clusterNodes = Number(args.nodes);
if (args.pairs !== 'apart' && args.pairs !== 'together') throw new Error('--pairs is apart or together');
const pairsTogether = args.pairs === 'together';

interface StepRow {
  scenario: string;
  offered: number;
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  serverCpuSeconds: number;
  deliveriesPerServerCpuSecond: number;
  /** Server CPU per delivery: flat as nodes are added when a node handles only what it delivers. */
  serverCpuMicrosPerDelivery: number;
  /** Send batches committed per second over all nodes: 50 a node while the window sets them, more once full ones go back to back. */
  batchesPerSecond?: number;
  /** From a send frame's handling to its ack, on the nodes (their histogram, interpolated): the server's share of p50 and p99. */
  ackP50?: number;
  ackP99?: number;
  cpu: Record<string, number>;
}

const results: {
  machine: object;
  options: { nodes: number; pairs: string };
  steps: StepRow[];
  idle: object[];
  storm: object[];
  search: Array<SearchFigures & { scenario: string }>;
  catchUp: Array<CatchUpFigures & { scenario: string }>;
} = {
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  options: { nodes: clusterNodes, pairs: args.pairs },
  steps: [],
  idle: [],
  storm: [],
  search: [],
  catchUp: [],
};

const log = (line: string) => console.log(`[bench] ${line}`);
/** A latency read off a histogram: beyond its last bound it has no figure. */
const milliseconds = (ms: number | undefined) =>
  ms === undefined ? '-' : Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'beyond the histogram';

async function runLoad(target: Target, driver: Driver): Promise<void> {
  const meter = new CpuMeter({ ...target.serverPids, ...target.servicePids });
  // A short warm-up so that JIT and connection pools are not what the first step measures.
  await runStep(driver, Math.min(500, rates[0] ?? 500), 2);
  for (const rate of rates) {
    const countsBefore = await sendPathCounts(target.urls);
    meter.begin();
    const step = await runStep(driver, rate, seconds);
    const cpu = meter.end();
    const countsAfter = await sendPathCounts(target.urls);
    const serverCpuSeconds = Object.keys(target.serverPids).reduce((sum, name) => sum + (cpu[name] ?? 0), 0);
    const latency = summarize(step.latencies);
    const row: StepRow = {
      scenario: target.name,
      offered: rate,
      achieved: Math.round(step.achievedRate),
      p50: latency.p50,
      p99: latency.p99,
      max: latency.max,
      lost: step.lost,
      duplicated: step.duplicated,
      serverCpuSeconds,
      deliveriesPerServerCpuSecond: Math.round(step.delivered / serverCpuSeconds),
      serverCpuMicrosPerDelivery: Math.round((serverCpuSeconds * 1e6) / step.delivered),
      ...(countsBefore && countsAfter
        ? {
            batchesPerSecond: Math.round((countsAfter.batches - countsBefore.batches) / seconds),
            ackP50: ackQuantileMs(countsBefore, countsAfter, 0.5),
            ackP99: ackQuantileMs(countsBefore, countsAfter, 0.99),
          }
        : {}),
      cpu,
    };
    results.steps.push(row);
    log(
      `${target.name} @ ${rate}/s: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, lost ${row.lost}, ${row.deliveriesPerServerCpuSecond} deliveries/CPU-s, ${row.serverCpuMicrosPerDelivery} µs CPU per delivery, ${row.batchesPerSecond ?? '-'} batches/s${row.ackP99 === undefined ? '' : `, acked on the node p50 ${milliseconds(row.ackP50)} p99 ${milliseconds(row.ackP99)}`}; CPU-s ${Object.entries(
        cpu,
      )
        .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
        .join(', ')}`,
    );
    // Past the knee there is nothing more to learn, and a drowning server only slows the run down.
    if (step.lost > step.sent * 0.05) break;
  }
}

async function measureIdle(target: Target, tokens: string[], memoryEndpoint: boolean): Promise<void> {
  const idle = await idlePhase(target.urls, tokens, Object.values(target.serverPids), idleCount, { memoryEndpoint });
  results.idle.push({ scenario: target.name, ...idle });
  log(`idle: ${idle.connections} connections, ${(idle.rssPerConnection / 1024).toFixed(1)} KiB RSS each`);
}

const PEER_DRIVERS: Record<PeerKind, (urls: string[], count: number) => Promise<Driver>> = {
  socketio: socketIoDriver,
  'ws-redis': rawDriver,
};

/** A peer carries the same load as we do, on the same users' count and rates; nothing else is asked of it. */
async function peerScenario(kind: PeerKind): Promise<void> {
  const target = await startPeer(kind);
  log(`started ${target.name}`);
  try {
    const driver = await PEER_DRIVERS[kind](target.urls, userCount);
    await runLoad(target, driver);
    driver.close();
  } finally {
    await target.stop();
  }
}

/** Search on each backend, one node: a million messages stored, then searches one at a time. */
async function searchScenario(): Promise<void> {
  for (const backend of args['search-backends'].split(',') as Array<'embedded' | 'mysql+redis'>) {
    const target = await startChat({ nodes: 1, backend });
    log(`started ${target.name} for search`);
    try {
      const figures = await searchBenchmark(target, messageCount, log);
      results.search.push({ scenario: target.name, ...figures });
      log(
        `search on ${target.name}: p50 ${figures.overall.p50.toFixed(1)} ms, p95 ${figures.overall.p95.toFixed(1)} ms`,
      );
    } finally {
      await target.stop();
    }
  }
}

/** A reconnect with news in many conversations, on each backend (one node): how long until synced. */
async function catchUpScenario(): Promise<void> {
  for (const backend of ['embedded', 'mysql+redis'] as const) {
    const target = await startChat({ nodes: 1, backend });
    log(`started ${target.name} for catching up`);
    try {
      const figures = await catchUpBenchmark(target);
      results.catchUp.push({ scenario: target.name, ...figures });
      log(
        `catch-up on ${target.name}: synced p50 ${figures.synced.p50.toFixed(1)} ms, p95 ${figures.synced.p95.toFixed(1)} ms`,
      );
    } finally {
      await target.stop();
    }
  }
}

async function storm(target: Target, users: BenchUser[]): Promise<void> {
  const pids = { ...target.serverPids, ...target.servicePids };
  const waited = await untilQuiet(pids);
  log(`storm: the servers were quiet after ${(waited / 1000).toFixed(1)} s`);
  const result = await reconnectStorm(users, stormCount, pids);
  results.storm.push({ scenario: target.name, ...result, loadAverage: os.loadavg() });
  log(
    `storm: ${result.clients} clients back and synced in ${Math.round(result.recoveredInMs)} ms (the network back after ${Math.round(result.awayMs)} ms; ${result.listenOverflows} handshakes dropped from a full accept queue), ${result.missing} missing; CPU-s from the cut to the last sync ${Object.entries(
      result.cpu,
    )
      .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
      .join(', ')}; load average ${os.loadavg()[0]?.toFixed(2)}`,
  );
}

/** The reconnect storm alone, on the cluster: users, then the storm, with no load phase before it. */
async function stormScenario(): Promise<void> {
  const target = await startChat({ nodes: clusterNodes, backend: 'mysql+redis' });
  log(`started ${target.name} for the storm`);
  try {
    log(`creating ${userCount} users`);
    await storm(target, await createPairs(target.urls, userCount, pairsTogether));
  } finally {
    await target.stop();
  }
}

async function scenario(name: string): Promise<void> {
  if (name in PEER_DRIVERS) return peerScenario(name as PeerKind);
  if (name === 'search') return searchScenario();
  if (name === 'catch-up') return catchUpScenario();
  if (name === 'storm') return stormScenario();
  const target =
    name === 'relay'
      ? await startRelay()
      : await startChat(
          name === 'embedded' ? { nodes: 1, backend: 'embedded' } : { nodes: clusterNodes, backend: 'mysql+redis' },
        );
  log(`started ${target.name}`);
  try {
    // Idle first, on nodes that have carried no load yet: what a load phase leaves behind is
    // returned to the system at its own pace and would blur a per-connection figure.
    if (name === 'relay') {
      await measureIdle(target, ['-'], false);
      const driver = await rawDriver(target.urls, userCount);
      await runLoad(target, driver);
      driver.close();
      return;
    }
    log(`creating ${userCount} users`);
    const users = await createPairs(target.urls, userCount, pairsTogether);
    await measureIdle(
      target,
      // Every user, so that no user passes the per-user socket cap on a node (20).
      users.map((u) => u.token),
      true,
    );
    // `idle` holds the idle connections alone, on `--nodes` nodes: no load, no storm.
    if (name === 'idle') return;
    const driver = await chatDriver(users);
    await runLoad(target, driver);
    driver.close();
    if (name === 'cluster') await storm(target, users);
  } finally {
    await target.stop();
  }
}

function printTable(): void {
  const relayRate = new Map(
    results.steps.filter((s) => s.scenario === 'bare ws relay').map((s) => [s.offered, s.deliveriesPerServerCpuSecond]),
  );
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(
    '\nscenario                                offered  achieved   p50 ms   p99 ms   max ms  lost  dup  deliv/CPU-s  µs/deliv  vs relay',
  );
  for (const s of results.steps) {
    const ratio = relayRate.get(s.offered);
    console.log(
      `${s.scenario.padEnd(38)} ${pad(s.offered, 8)} ${pad(s.achieved, 9)} ${pad(s.p50.toFixed(1), 8)} ${pad(s.p99.toFixed(1), 8)} ${pad(s.max.toFixed(0), 8)} ${pad(s.lost, 5)} ${pad(s.duplicated, 4)} ${pad(s.deliveriesPerServerCpuSecond, 12)} ${pad(s.serverCpuMicrosPerDelivery, 9)} ${pad(ratio ? `${Math.round((100 * s.deliveriesPerServerCpuSecond) / ratio)}%` : '-', 9)}`,
    );
  }
  printRatios();
  console.log('\nidle connections');
  for (const i of results.idle as Array<{
    scenario: string;
    connections: number;
    failed: number;
    rssPerConnection: number;
    heapPerConnection: number;
  }>) {
    console.log(
      `${i.scenario.padEnd(38)} ${pad(i.connections, 7)} held (${i.failed} failed)  ${(i.rssPerConnection / 1024).toFixed(1)} KiB RSS, ${(i.heapPerConnection / 1024).toFixed(1)} KiB heap per connection`,
    );
  }
  for (const s of results.storm as Array<{
    clients: number;
    recoveredInMs: number;
    missing: number;
    sentWhileAway: number;
  }>) {
    console.log(
      `\nreconnect storm: ${s.clients} clients reconnected and synced in ${(s.recoveredInMs / 1000).toFixed(1)} s; ${s.missing} missed one of the ${s.sentWhileAway} messages sent while away`,
    );
  }
  for (const s of results.search) {
    console.log(
      `\nsearch, ${s.scenario}: ${s.messages} messages stored in ${s.fillSeconds.toFixed(0)} s; ${s.searches} searches, p50 ${s.overall.p50.toFixed(1)} ms, p95 ${s.overall.p95.toFixed(1)} ms, max ${s.overall.max.toFixed(1)} ms (target p95 <= 50 ms)`,
    );
    for (const [kind, l] of Object.entries(s.byKind))
      console.log(`  ${kind.padEnd(20)} p50 ${pad(l.p50.toFixed(1), 7)} ms  p95 ${pad(l.p95.toFixed(1), 7)} ms`);
  }
  for (const s of results.catchUp) {
    console.log(
      `\ncatch-up, ${s.scenario}: news in ${s.conversations} conversations, ${s.reconnects} reconnects; from connect to synced p50 ${s.synced.p50.toFixed(1)} ms, p95 ${s.synced.p95.toFixed(1)} ms, max ${s.synced.max.toFixed(1)} ms`,
    );
  }
}

/** Our figures as ratios to the peers', step by step at the same offered rate. */
function printRatios(): void {
  const at = (scenario: string, offered: number) =>
    results.steps.find((s) => s.scenario.startsWith(scenario) && s.offered === offered);
  const ours = results.steps.filter((s) => s.scenario.startsWith('chat,'));
  if (ours.length === 0) return;
  console.log('\nours as ratios (efficiency = deliveries per server CPU-s; p99 = ours / theirs, lower is better)');
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || !Number.isFinite(a / b) ? '-' : `${(a / b).toFixed(2)}x`;
  for (const s of ours) {
    const socketIo = at('Socket.IO', s.offered);
    const wsRedis = at('bare ws + Redis', s.offered);
    const relay = at('bare ws relay', s.offered);
    console.log(
      `${s.scenario.padEnd(38)} @ ${String(s.offered).padStart(6)}/s  efficiency vs Socket.IO ${ratio(s.deliveriesPerServerCpuSecond, socketIo?.deliveriesPerServerCpuSecond).padStart(6)}, vs ws+Redis ${ratio(s.deliveriesPerServerCpuSecond, wsRedis?.deliveriesPerServerCpuSecond).padStart(6)}, vs relay ${ratio(s.deliveriesPerServerCpuSecond, relay?.deliveriesPerServerCpuSecond).padStart(6)}; p99 vs Socket.IO ${ratio(s.p99, socketIo?.p99).padStart(6)}, vs ws+Redis ${ratio(s.p99, wsRedis?.p99).padStart(6)}`,
    );
  }
}

for (const name of scenarios) await scenario(name);
printTable();
const outDir = path.resolve(import.meta.dirname, '../results');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${file}`);
process.exit(0);
