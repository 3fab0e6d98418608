import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second in /proc/<pid>/stat (CLK_TCK, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * BENCH_PROFILE_DIR=dir: each node and each storm worker writes a V8 CPU profile there on exit
 * (open it in Chrome DevTools).
 */
export const PROFILE_FLAGS = process.env.BENCH_PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
  : [];

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields are counted from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Connections the kernel dropped because a listener's accept queue was full, machine-wide so far
 * (TcpExt ListenOverflows): each waits out TCP's SYN retransmission, 1 s and more, before a node sees it.
 */
export function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'))
    .map((line) => line.split(/\s+/).slice(1));
  return Number(values?.[names?.indexOf('ListenOverflows') ?? -1] ?? 0);
}

/**
 * The process with a TCP socket listening on `port` (IPv4 or IPv6), from /proc; undefined when none
 * can be seen (another user's process, without the rights to read its file descriptors).
 */
export function pidListeningOn(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'])
    for (const line of readOrEmpty(table).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is address:port in hex; state 0A is LISTEN; field 9 is the socket's inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(`socket:[${fields[9]}]`);
    }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readdirSync(`/proc/${entry}/fd`).some((fd) => inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))))
        return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

/** A file's text, or nothing when it is not there (no /proc/net/tcp6 without IPv6). */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** CPU used by each named process between two moments. */
export class CpuMeter {
  private start = new Map<string, number>();
  constructor(private readonly pids: Record<string, number>) {}

  begin(): void {
    this.start = new Map(Object.entries(this.pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  end(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, cpuSeconds(pid) - (this.start.get(name) ?? 0)]),
    );
  }
}

/**
 * Waits until these processes together use under a tenth of a core over half a second (or a
 * minute passes), and says how long that took: a load step past the knee leaves sends queued
 * in the nodes, which they go on committing after it ends, and a storm measured meanwhile is
 * charged for them (MariaDB spent 15 CPU-s in one such storm, 3-4 in storms run alone).
 */
export async function untilQuiet(pids: Record<string, number>, deadlineMs = 60_000): Promise<number> {
  const started = performance.now();
  const meter = new CpuMeter(pids);
  while (performance.now() - started < deadlineMs) {
    meter.begin();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = Object.values(meter.end()).reduce((sum, seconds) => sum + seconds, 0);
    if (busy < 0.05) break;
  }
  return performance.now() - started;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(latencies: number[]): LatencySummary {
  if (latencies.length === 0) return { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** What the nodes' /metrics say of the send path so far, summed over the nodes. */
export interface SendPathCounts {
  /** Send batches committed (`chat_send_batch_size_count`). */
  batches: number;
  /** Sends acked within each bound, cumulative (`chat_send_ack_seconds_bucket`): the server's own share of a send's latency. */
  ackedWithin: Map<number, number>;
}

/** The send path's counts of every node, or undefined for a target without them (the relay, the peers). */
export async function sendPathCounts(urls: readonly string[]): Promise<SendPathCounts | undefined> {
  try {
    return parseSendPathCounts(await Promise.all(urls.map(async (url) => (await fetch(`${url}/metrics`)).text())));
  } catch {
    return undefined;
  }
}

/** The send path's counts in the nodes' Prometheus texts, summed; undefined when one of them has none. */
export function parseSendPathCounts(texts: readonly string[]): SendPathCounts | undefined {
  const counts: SendPathCounts = { batches: 0, ackedWithin: new Map() };
  for (const text of texts) {
    const batches = /^chat_send_batch_size_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1];
    if (batches === undefined) return undefined;
    counts.batches += Number(batches);
    for (const [, bound, count] of text.matchAll(/^chat_send_ack_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) {
      const seconds = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      counts.ackedWithin.set(seconds, (counts.ackedWithin.get(seconds) ?? 0) + Number(count));
    }
  }
  return counts;
}

/**
 * The q-quantile of the ack latency between two readings, in ms, interpolated within the
 * histogram's bucket (so as coarse as its bounds, from 1 ms to 5 s); Infinity when it lies beyond
 * the last bound, undefined without acks.
 */
export function ackQuantileMs(before: SendPathCounts, after: SendPathCounts, q: number): number | undefined {
  const bounds = [...after.ackedWithin.keys()].sort((a, b) => a - b);
  const within = bounds.map((bound) => (after.ackedWithin.get(bound) ?? 0) - (before.ackedWithin.get(bound) ?? 0));
  const total = within.at(-1) ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  const at = within.findIndex((count) => count >= rank);
  const upper = bounds[at] as number;
  const lower = at > 0 ? (bounds[at - 1] as number) : 0;
  if (!Number.isFinite(upper)) return Number.POSITIVE_INFINITY;
  const below = at > 0 ? (within[at - 1] as number) : 0;
  const share = (rank - below) / Math.max(1, (within[at] as number) - below);
  return (lower + share * (upper - lower)) * 1000;
}
