import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route authenticates by a signed token in its URL and never by a cookie, and mail clients
     * post to it from anywhere (RFC 8058 one-click unsubscribe): a forged request can do nothing the
     * token's owner did not already allow, so the origin check does not apply.
     */
    tokenOnlyPost?: true;
  }
}

/**
 * CSRF defence for state-changing requests: a browser always sends Origin on them, so a request
 * from another site is refused by its Origin. A request without Origin is not from a browser and
 * is let through only if it carries no cookie (bearer-token clients, scripts), since only a cookie
 * could make it act as someone. Routes marked `tokenOnlyPost` are let through on POST alone.
 */
export function registerOriginCheck(app: FastifyInstance, publicOrigin: string): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.method === 'POST' && request.routeOptions.config?.tokenOnlyPost === true) return;
    const origin = request.headers.origin;
    if (origin === publicOrigin) return;
    if (origin === undefined && request.headers.cookie === undefined) return;
    throw new AppError(403, 'bad_origin', `Requests that change something must come from ${publicOrigin}.`);
  });
}
