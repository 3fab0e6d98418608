import { DirectoryQuery, DirectoryResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { seenBy } from '../chat/blocks/rules.ts';
import { searchUsers } from '../users/users-repository.ts';

const DEFAULT_DIRECTORY_PAGE = 30;

/** The user directory: everyone one may start a conversation with, by username prefix, paged. */
export async function directoryRoutes(fastify: FastifyInstance): Promise<void> {
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
      const viewerId = authOf(request).user.id;
      const rows = await searchUsers(db, {
        prefix: (request.query.query ?? '').trim().toLowerCase(),
        after: request.query.cursor,
        excludeId: viewerId,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const users = await seenBy(db, viewerId, (ids) => app.publicUsers.lookup(viewerId, ids))(
        page.map((row) => row.id),
      );
      return { users, nextCursor: rows.length > limit ? (page.at(-1)?.username ?? null) : null };
    },
  );
}
