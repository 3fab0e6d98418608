import { PROTOCOL_VERSION, PROTOCOL_VERSION_PARAM } from '@chat/protocol';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** The machine-readable document, for client generators and API tools. */
export const OPENAPI_PATH = '/api/openapi.json';
/** A readable reference, generated from the same document. */
export const API_DOCS_PREFIX = '/api/docs';

/**
 * Publishes the REST API as OpenAPI 3, generated from the TypeBox schemas every route declares, so
 * the document cannot drift from what the server validates. Registered before any route: the
 * document is built from the routes registered after it. The WebSocket protocol is in docs/protocol.md.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chat API',
        version: String(PROTOCOL_VERSION),
        description:
          'REST API of the chat. Signed-in requests carry the session cookie that POST /api/auth/login sets (a ' +
          'browser also sends a matching Origin on changes), or `Authorization: Bearer <token>` with the token it ' +
          'issues when asked (`issueToken: true`). Realtime frames go over the WebSocket at /ws, described in ' +
          'docs/protocol.md.',
      },
      // @fastify/websocket hides its routes from the document; the upgrade is described here instead.
      paths: {
        '/ws': {
          get: {
            summary: 'Opens the realtime WebSocket (frames: docs/protocol.md)',
            parameters: [
              { name: PROTOCOL_VERSION_PARAM, in: 'query', required: true, schema: { const: PROTOCOL_VERSION } },
              {
                name: 'ticket',
                in: 'query',
                required: false,
                description: 'From POST /api/ws-ticket, for clients that cannot send the session cookie.',
                schema: { type: 'string' },
              },
            ],
            responses: { '101': { description: 'Switching to the WebSocket protocol.' } },
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: API_DOCS_PREFIX });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
