import type { FastifyInstance } from 'fastify';
import type { RateLimitRule } from '../infra/rate-limit/rate-limiter.ts';
import { AppError } from './errors.ts';

const MINUTE = 60_000;

/**
 * Per-address ceilings beside the capabilities' own limits. The API as a whole: far above what a
 * person's browser asks (a page of pictures is a few dozen requests), low enough that one address
 * cannot keep the database busy. Uploads: each one costs a decode and a resize, and nobody sends a
 * picture every few seconds for long. WebSocket upgrades are not counted here: a reconnect storm
 * after a node restarts is legitimate.
 */
export const REQUEST_LIMITS = {
  apiPerIp: { limit: 600, windowMs: MINUTE },
  uploadsPerIp: { limit: 30, windowMs: 5 * MINUTE },
} as const satisfies Record<string, RateLimitRule>;

const UPLOAD_ROUTE = '/api/uploads';

/** Counts one hit of `key`; past the rule's limit answers 429 rate_limited with Retry-After. */
export async function enforceRateLimit(
  app: FastifyInstance,
  key: string,
  rule: RateLimitRule,
  what = 'requests',
): Promise<void> {
  const result = await app.rateLimiter.hit(key, rule);
  if (result.allowed) return;
  const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  throw new AppError(429, 'rate_limited', `Too many ${what}. Try again in ${seconds} seconds.`, {
    headers: { 'retry-after': String(seconds) },
  });
}

/** The site-wide and upload limits, counted before anything else is done for a request. */
export function registerRequestLimits(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    await enforceRateLimit(app, `apiPerIp:${request.ip}`, REQUEST_LIMITS.apiPerIp);
    if (request.method === 'POST' && request.routeOptions.url === UPLOAD_ROUTE) {
      await enforceRateLimit(app, `uploadsPerIp:${request.ip}`, REQUEST_LIMITS.uploadsPerIp, 'uploads');
    }
  });
}
