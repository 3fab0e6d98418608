import { BlockListResponse, BlockParams, BlockStateResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../../auth/authenticate.ts';
import type { BlocksChanged } from '../events.ts';
import { blockChangedEvents } from '../notify.ts';
import { setBlocked } from './blocking.ts';
import { listBlockedBy } from './repository.ts';
import { seeEachOther, unknownPresence } from './rules.ts';

/** Blocking over REST, under /api: the list of people one blocked, block and unblock. */
export async function blockRoutes(fastify: FastifyInstance, blocksChanged: BlocksChanged): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;
  app.addHook('preHandler', app.requireVerifiedUser);

  app.get('/blocks', { schema: { response: { 200: BlockListResponse } } }, async (request) => {
    const rows = await listBlockedBy(db, authOf(request).user.id);
    const users = new Map(
      (
        await app.publicUsers.lookup(
          authOf(request).user.id,
          rows.map((row) => row.userId),
        )
      ).map((u) => [u.id, u]),
    );
    return {
      blocked: rows.flatMap(({ userId, blockedAt }) => {
        const user = users.get(userId);
        return user ? [{ user: { ...user, presence: unknownPresence(user.presence.version) }, blockedAt }] : [];
      }),
    };
  });

  /** Takes effect at once on every node: presence hides the pair, the blocker's other tabs are told. */
  async function change(userId: number, otherId: number, blocked: boolean): Promise<BlockStateResponse> {
    await setBlocked(db, userId, otherId, blocked);
    // Unblocking someone who blocks you too leaves them hidden.
    blocksChanged.emit(userId, otherId, !(await seeEachOther(db, userId, otherId)));
    app.gateway.deliver(blockChangedEvents(userId, otherId, blocked));
    return { userId: otherId, blocked };
  }
  const schema = { params: BlockParams, response: { 200: BlockStateResponse } };
  app.put('/blocks/:userId', { schema }, async (request) =>
    change(authOf(request).user.id, request.params.userId, true),
  );
  app.delete('/blocks/:userId', { schema }, async (request) =>
    change(authOf(request).user.id, request.params.userId, false),
  );
}
