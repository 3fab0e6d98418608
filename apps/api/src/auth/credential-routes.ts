import { ChangeEmailBody, ChangePasswordBody, TokenBody, UserResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { findUserById, toMe } from '../users/users-repository.ts';
import { cancelEmailChange, changePassword, confirmEmailChange, requestEmailChange } from './account-changes.ts';
import type { AccountsContext } from './accounts.ts';
import { authOf } from './authenticate.ts';
import { enforceLimit } from './rate-limits.ts';

/** Changing what signs an account in, from inside it: the password and the email address. Under /api. */
export async function credentialRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;
  const context: AccountsContext = {
    db,
    publicUrl: app.config.publicUrl,
    bcryptCost: app.config.bcryptCost,
    mailQueued: () => app.mailQueued(),
  };
  const current = async (request: FastifyRequest) => {
    const user = await findUserById(db, authOf(request).user.id);
    if (!user) throw new AppError(401, 'unauthenticated', 'Sign in first.');
    return { user: toMe(user) };
  };

  app.post(
    '/me/password',
    { preHandler: app.requireUser, schema: { body: ChangePasswordBody, response: { 200: UserResponse } } },
    async (request) => {
      const signedIn = authOf(request);
      await enforceLimit(app, 'currentPasswordPerUser', String(signedIn.user.id));
      const { endedSessions } = await changePassword(context, signedIn, request.body);
      if (endedSessions.length > 0) app.sessionsEnded.emit(signedIn.user.id, endedSessions);
      return current(request);
    },
  );

  app.post(
    '/me/email',
    { preHandler: app.requireUser, schema: { body: ChangeEmailBody, response: { 202: UserResponse } } },
    async (request, reply) => {
      const { user } = authOf(request);
      await enforceLimit(app, 'currentPasswordPerUser', String(user.id));
      await enforceLimit(app, 'emailChangePerUser', String(user.id));
      await requestEmailChange(context, user, request.body);
      return reply.status(202).send(await current(request));
    },
  );

  app.delete(
    '/me/email/pending',
    { preHandler: app.requireUser, schema: { response: { 200: UserResponse } } },
    async (request) => {
      await cancelEmailChange(context, authOf(request).user.id);
      return current(request);
    },
  );

  // No session needed: the link may be opened in another browser; the token proves the address.
  app.post(
    '/auth/email/confirm',
    { schema: { body: TokenBody, response: { 200: UserResponse } } },
    async (request) => ({
      user: toMe(await confirmEmailChange(context, request.body.token)),
    }),
  );
}
