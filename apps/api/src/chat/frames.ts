import { MESSAGE_CHANGES, TYPING, WS_LIMITS } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '../gateway/connection.ts';
import { AnsweredLater } from '../gateway/dispatch.ts';
import { AppError } from '../http/errors.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import { UserLimiter } from '../infra/rate-limit/user-limiter.ts';
import { requireCanSendIn, seeEachOther } from './blocks/rules.ts';
import { changeMessage } from './changes/change.ts';
import { hideMessage } from './changes/hide.ts';
import type { Change } from './changes/rules.ts';
import type { ConversationStarted } from './events.ts';
import { findById } from './messages-repository.ts';
import { changeEvents, hiddenMessageEvents, readEvents, sendEvents, typingEvents } from './notify.ts';
import { PeerCache } from './peer-cache.ts';
import { markRead, receiptsShared } from './reading.ts';
import type { GroupCommit } from './send/group-commit.ts';
import { prepareSend } from './send/prepare.ts';
import { SyncReads, syncSince } from './sync.ts';

/** The socket frames of chat: send, edit, delete, react, read, typing and sync. */
export function registerChatFrames(
  app: FastifyInstance,
  commit: GroupCommit,
  conversationStarted: ConversationStarted,
) {
  const { gateway } = app;
  const db = app.database.db;
  const sends = new UserLimiter(WS_LIMITS.sendsPerSecond, WS_LIMITS.sendBurst);
  const syncs = new UserLimiter(WS_LIMITS.syncsPerSecond, WS_LIMITS.syncBurst);
  const changes = new UserLimiter(MESSAGE_CHANGES.changesPerSecond, MESSAGE_CHANGES.changeBurst);
  const { editWindowMs } = app.config;
  const peers = new PeerCache(db);
  const syncReads = new SyncReads(app.database);
  const lastTyping = new Map<string, number>();
  const prune = setInterval(() => {
    sends.prune();
    syncs.prune();
    changes.prune();
  }, 60_000);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));

  gateway.handle('send', async (connection, frame) => {
    const acked = sendMetrics.started();
    if (!sends.take(connection.userId)) {
      throw new AppError(429, 'rate_limited', 'You are sending too fast. Wait a moment and try again.');
    }
    // Queued in the order the frames came; the next frame is handled while this one commits.
    const committed = commit.submit(await prepareSend(db, connection.userId, frame));
    return new AnsweredLater(
      committed.then((result) => {
        connection.send({ type: 'ack', clientId: frame.clientId, message: result.message });
        acked();
        connection.send({ type: 'unread', ...result.senderUnread });
        gateway.deliver(sendEvents(result, connection.id, Date.now()));
        if (result.message.seq === 1) conversationStarted.emit(result.message.senderId, result.peerId);
      }),
    );
  });

  const change = async (connection: Connection, clientId: string, request: Change) => {
    if (!changes.take(connection.userId)) {
      throw new AppError(429, 'rate_limited', 'You are changing messages too fast. Wait a moment and try again.');
    }
    await requireCanSendIn(db, { messageId: request.messageId }, connection.userId);
    const result = await changeMessage(db, connection.userId, request, editWindowMs);
    connection.send({ type: 'change_ack', clientId, message: result.message });
    for (const { userId, state } of result.unread) {
      if (userId === connection.userId) connection.send({ type: 'unread', ...state });
    }
    gateway.deliver(changeEvents(connection.userId, result, connection.id, Date.now()));
  };

  gateway.handle('edit', (connection, frame) =>
    change(connection, frame.clientId, { kind: 'edit', messageId: frame.messageId, text: frame.text }),
  );

  gateway.handle('react', (connection, frame) =>
    change(connection, frame.clientId, {
      kind: 'react',
      messageId: frame.messageId,
      emoji: frame.emoji,
      on: frame.on,
    }),
  );

  gateway.handle('delete', async (connection, frame) => {
    if (frame.forEveryone) {
      return change(connection, frame.clientId, { kind: 'delete', messageId: frame.messageId });
    }
    const { conversationId } = await hideMessage(db, connection.userId, frame.messageId);
    const message = await findById(db, frame.messageId);
    if (message) connection.send({ type: 'change_ack', clientId: frame.clientId, message });
    gateway.deliver(hiddenMessageEvents(connection.userId, conversationId, frame.messageId, connection.id));
  });

  gateway.handle('read', async (connection, frame) => {
    const result = await markRead(db, connection.userId, frame.conversationId, frame.seq);
    if (!result.moved) return;
    gateway.deliver(readEvents(connection.userId, result, await receiptsShared(db, connection.userId, result.peerId)));
  });

  gateway.handle('typing', async (connection, frame) => {
    const key = `${connection.id}:${frame.conversationId}`;
    const now = Date.now();
    // "Typing" is a hint: extra ones within a second are dropped, so a flood cannot reach the peer.
    if (now - (lastTyping.get(key) ?? 0) < TYPING.serverMinIntervalMs) return;
    if (lastTyping.size > 100_000) lastTyping.clear();
    lastTyping.set(key, now);
    const peerId = await peers.peerOf(frame.conversationId, connection.userId);
    // Read each time, not cached with the peer: a block must stop typing on every node at once.
    if (!(await seeEachOther(db, connection.userId, peerId))) return;
    gateway.deliver(typingEvents(peerId, frame.conversationId, connection.userId));
  });

  gateway.handle('sync', async (connection, frame) => {
    if (!syncs.take(connection.userId)) {
      throw new AppError(429, 'rate_limited', 'Too many syncs: try again in a second.');
    }
    const { messages, changed, unread, truncated, changeSeqs } = await syncSince(syncReads, connection.userId, frame);
    const serverTime = Date.now();
    for (const message of messages) connection.send({ type: 'message', message, serverTime });
    for (const message of changed) connection.send({ type: 'message_changed', message, serverTime });
    for (const state of unread) connection.send({ type: 'unread', ...state });
    connection.send({ type: 'synced', serverTime, truncated, changeSeqs });
  });
}
