import { describe, expect, it } from 'vitest';
import { ackQuantileMs, type SendPathCounts } from './metrics.ts';

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
    expect(ackQuantileMs(before, after, 0.5)).toBeCloseTo(10);
    expect(ackQuantileMs(before, after, 0.7)).toBeCloseTo(17.5);
    expect(ackQuantileMs(before, after, 0.99)).toBeCloseTo(47.5);
  });

  it('says only "above the last bound" for acks slower than every bucket', () => {
    expect(ackQuantileMs(reading(0, 0, 0, 0), reading(0, 0, 90, 100), 0.99)).toBe(50);
  });

  it('has no quantile for a step without acks', () => {
    expect(ackQuantileMs(reading(5, 5, 5, 5), reading(5, 5, 5, 5), 0.5)).toBeUndefined();
  });
});
