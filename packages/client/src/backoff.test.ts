import { describe, expect, it } from 'vitest';
import { RECONNECT_MAX_MS, RESEND_MAX_MS, reconnectDelay, resendDelay } from './backoff.ts';

describe('back-off', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    expect(reconnectDelay(0, () => 0)).toBe(150);
    expect(reconnectDelay(0, () => 1)).toBe(300);
    expect(reconnectDelay(3, () => 1)).toBe(2400);
    expect(reconnectDelay(30, () => 1)).toBe(RECONNECT_MAX_MS);
    expect(resendDelay(0, () => 0)).toBe(250);
    expect(resendDelay(30, () => 1)).toBe(RESEND_MAX_MS);
  });
});
