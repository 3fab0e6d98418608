import type { Attachment, ClientFrame, Message } from '@chat/protocol';
import { AppError, notFound } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import { isUniqueViolation } from '../infra/db/dialect.ts';
import { findUpload, toAttachment } from '../uploads/uploads-repository.ts';
import { requireChatPartner, requireMembership } from './conversations.ts';
import {
  advanceReadSeq,
  clearForMember,
  getOrCreateConversation,
  listMemberships,
  listMembershipsForSync,
  nextSeq,
  recordSent,
  totalUnread,
} from './conversations-repository.ts';
import { findByClientId, insertMessage, listMessages } from './messages-repository.ts';

/** What an `unread` frame says: the count and the cursors it comes from. */
export interface UnreadState {
  conversationId: number;
  unread: number;
  lastSeq: number;
  readSeq: number;
  total: number;
}

export const unreadState = (conversationId: number, lastSeq: number, readSeq: number, total: number): UnreadState => ({
  conversationId,
  unread: Math.max(0, lastSeq - readSeq),
  lastSeq,
  readSeq,
  total,
});

export interface SendInput {
  clientId: string;
  conversationId?: number;
  userId?: number;
  text: string;
  /** An upload of the sender's, from POST /api/uploads. */
  attachmentId?: string;
}

export interface SendResult {
  message: Message;
  /** False when the client id was used before: the stored message is acked again and nothing is fanned out. */
  created: boolean;
  peerId: number;
  peerUnread: UnreadState;
  /** The sender's own counts: sending reads everything before it, and their other tabs must know. */
  senderUnread: UnreadState;
}

/** A send checked and resolved to its conversation, ready to be committed (alone or in a batch). */
export interface PreparedSend {
  senderId: number;
  conversationId: number;
  clientId: string;
  text: string;
  attachment: Attachment | null;
}

/** Checks a send and finds (or opens) its conversation: everything that needs no transaction. */
export async function prepareSend(db: Db, senderId: number, input: SendInput): Promise<PreparedSend> {
  const attachment = input.attachmentId === undefined ? null : await ownAttachment(db, senderId, input.attachmentId);
  if (input.text.trim() === '' && !attachment) throw new AppError(400, 'empty_message', 'Write something first.');
  const conversationId = await resolveConversation(db, senderId, input);
  return { senderId, conversationId, clientId: input.clientId, text: input.text, attachment };
}

/**
 * Stores one message. One transaction takes the next seq (the conversation row stays locked until
 * commit, so seqs never gap or repeat), inserts the message, moves the cursors and reads the new
 * absolute unread counts: a client that missed an event is corrected by the next one.
 * The (sender, client id) unique key makes a retry, however late, return the stored message.
 * The hot path commits many sends together (send-batch.ts); this is its one-by-one fallback.
 */
export async function commitOne(db: Db, send: PreparedSend): Promise<SendResult> {
  const { senderId, conversationId, attachment } = send;
  const now = Date.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const membership = await requireMembership(trx, conversationId, senderId);
      const seq = await nextSeq(trx, conversationId, now);
      const message = await insertMessage(
        trx,
        {
          conversation_id: conversationId,
          seq,
          sender_id: senderId,
          client_id: send.clientId,
          text: send.text,
          attachment_id: attachment?.id ?? null,
          created_at: now,
        },
        attachment,
      );
      await recordSent(trx, conversationId, senderId, seq);
      const peerId = membership.peerId;
      const [peer] = await listMemberships(trx, peerId, [conversationId]);
      const peerUnread = unreadState(conversationId, seq, peer?.readSeq ?? seq, await totalUnread(trx, peerId));
      const senderUnread = unreadState(conversationId, seq, seq, await totalUnread(trx, senderId));
      return { message, created: true, peerId, peerUnread, senderUnread };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return await replayed(db, senderId, send.clientId, error);
  }
}

/** Only the uploader can send a picture: an upload id found elsewhere cannot be replayed into another chat. */
async function ownAttachment(db: Db, senderId: number, uploadId: string): Promise<Attachment> {
  const upload = await findUpload(db, uploadId);
  if (!upload || upload.uploader_id !== senderId) throw notFound('That picture');
  return toAttachment(upload);
}

