import {
  ConversationListResponse,
  ConversationParams,
  ConversationResponse,
  HistoryQuery,
  HistoryResponse,
  OpenConversationBody,
  ReadBody,
  UnreadResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authOf } from '../auth/authenticate.ts';
import { AppError, notFound } from '../http/errors.ts';
import { multiRowInsertIds } from '../infra/db/dialect.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import { findUsersReceipts } from '../users/users-repository.ts';
import { history, listConversations, openConversation, requireMembership, summarize } from './conversations.ts';
import { deleteForMe, markRead, prepareSend, type ReadResult, type SendResult, syncSince } from './messaging.ts';
import { SendBatcher } from './send-batch.ts';
import { SendLimiter } from './send-limiter.ts';

/** Sustained sends per user per second, and the burst allowed on top (a pasted list, a quick exchange). */
const SENDS_PER_SECOND = 20;
const SEND_BURST = 40;
const TYPING_MIN_INTERVAL_MS = 1000;

function viewerOf(request: FastifyRequest) {
  const { user } = authOf(request);
  return { id: user.id, readReceipts: user.read_receipts === 1 };
}

/** Conversations, history, read cursors and the socket frames that carry them. */
export const chat = fp(
  async (fastify: FastifyInstance) => {
    const { gateway } = fastify;
    const db = fastify.database.db;
    const publicUsers = fastify.presence.publicUsers;
    const limiter = new SendLimiter(SENDS_PER_SECOND, SEND_BURST);
    const batcher = new SendBatcher(db, await multiRowInsertIds(fastify.database));
    const prune = setInterval(() => limiter.prune(), 60_000);
    prune.unref();
    fastify.addHook('onClose', async () => clearInterval(prune));

    const lastTyping = new Map<string, number>();

    /** Members of a conversation never change, so its peer is remembered for typing frames. */
    const peerOf = new Map<string, number>();
    async function peerIn(conversationId: number, userId: number): Promise<number> {
      const key = `${conversationId}:${userId}`;
      const cached = peerOf.get(key);
      if (cached !== undefined) return cached;
      const membership = await requireMembership(db, conversationId, userId);
      if (peerOf.size > 100_000) peerOf.clear();
      peerOf.set(key, membership.peerId);
      return membership.peerId;
    }

    async function fanOutSend(result: SendResult, originConnection?: string): Promise<void> {
      const { message, peerId, peerUnread, senderUnread } = result;
      const serverTime = Date.now();
      await Promise.all([
        gateway.publish(peerId, {
          kind: 'frames',
          frames: [
            { type: 'message', message, serverTime },
            { type: 'unread', ...peerUnread },
          ],
        }),
        gateway.publish(message.senderId, {
          kind: 'frames',
          frames: [
            { type: 'message', message, serverTime },
            { type: 'unread', ...senderUnread },
          ],
          skipConnection: originConnection,
        }),
      ]);
      if (message.seq === 1) {
        await fastify.presence.watchFor(peerId, [message.senderId]);
        await fastify.presence.watchFor(message.senderId, [peerId]);
      }
    }

    /** The reader's tabs learn the new counts; the peer sees "seen" only if both sides have receipts on. */
    async function fanOutRead(userId: number, result: ReadResult): Promise<void> {
      if (!result.moved) return;
      const { moved: _, peerId, ...state } = result;
      const receipt = { type: 'read' as const, conversationId: state.conversationId, userId, seq: state.readSeq };
      await gateway.publish(userId, { kind: 'frames', frames: [{ type: 'unread', ...state }, receipt] });
      const receipts = await findUsersReceipts(db, [userId, peerId]);
      if (receipts.every(Boolean)) await gateway.publish(peerId, { kind: 'frames', frames: [receipt] });
    }

    const logFanOutFailure = (error: unknown) => fastify.log.warn({ err: error }, 'fan-out failed; peers will resync');

    gateway.handle('ping', (connection, frame) => {
      connection.send({ type: 'pong', ref: frame.ref, serverTime: Date.now() });
    });

    gateway.handle('send', async (connection, frame) => {
      const acked = sendMetrics.started();
      if (!limiter.take(connection.userId)) {
        throw new AppError(429, 'rate_limited', 'You are sending too fast. Wait a moment and try again.');
      }
      const result = await batcher.submit(await prepareSend(db, connection.userId, frame));
      connection.send({ type: 'ack', clientId: frame.clientId, message: result.message });
      acked();
      if (!result.created) return;
      connection.send({ type: 'unread', ...result.senderUnread });
      // Stored means stored: a bus hiccup now costs others only latency (they resync), never the message.
      await fanOutSend(result, connection.id).catch(logFanOutFailure);
    });

    gateway.handle('read', async (connection, frame) => {
      const result = await markRead(db, connection.userId, frame.conversationId, frame.seq);
      await fanOutRead(connection.userId, result).catch(logFanOutFailure);
    });

    gateway.handle('typing', async (connection, frame) => {
      const key = `${connection.id}:${frame.conversationId}`;
      const now = Date.now();
      // "Typing" is a hint: extra ones within a second are dropped, so a flood cannot reach the peer.
      if (now - (lastTyping.get(key) ?? 0) < TYPING_MIN_INTERVAL_MS) return;
      if (lastTyping.size > 100_000) lastTyping.clear();
      lastTyping.set(key, now);
      const peerId = await peerIn(frame.conversationId, connection.userId);
      await gateway.publish(peerId, {
        kind: 'frames',
        frames: [{ type: 'typing', conversationId: frame.conversationId, userId: connection.userId }],
      });
    });

    gateway.handle('sync', async (connection, frame) => {
      const { messages, unread, truncated } = await syncSince(db, connection.userId, frame);
      const serverTime = Date.now();
      for (const message of messages) connection.send({ type: 'message', message, serverTime });
      for (const state of unread) connection.send({ type: 'unread', ...state });
      connection.send({ type: 'synced', serverTime, truncated });
    });

    await fastify.register(
      async (routes) => {
        const app = routes.withTypeProvider<TypeBoxTypeProvider>();
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
            // The opener's screens now show this peer: their presence must reach them from now on.
            await fastify.presence.watchFor(viewer.id, [request.body.userId]);
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
          async (request) =>
            history(db, await requireMembership(db, request.params.id, viewerOf(request).id), request.query),
        );

        app.post(
          '/conversations/:id/read',
          { schema: { params: ConversationParams, body: ReadBody, response: { 200: UnreadResponse } } },
          async (request) => {
            const userId = viewerOf(request).id;
            const result = await markRead(db, userId, request.params.id, request.body.seq);
            await fanOutRead(userId, result);
            return { conversationId: result.conversationId, unread: result.unread, total: result.total };
          },
        );

        app.delete(
          '/conversations/:id',
          { schema: { params: ConversationParams, response: { 200: UnreadResponse } } },
          async (request) => {
            const userId = viewerOf(request).id;
            const state = await deleteForMe(db, userId, request.params.id);
            await gateway.publish(userId, {
              kind: 'frames',
              frames: [
                { type: 'conversation_hidden', conversationId: state.conversationId },
                { type: 'unread', ...state },
              ],
            });
            return state;
          },
        );
      },
      { prefix: '/api' },
    );
  },
  { name: 'chat', dependencies: ['gateway', 'presence', 'authentication'] },
);
