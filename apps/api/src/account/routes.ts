import { EXPORT_LIMIT, OwnerProofBody } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { confirmOwner } from '../auth/owner-proof.ts';
import { enforceRateLimit } from '../http/request-limits.ts';
import { diskStorage } from '../uploads/storage.ts';
import { DELETING_ACCOUNT, deleteAccount } from './delete-account.ts';
import { exportArchive } from './export.ts';

const HOUR = 60 * 60 * 1000;
/** Guesses at the password through a session someone left open, before deleting the account. */
const DELETE_ATTEMPTS = { limit: 5, windowMs: HOUR / 4 };

/** The account as its owner controls it: take all of its data home, or delete it. */
export async function accountRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;
  const sources = {
    db,
    storage: diskStorage(app.config.uploadDir),
    lookupUsers: (viewerId: number, ids: readonly number[]) => app.publicUsers.lookup(viewerId, ids),
  };

  app.get(
    '/me/export',
    {
      preHandler: app.requireUser,
      schema: {
        description:
          'A zip of the account: profile, devices, blocks, passkeys, conversations with their messages, and own pictures.',
        produces: ['application/zip'],
      },
    },
    async (request, reply) => {
      const { user, session } = authOf(request);
      await enforceRateLimit(
        app,
        `exportPerUser:${user.id}`,
        { limit: EXPORT_LIMIT.perHour, windowMs: HOUR },
        'exports',
      );
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="chat-${user.username}-${day}.zip"`)
        .header('cache-control', 'no-store')
        .send(exportArchive(sources, user, session.idHash));
    },
  );

  app.post('/me/delete', { preHandler: app.requireUser, schema: { body: OwnerProofBody } }, async (request, reply) => {
    const { user, session } = authOf(request);
    await enforceRateLimit(app, `deleteAccountPerUser:${user.id}`, DELETE_ATTEMPTS, 'attempts');
    await confirmOwner(db, user, session, request.body, Date.now(), DELETING_ACCOUNT);
    const peers = await deleteAccount(db, user, Date.now());
    // Every socket of the account closes, on every node; its peers see it as deleted at once.
    app.sessionsEnded.emit(user.id, 'all');
    const [deleted] = await app.publicUsers.lookup(user.id, [user.id]);
    if (deleted) {
      const frames = [{ type: 'user_deleted' as const, user: deleted }];
      app.gateway.deliver(peers.map((userId) => ({ userId, event: { kind: 'frames', frames } })));
    }
    app.clearSessionCookie(reply);
    return reply.status(204).send();
  });
}
