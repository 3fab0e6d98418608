import type { Attachment, ReplyQuote } from '@chat/protocol';
import { AppError, notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { findUpload, toAttachment } from '../../uploads/uploads-repository.ts';
import { requireCanSendTo } from '../blocks/rules.ts';
import { requireChatPartner } from '../conversations.ts';
import { getOrCreateConversation } from '../conversations-repository.ts';
import { findQuoteIn } from '../messages-repository.ts';
import type { PreparedSend } from './types.ts';

export interface SendInput {
  clientId: string;
  conversationId?: number;
  userId?: number;
  text: string;
  /** An upload of the sender's, from POST /api/uploads. */
  attachmentId?: string;
  replyToId?: number;
}

/**
 * Checks a send and finds (or opens) its conversation: everything that needs no transaction.
 * Membership and blocks in a conversation named by id are checked by the commit alone, under the
 * conversation's lock: a read here as well cost a query per message, and MariaDB's CPU with it.
 */
export async function prepareSend(db: Db, senderId: number, input: SendInput): Promise<PreparedSend> {
  const attachment = input.attachmentId === undefined ? null : await ownAttachment(db, senderId, input.attachmentId);
  if (input.text.trim() === '' && !attachment) throw new AppError(400, 'empty_message', 'Write something first.');
  const conversationId = await resolveConversation(db, senderId, input);
  const replyTo = input.replyToId === undefined ? null : await quoteIn(db, conversationId, input.replyToId);
  return { senderId, conversationId, clientId: input.clientId, text: input.text, attachment, replyTo };
}

/** A reply answers a message of its own conversation; any other id is refused alike, revealing nothing. */
async function quoteIn(db: Db, conversationId: number, messageId: number): Promise<ReplyQuote> {
  const quote = await findQuoteIn(db, conversationId, messageId);
  if (!quote) throw new AppError(400, 'invalid_reply', 'You can only reply to a message of this conversation.');
  return quote;
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
  await requireCanSendTo(db, senderId, input.userId);
  return getOrCreateConversation(db, senderId, input.userId, Date.now());
}