async function resolveConversation(db: Db, senderId: number, input: SendInput): Promise<number> {
  if (input.conversationId !== undefined) return input.conversationId;
  if (input.userId === undefined) throw new AppError(400, 'bad_request', 'Name a conversationId or a userId.');
  await requireChatPartner(db, senderId, input.userId);
  return getOrCreateConversation(db, senderId, input.userId, Date.now());
}

/** The answer to a send whose client id is already stored: an ack only, nothing to fan out or count. */
async function replayed(db: Db, senderId: number, clientId: string, cause: unknown): Promise<SendResult> {
  const message = await findByClientId(db, senderId, clientId);
  if (!message) throw cause;
  const membership = await requireMembership(db, message.conversationId, senderId);
  return {
    message,
    created: false,
    peerId: membership.peerId,
    peerUnread: unreadState(message.conversationId, message.seq, message.seq, 0),
    senderUnread: unreadState(message.conversationId, message.seq, message.seq, 0),
  };
}

export interface ReadResult extends UnreadState {
  /** False when the cursor was already there or past it: nothing to tell anyone. */
  moved: boolean;
  peerId: number;
}

/** Moves the reader's cursor (forward only, never past the last message) and returns the new counts. */
export async function markRead(db: Db, userId: number, conversationId: number, seq: number): Promise<ReadResult> {
  return db.transaction().execute(async (trx) => {
    const membership = await requireMembership(trx, conversationId, userId);
    const target = Math.min(seq, membership.lastSeq);
    const moved = await advanceReadSeq(trx, conversationId, userId, target);
    const readSeq = moved ? target : membership.readSeq;
    return {
      ...unreadState(conversationId, membership.lastSeq, readSeq, await totalUnread(trx, userId)),
      moved,
      peerId: membership.peerId,
    };
  });
}

/** "Delete for me": the history up to now leaves this member's view; the peer keeps everything. */
export async function deleteForMe(db: Db, userId: number, conversationId: number): Promise<UnreadState> {
  return db.transaction().execute(async (trx) => {
    const membership = await requireMembership(trx, conversationId, userId);
    await clearForMember(trx, conversationId, userId, membership.lastSeq);
    return unreadState(conversationId, membership.lastSeq, membership.lastSeq, await totalUnread(trx, userId));
  });
}

/** Messages one sync carries at most; past it the client reloads over REST (`synced.truncated`). */
const SYNC_MAX_MESSAGES = 2000;
/**
 * Conversations the client has no cursor for are looked for from this long before its `since`, so
 * that clocks a little apart between nodes cannot hide a message; the client drops what it has.
 */
const SYNC_CLOCK_SLACK_MS = 5000;

export interface SyncResult {
  messages: Message[];
  unread: UnreadState[];
  truncated: boolean;
}

/** Everything a reconnecting client missed: after its cursor in known conversations, after `since` in others. */
export async function syncSince(
  db: Db,
  userId: number,
  frame: Extract<ClientFrame, { type: 'sync' }>,
): Promise<SyncResult> {
  const cursors = new Map(frame.cursors.map((c) => [c.conversationId, c.seq]));
  const memberships = new Map(
    (await listMembershipsForSync(db, userId, [...cursors.keys()], frame.since - SYNC_CLOCK_SLACK_MS)).map((m) => [
      m.conversationId,
      m,
    ]),
  );
  const total = await totalUnread(db, userId);
  const unread = [...memberships.values()].map((m) => unreadState(m.conversationId, m.lastSeq, m.readSeq, total));
  const messages: Message[] = [];
  for (const m of memberships.values()) {
    const cursor = cursors.get(m.conversationId);
    const after = Math.max(cursor ?? m.clearedSeq, m.clearedSeq);
    if (m.lastSeq <= after) continue;
    const room = SYNC_MAX_MESSAGES - messages.length;
    const page = await listMessages(db, m.conversationId, {
      after,
      createdSince: cursor === undefined ? frame.since - SYNC_CLOCK_SLACK_MS : undefined,
      limit: room + 1,
      fromEnd: false,
    });
    messages.push(...page.slice(0, room));
    if (page.length > room) return { messages, unread, truncated: true };
  }
  return { messages, unread, truncated: false };
}
