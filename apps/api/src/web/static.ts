import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { SpaFallback } from '../http/errors.ts';

/**
 * Paths the single-page app never owns: unknown ones there are real 404s, not the app shell. That
 * holds for the built files too: a missing asset (or a source map, which is not published) answered
 * with the shell would be a broken script rather than a clear 404.
 */
const SERVER_PREFIXES = ['/api/', '/api?', '/ws', '/dev/', '/healthz', '/readyz', '/metrics', '/assets/'];

/** Hashed file names change with their content, so a browser may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The shell names the current hashed files: always revalidated, so a deploy is seen at once. */
const REVALIDATE = 'no-cache';

/**
 * Serves the built web client: the brotli or gzip copy the build made beside each file when the
 * browser accepts it (`Vary: Accept-Encoding`), the file itself otherwise. Hashed assets are cached
 * for a year; the shell never is. Returns the history-API fallback (index.html for any other GET,
 * so that client-side routes such as /verify survive a reload), or undefined when there is no built
 * client to serve.
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
    preCompressed: true,
    setHeaders(reply, filePath) {
      reply.header('cache-control', filePath.includes('/assets/') ? IMMUTABLE : REVALIDATE);
    },
  });
  return (request, reply) => {
    const ownedByServer = SERVER_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    if (request.method !== 'GET' || ownedByServer) return undefined;
    return reply.header('cache-control', REVALIDATE).sendFile('index.html');
  };
}
