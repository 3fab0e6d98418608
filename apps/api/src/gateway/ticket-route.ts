import { WsTicketResponse } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { issueWsTicket } from '../auth/ws-ticket.ts';

/** POST /api/ws-ticket: a short-lived ticket for clients that cannot send the cookie on the upgrade. */
export function registerTicketRoute(app: FastifyInstance): void {
  app.post(
    '/api/ws-ticket',
    { preHandler: app.requireUser, schema: { response: { 200: WsTicketResponse } } },
    async (request) => issueWsTicket(app.config.sessionSecret, authOf(request).session.idHash, Date.now()),
  );
}
