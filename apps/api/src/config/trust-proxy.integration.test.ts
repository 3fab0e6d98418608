import type { ErrorBody } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { AUTH_LIMITS } from '../auth/rate-limits.ts';

const PUBLIC_URL = 'http://chat.test';

/** One proxy in front, named by hop count or by its address (the test's proxy is this machine). */
const SETTINGS = BACKENDS.flatMap((kind) => ['1', '127.0.0.0/8,::1'].map((trust) => [trust, kind] as const));

describe.each(SETTINGS)('behind one proxy (TRUST_PROXY=%s) on %s', (trust: string, kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: trust });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  /** A login attempt as a proxy that appends would forward it: the client's own header, then its address. */
  const loginThroughProxy = (clientWrote: string, clientAddress: string, attempt: number) =>
    fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: PUBLIC_URL,
        'x-forwarded-for': `${clientWrote}, ${clientAddress}`,
      },
      body: JSON.stringify({ login: `nobody-${attempt}`, password: 'guessing away' }),
    });

  it('a left-most X-Forwarded-For the client wrote does not give it a fresh rate-limit bucket', async () => {
    const { limit } = AUTH_LIMITS.loginPerIp;
    for (let attempt = 0; attempt < limit; attempt++) {
      expect((await loginThroughProxy(`203.0.113.${attempt}`, '198.51.100.7', attempt)).status).toBe(401);
    }
    const refused = await loginThroughProxy('203.0.113.250', '198.51.100.7', limit);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('rate_limited');
    // The address the proxy saw is what counts: another client behind the same proxy is not limited.
    expect((await loginThroughProxy('203.0.113.250', '198.51.100.8', limit + 1)).status).toBe(401);
  });
});
