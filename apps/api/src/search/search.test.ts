import { describe, expect, it } from 'vitest';
import { spanSteps } from './search.ts';

describe('spanSteps', () => {
  it('reads the newest span alone, then ever wider ranges of older ones, down to the first, each once', () => {
    expect([...spanSteps(9)]).toEqual([
      { newest: 9, oldest: 9 },
      { newest: 8, oldest: 7 },
      { newest: 6, oldest: 3 },
      { newest: 2, oldest: 0 },
    ]);
    expect([...spanSteps(0)]).toEqual([{ newest: 0, oldest: 0 }]);
  });
});
