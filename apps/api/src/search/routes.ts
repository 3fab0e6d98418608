import { SEARCH_LIMITS, SearchQuery, SearchResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { seenBy } from '../chat/blocks/rules.ts';
import { requireMembership } from '../chat/conversations.ts';
import { enforceRateLimit } from '../http/request-limits.ts';
import { searchMessages } from './search.ts';

const SEARCH_RULE = { limit: SEARCH_LIMITS.perMinute, windowMs: 60_000 };

/** `GET /api/search`: the caller's messages, in one conversation or all of theirs. */
export async function searchRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/search',
    {
      preHandler: app.requireVerifiedUser,
      schema: { querystring: SearchQuery, response: { 200: SearchResponse } },
    },
    async (request) => {
      const userId = authOf(request).user.id;
      await enforceRateLimit(app, `search:${userId}`, SEARCH_RULE, 'searches');
      const { conversationId } = request.query;
      if (conversationId !== undefined) await requireMembership(app.database.db, conversationId, userId);
      // Peers as this user sees them: presence hidden as they chose, and across a block.
      const peers = seenBy(app.database.db, userId, (ids) => app.publicUsers.lookup(userId, ids));
      return searchMessages(app.database, userId, request.query, peers);
    },
  );
}
