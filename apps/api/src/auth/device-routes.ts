import { EndedSessionsResponse, SessionParams, SessionsResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/errors.ts';
import { authOf } from './authenticate.ts';
import { publicSessionId, toDeviceSession } from './devices.ts';
import { deleteSession, deleteUserSessions, listUserSessions } from './sessions.ts';

/**
 * The caller's devices: every live session of the account, and signing one out or all the others.
 * An ended session's sockets close at once, on whichever node they are (sessionsEnded).
 */
export async function deviceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;

  app.get(
    '/me/sessions',
    { preHandler: app.requireUser, schema: { response: { 200: SessionsResponse } } },
    async (request) => {
      const { session } = authOf(request);
      const rows = await listUserSessions(db, session.userId, Date.now());
      return { sessions: rows.map((row) => toDeviceSession(row, session.idHash)) };
    },
  );

  // Only the caller's own sessions are looked in: any other id, someone else's included, is 404.
  app.delete(
    '/me/sessions/:id',
    { preHandler: app.requireUser, schema: { params: SessionParams } },
    async (request, reply) => {
      const { session } = authOf(request);
      const rows = await listUserSessions(db, session.userId, Date.now());
      const target = rows.find((row) => publicSessionId(row.id_hash) === request.params.id);
      if (!target) throw notFound('That session');
      await deleteSession(db, target.id_hash);
      app.sessionsEnded.emit(session.userId, [target.id_hash]);
      if (target.id_hash === session.idHash) app.clearSessionCookie(reply);
      return reply.status(204).send();
    },
  );

  app.post(
    '/me/sessions/end-others',
    { preHandler: app.requireUser, schema: { response: { 200: EndedSessionsResponse } } },
    async (request) => {
      const { session } = authOf(request);
      const ended = await deleteUserSessions(db, session.userId, session.idHash);
      if (ended.length > 0) app.sessionsEnded.emit(session.userId, ended);
      return { ended: ended.length };
    },
  );
}
