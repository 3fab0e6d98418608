import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the single-page app never owns: unknown ones there are real 404s, not the app shell. */
const SERVER_PREFIXES = ['/api/', '/api?', '/ws', '/dev/', '/healthz', '/readyz'];

export type SpaFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

/**
 * Serves the built web client. Hashed assets are cached for a year; the shell never is.
 * Returns the history-API fallback (index.html for any other GET, so that client-side routes such
 * as /verify survive a reload), or undefined when there is no built client to serve.
 */
export async function serveWebClient(
  app: FastifyInstance,
  webDir: string | undefined,
): Promise<SpaFallback | undefined> {
  if (webDir === undefined || !existsSync(webDir)) {
    app.log.warn({ webDir }, 'web client not built; serving the API only');
    return undefined;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    setHeaders(reply, filePath) {
      const immutable = filePath.includes('/assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (request, reply) => {
    const ownedByServer = SERVER_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    if (request.method !== 'GET' || ownedByServer) return undefined;
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}
