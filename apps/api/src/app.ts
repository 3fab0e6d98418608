import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { accountRoutes } from './account/routes.ts';
import { authentication } from './auth/authenticate.ts';
import { credentialRoutes } from './auth/credential-routes.ts';
import { deviceRoutes } from './auth/device-routes.ts';
import { oidcRoutes } from './auth/oidc/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { robot } from './bot/plugin.ts';
import { chat } from './chat/plugin.ts';
import { type Config, proxyTrust } from './config/config.ts';
import { directoryRoutes } from './directory/routes.ts';
import { gateway } from './gateway/plugin.ts';
import { healthRoutes } from './health/routes.ts';
import { registerCompression } from './http/compression.ts';
import { registerErrorHandler, registerNotFoundHandler } from './http/errors.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerOriginCheck } from './http/origin.ts';
import { serializeRequest } from './http/redact.ts';
import { registerRequestLimits } from './http/request-limits.ts';
import { type LogStream, loggerSetup } from './infra/logger.ts';
import { infrastructure } from './infra/plugin.ts';
import { mail } from './mail/plugin.ts';
import { metrics } from './metrics/plugin.ts';
import { missedMail } from './missed-mail/plugin.ts';
import { presence } from './presence/plugin.ts';
import { profileRoutes } from './profile/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { settingsRoutes } from './settings/routes.ts';
import { uploadsRoutes } from './uploads/plugin.ts';
import { users } from './users/public-users.ts';
import { registerSecurityHeaders } from './web/security-headers.ts';
import { serveWebClient } from './web/static.ts';

/** JSON bodies are small; pictures go through the upload route, which streams. */
const BODY_LIMIT_BYTES = 64 * 1024;
const IDLE_SWEEP_MS = 100;

export interface BuildOptions {
  /** Sees every route as it is registered: the test that the OpenAPI document covers them walks them so. */
  onRoute?: (route: RouteOptions) => void;
  /** Where the logs go instead of stdout, as JSON lines: tests read them. */
  logStream?: LogStream;
}

/**
 * Builds the whole server: infrastructure first (database, bus), then capabilities, then routes,
 * then the web client. Nothing listens until the caller says so.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Tickets and mailed tokens travel in query strings; the request log line must not keep them.
    logger: {
      ...loggerSetup(config, Boolean(process.stdout.isTTY), options.logStream),
      serializers: { req: serializeRequest },
    },
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Behind a load balancer the client's address is in X-Forwarded-For; rate limits need it.
    trustProxy: proxyTrust(config.trustProxy),
  });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  // The id in the logs, handed back so a user's bug report can be matched to them.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Keep-alive connections whose last request finishes during the drain (the in-process robot's,
  // a browser's) would hold close() open until their idle timeout: close each once it is idle.
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    idleSweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
    idleSweep.unref();
  });
  app.addHook('onClose', async () => clearInterval(idleSweep));

  registerErrorHandler(app);
  await registerSecurityHeaders(app, config.publicUrl);
  await registerCompression(app);
  await registerOpenApi(app);
  await app.register(infrastructure, { config });
  registerRequestLimits(app);
  registerOriginCheck(app, config.publicUrl.origin);
  await app.register(mail);
  await app.register(authentication);
  await app.register(healthRoutes);
  await app.register(users);
  await app.register(gateway);
  await app.register(chat);
  await app.register(presence);
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(oidcRoutes, { prefix: '/api/auth/oidc' });
  await app.register(deviceRoutes, { prefix: '/api' });
  await app.register(credentialRoutes, { prefix: '/api' });
  await app.register(directoryRoutes, { prefix: '/api' });
  await app.register(settingsRoutes, { prefix: '/api' });
  await app.register(accountRoutes, { prefix: '/api' });
  await app.register(uploadsRoutes, { prefix: '/api' });
  await app.register(profileRoutes, { prefix: '/api' });
  await app.register(searchRoutes, { prefix: '/api' });
  await app.register(missedMail);
  await app.register(metrics);
  await app.register(robot);
  registerNotFoundHandler(app, await serveWebClient(app, config.webDir));
  return app;
}
