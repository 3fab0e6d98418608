import { DirectoryQuery, DirectoryResponse, SettingsBody, UserResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { AppError } from '../http/errors.ts';
import { findUserById, searchUsers, setReadReceipts, toMe } from './users-repository.ts';

const DEFAULT_DIRECTORY_PAGE = 30;

/** The user directory and the signed-in user's settings. */
export async function usersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;

  app.get(
    '/users',
    {
      preHandler: app.requireVerifiedUser,
      schema: { querystring: DirectoryQuery, response: { 200: DirectoryResponse } },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_DIRECTORY_PAGE;
      const rows = await searchUsers(db, {
        prefix: (request.query.query ?? '').trim().toLowerCase(),
        after: request.query.cursor,
        excludeId: authOf(request).user.id,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const users = await app.presence.publicUsers(page.map((row) => row.id));
      return { users, nextCursor: rows.length > limit ? (page.at(-1)?.username ?? null) : null };
    },
  );

  app.patch(
    '/me/settings',
    { preHandler: app.requireUser, schema: { body: SettingsBody, response: { 200: UserResponse } } },
    async (request) => {
      const userId = authOf(request).user.id;
      await setReadReceipts(db, userId, request.body.readReceipts);
      const user = await findUserById(db, userId);
      if (!user) throw new AppError(401, 'unauthenticated', 'Sign in first.');
      return { user: toMe(user) };
    },
  );
}
