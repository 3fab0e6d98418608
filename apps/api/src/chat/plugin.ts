import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { multiRowInsertIds } from '../infra/db/dialect.ts';
import { Signal } from '../infra/signal.ts';
import { blockRoutes } from './blocks/routes.ts';
import type { BlocksChanged, ConversationStarted } from './events.ts';
import { registerChatFrames } from './frames.ts';
import { chatRoutes } from './routes.ts';
import { backfillSearchIndex } from './search-index/backfill.ts';
import { GroupCommit } from './send/group-commit.ts';

declare module 'fastify' {
  interface FastifyInstance {
    chat: { conversationStarted: ConversationStarted; blocksChanged: BlocksChanged };
  }
}

/** Conversations and messages: the send path, the socket frames and the REST routes. */
export const chat = fp(
  async (app: FastifyInstance) => {
    const conversationStarted: ConversationStarted = new Signal();
    const blocksChanged: BlocksChanged = new Signal();
    const commit = new GroupCommit(app.database, await multiRowInsertIds(app.database));
    app.decorate('chat', { conversationStarted, blocksChanged });
    registerChatFrames(app, commit, conversationStarted);
    await app.register(async (routes) => chatRoutes(routes, conversationStarted), { prefix: '/api' });
    await app.register(async (routes) => blockRoutes(routes, blocksChanged), { prefix: '/api' });
    app.addHook('onReady', async () => {
      backfillSearchIndex(app.database, app.log).catch((error) =>
        app.log.error({ err: error }, 'search: backfill failed'),
      );
    });
  },
  { name: 'chat', dependencies: ['gateway', 'users', 'authentication'] },
);
