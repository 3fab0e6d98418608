import { describe, expect, it } from 'vitest';
import { UserLimiter } from './user-limiter.ts';

describe('UserLimiter', () => {
  it('lets a burst through, then refills at the sustained rate', () => {
    let now = 0;
    const limiter = new UserLimiter(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take(7))).toEqual([true, true, true, false]);
    now += 500;
    expect(limiter.take(7)).toBe(true);
    expect(limiter.take(7)).toBe(false);
    expect(limiter.take(8)).toBe(true);
  });

  it('prunes only buckets that have refilled', () => {
    let now = 0;
    const limiter = new UserLimiter(1, 2, () => now);
    limiter.take(1);
    limiter.take(1);
    limiter.prune();
    expect(limiter.take(1)).toBe(false);
    now += 2000;
    limiter.prune();
    expect([limiter.take(1), limiter.take(1), limiter.take(1)]).toEqual([true, true, false]);
  });
});
