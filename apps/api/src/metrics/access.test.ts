import { describe, expect, it } from 'vitest';
import { metricsAccess } from './access.ts';

const TOKEN = 'm'.repeat(32);

describe('who may scrape /metrics', () => {
  it('without a token: the machine itself only, whatever the request claims', () => {
    expect(metricsAccess(undefined, undefined, '127.0.0.1')).toBe('allowed');
    expect(metricsAccess(undefined, undefined, '::1')).toBe('allowed');
    expect(metricsAccess(undefined, undefined, '::ffff:127.0.0.1')).toBe('allowed');
    expect(metricsAccess(undefined, undefined, '10.0.0.7')).toBe('forbidden');
    expect(metricsAccess(undefined, undefined, '::ffff:192.168.1.20')).toBe('forbidden');
    expect(metricsAccess(undefined, `Bearer ${TOKEN}`, '203.0.113.9')).toBe('forbidden');
  });

  it('with a token: the right bearer token from anywhere, nothing else even from the machine itself', () => {
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}`, '203.0.113.9')).toBe('allowed');
    expect(metricsAccess(TOKEN, undefined, '127.0.0.1')).toBe('unauthenticated');
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN.slice(1)}x`, '127.0.0.1')).toBe('unauthenticated');
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}extra`, '127.0.0.1')).toBe('unauthenticated');
    expect(metricsAccess(TOKEN, `Basic ${TOKEN}`, '127.0.0.1')).toBe('unauthenticated');
  });
});
