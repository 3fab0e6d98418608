import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for state-changing requests: a browser always sends Origin on them, so a request
 * from another site is refused by its Origin. A request without Origin is not from a browser and
 * is let through only if it carries no cookie (bearer-token clients, scripts), since only a cookie
 * could make it act as someone.
 */
export function registerOriginCheck(app: FastifyInstance, publicOrigin: string): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin === publicOrigin) return;
    if (origin === undefined && request.headers.cookie === undefined) return;
    throw new AppError(403, 'bad_origin', `Requests that change something must come from ${publicOrigin}.`);
  });
}
