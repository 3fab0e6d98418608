import { describe, expect, it } from 'vitest';
import { ackQuantileMs, parseSendPathCounts, type SendPathCounts } from './metrics.ts';

/** A reading of the ack histogram: cumulative counts at 10, 25, 50 ms and +Inf. */
const reading = (within10: number, within25: number, within50: number, all: number): SendPathCounts => ({
  batches: 0,
  ackedWithin: new Map([
    [0.01, within10],
    [0.025, within25],
    [0.05, within50],
    [Number.POSITIVE_INFINITY, all],
  ]),
});

describe('ackQuantileMs', () => {
  it('reads only the acks between the two readings, interpolating within their bucket', () => {
    // Before the step, 1,000 acks all within 10 ms; during it, 100 more: 50 within 10 ms, 40 within 25, 10 within 50.
    const before = reading(1000, 1000, 1000, 1000);
    const after = reading(1050, 1090, 1100, 1100);
    expect(ackQuantileMs(before, after, 0.25)).toBeCloseTo(5);
    expect(ackQuantileMs(before, after, 0.5)).toBeCloseTo(10);
    expect(ackQuantileMs(before, after, 0.7)).toBeCloseTo(17.5);
    expect(ackQuantileMs(before, after, 0.99)).toBeCloseTo(47.5);
  });

  it('gives no figure but "beyond the last bound" for acks slower than every bucket', () => {
    expect(ackQuantileMs(reading(0, 0, 0, 0), reading(0, 0, 90, 100), 0.99)).toBe(Number.POSITIVE_INFINITY);
  });

  it('has no quantile for a step without acks', () => {
    expect(ackQuantileMs(reading(5, 5, 5, 5), reading(5, 5, 5, 5), 0.5)).toBeUndefined();
  });
});

describe('parseSendPathCounts', () => {
  const node = (batches: number, within10: number, all: number) =>
    [
      '# HELP chat_send_batch_size Sends committed in one transaction.',
      `chat_send_batch_size_bucket{le="64"} ${batches}`,
      `chat_send_batch_size_count ${batches}`,
      `chat_send_ack_seconds_bucket{le="0.01"} ${within10}`,
      `chat_send_ack_seconds_bucket{le="+Inf"} ${all}`,
      `chat_send_ack_seconds_count ${all}`,
    ].join('\n');

  it('sums the batches and the ack buckets of every node', () => {
    const counts = parseSendPathCounts([node(3, 10, 12), node(4, 1, 5)]);
    expect(counts?.batches).toBe(7);
    expect(counts?.ackedWithin).toEqual(
      new Map([
        [0.01, 11],
        [Number.POSITIVE_INFINITY, 17],
      ]),
    );
  });

  it('has nothing for a server without a send path (a peer, the relay)', () => {
    expect(parseSendPathCounts([node(3, 10, 12), 'process_cpu_seconds_total 1.5'])).toBeUndefined();
  });
});
