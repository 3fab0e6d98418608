import { HealthResponse, ReadinessResponse } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import { pingDatabase } from '../infra/db/database.ts';

/** A probe that takes longer than this counts as a failure: a load balancer must not wait on us. */
const PROBE_TIMEOUT_MS = 2000;

async function answersWithin(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: HealthResponse } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { response: { 200: ReadinessResponse, 503: ReadinessResponse } } }, async (_, reply) => {
    const checks: Record<string, boolean> = {
      database: await answersWithin(() => pingDatabase(app.database.db)),
    };
    const { redis } = app;
    if (redis) checks.redis = app.bus.isHealthy() && (await answersWithin(async () => void (await redis.ping())));
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });

  // For the benchmark and for hunting leaks: memory after a full collection (with --expose-gc).
  if (app.config.production) return;
  app.get('/dev/memory', async () => {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed, connections: app.gateway.connectionCount };
  });
}
