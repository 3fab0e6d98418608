import {
  ConversationListResponse,
  ConversationParams,
  ConversationResponse,
  HistoryQuery,
  HistoryResponse,
  MuteResponse,
  OpenConversationBody,
  ReadBody,
  UnreadResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { notFound } from '../http/errors.ts';
import { history, listConversations, openConversation, requireMembership, summarize } from './conversations.ts';
import type { ConversationStarted } from './events.ts';
import { setMute } from './muting.ts';
import { hiddenEvents, mutedEvents, readEvents } from './notify.ts';
import { deleteForMe, markRead, receiptsShared } from './reading.ts';

function viewerOf(request: FastifyRequest) {
  const { user } = authOf(request);
  return { id: user.id, readReceipts: user.read_receipts === 1 };
}

/** The REST side of chat: conversations, history, read cursors and delete-for-me, under /api. */
export async function chatRoutes(fastify: FastifyInstance, conversationStarted: ConversationStarted): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;
  const publicUsers = (viewerId: number, ids: readonly number[]) => app.publicUsers.lookup(viewerId, ids);
  app.addHook('preHandler', app.requireVerifiedUser);

  app.get('/conversations', { schema: { response: { 200: ConversationListResponse } } }, async (request) =>
    listConversations(db, viewerOf(request), publicUsers),
  );

  app.post(
    '/conversations',
    { schema: { body: OpenConversationBody, response: { 200: ConversationResponse } } },
    async (request) => {
      const viewer = viewerOf(request);
      const conversationId = await openConversation(db, viewer.id, request.body.userId);
      conversationStarted.emit(viewer.id, request.body.userId);
      const membership = await requireMembership(db, conversationId, viewer.id);
      const [conversation] = await summarize(db, [membership], viewer, publicUsers);
      if (!conversation) throw notFound('That user');
      return { conversation };
    },
  );

  app.get(
    '/conversations/:id',
    { schema: { params: ConversationParams, response: { 200: ConversationResponse } } },
    async (request) => {
      const viewer = viewerOf(request);
      const membership = await requireMembership(db, request.params.id, viewer.id);
      const [conversation] = await summarize(db, [membership], viewer, publicUsers);
      if (!conversation) throw notFound('That conversation');
      return { conversation };
    },
  );

  app.get(
    '/conversations/:id/messages',
    { schema: { params: ConversationParams, querystring: HistoryQuery, response: { 200: HistoryResponse } } },
    async (request) => history(db, await requireMembership(db, request.params.id, viewerOf(request).id), request.query),
  );

  app.post(
    '/conversations/:id/read',
    { schema: { params: ConversationParams, body: ReadBody, response: { 200: UnreadResponse } } },
    async (request) => {
      const userId = viewerOf(request).id;
      const result = await markRead(db, userId, request.params.id, request.body.seq);
      if (result.moved) {
        app.gateway.deliver(readEvents(userId, result, await receiptsShared(db, userId, result.peerId)));
      }
      return { conversationId: result.conversationId, unread: result.unread, total: result.total };
    },
  );

  // Mute and unmute: PUT sets it, DELETE takes it away; both answer with the state and tell the user's other connections.
  for (const [method, muted] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/conversations/:id/mute',
      schema: { params: ConversationParams, response: { 200: MuteResponse } },
      handler: async (request) => {
        const userId = viewerOf(request).id;
        const state = await setMute(db, userId, request.params.id, muted);
        app.gateway.deliver(mutedEvents(userId, state));
        return state;
      },
    });
  }

  app.delete(
    '/conversations/:id',
    { schema: { params: ConversationParams, response: { 200: UnreadResponse } } },
    async (request) => {
      const userId = viewerOf(request).id;
      const state = await deleteForMe(db, userId, request.params.id);
      app.gateway.deliver(hiddenEvents(userId, state));
      return state;
    },
  );
}
