import { ApiError } from '@chat/client';
import type { ErrorBody } from '@chat/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { createChatUser } from '../../test/chat-users.ts';
import { TestAgent } from '../../test/http.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { AUTH_LIMITS } from '../auth/rate-limits.ts';
import { REQUEST_LIMITS } from './request-limits.ts';

const PUBLIC_URL = 'http://chat.test';

describe.each(BACKENDS)('per-address request limits on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  const from = (ip: string) => new TestAgent(server.url, PUBLIC_URL, ip);

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  /** Sends `count` requests from one address, `atOnce` at a time; returns their statuses in order. */
  async function burst(count: number, send: () => Promise<{ status: number }>, atOnce = 25): Promise<number[]> {
    const statuses: number[] = [];
    for (let sent = 0; sent < count; sent += atOnce) {
      const batch = Array.from({ length: Math.min(atOnce, count - sent) }, send);
      for (const response of await Promise.all(batch)) statuses.push(response.status);
    }
    return statuses;
  }

  it('one address flooding the API is turned away with 429, Retry-After and the error shape', async () => {
    const ip = '198.51.100.31';
    const { limit } = REQUEST_LIMITS.apiPerIp;
    const statuses = await burst(limit, () => from(ip).get('/api/users'));
    expect(statuses.every((status) => status === 401)).toBe(true);
    const refused = await from(ip).get<ErrorBody>('/api/users');
    expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
    expect(refused.body.error.message).toMatch(/Try again in \d+ seconds/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Only that address: others, and the pages outside the API, still answer.
    expect((await from('198.51.100.32').get('/api/users')).status).toBe(401);
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
  });

  it('uploads have a tighter limit of their own', async () => {
    const user = await createChatUser(server.url);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const upload = () =>
      user.api.upload(new Blob([png]), 'picture').then(
        () => ({ status: 201 }),
        (error: unknown) => ({ status: error instanceof ApiError ? error.status : 0 }),
      );
    const { limit } = REQUEST_LIMITS.uploadsPerIp;
    expect(limit).toBeLessThan(REQUEST_LIMITS.apiPerIp.limit);
    // One at a time: the same picture twice at once trips a storage race in uploads/storage.ts (reported).
    const statuses = await burst(limit + 1, upload, 1);
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(201));
    expect(statuses[limit]).toBe(429);
    // The rest of the API is still open to that user.
    expect((await user.api.conversations()).conversations).toEqual([]);
  });

  it('asking whether an email has an account is limited tighter than asking about usernames', async () => {
    const ip = '198.51.100.33';
    const emailLimit = AUTH_LIMITS.availabilityEmailPerIp.limit;
    expect(emailLimit).toBeLessThan(AUTH_LIMITS.availabilityUsernamePerIp.limit);
    const statuses = await burst(emailLimit, () =>
      from(ip).get(`/api/auth/availability?email=someone-${Math.random()}@example.com`),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await from(ip).get<ErrorBody>('/api/auth/availability?email=victim@example.com');
    expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await from(ip).get('/api/auth/availability?username=still_free_1')).status).toBe(200);
  });
});
