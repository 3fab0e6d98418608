import type { ReadinessResponse } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../../test/private-redis.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy.ts';

describe('health probes on MySQL + Redis, with outages staged in front of them', () => {
  let environment: TestEnvironment;
  let proxy: TcpProxy;
  let redis: PrivateRedis;
  let server: TestServer;

  beforeAll(async () => {
    environment = await createEnvironment('mysql+redis');
    const databaseUrl = new URL(environment.backend.env.DATABASE_URL as string);
    proxy = await startTcpProxy(databaseUrl.hostname, Number(databaseUrl.port || 3306));
    databaseUrl.host = `127.0.0.1:${proxy.port}`;
    redis = await startPrivateRedis();
    server = await startServer({
      ...environment.backend.env,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redis.url,
    });
  });

  afterAll(async () => {
    await server.close();
    await Promise.all([proxy.close(), redis.stop()]);
    await environment.dispose();
  });

  const readiness = async () => {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as ReadinessResponse };
  };

  it('/healthz answers while the process is alive', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when the database and Redis answer', async () => {
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ok', checks: { database: true, redis: true } } });
  });

  it('/readyz turns 503 while the database is unreachable, and back to 200 after', async () => {
    proxy.cut();
    expect(await readiness()).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { database: false, redis: true } },
    });
    proxy.restore();
    expect((await readiness()).status).toBe(200);
  });

  it('/readyz turns 503 while Redis is down', async () => {
    await redis.stop();
    await expect.poll(async () => (await readiness()).body.checks.redis, { timeout: 5000 }).toBe(false);
    expect((await readiness()).status).toBe(503);
    await redis.start();
    await expect.poll(async () => (await readiness()).status, { timeout: 10_000 }).toBe(200);
  });
});

describe('errors', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer(environment.backend.env);
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  it('an unknown API route is a 404 in the shared error shape', async () => {
    const response = await fetch(`${server.url}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/nothing-here.' },
    });
  });

  it('every response carries a request id, and echoes one it was given', async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-me' } });
    expect(response.headers.get('x-request-id')).toBe('trace-me');
  });
});
