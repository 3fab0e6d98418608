import { TYPING, WS_LIMITS } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import { UserLimiter } from '../infra/rate-limit/user-limiter.ts';
import { findUsersReceipts } from '../users/users-repository.ts';
import type { ConversationStarted } from './events.ts';
import { readEvents, sendEvents, typingEvents } from './notify.ts';
import { PeerCache } from './peer-cache.ts';
import { markRead } from './reading.ts';
import type { GroupCommit } from './send/group-commit.ts';
import { prepareSend } from './send/prepare.ts';
import { syncSince } from './sync.ts';

/** The socket frames of chat: send, read, typing and sync. */
export function registerChatFrames(
  app: FastifyInstance,
  commit: GroupCommit,
  conversationStarted: ConversationStarted,
) {
  const { gateway } = app;
  const db = app.database.db;
  const sends = new UserLimiter(WS_LIMITS.sendsPerSecond, WS_LIMITS.sendBurst);
  const syncs = new UserLimiter(WS_LIMITS.syncsPerSecond, WS_LIMITS.syncBurst);
  const peers = new PeerCache(db);
  const lastTyping = new Map<string, number>();
  const prune = setInterval(() => {
    sends.prune();
    syncs.prune();
  }, 60_000);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));

  gateway.handle('send', async (connection, frame) => {
    const acked = sendMetrics.started();
    if (!sends.take(connection.userId)) {
      throw new AppError(429, 'rate_limited', 'You are sending too fast. Wait a moment and try again.');
    }
    const result = await commit.submit(await prepareSend(db, connection.userId, frame));
    connection.send({ type: 'ack', clientId: frame.clientId, message: result.message });
    acked();
    connection.send({ type: 'unread', ...result.senderUnread });
    gateway.deliver(sendEvents(result, connection.id, Date.now()));
    if (result.message.seq === 1) conversationStarted.emit(result.message.senderId, result.peerId);
  });

  gateway.handle('read', async (connection, frame) => {
    const result = await markRead(db, connection.userId, frame.conversationId, frame.seq);
    if (!result.moved) return;
    const receipts = await findUsersReceipts(db, [connection.userId, result.peerId]);
    gateway.deliver(readEvents(connection.userId, result, receipts.every(Boolean)));
  });

  gateway.handle('typing', async (connection, frame) => {
    const key = `${connection.id}:${frame.conversationId}`;
    const now = Date.now();
    // "Typing" is a hint: extra ones within a second are dropped, so a flood cannot reach the peer.
    if (now - (lastTyping.get(key) ?? 0) < TYPING.serverMinIntervalMs) return;
    if (lastTyping.size > 100_000) lastTyping.clear();
    lastTyping.set(key, now);
    const peerId = await peers.peerOf(frame.conversationId, connection.userId);
    gateway.deliver(typingEvents(peerId, frame.conversationId, connection.userId));
  });

  gateway.handle('sync', async (connection, frame) => {
    if (!syncs.take(connection.userId)) {
      throw new AppError(429, 'rate_limited', 'Too many syncs: try again in a second.');
    }
    const { messages, unread, truncated } = await syncSince(db, connection.userId, frame);
    const serverTime = Date.now();
    for (const message of messages) connection.send({ type: 'message', message, serverTime });
    for (const state of unread) connection.send({ type: 'unread', ...state });
    connection.send({ type: 'synced', serverTime, truncated });
  });
}
