import { readFileSync } from 'node:fs';

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

/**
 * Batches the nodes have committed so far (`chat_send_batch_size_count` of their /metrics), or
 * undefined for a target without the metric (the relay).
 */
export async function batchesCommitted(urls: readonly string[]): Promise<number | undefined> {
  try {
    const counts = await Promise.all(
      urls.map(async (url) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return Number(/^chat_send_batch_size_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
      }),
    );
    const total = counts.reduce((a, b) => a + b, 0);
    return Number.isNaN(total) ? undefined : total;
  } catch {
    return undefined;
  }
}
